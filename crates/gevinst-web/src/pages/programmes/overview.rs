//! The programme overview (the director's Monday page) and its forecast.
//!
//! `GET /programmer/{id}` never runs the Monte Carlo: it shows the forecast only when
//! [`programmes::cached_forecast`] has one for the current data. `POST
//! /programmes/{id}/prognose` computes it ([`programmes::forecast_cached`]) and redirects
//! back (303).

use super::steering::{
    pivot, roadmap, target_chart, traffic_lights, Light, Measure, Pivot, Roadmap, TargetChart,
};
use super::{amount, fte, kr, programme_id};
use crate::charts;
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::pages::reports::{fan_data, past_years_text};
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use gevinst_app::potentials::TenantLists;
use gevinst_domain::business_case::{Decimal, SimulationSettings};
use gevinst_domain::danish::{
    format_chance, format_count, format_gap, format_hours as hours, format_local_date,
};
use gevinst_domain::glossary::{hint, BESLUTTET, FRIGJORT, HJEMTAGET, PLANLAGT, REALISERET};
use gevinst_domain::programme::{
    BreakdownKey, Forecast, Programme, ProgrammeOverview, ProgrammeYear, ShareOwner, TargetKind,
    YearTarget,
};
use gevinst_domain::Permission;

/// The forecast settings the overview uses: 10,000 iterations, seed 0.
pub(crate) const FORECAST: SimulationSettings = SimulationSettings {
    iterations: 10_000,
    seed: 0,
};

/// One cell of a year-by-year table, with a CSS class (`behind`/`ahead` on gaps).
pub(crate) struct Cell {
    pub text: String,
    pub class: &'static str,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell { text, class: "" }
    }
}

/// A gap to a target in words and colour: "2.000.000 kr. bagud" (red), "… foran" (green).
pub(crate) fn gap_cell(kind: TargetKind, gap: Option<Decimal>) -> Cell {
    match gap {
        None => Cell::from("–".to_owned()),
        Some(g) => {
            let text = format_gap(kind, g);
            let class = if text.ends_with("bagud") {
                "gap-behind"
            } else if text.ends_with("foran") {
                "gap-ahead"
            } else {
                "gap-on"
            };
            Cell { text, class }
        }
    }
}

/// One row of a year-by-year table: a label and one cell per programme year.
pub(crate) struct YearRow {
    pub label: String,
    pub cells: Vec<Cell>,
    /// `sub` for indented sub-rows (planned by status), `gap` for the gap row.
    pub class: &'static str,
}

/// One year-by-year table (kr. or årsværk).
pub(crate) struct YearTable {
    pub id: &'static str,
    pub caption: String,
    pub rows: Vec<YearRow>,
}

pub(crate) struct GapLine {
    pub potential: i64,
    pub title: String,
    pub year: i32,
    pub planned: String,
    pub realised: String,
    pub gap: Cell,
}

pub(crate) struct InvisibleLine {
    pub year: i32,
    pub planned: String,
    pub planned_measured: String,
    pub actual: String,
}

pub(crate) struct ShareLine {
    pub target: String,
    pub owner: String,
    pub share: String,
    pub planned: String,
    pub decided: String,
    pub realised: String,
    pub gap: Cell,
}

/// An actual awaiting a second person's approval.
pub(crate) struct PendingLine {
    pub potential: i64,
    pub title: String,
    pub benefit: String,
    pub period: String,
    pub value: String,
    pub harvested: String,
    pub reasons: String,
    pub recorded: String,
}

/// The forecast as the page shows it.
pub(crate) struct ForecastView {
    pub kr_chart: String,
    pub kr_table: String,
    pub fte_chart: String,
    pub fte_table: String,
    pub probabilities: Vec<String>,
    pub iterations: String,
    /// How closed and current years are treated.
    pub past_years: String,
}

/// A year in which more was harvested than realised, explained.
pub(crate) struct HarvestNote {
    pub text: String,
}

#[derive(Template)]
#[template(path = "programme_overview.html")]
struct OverviewPage {
    layout: Layout,
    id: i64,
    period: String,
    targets: Vec<String>,
    potential_count: usize,
    years: Vec<i32>,
    tables: Vec<YearTable>,
    chart: TargetChart,
    lights: Vec<Light>,
    /// The legend under the lights, the glossary's rule (as on the front page).
    lights_legend: &'static str,
    measure: Measure,
    measures: [Measure; 4],
    pivots: Vec<Pivot>,
    roadmap: Roadmap,
    gaps: Vec<GapLine>,
    invisible: Vec<InvisibleLine>,
    shares: Vec<ShareLine>,
    forecast: Option<ForecastView>,
    /// The definitions under the year tables, from the glossary.
    definitions: Vec<String>,
    /// Units and years whose harvest exceeds their realised gain, explained.
    harvest_notes: Vec<HarvestNote>,
    /// Flagged actuals *afventer godkendelse*.
    pending: Vec<PendingLine>,
    may_manage: bool,
}

