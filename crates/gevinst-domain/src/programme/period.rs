//! [`Period`]: a measurement period, validated where it enters (a form, a JSON body, a
//! stored actual) and carrying its rule from then on.
//!
//! ```
//! use gevinst_domain::programme::Period;
//! let q = Period::of_quarter(2026, 2).unwrap();
//! assert_eq!(q.to_string(), "2. kvartal 2026");
//! assert_eq!("2026-K2".parse::<Period>(), Ok(q));
//! assert!(Period::of_quarter(2026, 5).is_err() && Period::of_year(1999).is_err());
//! ```

use super::target::{MAX_YEAR, MIN_YEAR};
use crate::business_case::ValueError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A measurement period: a whole calendar year or one of its quarters, in 2000–2100.
///
/// In JSON it is `{"year": 2026}` or `{"quarter": [2026, 2]}`, as before it was checked;
/// deserialising refuses a year outside 2000–2100 or a quarter outside 1–4. Periods order
/// as they always have: every quarter before every whole year, each by year and quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "PeriodJson", into = "PeriodJson")]
pub struct Period(PeriodJson);

/// The JSON form of a [`Period`], unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PeriodJson {
    /// A quarter: (year, 1–4).
    Quarter(i32, u8),
    /// A whole calendar year.
    Year(i32),
}

/// The message for a year outside the range.
const YEAR_MESSAGE: &str = "Perioden skal ligge mellem år 2000 og 2100.";
/// The message for a quarter outside 1–4.
const QUARTER_MESSAGE: &str = "Kvartalet skal være 1-4.";
/// The message for text that is no period.
const UNREADABLE_MESSAGE: &str =
    "Skriv perioden som et årstal (2026) eller et kvartal (2026-K2 eller 2. kvartal 2026).";

impl Period {
    /// A whole calendar year, 2000–2100.
    pub fn of_year(year: i32) -> Result<Period, ValueError> {
        check_year(year)?;
        Ok(Period(PeriodJson::Year(year)))
    }

    /// A quarter 1–4 of a year 2000–2100.
    pub fn of_quarter(year: i32, quarter: u8) -> Result<Period, ValueError> {
        check_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err(ValueError {
                code: "out_of_range",
                message: QUARTER_MESSAGE,
            });
        }
        Ok(Period(PeriodJson::Quarter(year, quarter)))
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        match self.0 {
            PeriodJson::Quarter(y, _) | PeriodJson::Year(y) => y,
        }
    }

    /// The quarter 1–4, or `None` for a whole year.
    pub fn quarter_number(self) -> Option<u8> {
        match self.0 {
            PeriodJson::Quarter(_, q) => Some(q),
            PeriodJson::Year(_) => None,
        }
    }

    /// Whether the period is a quarter rather than a whole year.
    pub fn is_quarter(self) -> bool {
        self.quarter_number().is_some()
    }

    /// The whole year the period lies in (itself for a year).
    pub fn whole_year(self) -> Period {
        Period(PeriodJson::Year(self.year()))
    }

    /// The last day of the period.
    pub fn end(self) -> NaiveDate {
        let (m, d) = match self.0 {
            PeriodJson::Year(_) => (12, 31),
            PeriodJson::Quarter(_, q) => [(3, 31), (6, 30), (9, 30), (12, 31)][usize::from(q - 1)],
        };
        // Every checked period has a last day; the fallback is never taken.
        NaiveDate::from_ymd_opt(self.year(), m, d).unwrap_or(NaiveDate::MAX)
    }

    /// The short form a form field or a query parameter takes: `"2026"` or `"2026-K2"`
    /// (read back by `FromStr`).
    pub fn short(self) -> String {
        match self.0 {
            PeriodJson::Year(y) => y.to_string(),
            PeriodJson::Quarter(y, q) => format!("{y}-K{q}"),
        }
    }

    /// Danish label: "2025" or "2. kvartal 2025" (the same as its `Display`).
    pub fn label(self) -> String {
        self.to_string()
    }
}

fn check_year(year: i32) -> Result<(), ValueError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(ValueError {
            code: "out_of_range",
            message: YEAR_MESSAGE,
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PeriodJson::Year(y) => write!(f, "{y}"),
            PeriodJson::Quarter(y, q) => write!(f, "{q}. kvartal {y}"),
        }
    }
}

impl FromStr for Period {
    type Err = ValueError;

    /// Reads `2026`, `2026-K2`, `K2 2026`, `2026 k2` or `2. kvartal 2026` (case and
    /// spaces do not matter); the year and quarter are then checked.
    fn from_str(raw: &str) -> Result<Period, ValueError> {
        let unreadable = ValueError {
            code: "invalid",
            message: UNREADABLE_MESSAGE,
        };
        let t: String = raw
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) {
            return Period::of_year(t.parse().map_err(|_| unreadable.clone())?);
        }
        let digits: Vec<char> = t.chars().filter(|c| c.is_ascii_digit()).collect();
        if !t.contains('k') || digits.len() != 5 {
            return Err(unreadable);
        }
        let (year, quarter): (String, char) = if t.chars().take(4).all(|c| c.is_ascii_digit()) {
            (digits[..4].iter().collect(), digits[4])
        } else {
            (digits[1..].iter().collect(), digits[0])
        };
        let year = year.parse().map_err(|_| unreadable.clone())?;
        let quarter = quarter.to_digit(10).map_or(0, |q| q as u8);
        Period::of_quarter(year, quarter)
    }
}

