//! How exact numbers travel in JSON: money (kr.), hours, årsværk, multipliers, rates and
//! probabilities are **decimal strings** such as `"100000.50"`, so no client loses precision
//! in a float. Input is lenient and also takes a JSON number (`100000.5`).
//!
//! - [`Decimal`] fields get this from rust_decimal's `serde` feature (the workspace enables
//!   it without `serde-str`): they serialise as strings and deserialise from a string or a
//!   number. A test below keeps that so, should a dependency ever unify `serde-str` in.
//! - The fields of the business-case and economics drafts read the same forms with
//!   `#[serde(deserialize_with = …)]` and [`option_decimal`] or [`vec_decimal`], which keep
//!   a decimal string exact to the last of its 28 digits and report a bad value as
//!   "a decimal string such as …". A JSON number becomes the decimal its shortest
//!   round-trip text spells (`0.1` is 0.1); send a string when more digits matter than an
//!   `f64` holds.
//! - [`DecimalSchema`] is the OpenAPI schema of such a value, named `Decimal`; use it as
//!   `#[schema(value_type = DecimalSchema)]`.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::RefOr;

/// A decimal number as JSON text: what [`DecimalOrNumber`] accepts.
const EXPECTED: &str = "a decimal string such as \"100000.50\" or a JSON number";

/// A number read from a decimal string (exactly, all 28 digits) or a JSON number (the
/// decimal its shortest round-trip text spells, so `0.1` stays `0.1`).
struct DecimalOrNumber(Decimal);

impl<'de> Deserialize<'de> for DecimalOrNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DecimalOrNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(DecimalOrNumber(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(DecimalOrNumber(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // A number beyond `Decimal`'s range saturates, so that validation reports
                // it as too large on its field rather than rejecting the whole body.
                let saturated = if v < 0.0 { Decimal::MIN } else { Decimal::MAX };
                Ok(DecimalOrNumber(
                    Decimal::from_str(&v.to_string()).unwrap_or(saturated),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Decimal::from_str_exact(v)
                    .or_else(|_| Decimal::from_scientific(v))
                    .map(DecimalOrNumber)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Reads an optional [`Decimal`] from a decimal string, a JSON number or `null`.
///
/// Use it as `#[serde(default, deserialize_with = "…::option_decimal")]`.
pub fn option_decimal<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    Ok(Option::<DecimalOrNumber>::deserialize(deserializer)?.map(|n| n.0))
}

/// Reads a list of [`Decimal`]s whose items are decimal strings or JSON numbers.
pub fn vec_decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Decimal>, D::Error> {
    Ok(Vec::<DecimalOrNumber>::deserialize(deserializer)?
        .into_iter()
        .map(|n| n.0)
        .collect())
}

/// Reads a whole number that JSON may spell as an integer or as a float with no fraction
/// (`65535` or `65535.0`: JSON Schema's `integer` admits both), for `u32` or `u64` fields.
///
/// Use it as `#[serde(deserialize_with = "…::whole_number")]`.
pub fn whole_number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number, 0 or more")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^64 as f64; every whole float below it converts exactly.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                Ok(v as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }
    let n = deserializer.deserialize_any(V)?;
    T::try_from(n).map_err(|_| {
        de::Error::invalid_value(de::Unexpected::Unsigned(n), &"a smaller whole number")
    })
}

/// The OpenAPI schema `Decimal`: a decimal string (responses always send one), or in a
/// request also a JSON number.
pub struct DecimalSchema;

impl utoipa::PartialSchema for DecimalSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Number]))
            .format(Some(SchemaFormat::Custom("decimal".to_owned())))
            .pattern(Some(r"^-?[0-9]{1,29}(\.[0-9]{1,28})?$"))
            .examples(["100000.50"])
            .description(Some(
                "An exact decimal number (kr., hours, årsværk, multipliers, rates, \
                 probabilities) as a string such as \"100000.50\": parse it as a decimal, not a \
                 float. Responses always send a string; requests may also send a JSON number.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for DecimalSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Decimal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "option_decimal")]
        low: Option<Decimal>,
        #[serde(default, deserialize_with = "vec_decimal")]
        amounts: Vec<Decimal>,
    }

    #[test]
    fn decimals_are_strings_out_and_strings_or_numbers_in() {
        assert_eq!(serde_json::to_value(dec!(100000.50)).unwrap(), "100000.50");
        for json in ["\"100000.5\"", "100000.5", "\"1.000005e5\""] {
            let d: Decimal = serde_json::from_str(json).unwrap();
            assert_eq!(d, dec!(100000.5), "{json}");
        }
        let d: Decimal = serde_json::from_str("7").unwrap();
        assert_eq!(d, dec!(7));
        assert!(serde_json::from_str::<Decimal>("\"seven\"").is_err());
        assert!(serde_json::from_str::<Decimal>("true").is_err());
    }

    #[derive(Debug, Deserialize)]
    struct Settings {
        #[serde(deserialize_with = "whole_number")]
        iterations: u32,
    }

    #[test]
    fn whole_numbers_may_be_spelled_as_floats() {
        let read = |json: &str| serde_json::from_str::<Settings>(json).map(|s| s.iterations);
        assert_eq!(read(r#"{"iterations": 65535}"#).unwrap(), 65535);
        assert_eq!(read(r#"{"iterations": 65535.0}"#).unwrap(), 65535);
        for bad in ["65535.5", "-1", "4294967296", "\"7\"", "1e30"] {
            assert!(
                read(&format!(r#"{{"iterations": {bad}}}"#)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn draft_decimals_read_strings_and_numbers() {
        let b: Body =
            serde_json::from_str(r#"{"low": "0.8", "amounts": ["100000", 2.5, 3, "1e2"]}"#)
                .unwrap();
        assert_eq!(
            (b.low, b.amounts),
            (
                Some(dec!(0.8)),
                vec![dec!(100000), dec!(2.5), dec!(3), dec!(100)]
            )
        );
        let b: Body = serde_json::from_str(r#"{"low": null}"#).unwrap();
        assert_eq!((b.low, b.amounts), (None, vec![]));
        let e = serde_json::from_str::<Body>(r#"{"low": "lav"}"#).unwrap_err();
        assert!(e.to_string().contains("a decimal string"), "{e}");
        assert!(serde_json::from_str::<Body>(r#"{"amounts": [true]}"#).is_err());
    }

    #[test]
    fn decimal_strings_are_exact_to_the_last_digit() {
        let b: Body = serde_json::from_str(r#"{"low": "100000.123456789012345678"}"#).unwrap();
        let low = b.low.unwrap();
        assert_eq!(low, dec!(100000.123456789012345678));
        assert_eq!(low.to_string(), "100000.123456789012345678");
        // More digits than a decimal holds are refused, not silently rounded.
        assert!(
            serde_json::from_str::<Body>(r#"{"low": "0.12345678901234567890123456789"}"#).is_err()
        );
    }

    #[test]
    fn json_numbers_read_as_the_decimal_they_spell() {
        let b: Body =
            serde_json::from_str(r#"{"low": 0.1, "amounts": [100000.25, 1e300, -1e300]}"#).unwrap();
        assert_eq!(b.low, Some(dec!(0.1)));
        assert_eq!(b.amounts, vec![dec!(100000.25), Decimal::MAX, Decimal::MIN]);
    }
}
