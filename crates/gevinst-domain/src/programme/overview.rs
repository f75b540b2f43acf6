//! The programme overview: target, planned, decided, realised and harvested per year.

use super::distribution::ShareOwner;
use super::plan::{annual_gain, realised_in, Actual, AnnualGain};
use super::target::{Programme, TargetKind};
use crate::business_case::{BusinessCase, Economics};
use crate::ids::{FagomraadeId, PotentialId, TechnologyId, UnitId};
use crate::status::Status;
use crate::unit::UnitTree;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many rows [`ProgrammeOverview::largest_gaps`] holds at most.
pub const LARGEST_GAPS: usize = 10;

/// What the overview and the forecast need to know about one potential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammePotential {
    /// Id.
    pub id: PotentialId,
    /// Title, for lists.
    pub title: String,
    /// Current status.
    pub status: Status,
    /// Owning unit.
    pub unit_id: UnitId,
    /// Fagområde.
    pub fagomraade_id: Option<FagomraadeId>,
    /// Technology type.
    pub technology_id: Option<TechnologyId>,
    /// Its business case, if it has one.
    pub case: Option<BusinessCase>,
    /// Its recorded actuals.
    pub actuals: Vec<Actual>,
}

/// Whether a status counts as planned: every status but afvist and parkeret.
pub fn counts_as_planned(s: Status) -> bool {
    !matches!(s, Status::Afvist | Status::Parkeret)
}

/// Whether a status counts as decided: besluttet or later.
pub fn counts_as_decided(s: Status) -> bool {
    matches!(
        s,
        Status::Besluttet | Status::IImplementering | Status::IDrift | Status::GevinstRealiseret
    )
}

/// Planned, decided, realised and harvested figures (kr. rounded to øre, årsværk to 2
/// decimals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Annual gain of all planned potentials, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub planned_kr: Decimal,
    /// Årsværk of all planned potentials.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub planned_fte: Decimal,
    /// Annual gain of decided potentials, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub decided_kr: Decimal,
    /// Årsværk of decided potentials.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub decided_fte: Decimal,
    /// Realised (Realiseret): the measured gain of the year: the recorded actuals
    /// (freed time and årsværk at the tenant's rates, direct savings) minus the
    /// invisible work measured and minus the year's planned drift. Actuals awaiting
    /// approval do not count. May be negative.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub realised_kr: Decimal,
    /// Realised årsværk.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub realised_fte: Decimal,
    /// Harvested (Hjemtaget): kr. actually removed from a budget, with a budget
    /// reference and a date. Recorded apart from the realised gain, without drift or
    /// invisible work subtracted, so it can exceed the realised gain.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub harvested_kr: Decimal,
    /// Freed, not harvested (Frigjort, ikke hjemtaget): realised − harvested, a gain
    /// (typically freed time) reinvested in quality instead of removed from the
    /// budget.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub not_harvested_kr: Decimal,
    /// Realised kr. of flagged actuals *afventer godkendelse* (awaiting a second person's
    /// approval); not part of realised or harvested until approved.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub pending_kr: Decimal,
}

impl Figures {
    fn add(&mut self, status: Status, cell: &PotentialYear) {
        let plan = cell.plan;
        self.pending_kr += cell.pending_kr;
        if counts_as_planned(status) {
            self.planned_kr += plan.kr;
            self.planned_fte += plan.fte;
        }
        if counts_as_decided(status) {
            self.decided_kr += plan.kr;
            self.decided_fte += plan.fte;
        }
        if let Some((kr, fte, harvested, _)) = cell.real {
            self.realised_kr += kr;
            self.realised_fte += fte;
            self.harvested_kr += harvested;
        }
    }

    fn rounded(mut self) -> Figures {
        self.not_harvested_kr = self.realised_kr - self.harvested_kr;
        for v in [
            &mut self.planned_kr,
            &mut self.decided_kr,
            &mut self.realised_kr,
            &mut self.harvested_kr,
            &mut self.not_harvested_kr,
            &mut self.pending_kr,
            &mut self.planned_fte,
            &mut self.decided_fte,
            &mut self.realised_fte,
        ] {
            *v = round2(*v);
        }
        self
    }
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Planned gain of the potentials in one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusAmount {
    /// Status.
    pub status: Status,
    /// Annual gain, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub kr: Decimal,
    /// Årsværk.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub fte: Decimal,
}

/// One target in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct YearTarget {
    /// Index of the target in the programme.
    pub target: usize,
    /// Kind.
    pub kind: TargetKind,
    /// The amount asked for this year (milestone, or the target from its deadline on).
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub amount: Option<Decimal>,
    /// Amount − realised (kr. or årsværk by kind); positive means behind.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub gap_realised: Option<Decimal>,
    /// Amount − decided; positive means the decided cases do not cover the target.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub gap_decided: Option<Decimal>,
}

