//! The CLI's integration tests, one binary: the `gevinst` commands one by one
//! ([`commands`]), and the attacks of a municipal security review ([`attack`]), all run
//! against the real binary.

mod attack;
mod commands;
mod listening;
