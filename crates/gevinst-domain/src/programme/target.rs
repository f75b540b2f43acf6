//! Programmes and their targets, with validation of drafts.

use super::distribution::DistributionKey;
use crate::ids::PotentialId;
use crate::text::{char_len, clean};
use crate::validation::FieldErrors;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Earliest year a programme may start.
pub const MIN_YEAR: i32 = 2000;
/// Latest year a programme may end.
pub const MAX_YEAR: i32 = 2100;
/// Longest programme period in years.
pub const MAX_PROGRAMME_YEARS: i32 = 20;
const MAX_NAME: usize = 200;
const MAX_TARGETS: usize = 20;

/// What a target is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Kr. per year: the programme's annual net gain in the deadline year.
    KrPerYear,
    /// *Årsværk*: full-time equivalents freed in the deadline year.
    Aarsvaerk,
}

impl TargetKind {
    /// Danish unit, e.g. "kr." or "årsværk".
    pub fn unit_label(self) -> &'static str {
        match self {
            TargetKind::KrPerYear => "kr.",
            TargetKind::Aarsvaerk => "årsværk",
        }
    }
}

/// One point on a target's path: the amount to reach in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Calendar year.
    pub year: i32,
    /// Amount in the target's unit.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub amount: Decimal,
}

/// A validated programme target, e.g. 20 mio. kr. a year in 2027.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    /// Kr. per year or årsværk.
    pub kind: TargetKind,
    /// The amount to reach by the deadline (> 0).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub amount: Decimal,
    /// The year in which the amount must be reached; within the programme's period.
    pub deadline_year: i32,
    /// Optional yearly milestones, sorted by year, unique years within the period. They
    /// need not rise year by year.
    pub milestones: Vec<Milestone>,
}

impl Target {
    /// The amount the target asks for in `year`: the milestone for that year if there is
    /// one, else the full amount in and after the deadline year, else nothing.
    pub fn amount_in(&self, year: i32) -> Option<Decimal> {
        if let Some(m) = self.milestones.iter().find(|m| m.year == year) {
            return Some(m.amount);
        }
        (year >= self.deadline_year).then_some(self.amount)
    }
}

/// A validated programme, e.g. "Digitalisering og effektivisering 2024–2027".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Programme {
    /// Name.
    pub name: String,
    /// First calendar year of the period.
    pub first_year: i32,
    /// Last calendar year of the period (inclusive).
    pub last_year: i32,
    /// Targets.
    pub targets: Vec<Target>,
    /// The potentials the programme includes (unique, in the order given).
    pub potentials: Vec<PotentialId>,
    /// Distribution keys (fordelingsnøgler), each for one target.
    pub distribution_keys: Vec<DistributionKey>,
}

impl Programme {
    /// The years of the period, first to last.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    /// Whether the programme includes a potential.
    pub fn includes(&self, id: PotentialId) -> bool {
        self.potentials.contains(&id)
    }
}

/// A target as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetDraft {
    /// Kind.
    pub kind: Option<TargetKind>,
    /// Amount.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub amount: Option<Decimal>,
    /// Deadline year; required.
    pub deadline_year: Option<i32>,
    /// Milestones.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

/// A programme as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeDraft {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// First year.
    pub first_year: Option<i32>,
    /// Last year.
    pub last_year: Option<i32>,
    /// Targets.
    #[serde(default)]
    pub targets: Vec<TargetDraft>,
    /// Included potentials.
    #[serde(default)]
    pub potentials: Vec<PotentialId>,
    /// Distribution keys.
    #[serde(default)]
    pub distribution_keys: Vec<DistributionKey>,
}

