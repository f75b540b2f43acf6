//! What the business-case templates show: formatted figures, chart SVGs with their data
//! tables, and the editor's inputs with their errors. All numbers are formatted here, the
//! Danish way; the templates only place them.

use super::form::{category_key, channel_key, f, kind_key, parse_kind, CaseForm, CATEGORIES};
use super::landing;
use crate::charts::{self, Bin, CashYear, Marker, TornadoRow};
use gevinst_domain::business_case::{
    invisible_work_by_category, BusinessCase, Channel, Decimal, Distribution, Economics,
    Evaluation, LineKind, Simulation, TornadoBar,
};
use gevinst_domain::danish::{
    format_chance, format_count, format_fte, format_kr, format_kr_f64 as kr_f64,
    format_percent as pct, format_price,
};
use gevinst_domain::FieldErrors;

/// Tornado bars drawn at most (the table lists all).
const TORNADO_BARS: usize = 12;

/// One key figure.
pub(crate) struct Figure {
    pub label: &'static str,
    pub value: String,
    pub note: &'static str,
}

/// One row of the cash-flow table.
pub(crate) struct YearRow {
    pub year: i32,
    pub benefits: String,
    pub costs: String,
    pub invisible: String,
    pub net: String,
    pub cumulative: String,
    pub discounted: String,
}

/// One row of the tornado table.
pub(crate) struct TornadoView {
    pub label: String,
    pub source: &'static str,
    pub low: String,
    pub high: String,
    pub swing: String,
}

/// The deterministic results.
pub(crate) struct Results {
    pub figures: Vec<Figure>,
    pub gross: String,
    pub invisible: String,
    pub invisible_share: String,
    /// Invisible work per category over the horizon.
    pub invisible_rows: Vec<(String, String)>,
    /// Why the freed årsværk are negative while the full effect is positive, if so.
    pub fte_note: Option<String>,
    pub cash_svg: String,
    pub years: Vec<YearRow>,
    pub tornado_svg: String,
    pub tornado: Vec<TornadoView>,
    pub rate: String,
    pub hourly_rate: String,
}

/// The one-line explanation of negative årsværk next to a positive full effect (the
/// demo's chatbot: −0,3 årsværk, a gain in kr.): the årsværk count only time, and the
/// invisible work takes more time than is freed, while the kr. also count savings.
fn fte_note(ev: &Evaluation) -> Option<String> {
    (ev.fte_freed_final_year.is_sign_negative()
        && !ev.fte_freed_final_year.is_zero()
        && ev.full_effect > Decimal::ZERO)
        .then(|| {
            format!(
                "Frigjorte årsværk er {}, fordi det usynlige arbejde tager mere tid, end \
                 løsningen frigør. Den fulde effekt er alligevel positiv ({}), fordi den også \
                 tæller besparelser i kr.",
                format_fte(ev.fte_freed_final_year),
                format_kr(ev.full_effect)
            )
        })
}

