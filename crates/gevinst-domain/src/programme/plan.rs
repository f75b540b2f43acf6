//! Benefit plans derived from business cases, measurement due dates, and actuals.

use super::approval::{ApprovalReason, ApprovalState};
use super::period::Period;
use crate::business_case::{line_values, ore, BusinessCase, Economics, LineKind};
use crate::ids::{PotentialId, UserId};
use crate::text::clean;
use crate::validation::FieldErrors;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How often a benefit is measured.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementFrequency {
    /// Once a year, due on 31 December.
    #[default]
    Yearly,
    /// Every quarter, due on the quarter's last day.
    Quarterly,
}

/// The measurement periods of `first_year..=last_year` with their due dates (the period's
/// last day), in order.
pub fn measurement_due_dates(
    first_year: i32,
    last_year: i32,
    frequency: MeasurementFrequency,
) -> Vec<(Period, NaiveDate)> {
    let mut out = Vec::new();
    for y in first_year..=last_year {
        let periods: Vec<Period> = match frequency {
            MeasurementFrequency::Yearly => Period::of_year(y).into_iter().collect(),
            MeasurementFrequency::Quarterly => (1..=4)
                .filter_map(|q| Period::of_quarter(y, q).ok())
                .collect(),
        };
        out.extend(periods.into_iter().map(|p| (p, p.end())));
    }
    out
}

/// One year of a benefit's target, derived from the business case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BenefitYear {
    /// Calendar year.
    pub year: i32,
    /// The target in the line's own unit (kr., timer, årsværk or henvendelser).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub amount: Decimal,
    /// The target valued in kr. with the tenant's economics, rounded to øre (half away
    /// from zero).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub kr: Decimal,
}

/// A *gevinst*: one benefit line of a business case, with who owns it and how it is
/// measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Benefit {
    /// Index of the line in the business case; actuals refer to it.
    pub line: usize,
    /// Kind of the line (a benefit kind).
    pub kind: LineKind,
    /// The line's label.
    pub label: String,
    /// Whether the budget can be reduced (hjemtagbar).
    pub hjemtagbar: bool,
    /// The benefit owner (gevinstejer), a line manager.
    pub owner: Option<UserId>,
    /// The KPI, e.g. "Sagsbehandlingstid pr. ansøgning".
    pub kpi: String,
    /// How it is measured, e.g. "Udtræk fra fagsystemet hvert kvartal".
    pub measurement_method: String,
    /// The baseline value of the KPI, in its own unit, when known.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub baseline: Option<Decimal>,
    /// What the baseline is and when it was measured.
    pub baseline_note: String,
    /// The target per calendar year, derived from the case.
    pub targets: Vec<BenefitYear>,
}

/// A *gevinstrealiseringsplan* for one potential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BenefitPlan {
    /// The potential.
    pub potential: PotentialId,
    /// First year of the plan (the case's start year).
    pub first_year: i32,
    /// Last year of the plan (the case's last year).
    pub last_year: i32,
    /// How often benefits are measured.
    pub frequency: MeasurementFrequency,
    /// One benefit per benefit line of the case.
    pub benefits: Vec<Benefit>,
    /// The version of the business case the years and targets were derived from, if
    /// known. When the case has a newer version, the plan may no longer follow it (see
    /// [`BenefitPlan::follow_case`]).
    #[serde(default)]
    pub based_on_case_version: Option<i64>,
}

/// Derives a benefit plan from a business case: one [`Benefit`] per benefit line, with
/// yearly targets from the line's amounts and values. The case is only read; owner, KPI,
/// method and baseline start empty for the user to fill in.
pub fn derive_plan(
    potential: PotentialId,
    case: &BusinessCase,
    econ: &Economics,
    frequency: MeasurementFrequency,
) -> BenefitPlan {
    let h = case.horizon as usize;
    let benefits = case
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind.is_benefit())
        .map(|(i, line)| {
            let values = line_values(line, econ);
            let targets = (0..h)
                .map(|t| BenefitYear {
                    year: case.start_year + t as i32,
                    amount: line.amounts.get(t).copied().unwrap_or_default(),
                    kr: ore(values.get(t).copied().unwrap_or_default()),
                })
                .collect();
            Benefit {
                line: i,
                kind: line.kind,
                label: line.label.clone(),
                hjemtagbar: line.hjemtagbar,
                owner: None,
                kpi: format!("{} ({})", line.kind.label(), line.kind.unit_label()),
                measurement_method: String::new(),
                baseline: None,
                baseline_note: String::new(),
                targets,
            }
        })
        .collect();
    BenefitPlan {
        potential,
        first_year: case.start_year,
        last_year: case.start_year + h.saturating_sub(1) as i32,
        frequency,
        benefits,
        based_on_case_version: None,
    }
}

