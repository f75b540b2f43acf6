//! Printable reports (gevinstrealiseringsrapport) and .xlsx downloads of programmes and
//! benefit plans.
//!
//! - `GET /programmer/{id}/rapport`: the programme's report for the direction and the
//!   finance committee: targets, key figures per year, the status of the potentials, the
//!   forecast (only when it has already been computed: the page never runs the Monte
//!   Carlo), realised and harvested gains, the largest deviations with the notes recorded
//!   on the actuals as explanations, invisible work and the distribution keys.
//! - `GET /potentialer/{id}/gevinstrapport`: the same for one potential: its business
//!   case's key figures and cash flow, its plan, its actuals and its deviations per year.
//! - `GET /programmer/{id}/eksport.xlsx` and `GET /potentialer/{id}/gevinstplan.xlsx`:
//!   the typed workbooks of [`gevinst_app::export::programme_reports`].
//!
//! Every report and download is audited as an export
//! ([`record_download`](gevinst_app::Exports::record_download)) before it is handed out.
//!
//! The pages are ordinary pages on screen; `print.css` turns them into clean A4 documents
//! when printed from the browser. Anyone in the tenant may read them; another tenant's
//! programme or potential is 404.

use super::form_input::{potential_id as parse_potential, programme_id as parse_programme};
use super::programmes::FORECAST as PROGRAMME_PAGE_FORECAST;
use crate::error::PageError;
use crate::session::PageUser;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, Utc};
use gevinst_app::auth::Principal;
use gevinst_app::export::programme_reports::{explanations, Names, PotentialPlan};
use gevinst_app::potentials::TenantLists;
use gevinst_app::AppError;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{
    format_date_in_words as long_date, format_fte as fte, format_gap, format_hours as hours,
    format_kr,
};
use gevinst_domain::programme::{Forecast, Programme, ProgrammeOverview, TargetKind};
use gevinst_domain::{Potential, ProgrammeId};

/// Routes of the reports and downloads.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmer/{id}/rapport", get(programme_report))
        .route("/programmer/{id}/eksport.xlsx", get(programme_xlsx))
        .route("/potentialer/{id}/gevinstrapport", get(potential_report))
        .route("/potentialer/{id}/gevinstplan.xlsx", get(potential_xlsx))
        .route("/programmer/{id}/rapport.css", get(programme_print_head))
        .route(
            "/potentialer/{id}/gevinstrapport.css",
            get(potential_print_head),
        )
}

/// A CSS string literal: quotes and backslashes escaped, line breaks and other control
/// characters dropped, so any name is safe inside `content: "…"`.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The page header of a printed report: the name at the top left, the kind of report and
/// the date at the top right of every A4 page. A stylesheet of its own because the
/// Content-Security-Policy forbids inline styles and CSS cannot read the name from the
/// page.
fn print_head(name: &str, kind: &str) -> Response {
    let date = long_date(Utc::now().date_naive());
    let css = format!(
        "@page {{\n  @top-left {{ content: {}; }}\n  @top-right {{ content: {}; }}\n}}\n",
        css_string(name),
        css_string(&format!("{kind} · {date}"))
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        css,
    )
        .into_response()
}

/// `GET /programmer/{id}/rapport.css`.
async fn programme_print_head(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_programme(&raw)?;
    let stored = state.app.programmes().get(&who.principal, id).await?;
    Ok(print_head(
        &stored.programme.name,
        "Gevinstrealiseringsrapport",
    ))
}