impl Results {
    /// Formats an evaluation.
    pub fn new(
        case: &BusinessCase,
        ev: &Evaluation,
        econ: &Economics,
        bars: &[TornadoBar],
    ) -> Self {
        let payback = match ev.payback_year {
            Some(y) => y.to_string(),
            None => "Ingen tilbagebetaling inden for horisonten".to_owned(),
        };
        let figures = vec![
            Figure {
                label: "Nutidsværdi",
                value: format_kr(ev.npv),
                note: "Alle års nettobeløb tilbagediskonteret til startåret.",
            },
            Figure {
                label: "Tilbagebetalingsår",
                value: payback,
                note: "Første år, hvor de samlede gevinster har dækket omkostningerne.",
            },
            Figure {
                label: "Fuld effekt",
                value: format_kr(ev.full_effect),
                note: "Årlig nettogevinst i slutåret, uden investeringer.",
            },
            Figure {
                label: "Hjemtagbar fuld effekt",
                value: format_kr(ev.hjemtagbar_full_effect),
                note: "Den del af den fulde effekt, som budgettet faktisk kan reduceres med.",
            },
            Figure {
                label: "Frigjorte årsværk i slutåret",
                value: format_fte(ev.fte_freed_final_year),
                note: "Frigjort tid minus usynligt arbejde, omregnet til årsværk.",
            },
            Figure {
                label: "Risikopulje",
                value: format_kr(ev.risk_pool),
                note: "Forventet tab fra risici: sandsynlighed × gennemsnitlig konsekvens.",
            },
            Figure {
                label: "Nutidsværdi efter risikopulje",
                value: format_kr(ev.npv_after_risk),
                note: "Nutidsværdien fratrukket den tilbagediskonterede risikopulje.",
            },
        ];
        // Each type is the rounded sum of the exact values whose total is the key figure.
        let invisible_rows = invisible_work_by_category(case, econ)
            .into_iter()
            .filter(|(_, total)| !total.is_zero())
            .map(|(c, total)| {
                let label = c.map_or("Uden type", |c| c.label());
                (label.to_owned(), format_kr(total))
            })
            .collect();
        let cash: Vec<CashYear> = ev
            .years
            .iter()
            .map(|y| CashYear {
                year: y.year,
                benefits: f(y.benefits),
                costs: f(y.costs),
                cumulative: f(y.cumulative),
            })
            .collect();
        let rows: Vec<TornadoRow> = bars
            .iter()
            .map(|b| TornadoRow {
                label: b.label.clone(),
                low: f(b.npv_low),
                high: f(b.npv_high),
            })
            .collect();
        Results {
            figures,
            gross: format_kr(ev.gross_benefits),
            invisible: format_kr(ev.invisible_work),
            invisible_share: ev
                .invisible_share
                .map(pct)
                .unwrap_or_else(|| "–".to_owned()),
            invisible_rows,
            fte_note: fte_note(ev),
            cash_svg: charts::cash_flow("pengestroem", &cash, ev.payback_year),
            years: ev
                .years
                .iter()
                .map(|y| YearRow {
                    year: y.year,
                    benefits: format_kr(y.benefits),
                    costs: format_kr(y.costs),
                    invisible: format_kr(y.invisible_work),
                    net: format_kr(y.net),
                    cumulative: format_kr(y.cumulative),
                    discounted: format_kr(y.discounted_net),
                })
                .collect(),
            tornado_svg: charts::tornado("tornado", &rows, f(ev.npv), TORNADO_BARS),
            tornado: bars
                .iter()
                .map(|b| TornadoView {
                    label: b.label.clone(),
                    source: if b.source == "risk" {
                        "Risiko"
                    } else {
                        "Linje"
                    },
                    low: format_kr(b.npv_low),
                    high: format_kr(b.npv_high),
                    swing: format_kr(b.swing),
                })
                .collect(),
            rate: pct(ev.discount_rate),
            hourly_rate: format_price(ev.hourly_rate),
        }
    }
}

/// Key figures for the potential's own page.
pub(crate) struct Summary {
    pub npv: String,
    pub payback: String,
    pub full_effect: String,
}

impl Summary {
    /// From an evaluation.
    pub fn new(ev: &Evaluation) -> Self {
        Summary {
            npv: format_kr(ev.npv),
            payback: ev
                .payback_year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "Ingen tilbagebetaling inden for horisonten".to_owned()),
            full_effect: format_kr(ev.full_effect),
        }
    }
}

/// A text input (or select) with its value and error.
pub(crate) struct Input {
    pub id: String,
    pub value: String,
    pub err: Option<String>,
}

impl Input {
    fn new(id: String, value: &str, errors: &FieldErrors) -> Self {
        let err = errors.message_for(&id).map(str::to_owned);
        Input {
            id,
            value: value.to_owned(),
            err,
        }
    }
}

/// An entry of the error summary: a message linking to its input.
pub(crate) struct ErrorLinkView {
    pub target: String,
    pub message: String,
}