impl BenefitPlan {
    /// The plan re-derived from an edited business case, keeping what people wrote.
    ///
    /// Years, yearly targets, kinds, labels and line numbers come from [`derive_plan`] on
    /// `case`. Each new benefit keeps the owner, KPI, measurement method and baseline of
    /// the old benefit it continues: the one with the same kind and label, or else the one
    /// on the same line with the same kind. The frequency is kept. Old benefits that match
    /// nothing are dropped (their actuals stay recorded).
    pub fn follow_case(&self, case: &BusinessCase, econ: &Economics) -> BenefitPlan {
        let mut next = derive_plan(self.potential, case, econ, self.frequency);
        next.based_on_case_version = self.based_on_case_version;
        for b in &mut next.benefits {
            if let Some(o) = self.continued_by(b) {
                b.owner = o.owner;
                b.kpi = o.kpi.clone();
                b.measurement_method = o.measurement_method.clone();
                b.baseline = o.baseline;
                b.baseline_note = o.baseline_note.clone();
            }
        }
        next
    }

    /// The benefit of this plan that `b` continues: the one with the same kind and label,
    /// or else the one on the same line with the same kind.
    pub fn continued_by(&self, b: &Benefit) -> Option<&Benefit> {
        self.benefits
            .iter()
            .find(|o| o.kind == b.kind && o.label == b.label)
            .or_else(|| {
                self.benefits
                    .iter()
                    .find(|o| o.line == b.line && o.kind == b.kind)
            })
    }

    /// Whether the plan's years, lines and yearly targets are still those of `case`, i.e.
    /// [`BenefitPlan::follow_case`] would change nothing.
    pub fn follows_case(&self, case: &BusinessCase, econ: &Economics) -> bool {
        &self.follow_case(case, econ) == self
    }

    /// Whether `year` lies within the plan.
    pub fn covers(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    /// The measurement periods and their due dates.
    pub fn due_dates(&self) -> Vec<(Period, NaiveDate)> {
        measurement_due_dates(self.first_year, self.last_year, self.frequency)
    }

    /// Checks that the plan is complete enough to follow up: every benefit has an owner,
    /// a KPI and a measurement method.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for (i, b) in self.benefits.iter().enumerate() {
            if b.owner.is_none() {
                errors.add(
                    &format!("benefits[{i}].owner"),
                    "required",
                    "Gevinsten skal have en gevinstejer.",
                );
            }
            if clean(&b.kpi, false).is_empty() {
                errors.add(
                    &format!("benefits[{i}].kpi"),
                    "required",
                    "Angiv hvilken KPI gevinsten måles på.",
                );
            }
            if clean(&b.measurement_method, true).is_empty() {
                errors.add(
                    &format!("benefits[{i}].measurement_method"),
                    "required",
                    "Angiv hvordan gevinsten måles.",
                );
            }
        }
        errors
    }

    /// Measurements that are due on or before `today` and not yet recorded, for the
    /// owners' and the programme leader's overview (årshjul): (benefit line, period, due).
    pub fn overdue(&self, actuals: &[Actual], today: NaiveDate) -> Vec<(usize, Period, NaiveDate)> {
        let mut out = Vec::new();
        for (period, due) in self.due_dates() {
            if due > today {
                continue;
            }
            for b in &self.benefits {
                let recorded = actuals.iter().any(|a| {
                    a.approval != ApprovalState::Rejected
                        && a.line == b.line
                        && (a.period == period || a.period == period.whole_year())
                });
                if !recorded {
                    out.push((b.line, period, due));
                }
            }
        }
        out
    }
}

