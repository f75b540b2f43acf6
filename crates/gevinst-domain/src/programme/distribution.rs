//! Distribution keys (fordelingsnøgler): a target split across units or fagområder.

use super::target::{Target, TargetKind};
use crate::business_case::Percent;
use crate::danish::format_input;
use crate::ids::{FagomraadeId, UnitId};
use crate::validation::FieldErrors;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who carries a share of a target.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ShareOwner {
    /// An organisational unit, typically a forvaltning; its share is carried by the
    /// potentials in its whole subtree.
    Unit(UnitId),
    /// A fagområde.
    Fagomraade(FagomraadeId),
}

/// Whether a key's shares are amounts in the target's unit or percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyBasis {
    /// Explicit amounts that must add up to the target's amount.
    Amounts,
    /// Percentages that must add up to 100.
    Percentages,
}

/// One share of a distribution key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Share {
    /// Who carries it.
    pub owner: ShareOwner,
    /// The amount (in the target's unit) or the percentage, by the key's basis.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub value: Decimal,
}

/// A *fordelingsnøgle*: splits one of the programme's targets across units or
/// fagområder, by amounts or by percentages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistributionKey {
    /// Index of the target in the programme's targets.
    pub target: usize,
    /// Amounts or percentages.
    pub basis: KeyBasis,
    /// The shares; all owners of one kind (all units or all fagområder), no repeats.
    pub shares: Vec<Share>,
}

fn unit_text(kind: TargetKind) -> &'static str {
    kind.unit_label()
}

impl DistributionKey {
    /// The share's amount in the target's unit, exact: the amount itself, or
    /// percentage × target ÷ 100.
    pub fn share_amount(&self, share: &Share, target: &Target) -> Decimal {
        match self.basis {
            KeyBasis::Amounts => share.value,
            KeyBasis::Percentages => match Percent::from_points(share.value) {
                Ok(p) => p.of(target.amount),
                // Only an unchecked key gets here; the formula is the same.
                Err(_) => share.value * target.amount / Decimal::ONE_HUNDRED,
            },
        }
    }

    /// What the shares add up to (amounts or percentages).
    pub fn total(&self) -> Decimal {
        self.shares.iter().map(|s| s.value).sum()
    }

    /// Checks the key against its target; errors carry field paths under `prefix`.
    pub(crate) fn check(&self, target: &Target, prefix: &str, errors: &mut FieldErrors) {
        let shares_field = format!("{prefix}.shares");
        if self.shares.is_empty() {
            errors.add(
                &shares_field,
                "required",
                "Fordelingsnøglen skal have mindst én andel.",
            );
            return;
        }
        let units = self
            .shares
            .iter()
            .filter(|s| matches!(s.owner, ShareOwner::Unit(_)))
            .count();
        if units != 0 && units != self.shares.len() {
            errors.add(
                &shares_field,
                "mixed",
                "En fordelingsnøgle fordeler enten på enheder eller på fagområder, ikke begge.",
            );
        }
        let mut seen = BTreeSet::new();
        for (i, s) in self.shares.iter().enumerate() {
            if !seen.insert(s.owner) {
                errors.add(
                    &format!("{shares_field}[{i}].owner"),
                    "duplicate",
                    "Den samme enhed eller det samme fagområde står to gange.",
                );
            }
            let value_field = format!("{shares_field}[{i}].value");
            if s.value < Decimal::ZERO {
                errors.add(
                    &value_field,
                    "out_of_range",
                    "En andel kan ikke være negativ.",
                );
            } else if self.basis == KeyBasis::Percentages {
                if let Err(e) = Percent::from_points(s.value) {
                    errors.add(&value_field, e.code, e.message);
                }
            }
        }
        if let Some(message) = self.mismatch(target) {
            errors.add(&shares_field, "does_not_add_up", message);
        }
    }

    /// Validates the key against its target on its own (fields `shares…`).
    pub fn validate(&self, target: &Target) -> FieldErrors {
        let mut errors = FieldErrors::new();
        self.check(target, "", &mut errors);
        for e in &mut errors.0 {
            e.field = e.field.trim_start_matches('.').to_owned();
        }
        errors
    }

    /// When the shares do not add up, the Danish message saying by how much, e.g.
    /// "Fordelingen giver 95 %, mangler 5 %." or
    /// "Fordelingen giver 20.500.000 kr., 500.000 kr. for meget."
    pub fn mismatch(&self, target: &Target) -> Option<String> {
        let (want, unit) = match self.basis {
            KeyBasis::Amounts => (target.amount, unit_text(target.kind)),
            KeyBasis::Percentages => (Decimal::ONE_HUNDRED, "%"),
        };
        let total = self.total();
        let diff = want - total;
        if diff.is_zero() {
            return None;
        }
        let got = format!("{} {unit}", format_input(total));
        let mut text = if diff > Decimal::ZERO {
            format!(
                "Fordelingen giver {got}, mangler {} {unit}",
                format_input(diff)
            )
        } else {
            format!(
                "Fordelingen giver {got}, {} {unit} for meget",
                format_input(-diff)
            )
        };
        if !text.ends_with('.') {
            text.push('.');
        }
        Some(text)
    }
}
