//! Finding the header row: it may not be row 1, and merged cells leave empties.

use super::error::{ErrorKind, ImportError};
use super::mapping::suggest_field;
use super::table::{column_letters, Cell, Table};

/// A column of the sheet as the header names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// The column index (0 = A).
    pub index: usize,
    /// The header text, or `"Kolonne D"` when the header cell is empty.
    pub name: String,
    /// False when the header cell was empty.
    pub has_header: bool,
}

/// The detected header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    /// The sheet row numbers (from 1) the header was read from: one row, or two when a
    /// merged group header sits above the column headers.
    pub rows: Vec<u32>,
    /// Every column up to the last one with data.
    pub columns: Vec<Column>,
    /// Index into [`Table::rows`] of the first data row.
    pub data_from: usize,
}

/// A possible header: its (last) row's index, how many fields it names, the column
/// names and the sheet rows it spans.
struct Candidate {
    index: usize,
    score: usize,
    names: Vec<Option<String>>,
    rows: Vec<u32>,
}

/// How many rows from the top are searched for the header.
const SEARCH_ROWS: usize = 30;

fn text_at(row: &[Cell], i: usize) -> Option<String> {
    match row.get(i) {
        Some(Cell::Text(t)) if !t.trim().is_empty() => Some(t.trim().to_owned()),
        _ => None,
    }
}

/// Header names for `lower` with `upper` above it (merged cells leave the upper row's
/// text only in the first cell of the merge; it is carried to the right). A column takes
/// the lower text if it names a field, else upper + lower if that does, else the lower
/// text, else the upper text.
fn names(upper: Option<&[Cell]>, lower: &[Cell], width: usize) -> Vec<Option<String>> {
    let mut carried: Option<String> = None;
    (0..width)
        .map(|i| {
            let low = text_at(lower, i);
            let up = upper.and_then(|u| text_at(u, i));
            if up.is_some() {
                carried = up.clone();
            }
            if upper.is_none() {
                return low;
            }
            if low.as_deref().is_some_and(|l| suggest_field(l).is_some()) {
                return low;
            }
            if let (Some(c), Some(l)) = (&carried, &low) {
                let joined = format!("{c} {l}");
                if suggest_field(&joined).is_some() {
                    return Some(joined);
                }
            }
            low.or(up)
        })
        .collect()
}

fn score(names: &[Option<String>]) -> usize {
    let mut fields: Vec<_> = names
        .iter()
        .flatten()
        .filter_map(|n| suggest_field(n))
        .collect();
    fields.sort();
    fields.dedup();
    fields.len()
}

/// Finds the header: the first of the top rows (alone, or with the row above it when
/// that names more fields) whose texts name at least two known fields; otherwise the
/// first row with two or more cells that are mostly text and followed by a data row.
pub fn detect_header(table: &Table) -> Result<Header, ImportError> {
    let rows = table.rows();
    let width = table.width();
    if rows.is_empty() {
        return Err(ImportError::new(
            ErrorKind::NoData,
            "Arket indeholder ingen data.",
        ));
    }
    let top = rows.len().min(SEARCH_ROWS);
    // (row index, score, names, sheet rows) of the best header so far.
    let mut best: Option<Candidate> = None;
    for i in 0..top {
        let single = names(None, &rows[i].cells, width);
        let mut candidate = Candidate {
            index: i,
            score: score(&single),
            names: single,
            rows: vec![rows[i].number],
        };
        if i > 0 && rows[i - 1].number + 1 == rows[i].number {
            let pair = names(Some(&rows[i - 1].cells), &rows[i].cells, width);
            let s = score(&pair);
            if s > candidate.score {
                candidate.score = s;
                candidate.names = pair;
                candidate.rows = vec![rows[i - 1].number, rows[i].number];
            }
        }
        // The first row that names most fields wins; a later row must name more.
        if candidate.score >= 2 && best.as_ref().is_none_or(|b| candidate.score > b.score) {
            best = Some(candidate);
        }
    }
    let (index, found_names, header_rows) = match best {
        Some(c) => (c.index, c.names, c.rows),
        None => {
            let i = (0..top)
                .find(|&i| {
                    let cells = &rows[i].cells;
                    let filled = cells.iter().filter(|c| !c.is_blank()).count();
                    let texts = cells.iter().filter(|c| matches!(c, Cell::Text(_))).count();
                    filled >= 2 && texts * 5 >= filled * 4 && i + 1 < rows.len()
                })
                .ok_or_else(|| {
                    ImportError::new(
                        ErrorKind::NoHeader,
                        "Der er ingen overskriftsrække i arket. Den første række med data skal have kolonnenavne som «Titel», «Enhed» og «Forventet gevinst».",
                    )
                })?;
            (i, names(None, &rows[i].cells, width), vec![rows[i].number])
        }
    };
    let columns = found_names
        .into_iter()
        .enumerate()
        .map(|(i, n)| match n {
            Some(name) => Column {
                index: i,
                name,
                has_header: true,
            },
            None => Column {
                index: i,
                name: format!("Kolonne {}", column_letters(i)),
                has_header: false,
            },
        })
        .collect();
    Ok(Header {
        rows: header_rows,
        columns,
        data_from: index + 1,
    })
}
