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
//! Every figure gevinst shows (pages, printed reports, CSV and workbook text, the CLI) is
//! written by the `format_*` functions here, with `.` between thousands, `,` as the
//! decimal mark, and one rounding rule: half away from zero (`0,5` → `1`, `-2,5` → `-3`).
//! A value that rounds to zero has no sign. Each kind of figure has one precision:
//!
//! | kind | function | precision | example |
//! |---|---|---|---|
//! | counts | [`format_count`] | whole | `1.234.567` |
//! | kroner | [`format_kr`], [`format_kr_f64`] | whole kroner | `1.234.568 kr.` |
//! | unit prices (hourly rate) | [`format_price`] | øre | `412,50 kr.` |
//! | hours | [`format_hours`] | whole hours | `1.235 timer` |
//! | årsværk | [`format_fte`] | two decimals | `0,05 årsværk` |
//! | percentages | [`format_percent`], [`format_percent_f64`] | one decimal | `3,5 %` |
//! | measured quantities in a table whose column names the unit | [`format_quantity`] | two decimals | `7,50` |
//! | dates | [`format_date`], [`format_local_date`] | day | `15.03.2026` |
//! | dates in headings and messages | [`format_date_in_words`] | day | `15. marts 2026` |
//! | points in time | [`format_datetime`] | minute, Danish local time | `15.03.2026 kl. 13.05` |
//! | points in time in CSV text | [`format_sheet_datetime`] | minute, Danish local time | `15-03-2026 13:05` |
//!
//! An amount in a programme target's or a business-case line's unit
//! ([`format_target_amount`], [`format_line_amount`]) follows the rule of its unit.
//! CSV text writes dates as the workbooks' cell format does (`dd-mm-yyyy hh:mm`), so a
//! Danish spreadsheet reads it as a date. A value typed back into a form is written by
//! [`format_input`], with all its decimals.
//!
//! ```
//! use gevinst_domain::danish::{format_kr, parse_number};
//! use rust_decimal_macros::dec;
//! assert_eq!(parse_number("1.234.567,50").unwrap(), dec!(1234567.50));
//! assert_eq!(format_kr(dec!(1234567.49)), "1.234.567 kr.");
//! ```

use crate::business_case::LineKind;
use crate::programme::TargetKind;
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, Utc};
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
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

/// Whole kroner of an `f64` (a simulated outcome): `-1234.5` → `"-1.235 kr."`; NaN and
/// infinities become `"– kr."`.
pub fn format_kr_f64(x: f64) -> String {
    format!("{} kr.", format_f64(x, 0))
}

/// A price per unit (hourly rate, channel price) in kroner and øre: `"412,50 kr."`.
pub fn format_price(x: Decimal) -> String {
    format!("{} kr.", format_decimal(x, 2))
}

/// A count: `20000` → `"20.000"`.
pub fn format_count(n: impl Into<Decimal>) -> String {
    format_decimal(n.into(), 0)
}

/// Whole hours: `1234.5` → `"1.235 timer"`.
pub fn format_hours(x: Decimal) -> String {
    format!("{} timer", format_decimal(x, 0))
}

/// Årsværk with two decimals: `0.045` → `"0,05 årsværk"`.
pub fn format_fte(x: Decimal) -> String {
    format!("{} årsværk", format_decimal(x, 2))
}

/// A fraction as a percentage with one decimal: `0.035` → `"3,5 %"`.
pub fn format_percent(fraction: Decimal) -> String {
    format!("{} %", format_decimal(fraction * Decimal::ONE_HUNDRED, 1))
}

/// [`format_percent`] of an `f64` fraction (a simulated probability): `0.634` → `"63,4 %"`.
pub fn format_percent_f64(fraction: f64) -> String {
    format!("{} %", format_f64(fraction * 100.0, 1))
}

