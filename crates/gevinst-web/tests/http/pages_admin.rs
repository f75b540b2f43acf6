//! Tests: pages_admin (being written).
