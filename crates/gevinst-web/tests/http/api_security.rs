//! Tests: api_security (being written).
