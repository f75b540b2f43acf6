//! The programme report (gevinstrealiseringsrapport) and the programme workbook.

use super::*;
use crate::charts::{self, FanYear, TargetLine};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::{download, Page};
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gevinst_app::auth::Principal;
use gevinst_app::export::programme_reports::{programme_workbook, Names, PotentialPlan};
use gevinst_app::export::Download;
use gevinst_app::potentials::TenantLists;
use gevinst_app::programmes::StoredProgramme;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{
    format_chance, format_count, format_date_in_words as long_date, format_fte as fte, format_gap,
    format_kr, format_percent, format_target_amount as amount, to_f64,
};
use gevinst_domain::glossary::{hint, BESLUTTET, FRIGJORT, HJEMTAGET, PLANLAGT, REALISERET};
use gevinst_domain::programme::{
    Forecast, KeyBasis, Programme, ProgrammeOverview, ShareOwner, Target, TargetKind,
};
use gevinst_domain::{Potential, ProgrammeId, Status};
use std::collections::BTreeMap;

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
    /// The definitions under the key figures, from the glossary.
    definitions: Vec<String>,
    harvest_definition: String,
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
                    format!(
                        "{} ({})",
                        amount(t.kind, s.share),
                        format_percent(v / Decimal::ONE_HUNDRED)
                    )
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
                gap: format_gap(t.kind, s.gap_decided),
            })
        })
        .collect()
}

/// One fan chart with its data table.
struct FanView {
    svg: String,
    table: String,
}

/// How the forecast treats past and current years, in words; the overview and the report
/// both say it under the fan chart.
pub(crate) fn past_years_text(current_year: i32) -> String {
    format!(
        "År før {current_year} er afsluttede: de er de registrerede målinger (Realiseret), \
         et faktum og ikke en prognose. {current_year} er målingerne indtil nu plus prognosen \
         for de kvartaler, der ikke er målt endnu. Senere år er ren prognose."
    )
}

/// A forecast's fan in one unit: the P10/P50/P90 per year with the overview's recorded
/// actuals (*Realiseret*) up to the current year as their own series, and the programme's
/// targets in that unit as lines (`Mål 2027: 100.000 kr.`). Shared by the overview and the
/// report.
pub(crate) fn fan_data(
    p: &Programme,
    fc: &Forecast,
    o: &ProgrammeOverview,
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
            let actual = o
                .years
                .iter()
                .find(|oy| oy.year == y.year && y.year <= fc.actuals_before_year)
                .map(|oy| match kind {
                    TargetKind::KrPerYear => to_f64(oy.figures.realised_kr),
                    TargetKind::Aarsvaerk => to_f64(oy.figures.realised_fte),
                });
            FanYear {
                year: y.year,
                p10: d.p10,
                p50: d.p50,
                p90: d.p90,
                actual,
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

fn fan(p: &Programme, fc: &Forecast, o: &ProgrammeOverview, kind: TargetKind) -> FanView {
    let (years, targets) = fan_data(p, fc, o, kind);
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

fn forecast_view(p: &Programme, fc: &Forecast, o: &ProgrammeOverview) -> ForecastView {
    ForecastView {
        kr: fan(p, fc, o, TargetKind::KrPerYear),
        fte: fan(p, fc, o, TargetKind::Aarsvaerk),
        probabilities: fc
            .targets
            .iter()
            .flat_map(|t| {
                let target = ProbabilityView {
                    target: match p.targets.get(t.target) {
                        Some(target) => target_text(target),
                        None => format!("{} i {}", amount(t.kind, t.amount), t.deadline_year),
                    },
                    probability: format_chance(t.probability),
                };
                let milestones = t.milestones.iter().map(move |m| ProbabilityView {
                    target: format!("Delmål: {} i {}", amount(t.kind, m.amount), m.year),
                    probability: format_chance(m.probability),
                });
                std::iter::once(target).chain(milestones)
            })
            .collect(),
        basis: format!(
            "{} gennemløb, startværdi {}. {}",
            format_count(fc.iterations),
            fc.seed,
            past_years_text(fc.actuals_before_year)
        ),
    }
}

/// `GET /programmer/{id}/rapport`.
pub(super) async fn programme_report(
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
        forecast: forecast
            .as_deref()
            .map(|fc| forecast_view(programme, fc, &ov)),
        totals: totals(&ov),
        gaps: gap_views(&ov, &plans),
        shares: share_views(programme, &ov, &names),
        definitions: [PLANLAGT, BESLUTTET, REALISERET, HJEMTAGET, FRIGJORT]
            .iter()
            .map(hint)
            .collect(),
        harvest_definition: format!("{} {}", hint(&HJEMTAGET), hint(&FRIGJORT)),
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
pub(super) async fn programme_xlsx(
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
