//! The store's integration tests, one binary: stories written against the store's traits,
//! each run on SQLite always and on PostgreSQL when `GEVINST_TEST_POSTGRES_URL` names a
//! server (required when `CI` is set or `GEVINST_REQUIRE_POSTGRES=1`); see
//! `gevinst_testkit::TestDb` and `gevinst_testkit::on_both_databases!`.
//!
//! Every story gets a fresh database.

mod audit_chain;
mod import;
mod programme;
mod shared_state;
mod story;
