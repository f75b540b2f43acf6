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
//! ([`gevinst_app::export::record_download`]) before it is handed out.
//!
//! The pages are ordinary pages on screen; `print.css` turns them into clean A4 documents
//! when printed from the browser. Anyone in the tenant may read them; another tenant's
//! programme or potential is 404.

use super::form_input::{potential_id as parse_potential, programme_id as parse_programme};
use super::programmes::FORECAST as PROGRAMME_PAGE_FORECAST;
use crate::charts::{self, CashYear, FanYear, TargetLine};
use crate::error::PageError;
use crate::format::{fte, target_amount as amount};
use crate::pages::layout::Layout;
use crate::render::{download, Page};
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate, Utc};
use gevinst_app::auth::Principal;
/// A date the Danish way in running text: `1. december 2026` (the import's wording).
use gevinst_app::export::date_in_words as long_date;
use gevinst_app::export::programme_reports::{
    explanations, plan_workbook, programme_workbook, Names, PotentialPlan,
};
use gevinst_app::export::Download;
use gevinst_app::potentials::TenantLists;
use gevinst_app::programmes::StoredProgramme;
use gevinst_app::AppError;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{format_decimal, format_f64, format_kr, to_f64};
use gevinst_domain::programme::{
    overview as build_overview, Forecast, KeyBasis, Programme, ProgrammeOverview,
    ProgrammePotential, ShareOwner, Target, TargetKind,
};
use gevinst_domain::{Potential, ProgrammeId, Status};
use std::collections::BTreeMap;

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

/// A date in a table: `15-03-2026`.
fn short_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn hours(d: Decimal) -> String {
    format!("{} timer", format_decimal(d, 2))
}

fn opt(d: Option<Decimal>, f: impl Fn(Decimal) -> String) -> String {
    d.map(f).unwrap_or_else(|| "–".to_owned())
}

