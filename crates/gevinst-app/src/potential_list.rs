//! The potentials list as a spreadsheet: optional money and people columns, sorting by
//! them, totals for the filter, and the user's saved views.
//!
//! - [`list_figures`](Potentials::list_figures): a page of the list with each row's key
//!   figures ([`CaseFigures`]) and the filter's totals ([`FigureTotals`]). With a figure or
//!   person column (or a sort by one), every matching potential is read (a few pages of
//!   200 rows), every business case of the tenant in one query, and the cases are
//!   evaluated once on the blocking pool: a constant number of queries whatever the
//!   number of rows. Without one, it is the plain page from the store.
//! - Saved views ([`views`](Potentials::views), [`save_view`](Potentials::save_view),
//!   [`delete_view`](Potentials::delete_view)): a user's named query strings; anyone
//!   logged in may keep their own, and sees only their own.

use crate::auth::Principal;
use crate::common::blocking;
use crate::export::all_pages;
use crate::potentials::{ListParams, TenantLists};
use crate::Potentials;
use crate::{AppError, Result};
use gevinst_domain::business_case::evaluate;
use gevinst_domain::potential_list::{
    compare_figures, compare_last_none, CaseFigures, FigureTotals, ListColumn,
};
use gevinst_domain::{FieldErrors, Page, Potential, PotentialId, PotentialQuery};
pub use gevinst_store::StoredListView;
use std::collections::HashMap;

/// A list request: the store's filter, the optional columns to show and an optional sort
/// by one of them (which overrides the query's own sort).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRequest {
    /// Filters, sort (when `by` is `None`) and page.
    pub query: PotentialQuery,
    /// Optional columns, in the order chosen.
    pub columns: Vec<ListColumn>,
    /// Sort by an optional column, in the query's direction.
    pub by: Option<ListColumn>,
}

impl ListRequest {
    /// Whether the rows need their business cases (figures, people, or a sort by them).
    fn needs_all(&self) -> bool {
        self.by.is_some() || !self.columns.is_empty()
    }
}

/// Parses `cols` (comma-separated [`ListColumn`] names; unknown names are a field error).
pub fn parse_columns(cols: Option<&str>) -> Result<Vec<ListColumn>, FieldErrors> {
    let mut out = Vec::new();
    for part in cols.unwrap_or_default().split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        match ListColumn::parse(part) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => {
                return Err(FieldErrors::single(
                    "cols",
                    "invalid",
                    format!("Ukendt kolonne: {part}"),
                ))
            }
        }
    }
    Ok(out)
}

impl ListParams {
    /// Validates the parameters of the list page: those of [`ListParams::to_query`], with
    /// `sort` also naming an optional column (`sort=npv`), plus the columns `cols`.
    pub fn to_list_request(
        &self,
        cols: Option<&str>,
        lists: &TenantLists,
    ) -> Result<ListRequest, FieldErrors> {
        let by = self.sort.as_deref().and_then(ListColumn::parse);
        let mut plain = self.clone();
        if by.is_some() {
            plain.sort = None;
        }
        let columns = parse_columns(cols);
        let mut query = match (plain.to_query(lists), columns) {
            (Ok(q), Ok(columns)) => (q, columns),
            (Err(mut e), Err(c)) => {
                e.0.extend(c.0);
                return Err(e);
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        if let Some(by) = by {
            if self
                .order
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .is_empty()
            {
                query.0.descending = by.descending_by_default();
            }
        }
        Ok(ListRequest {
            query: query.0,
            columns: query.1,
            by,
        })
    }
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    /// The potential.
    pub potential: Potential,
    /// Its business case's figures; `None` without a case (or when no column needs them).
    pub figures: Option<CaseFigures>,
}

/// A page of the list with the filter's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureList {
    /// This page's rows; `total` counts every page.
    pub page: Page<ListRow>,
    /// Totals over every row of the filter (all pages); `None` when no column needs them.
    pub totals: Option<FigureTotals>,
}

/// Most characters in a view's name.
pub const MAX_VIEW_NAME: usize = 60;
/// Most characters in a view's query string.
pub const MAX_VIEW_QUERY: usize = 2000;
/// Most views one user keeps.
pub const MAX_VIEWS: usize = 50;

impl Potentials<'_> {
    /// A page of the list with the figures and totals the request's columns need. Anyone
    /// in the tenant may read it.
    pub async fn list_figures(
        &self,
        who: &Principal,
        lists: &TenantLists,
        req: &ListRequest,
    ) -> Result<FigureList> {
        let store = self.app.store();
        if !req.needs_all() {
            let page = store.list_potentials(who.tenant.id, &req.query).await?;
            return Ok(FigureList {
                page: Page {
                    items: page
                        .items
                        .into_iter()
                        .map(|potential| ListRow {
                            potential,
                            figures: None,
                        })
                        .collect(),
                    total: page.total,
                    page: page.page,
                    per_page: page.per_page,
                },
                totals: None,
            });
        }
        let all = all_pages(store, &who.tenant, &req.query, None).await?;
        let (economics, _) = store.economics(who.tenant.id).await?;
        let mut cases: HashMap<PotentialId, _> = store
            .list_business_cases(who.tenant.id)
            .await?
            .into_iter()
            .map(|c| (c.potential_id, c.case))
            .collect();
        let paired: Vec<_> = all
            .into_iter()
            .map(|p| {
                let case = cases.remove(&p.id);
                (p, case)
            })
            .collect();
        let mut rows: Vec<ListRow> = blocking("list figures", move || {
            paired
                .into_iter()
                .map(|(potential, case)| ListRow {
                    figures: case.and_then(|c| {
                        evaluate(&c, &economics)
                            .ok()
                            .map(|ev| CaseFigures::new(&c, &ev))
                    }),
                    potential,
                })
                .collect()
        })
        .await?;
        let totals = FigureTotals::of(rows.iter().map(|r| r.figures.as_ref()));
        if let Some(by) = req.by {
            sort_rows(&mut rows, by, req.query.descending, lists);
        }
        let per_page = req.query.per_page.clamp(1, PotentialQuery::MAX_PER_PAGE);
        let page = req.query.page.max(1);
        let total = rows.len() as u64;
        let start = usize::try_from(req.query.offset()).unwrap_or(usize::MAX);
        let items = rows
            .into_iter()
            .skip(start)
            .take(per_page as usize)
            .collect();
        Ok(FigureList {
            page: Page {
                items,
                total,
                page,
                per_page,
            },
            totals: Some(totals),
        })
    }

