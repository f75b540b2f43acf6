//! The tenant's economic settings as an admin sends them, and their validation.
//!
//! [`EconomicsDraft`] is the raw form (exact decimals, every field optional so that a missing
//! value becomes a field error rather than a rejection); [`EconomicsDraft::validate`] turns
//! it into a checked [`Economics`] or reports every problem at once with Danish messages.

use super::model::{within_limit, ChannelCosts, Economics, MAX_ABS_AMOUNT};
use super::values::DiscountRate;
use crate::validation::FieldErrors;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};

/// Most working hours an årsværk can have: every hour of a (non-leap) year.
pub const MAX_HOURS_PER_FTE: u32 = 8_760;
/// Fewest working hours an årsværk can have (a Danish full-time year is about 1,924).
pub const MIN_HOURS_PER_FTE: u32 = 100;
/// Least annual cost of an årsværk, kr.
pub const MIN_ANNUAL_COST_PER_FTE: u32 = 10_000;
/// Largest annual cost of an årsværk, kr.
pub const MAX_ANNUAL_COST_PER_FTE: u32 = 10_000_000;
/// Largest hourly rate override, kr.
pub const MAX_HOURLY_RATE: u32 = 10_000;
/// Largest cost of one enquiry in a channel, kr.
pub const MAX_CHANNEL_COST: u32 = 10_000;

/// Channel costs as sent by a client, kr. per enquiry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelCostsDraft {
    /// Digital self-service.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub digital: Option<Decimal>,
    /// Telephone.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub telephone: Option<Decimal>,
    /// In person.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub in_person: Option<Decimal>,
    /// Written.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub written: Option<Decimal>,
}

/// The tenant's economic settings as sent by a client; amounts are decimal strings or JSON numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EconomicsDraft {
    /// Annual cost of one årsværk, kr. (> 0).
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub annual_cost_per_fte: Option<Decimal>,
    /// Working hours in one årsværk (> 0, at most 8,760).
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub hours_per_fte: Option<Decimal>,
    /// An hourly rate overriding annual cost ÷ hours (> 0), or none.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub hourly_rate_override: Option<Decimal>,
    /// Yearly discount rate, 0–0.25 (e.g. 0.035 for 3.5 %).
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub discount_rate: Option<Decimal>,
    /// Cost per enquiry in each channel (≥ 0).
    #[serde(default)]
    pub channel_costs: ChannelCostsDraft,
}

impl From<&Economics> for EconomicsDraft {
    /// The draft that validates back to `econ` (for pre-filling a form).
    fn from(econ: &Economics) -> Self {
        let c = &econ.channel_costs;
        EconomicsDraft {
            annual_cost_per_fte: Some(econ.annual_cost_per_fte),
            hours_per_fte: Some(econ.hours_per_fte),
            hourly_rate_override: econ.hourly_rate_override,
            discount_rate: Some(econ.discount_rate),
            channel_costs: ChannelCostsDraft {
                digital: Some(c.digital),
                telephone: Some(c.telephone),
                in_person: Some(c.in_person),
                written: Some(c.written),
            },
        }
    }
}

/// A required number: present and at most 10^13 in absolute value.
fn required(e: &mut FieldErrors, field: &str, v: Option<Decimal>) -> Option<Decimal> {
    match v {
        None => {
            e.add(field, "required", "Feltet skal udfyldes.");
            None
        }
        Some(x) => within_limit(e, field, x, MAX_ABS_AMOUNT),
    }
}

/// Adds `message` when `d` lies outside `low..=high` (or is `low` itself when the low end
/// is exclusive).
fn bounded(
    e: &mut FieldErrors,
    field: &str,
    d: Option<Decimal>,
    (low, low_inclusive): (Decimal, bool),
    high: u32,
    message: &str,
) {
    let Some(d) = d else { return };
    let too_low = if low_inclusive { d < low } else { d <= low };
    if too_low || d > Decimal::from(high) {
        e.add(field, "out_of_range", message);
    }
}

