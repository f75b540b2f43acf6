//! What the front page shows, built from [`gevinst_app::front::Steering`]: every figure is
//! formatted by `gevinst_domain::danish` and carries the link to the page behind it.

use gevinst_app::front::{AgentWork, LederWork, ProgrammeSteering, WeekChanges};
use gevinst_app::potentials::TenantLists;
use gevinst_app::programmes::Reminder;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{
    format_chance, format_count, format_date, format_fte, format_gap, format_kr, format_local_date,
    format_target_amount,
};
use gevinst_domain::programme::{
    steering_years, year_of, Forecast, Light, Programme, ProgrammeYear, ShareOwner, TargetKind,
};
use gevinst_domain::{Potential, Status};

/// How many entries a list on the front page shows before "see all".
pub(crate) const SHOWN: usize = 5;

/// The statuses that count as decided, as a list filter.
pub(crate) const DECIDED_FILTER: &str =
    "besluttet%2Ci_implementering%2Ci_drift%2Cgevinst_realiseret";

/// A figure with the link behind it.
pub(crate) struct Cell {
    pub text: String,
    pub href: String,
}

/// A row of a programme's figure table.
pub(crate) struct FigureRow {
    pub label: String,
    /// `target`, `realised`, `gap` or empty, for the style.
    pub class: &'static str,
    pub cells: Vec<Cell>,
}

/// A programme's figures in kr. or årsværk for the steering years.
pub(crate) struct FigureTable {
    pub id: String,
    pub caption: String,
    pub rows: Vec<FigureRow>,
}

/// One distribution-key share with its traffic light.
pub(crate) struct LightRow {
    pub owner: String,
    pub owner_href: Option<String>,
    pub target: String,
    pub share: String,
    pub decided: String,
    pub decided_href: Option<String>,
    pub planned: String,
    pub key: &'static str,
    pub label: &'static str,
}

/// One of the largest gaps between plan and realisation.
pub(crate) struct GapLine {
    pub href: String,
    pub title: String,
    pub year: i32,
    pub gap: String,
    pub planned: String,
    pub realised: String,
}

/// One programme on the front page.
pub(crate) struct ProgrammeView {
    pub id: i64,
    pub name: String,
    pub period: String,
    pub targets: Vec<String>,
    pub years: Vec<String>,
    pub tables: Vec<FigureTable>,
    /// The forecast's probabilities, when the forecast is cached.
    pub chances: Option<Vec<String>>,
    pub lights: Vec<LightRow>,
    pub gaps: Vec<GapLine>,
}

/// A line of a list: a link and what to say about it.
pub(crate) struct Line {
    pub href: String,
    pub title: String,
    pub text: String,
}

/// A count with the link to its list, and its first entries.
pub(crate) struct ChangeGroup {
    pub id: &'static str,
    pub heading: String,
    pub href: String,
    pub count: usize,
    pub lines: Vec<Line>,
}

/// A measurement to record.
pub(crate) struct Task {
    pub title: String,
    pub potential_href: String,
    pub label: String,
    pub period: String,
    pub due: String,
    pub overdue: bool,
    pub record_href: String,
}

/// A unit's potentials by status, each count a link.
pub(crate) struct UnitRow {
    pub name: String,
    pub href: String,
    pub cells: Vec<Cell>,
}

/// A figure whose number never wraps away from its unit: a no-break space before "kr."
/// and "årsværk" ("2.000.000 kr. bagud" may still break before "bagud").
fn keep_unit(text: String) -> String {
    text.replace(" kr.", "\u{a0}kr.")
        .replace(" årsværk", "\u{a0}årsværk")
}

fn programme_href(id: i64, anchor: &str) -> String {
    format!("/programmer/{id}#{anchor}")
}

