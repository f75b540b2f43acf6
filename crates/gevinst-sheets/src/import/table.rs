//! The cells of one sheet, as read.

use chrono::{NaiveDate, NaiveDateTime};

/// One cell's value as the file holds it. Numbers are taken as read (`f64`); the import
/// turns them into exact decimals only when mapping them to fields.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// No value, or only spaces.
    Empty,
    /// Text (from a CSV file every value is text).
    Text(String),
    /// A number stored as a number (a formula gives its cached value).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date without a time of day.
    Date(NaiveDate),
    /// A date with a time of day.
    DateTime(NaiveDateTime),
    /// An error value such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// True for an empty cell or text of only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The text of a text cell.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The value as a user would read it in the sheet, for messages and notes: numbers and
    /// dates the Danish way, numbers without thousands separators (see [`display_number`]).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) => display_number(*n),
            Cell::Bool(true) => "SAND".to_owned(),
            Cell::Bool(false) => "FALSK".to_owned(),
            Cell::Date(d) => d.format("%d-%m-%Y").to_string(),
            Cell::DateTime(d) => d.format("%d-%m-%Y %H:%M").to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number as Danish text with the decimals it has (at most 6) and, as a spreadsheet's
/// General format shows it, no thousands separators: a year, an hour count or an id reads
/// as written (`2026`, not `2.026`).
pub(crate) fn display_number(n: f64) -> String {
    use rust_decimal::prelude::FromPrimitive;
    match rust_decimal::Decimal::from_f64(n) {
        Some(d) if n.is_finite() => gevinst_domain::danish::format_plain(d.round_dp(6)),
        _ => n.to_string(),
    }
}

/// A row that has at least one non-empty cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    /// The row's number in the sheet, from 1 (as Excel shows it).
    pub number: u32,
    /// The cells from column A; trailing empty cells are trimmed.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in column `index` (0 = A), or [`Cell::Empty`].
    pub fn cell(&self, index: usize) -> &Cell {
        self.cells.get(index).unwrap_or(&Cell::Empty)
    }
}

/// The non-empty rows of a sheet, in sheet order. Entirely empty rows (also formatted
/// ones) are not kept, so their count never costs memory.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// A table from rows; empty cells at the end of each row are trimmed and empty rows
    /// dropped. Rows must be in sheet order.
    pub fn new(rows: Vec<Row>) -> Self {
        let rows = rows
            .into_iter()
            .filter_map(|mut r| {
                while r.cells.last().is_some_and(Cell::is_blank) {
                    r.cells.pop();
                }
                (!r.cells.is_empty()).then_some(r)
            })
            .collect();
        Table { rows }
    }

    /// The rows.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// True when the sheet has no data at all.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of columns: one past the last non-empty cell of any row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)
    }
}

/// A column's letters: 0 → `"A"`, 26 → `"AA"`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