impl TryFrom<PeriodJson> for Period {
    type Error = &'static str;
    fn try_from(p: PeriodJson) -> Result<Self, Self::Error> {
        match p {
            PeriodJson::Year(y) => Period::of_year(y),
            PeriodJson::Quarter(y, q) => Period::of_quarter(y, q),
        }
        .map_err(|e| e.message)
    }
}

impl From<Period> for PeriodJson {
    fn from(p: Period) -> PeriodJson {
        p.0
    }
}

impl utoipa::PartialSchema for Period {
    /// `{"year": 2026}` or `{"quarter": [2026, 2]}`; the web crate's API document states
    /// the ranges exactly.
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <PeriodJson as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Period {}

impl utoipa::PartialSchema for PeriodJson {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        let variant = |name: &str, ty: Type| {
            ObjectBuilder::new()
                .property(name, ObjectBuilder::new().schema_type(ty))
                .required(name)
        };
        OneOfBuilder::new()
            .item(variant("quarter", Type::Array))
            .item(variant("year", Type::Integer))
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(Period::of_year(2000).unwrap().year(), 2000);
        assert_eq!(Period::of_year(2100).unwrap().year(), 2100);
        for bad in [1999, 2101, 0, i32::MIN, i32::MAX] {
            assert_eq!(Period::of_year(bad).unwrap_err().code, "out_of_range");
            assert!(Period::of_quarter(bad, 1).is_err());
        }
        for q in 1..=4 {
            assert_eq!(
                Period::of_quarter(2026, q).unwrap().quarter_number(),
                Some(q)
            );
        }
        for bad in [0, 5, u8::MAX] {
            assert_eq!(
                Period::of_quarter(2026, bad).unwrap_err().message,
                QUARTER_MESSAGE
            );
        }
    }

    #[test]
    fn ends_and_labels() {
        let q = |n| Period::of_quarter(2025, n).unwrap();
        let ends: Vec<String> = (1..=4).map(|n| q(n).end().to_string()).collect();
        assert_eq!(
            ends,
            ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
        );
        assert_eq!(
            Period::of_year(2025).unwrap().end().to_string(),
            "2025-12-31"
        );
        assert_eq!(q(2).label(), "2. kvartal 2025");
        assert_eq!(Period::of_year(2025).unwrap().label(), "2025");
        assert_eq!(q(3).whole_year(), Period::of_year(2025).unwrap());
    }

    #[test]
    fn several_spellings_parse() {
        let q = |y, n| Ok(Period::of_quarter(y, n).unwrap());
        assert_eq!("2026".parse(), Ok(Period::of_year(2026).unwrap()));
        assert_eq!("2026-K2".parse(), q(2026, 2));
        assert_eq!("k3 2025".parse(), q(2025, 3));
        assert_eq!("2. kvartal 2027".parse(), q(2027, 2));
        assert_eq!("2026 K4".parse(), q(2026, 4));
        assert_eq!("abc".parse::<Period>().unwrap_err().code, "invalid");
        assert_eq!("20261".parse::<Period>().unwrap_err().code, "invalid");
        assert_eq!(
            "2026-K5".parse::<Period>().unwrap_err().code,
            "out_of_range"
        );
        assert_eq!("1999".parse::<Period>().unwrap_err().code, "out_of_range");
    }

    #[test]
    fn json_is_as_before_and_checked() {
        let q = Period::of_quarter(2026, 2).unwrap();
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"quarter":[2026,2]}"#
        );
        let y = Period::of_year(2026).unwrap();
        assert_eq!(serde_json::to_string(&y).unwrap(), r#"{"year":2026}"#);
        assert_eq!(
            serde_json::from_str::<Period>(r#"{"quarter":[2026,2]}"#).unwrap(),
            q
        );
        for bad in [
            r#"{"quarter":[2026,5]}"#,
            r#"{"year":2101}"#,
            r#"{"year":1999}"#,
        ] {
            assert!(serde_json::from_str::<Period>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn order_is_as_before() {
        let mut v = vec![
            Period::of_year(2025).unwrap(),
            Period::of_quarter(2026, 1).unwrap(),
            Period::of_quarter(2025, 4).unwrap(),
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Period::of_quarter(2025, 4).unwrap(),
                Period::of_quarter(2026, 1).unwrap(),
                Period::of_year(2025).unwrap(),
            ]
        );
    }

    proptest! {
        #[test]
        fn display_parses_back(year in -5000i32..5000, quarter in proptest::option::of(0u8..8)) {
            let made = match quarter {
                None => Period::of_year(year),
                Some(q) => Period::of_quarter(year, q),
            };
            let in_range = (MIN_YEAR..=MAX_YEAR).contains(&year)
                && quarter.is_none_or(|q| (1..=4).contains(&q));
            prop_assert_eq!(made.is_ok(), in_range);
            if let Ok(p) = made {
                prop_assert_eq!(p.to_string().parse::<Period>(), Ok(p));
                let json = serde_json::to_string(&p).unwrap();
                prop_assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
                prop_assert_eq!(p.year(), year);
                prop_assert_eq!(p.quarter_number(), quarter);
            }
        }
    }
}