impl EconomicsDraft {
    /// Validates the settings against plausible bounds, so that no valuation can leave
    /// `Decimal`'s range:
    /// - annual cost per årsværk 10,000–10,000,000 kr.,
    /// - hours per årsværk 100–8,760,
    /// - hourly rate override > 0 and ≤ 10,000 kr. when given,
    /// - discount rate 0–0.25,
    /// - channel costs 0–10,000 kr.
    ///
    /// Field paths are as in the JSON, e.g. `channel_costs.telephone`.
    pub fn validate(&self) -> Result<Economics, FieldErrors> {
        let mut e = FieldErrors::new();
        let annual = required(&mut e, "annual_cost_per_fte", self.annual_cost_per_fte);
        bounded(
            &mut e,
            "annual_cost_per_fte",
            annual,
            (Decimal::from(MIN_ANNUAL_COST_PER_FTE), true),
            MAX_ANNUAL_COST_PER_FTE,
            "Årsværksprisen skal være mellem 10.000 og 10.000.000 kr.",
        );
        let hours = required(&mut e, "hours_per_fte", self.hours_per_fte);
        bounded(
            &mut e,
            "hours_per_fte",
            hours,
            (Decimal::from(MIN_HOURS_PER_FTE), true),
            MAX_HOURS_PER_FTE,
            "Timer pr. årsværk skal være mellem 100 og 8.760 (årets timer).",
        );
        let hourly = self
            .hourly_rate_override
            .and_then(|x| within_limit(&mut e, "hourly_rate_override", x, MAX_ABS_AMOUNT));
        bounded(
            &mut e,
            "hourly_rate_override",
            hourly,
            (Decimal::ZERO, false),
            MAX_HOURLY_RATE,
            "Timeprisen skal være større end 0 og højst 10.000 kr. \
             (eller tom for årsværkspris ÷ timer).",
        );
        let rate = match self.discount_rate {
            None => {
                e.add("discount_rate", "required", "Feltet skal udfyldes.");
                None
            }
            Some(r) => DiscountRate::parse(r.normalize())
                .map_err(|err| e.add("discount_rate", err.code, err.message))
                .ok(),
        };
        let c = &self.channel_costs;
        let mut channel = |name: &str, v: Option<Decimal>| {
            let field = format!("channel_costs.{name}");
            let d = required(&mut e, &field, v);
            if d.is_some_and(|d| d < Decimal::ZERO) {
                e.add(
                    &field,
                    "negative",
                    "Prisen pr. henvendelse kan ikke være negativ.",
                );
            } else if d.is_some_and(|d| d > Decimal::from(MAX_CHANNEL_COST)) {
                e.add(
                    &field,
                    "out_of_range",
                    "Prisen pr. henvendelse kan højst være 10.000 kr.",
                );
            }
            d
        };
        let digital = channel("digital", c.digital);
        let telephone = channel("telephone", c.telephone);
        let in_person = channel("in_person", c.in_person);
        let written = channel("written", c.written);
        if !e.is_empty() {
            return Err(e);
        }
        match (annual, hours, rate, digital, telephone, in_person, written) {
            (
                Some(annual_cost_per_fte),
                Some(hours_per_fte),
                Some(discount_rate),
                Some(digital),
                Some(telephone),
                Some(in_person),
                Some(written),
            ) => Ok(Economics {
                annual_cost_per_fte,
                hours_per_fte,
                hourly_rate_override: hourly,
                discount_rate: discount_rate.get(),
                channel_costs: ChannelCosts {
                    digital,
                    telephone,
                    in_person,
                    written,
                },
            }),
            // Unreachable: every missing value above added an error.
            _ => Err(FieldErrors::single(
                "annual_cost_per_fte",
                "invalid",
                "Indstillingerne kan ikke bruges.",
            )),
        }
    }
}

