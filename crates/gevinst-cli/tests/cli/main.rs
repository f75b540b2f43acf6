//! The CLI's integration tests: the `gevinst` commands one by one ([`commands`]), run
//! against the real binary. The attack suite is the crate's second test binary
//! (`tests/attack`): its tests load the machine on purpose (slow clients, bursts, parallel
//! logins), so cargo runs it after this one instead of beside it.

mod commands;
mod listening;