/// A validated actual (*realiseret gevinst*) for one benefit and period.
///
/// Freed time (hours, årsværk) and realised kr. are what the benefit delivered; *hjemtaget*
/// is the money actually removed from a budget. Time freed but reinvested in quality is
/// the realised value minus the harvested amount, never mixed into the harvest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Actual {
    /// The benefit's line index in the business case.
    pub line: usize,
    /// The period measured.
    pub period: Period,
    /// Hours freed in the period.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub hours: Decimal,
    /// Kr. saved in the period (direct savings, channel shift in kr.).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub kr: Decimal,
    /// Årsværk freed in the period.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub fte: Decimal,
    /// Invisible work actually spent in the period, hours.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_hours: Decimal,
    /// *Hjemtaget*: kr. actually removed from the budget (≥ 0).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub harvested: Decimal,
    /// The budget reference of the harvest, e.g. "Budget 2026, ramme 3.22".
    pub budget_reference: String,
    /// When the harvest was decided; required when something was harvested.
    pub harvested_on: Option<NaiveDate>,
    /// Free text, e.g. an explanation of a deviation.
    pub note: String,
    /// Where the actual stands in the four-eyes approval; only
    /// [`ApprovalState::counts_as_realised`] actuals count (see [`super::approval`]).
    #[serde(default)]
    pub approval: ApprovalState,
    /// Why it was flagged when recorded (empty for an ordinary actual).
    #[serde(default)]
    pub approval_reasons: Vec<ApprovalReason>,
}

impl Actual {
    /// The realised gain in kr.: kr. + hours and årsværk at the tenant's rates − invisible
    /// work at the hourly rate.
    pub fn gain_kr(&self, econ: &Economics) -> Decimal {
        let rate = econ.hourly_rate();
        self.kr + self.hours * rate + self.fte * econ.annual_cost_per_fte
            - self.invisible_hours * rate
    }

    /// The realised årsværk: hours ÷ hours per årsværk + årsværk − invisible hours ÷ hours
    /// per årsværk.
    pub fn gain_fte(&self, econ: &Economics) -> Decimal {
        let per_hour = if econ.hours_per_fte.is_zero() {
            Decimal::ZERO
        } else {
            (self.hours - self.invisible_hours) / econ.hours_per_fte
        };
        per_hour + self.fte
    }
}

/// The message when an actual names no period.
const PERIOD_REQUIRED: &str = "Vælg perioden for målingen.";

/// An actual as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualDraft {
    /// The benefit's line index.
    pub line: Option<usize>,
    /// The period.
    pub period: Option<Period>,
    /// Hours freed.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub hours: Option<Decimal>,
    /// Kr. saved.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub kr: Option<Decimal>,
    /// Årsværk freed.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub fte: Option<Decimal>,
    /// Invisible work, hours.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub invisible_hours: Option<Decimal>,
    /// Harvested kr.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub harvested: Option<Decimal>,
    /// Budget reference.
    #[serde(default)]
    pub budget_reference: String,
    /// Harvest date.
    pub harvested_on: Option<NaiveDate>,
    /// Note.
    #[serde(default)]
    pub note: String,
}