/// The texts describing a programme's targets, e.g. "100.000 kr. pr. år i 2027".
pub(crate) fn target_texts(p: &Programme) -> Vec<String> {
    p.targets
        .iter()
        .map(|t| {
            let mut s = match t.kind {
                TargetKind::KrPerYear => {
                    format!("{} pr. år senest i {}", kr(t.amount), t.deadline_year)
                }
                TargetKind::Aarsvaerk => format!("{} senest i {}", fte(t.amount), t.deadline_year),
            };
            if !t.milestones.is_empty() {
                let ms: Vec<String> = t
                    .milestones
                    .iter()
                    .map(|m| format!("{}: {}", m.year, amount(t.kind, m.amount)))
                    .collect();
                s.push_str(&format!(" (delmål {})", ms.join("; ")));
            }
            s
        })
        .collect()
}

fn opt(kind: TargetKind, d: Option<Decimal>) -> String {
    d.map(|d| amount(kind, d)).unwrap_or_else(|| "–".to_owned())
}

fn year_table(p: &Programme, o: &ProgrammeOverview, kind: TargetKind) -> YearTable {
    let is_kr = kind == TargetKind::KrPerYear;
    let pick = |kr_v: Decimal, fte_v: Decimal| if is_kr { kr(kr_v) } else { fte(fte_v) };
    // One row: a label, a cell for each year of the programme, and a CSS class.
    let row =
        |label: String, class: &'static str, cell: &dyn Fn(&ProgrammeYear) -> String| YearRow {
            label,
            cells: o.years.iter().map(|y| Cell::from(cell(y))).collect(),
            class,
        };
    let gap_row =
        |label: String, class: &'static str, cell: &dyn Fn(&ProgrammeYear) -> Cell| YearRow {
            label,
            cells: o.years.iter().map(cell).collect(),
            class,
        };
    // A figure of target `i` in a year ("–" where the year has none).
    let target_cell = |y: &ProgrammeYear, i: usize, f: fn(&YearTarget) -> Option<Decimal>| {
        opt(kind, y.targets.iter().find(|t| t.target == i).and_then(f))
    };
    let mut rows = Vec::new();
    let target_idx: Vec<usize> = p
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == kind)
        .map(|(i, _)| i)
        .collect();
    let numbered = target_idx.len() > 1;
    for &i in &target_idx {
        let label = if numbered {
            format!("Mål {}", i + 1)
        } else {
            "Mål".to_owned()
        };
        rows.push(row(label, "target", &|y| target_cell(y, i, |t| t.amount)));
    }
    rows.push(row("Planlagt".into(), "", &|y| {
        pick(y.figures.planned_kr, y.figures.planned_fte)
    }));
    let mut statuses: Vec<gevinst_domain::Status> = Vec::new();
    for y in &o.years {
        for s in &y.planned_by_status {
            if !statuses.contains(&s.status) {
                statuses.push(s.status);
            }
        }
    }
    statuses.sort_by_key(|s| gevinst_domain::Status::ALL.iter().position(|a| a == s));
    for s in statuses {
        let label = format!("heraf {}", s.label().to_lowercase());
        rows.push(row(label, "sub", &|y| {
            y.planned_by_status
                .iter()
                .find(|a| a.status == s)
                .map(|a| pick(a.kr, a.fte))
                .unwrap_or_else(|| pick(Decimal::ZERO, Decimal::ZERO))
        }));
    }
    rows.push(row("Besluttet".into(), "", &|y| {
        pick(y.figures.decided_kr, y.figures.decided_fte)
    }));
    rows.push(row(REALISERET.word.into(), "realised", &|y| {
        pick(y.figures.realised_kr, y.figures.realised_fte)
    }));
    if is_kr {
        rows.push(row(HJEMTAGET.word.into(), "", &|y| {
            kr(y.figures.harvested_kr)
        }));
        rows.push(row(FRIGJORT.word.into(), "sub", &|y| {
            kr(y.figures.not_harvested_kr)
        }));
        if o.years.iter().any(|y| !y.figures.pending_kr.is_zero()) {
            rows.push(row(
                "Afventer godkendelse (ikke talt med)".into(),
                "pending",
                &|y| kr(y.figures.pending_kr),
            ));
        }
    }
    // A target's figure in a year as a gap in words ("–" where the year has none).
    let gap_of = |y: &ProgrammeYear, i: usize, f: fn(&YearTarget) -> Option<Decimal>| {
        gap_cell(kind, y.targets.iter().find(|t| t.target == i).and_then(f))
    };
    for &i in &target_idx {
        let which = if numbered {
            format!(" {}", i + 1)
        } else {
            String::new()
        };
        rows.push(gap_row(
            format!("Realiseret i forhold til mål{which}"),
            "gap",
            &|y| gap_of(y, i, |t| t.gap_realised),
        ));
        rows.push(gap_row(
            format!("Besluttede i forhold til mål{which}"),
            "sub",
            &|y| gap_of(y, i, |t| t.gap_decided),
        ));
    }
    YearTable {
        id: if is_kr { "aar-kr" } else { "aar-aarsvaerk" },
        caption: if is_kr {
            "Årlig gevinst i kr. pr. år".into()
        } else {
            "Frigjorte årsværk pr. år".into()
        },
        rows,
    }
}

