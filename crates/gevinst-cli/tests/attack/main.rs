//! The attack suite: the attacks of a municipal security review, run against the real
//! `gevinst` binary so that none of them can come back silently.
//!
//! Each module is one class of attack. They start `gevinst serve` as a child process
//! (see [`support`]) on a temporary SQLite database, and on PostgreSQL where the attack
//! is about what several processes share. PostgreSQL needs `GEVINST_TEST_POSTGRES_URL`
//! (`scripts/test` starts a throwaway server); without it those tests are skipped, unless
//! `GEVINST_REQUIRE_POSTGRES=1` (as in `scripts/test` and CI) makes them fail.

mod audit_tamper;
mod backups;
mod credentials;
mod duties;
mod login;
mod slow_clients;
mod support;
mod two_instances;

#[path = "../cli/listening.rs"]
#[allow(dead_code)] // the attack suite does not read what the server printed first
mod listening;
