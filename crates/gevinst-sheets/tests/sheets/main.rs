//! The spreadsheets crate's integration tests, one binary: the portfolio export read back,
//! and the import of messy, hostile and committed files.

mod export_portfolio;
mod import;
