//! The potential report (the benefits realisation plan of one potential) and its workbook.

use super::*;
use crate::charts::{self, CashYear};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::{download, Page};
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use gevinst_app::export::programme_reports::{explanations, plan_workbook};
use gevinst_app::export::Download;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{
    format_date, format_date_in_words as long_date, format_fte as fte, format_kr, format_quantity,
    to_f64,
};
use gevinst_domain::programme::{overview as build_overview, Programme, ProgrammePotential};

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
pub(super) async fn potential_report(
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
                        (Some(v), "") => format_quantity(v),
                        (Some(v), note) => format!("{} ({note})", format_quantity(v)),
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
            hours: format_quantity(a.hours),
            kr: format_kr(a.kr),
            fte: format_quantity(a.fte),
            invisible: format_quantity(a.invisible_hours),
            harvested: format_kr(a.harvested),
            reference: a.budget_reference.clone(),
            date: a.harvested_on.map(format_date).unwrap_or_default(),
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
pub(super) async fn potential_xlsx(
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
