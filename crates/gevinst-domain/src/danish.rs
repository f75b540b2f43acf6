//! Danish numbers: reading what users type, and writing amounts the Danish way.
//!
//! Danish writes `1.234.567,50`: `.` groups thousands and `,` is the decimal mark. Users
//! also type `1234567,5`, `1 234`, `250000`, and sometimes an English `2.5`. The reading
//! rule of [`parse_number`]:
//!
//! 1. Surrounding whitespace is ignored, and spaces (also no-break spaces) between digits
//!    group thousands: `"1 234"` is 1234.
//! 2. An optional sign comes first: `-`, `+` or the typographic minus `−`.
//! 3. With a comma, the comma is the decimal mark (at most one) and every `.` before it
//!    must group thousands: `"1.234.567,50"`, `"1234567,5"`.
//! 4. Without a comma, dots are thousands separators when every group after a dot has
//!    exactly three digits and the first group has 1–3 digits and does not start with 0:
//!    `"1.234"` is 1234 and `"1.234.567"` is 1234567.
//! 5. Otherwise a single dot is a decimal mark: `"1.5"`, `"2.75"`, `"0.035"`, `"1.2345"`.
//! 6. Anything else (letters, two commas, `"1.23.4"`, an empty text) is an error with a
//!    Danish message.
//!
//! ```
//! use gevinst_domain::danish::{format_kr, parse_number};
//! use rust_decimal_macros::dec;
//! assert_eq!(parse_number("1.234.567,50").unwrap(), dec!(1234567.50));
//! assert_eq!(format_kr(dec!(1234567.49)), "1.234.567 kr.");
//! ```

use rust_decimal::prelude::*;
use rust_decimal::RoundingStrategy;
use thiserror::Error;

/// Why a text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// Nothing was typed.
    #[error("Feltet er tomt.")]
    Empty,
    /// The text is not a number in any accepted form.
    #[error("«{0}» er ikke et tal. Skriv fx 1.234.567,50 eller 2,5.")]
    Invalid(String),
    /// The number has too many digits to be represented.
    #[error("Tallet er for stort.")]
    TooLarge,
}

/// True when `groups` (the parts between dots) form valid thousands grouping.
fn is_thousands_grouping(groups: &[&str]) -> bool {
    let Some((first, rest)) = groups.split_first() else {
        return false;
    };
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && !(first.starts_with('0'))
        && rest.iter().all(|g| g.len() == 3)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads a number as a Danish user would type it; see the module documentation for the
/// rule. The result is exact.
pub fn parse_number(text: &str) -> Result<Decimal, NumberError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let invalid = || NumberError::Invalid(trimmed.chars().take(40).collect());
    let (negative, body) = if let Some(r) = trimmed.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = trimmed.strip_prefix('−') {
        (true, r)
    } else if let Some(r) = trimmed.strip_prefix('+') {
        (false, r)
    } else {
        (false, trimmed)
    };
    // Spaces group thousands, but only between digits.
    let chars: Vec<char> = body.chars().collect();
    let mut compact = String::with_capacity(body.len());
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, ' ' | '\u{a0}' | '\u{202f}') {
            let between = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !between {
                return Err(invalid());
            }
        } else {
            compact.push(*c);
        }
    }
    let (int_part, frac_part) = match compact.split_once(',') {
        Some((int, frac)) => {
            if !all_digits(frac) {
                return Err(invalid());
            }
            let groups: Vec<&str> = int.split('.').collect();
            let int = if groups.len() == 1 {
                groups[0].to_owned()
            } else if is_thousands_grouping(&groups) {
                groups.concat()
            } else {
                return Err(invalid());
            };
            (int, frac.to_owned())
        }
        None => {
            let groups: Vec<&str> = compact.split('.').collect();
            match groups.len() {
                1 => (groups[0].to_owned(), String::new()),
                _ if is_thousands_grouping(&groups) => (groups.concat(), String::new()),
                2 => (groups[0].to_owned(), groups[1].to_owned()),
                _ => return Err(invalid()),
            }
        }
    };
    if !all_digits(&int_part) || !(frac_part.is_empty() || all_digits(&frac_part)) {
        return Err(invalid());
    }
    let plain = if frac_part.is_empty() {
        int_part
    } else {
        format!("{int_part}.{frac_part}")
    };
    let value = Decimal::from_str(&plain).map_err(|_| NumberError::TooLarge)?;
    Ok(if negative { -value } else { value })
}

/// [`parse_number`] as an `f64`, for drafts whose numbers are `f64`.
pub fn parse_f64(text: &str) -> Result<f64, NumberError> {
    let d = parse_number(text)?;
    d.to_f64().ok_or(NumberError::TooLarge)
}

/// A decimal as `f64` (0 if it cannot be represented, which no `Decimal` reaches).
pub fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// `1234567` → `"1.234.567"` (digits of a non-negative integer text).
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A decimal with exactly `decimals` decimals (half away from zero), `.` between
/// thousands and `,` as decimal mark: `format_decimal(2.5, 1)` → `"2,5"`,
/// `format_decimal(1234.5, 2)` → `"1.234,50"`. A value that rounds to zero has no sign.
pub fn format_decimal(x: Decimal, decimals: u32) -> String {
    let rounded = x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let text = format!("{abs:.prec$}", prec = decimals as usize);
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
        None => (text, None),
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group_thousands(&int));
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

