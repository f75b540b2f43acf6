//! Writing typed .xlsx workbooks and CSV files.
//!
//! [`Formats`] holds the cell formats every export shares, so a kr. amount or a date
//! looks the same in every workbook gevinst writes.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// The shared cell formats.
#[derive(Debug, Clone)]
pub struct Formats {
    /// Bold header with a bottom border, wrapped.
    pub header: Format,
    /// kr. with thousands separators and no decimals, e.g. `1.234.567 kr.` in a Danish Excel.
    pub kr: Format,
    /// A decimal number with two decimals (årsværk, hours).
    pub decimal: Format,
    /// A whole number.
    pub integer: Format,
    /// A percentage with one decimal.
    pub percent: Format,
    /// A date, `dd-mm-yyyy`.
    pub date: Format,
    /// A date and time, `dd-mm-yyyy hh:mm`.
    pub datetime: Format,
    /// Wrapped text.
    pub text: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            kr: Format::new().set_num_format("#,##0 \"kr.\";-#,##0 \"kr.\""),
            decimal: Format::new().set_num_format("#,##0.00"),
            integer: Format::new().set_num_format("0"),
            percent: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("dd-mm-yyyy"),
            datetime: Format::new().set_num_format("dd-mm-yyyy hh:mm"),
            text: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// A 0-based row index as the workbook writer takes it; more rows than it can address is
/// [`XlsxError::RowColumnLimitError`].
pub(crate) fn row_index(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Writes a header row at row 0 with the given column widths (in characters), freezes it
/// and puts an autofilter over `rows` data rows (at least the header itself).
pub fn header_row(
    sheet: &mut Worksheet,
    formats: &Formats,
    columns: &[(&str, f64)],
    rows: u32,
) -> Result<(), XlsxError> {
    for (c, (title, width)) in columns.iter().enumerate() {
        let c =
            u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
        sheet.write_string_with_format(0, c, *title, &formats.header)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if let Some(last) = columns.len().checked_sub(1) {
        let last = u16::try_from(last)
            .map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
        sheet.autofilter(0, 0, rows, last)?;
    }
    Ok(())
}
pub mod errors;
pub mod portfolio;
pub mod programme;
