//! The steering parts of the programme page: the target-vs-actual chart, the traffic
//! lights per forvaltning, the pivots (unit × year) and the roadmap. All figures come
//! from the overview and are formatted here; the template only places them.

use super::overview::{gap_cell, Cell};
use super::{amount, kr};
use crate::charts::{self, TargetYear};
use gevinst_app::potentials::TenantLists;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{format_count, to_f64};
use gevinst_domain::programme::{
    BreakdownKey, BreakdownRow, Figures, Light as DomainLight, Programme, ProgrammeOverview,
    RoadmapItem, ShareOwner, TargetKind,
};
use gevinst_domain::Status;

/// The opening chart and its data table rows (year, target, decided, realised).
pub(crate) struct TargetChart {
    pub svg: String,
    pub rows: Vec<[String; 4]>,
}

/// The chart of the programme's first kr. target against decided and realised.
pub(crate) fn target_chart(p: &Programme, o: &ProgrammeOverview) -> TargetChart {
    let first = p
        .targets
        .iter()
        .position(|t| t.kind == TargetKind::KrPerYear);
    let target_in = |y: &gevinst_domain::programme::ProgrammeYear| {
        first.and_then(|i| {
            y.targets
                .iter()
                .find(|t| t.target == i)
                .and_then(|t| t.amount)
        })
    };
    let years: Vec<TargetYear> = o
        .years
        .iter()
        .map(|y| TargetYear {
            year: y.year,
            target: target_in(y).map(to_f64),
            decided: to_f64(y.figures.decided_kr),
            realised: to_f64(y.figures.realised_kr),
        })
        .collect();
    let rows = o
        .years
        .iter()
        .map(|y| {
            [
                y.year.to_string(),
                target_in(y).map_or_else(|| "–".to_owned(), kr),
                kr(y.figures.decided_kr),
                kr(y.figures.realised_kr),
            ]
        })
        .collect();
    TargetChart {
        svg: charts::target_chart(
            "maal-og-realiseret",
            "Mål, besluttet og realiseret pr. år",
            &years,
        ),
        rows,
    }
}

/// One traffic light: a forvaltning (or fagområde) against its share of a target. The
/// colour and its word come from [`gevinst_domain::programme::Light`], the one rule the
/// front page uses too; `_light.html` shows them the same way on both pages.
pub(crate) struct Light {
    pub owner: String,
    pub target: String,
    pub share: String,
    pub decided: String,
    pub planned: String,
    pub realised: String,
    /// `green`, `yellow` or `red`.
    pub key: &'static str,
    /// The light in words, so colour is never the only signal.
    pub label: &'static str,
    pub gap: Cell,
}

/// A traffic light per distribution-key share (per forvaltning against its share of
/// the fordelingsnøgle), judged by [`DomainLight::of`] in the target's deadline year.
pub(crate) fn traffic_lights(
    p: &Programme,
    o: &ProgrammeOverview,
    lists: &TenantLists,
) -> Vec<Light> {
    o.shares
        .iter()
        .filter_map(|s| {
            let t = p.targets.get(s.target)?;
            let owner = match s.owner {
                ShareOwner::Unit(u) => lists.units.get(u).map(|u| u.name.clone()),
                ShareOwner::Fagomraade(f) => lists.fagomraade_name(Some(f)).map(str::to_owned),
            }
            .unwrap_or_else(|| "Ukendt".into());
            let light = DomainLight::of(s);
            Some(Light {
                owner,
                target: format!("{} i {}", amount(t.kind, t.amount), t.deadline_year),
                share: amount(t.kind, s.share),
                decided: amount(t.kind, s.decided),
                planned: amount(t.kind, s.planned),
                realised: amount(t.kind, s.realised),
                key: light.key(),
                label: light.label(),
                gap: gap_cell(t.kind, Some(s.gap_decided)),
            })
        })
        .collect()
}

/// The figure a pivot shows, chosen with `?vis=` on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    Planned,
    Decided,
    Realised,
    Harvested,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::Realised,
        Measure::Decided,
        Measure::Planned,
        Measure::Harvested,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Measure::Planned => "planlagt",
            Measure::Decided => "besluttet",
            Measure::Realised => "realiseret",
            Measure::Harvested => "hjemtaget",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Planned => "Planlagt",
            Measure::Decided => "Besluttet",
            Measure::Realised => "Realiseret",
            Measure::Harvested => "Hjemtaget",
        }
    }

    /// The measure named by `?vis=`, realised by default.
    pub fn parse(raw: Option<&str>) -> Measure {
        Measure::ALL
            .into_iter()
            .find(|m| Some(m.key()) == raw)
            .unwrap_or(Measure::Realised)
    }

    fn of(self, f: &Figures) -> Decimal {
        match self {
            Measure::Planned => f.planned_kr,
            Measure::Decided => f.decided_kr,
            Measure::Realised => f.realised_kr,
            Measure::Harvested => f.harvested_kr,
        }
    }
}

/// A pivot: one row per unit (fagområde, technology), one column per year, kr.
pub(crate) struct Pivot {
    pub id: &'static str,
    pub title: &'static str,
    pub first_col: &'static str,
    pub rows: Vec<(String, Vec<String>)>,
    /// The programme's figure per year: the same number as the year table.
    pub totals: Vec<String>,
}

