//! Reading spreadsheets for import.
//!
//! The import runs in steps that the web UI and the CLI share:
//!
//! 1. [`read`] takes a whole file's bytes and returns the chosen sheet's cells as a
//!    [`Table`]: the format is detected from the bytes (.xlsx, .xls, .ods or CSV), the
//!    [`Limits`] are enforced, zip containers are checked for decompression bombs before
//!    calamine reads them, and CSV encoding and delimiter are detected.
//! 2. [`detect_header`] finds the header row (it need not be row 1).
//! 3. [`Mapping::suggest`] proposes which column feeds which [`Field`];
//!    [`Mapping::adapt`] reuses a saved mapping with a new file.
//! 4. [`preview`] parses every data row into a [`RowOutcome`] with Danish errors and
//!    warnings, the CPR guard and duplicates within the file.
//!
//! Deciding new / update against existing potentials, creating unknown names and writing
//! to the store are the caller's job; [`RowKey`] carries what it needs.
//!
//! ```
//! use gevinst_sheets::import::{self, KnownValues, Limits, Mapping};
//! let csv = "Potentialer 2025\n\nTitel;Enhed;Forventet gevinst\nRobot til post;Borgerservice;1,5 mio.\n";
//! let limits = Limits::default();
//! let file = import::read(csv.as_bytes(), None, &limits).unwrap();
//! let header = import::detect_header(&file.table).unwrap();
//! assert_eq!(header.rows, vec![3]);
//! let mapping = Mapping::suggest(&header);
//! let known = KnownValues { units: vec!["Borgerservice".into()], ..Default::default() };
//! let preview = import::preview(&file.table, &header, &mapping, &known, &limits).unwrap();
//! let row = &preview.rows[0];
//! assert_eq!(row.fields.title.as_deref(), Some("Robot til post"));
//! assert_eq!(row.fields.gain_per_year, Some(rust_decimal::Decimal::from(1_500_000)));
//! ```

mod csv_text;
mod error;
mod header;
mod mapping;
mod preview;
mod read;
pub mod similar;
mod table;
pub mod unit_levels;
pub mod values;

pub use csv_text::{decode, detect_delimiter};
pub use error::{ErrorKind, ImportError};
pub use header::{detect_header, Column, Header};
pub use mapping::{
    match_header, suggest_field, Adapted, ColumnMapping, Field, HeaderMatch, Mapping, Target,
};
pub use preview::{
    cpr_message, mask_cpr_cells, preview, CprFinding, Issue, IssueCode, KnownValues, ParsedRow,
    Preview, RowKey, RowOutcome, RowStatus, UnknownValues,
};
pub use read::{
    check_zip, detect_format, read, Format, Limits, ReadOutput, SheetInfo, TextEncoding, CSV_SHEET,
};
pub use table::{column_letters, Cell, Row, Table};
pub use values::{match_known, normalise_key, ValueMatch};