impl Economics {
    /// Checks stored settings against the bounds of [`EconomicsDraft::validate`]. Settings
    /// saved before those bounds existed may lie outside them, and then hours, årsværk and
    /// enquiries valued with them can leave `Decimal`'s range; a calculation that values
    /// them asks here first and reports the settings instead of saturating.
    pub fn check_bounds(&self) -> Result<(), FieldErrors> {
        EconomicsDraft::from(self).validate().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn fields(r: Result<Economics, FieldErrors>) -> Vec<(String, String)> {
        match r {
            Ok(v) => panic!("expected errors, got {v:?}"),
            Err(e) => e.0.into_iter().map(|f| (f.field, f.code)).collect(),
        }
    }

    #[test]
    fn defaults_round_trip_through_a_draft() {
        let d = EconomicsDraft::from(&Economics::default());
        assert_eq!(d.validate(), Ok(Economics::default()));
        let custom = Economics {
            hourly_rate_override: Some(dec!(312.5)),
            discount_rate: dec!(0.1),
            channel_costs: ChannelCosts {
                written: dec!(0),
                ..ChannelCosts::default()
            },
            ..Economics::default()
        };
        assert_eq!(EconomicsDraft::from(&custom).validate(), Ok(custom));
    }

    #[test]
    fn empty_draft_reports_every_required_field() {
        let f = fields(EconomicsDraft::default().validate());
        let names: Vec<&str> = f.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "annual_cost_per_fte",
                "hours_per_fte",
                "discount_rate",
                "channel_costs.digital",
                "channel_costs.telephone",
                "channel_costs.in_person",
                "channel_costs.written",
            ]
        );
        assert!(f.iter().all(|(_, c)| c == "required"));
    }

    #[test]
    fn bad_values_are_field_errors() {
        let mut d = EconomicsDraft::from(&Economics::default());
        d.annual_cost_per_fte = Some(dec!(0));
        d.hours_per_fte = Some(dec!(8_761));
        d.hourly_rate_override = Some(dec!(-1));
        d.discount_rate = Some(dec!(0.26));
        d.channel_costs.telephone = Some(dec!(-0.01));
        d.channel_costs.written = Some(dec!(10000.01));
        d.channel_costs.digital = Some(dec!(1e14));
        assert_eq!(
            fields(d.validate()),
            [
                ("annual_cost_per_fte".into(), "out_of_range".into()),
                ("hours_per_fte".into(), "out_of_range".into()),
                ("hourly_rate_override".into(), "out_of_range".into()),
                ("discount_rate".into(), "out_of_range".into()),
                ("channel_costs.digital".into(), "out_of_range".into()),
                ("channel_costs.telephone".into(), "negative".into()),
                ("channel_costs.written".into(), "out_of_range".into()),
            ]
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let mut d = EconomicsDraft::from(&Economics::default());
        d.hours_per_fte = Some(dec!(8_760));
        d.discount_rate = Some(dec!(0.25));
        d.annual_cost_per_fte = Some(dec!(1e7));
        d.channel_costs.digital = Some(dec!(0));
        let v = d.validate().unwrap();
        assert_eq!(v.hours_per_fte, dec!(8760));
        assert_eq!(v.discount_rate, dec!(0.25));
        assert_eq!(v.annual_cost_per_fte, dec!(10000000));
        d.discount_rate = Some(dec!(0));
        assert_eq!(d.validate().unwrap().discount_rate, Decimal::ZERO);
        d.hours_per_fte = Some(dec!(-5));
        assert_eq!(
            fields(d.validate()),
            [("hours_per_fte".into(), "out_of_range".into())]
        );
    }

    #[test]
    fn stored_settings_outside_the_bounds_are_reported() {
        assert_eq!(Economics::default().check_bounds(), Ok(()));
        let tiny_year = Economics {
            hours_per_fte: dec!(0.000000001),
            ..Economics::default()
        };
        assert_eq!(
            fields(tiny_year.check_bounds().map(|()| Economics::default())),
            [("hours_per_fte".into(), "out_of_range".into())]
        );
    }

    #[test]
    fn json_rejects_unknown_fields_and_reads_numbers() {
        let d: EconomicsDraft = serde_json::from_str(
            r#"{"annual_cost_per_fte": 600000, "hours_per_fte": 1924, "discount_rate": 0.035,
                "channel_costs": {"digital": 5, "telephone": 50, "in_person": 100, "written": 120}}"#,
        )
        .unwrap();
        assert_eq!(d.validate().unwrap().annual_cost_per_fte, dec!(600000));
        assert!(serde_json::from_str::<EconomicsDraft>(r#"{"annual_cost": 1}"#).is_err());
    }
}