/// One programme year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProgrammeYear {
    /// Calendar year.
    pub year: i32,
    /// The figures.
    pub figures: Figures,
    /// Planned gain by status (every status present among the included potentials,
    /// afvist and parkeret included).
    pub planned_by_status: Vec<StatusAmount>,
    /// Each target's amount and gaps this year.
    pub targets: Vec<YearTarget>,
    /// Planned invisible work of decided potentials, hours.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_planned_hours: Decimal,
    /// Planned invisible work of the potentials that reported actuals this year, hours.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_planned_measured_hours: Decimal,
    /// Actual invisible work reported, hours.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_actual_hours: Decimal,
}

/// What a breakdown row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakdownKey {
    /// A unit (the potential's own unit).
    Unit(UnitId),
    /// A fagområde, or none.
    Fagomraade(Option<FagomraadeId>),
    /// A technology type, or none.
    Technology(Option<TechnologyId>),
}

/// One row of a breakdown: figures per programme year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BreakdownRow {
    /// The unit, fagområde or technology.
    pub key: BreakdownKey,
    /// Figures per programme year.
    pub years: Vec<(i32, Figures)>,
}

/// A gap between plan and realisation for one potential in one year with actuals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Gap {
    /// Potential.
    pub potential: PotentialId,
    /// Its title.
    pub title: String,
    /// Year.
    pub year: i32,
    /// Planned annual gain, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub planned_kr: Decimal,
    /// Realised annual gain, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub realised_kr: Decimal,
    /// Planned − realised, kr.; positive means behind plan.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub gap_kr: Decimal,
}

/// A distribution-key share against what its owner contributes in the target's deadline
/// year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShareReport {
    /// Index of the key in the programme.
    pub key: usize,
    /// Target index.
    pub target: usize,
    /// Owner.
    pub owner: ShareOwner,
    /// The share in the target's unit.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub share: Decimal,
    /// Planned contribution in the deadline year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub planned: Decimal,
    /// Decided contribution in the deadline year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub decided: Decimal,
    /// Realised contribution in the deadline year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub realised: Decimal,
    /// Share − decided; positive means the owner's decided cases fall short.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub gap_decided: Decimal,
}

/// The programme overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProgrammeOverview {
    /// Per programme year.
    pub years: Vec<ProgrammeYear>,
    /// By unit.
    pub by_unit: Vec<BreakdownRow>,
    /// By fagområde.
    pub by_fagomraade: Vec<BreakdownRow>,
    /// By technology type.
    pub by_technology: Vec<BreakdownRow>,
    /// The largest shortfalls of realisation against plan, largest first.
    pub largest_gaps: Vec<Gap>,
    /// Every distribution-key share against its contribution.
    pub shares: Vec<ShareReport>,
}

/// One potential's plan and realisation in one year, unrounded.
pub(crate) struct PotentialYear {
    pub(crate) plan: AnnualGain,
    /// (kr., årsværk, harvested, invisible hours) when there are actuals that year.
    pub(crate) real: Option<(Decimal, Decimal, Decimal, Decimal)>,
    /// Realised kr. of actuals awaiting approval.
    pub(crate) pending_kr: Decimal,
}

/// The realised net gain subtracts the case's planned drift for the year, since drift is
/// not measured.
pub(crate) fn potential_year(p: &ProgrammePotential, econ: &Economics, year: i32) -> PotentialYear {
    let plan = p
        .case
        .as_ref()
        .map(|c| annual_gain(c, econ, year))
        .unwrap_or_default();
    let r = realised_in(&p.actuals, econ, year);
    PotentialYear {
        plan,
        real: r.any.then_some((
            r.gain_kr - plan.drift,
            r.gain_fte,
            r.harvested,
            r.invisible_hours,
        )),
        pending_kr: r.pending_kr,
    }
}