impl ActualDraft {
    /// Validates the draft against the plan it belongs to.
    pub fn validate(&self, plan: &BenefitPlan) -> Result<Actual, FieldErrors> {
        let mut errors = FieldErrors::new();
        match self.line {
            None => errors.add("line", "required", "Vælg hvilken gevinst målingen gælder."),
            Some(l) if !plan.benefits.iter().any(|b| b.line == l) => errors.add(
                "line",
                "unknown",
                "Gevinsten findes ikke i gevinstrealiseringsplanen.",
            ),
            Some(_) => {}
        }
        match self.period {
            None => errors.add("period", "required", PERIOD_REQUIRED),
            Some(p) if !plan.covers(p.year()) => errors.add(
                "period",
                "outside_plan",
                format!(
                    "Perioden {} ligger uden for planens år ({}-{}).",
                    p.label(),
                    plan.first_year,
                    plan.last_year
                ),
            ),
            Some(_) => {}
        }
        let z = |d: Option<Decimal>| d.unwrap_or_default();
        if z(self.invisible_hours) < Decimal::ZERO {
            errors.add(
                "invisible_hours",
                "out_of_range",
                "Usynligt arbejde kan ikke være negativt.",
            );
        }
        let harvested = z(self.harvested);
        if harvested < Decimal::ZERO {
            errors.add(
                "harvested",
                "out_of_range",
                "Det hjemtagne beløb kan ikke være negativt.",
            );
        }
        let budget_reference = clean(&self.budget_reference, false);
        if harvested > Decimal::ZERO {
            if self.harvested_on.is_none() {
                errors.add(
                    "harvested_on",
                    "required",
                    "Angiv datoen for hjemtagningen.",
                );
            }
            if budget_reference.is_empty() {
                errors.add(
                    "budget_reference",
                    "required",
                    "Angiv hvilket budget beløbet er hjemtaget fra.",
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Actual {
            line: self.line.unwrap_or_default(),
            period: self
                .period
                .ok_or_else(|| FieldErrors::single("period", "required", PERIOD_REQUIRED))?,
            hours: z(self.hours),
            kr: z(self.kr),
            fte: z(self.fte),
            invisible_hours: z(self.invisible_hours),
            harvested,
            budget_reference,
            harvested_on: self.harvested_on,
            note: clean(&self.note, true),
            approval: ApprovalState::NotRequired,
            approval_reasons: Vec::new(),
        })
    }
}

/// A potential's planned gain in one calendar year, from its business case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnnualGain {
    /// Net recurring gain, kr.: benefits − drift − invisible work (investering excluded).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub kr: Decimal,
    /// Årsværk freed: freed hours ÷ hours per årsværk + freed årsværk − invisible hours ÷
    /// hours per årsværk.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub fte: Decimal,
    /// Drift in kr. (a cost, positive).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub drift: Decimal,
    /// Invisible work, hours.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_hours: Decimal,
}

/// The planned annual gain of a case in calendar `year` (zero outside its horizon),
/// unrounded. Matches [`crate::business_case::Evaluation::full_effect`] and
/// `fte_freed_final_year` for the case's final year.
pub fn annual_gain(case: &BusinessCase, econ: &Economics, year: i32) -> AnnualGain {
    let mut g = AnnualGain::default();
    let t = year - case.start_year;
    if t < 0 || t >= case.horizon as i32 {
        return g;
    }
    let t = t as usize;
    for line in &case.lines {
        let amount = line.amounts.get(t).copied().unwrap_or_default();
        let value = line_values(line, econ).get(t).copied().unwrap_or_default();
        let hours_fte = if econ.hours_per_fte.is_zero() {
            Decimal::ZERO
        } else {
            amount / econ.hours_per_fte
        };
        match line.kind {
            LineKind::Investering => {}
            LineKind::Drift => {
                g.kr -= value;
                g.drift += value;
            }
            LineKind::UsynligtArbejde => {
                g.kr -= value;
                g.fte -= hours_fte;
                g.invisible_hours += amount;
            }
            LineKind::FrigjorteTimer => {
                g.kr += value;
                g.fte += hours_fte;
            }
            LineKind::FrigjorteAarsvaerk => {
                g.kr += value;
                g.fte += amount;
            }
            LineKind::DirekteBesparelse | LineKind::Kanalomlaegning => g.kr += value,
        }
    }
    g
}

/// A potential's realised figures in one calendar year, from its actuals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Realised {
    pub(crate) gain_kr: Decimal,
    pub(crate) gain_fte: Decimal,
    pub(crate) harvested: Decimal,
    pub(crate) invisible_hours: Decimal,
    pub(crate) any: bool,
    /// Realised kr. of actuals awaiting approval (not in the figures above).
    pub(crate) pending_kr: Decimal,
}

/// Sums a potential's actuals in `year` that count as realised
/// ([`ApprovalState::counts_as_realised`]); the gain of pending ones goes to `pending_kr`.
/// Per benefit line, a whole-year actual takes precedence over quarterly ones for the same
/// year (so nothing is counted twice).
pub(crate) fn realised_in(all: &[Actual], econ: &Economics, year: i32) -> Realised {
    let mut r = Realised::default();
    let in_year = |a: &&Actual| a.period.year() == year;
    for a in all.iter().filter(in_year) {
        if a.approval == ApprovalState::Pending {
            r.pending_kr += a.gain_kr(econ);
        }
    }
    let actuals: Vec<&Actual> = all
        .iter()
        .filter(in_year)
        .filter(|a| a.approval.counts_as_realised())
        .collect();
    for a in actuals.iter().copied() {
        if a.period.is_quarter()
            && actuals
                .iter()
                .any(|b| b.line == a.line && b.period == a.period.whole_year())
        {
            continue;
        }
        r.any = true;
        r.gain_kr += a.gain_kr(econ);
        r.gain_fte += a.gain_fte(econ);
        r.harvested += a.harvested;
        r.invisible_hours += a.invisible_hours;
    }
    r
}