    /// The principal's saved views of the list, by name.
    pub async fn views(&self, who: &Principal) -> Result<Vec<StoredListView>> {
        let user = who.actor_id().ok_or(AppError::Forbidden)?;
        Ok(self.app.store().list_views(who.tenant.id, user).await?)
    }

    /// Saves the principal's view `name` (1–60 characters) as `query` (the list's query
    /// string): a new view, or a new query for the view of that name.
    pub async fn save_view(
        &self,
        who: &Principal,
        name: &str,
        query: &str,
    ) -> Result<StoredListView> {
        let user = who.actor_id().ok_or(AppError::Forbidden)?;
        let name = gevinst_domain::text::required_name(
            "view_name",
            name,
            MAX_VIEW_NAME,
            "Visningens navn",
        )?;
        let query = query.trim().trim_start_matches('?');
        if query.chars().count() > MAX_VIEW_QUERY {
            return Err(FieldErrors::single(
                "view_name",
                "too_long",
                "Visningen har for mange filtre til at blive gemt.",
            )
            .into());
        }
        let store = self.app.store();
        let existing = store.list_views(who.tenant.id, user).await?;
        if existing.len() >= MAX_VIEWS && !existing.iter().any(|v| v.name == name) {
            return Err(FieldErrors::single(
                "view_name",
                "too_many",
                format!("Du kan højst gemme {MAX_VIEWS} visninger. Slet en først."),
            )
            .into());
        }
        Ok(store
            .save_list_view(who.tenant.id, who.actor_id(), user, &name, query)
            .await?)
    }

    /// Deletes one of the principal's views; another user's is [`AppError::NotFound`].
    pub async fn delete_view(&self, who: &Principal, id: i64) -> Result<()> {
        let user = who.actor_id().ok_or(AppError::Forbidden)?;
        Ok(self
            .app
            .store()
            .delete_list_view(who.tenant.id, who.actor_id(), user, id)
            .await?)
    }
}

/// Sorts rows by an optional column (stable, so ties keep the store's order).
fn sort_rows(rows: &mut [ListRow], by: ListColumn, descending: bool, lists: &TenantLists) {
    if by.is_figure() {
        rows.sort_by(|a, b| {
            compare_figures(by, a.figures.as_ref(), b.figures.as_ref(), descending)
        });
        return;
    }
    let name = |r: &ListRow| {
        let id = match by {
            ListColumn::Owner => r.potential.benefit_owner,
            _ => r.potential.digital_agent,
        };
        lists.user_name(id).map(gevinst_domain::text::search_key)
    };
    rows.sort_by(|a, b| compare_last_none(name(a), name(b), descending));
}