/// One `<option>`.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One year cell of a line.
pub(crate) struct Cell {
    pub input: Input,
    pub year: i32,
}

/// One line of the editor.
pub(crate) struct LineRow {
    pub i: usize,
    pub n: usize,
    pub kind: Input,
    pub kinds: Vec<Opt>,
    pub unit: &'static str,
    pub label: Input,
    pub cells: Vec<Cell>,
    pub low: Input,
    pub high: Input,
    pub hjemtagbar_id: String,
    pub hjemtagbar: bool,
    pub from: Input,
    pub froms: Vec<Opt>,
    pub to: Input,
    pub tos: Vec<Opt>,
    pub category: Input,
    pub categories: Vec<Opt>,
    pub full: Input,
    pub phase: Input,
    /// Which kind-specific fields the line's kind uses (the others are rendered `hidden`,
    /// so a kind changed in the browser can show them).
    pub shows_hjemtagbar: bool,
    pub shows_channels: bool,
    pub shows_category: bool,
    /// The element id of the line (`linje-N`).
    pub anchor: String,
    /// Where "Fjern" lands.
    pub remove_target: String,
    /// The line was just saved.
    pub saved: bool,
}

/// One risk of the editor.
pub(crate) struct RiskRow {
    pub j: usize,
    pub n: usize,
    pub description: Input,
    pub probability: Input,
    pub min: Input,
    pub likely: Input,
    pub max: Input,
    pub year: Input,
    pub years: Vec<Opt>,
    /// The element id of the risk (`risiko-N`).
    pub anchor: String,
    /// Where "Fjern" lands.
    pub remove_target: String,
    /// The risk was just saved.
    pub saved: bool,
}

/// The editor.
pub(crate) struct EditorView {
    pub summary: Vec<ErrorLinkView>,
    pub version: String,
    pub start_year: Input,
    pub horizon: Input,
    pub discount_rate: Input,
    pub default_rate: String,
    pub lines: Vec<LineRow>,
    pub risks: Vec<RiskRow>,
    pub lines_err: Option<String>,
    pub risks_err: Option<String>,
    /// The year columns of the grid.
    pub years: Vec<i32>,
    /// Where "Tilføj linje" and "Tilføj risiko" land.
    pub add_line_target: String,
    pub add_risk_target: String,
    /// The form's URL (without fragment).
    pub action: String,
    /// The form keys of the benefit kinds (space-separated), for the script.
    pub benefit_kinds: String,
    /// Ids of the landing places (see [`landing`]).
    pub errors_id: &'static str,
    pub settings_id: &'static str,
}

fn options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> String,
    current: &str,
    empty: Option<&str>,
) -> Vec<Opt> {
    let mut out = Vec::new();
    if let Some(e) = empty {
        out.push(Opt {
            value: String::new(),
            label: e.to_owned(),
            selected: current.trim().is_empty(),
        });
    }
    for x in all {
        out.push(Opt {
            value: key(*x).to_owned(),
            label: label(*x),
            selected: key(*x) == current.trim(),
        });
    }
    out
}

