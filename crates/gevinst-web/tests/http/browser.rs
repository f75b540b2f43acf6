//! Tests: browser (being written).