/// The name of a breakdown row's unit, fagområde or technology.
pub(crate) fn key_name(key: BreakdownKey, lists: &TenantLists) -> String {
    match key {
        BreakdownKey::Unit(u) => lists
            .units
            .get(u)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "Ukendt enhed".into()),
        BreakdownKey::Fagomraade(f) => lists
            .fagomraade_name(f)
            .unwrap_or("Intet fagområde")
            .to_owned(),
        BreakdownKey::Technology(t) => lists
            .technology_name(t)
            .unwrap_or("Ingen teknologitype")
            .to_owned(),
    }
}

/// Builds a pivot of `rows` for `measure`, with the programme's totals per year.
pub(crate) fn pivot(
    (id, title, first_col): (&'static str, &'static str, &'static str),
    rows: &[BreakdownRow],
    o: &ProgrammeOverview,
    measure: Measure,
    lists: &TenantLists,
) -> Pivot {
    let mut out: Vec<(String, Vec<String>)> = rows
        .iter()
        .map(|r| {
            let cells = o
                .years
                .iter()
                .map(|y| {
                    r.years
                        .iter()
                        .find(|(year, _)| *year == y.year)
                        .map_or(Decimal::ZERO, |(_, f)| measure.of(f))
                })
                .map(kr)
                .collect();
            (key_name(r.key, lists), cells)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Pivot {
        id,
        title,
        first_col,
        rows: out,
        totals: o.years.iter().map(|y| kr(measure.of(&y.figures))).collect(),
    }
}

/// The roadmap: per status (rows, lifecycle order) and implementation year (columns),
/// the potentials as links.
pub(crate) struct Roadmap {
    pub years: Vec<String>,
    pub rows: Vec<RoadmapRow>,
}

pub(crate) struct RoadmapRow {
    pub status: &'static str,
    pub status_key: &'static str,
    /// Per year: the number and the potentials (id, title).
    pub cells: Vec<(String, Vec<(i64, String)>)>,
}

pub(crate) fn roadmap(items: &[RoadmapItem]) -> Roadmap {
    let mut years: Vec<Option<i32>> = items.iter().map(|i| i.year).collect();
    years.sort_by_key(|y| (y.is_none(), *y));
    years.dedup();
    let rows = Status::ALL
        .iter()
        .filter(|s| items.iter().any(|i| i.status == **s))
        .map(|s| RoadmapRow {
            status: s.label(),
            status_key: s.as_str(),
            cells: years
                .iter()
                .map(|y| {
                    let these: Vec<(i64, String)> = items
                        .iter()
                        .filter(|i| i.status == *s && i.year == *y)
                        .map(|i| (i.id.0, i.title.clone()))
                        .collect();
                    (format_count(these.len() as u32), these)
                })
                .collect(),
        })
        .collect();
    Roadmap {
        years: years
            .iter()
            .map(|y| y.map_or_else(|| "Uden business case".to_owned(), |y| y.to_string()))
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The programme page's lights follow the domain's one rule: green when decided
    /// covers the share, yellow when only the plan does, red below the plan; 80 % decided
    /// is no colour of its own.
    #[test]
    fn lights_turn_at_the_share_and_at_80_percent() {
        use gevinst_domain::programme::{ShareReport, Target};
        use gevinst_domain::UnitId;
        let d = |units: i64, scale: u32| Decimal::new(units, scale);
        let programme = Programme {
            name: "P".into(),
            first_year: 2025,
            last_year: 2027,
            targets: vec![Target {
                kind: TargetKind::KrPerYear,
                amount: d(400, 0),
                deadline_year: 2027,
                milestones: vec![],
            }],
            potentials: vec![],
            distribution_keys: vec![],
        };
        let share = |unit, planned, decided| ShareReport {
            key: 0,
            target: 0,
            owner: ShareOwner::Unit(UnitId(unit)),
            share: d(100, 0),
            planned,
            decided,
            realised: Decimal::ZERO,
            gap_decided: d(100, 0) - decided,
        };
        let overview = ProgrammeOverview {
            years: vec![],
            by_unit: vec![],
            by_fagomraade: vec![],
            by_technology: vec![],
            largest_gaps: vec![],
            shares: vec![
                share(1, d(100, 0), d(100, 0)),
                share(2, d(100, 0), d(80, 0)),
                share(3, d(9999, 2), d(80, 0)),
                share(4, d(150, 0), d(7999, 2)),
            ],
        };
        let lights = traffic_lights(
            &programme,
            &overview,
            &TenantLists {
                units: gevinst_domain::UnitTree::new(vec![]),
                fagomraader: vec![],
                technologies: vec![],
                users: vec![],
            },
        );
        let keys: Vec<&str> = lights.iter().map(|l| l.key).collect();
        assert_eq!(keys, ["green", "yellow", "red", "yellow"]);
        for l in &lights {
            let light = DomainLight::ALL
                .into_iter()
                .find(|x| x.key() == l.key)
                .expect("a domain light");
            assert_eq!(l.label, light.label(), "the front page's words");
        }
    }

    #[test]
    fn the_measure_defaults_to_realised() {
        assert_eq!(Measure::parse(Some("besluttet")), Measure::Decided);
        assert_eq!(Measure::parse(Some("x")), Measure::Realised);
        assert_eq!(Measure::parse(None), Measure::Realised);
    }
}
