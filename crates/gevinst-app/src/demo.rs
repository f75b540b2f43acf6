//! The demo tenant (owned by the CLI/demo helper; see issue 2's "Demo").
