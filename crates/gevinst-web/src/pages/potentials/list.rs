//! The list of potentials: filters, sort, text search and server-side paging.
//!
//! The query string is read by hand (name/value pairs) so that nothing a user can type in
//! the address bar is rejected with a bare 400: repeated `status` values are joined,
//! other repeated names keep their last value, and invalid values become field errors shown
//! above the list, which then ignores just the invalid filters.

use super::form::{error_links, ErrorLink};
use super::history::NONE;
use super::list_columns::{self as cols, Cell, ColumnHeader, TotalsRow, ViewLink};
use super::{indent, Choice};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gevinst_app::potential_list::ListRequest;
use gevinst_app::potentials::ListParams;
use gevinst_domain::access::Permission;
use gevinst_domain::danish;
use gevinst_domain::potential_list::ListColumn;
use gevinst_domain::{FieldErrors, SortKey, Status};

/// Rows-per-page choices offered in the form.
const PER_PAGE: [u32; 4] = [25, 50, 100, 200];

/// Fields of the filter form, which are also the ids of its inputs.
const FILTER_FIELDS: [&str; 11] = [
    "status",
    "unit",
    "fagomraade",
    "technology",
    "q",
    "sort",
    "order",
    "page",
    "per_page",
    "cols",
    "view_name",
];

/// Filters folded under "Flere filtre"; an error in one opens the fold.
const FOLDED_FIELDS: [&str; 6] = [
    "fagomraade",
    "technology",
    "sort",
    "order",
    "per_page",
    "cols",
];

/// One row of the table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Status API name (for the badge's class).
    pub status_key: &'static str,
    /// Status label.
    pub status_label: &'static str,
    /// Unit path.
    pub unit: String,
    /// Fagområde name.
    pub fagomraade: String,
    /// Technology name.
    pub technology: String,
    /// Last change, Danish date.
    pub updated: String,
    /// Last change, machine-readable.
    pub updated_iso: String,
    /// The optional columns' cells.
    pub cells: Vec<Cell>,
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub(crate) struct SortHeader {
    /// Visible text.
    pub label: &'static str,
    /// Link that sorts by this column (toggling the order if it is the current sort).
    pub href: String,
    /// `ascending`/`descending` when this is the current sort, else empty.
    pub aria_sort: &'static str,
}

/// The list page.
#[derive(Template)]
#[template(path = "potential_list.html")]
struct ListPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    field_errors: FieldErrors,
    q: String,
    statuses: Vec<Choice>,
    units: Vec<Choice>,
    fagomraader: Vec<Choice>,
    technologies: Vec<Choice>,
    sorts: Vec<Choice>,
    orders: Vec<Choice>,
    per_pages: Vec<Choice>,
    rows: Vec<Row>,
    total: String,
    total_n: u64,
    page: u32,
    pages: u32,
    first_href: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
    last_href: Option<String>,
    headers: Vec<SortHeader>,
    column_headers: Vec<ColumnHeader>,
    column_choices: Vec<Choice>,
    totals: Option<TotalsRow>,
    fixed_columns: usize,
    more_open: bool,
    views: Vec<ViewLink>,
    view_query: String,
    may_bulk: bool,
    bulk_statuses: Vec<Choice>,
    programmes: Vec<Choice>,
    filtered: bool,
    xlsx_href: String,
    xlsx_simulated_href: String,
    csv_href: String,
}

impl ListPage {
    fn err(&self, name: &str) -> Option<&str> {
        self.field_errors.message_for(name)
    }
}

/// The parameter a query field (or a field error) names; `None` for unknown names.
fn slot<'a>(p: &'a mut ListParams, name: &str) -> Option<&'a mut Option<String>> {
    Some(match name {
        "status" => &mut p.status,
        "unit" => &mut p.unit,
        "fagomraade" => &mut p.fagomraade,
        "technology" => &mut p.technology,
        "q" => &mut p.q,
        "sort" => &mut p.sort,
        "order" => &mut p.order,
        "page" => &mut p.page,
        "per_page" => &mut p.per_page,
        _ => return None,
    })
}

/// The chosen columns in the query string (`cols=npv&cols=fte` or `cols=npv,fte`), joined
/// by commas; `None` when there are none.
pub(super) fn read_cols(raw: Option<&str>) -> Option<String> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or_default())
        .unwrap_or_default();
    let cols: Vec<String> = pairs
        .into_iter()
        .filter(|(k, v)| k == "cols" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    (!cols.is_empty()).then(|| cols.join(","))
}