/// A probability for people, in whole percent (half away from zero): `0.917` → `"92 %"`.
///
/// Only certainty reads `"100 %"` or `"0 %"`; a chance that merely rounds there reads
/// `"over 99 %"` or `"under 1 %"`. NaN and infinities become `"–"`. Every page, report,
/// workbook and message states a chance with this one function.
pub fn format_chance(p: f64) -> String {
    if !p.is_finite() {
        return "–".to_owned();
    }
    if p >= 1.0 {
        return "100 %".to_owned();
    }
    if p <= 0.0 {
        return "0 %".to_owned();
    }
    if p > 0.99 {
        return "over 99 %".to_owned();
    }
    if p < 0.01 {
        return "under 1 %".to_owned();
    }
    format!("{} %", format_f64(p * 100.0, 0))
}

/// A distance to a target in words instead of a sign: `gap` is target minus reached, so
/// a positive gap is behind. `"2.000.000 kr. bagud"`, `"0,40 årsværk foran"`, `"på mål"`.
pub fn format_gap(kind: TargetKind, gap: Decimal) -> String {
    let amount = format_target_amount(kind, gap.abs());
    let shown_zero = format_target_amount(kind, Decimal::ZERO);
    if amount == shown_zero {
        "på mål".to_owned()
    } else if gap.is_sign_positive() {
        format!("{amount} bagud")
    } else {
        format!("{amount} foran")
    }
}

/// A measured quantity in a table whose column names the unit: two decimals, `"7,50"`.
pub fn format_quantity(x: Decimal) -> String {
    format_decimal(x, 2)
}

/// An amount in a programme target's unit: `"1.234.568 kr."` or `"0,05 årsværk"`.
pub fn format_target_amount(kind: TargetKind, x: Decimal) -> String {
    match kind {
        TargetKind::KrPerYear => format_kr(x),
        TargetKind::Aarsvaerk => format_fte(x),
    }
}

/// An amount in a business-case line's unit: `"1.235 kr."`, `"100 timer"`,
/// `"0,05 årsværk"` or `"1.200 henvendelser"`.
pub fn format_line_amount(kind: LineKind, x: Decimal) -> String {
    match kind {
        LineKind::FrigjorteTimer | LineKind::UsynligtArbejde => format_hours(x),
        LineKind::FrigjorteAarsvaerk => format_fte(x),
        LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => format_kr(x),
        LineKind::Kanalomlaegning => format!("{} {}", format_decimal(x, 0), kind.unit_label()),
    }
}

/// The last Sunday of a month, where the EU's summer time starts (March) and ends (October).
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_next = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or(NaiveDate::MAX);
    let last = first_next.pred_opt().unwrap_or(first_next);
    let back = Days::new(last.weekday().num_days_from_sunday().into());
    last.checked_sub_days(back).unwrap_or(last)
}

/// Danish local time (CET/CEST): UTC+2 from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC, otherwise UTC+1 (the EU rule).
pub fn danish_local(t: DateTime<Utc>) -> NaiveDateTime {
    let y = t.year();
    let at_one = |d: NaiveDate| d.and_hms_opt(1, 0, 0).unwrap_or_default();
    let (start, end) = (at_one(last_sunday(y, 3)), at_one(last_sunday(y, 10)));
    let n = t.naive_utc();
    let offset = if n >= start && n < end { 2 } else { 1 };
    n.checked_add_signed(Duration::hours(offset)).unwrap_or(n)
}

/// A date: `"15.03.2026"`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date in words, for headings and messages: `"1. februar 2024"`.
pub fn format_date_in_words(d: NaiveDate) -> String {
    let month = MONTHS.get(d.month0() as usize).copied().unwrap_or("");
    format!("{}. {} {}", d.day(), month, d.year())
}

/// The Danish local date of a point in time: `"15.03.2026"`.
pub fn format_local_date(t: DateTime<Utc>) -> String {
    format_date(danish_local(t).date())
}

/// A point in time in Danish local time: `"15.03.2026 kl. 13.05"`.
pub fn format_datetime(t: DateTime<Utc>) -> String {
    danish_local(t).format("%d.%m.%Y kl. %H.%M").to_string()
}

/// A point in time in Danish local time as CSV text, in the workbooks' cell format so a
/// spreadsheet reads it as a date: `"15-03-2026 13:05"`.
pub fn format_sheet_datetime(t: DateTime<Utc>) -> String {
    danish_local(t).format("%d-%m-%Y %H:%M").to_string()
}

