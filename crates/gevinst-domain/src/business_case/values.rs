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
//!
//! [`Percent`] is the share of a whole, 0–100 %: a risk's probability, a status
//! probability, a distribution-key share.
//!
//! ```
//! use gevinst_domain::business_case::Percent;
//! use rust_decimal_macros::dec;
//! let p: Percent = "12,5 %".parse().unwrap();
//! assert_eq!(p.fraction(), dec!(0.125));
//! assert_eq!(p.to_string(), "12,5 %");
//! assert!(Percent::from_fraction(dec!(1.01)).is_err());
//! ```

use crate::danish::{format_input, parse_number};
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused: a stable code and a Danish message for the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// A stable code, e.g. `out_of_range`.
    pub code: &'static str,
    /// The Danish message shown next to the field.
    pub message: &'static str,
}

/// `value` when it lies in 0–`max`, else `out_of_range` with `message`. -0 becomes 0; every
/// other value keeps the scale it was typed with.
fn zero_to(value: Decimal, max: Decimal, message: &'static str) -> Result<Decimal, ValueError> {
    if value.is_sign_negative() && !value.is_zero() || value > max {
        return Err(ValueError {
            code: "out_of_range",
            message,
        });
    }
    Ok(if value.is_zero() {
        Decimal::ZERO
    } else {
        value
    })
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
        zero_to(
            rate,
            Self::MAX,
            "Diskonteringsrenten skal være mellem 0 og 0,25 (0-25 %).",
        )
        .map(DiscountRate)
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

/// A share of a whole, 0–100 %, exact as it was typed: a probability, a distribution-key
/// share.
///
/// It is held as a fraction (0.125 is 12,5 %), the form the calculations use;
/// [`Percent::from_points`] reads percentage points (12.5 is 12,5 %), as forms and
/// distribution keys write them. Serialised as a decimal-string fraction like the other
/// amounts; deserialising checks the range. `Display` and `FromStr` are Danish
/// ("12,5 %") and exact, so a displayed percent parses back to itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percent(Decimal);

/// The message for a share outside 0–100 %.
const PERCENT_RANGE: &str = "Procentsatsen skal ligge mellem 0 og 100 %.";

impl Percent {
    /// 0 %.
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// 100 %.
    pub const ALL: Percent = Percent(Decimal::ONE);

    /// A fraction 0–1 (0.125 for 12,5 %).
    pub fn from_fraction(fraction: Decimal) -> Result<Percent, ValueError> {
        zero_to(fraction, Decimal::ONE, PERCENT_RANGE).map(Percent)
    }

    /// Percentage points 0–100 (12.5 for 12,5 %); dividing by 100 is exact.
    pub fn from_points(points: Decimal) -> Result<Percent, ValueError> {
        let fraction = points.checked_div(Decimal::ONE_HUNDRED).ok_or(ValueError {
            code: "out_of_range",
            message: PERCENT_RANGE,
        })?;
        Percent::from_fraction(fraction)
    }

    /// The share as a fraction (0.125 for 12,5 %).
    pub fn fraction(self) -> Decimal {
        self.0
    }

    /// The share in percentage points (12.5 for 12,5 %).
    pub fn points(self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }

    /// This share of `whole`, exact.
    pub fn of(self, whole: Decimal) -> Decimal {
        whole * self.0
    }
}

impl fmt::Display for Percent {
    /// Danish, with the decimals it has: "12,5 %", "100 %".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", format_input(self.points()))
    }
}

impl FromStr for Percent {
    type Err = ValueError;

    /// Reads percentage points the Danish way, with or without a `%`: "12,5 %", "12,5",
    /// "100%". Then checks the range.
    fn from_str(text: &str) -> Result<Percent, ValueError> {
        let body = text.trim();
        let body = body.strip_suffix('%').unwrap_or(body);
        let points = parse_number(body).map_err(|_| ValueError {
            code: "invalid",
            message: "Skriv en procentsats, f.eks. 12,5 %.",
        })?;
        Percent::from_points(points)
    }
}