/// Reads the query string into list parameters.
pub(super) fn read_params(raw: Option<&str>) -> ListParams {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or_default())
        .unwrap_or_default();
    let mut p = ListParams::default();
    let mut statuses: Vec<String> = Vec::new();
    for (k, v) in pairs {
        if k == "status" {
            if !v.trim().is_empty() {
                statuses.push(v);
            }
        } else if let Some(slot) = slot(&mut p, &k) {
            *slot = Some(v);
        }
    }
    if !statuses.is_empty() {
        p.status = Some(statuses.join(","));
    }
    p
}

/// Clears the parameters that have errors, so the list can still show the rest.
fn without_invalid(p: &ListParams, errors: &FieldErrors) -> ListParams {
    let mut p = p.clone();
    for e in &errors.0 {
        if let Some(slot) = slot(&mut p, &e.field) {
            *slot = None;
        }
    }
    p
}

fn value(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or_default()
}

/// `p`'s filters and sort as query fields, in link order.
fn filter_fields(p: &ListParams) -> Vec<(&'static str, Option<&str>)> {
    vec![
        ("status", p.status.as_deref()),
        ("unit", p.unit.as_deref()),
        ("fagomraade", p.fagomraade.as_deref()),
        ("technology", p.technology.as_deref()),
        ("q", p.q.as_deref()),
        ("sort", p.sort.as_deref()),
        ("order", p.order.as_deref()),
    ]
}

