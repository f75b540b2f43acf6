//! Tests: pages_potentials (being written).