/// Where a unit (or the whole programme) harvested more than it realised in a year: the
/// two figures are defined differently (see the glossary), and the page says so instead
/// of leaving a controller to wonder.
pub(crate) fn harvest_notes(o: &ProgrammeOverview, lists: &TenantLists) -> Vec<HarvestNote> {
    let whole = o
        .years
        .iter()
        .map(|y| ("Hele programmet".to_owned(), y.year, &y.figures));
    let units = o.by_unit.iter().flat_map(|r| {
        let name = match r.key {
            BreakdownKey::Unit(u) => lists.units.get(u).map(|u| u.name.clone()),
            _ => None,
        }
        .unwrap_or_else(|| "Ukendt enhed".into());
        r.years.iter().map(move |(y, f)| (name.clone(), *y, f))
    });
    whole
        .chain(units)
        .filter(|(_, _, f)| f.harvested_kr > f.realised_kr && !f.harvested_kr.is_zero())
        .map(|(name, year, f)| HarvestNote {
            text: format!(
                "{name} {year}: realiseret {}, hjemtaget {}",
                kr(f.realised_kr),
                kr(f.harvested_kr)
            ),
        })
        .collect()
}

/// The forecast's fan charts, tables and probability texts.
pub(crate) fn forecast_view(p: &Programme, f: &Forecast, o: &ProgrammeOverview) -> ForecastView {
    let (kr_years, kr_lines) = fan_data(p, f, o, TargetKind::KrPerYear);
    let (fte_years, fte_lines) = fan_data(p, f, o, TargetKind::Aarsvaerk);
    let probabilities = f
        .targets
        .iter()
        .map(|t| {
            let mut text = format!(
                "Sandsynlighed for at nå målet på {} i {}: {}",
                amount(t.kind, t.amount),
                t.deadline_year,
                format_chance(t.probability)
            );
            if !t.milestones.is_empty() {
                let parts: Vec<String> = t
                    .milestones
                    .iter()
                    .map(|m| {
                        format!(
                            "{} i {}: {}",
                            amount(t.kind, m.amount),
                            m.year,
                            format_chance(m.probability)
                        )
                    })
                    .collect();
                text.push_str(&format!(" (delmål {})", parts.join("; ")));
            }
            text
        })
        .collect();
    ForecastView {
        kr_chart: charts::fan_chart(
            "prognose-kr",
            "Prognose for den årlige gevinst i kr.",
            "kr.",
            &kr_years,
            &kr_lines,
        ),
        kr_table: charts::fan_table(
            "Prognose for den årlige gevinst i kr.",
            "kr.",
            &kr_years,
            &kr_lines,
        ),
        fte_chart: charts::fan_chart(
            "prognose-aarsvaerk",
            "Prognose for frigjorte årsværk",
            "årsværk",
            &fte_years,
            &fte_lines,
        ),
        fte_table: charts::fan_table(
            "Prognose for frigjorte årsværk",
            "årsværk",
            &fte_years,
            &fte_lines,
        ),
        probabilities,
        iterations: format_count(f.iterations),
        past_years: past_years_text(f.actuals_before_year),
    }
}