impl EditorView {
    /// The editor for a form as typed, with its errors keyed by input id.
    pub fn new(
        form: &CaseForm,
        errors: FieldErrors,
        version: Option<i64>,
        econ: &Economics,
        saved: Option<&str>,
        action: String,
    ) -> Self {
        let e = &errors;
        let years = form.years();
        let (n_lines, n_risks) = (form.lines.len(), form.risks.len());
        let lines = form
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let id = |name: &str| format!("line_{name}_{i}");
                let kind = parse_kind(&l.kind);
                let anchor = landing::line(i + 1);
                LineRow {
                    shows_hjemtagbar: kind.is_none_or(LineKind::is_benefit),
                    shows_channels: kind == Some(LineKind::Kanalomlaegning),
                    shows_category: kind == Some(LineKind::UsynligtArbejde),
                    remove_target: landing::after_line_removed(i + 1, n_lines),
                    saved: saved == Some(anchor.as_str()),
                    anchor,
                    i,
                    n: i + 1,
                    kind: Input::new(id("kind"), &l.kind, e),
                    kinds: options(
                        &LineKind::ALL,
                        kind_key,
                        |k| {
                            let side = if k.is_benefit() {
                                "gevinst"
                            } else {
                                "omkostning"
                            };
                            format!("{} ({side}, {})", k.label(), k.unit_label())
                        },
                        &l.kind,
                        None,
                    ),
                    unit: parse_kind(&l.kind).map(|k| k.unit_label()).unwrap_or(""),
                    label: Input::new(id("label"), &l.label, e),
                    cells: l
                        .amounts
                        .iter()
                        .enumerate()
                        .map(|(t, a)| Cell {
                            input: Input::new(format!("line_amount_{i}_{t}"), a, e),
                            year: years.get(t).copied().unwrap_or_default(),
                        })
                        .collect(),
                    low: Input::new(id("low"), &l.low, e),
                    high: Input::new(id("high"), &l.high, e),
                    hjemtagbar_id: id("hjemtagbar"),
                    hjemtagbar: l.hjemtagbar,
                    from: Input::new(id("from"), &l.from, e),
                    froms: options(
                        &Channel::ALL,
                        channel_key,
                        |c| c.label().to_owned(),
                        &l.from,
                        Some("Ingen"),
                    ),
                    to: Input::new(id("to"), &l.to, e),
                    tos: options(
                        &Channel::ALL,
                        channel_key,
                        |c| c.label().to_owned(),
                        &l.to,
                        Some("Ingen"),
                    ),
                    category: Input::new(id("category"), &l.category, e),
                    categories: options(
                        &CATEGORIES,
                        category_key,
                        |c| c.label().to_owned(),
                        &l.category,
                        Some("Ingen"),
                    ),
                    full: Input::new(id("full"), &l.full, e),
                    phase: Input::new(id("phase"), &l.phase, e),
                }
            })
            .collect();
        let year_opts: Vec<(String, i32)> = years
            .iter()
            .enumerate()
            .map(|(t, y)| (t.to_string(), *y))
            .collect();
        let risks = form
            .risks
            .iter()
            .enumerate()
            .map(|(j, r)| {
                let id = |name: &str| format!("risk_{name}_{j}");
                let anchor = landing::risk(j + 1);
                RiskRow {
                    remove_target: landing::after_risk_removed(j + 1, n_risks),
                    saved: saved == Some(anchor.as_str()),
                    anchor,
                    j,
                    n: j + 1,
                    description: Input::new(id("description"), &r.description, e),
                    probability: Input::new(id("probability"), &r.probability, e),
                    min: Input::new(id("min"), &r.min, e),
                    likely: Input::new(id("likely"), &r.likely, e),
                    max: Input::new(id("max"), &r.max, e),
                    year: Input::new(id("year"), &r.year, e),
                    years: year_opts
                        .iter()
                        .map(|(t, y)| Opt {
                            value: t.clone(),
                            label: y.to_string(),
                            selected: *t == r.year.trim(),
                        })
                        .collect(),
                }
            })
            .collect();
        let known = |id: &str| -> bool {
            matches!(id, "start_year" | "horizon" | "discount_rate")
                || id.starts_with("line_")
                || id.starts_with("risk_")
        };
        let summary = errors
            .0
            .iter()
            .map(|err| ErrorLinkView {
                target: if known(&err.field) {
                    err.field.clone()
                } else if err.field == "risks" {
                    "risici".to_owned()
                } else {
                    "linjer".to_owned()
                },
                message: err.message.clone(),
            })
            .collect();
        EditorView {
            summary,
            version: version.map(|v| v.to_string()).unwrap_or_default(),
            start_year: Input::new("start_year".into(), &form.start_year, e),
            horizon: Input::new("horizon".into(), &form.horizon, e),
            discount_rate: Input::new("discount_rate".into(), &form.discount_rate, e),
            default_rate: pct(econ.discount_rate),
            lines,
            risks,
            lines_err: e.message_for("lines").map(str::to_owned),
            risks_err: e.message_for("risks").map(str::to_owned),
            years,
            add_line_target: landing::line(n_lines + 1),
            add_risk_target: landing::risk(n_risks + 1),
            action,
            benefit_kinds: LineKind::ALL
                .into_iter()
                .filter(|k| k.is_benefit())
                .map(kind_key)
                .collect::<Vec<_>>()
                .join(" "),
            errors_id: landing::ERRORS,
            settings_id: landing::SETTINGS,
        }
    }
}