/// Builds the overview. Only potentials the programme includes are counted.
pub fn overview(
    programme: &Programme,
    potentials: &[ProgrammePotential],
    econ: &Economics,
    units: &UnitTree,
) -> ProgrammeOverview {
    let included: Vec<&ProgrammePotential> = potentials
        .iter()
        .filter(|p| programme.includes(p.id))
        .collect();
    let years: Vec<i32> = programme.years().collect();
    // cells[i][y] for potential i and year index y.
    let cells: Vec<Vec<PotentialYear>> = included
        .iter()
        .map(|p| years.iter().map(|y| potential_year(p, econ, *y)).collect())
        .collect();

    let mut out_years = Vec::with_capacity(years.len());
    for (yi, year) in years.iter().enumerate() {
        let mut fig = Figures::default();
        let mut by_status: BTreeMap<Status, (Decimal, Decimal)> = BTreeMap::new();
        let (mut inv_plan, mut inv_measured, mut inv_actual) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for (p, c) in included.iter().zip(&cells) {
            let cell = &c[yi];
            fig.add(p.status, cell);
            let e = by_status.entry(p.status).or_default();
            e.0 += cell.plan.kr;
            e.1 += cell.plan.fte;
            if counts_as_decided(p.status) {
                inv_plan += cell.plan.invisible_hours;
            }
            if let Some((_, _, _, inv)) = cell.real {
                inv_measured += cell.plan.invisible_hours;
                inv_actual += inv;
            }
        }
        let fig = fig.rounded();
        let targets = programme
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let amount = t.amount_in(*year);
                let (real, decided) = match t.kind {
                    TargetKind::KrPerYear => (fig.realised_kr, fig.decided_kr),
                    TargetKind::Aarsvaerk => (fig.realised_fte, fig.decided_fte),
                };
                YearTarget {
                    target: i,
                    kind: t.kind,
                    amount,
                    gap_realised: amount.map(|a| a - real),
                    gap_decided: amount.map(|a| a - decided),
                }
            })
            .collect();
        out_years.push(ProgrammeYear {
            year: *year,
            figures: fig,
            planned_by_status: by_status
                .into_iter()
                .map(|(status, (kr, fte))| StatusAmount {
                    status,
                    kr: round2(kr),
                    fte: round2(fte),
                })
                .collect(),
            targets,
            invisible_planned_hours: round2(inv_plan),
            invisible_planned_measured_hours: round2(inv_measured),
            invisible_actual_hours: round2(inv_actual),
        });
    }

    let breakdown = |key: &dyn Fn(&ProgrammePotential) -> BreakdownKey| {
        let mut rows: BTreeMap<BreakdownKey, Vec<Figures>> = BTreeMap::new();
        for (p, c) in included.iter().zip(&cells) {
            let row = rows
                .entry(key(p))
                .or_insert_with(|| vec![Figures::default(); years.len()]);
            for (f, cell) in row.iter_mut().zip(c) {
                f.add(p.status, cell);
            }
        }
        rows.into_iter()
            .map(|(key, figs)| BreakdownRow {
                key,
                years: years
                    .iter()
                    .copied()
                    .zip(figs.into_iter().map(Figures::rounded))
                    .collect(),
            })
            .collect::<Vec<_>>()
    };
    let by_unit = breakdown(&|p| BreakdownKey::Unit(p.unit_id));
    let by_fagomraade = breakdown(&|p| BreakdownKey::Fagomraade(p.fagomraade_id));
    let by_technology = breakdown(&|p| BreakdownKey::Technology(p.technology_id));

    let mut gaps: Vec<Gap> = Vec::new();
    for (p, c) in included.iter().zip(&cells) {
        for (year, cell) in years.iter().zip(c) {
            if let Some((kr, ..)) = cell.real {
                gaps.push(Gap {
                    potential: p.id,
                    title: p.title.clone(),
                    year: *year,
                    planned_kr: round2(cell.plan.kr),
                    realised_kr: round2(kr),
                    gap_kr: round2(cell.plan.kr - kr),
                });
            }
        }
    }
    gaps.sort_by(|a, b| {
        b.gap_kr
            .cmp(&a.gap_kr)
            .then(a.year.cmp(&b.year))
            .then(a.potential.cmp(&b.potential))
    });
    gaps.retain(|g| g.gap_kr > Decimal::ZERO);
    gaps.truncate(LARGEST_GAPS);

    let mut shares = Vec::new();
    for (ki, key) in programme.distribution_keys.iter().enumerate() {
        let Some(target) = programme.targets.get(key.target) else {
            continue;
        };
        let yi = years.iter().position(|y| *y == target.deadline_year);
        for share in &key.shares {
            let mut fig = Figures::default();
            if let Some(yi) = yi {
                let subtree = match share.owner {
                    ShareOwner::Unit(u) => Some(units.subtree(u)),
                    ShareOwner::Fagomraade(_) => None,
                };
                for (p, c) in included.iter().zip(&cells) {
                    let belongs = match share.owner {
                        ShareOwner::Unit(u) => subtree
                            .as_ref()
                            .is_some_and(|s| s.contains(&p.unit_id) || p.unit_id == u),
                        ShareOwner::Fagomraade(f) => p.fagomraade_id == Some(f),
                    };
                    if belongs {
                        fig.add(p.status, &c[yi]);
                    }
                }
            }
            let fig = fig.rounded();
            let (planned, decided, realised) = match target.kind {
                TargetKind::KrPerYear => (fig.planned_kr, fig.decided_kr, fig.realised_kr),
                TargetKind::Aarsvaerk => (fig.planned_fte, fig.decided_fte, fig.realised_fte),
            };
            let amount = key.share_amount(share, target);
            shares.push(ShareReport {
                key: ki,
                target: key.target,
                owner: share.owner,
                share: amount,
                planned,
                decided,
                realised,
                gap_decided: amount - decided,
            });
        }
    }

    ProgrammeOverview {
        years: out_years,
        by_unit,
        by_fagomraade,
        by_technology,
        largest_gaps: gaps,
        shares,
    }
}
