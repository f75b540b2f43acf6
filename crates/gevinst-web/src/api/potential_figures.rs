//! `GET /api/v1/potentials/figures`: the potentials list with its optional money and
//! people columns and the totals for the filter, as the list page shows them. Both call
//! [`list_figures`](gevinst_app::Potentials::list_figures), so the page and the API
//! compute every figure the same way, once.

use super::extract::ApiQuery;
use super::potentials::reject_blank_filters;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use gevinst_app::potential_list::ListRow;
use gevinst_app::potentials::{ListParams, TenantLists};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::json_number::DecimalSchema;
use gevinst_domain::potential_list::{CaseFigures, FigureTotals, ListColumn};
use gevinst_domain::Potential;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The columns asked for.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureParams {
    /// Comma-separated optional columns: `npv`, `full_effect`, `hjemtagbar`, `fte`,
    /// `payback`, `investment`, `owner`, `agent` (default: all). Each row carries every
    /// figure of its business case whichever are named; `cols` decides which exist for
    /// `sort`, which also takes a column name (`sort=npv`).
    #[param(
        pattern = r"^\s*((npv|full_effect|hjemtagbar|fte|payback|investment|owner|agent)\s*)?(,\s*((npv|full_effect|hjemtagbar|fte|payback|investment|owner|agent)\s*)?)*$"
    )]
    pub cols: Option<String>,
}

/// A business case's key figures (decimal strings).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowFigures {
    /// Nutidsværdi (NPV), kr.
    #[schema(value_type = DecimalSchema)]
    pub npv: Decimal,
    /// Fuld effekt, kr. per year in the final year.
    #[schema(value_type = DecimalSchema)]
    pub full_effect: Decimal,
    /// Hjemtagbar fuld effekt, kr.
    #[schema(value_type = DecimalSchema)]
    pub hjemtagbar: Decimal,
    /// Frigjorte årsværk in the final year.
    #[schema(value_type = DecimalSchema)]
    pub fte: Decimal,
    /// Tilbagebetalingsår, if the case pays back within its horizon.
    pub payback_year: Option<i32>,
    /// Investering over the horizon, undiscounted, kr.
    #[schema(value_type = DecimalSchema)]
    pub investment: Decimal,
}

impl From<&CaseFigures> for RowFigures {
    fn from(f: &CaseFigures) -> Self {
        RowFigures {
            npv: f.npv,
            full_effect: f.full_effect,
            hjemtagbar: f.hjemtagbar,
            fte: f.fte,
            payback_year: f.payback_year,
            investment: f.investment,
        }
    }
}

/// One row: the potential, its figures and its people by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureRow {
    /// The potential.
    pub potential: Potential,
    /// Its business case's figures; `null` without a case.
    pub figures: Option<RowFigures>,
    /// The gevinstejer's name, if any.
    pub owner_name: Option<String>,
    /// The digital agent's name, if any.
    pub agent_name: Option<String>,
}

/// The sums over every row of the filter (all pages), exact decimal strings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Totals {
    /// Σ NPV, kr.
    #[schema(value_type = DecimalSchema)]
    pub npv: Decimal,
    /// Σ fuld effekt, kr.
    #[schema(value_type = DecimalSchema)]
    pub full_effect: Decimal,
    /// Σ hjemtagbar, kr.
    #[schema(value_type = DecimalSchema)]
    pub hjemtagbar: Decimal,
    /// Σ årsværk.
    #[schema(value_type = DecimalSchema)]
    pub fte: Decimal,
    /// Σ investering, kr.
    #[schema(value_type = DecimalSchema)]
    pub investment: Decimal,
    /// Rows with a business case.
    pub cases: u64,
    /// Rows summed over (with or without a case).
    pub rows: u64,
}

impl From<&FigureTotals> for Totals {
    fn from(t: &FigureTotals) -> Self {
        Totals {
            npv: t.npv,
            full_effect: t.full_effect,
            hjemtagbar: t.hjemtagbar,
            fte: t.fte,
            investment: t.investment,
            cases: t.cases as u64,
            rows: t.rows as u64,
        }
    }
}

/// A page of the list with the filter's totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureList {
    /// This page's rows.
    pub items: Vec<FigureRow>,
    /// Rows matching the filter, on all pages.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Sums over every row of the filter.
    pub totals: Totals,
}

fn row(r: ListRow, lists: &TenantLists) -> FigureRow {
    let name = |id| lists.user_name(id).map(str::to_owned);
    FigureRow {
        figures: r.figures.as_ref().map(RowFigures::from),
        owner_name: name(r.potential.benefit_owner),
        agent_name: name(r.potential.digital_agent),
        potential: r.potential,
    }
}

/// The potentials list with its money columns (NPV, fuld effekt, hjemtagbar, årsværk,
/// payback year, investering), owner and digital agent, and the totals for the filter:
/// the same figures as the list page's optional columns and totals row.
#[utoipa::path(
    get,
    path = "/api/v1/potentials/figures",
    tag = "potentials",
    params(ListParams, FigureParams),
    responses(
        (status = 200, description = "One page of rows with their figures, and the totals \
            over every page of the filter; amounts are decimal strings", body = FigureList),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 422, description = "A bad filter, sort, paging value or column; `fields` \
            names it", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(params): ApiQuery<ListParams>,
    ApiQuery(figures): ApiQuery<FigureParams>,
) -> Result<Json<FigureList>, ApiError> {
    reject_blank_filters(&params)?;
    let app = &state.app;
    let lists = app.potentials().lists(&who).await?;
    let all = ListColumn::ALL.map(ListColumn::as_str).join(",");
    let cols = match figures.cols.as_deref() {
        Some(c) if !c.trim().is_empty() => c,
        _ => all.as_str(),
    };
    let req = params
        .to_list_request(Some(cols), &lists)
        .map_err(ApiError::invalid)?;
    let out = app.potentials().list_figures(&who, &lists, &req).await?;
    let totals = out.totals.unwrap_or_default();
    Ok(Json(FigureList {
        total: out.page.total,
        page: out.page.page,
        per_page: out.page.per_page,
        totals: Totals::from(&totals),
        items: out.page.items.into_iter().map(|r| row(r, &lists)).collect(),
    }))
}