fn percent(p: f64) -> String {
    format!("{} %", format_f64(p * 100.0, 1))
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
    let actuals = app
        .programmes()
        .actuals(who, p.id)
        .await?
        .into_iter()
        .map(|a| a.actual)
        .collect();
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

/// What the programme report and the programme workbook are made from.
struct ProgrammeData {
    stored: StoredProgramme,
    ov: ProgrammeOverview,
    lists: TenantLists,
    /// The included potentials that still exist, with their plans and actuals.
    inc: Vec<(Potential, PotentialPlan)>,
    /// The cached forecast, if one has been computed for the current data.
    forecast: Option<std::sync::Arc<Forecast>>,
}

impl ProgrammeData {
    async fn load(state: &AppState, who: &Principal, id: ProgrammeId) -> Result<Self, PageError> {
        let app = &state.app;
        let stored = app.programmes().get(who, id).await?;
        let ov = app.programmes().overview(who, id).await?;
        let lists = app.potentials().lists(who).await?;
        let inc = included(app, who, &stored.programme).await?;
        let forecast = cached_forecast(state, who, id).await?;
        Ok(Self {
            stored,
            ov,
            lists,
            inc,
            forecast,
        })
    }
}

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
                gap_kr: opt(kr.and_then(|t| t.gap_realised), format_kr),
                target_fte: opt(ft.and_then(|t| t.amount), fte),
                planned_fte: fte(f.planned_fte),
                decided_fte: fte(f.decided_fte),
                realised_fte: fte(f.realised_fte),
                gap_fte: opt(ft.and_then(|t| t.gap_realised), fte),
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
            gap: format_kr(g.gap_kr),
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

// ---------------------------------------------------------------------------------------
// The programme report.

struct TargetView {
    text: String,
    milestones: String,
}

struct StatusView {
    label: &'static str,
    count: usize,
}

struct ShareView {
    target: String,
    owner: String,
    share: String,
    planned: String,
    decided: String,
    realised: String,
    gap: String,
}

struct ProbabilityView {
    target: String,
    probability: String,
}

struct ForecastView {
    kr: FanView,
    fte: FanView,
    probabilities: Vec<ProbabilityView>,
    basis: String,
}

struct IncludedView {
    id: i64,
    title: String,
    status: &'static str,
    status_key: &'static str,
    unit: String,
}

#[derive(Template)]
#[template(path = "report_programme.html")]
struct ProgrammeReportPage {
    layout: Layout,
    id: i64,
    name: String,
    date: String,
    period: String,
    targets: Vec<TargetView>,
    years: Vec<YearView>,
    statuses: Vec<StatusView>,
    status_total: usize,
    forecast: Option<ForecastView>,
    totals: Totals,
    gaps: Vec<GapView>,
    shares: Vec<ShareView>,
    potentials: Vec<IncludedView>,
}

fn target_text(t: &Target) -> String {
    let unit = match t.kind {
        TargetKind::KrPerYear => format!("{} pr. år", format_kr(t.amount)),
        TargetKind::Aarsvaerk => fte(t.amount),
    };
    format!("{unit} senest i {}", t.deadline_year)
}

fn target_views(p: &Programme) -> Vec<TargetView> {
    p.targets
        .iter()
        .map(|t| TargetView {
            text: target_text(t),
            milestones: t
                .milestones
                .iter()
                .map(|m| format!("{}: {}", m.year, amount(t.kind, m.amount)))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

fn share_views(p: &Programme, ov: &ProgrammeOverview, names: &Names) -> Vec<ShareView> {
    ov.shares
        .iter()
        .filter_map(|s| {
            let t = p.targets.get(s.target)?;
            let key = p.distribution_keys.get(s.key)?;
            let owner = match s.owner {
                ShareOwner::Unit(u) => names.units.get(&u).cloned(),
                ShareOwner::Fagomraade(f) => names.fagomraader.get(&f).cloned(),
            }
            .unwrap_or_else(|| "(ukendt)".to_owned());
            let value = key
                .shares
                .iter()
                .find(|x| x.owner == s.owner)
                .map(|x| x.value);
            let share = match (key.basis, value) {
                (KeyBasis::Percentages, Some(v)) => {
                    format!("{} ({} %)", amount(t.kind, s.share), format_decimal(v, 1))
                }
                _ => amount(t.kind, s.share),
            };
            Some(ShareView {
                target: target_text(t),
                owner,
                share,
                planned: amount(t.kind, s.planned),
                decided: amount(t.kind, s.decided),
                realised: amount(t.kind, s.realised),
                gap: amount(t.kind, s.gap_decided),
            })
        })
        .collect()
}

/// One fan chart with its data table.
struct FanView {
    svg: String,
    table: String,
}

/// A forecast's fan in one unit: the P10/P50/P90 per year, and the programme's targets in
/// that unit as lines (`Mål 2027: 100.000 kr.`). Shared by the overview and the report.
pub(super) fn fan_data(
    p: &Programme,
    fc: &Forecast,
    kind: TargetKind,
) -> (Vec<FanYear>, Vec<TargetLine>) {
    let years = fc
        .years
        .iter()
        .map(|y| {
            let d = match kind {
                TargetKind::KrPerYear => &y.gain_kr,
                TargetKind::Aarsvaerk => &y.fte,
            };
            FanYear {
                year: y.year,
                p10: d.p10,
                p50: d.p50,
                p90: d.p90,
            }
        })
        .collect();
    let targets = p
        .targets
        .iter()
        .filter(|t| t.kind == kind)
        .map(|t| TargetLine {
            label: format!("Mål {}: {}", t.deadline_year, amount(kind, t.amount)),
            year: t.deadline_year,
            value: to_f64(t.amount),
            milestones: t
                .milestones
                .iter()
                .map(|m| {
                    (
                        m.year,
                        to_f64(m.amount),
                        format!("Delmål {}: {}", m.year, amount(kind, m.amount)),
                    )
                })
                .collect(),
        })
        .collect();
    (years, targets)
}

fn fan(p: &Programme, fc: &Forecast, kind: TargetKind) -> FanView {
    let (years, targets) = fan_data(p, fc, kind);
    let (id, title, unit) = match kind {
        TargetKind::KrPerYear => ("prognose-kr", "Prognose for den årlige nettogevinst", "kr."),
        TargetKind::Aarsvaerk => (
            "prognose-aarsvaerk",
            "Prognose for frigjorte årsværk",
            "årsværk",
        ),
    };
    FanView {
        svg: charts::fan_chart(id, title, unit, &years, &targets),
        table: charts::fan_table(title, unit, &years, &targets),
    }
}

fn forecast_view(p: &Programme, fc: &Forecast) -> ForecastView {
    ForecastView {
        kr: fan(p, fc, TargetKind::KrPerYear),
        fte: fan(p, fc, TargetKind::Aarsvaerk),
        probabilities: fc
            .targets
            .iter()
            .flat_map(|t| {
                let target = ProbabilityView {
                    target: match p.targets.get(t.target) {
                        Some(target) => target_text(target),
                        None => format!("{} i {}", amount(t.kind, t.amount), t.deadline_year),
                    },
                    probability: percent(t.probability),
                };
                let milestones = t.milestones.iter().map(move |m| ProbabilityView {
                    target: format!("Delmål: {} i {}", amount(t.kind, m.amount), m.year),
                    probability: percent(m.probability),
                });
                std::iter::once(target).chain(milestones)
            })
            .collect(),
        basis: format!(
            "{} gennemløb, frø {}. Målinger er brugt for årene før {}.",
            format_decimal(Decimal::from(fc.iterations), 0),
            fc.seed,
            fc.actuals_before_year
        ),
    }
}

/// `GET /programmer/{id}/rapport`.
async fn programme_report(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_programme(&raw)?;
    let ProgrammeData {
        stored,
        ov,
        lists,
        inc,
        forecast,
    } = ProgrammeData::load(&state, &who.principal, id).await?;
    state
        .app
        .export()
        .record_download(&who.principal, Download::ProgrammeReport(id), inc.len())
        .await?;
    let programme = &stored.programme;
    let names = names(&lists);
    let plans: Vec<PotentialPlan> = inc.iter().map(|(_, pl)| pl.clone()).collect();
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for (pot, _) in &inc {
        *counts.entry(pot.status).or_default() += 1;
    }
    let page = ProgrammeReportPage {
        layout: Layout::new(
            &who,
            format!("Gevinstrealiseringsrapport: {}", programme.name),
            "programmer",
        ),
        id: id.0,
        name: programme.name.clone(),
        date: long_date(Utc::now().date_naive()),
        period: format!("{}–{}", programme.first_year, programme.last_year),
        targets: target_views(programme),
        years: year_views(programme, &ov),
        statuses: Status::ALL
            .iter()
            .filter_map(|s| {
                counts.get(s).map(|n| StatusView {
                    label: s.label(),
                    count: *n,
                })
            })
            .collect(),
        status_total: inc.len(),
        forecast: forecast.as_deref().map(|fc| forecast_view(programme, fc)),
        totals: totals(&ov),
        gaps: gap_views(&ov, &plans),
        shares: share_views(programme, &ov, &names),
        potentials: inc
            .iter()
            .map(|(pot, _)| IncludedView {
                id: pot.id.0,
                title: pot.title.clone(),
                status: pot.status.label(),
                status_key: pot.status.as_str(),
                unit: lists.units.display_path(pot.unit_id),
            })
            .collect(),
    };
    Ok(Page(page).into_response())
}

/// `GET /programmer/{id}/eksport.xlsx`.
async fn programme_xlsx(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_programme(&raw)?;
    let ProgrammeData {
        stored,
        ov,
        lists,
        inc,
        forecast,
    } = ProgrammeData::load(&state, &who.principal, id).await?;
    let names = names(&lists);
    let plans: Vec<PotentialPlan> = inc.into_iter().map(|(_, pl)| pl).collect();
    let bytes = programme_workbook(&stored.programme, &ov, &plans, &names, forecast.as_deref())
        .map_err(xlsx_error)?;
    state
        .app
        .export()
        .record_download(&who.principal, Download::ProgrammeWorkbook(id), plans.len())
        .await?;
    let base = match ascii_name(&stored.programme.name) {
        n if n.is_empty() => format!("program-{}", id.0),
        n => n,
    };
    Ok(download(XLSX, &format!("{base}.xlsx"), bytes))
}

// ---------------------------------------------------------------------------------------
// The potential report.

struct Figure {
    label: &'static str,
    value: String,
}

struct BenefitView {
    label: String,
    kind: &'static str,
    hjemtagbar: bool,
    owner: String,
    kpi: String,
    method: String,
    baseline: String,
    targets: String,
}

struct ActualView {
    period: String,
    benefit: String,
    hours: String,
    kr: String,
    fte: String,
    invisible: String,
    harvested: String,
    reference: String,
    date: String,
    note: String,
    /// *Afventer godkendelse*, *Godkendt*, *Afvist*, or "" for an ordinary actual (only
    /// ordinary and approved ones count in the figures).
    approval: &'static str,
}

/// One year of the potential: plan against realisation.
struct PotentialYearView {
    year: i32,
    planned: String,
    realised: String,
    harvested: String,
    gap: String,
    explanation: String,
}

#[derive(Template)]
#[template(path = "report_potential.html")]
struct PotentialReportPage {
    layout: Layout,
    id: i64,
    title: String,
    date: String,
    status: &'static str,
    status_key: &'static str,
    unit: String,
    owner: String,
    figures: Vec<Figure>,
    cash_svg: Option<String>,
    cash_rows: Vec<(i32, String, String, String)>,
    frequency: &'static str,
    has_plan: bool,
    benefits: Vec<BenefitView>,
    actuals: Vec<ActualView>,
    years: Vec<PotentialYearView>,
    totals: Totals,
}

/// `GET /potentialer/{id}/gevinstrapport`.
async fn potential_report(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_potential(&raw)?;
    let app = &state.app;
    let p = &who.principal;
    let pot = app.potentials().get(p, id).await?;
    let bc = app.business_cases().get(p, id).await?;
    let lists = app.potentials().lists(p).await?;
    let pp = plan_of(app, p, &pot).await?;
    app.export()
        .record_download(p, Download::PotentialReport(id), pp.actuals.len())
        .await?;
    let user = |u| {
        lists
            .user_name(u)
            .map(str::to_owned)
            .unwrap_or_else(|| "–".to_owned())
    };

    let mut figures = Vec::new();
    let mut cash_svg = None;
    let mut cash_rows = Vec::new();
    if let Some(ev) = &bc.evaluation {
        figures = vec![
            Figure {
                label: "Nutidsværdi",
                value: format_kr(ev.npv),
            },
            Figure {
                label: "Fuld effekt (årlig nettogevinst i slutåret)",
                value: format_kr(ev.full_effect),
            },
            Figure {
                label: "Hjemtagbar fuld effekt",
                value: format_kr(ev.hjemtagbar_full_effect),
            },
            Figure {
                label: "Frigjorte årsværk i slutåret",
                value: fte(ev.fte_freed_final_year),
            },
            Figure {
                label: "Tilbagebetalingsår",
                value: ev
                    .payback_year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "Ingen inden for horisonten".to_owned()),
            },
        ];
        let cash: Vec<CashYear> = ev
            .years
            .iter()
            .map(|y| CashYear {
                year: y.year,
                benefits: to_f64(y.benefits),
                costs: to_f64(y.costs),
                cumulative: to_f64(y.cumulative),
            })
            .collect();
        cash_svg = Some(charts::cash_flow("pengestroem", &cash, ev.payback_year));
        cash_rows = ev
            .years
            .iter()
            .map(|y| {
                (
                    y.year,
                    format_kr(y.benefits),
                    format_kr(y.costs),
                    format_kr(y.cumulative),
                )
            })
            .collect();
    }

    // Plan against realisation per year, computed the same way as a programme's: a
    // programme of this one potential over the plan's (or the case's) years.
    let span = pp
        .plan
        .as_ref()
        .map(|pl| (pl.first_year, pl.last_year))
        .or_else(|| {
            bc.case
                .as_ref()
                .map(|c| (c.start_year, c.start_year + c.horizon as i32 - 1))
        });
    let mut years = Vec::new();
    let mut ov_totals = None;
    if let Some((first, last)) = span {
        let solo = Programme {
            name: pot.title.clone(),
            first_year: first,
            last_year: last.max(first),
            targets: vec![],
            potentials: vec![pot.id],
            distribution_keys: vec![],
        };
        let input = [ProgrammePotential {
            id: pot.id,
            title: pot.title.clone(),
            status: pot.status,
            unit_id: pot.unit_id,
            fagomraade_id: pot.fagomraade_id,
            technology_id: pot.technology_id,
            case: bc.case.clone(),
            actuals: pp.actuals.clone(),
        }];
        let ov = build_overview(&solo, &input, &bc.economics, &lists.units);
        let plans = std::slice::from_ref(&pp);
        years = ov
            .years
            .iter()
            .map(|y| {
                let measured = pp.actuals.iter().any(|a| a.period.year() == y.year);
                let f = &y.figures;
                PotentialYearView {
                    year: y.year,
                    planned: format_kr(f.planned_kr),
                    realised: if measured {
                        format_kr(f.realised_kr)
                    } else {
                        "Ikke målt".to_owned()
                    },
                    harvested: format_kr(f.harvested_kr),
                    gap: if measured {
                        format_kr(f.planned_kr - f.realised_kr)
                    } else {
                        "–".to_owned()
                    },
                    explanation: explanations(plans, pot.id, y.year),
                }
            })
            .collect();
        ov_totals = Some(totals(&ov));
    }

    let benefits = pp
        .plan
        .as_ref()
        .map(|pl| {
            pl.benefits
                .iter()
                .map(|b| BenefitView {
                    label: b.label.clone(),
                    kind: b.kind.label(),
                    hjemtagbar: b.hjemtagbar,
                    owner: user(b.owner),
                    kpi: b.kpi.clone(),
                    method: b.measurement_method.clone(),
                    baseline: match (b.baseline, b.baseline_note.trim()) {
                        (Some(v), "") => format_decimal(v, 2),
                        (Some(v), note) => format!("{} ({note})", format_decimal(v, 2)),
                        (None, "") => "–".to_owned(),
                        (None, note) => note.to_owned(),
                    },
                    targets: b
                        .targets
                        .iter()
                        .map(|t| format!("{}: {}", t.year, format_kr(t.kr)))
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect()
        })
        .unwrap_or_default();
    let actuals = pp
        .actuals
        .iter()
        .map(|a| ActualView {
            period: a.period.label(),
            benefit: pp
                .plan
                .as_ref()
                .and_then(|pl| pl.benefits.iter().find(|b| b.line == a.line))
                .map(|b| b.label.clone())
                .unwrap_or_else(|| format!("Linje {}", a.line + 1)),
            hours: format_decimal(a.hours, 2),
            kr: format_kr(a.kr),
            fte: format_decimal(a.fte, 2),
            invisible: format_decimal(a.invisible_hours, 2),
            harvested: format_kr(a.harvested),
            reference: a.budget_reference.clone(),
            date: a.harvested_on.map(short_date).unwrap_or_default(),
            approval: a.approval.label(),
            note: a.note.clone(),
        })
        .collect();
    let page = PotentialReportPage {
        layout: Layout::new(
            &who,
            format!("Gevinstrapport: {}", pot.title),
            "potentialer",
        ),
        id: pot.id.0,
        title: pot.title.clone(),
        date: long_date(Utc::now().date_naive()),
        status: pot.status.label(),
        status_key: pot.status.as_str(),
        unit: lists.units.display_path(pot.unit_id),
        owner: user(pot.benefit_owner),
        figures,
        cash_svg,
        cash_rows,
        frequency: match pp.plan.as_ref().map(|pl| pl.frequency) {
            Some(gevinst_domain::programme::MeasurementFrequency::Quarterly) => "hvert kvartal",
            Some(gevinst_domain::programme::MeasurementFrequency::Yearly) => "hvert år",
            None => "",
        },
        has_plan: pp.plan.is_some(),
        benefits,
        actuals,
        years,
        totals: ov_totals.unwrap_or(Totals {
            realised: format_kr(Decimal::ZERO),
            harvested: format_kr(Decimal::ZERO),
            not_harvested: format_kr(Decimal::ZERO),
        }),
    };
    Ok(Page(page).into_response())
}

/// `GET /potentialer/{id}/gevinstplan.xlsx`.
async fn potential_xlsx(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_potential(&raw)?;
    let app = &state.app;
    let p = &who.principal;
    let pot = app.potentials().get(p, id).await?;
    let lists = app.potentials().lists(p).await?;
    let pp = plan_of(app, p, &pot).await?;
    let bytes = plan_workbook(&pp, &names(&lists)).map_err(xlsx_error)?;
    app.export()
        .record_download(p, Download::BenefitPlanWorkbook(id), pp.actuals.len())
        .await?;
    let base = match ascii_name(&pot.title) {
        n if n.is_empty() => String::new(),
        n => format!("-{n}"),
    };
    Ok(download(
        XLSX,
        &format!("gevinstplan-{}{base}.xlsx", pot.id.0),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(long_date(d), "1. december 2026");
        assert_eq!(short_date(d), "01-12-2026");
    }
}