/// A decimal as a user would type it back into a form: all significant decimals, no
/// trailing zeros, thousands grouped: `1234567.50` → `"1.234.567,5"`.
pub fn format_input(x: Decimal) -> String {
    let n = x.normalize();
    format_decimal(n, n.scale())
}

/// A number as a spreadsheet's General format shows it, the Danish way: all significant
/// decimals, `,` as decimal mark and no thousands separators, so a year, an hour count or
/// an id reads as written: `2026` → `"2026"`, `1924` → `"1924"`, `1234.5` → `"1234,5"`.
pub fn format_plain(x: Decimal) -> String {
    let n = x.normalize();
    let text = if n.is_zero() {
        "0".to_owned()
    } else {
        n.to_string()
    };
    text.replace('.', ",")
}

/// An amount (kroner, hours, årsværk) as a user would type it back into a form: a whole
/// amount without decimals, any other with at least two, as amounts are written in Danish
/// (`1234567.5` → `"1.234.567,50"`, `1000` → `"1.000"`, `0.125` → `"0,125"`). Reading the
/// text with [`parse_number`] or [`parse_kr`] gives the amount back exactly.
pub fn format_amount_input(x: Decimal) -> String {
    let n = x.normalize();
    match n.scale() {
        0 => format_decimal(n, 0),
        s => format_decimal(n, s.max(2)),
    }
}

/// A scale word on an amount: `t.kr.` (thousands), `mio.` (millions), `mia.` (billions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// No scale word: plain kroner.
    One,
    /// `t.kr.`, `tkr.`: thousands of kroner.
    Thousand,
    /// `mio.`, `mill.`: millions.
    Million,
    /// `mia.`, `mrd.`: billions.
    Billion,
}

impl Scale {
    /// The factor the number is multiplied by.
    pub fn factor(self) -> Decimal {
        match self {
            Scale::One => Decimal::ONE,
            Scale::Thousand => Decimal::from(1_000),
            Scale::Million => Decimal::from(1_000_000),
            Scale::Billion => Decimal::from(1_000_000_000),
        }
    }

    /// The Danish word, for messages: `"t.kr."`, `"mio."`, `"mia."` (empty for [`Scale::One`]).
    pub fn label(self) -> &'static str {
        match self {
            Scale::One => "",
            Scale::Thousand => "t.kr.",
            Scale::Million => "mio.",
            Scale::Billion => "mia.",
        }
    }
}

/// A kr. amount read by [`parse_kr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KrAmount {
    /// The amount in whole kroner (scale applied).
    pub value: Decimal,
    /// The scale word that was found.
    pub scale: Scale,
    /// Whether the number itself could have been meant differently; see [`ambiguity`].
    pub ambiguity: Option<Ambiguity>,
}

/// A number whose reading depends on whether it was written the Danish or the English way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ambiguity {
    /// `"1.234"`: read as 1234 (Danish thousands dot), but could be an English 1.234.
    DotAsThousands,
    /// `"1,234"`: read as 1,234 (Danish decimal comma), but could be an English 1234.
    CommaAsDecimal,
}

impl Ambiguity {
    /// A Danish explanation of the reading, e.g. for `"1.234"`: «1.234» er læst som 1234
    /// (punktum som tusindtalsseparator), ikke som 1,234.
    pub fn explain(self, text: &str) -> String {
        let text = text.trim();
        match self {
            Ambiguity::DotAsThousands => {
                let english = text.replacen('.', ",", 1);
                format!(
                    "«{text}» er læst som {} (punktum som tusindtalsseparator, dansk skrivemåde), ikke som {english}.",
                    text.replace('.', "")
                )
            }
            Ambiguity::CommaAsDecimal => format!(
                "«{text}» er læst som {text} (komma som decimaltegn, dansk skrivemåde), ikke som {}.",
                text.replace(',', "")
            ),
        }
    }
}

