//! The import's error report: the rows that were not (or not cleanly) imported, with their
//! Danish errors and warnings next to the file's own cells, so the user can fix the file
//! and import it again.
//!
//! # Layout
//!
//! One sheet, "Fejlrapport", header in row 1 (frozen, autofilter): **Række** (the row's
//! number in the imported sheet), **Resultat** (e.g. "Fejl", "Dublet", "Advarsel"),
//! **Fejl og advarsler** (the messages, one per line), then the file's own columns by their
//! header text, with the cells as the import read them (text).

use super::portfolio::ExportError;
use super::{header_row, row_index, Formats};
use rust_xlsxwriter::{Workbook, XlsxError};

/// One row of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorReportRow {
    /// The row's number in the imported sheet (from 1).
    pub row: u32,
    /// The outcome in Danish, e.g. "Fejl".
    pub outcome: String,
    /// Errors and warnings in Danish.
    pub messages: Vec<String>,
    /// The row's cells as text, in the order of `columns` of [`error_report`].
    pub cells: Vec<String>,
}

/// The name of the report's sheet.
pub const SHEET: &str = "Fejlrapport";

/// Headers written before the file's own columns.
pub const FIXED_HEADERS: [&str; 3] = ["Række", "Resultat", "Fejl og advarsler"];

/// Writes the report as an .xlsx workbook. `columns` are the imported file's headers.
pub fn error_report(columns: &[String], rows: &[ErrorReportRow]) -> Result<Vec<u8>, ExportError> {
    let f = Formats::default();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(SHEET)?;
    let mut headers: Vec<(&str, f64)> = vec![
        (FIXED_HEADERS[0], 8.0),
        (FIXED_HEADERS[1], 12.0),
        (FIXED_HEADERS[2], 70.0),
    ];
    headers.extend(columns.iter().map(|c| (c.as_str(), 20.0)));
    if headers.len() > usize::from(u16::MAX) {
        return Err(XlsxError::ParameterError("too many columns".into()).into());
    }
    let n = row_index(rows.len())?;
    header_row(sheet, &f, &headers, n.max(1))?;
    for (i, r) in rows.iter().enumerate() {
        let at = row_index(i + 1)?;
        sheet.write_number_with_format(at, 0, f64::from(r.row), &f.integer)?;
        sheet.write_string(at, 1, &r.outcome)?;
        sheet.write_string_with_format(at, 2, r.messages.join("\n"), &f.text)?;
        for (c, cell) in r.cells.iter().enumerate().take(headers.len() - 3) {
            if cell.is_empty() {
                continue;
            }
            // `take` keeps c + 3 within the header count, which fits in a u16.
            let col = u16::try_from(c + 3)
                .map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
            sheet.write_string(at, col, cell)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn writes_rows_with_their_messages_and_cells() {
        let columns = vec!["Titel".to_owned(), "Enhed".to_owned()];
        let rows = vec![ErrorReportRow {
            row: 7,
            outcome: "Fejl".into(),
            messages: vec!["Kolonne «Titel»: mangler".into(), "Andet".into()],
            cells: vec![String::new(), "Jobcenter".into()],
        }];
        let bytes = error_report(&columns, &rows).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(SHEET).unwrap();
        let got: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(
            got[0],
            vec![
                Data::String("Række".into()),
                Data::String("Resultat".into()),
                Data::String("Fejl og advarsler".into()),
                Data::String("Titel".into()),
                Data::String("Enhed".into()),
            ]
        );
        assert_eq!(
            got[1],
            vec![
                Data::Float(7.0),
                Data::String("Fejl".into()),
                Data::String("Kolonne «Titel»: mangler\nAndet".into()),
                Data::Empty,
                Data::String("Jobcenter".into()),
            ]
        );
    }
}