/// The table of `kind` (kr. or årsværk): each target's amount, decided, realised,
/// harvested (kr. only) and the distance to each target, for the steering years.
fn figure_table(id: i64, p: &Programme, years: &[&ProgrammeYear], kind: TargetKind) -> FigureTable {
    let is_kr = kind == TargetKind::KrPerYear;
    let anchor = if is_kr { "aar-kr" } else { "aar-aarsvaerk" };
    let href = programme_href(id, anchor);
    let cell = |text: String| Cell {
        text: keep_unit(text),
        href: href.clone(),
    };
    let pick = |kr: Decimal, fte: Decimal| {
        if is_kr {
            format_kr(kr)
        } else {
            format_fte(fte)
        }
    };
    let targets: Vec<usize> = p
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == kind)
        .map(|(i, _)| i)
        .collect();
    let numbered = targets.len() > 1;
    let name = |base: &str, i: usize| {
        if numbered {
            format!("{base} {}", i + 1)
        } else {
            base.to_owned()
        }
    };
    let target_of = |y: &ProgrammeYear, i: usize| y.targets.iter().find(|t| t.target == i).cloned();
    let mut rows = Vec::new();
    for &i in &targets {
        rows.push(FigureRow {
            label: name("Mål", i),
            class: "target",
            cells: years
                .iter()
                .map(|y| {
                    cell(
                        target_of(y, i)
                            .and_then(|t| t.amount)
                            .map(|a| format_target_amount(kind, a))
                            .unwrap_or_else(|| "–".into()),
                    )
                })
                .collect(),
        });
    }
    let figure = |label: &str, class, f: &dyn Fn(&ProgrammeYear) -> String| FigureRow {
        label: label.to_owned(),
        class,
        cells: years.iter().map(|y| cell(f(y))).collect(),
    };
    rows.push(figure("Besluttet", "", &|y| {
        pick(y.figures.decided_kr, y.figures.decided_fte)
    }));
    rows.push(figure("Realiseret", "realised", &|y| {
        pick(y.figures.realised_kr, y.figures.realised_fte)
    }));
    if is_kr {
        rows.push(figure("Hjemtaget", "", &|y| {
            format_kr(y.figures.harvested_kr)
        }));
    }
    for &i in &targets {
        rows.push(FigureRow {
            label: name("Realiseret mod mål", i),
            class: "gap",
            cells: years
                .iter()
                .map(|y| {
                    cell(
                        target_of(y, i)
                            .and_then(|t| t.gap_realised)
                            .map(|g| format_gap(kind, g))
                            .unwrap_or_else(|| "–".into()),
                    )
                })
                .collect(),
        });
    }
    FigureTable {
        id: format!("forside-{id}-{}", if is_kr { "kr" } else { "aarsvaerk" }),
        caption: if is_kr {
            "Årlig gevinst i kr.".into()
        } else {
            "Frigjorte årsværk".into()
        },
        rows,
    }
}

/// The forecast's probabilities in words: each target by its deadline, and its milestone
/// (delmål) in `year` if it has one.
pub(crate) fn chances(f: &Forecast, year: i32) -> Vec<String> {
    let mut out = Vec::new();
    for t in &f.targets {
        if let Some(m) = t.milestones.iter().find(|m| m.year == year) {
            out.push(format!(
                "Delmålet på {} i {}: {}",
                format_target_amount(t.kind, m.amount),
                m.year,
                format_chance(m.probability)
            ));
        }
        out.push(format!(
            "Målet på {} i {}: {}",
            format_target_amount(t.kind, t.amount),
            t.deadline_year,
            format_chance(t.probability)
        ));
    }
    out
}