impl TryFrom<Decimal> for Percent {
    type Error = &'static str;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Percent::from_fraction(d).map_err(|e| e.message)
    }
}

impl From<Percent> for Decimal {
    fn from(p: Percent) -> Decimal {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn percent_limits_are_inclusive_and_exact() {
        assert_eq!(Percent::from_fraction(dec!(0)).unwrap(), Percent::ZERO);
        assert_eq!(Percent::from_fraction(dec!(1)).unwrap(), Percent::ALL);
        assert_eq!(Percent::from_points(dec!(100)).unwrap(), Percent::ALL);
        assert_eq!(
            Percent::from_fraction(dec!(-0))
                .unwrap()
                .fraction()
                .to_string(),
            "0"
        );
        for bad in [dec!(-0.0001), dec!(1.0001), dec!(100)] {
            assert_eq!(
                Percent::from_fraction(bad).unwrap_err().code,
                "out_of_range"
            );
        }
        for bad in [dec!(-0.01), dec!(100.01), Decimal::MAX, Decimal::MIN] {
            assert_eq!(
                Percent::from_points(bad).unwrap_err().message,
                PERCENT_RANGE
            );
        }
        let p = Percent::from_points(dec!(33.3)).unwrap();
        assert_eq!(p.fraction(), dec!(0.333));
        assert_eq!(p.of(dec!(20000000)), dec!(6660000));
    }

    #[test]
    fn percent_text_is_danish() {
        assert_eq!(
            Percent::from_fraction(dec!(0.125)).unwrap().to_string(),
            "12,5 %"
        );
        assert_eq!(Percent::ALL.to_string(), "100 %");
        assert_eq!(Percent::ZERO.to_string(), "0 %");
        let p = |t: &str| t.parse::<Percent>().map(Percent::fraction);
        assert_eq!(p("12,5 %"), Ok(dec!(0.125)));
        assert_eq!(p(" 100% "), Ok(dec!(1)));
        assert_eq!(p("7"), Ok(dec!(0.07)));
        assert_eq!(p("abc").unwrap_err().code, "invalid");
        assert_eq!(p("101 %").unwrap_err().code, "out_of_range");
        assert_eq!(p("-1").unwrap_err().code, "out_of_range");
    }

    #[test]
    fn percent_serde_is_a_checked_decimal_fraction() {
        let p = Percent::from_fraction(dec!(0.35)).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"0.35\"");
        assert_eq!(serde_json::from_str::<Percent>("\"0.35\"").unwrap(), p);
        assert_eq!(serde_json::from_str::<Percent>("0.35").unwrap(), p);
        assert!(serde_json::from_str::<Percent>("\"1.5\"").is_err());
        assert!(serde_json::from_str::<Percent>("-0.1").is_err());
    }

    proptest! {
        #[test]
        fn percent_display_parses_back(units in -2_000_000_000i64..2_000_000_000, scale in 0u32..8) {
            let points = Decimal::new(units, scale);
            let made = Percent::from_points(points);
            prop_assert_eq!(made.is_ok(), points >= Decimal::ZERO && points <= dec!(100));
            if let Ok(p) = made {
                prop_assert_eq!(p.to_string().parse::<Percent>(), Ok(p));
                prop_assert_eq!(p.points(), points);
                let json = serde_json::to_string(&p).unwrap();
                prop_assert_eq!(serde_json::from_str::<Percent>(&json).unwrap(), p);
            }
        }

        #[test]
        fn discount_rate_and_start_year_bounds(rate_units in -100_000i64..400_000, year in 1900i32..2200) {
            let rate = Decimal::new(rate_units, 6);
            let expected = rate >= Decimal::ZERO && rate <= DiscountRate::MAX;
            prop_assert_eq!(DiscountRate::parse(rate).is_ok(), expected);
            prop_assert_eq!(StartYear::parse(year).is_ok(), (2000..=2100).contains(&year));
        }
    }

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
