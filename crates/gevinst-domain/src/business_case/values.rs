//! Validated values of a business case: each is parsed once, where it enters the domain,
//! and carries its rule from then on.
//!
//! ```
//! use gevinst_domain::business_case::{DiscountRate, StartYear};
//! use rust_decimal_macros::dec;
//! let rate = DiscountRate::parse(dec!(0.035)).unwrap();
//! assert_eq!(rate.get(), dec!(0.035));
//! assert!(DiscountRate::parse(dec!(0.26)).is_err());
//! assert!(StartYear::parse(1999).is_err());
//! ```

use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};

/// Why a value was refused: a stable code and a Danish message for the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// A stable code, e.g. `out_of_range`.
    pub code: &'static str,
    /// The Danish message shown next to the field.
    pub message: &'static str,
}

/// A yearly discount rate, 0–0.25 (0.035 is 3.5 %), exact as the user typed it.
///
/// Serialised as a decimal string like the other amounts; deserialising checks the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct DiscountRate(Decimal);

impl DiscountRate {
    /// The largest rate allowed: 25 %.
    pub const MAX: Decimal = Decimal::from_parts(25, 0, 0, false, 2);

    /// Checks the range 0–0.25.
    pub fn parse(rate: Decimal) -> Result<DiscountRate, ValueError> {
        if rate.is_sign_negative() && !rate.is_zero() || rate > Self::MAX {
            return Err(ValueError {
                code: "out_of_range",
                message: "Diskonteringsrenten skal være mellem 0 og 0,25 (0-25 %).",
            });
        }
        // -0 is 0; every other value keeps the scale it was typed with.
        Ok(DiscountRate(if rate.is_zero() {
            Decimal::ZERO
        } else {
            rate
        }))
    }

    /// The rate as a fraction (0.035 for 3.5 %).
    pub fn get(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for DiscountRate {
    type Error = &'static str;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        DiscountRate::parse(d).map_err(|e| e.message)
    }
}

impl From<DiscountRate> for Decimal {
    fn from(r: DiscountRate) -> Decimal {
        r.0
    }
}

/// The calendar start year of a business case, 2000–2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct StartYear(i32);

impl StartYear {
    /// The first year allowed.
    pub const MIN: i32 = 2000;
    /// The last year allowed.
    pub const MAX: i32 = 2100;

    /// Checks the range 2000–2100.
    pub fn parse(year: i32) -> Result<StartYear, ValueError> {
        if (Self::MIN..=Self::MAX).contains(&year) {
            Ok(StartYear(year))
        } else {
            Err(ValueError {
                code: "out_of_range",
                message: "Startåret skal ligge mellem 2000 og 2100.",
            })
        }
    }

    /// The year.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for StartYear {
    type Error = &'static str;
    fn try_from(y: i32) -> Result<Self, Self::Error> {
        StartYear::parse(y).map_err(|e| e.message)
    }
}

impl From<StartYear> for i32 {
    fn from(y: StartYear) -> i32 {
        y.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn discount_rate_limits_are_inclusive_and_exact() {
        assert_eq!(DiscountRate::parse(dec!(0)).unwrap().get(), dec!(0));
        assert_eq!(DiscountRate::parse(dec!(0.25)).unwrap().get(), dec!(0.25));
        assert_eq!(
            DiscountRate::parse(dec!(-0)).unwrap().get().to_string(),
            "0"
        );
        for bad in [dec!(-0.0001), dec!(0.2501), dec!(1)] {
            assert_eq!(DiscountRate::parse(bad).unwrap_err().code, "out_of_range");
        }
    }

    #[test]
    fn discount_rate_serde_is_a_checked_decimal_string() {
        let r = DiscountRate::parse(dec!(0.035)).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"0.035\"");
        assert_eq!(
            serde_json::from_str::<DiscountRate>("\"0.035\"").unwrap(),
            r
        );
        assert!(serde_json::from_str::<DiscountRate>("\"0.3\"").is_err());
    }

    #[test]
    fn start_year_range() {
        assert_eq!(StartYear::parse(2000).unwrap().get(), 2000);
        assert_eq!(StartYear::parse(2100).unwrap().get(), 2100);
        assert!(StartYear::parse(1999).is_err() && StartYear::parse(2101).is_err());
        assert!(serde_json::from_str::<StartYear>("1999").is_err());
        assert_eq!(
            serde_json::to_string(&StartYear::parse(2025).unwrap()).unwrap(),
            "2025"
        );
    }
}