fn lights(s: &ProgrammeSteering, lists: &TenantLists) -> Vec<LightRow> {
    let p = &s.programme;
    let mut rows: Vec<LightRow> = s
        .overview
        .shares
        .iter()
        .filter_map(|r| {
            let target = p.targets.get(r.target)?;
            let kind = target.kind;
            let (owner, owner_href, decided_href) = match r.owner {
                ShareOwner::Unit(u) => (
                    lists.units.get(u).map(|u| u.name.clone())?,
                    Some(format!("/potentialer?unit={}", u.0)),
                    Some(format!("/potentialer?unit={}&status={DECIDED_FILTER}", u.0)),
                ),
                ShareOwner::Fagomraade(f) => (
                    lists.fagomraade_name(Some(f))?.to_owned(),
                    Some(format!("/potentialer?fagomraade={}", f.0)),
                    Some(format!(
                        "/potentialer?fagomraade={}&status={DECIDED_FILTER}",
                        f.0
                    )),
                ),
            };
            let light = Light::of(r);
            Some(LightRow {
                owner,
                owner_href,
                target: format!(
                    "{} i {}",
                    format_target_amount(kind, target.amount),
                    target.deadline_year
                ),
                share: keep_unit(format_target_amount(kind, r.share)),
                decided: keep_unit(format_target_amount(kind, r.decided)),
                decided_href,
                planned: keep_unit(format_target_amount(kind, r.planned)),
                key: light.key(),
                label: light.label(),
            })
        })
        .collect();
    // Red first: what needs attention leads.
    rows.sort_by_key(|r| match r.key {
        "red" => 0,
        "yellow" => 1,
        _ => 2,
    });
    rows
}

/// A programme for the front page, with figures for this year and each deadline.
pub(crate) fn programme(
    s: &ProgrammeSteering,
    lists: &TenantLists,
    this_year: i32,
    targets: Vec<String>,
) -> ProgrammeView {
    let id = s.id.0;
    let p = &s.programme;
    let wanted = steering_years(p, this_year);
    let years: Vec<&ProgrammeYear> = wanted
        .iter()
        .filter_map(|y| year_of(&s.overview, *y))
        .collect();
    let headers = years
        .iter()
        .map(|y| {
            let deadline = p.targets.iter().any(|t| t.deadline_year == y.year);
            match (y.year == this_year, deadline) {
                (true, true) => format!("{} (i år, frist)", y.year),
                (true, false) => format!("{} (i år)", y.year),
                (false, true) => format!("{} (frist)", y.year),
                (false, false) => y.year.to_string(),
            }
        })
        .collect();
    let tables = [TargetKind::KrPerYear, TargetKind::Aarsvaerk]
        .into_iter()
        .filter(|k| p.targets.iter().any(|t| t.kind == *k) || *k == TargetKind::KrPerYear)
        .map(|k| figure_table(id, p, &years, k))
        .collect();
    let gaps = s
        .overview
        .largest_gaps
        .iter()
        .take(SHOWN)
        .map(|g| GapLine {
            href: format!("/potentialer/{}/gevinstplan", g.potential.0),
            title: g.title.clone(),
            year: g.year,
            gap: keep_unit(format_gap(TargetKind::KrPerYear, g.gap_kr)),
            planned: keep_unit(format_kr(g.planned_kr)),
            realised: keep_unit(format_kr(g.realised_kr)),
        })
        .collect();
    ProgrammeView {
        id,
        name: p.name.clone(),
        period: format!("{}–{}", p.first_year, p.last_year),
        targets,
        years: headers,
        tables,
        chances: s
            .forecast
            .as_ref()
            .map(|f| chances(f, gevinst_domain::programme::steering_year(p, this_year))),
        lights: lights(s, lists),
        gaps,
    }
}

fn potential_line(p: &Potential, text: String) -> Line {
    Line {
        href: format!("/potentialer/{}", p.id.0),
        title: p.title.clone(),
        text,
    }
}

