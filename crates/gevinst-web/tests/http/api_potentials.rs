//! Tests: api_potentials (being written).