/// `base` with the non-empty `fields` (trimmed) as its query string.
fn with_query(base: String, fields: Vec<(&str, Option<&str>)>) -> String {
    let pairs: Vec<(&str, &str)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
    if pairs.is_empty() {
        base
    } else {
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// The query string for `p` and the columns `cols` with a page number (`None`: first page,
/// left out).
fn href(p: &ListParams, cols: Option<&str>, page: Option<u32>) -> String {
    let page = page.filter(|n| *n > 1).map(|n| n.to_string());
    let mut fields = filter_fields(p);
    fields.push(("per_page", p.per_page.as_deref()));
    fields.push(("cols", cols));
    fields.push(("page", page.as_deref()));
    with_query("/potentialer".to_owned(), fields)
}

/// The download link for `p`'s filters and sort (all pages, so no page or page size). A
/// sort by an optional column is left out: the file keeps the list's own order.
fn export_href(p: &ListParams, extension: &str) -> String {
    let mut p = p.clone();
    if p.sort.as_deref().and_then(ListColumn::parse).is_some() {
        p.sort = None;
        p.order = None;
    }
    with_query(
        format!("/potentialer/eksport.{extension}"),
        filter_fields(&p),
    )
}

/// The workbook link with the simulation turned on.
fn simulated(href: &str) -> String {
    let sep = if href.contains('?') { '&' } else { '?' };
    format!("{href}{sep}simuler=1")
}

fn aria_sort(current: bool, descending: bool) -> &'static str {
    match (current, descending) {
        (false, _) => "",
        (true, true) => "descending",
        (true, false) => "ascending",
    }
}

/// The headers of the optional columns, each sorting by its column.
fn column_headers(p: &ListParams, cols: Option<&str>, req: &ListRequest) -> Vec<ColumnHeader> {
    req.columns
        .iter()
        .map(|c| {
            let current = req.by == Some(*c);
            let mut target = p.clone();
            target.sort = Some(c.as_str().to_owned());
            target.order =
                current.then(|| if req.query.descending { "asc" } else { "desc" }.to_owned());
            ColumnHeader {
                key: c.as_str(),
                label: c.label(),
                numeric: c.is_figure(),
                href: href(&target, cols, None),
                aria_sort: aria_sort(current, req.query.descending),
            }
        })
        .collect()
}

fn sort_headers(p: &ListParams, cols: Option<&str>, req: &ListRequest) -> Vec<SortHeader> {
    let q = &req.query;
    [
        (SortKey::Title, "Titel"),
        (SortKey::Status, "Status"),
        (SortKey::Unit, "Enhed"),
        (SortKey::Updated, "Senest ændret"),
    ]
    .into_iter()
    .map(|(key, label)| {
        let current = req.by.is_none() && q.sort == key;
        let mut target = p.clone();
        target.sort = Some(key.as_str().to_owned());
        target.order = current.then(|| if q.descending { "asc" } else { "desc" }.to_owned());
        SortHeader {
            label,
            href: href(&target, cols, None),
            aria_sort: aria_sort(current, q.descending),
        }
    })
    .collect()
}

/// `GET /potentialer`.
pub(super) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let app = &state.app;
    let lists = app.potentials().lists(&who.principal).await?;
    let params = read_params(raw.as_deref());
    let chosen_cols = read_cols(raw.as_deref());
    let (req, errors, used, used_cols) =
        match params.to_list_request(chosen_cols.as_deref(), &lists) {
            Ok(r) => (r, FieldErrors::new(), params.clone(), chosen_cols.clone()),
            Err(errors) => {
                let used = without_invalid(&params, &errors);
                let used_cols = chosen_cols
                    .clone()
                    .filter(|_| errors.message_for("cols").is_none());
                let r = used
                    .to_list_request(used_cols.as_deref(), &lists)
                    .unwrap_or_default();
                (r, errors, used, used_cols)
            }
        };
    let query = &req.query;
    let list = app
        .potentials()
        .list_figures(&who.principal, &lists, &req)
        .await?;
    let page = &list.page;
    let pages = page.pages();
    let used_cols = used_cols.as_deref();
    let rows = page
        .items
        .iter()
        .map(|r| (r, &r.potential))
        .map(|(r, p)| Row {
            id: p.id.0,
            title: p.title.clone(),
            status_key: p.status.as_str(),
            status_label: p.status.label(),
            unit: lists.units.display_path(p.unit_id),
            fagomraade: lists
                .fagomraade_name(p.fagomraade_id)
                .unwrap_or(NONE)
                .to_owned(),
            technology: lists
                .technology_name(p.technology_id)
                .unwrap_or(NONE)
                .to_owned(),
            updated: danish::format_local_date(p.updated_at),
            updated_iso: p.updated_at.to_rfc3339(),
            cells: cols::row_cells(r, &req.columns, &lists),
        })
        .collect();

    // The form shows what the user asked for, valid or not.
    let chosen_status = value(&params.status).to_owned();
    let mut statuses = vec![Choice::new("", "Alle", &chosen_status)];
    statuses.extend(
        Status::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), s.label(), &chosen_status)),
    );
    if !chosen_status.is_empty()
        && !statuses.iter().any(|c| c.selected)
        && errors.message_for("status").is_none()
    {
        // Several statuses from a link (e.g. `status=ide,vurderet`): keep them as one choice.
        let labels: Vec<&str> = chosen_status
            .split(',')
            .filter_map(Status::parse)
            .map(|s| s.label())
            .collect();
        statuses.push(Choice::new(
            chosen_status.clone(),
            labels.join(", "),
            &chosen_status,
        ));
    }
    let chosen_unit = value(&params.unit);
    let mut units = vec![Choice::new("", "Alle", chosen_unit)];
    units.extend(lists.units.flatten().into_iter().map(|(depth, u)| {
        let label = format!(
            "{}{}{}",
            indent(depth),
            u.name,
            if u.active { "" } else { " (nedlagt)" }
        );
        Choice::new(u.id.to_string(), label, chosen_unit)
    }));
    let catalogue = |items: &[gevinst_domain::CatalogueItem], chosen: &str| {
        let mut out = vec![Choice::new("", "Alle", chosen)];
        out.extend(
            items
                .iter()
                .map(|i| Choice::new(i.id.to_string(), i.name.clone(), chosen)),
        );
        out
    };
    let fagomraader = catalogue(&lists.fagomraader, value(&params.fagomraade));
    let technologies = catalogue(&lists.technologies, value(&params.technology));
    let sort_now = req.by.map_or(query.sort.as_str(), ListColumn::as_str);
    let sorts = [
        (SortKey::Updated, "Senest ændret"),
        (SortKey::Created, "Oprettet"),
        (SortKey::Title, "Titel"),
        (SortKey::Status, "Status"),
        (SortKey::Unit, "Enhed"),
    ]
    .into_iter()
    .map(|(k, l)| Choice::new(k.as_str(), l, sort_now))
    .chain(
        ListColumn::ALL
            .into_iter()
            .map(|c| Choice::new(c.as_str(), c.label(), sort_now)),
    )
    .collect();
    let order_now = if query.descending { "desc" } else { "asc" };
    let orders = vec![
        Choice::new("asc", "Stigende", order_now),
        Choice::new("desc", "Faldende", order_now),
    ];
    let per_now = query.per_page.to_string();
    let per_pages = PER_PAGE
        .iter()
        .map(|n| Choice::new(n.to_string(), n.to_string(), &per_now))
        .collect();

    let current = query.page;
    let (first_href, prev_href) = if current > 1 {
        (
            Some(href(&used, used_cols, None)),
            Some(href(&used, used_cols, Some(current.min(pages + 1) - 1))),
        )
    } else {
        (None, None)
    };
    let (next_href, last_href) = if current < pages {
        (
            Some(href(&used, used_cols, Some(current + 1))),
            Some(href(&used, used_cols, Some(pages))),
        )
    } else {
        (None, None)
    };
    let filtered = [
        &used.status,
        &used.unit,
        &used.fagomraade,
        &used.technology,
        &used.q,
    ]
    .iter()
    .any(|v| !value(v).is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view_query = href(&used, used_cols, None)
        .trim_start_matches("/potentialer")
        .trim_start_matches('?')
        .to_owned();
    let views = cols::view_links(app.potentials().views(&who.principal).await?, &view_query);
    let may_bulk = who.principal.actor.may_tenant_wide(Permission::BulkEdit);
    let programmes = if may_bulk {
        app.programmes()
            .list(&who.principal)
            .await?
            .into_iter()
            .map(|p| Choice::new(p.id.0.to_string(), p.programme.name, ""))
            .collect()
    } else {
        Vec::new()
    };
    let more_open = FOLDED_FIELDS
        .iter()
        .any(|f| errors.message_for(f).is_some());
    let view = ListPage {
        layout: Layout::new(&who, "Potentialer", "potentialer"),
        errors: error_links(&errors, &FILTER_FIELDS, "q"),
        field_errors: errors,
        q: params.q.clone().unwrap_or_default(),
        statuses,
        units,
        fagomraader,
        technologies,
        sorts,
        orders,
        per_pages,
        rows,
        total: danish::format_count(page.total),
        total_n: page.total,
        page: current,
        pages,
        first_href,
        prev_href,
        next_href,
        last_href,
        headers: sort_headers(&used, used_cols, &req),
        column_headers: column_headers(&used, used_cols, &req),
        column_choices: cols::column_choices(&req.columns),
        totals: list
            .totals
            .as_ref()
            .map(|t| cols::totals_row(t, &req.columns)),
        fixed_columns: if may_bulk { 7 } else { 6 },
        more_open,
        views,
        view_query,
        may_bulk,
        bulk_statuses: cols::bulk_statuses(),
        programmes,
        filtered,
        xlsx_href: export_href(&used, "xlsx"),
        xlsx_simulated_href: simulated(&export_href(&used, "xlsx")),
        csv_href: export_href(&used, "csv"),
    };
    Ok((status, Page(view)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_statuses_are_joined() {
        let p = read_params(Some("status=ide&status=vurderet&q=robot&q=chatbot&x=1"));
        assert_eq!(p.status.as_deref(), Some("ide,vurderet"));
        assert_eq!(p.q.as_deref(), Some("chatbot"));
    }

    #[test]
    fn hrefs_keep_filters_and_drop_empty_values() {
        let p = read_params(Some("status=ide&q=r%C3%B8d+bil&unit=&page=3"));
        assert_eq!(
            href(&p, None, Some(2)),
            "/potentialer?status=ide&q=r%C3%B8d+bil&page=2"
        );
        assert_eq!(
            href(&p, None, Some(1)),
            "/potentialer?status=ide&q=r%C3%B8d+bil"
        );
        assert_eq!(href(&ListParams::default(), None, None), "/potentialer");
    }

    #[test]
    fn export_links_keep_filters_and_sort_but_not_the_page() {
        let p = read_params(Some(
            "status=ide&status=vurderet&q=r%C3%B8d&sort=title&order=asc&page=3&per_page=25&unit=",
        ));
        assert_eq!(
            export_href(&p, "xlsx"),
            "/potentialer/eksport.xlsx?status=ide%2Cvurderet&q=r%C3%B8d&sort=title&order=asc"
        );
        assert_eq!(
            export_href(&ListParams::default(), "csv"),
            "/potentialer/eksport.csv"
        );
        assert_eq!(
            simulated("/potentialer/eksport.xlsx"),
            "/potentialer/eksport.xlsx?simuler=1"
        );
        assert_eq!(
            simulated("/potentialer/eksport.xlsx?q=a"),
            "/potentialer/eksport.xlsx?q=a&simuler=1"
        );
    }

    #[test]
    fn invalid_values_are_dropped() {
        let p = read_params(Some("status=nej&q=bil&page=x"));
        let mut e = FieldErrors::new();
        e.add("status", "invalid", "Ukendt status: nej");
        e.add("page", "invalid", "Ugyldig værdi.");
        let clean = without_invalid(&p, &e);
        assert_eq!(clean.status, None);
        assert_eq!(clean.page, None);
        assert_eq!(clean.q.as_deref(), Some("bil"));
    }
}