/// `GET /potentialer/{id}/gevinstrapport.css`.
async fn potential_print_head(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_potential(&raw)?;
    let p = state.app.potentials().get(&who.principal, id).await?;
    Ok(print_head(&p.title, "Gevinstrapport"))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn opt(d: Option<Decimal>, f: impl Fn(Decimal) -> String) -> String {
    d.map(f).unwrap_or_else(|| "–".to_owned())
}

/// A filename of ASCII letters, digits and dashes: `Digitalisering 2025–2027` →
/// `digitalisering-2025-2027`. Danish letters are spelled out (æ → ae, ø → oe, å → aa).
fn ascii_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(|c| c.to_lowercase()) {
        let piece = match c {
            'æ' => "ae",
            'ø' => "oe",
            'å' => "aa",
            'é' | 'è' => "e",
            'ü' => "u",
            'ö' => "o",
            'ä' => "a",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(piece);
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(60).collect();
    trimmed.trim_end_matches('-').to_owned()
}

fn xlsx_error(e: impl std::fmt::Display) -> PageError {
    PageError(AppError::Internal(format!(
        "writing the workbook failed: {e}"
    )))
}

fn names(lists: &TenantLists) -> Names {
    let mut n = Names::default();
    for (_, u) in lists.units.flatten() {
        n.units.insert(u.id, u.name.clone());
    }
    for f in &lists.fagomraader {
        n.fagomraader
            .insert(gevinst_domain::FagomraadeId(f.id), f.name.clone());
    }
    for t in &lists.technologies {
        n.technologies
            .insert(gevinst_domain::TechnologyId(t.id), t.name.clone());
    }
    for u in &lists.users {
        n.users.insert(u.id, u.name.clone());
    }
    n
}

/// The included potentials that still exist, with their plans and actuals.
async fn included(
    app: &gevinst_app::App,
    who: &Principal,
    programme: &Programme,
) -> Result<Vec<(Potential, PotentialPlan)>, PageError> {
    let mut out = Vec::with_capacity(programme.potentials.len());
    for id in &programme.potentials {
        let p = match app.potentials().get(who, *id).await {
            Ok(p) => p,
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        out.push((p.clone(), plan_of(app, who, &p).await?));
    }
    Ok(out)
}

async fn plan_of(
    app: &gevinst_app::App,
    who: &Principal,
    p: &Potential,
) -> Result<PotentialPlan, PageError> {
    let plan = app.programmes().plan(who, p.id).await?.map(|s| s.plan);
    let actuals = gevinst_app::programmes::counted(app.programmes().actuals(who, p.id).await?);
    Ok(PotentialPlan {
        potential: p.id,
        title: p.title.clone(),
        plan,
        actuals,
    })
}

/// The forecast the report shows when it has been computed: the programme page's
/// settings in the current year (never computed here).
async fn cached_forecast(
    state: &AppState,
    who: &Principal,
    id: ProgrammeId,
) -> Result<Option<std::sync::Arc<Forecast>>, PageError> {
    Ok(state
        .app
        .programmes()
        .cached_forecast(who, id, PROGRAMME_PAGE_FORECAST, Utc::now().year())
        .await?)
}

mod potential;
mod programme;

use potential::{potential_report, potential_xlsx};
pub(super) use programme::{fan_data, past_years_text};
use programme::{programme_report, programme_xlsx};

// ---------------------------------------------------------------------------------------
// Views shared by both reports.

/// One row of the key figures per year.
struct YearView {
    year: i32,
    target_kr: String,
    planned_kr: String,
    decided_kr: String,
    realised_kr: String,
    harvested_kr: String,
    not_harvested_kr: String,
    gap_kr: String,
    target_fte: String,
    planned_fte: String,
    decided_fte: String,
    realised_fte: String,
    gap_fte: String,
    invisible_planned: String,
    invisible_planned_measured: String,
    invisible_actual: String,
}

/// One deviation with its explanation.
struct GapView {
    potential: i64,
    title: String,
    year: i32,
    planned: String,
    realised: String,
    gap: String,
    explanation: String,
}

fn year_views(programme: &Programme, ov: &ProgrammeOverview) -> Vec<YearView> {
    let first = |kind: TargetKind| programme.targets.iter().position(|t| t.kind == kind);
    let (kr_idx, fte_idx) = (first(TargetKind::KrPerYear), first(TargetKind::Aarsvaerk));
    ov.years
        .iter()
        .map(|y| {
            let t = |idx: Option<usize>| idx.and_then(|i| y.targets.iter().find(|t| t.target == i));
            let (kr, ft) = (t(kr_idx), t(fte_idx));
            let f = &y.figures;
            YearView {
                year: y.year,
                target_kr: opt(kr.and_then(|t| t.amount), format_kr),
                planned_kr: format_kr(f.planned_kr),
                decided_kr: format_kr(f.decided_kr),
                realised_kr: format_kr(f.realised_kr),
                harvested_kr: format_kr(f.harvested_kr),
                not_harvested_kr: format_kr(f.not_harvested_kr),
                gap_kr: opt(kr.and_then(|t| t.gap_realised), |g| {
                    format_gap(TargetKind::KrPerYear, g)
                }),
                target_fte: opt(ft.and_then(|t| t.amount), fte),
                planned_fte: fte(f.planned_fte),
                decided_fte: fte(f.decided_fte),
                realised_fte: fte(f.realised_fte),
                gap_fte: opt(ft.and_then(|t| t.gap_realised), |g| {
                    format_gap(TargetKind::Aarsvaerk, g)
                }),
                invisible_planned: hours(y.invisible_planned_hours),
                invisible_planned_measured: hours(y.invisible_planned_measured_hours),
                invisible_actual: hours(y.invisible_actual_hours),
            }
        })
        .collect()
}

fn gap_views(ov: &ProgrammeOverview, plans: &[PotentialPlan]) -> Vec<GapView> {
    ov.largest_gaps
        .iter()
        .map(|g| GapView {
            potential: g.potential.0,
            title: g.title.clone(),
            year: g.year,
            planned: format_kr(g.planned_kr),
            realised: format_kr(g.realised_kr),
            gap: format_gap(TargetKind::KrPerYear, g.gap_kr),
            explanation: explanations(plans, g.potential, g.year),
        })
        .collect()
}

/// Realised and harvested over all years.
struct Totals {
    realised: String,
    harvested: String,
    not_harvested: String,
}

fn totals(ov: &ProgrammeOverview) -> Totals {
    let sum = |f: fn(&gevinst_domain::programme::Figures) -> Decimal| -> Decimal {
        ov.years.iter().map(|y| f(&y.figures)).sum()
    };
    Totals {
        realised: format_kr(sum(|f| f.realised_kr)),
        harvested: format_kr(sum(|f| f.harvested_kr)),
        not_harvested: format_kr(sum(|f| f.not_harvested_kr)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::danish::format_date;

    #[test]
    fn filenames_are_ascii() {
        assert_eq!(
            ascii_name("Digitalisering 2025–2027"),
            "digitalisering-2025-2027"
        );
        assert_eq!(ascii_name("Ældrepleje på Ø"), "aeldrepleje-paa-oe");
        assert_eq!(ascii_name("\"; rm -rf /"), "rm-rf");
        assert_eq!(ascii_name("–––"), "");
    }

    #[test]
    fn css_strings_are_escaped() {
        assert_eq!(
            css_string("Plan \"A\" \\ B\n}"),
            "\"Plan \\\"A\\\" \\\\ B}\""
        );
        assert_eq!(css_string("Ældre 2025–2027"), "\"Ældre 2025–2027\"");
    }

    #[test]
    fn long_dates_are_danish() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(long_date(d), "1. december 2026");
        assert_eq!(format_date(d), "01.12.2026");
    }
}