/// `GET /programmer/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let app = &state.app;
    let p = &who.principal;
    let stored = app.programmes().get(p, id).await?;
    let o = app.programmes().overview(p, id).await?;
    let lists = app.potentials().lists(p).await?;
    let year = chrono::Utc::now().year();
    let cached = app
        .programmes()
        .cached_forecast(p, id, FORECAST, year)
        .await?;
    let prog = &stored.programme;
    let mut tables = vec![year_table(prog, &o, TargetKind::KrPerYear)];
    tables.push(year_table(prog, &o, TargetKind::Aarsvaerk));
    // `?vis=` picks the pivots' figure; anything unknown shows the default.
    let vis = query.as_deref().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "vis")
            .map(|(_, v)| v)
    });
    let measure = Measure::parse(vis.as_deref());
    let pivots = vec![
        pivot(
            ("enhed", "Fordelt på enheder", "Enhed"),
            &o.by_unit,
            &o,
            measure,
            &lists,
        ),
        pivot(
            ("fagomraade", "Fordelt på fagområder", "Fagområde"),
            &o.by_fagomraade,
            &o,
            measure,
            &lists,
        ),
        pivot(
            ("teknologi", "Fordelt på teknologityper", "Teknologi"),
            &o.by_technology,
            &o,
            measure,
            &lists,
        ),
    ];
    let items = app.programmes().roadmap(p, id).await?;
    let economics = app.business_cases().economics(p).await?.economics;
    let pending = app
        .programmes()
        .pending_actuals(p, id)
        .await?
        .into_iter()
        .map(|pa| {
            let a = &pa.actual.actual;
            PendingLine {
                potential: pa.actual.potential_id.0,
                title: pa.title,
                benefit: pa.benefit,
                period: a.period.label(),
                value: kr(a.gain_kr(&economics)),
                harvested: kr(a.harvested),
                reasons: a
                    .approval_reasons
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("; "),
                recorded: format!(
                    "{} af {}",
                    format_local_date(pa.actual.recorded_at),
                    lists.user_name(pa.actual.recorded_by).unwrap_or("ukendt")
                ),
            }
        })
        .collect();
    let gaps = o
        .largest_gaps
        .iter()
        .map(|g| GapLine {
            potential: g.potential.0,
            title: g.title.clone(),
            year: g.year,
            planned: kr(g.planned_kr),
            realised: kr(g.realised_kr),
            gap: gap_cell(TargetKind::KrPerYear, Some(g.gap_kr)),
        })
        .collect();
    let invisible = o
        .years
        .iter()
        .map(|y| InvisibleLine {
            year: y.year,
            planned: hours(y.invisible_planned_hours),
            planned_measured: hours(y.invisible_planned_measured_hours),
            actual: hours(y.invisible_actual_hours),
        })
        .collect();
    let shares = o
        .shares
        .iter()
        .map(|s| {
            let kind = prog
                .targets
                .get(s.target)
                .map(|t| t.kind)
                .unwrap_or(TargetKind::KrPerYear);
            let target = prog
                .targets
                .get(s.target)
                .map(|t| format!("{} i {}", amount(t.kind, t.amount), t.deadline_year))
                .unwrap_or_default();
            let owner = match s.owner {
                ShareOwner::Unit(u) => lists
                    .units
                    .get(u)
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| "Ukendt enhed".into()),
                ShareOwner::Fagomraade(f) => lists
                    .fagomraade_name(Some(f))
                    .unwrap_or("Ukendt fagområde")
                    .to_owned(),
            };
            ShareLine {
                target,
                owner,
                share: amount(kind, s.share),
                planned: amount(kind, s.planned),
                decided: amount(kind, s.decided),
                realised: amount(kind, s.realised),
                gap: gap_cell(kind, Some(s.gap_decided)),
            }
        })
        .collect();
    let page = OverviewPage {
        layout: Layout::new(&who, prog.name.clone(), "programmer"),
        id: id.0,
        period: format!("{}–{}", prog.first_year, prog.last_year),
        targets: target_texts(prog),
        potential_count: prog.potentials.len(),
        years: o.years.iter().map(|y| y.year).collect(),
        tables,
        chart: target_chart(prog, &o),
        lights: traffic_lights(prog, &o, &lists),
        lights_legend: gevinst_domain::glossary::TRAFIKLYS.definition,
        measure,
        measures: Measure::ALL,
        pivots,
        roadmap: roadmap(&items),
        gaps,
        invisible,
        shares,
        forecast: cached.map(|f| forecast_view(prog, &f, &o)),
        definitions: [PLANLAGT, BESLUTTET, REALISERET, HJEMTAGET, FRIGJORT]
            .iter()
            .map(hint)
            .collect(),
        harvest_notes: harvest_notes(&o, &lists),
        pending,
        may_manage: p.actor.may_tenant_wide(Permission::ManagePortfolio),
    };
    Ok(Page(page).into_response())
}

/// `POST /programmer/{id}/prognose`: computes (or reuses) the forecast, then 303 back.
pub(crate) async fn compute_forecast(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let year = chrono::Utc::now().year();
    state
        .app
        .programmes()
        .forecast_cached(&who.principal, id, FORECAST, year)
        .await?;
    Ok(Redirect::to(&format!("/programmer/{}#prognose", id.0)).into_response())
}
