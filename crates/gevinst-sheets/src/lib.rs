//! Spreadsheets in and out of gevinst.
//!
//! - [`import`]: reads a workbook (.xlsx, .xls, .ods) or a CSV file into rows of cells,
//!   finds the header row, suggests a column mapping and parses Danish numbers and dates.
//!   Hostile files (zip bombs, corrupt or encrypted workbooks, endless empty rows) are
//!   refused with a clear error.
//! - [`export`]: writes typed .xlsx workbooks (numbers as numbers, dates as dates, kr. with
//!   a number format) and CSV.
//!
//! The crate works on bytes and domain values only: no database and no network, so the
//! same code serves the web UI, the API and the CLI.
#![deny(missing_docs)]

pub mod export;
pub mod import;