/// The week's changes as three groups.
pub(crate) fn changes(c: &WeekChanges, lists: &TenantLists) -> Vec<ChangeGroup> {
    let new = ChangeGroup {
        id: "nye-potentialer",
        heading: "Nye potentialer".into(),
        href: "/potentialer?sort=created&order=desc".into(),
        count: c.new_potentials.len(),
        lines: c
            .new_potentials
            .iter()
            .take(SHOWN)
            .map(|p| {
                let unit = lists
                    .units
                    .get(p.unit_id)
                    .map(|u| u.name.as_str())
                    .unwrap_or("");
                potential_line(
                    p,
                    format!(
                        "{}, {}, {}",
                        p.status.label(),
                        unit,
                        format_local_date(p.created_at)
                    ),
                )
            })
            .collect(),
    };
    let status = ChangeGroup {
        id: "statusskift",
        heading: "Statusskift".into(),
        href: "/potentialer?sort=updated&order=desc".into(),
        count: c.status_changes.len(),
        lines: c
            .status_changes
            .iter()
            .take(SHOWN)
            .map(|n| Line {
                href: format!("/potentialer/{}", n.item.potential_id.0),
                title: n.title.clone(),
                text: format!(
                    "{} → {}, {}",
                    n.item.from.label(),
                    n.item.to.label(),
                    format_local_date(n.item.at)
                ),
            })
            .collect(),
    };
    let actuals = ChangeGroup {
        id: "nye-maalinger",
        heading: "Nye målinger".into(),
        href: "/aarshjul".into(),
        count: c.new_actuals.len(),
        lines: c
            .new_actuals
            .iter()
            .take(SHOWN)
            .map(|n| {
                let pending =
                    n.item.actual.approval == gevinst_domain::programme::ApprovalState::Pending;
                Line {
                    href: format!(
                        "/potentialer/{}/gevinstplan#maalinger",
                        n.item.potential_id.0
                    ),
                    title: n.title.clone(),
                    text: format!(
                        "{}, registreret {}{}",
                        n.item.actual.period.label(),
                        format_local_date(n.item.recorded_at),
                        if pending {
                            " (afventer godkendelse)"
                        } else {
                            ""
                        }
                    ),
                }
            })
            .collect(),
    };
    vec![new, status, actuals]
}

/// A leder's measurement tasks, oldest first.
pub(crate) fn tasks(reminders: &[Reminder], today: chrono::NaiveDate) -> Vec<Task> {
    reminders
        .iter()
        .map(|r| Task {
            title: r.title.clone(),
            potential_href: format!("/potentialer/{}/gevinstplan", r.potential_id.0),
            label: r.label.clone(),
            period: r.period.label(),
            due: format_date(r.due),
            overdue: r.due < today,
            record_href: crate::pages::programmes::record_href(r.potential_id, r.line, r.period),
        })
        .collect()
}

/// A leder's plans as lines.
pub(crate) fn plans(w: &LederWork) -> Vec<Line> {
    w.plans
        .iter()
        .map(|p| Line {
            href: format!("/potentialer/{}/gevinstplan", p.potential_id.0),
            title: p.title.clone(),
            text: format!(
                "{}; du ejer {} af {} gevinster",
                p.status.label(),
                format_count(p.owned as u64),
                format_count(p.benefits as u64)
            ),
        })
        .collect()
}

/// A leder's units by status: each count links to the list filtered by unit and status.
pub(crate) fn unit_rows(w: &LederWork) -> Vec<UnitRow> {
    w.units
        .iter()
        .map(|u| UnitRow {
            name: u.name.clone(),
            href: format!("/potentialer?unit={}", u.unit.0),
            cells: u
                .by_status
                .iter()
                .map(|(s, n)| Cell {
                    text: format_count(*n),
                    href: format!("/potentialer?status={}&unit={}", s.as_str(), u.unit.0),
                })
                .collect(),
        })
        .collect()
}

/// The statuses as column headers of [`unit_rows`].
pub(crate) fn status_labels() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.label()).collect()
}

/// A digital agent's two lists.
pub(crate) fn agent(w: &AgentWork, lists: &TenantLists) -> (Vec<Line>, Vec<Line>) {
    let unit = |p: &Potential| {
        lists
            .units
            .get(p.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let ideas = w
        .ideas
        .iter()
        .map(|p| {
            potential_line(
                p,
                format!("{}, indsendt {}", unit(p), format_local_date(p.created_at)),
            )
        })
        .collect();
    let without = w
        .without_case
        .iter()
        .map(|p| Line {
            href: format!("/potentialer/{}/business-case", p.id.0),
            title: p.title.clone(),
            text: format!("{}, {}", p.status.label(), unit(p)),
        })
        .collect();
    (ideas, without)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_their_unit() {
        assert_eq!(
            keep_unit("2.000.000 kr. bagud".into()),
            "2.000.000\u{a0}kr. bagud"
        );
        assert_eq!(keep_unit("0,50 årsværk".into()), "0,50\u{a0}årsværk");
    }
}
