//! Reading the CSV export's business-case sections back (see the module documentation's
//! *CSV*): the import reads the potentials' rows itself and hands the rest here.

use super::read_back::Rows;
use super::{BusinessCase, CSV_SECTIONS};
use crate::import::{Cell, Row};
use calamine::Data;
use rust_decimal::Decimal;

/// A CSV cell's text with the export's formula guard (a leading `'` before `=`, `+`, `-`,
/// `@`, tab or CR) taken off.
pub fn unguarded(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// The section a row opens, if it is a section's title line: the section's name alone.
fn section_title(row: &Row) -> Option<usize> {
    let first = row.cell(0).as_text()?.trim();
    let at = CSV_SECTIONS.iter().position(|s| *s == first)?;
    row.cells.iter().skip(1).all(Cell::is_blank).then_some(at)
}

/// The CSV export's rows below the potentials' header, split: how many rows hold
/// potentials, and the rows of each section of [`CSV_SECTIONS`] (header first, as
/// [`super::attach_cases`] takes them; empty when the file has no such section).
pub fn csv_sections(data: &[Row]) -> (usize, [Rows; 2]) {
    let mut sections: [Rows; 2] = [Vec::new(), Vec::new()];
    let mut potentials = data.len();
    let mut current: Option<usize> = None;
    for (i, row) in data.iter().enumerate() {
        if let Some(s) = section_title(row) {
            potentials = potentials.min(i);
            current = Some(s);
            continue;
        }
        let Some(s) = current else { continue };
        let cells = row
            .cells
            .iter()
            .map(|c| match c.as_text() {
                Some(t) if !t.trim().is_empty() => Data::String(unguarded(t).to_owned()),
                _ => Data::Empty,
            })
            .collect();
        sections[s].push(cells);
    }
    (potentials, sections)
}

/// The business case a potential's row announces by its Startår, Horisont (år) and
/// Diskonteringsrente texts (its lines and risks come from the sections); `None` without a
/// start year, `Err` with the column whose text cannot be read.
pub fn csv_case(
    start: &str,
    horizon: &str,
    rate: &str,
) -> Result<Option<BusinessCase>, &'static str> {
    let (start, horizon, rate) = (start.trim(), horizon.trim(), rate.trim());
    if start.is_empty() {
        return Ok(None);
    }
    let rate = match rate {
        "" => None,
        r => Some(
            r.replace(',', ".")
                .parse::<Decimal>()
                .map_err(|_| "Diskonteringsrente")?,
        ),
    };
    Ok(Some(BusinessCase {
        start_year: start.parse().map_err(|_| "Startår")?,
        horizon: horizon.parse().map_err(|_| "Horisont (år)")?,
        discount_rate: rate,
        lines: Vec::new(),
        risks: Vec::new(),
    }))
}