/// An `f64` formatted like [`format_decimal`]; NaN and infinities become `"–"`.
pub fn format_f64(x: f64, decimals: u32) -> String {
    match Decimal::from_f64(x) {
        Some(d) if x.is_finite() => format_decimal(d, decimals),
        _ => "–".to_owned(),
    }
}

/// Whole kroner: `1234567.5` → `"1.234.568 kr."`.
pub fn format_kr(x: Decimal) -> String {
    format!("{} kr.", format_decimal(x, 0))
}

/// A decimal as a user would type it back into a form: all significant decimals, no
/// trailing zeros, thousands grouped: `1234567.50` → `"1.234.567,5"`.
pub fn format_input(x: Decimal) -> String {
    let n = x.normalize();
    format_decimal(n, n.scale())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn danish_numbers_are_read() {
        assert_eq!(parse_number("1.234.567,50"), Ok(dec!(1234567.50)));
        assert_eq!(parse_number("1234567,5"), Ok(dec!(1234567.5)));
        assert_eq!(parse_number("250000"), Ok(dec!(250000)));
        assert_eq!(parse_number("-5"), Ok(dec!(-5)));
        assert_eq!(parse_number("−5,5"), Ok(dec!(-5.5)));
        assert_eq!(parse_number("+7"), Ok(dec!(7)));
        assert_eq!(parse_number("1 234"), Ok(dec!(1234)));
        assert_eq!(parse_number("1\u{a0}234\u{a0}567"), Ok(dec!(1234567)));
        assert_eq!(parse_number(" 12,5 "), Ok(dec!(12.5)));
        assert_eq!(parse_number("0,035"), Ok(dec!(0.035)));
        assert_eq!(parse_number("-1.234,5"), Ok(dec!(-1234.5)));
    }

    #[test]
    fn dots_group_thousands_only_before_three_digits() {
        assert_eq!(parse_number("1.234"), Ok(dec!(1234)));
        assert_eq!(parse_number("12.345.678"), Ok(dec!(12345678)));
        assert_eq!(parse_number("1.5"), Ok(dec!(1.5)));
        assert_eq!(parse_number("2.75"), Ok(dec!(2.75)));
        assert_eq!(parse_number("1.2345"), Ok(dec!(1.2345)));
        // A leading 0 is never a thousands group.
        assert_eq!(parse_number("0.035"), Ok(dec!(0.035)));
    }

    #[test]
    fn garbage_is_rejected_with_a_danish_message() {
        for bad in [
            "abc",
            "1,2,3",
            "1.23.4",
            "12a",
            "1..2",
            ",5",
            "5,",
            "1.2,5",
            "- 5",
            "1 2 3x",
            "1,5.0",
            "--5",
            "1 ,5",
            "12.34.567",
        ] {
            let err = parse_number(bad).expect_err(bad);
            assert!(matches!(err, NumberError::Invalid(_)), "{bad}: {err:?}");
            assert!(err.to_string().contains("er ikke et tal"), "{bad}");
        }
        assert_eq!(parse_number("   "), Err(NumberError::Empty));
        assert_eq!(
            parse_number("123456789012345678901234567890123"),
            Err(NumberError::TooLarge)
        );
    }

    #[test]
    fn f64_conversion() {
        assert_eq!(parse_f64("1.234.567,50"), Ok(1234567.5));
        assert_eq!(to_f64(dec!(2.5)), 2.5);
    }

    #[test]
    fn kroner_and_decimals_are_written_the_danish_way() {
        assert_eq!(format_kr(dec!(1234567.49)), "1.234.567 kr.");
        assert_eq!(format_kr(dec!(1234567.5)), "1.234.568 kr.");
        assert_eq!(format_kr(dec!(-20000)), "-20.000 kr.");
        assert_eq!(format_kr(dec!(-0.4)), "0 kr.");
        assert_eq!(format_kr(dec!(999)), "999 kr.");
        assert_eq!(format_decimal(dec!(2.5), 1), "2,5");
        assert_eq!(format_decimal(dec!(2), 1), "2,0");
        assert_eq!(format_decimal(dec!(1234.5), 2), "1.234,50");
        assert_eq!(format_decimal(dec!(0.035) * dec!(100), 1), "3,5");
        assert_eq!(format_f64(-1234.56, 0), "-1.235");
        assert_eq!(format_f64(f64::NAN, 0), "–");
    }

    #[test]
    fn input_format_round_trips() {
        for d in [dec!(1234567.50), dec!(0), dec!(-5), dec!(0.035), dec!(1000)] {
            let text = format_input(d);
            assert_eq!(parse_number(&text), Ok(d.normalize()), "{text}");
        }
        assert_eq!(format_input(dec!(1234567.50)), "1.234.567,5");
    }
}