/// Whether [`parse_number`] had to choose between a Danish and an English reading of
/// `text`: one separator followed by exactly three digits, e.g. `"1.234"` or `"1,234"`.
/// `"1.234.567"` and `"1.234,5"` are not ambiguous.
pub fn ambiguity(text: &str) -> Option<Ambiguity> {
    let t = text.trim().trim_start_matches(['-', '+', '−']);
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    let check = |sep: char| {
        let (int, frac) = t.split_once(sep)?;
        (all_digits(int)
            && !int.starts_with('0')
            && int.len() <= 3
            && frac.len() == 3
            && all_digits(frac))
        .then_some(())
    };
    match (dots, commas) {
        (1, 0) => check('.').map(|()| Ambiguity::DotAsThousands),
        (0, 1) => check(',').map(|()| Ambiguity::CommaAsDecimal),
        _ => None,
    }
}

/// Strips one scale or currency word from the end (or `kr.` from the start) of `t`.
fn strip_word(t: &str) -> Option<(String, Option<Scale>)> {
    const SUFFIXES: &[(&str, Option<Scale>)] = &[
        ("t. kr.", Some(Scale::Thousand)),
        ("t.kr.", Some(Scale::Thousand)),
        ("t.kr", Some(Scale::Thousand)),
        ("tkr.", Some(Scale::Thousand)),
        ("tkr", Some(Scale::Thousand)),
        ("kr.", None),
        ("kr", None),
        ("dkk", None),
        (",-", None),
        (".-", None),
        ("mio.", Some(Scale::Million)),
        ("mio", Some(Scale::Million)),
        ("mill.", Some(Scale::Million)),
        ("millioner", Some(Scale::Million)),
        ("million", Some(Scale::Million)),
        ("mia.", Some(Scale::Billion)),
        ("mia", Some(Scale::Billion)),
        ("mrd.", Some(Scale::Billion)),
        ("mrd", Some(Scale::Billion)),
    ];
    let lower = t.to_lowercase();
    for (word, scale) in SUFFIXES {
        if lower.ends_with(word) && lower.len() > word.len() {
            let cut = t.len() - word.len();
            if t.is_char_boundary(cut) {
                return Some((t[..cut].trim_end().to_owned(), *scale));
            }
        }
    }
    for prefix in ["kr.", "kr", "dkk"] {
        if lower.starts_with(prefix) && lower.len() > prefix.len() {
            return Some((t[prefix.len()..].trim_start().to_owned(), None));
        }
    }
    None
}

/// Reads a kr. amount as Danish spreadsheets write it: `"1.234.567 kr."`, `"kr. 250.000"`,
/// `"1,5 mio."`, `"2 mio. kr."`, `"250 t.kr."`, `"250.000,-"`, or a plain number by the rules
/// of [`parse_number`]. The result is in whole kroner and exact.
///
/// ```
/// use gevinst_domain::danish::{parse_kr, Scale};
/// use rust_decimal_macros::dec;
/// let a = parse_kr("1,5 mio.").unwrap();
/// assert_eq!((a.value, a.scale), (dec!(1500000), Scale::Million));
/// assert_eq!(parse_kr("250 t.kr.").unwrap().value, dec!(250000));
/// ```
pub fn parse_kr(text: &str) -> Result<KrAmount, NumberError> {
    let mut rest = text.trim().to_owned();
    if rest.is_empty() {
        return Err(NumberError::Empty);
    }
    let mut scale = Scale::One;
    // A handful of words at most; the bound keeps hostile input cheap.
    for _ in 0..4 {
        match strip_word(&rest) {
            Some((shorter, found)) => {
                if let Some(found) = found {
                    if scale != Scale::One {
                        return Err(NumberError::Invalid(text.trim().chars().take(40).collect()));
                    }
                    scale = found;
                }
                rest = shorter;
            }
            None => break,
        }
    }
    let number = parse_number(&rest).map_err(|e| match e {
        NumberError::Invalid(_) | NumberError::Empty => {
            NumberError::Invalid(text.trim().chars().take(40).collect())
        }
        other => other,
    })?;
    let value = number
        .checked_mul(scale.factor())
        .ok_or(NumberError::TooLarge)?;
    Ok(KrAmount {
        value,
        scale,
        ambiguity: ambiguity(&rest),
    })
}

mod noun;
pub use noun::{capitalise, Noun};

#[cfg(test)]
mod tests;
