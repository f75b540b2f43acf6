//! The list's optional columns, totals, saved views and bulk form, as the template shows
//! them. The figures come from the app ([`gevinst_app::potential_list`]); this module only
//! formats them, each with the same [`danish`] function as the business-case page.

use super::Choice;
use gevinst_app::potential_list::{ListRow, StoredListView};
use gevinst_app::potentials::TenantLists;
use gevinst_domain::danish;
use gevinst_domain::potential_list::{CaseFigures, FigureTotals, ListColumn};
use gevinst_domain::Status;

/// Shown for a figure of a potential without a business case, or a missing person.
const NOTHING: &str = "–";

/// One cell of an optional column.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// The column's key (`npv` …), for `data-col`.
    pub key: &'static str,
    /// The column's header, for the phone layout's `data-label`.
    pub label: &'static str,
    /// The formatted value.
    pub text: String,
    /// Right-aligned (a number).
    pub numeric: bool,
}

/// The totals row.
#[derive(Debug, Clone)]
pub(crate) struct TotalsRow {
    /// "I alt (331 potentialer, 250 med business case)".
    pub label: String,
    /// One cell per optional column (empty text where nothing is summed).
    pub cells: Vec<Cell>,
}

/// A sortable header of an optional column.
#[derive(Debug, Clone)]
pub(crate) struct ColumnHeader {
    /// The column's key.
    pub key: &'static str,
    /// Visible text.
    pub label: &'static str,
    /// Right-aligned.
    pub numeric: bool,
    /// Link that sorts by the column.
    pub href: String,
    /// `ascending`/`descending` when this is the current sort, else empty.
    pub aria_sort: &'static str,
}

/// A saved view as a link.
#[derive(Debug, Clone)]
pub(crate) struct ViewLink {
    /// Id (for deleting).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Link to the list with the view's query.
    pub href: String,
    /// Whether the list shows this view now.
    pub current: bool,
}

fn figure_text(column: ListColumn, f: &CaseFigures) -> String {
    match column {
        ListColumn::Payback => f
            .payback_year
            .map_or_else(|| "Ingen".to_owned(), |y| y.to_string()),
        ListColumn::Fte => danish::format_fte(f.fte),
        c => f.amount(c).map(danish::format_kr).unwrap_or_default(),
    }
}

/// The cells of a row's optional columns.
pub(crate) fn row_cells(row: &ListRow, columns: &[ListColumn], lists: &TenantLists) -> Vec<Cell> {
    columns
        .iter()
        .map(|c| {
            let text = match c {
                ListColumn::Owner => lists.user_name(row.potential.benefit_owner),
                ListColumn::Agent => lists.user_name(row.potential.digital_agent),
                _ => None,
            }
            .map(str::to_owned)
            .or_else(|| {
                c.is_figure()
                    .then(|| row.figures.as_ref().map(|f| figure_text(*c, f)))
                    .flatten()
            })
            .unwrap_or_else(|| NOTHING.to_owned());
            Cell {
                key: c.as_str(),
                label: c.label(),
                text,
                numeric: c.is_figure(),
            }
        })
        .collect()
}

/// The totals row for the filter: each summed column's exact sum, rounded once here.
pub(crate) fn totals_row(t: &FigureTotals, columns: &[ListColumn]) -> TotalsRow {
    let potentials = if t.rows == 1 {
        "potentiale"
    } else {
        "potentialer"
    };
    TotalsRow {
        label: format!(
            "I alt ({} {potentials}, {} med business case)",
            danish::format_count(t.rows as u64),
            danish::format_count(t.cases as u64)
        ),
        cells: columns
            .iter()
            .map(|c| Cell {
                key: c.as_str(),
                label: c.label(),
                text: match (c, t.amount(*c)) {
                    (ListColumn::Fte, Some(x)) => danish::format_fte(x),
                    (_, Some(x)) => danish::format_kr(x),
                    (_, None) => String::new(),
                },
                numeric: c.is_figure(),
            })
            .collect(),
    }
}

/// The column checkboxes.
pub(crate) fn column_choices(columns: &[ListColumn]) -> Vec<Choice> {
    ListColumn::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: c.label().to_owned(),
            selected: columns.contains(c),
        })
        .collect()
}

/// The statuses a bulk change can set.
pub(crate) fn bulk_statuses() -> Vec<Choice> {
    Status::ALL
        .iter()
        .map(|s| Choice::new(s.as_str(), s.label(), ""))
        .collect()
}

/// A query string's non-empty pairs, sorted, so that two orders of the same filters
/// compare equal.
fn pairs(query: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    out.retain(|(k, v)| k != "page" && !v.trim().is_empty());
    out.sort();
    out
}

/// The saved views as links; `current` is the list's query string now.
pub(crate) fn view_links(views: Vec<StoredListView>, current: &str) -> Vec<ViewLink> {
    let current = pairs(current);
    views
        .into_iter()
        .map(|v| ViewLink {
            id: v.id,
            href: if v.query.is_empty() {
                "/potentialer".to_owned()
            } else {
                format!("/potentialer?{}", v.query)
            },
            current: pairs(&v.query) == current,
            name: v.name,
        })
        .collect()
}