fn validate_target(
    t: &TargetDraft,
    prefix: &str,
    period: Option<(i32, i32)>,
    errors: &mut FieldErrors,
) -> Option<Target> {
    let field = |f: &str| format!("{prefix}.{f}");
    let in_period = |y: i32| period.is_none_or(|(a, b)| (a..=b).contains(&y));
    let period_text = period.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default();
    if t.kind.is_none() {
        errors.add(
            &field("kind"),
            "required",
            "Vælg om målet er i kr. pr. år eller i årsværk.",
        );
    }
    match t.amount {
        None => errors.add(&field("amount"), "required", "Angiv målets størrelse."),
        Some(a) if a <= Decimal::ZERO => errors.add(
            &field("amount"),
            "out_of_range",
            "Målet skal være større end 0.",
        ),
        Some(_) => {}
    }
    match t.deadline_year {
        None => errors.add(
            &field("deadline_year"),
            "required",
            "Målet skal have et årstal for, hvornår det skal være nået.",
        ),
        Some(y) if !in_period(y) => errors.add(
            &field("deadline_year"),
            "out_of_range",
            format!("Fristen skal ligge i programmets periode ({period_text})."),
        ),
        Some(_) => {}
    }
    let mut seen = BTreeSet::new();
    for (i, m) in t.milestones.iter().enumerate() {
        let mf = |f: &str| format!("{prefix}.milestones[{i}].{f}");
        if !in_period(m.year) {
            errors.add(
                &mf("year"),
                "out_of_range",
                format!("Delmålets år skal ligge i programmets periode ({period_text})."),
            );
        } else if !seen.insert(m.year) {
            errors.add(
                &mf("year"),
                "duplicate",
                format!("Der er allerede et delmål for {}.", m.year),
            );
        }
        if m.amount < Decimal::ZERO {
            errors.add(
                &mf("amount"),
                "out_of_range",
                "Et delmål kan ikke være negativt.",
            );
        }
    }
    let mut milestones = t.milestones.clone();
    milestones.sort_by_key(|m| m.year);
    Some(Target {
        kind: t.kind?,
        amount: t.amount?,
        deadline_year: t.deadline_year?,
        milestones,
    })
}

impl ProgrammeDraft {
    /// Validates the draft; all problems are reported at once with Danish messages.
    pub fn validate(&self) -> Result<Programme, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = clean(&self.name, false);
        if name.is_empty() {
            errors.add("name", "required", "Programmet skal have et navn.");
        } else if char_len(&name) > MAX_NAME {
            errors.add(
                "name",
                "too_long",
                format!("Navnet må højst være {MAX_NAME} tegn."),
            );
        }
        let year_ok = |y: i32| (MIN_YEAR..=MAX_YEAR).contains(&y);
        for (f, y, what) in [
            ("first_year", self.first_year, "første"),
            ("last_year", self.last_year, "sidste"),
        ] {
            match y {
                None => errors.add(f, "required", format!("Angiv programmets {what} år.")),
                Some(y) if !year_ok(y) => errors.add(
                    f,
                    "out_of_range",
                    format!("Året skal ligge mellem {MIN_YEAR} og {MAX_YEAR}."),
                ),
                Some(_) => {}
            }
        }
        let mut period = None;
        if let (Some(a), Some(b)) = (self.first_year, self.last_year) {
            if year_ok(a) && year_ok(b) {
                if a > b {
                    errors.add(
                        "last_year",
                        "out_of_range",
                        "Sidste år kan ikke ligge før første år.",
                    );
                } else if b - a + 1 > MAX_PROGRAMME_YEARS {
                    errors.add(
                        "last_year",
                        "out_of_range",
                        format!("Perioden må højst være {MAX_PROGRAMME_YEARS} år."),
                    );
                } else {
                    period = Some((a, b));
                }
            }
        }
        if self.targets.len() > MAX_TARGETS {
            errors.add(
                "targets",
                "too_many",
                format!("Højst {MAX_TARGETS} mål pr. program."),
            );
        }
        let targets: Vec<Option<Target>> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| validate_target(t, &format!("targets[{i}]"), period, &mut errors))
            .collect();
        let mut potentials = Vec::with_capacity(self.potentials.len());
        let mut seen = BTreeSet::new();
        for (i, p) in self.potentials.iter().enumerate() {
            if seen.insert(*p) {
                potentials.push(*p);
            } else {
                errors.add(
                    &format!("potentials[{i}]"),
                    "duplicate",
                    "Potentialet er allerede med i programmet.",
                );
            }
        }
        for (i, key) in self.distribution_keys.iter().enumerate() {
            let prefix = format!("distribution_keys[{i}]");
            match targets.get(key.target) {
                Some(Some(t)) => key.check(t, &prefix, &mut errors),
                Some(None) => {}
                None => errors.add(
                    &format!("{prefix}.target"),
                    "unknown",
                    "Fordelingsnøglen henviser til et mål, der ikke findes.",
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Programme {
            name,
            first_year: self.first_year.unwrap_or_default(),
            last_year: self.last_year.unwrap_or_default(),
            targets: targets.into_iter().flatten().collect(),
            potentials,
            distribution_keys: self.distribution_keys.clone(),
        })
    }
}
