//! The app's integration tests, one binary: the use cases on a real SQLite store, with the
//! fixtures of `gevinst_testkit`.

mod auth;
mod business_cases;
mod duties;
mod front;
mod import;
mod import_uploads;
mod programmes;