/// The simulation form.
pub(crate) struct SimForm {
    pub iterations: Input,
    pub seed: Input,
}

impl SimForm {
    /// The form as typed.
    pub fn new(iterations: String, seed: String, errors: FieldErrors) -> Self {
        SimForm {
            iterations: Input::new("iterations".into(), &iterations, &errors),
            seed: Input::new("seed".into(), &seed, &errors),
        }
    }
}

/// One simulated distribution.
pub(crate) struct DistView {
    pub name: &'static str,
    pub mean: String,
    pub p10: String,
    pub p50: String,
    pub p90: String,
    pub min: String,
    pub max: String,
    pub svg: String,
    pub bins: Vec<(String, String, u32)>,
}

impl DistView {
    fn new(id: &str, name: &'static str, what: &str, d: &Distribution) -> Self {
        let bins: Vec<Bin> = d
            .histogram
            .iter()
            .map(|b| Bin {
                from: b.from,
                to: b.to,
                count: b.count,
            })
            .collect();
        let markers = vec![
            Marker {
                label: "P10".into(),
                value: d.p10,
            },
            Marker {
                label: "P50".into(),
                value: d.p50,
            },
            Marker {
                label: "P90".into(),
                value: d.p90,
            },
        ];
        let title = format!("Fordeling af {what}");
        let desc = format!(
            "Histogram over de simulerede udfald af {what} fra {} til {}. P10 er {}, P50 er {}, P90 er {}.",
            kr_f64(d.min),
            kr_f64(d.max),
            kr_f64(d.p10),
            kr_f64(d.p50),
            kr_f64(d.p90)
        );
        DistView {
            name,
            mean: kr_f64(d.mean),
            p10: kr_f64(d.p10),
            p50: kr_f64(d.p50),
            p90: kr_f64(d.p90),
            min: kr_f64(d.min),
            max: kr_f64(d.max),
            svg: charts::histogram(id, &title, &desc, &bins, &markers),
            bins: d
                .histogram
                .iter()
                .map(|b| (kr_f64(b.from), kr_f64(b.to), b.count))
                .collect(),
        }
    }
}

/// The results of a simulation.
pub(crate) struct SimView {
    pub iterations: String,
    pub seed: String,
    pub mean: String,
    pub p10: String,
    pub p50: String,
    pub p90: String,
    pub p_negative: String,
    /// NPV, then full effect.
    pub dists: Vec<DistView>,
}

impl SimView {
    /// Formats a simulation.
    pub fn new(s: &Simulation) -> Self {
        SimView {
            iterations: format_count(s.iterations),
            seed: s.seed.to_string(),
            mean: kr_f64(s.npv.mean),
            p10: kr_f64(s.npv.p10),
            p50: kr_f64(s.npv.p50),
            p90: kr_f64(s.npv.p90),
            dists: vec![
                DistView::new("fordeling-npv", "Nutidsværdi", "nutidsværdien", &s.npv),
                DistView::new(
                    "fordeling-fuld",
                    "Fuld effekt",
                    "den fulde effekt",
                    &s.full_effect,
                ),
            ],
            p_negative: format_chance(s.probability_negative_npv),
        }
    }
}
