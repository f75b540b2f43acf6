//! Cell values → typed values, the Danish way, with a warning wherever the reading
//! involved a choice. Messages are Danish and do not name the column; the caller adds it.

use chrono::{Datelike, NaiveDate};
use gevinst_domain::danish::{self, NumberError};
use rust_decimal::prelude::*;

use super::table::{display_number, Cell};

/// A value read from a cell, and a warning when the reading involved a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The value.
    pub value: T,
    /// A Danish explanation of the interpretation, when it was not the only possible one.
    pub warning: Option<String>,
}

impl<T> Parsed<T> {
    fn plain(value: T) -> Self {
        Parsed {
            value,
            warning: None,
        }
    }

    fn warn(value: T, warning: String) -> Self {
        Parsed {
            value,
            warning: Some(warning),
        }
    }
}

/// The outcome of reading one cell: `Ok(None)` for an empty cell, an error message when
/// the cell cannot be read.
pub type ValueResult<T> = Result<Option<Parsed<T>>, String>;

fn cell_error(e: &str) -> String {
    format!("Cellen indeholder fejlværdien {e}; ret formlen i regnearket.")
}

/// Empty text, or a lone dash (`-`, `–`, `—`), which Danish sheets use for "nothing".
fn is_blank_text(t: &str) -> bool {
    t.trim().chars().all(|c| matches!(c, '-' | '–' | '—')) && t.trim().chars().count() <= 1
}

/// An `f64` read from a numeric cell as an exact decimal. Binary noise from formulas
/// (e.g. 0.1 + 0.2) is rounded away at 6 decimals.
pub fn decimal_from_f64(n: f64) -> Option<Decimal> {
    if !n.is_finite() {
        return None;
    }
    Decimal::from_f64(n).map(|d| d.round_dp(6).normalize())
}

fn number_message(e: &NumberError, text: &str) -> String {
    match e {
        NumberError::TooLarge => format!("«{}» er for stort et tal.", short(text)),
        _ => format!(
            "«{}» er ikke et beløb. Skriv fx 1.234.567, 250.000 kr., 1,5 mio. eller 250 t.kr.",
            short(text)
        ),
    }
}

fn short(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() > 40 {
        format!("{}…", t.chars().take(40).collect::<String>())
    } else {
        t.to_owned()
    }
}

/// A kr. amount: a numeric cell as it is, or text such as `"1.234.567,50"`,
/// `"1.234.567 kr."`, `"kr. 250.000"`, `"1,5 mio."`, `"2 mio. kr."`, `"250 t.kr."`.
pub fn amount(cell: &Cell) -> ValueResult<Decimal> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => decimal_from_f64(*n)
            .map(|d| Some(Parsed::plain(d)))
            .ok_or_else(|| "Tallet kan ikke læses.".to_owned()),
        Cell::Text(t) if is_blank_text(t) => Ok(None),
        Cell::Text(t) => {
            let mut a = danish::parse_kr(t).map_err(|e| number_message(&e, t))?;
            // A scaled amount keeps the scale of its digits ("1,2 mio." is 1200000.0);
            // store it as the exact number without trailing zeros.
            a.value = a.value.normalize();
            let mut notes = Vec::new();
            // Kroner have at most two decimals, so a dot before three digits next to a
            // currency or scale word can only group thousands.
            let lower = t.to_lowercase();
            let money_word =
                a.scale != danish::Scale::One || lower.contains("kr") || lower.contains("dkk");
            match a.ambiguity {
                Some(danish::Ambiguity::DotAsThousands) if money_word => {}
                Some(amb) => notes.push(amb.explain(strip_to_number(t))),
                None => {}
            }
            if a.scale != danish::Scale::One {
                notes.push(format!(
                    "«{}» er læst som {}",
                    t.trim(),
                    danish::format_kr(a.value)
                ));
            }
            Ok(Some(if notes.is_empty() {
                Parsed::plain(a.value)
            } else {
                Parsed::warn(a.value, notes.join(" "))
            }))
        }
        Cell::Bool(_) => Err("En sand/falsk-værdi er ikke et beløb.".to_owned()),
        Cell::Date(_) | Cell::DateTime(_) => Err(format!(
            "Cellen er formateret som en dato ({}), ikke som et beløb. Formatér cellen som tal.",
            cell.display()
        )),
        Cell::Error(e) => Err(cell_error(e)),
    }
}

/// The number part of an amount text, for ambiguity messages: `"1.234 kr."` → `"1.234"`.
fn strip_to_number(t: &str) -> &str {
    let t = t.trim();
    let start = t.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    let end = t
        .rfind(|c: char| c.is_ascii_digit())
        .map(|i| i + 1)
        .unwrap_or(t.len());
    t.get(start..end).unwrap_or(t)
}

/// A plain quantity (hours, årsværk): a numeric cell, or Danish number text, optionally
/// followed by one of `units` (e.g. `"timer"`).
pub fn quantity(cell: &Cell, units: &[&str]) -> ValueResult<Decimal> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => decimal_from_f64(*n)
            .map(|d| Some(Parsed::plain(d)))
            .ok_or_else(|| "Tallet kan ikke læses.".to_owned()),
        Cell::Text(t) if is_blank_text(t) => Ok(None),
        Cell::Text(t) => {
            let mut body = t.trim();
            let lower = body.to_lowercase();
            for u in units {
                if lower.ends_with(u) && lower.len() > u.len() {
                    let cut = body.len() - u.len();
                    if body.is_char_boundary(cut) {
                        body = body[..cut].trim_end();
                        break;
                    }
                }
            }
            let value = danish::parse_number(body)
                .map(|v| v.normalize())
                .map_err(|e| match e {
                    NumberError::TooLarge => format!("«{}» er for stort et tal.", short(t)),
                    _ => format!("«{}» er ikke et tal. Skriv fx 1.500 eller 0,5.", short(t)),
                })?;
            Ok(Some(match danish::ambiguity(body) {
                Some(amb) => Parsed::warn(value, amb.explain(body)),
                None => Parsed::plain(value),
            }))
        }
        Cell::Bool(_) => Err("En sand/falsk-værdi er ikke et tal.".to_owned()),
        Cell::Date(_) | Cell::DateTime(_) => Err(format!(
            "Cellen er formateret som en dato ({}), ikke som et tal. Formatér cellen som tal.",
            cell.display()
        )),
        Cell::Error(e) => Err(cell_error(e)),
    }
}

/// A share as a fraction (25 % → 0,25). `"25 %"` is unambiguous. A number without a
/// percent sign is read as a fraction when it is at most 1 (`"0,25"` → 25 %) and as
/// percent points when it is larger (`"25"` → 25 %); both with a warning. A numeric
/// cell at most 1 is a fraction, as Excel stores percent-formatted cells.
pub fn percent(cell: &Cell) -> ValueResult<Decimal> {
    let hundred = Decimal::ONE_HUNDRED;
    let pct = |d: Decimal| danish::format_input((d * hundred).normalize());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            let d = decimal_from_f64(*n).ok_or_else(|| "Tallet kan ikke læses.".to_owned())?;
            if d.abs() <= Decimal::ONE {
                Ok(Some(Parsed::plain(d)))
            } else {
                let f = d / hundred;
                Ok(Some(Parsed::warn(
                    f,
                    format!("{} er læst som {} %.", cell.display(), pct(f)),
                )))
            }
        }
        Cell::Text(t) if is_blank_text(t) => Ok(None),
        Cell::Text(t) => {
            let body = t.trim();
            let not_percent = || {
                format!(
                    "«{}» er ikke en procentsats. Skriv fx 25 % eller 0,25.",
                    short(t)
                )
            };
            if let Some(num) = body.strip_suffix('%') {
                let d = danish::parse_number(num).map_err(|_| not_percent())?;
                return Ok(Some(Parsed::plain(d / hundred)));
            }
            let d = danish::parse_number(body).map_err(|_| not_percent())?;
            if d.abs() <= Decimal::ONE {
                Ok(Some(Parsed::warn(
                    d,
                    format!(
                        "«{body}» er læst som en andel: {} % (ikke {body} %).",
                        pct(d)
                    ),
                )))
            } else {
                let f = d / hundred;
                Ok(Some(Parsed::warn(
                    f,
                    format!("«{body}» er læst som {} %.", pct(f)),
                )))
            }
        }
        Cell::Bool(_) | Cell::Date(_) | Cell::DateTime(_) => {
            Err(format!("«{}» er ikke en procentsats.", cell.display()))
        }
        Cell::Error(e) => Err(cell_error(e)),
    }
}

pub use gevinst_domain::danish::format_date_in_words as date_in_words;

/// The years a year or date may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// An Excel serial date (1900 system) → date, for serials from 1 to 31-12-9999.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts a non-existent 29-02-1900, so serials from 61 on are one day ahead.
    let epoch = if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    }?;
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// A date or a bare year, as read by [`date`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A full date.
    Date(NaiveDate),
    /// Only a year, e.g. `"2025"`.
    Year(i32),
}

impl DateValue {
    /// The year.
    pub fn year(self) -> i32 {
        match self {
            DateValue::Date(d) => d.year(),
            DateValue::Year(y) => y,
        }
    }
}

fn parse_date_text(text: &str) -> Result<Parsed<DateValue>, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "«{}» er ikke en dato. Skriv fx 01-02-2024, 01.02.2024, 2024-02-01 eller et årstal.",
            short(t)
        )
    };
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = t.parse().map_err(|_| bad())?;
        return if YEARS.contains(&y) {
            Ok(Parsed::plain(DateValue::Year(y)))
        } else {
            Err(format!(
                "Året {y} ligger uden for {}–{}.",
                YEARS.start(),
                YEARS.end()
            ))
        };
    }
    if (4..=7).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = t.parse().map_err(|_| bad())?;
        let d = excel_serial_date(serial).ok_or_else(bad)?;
        return Ok(Parsed::warn(
            DateValue::Date(d),
            format!(
                "«{t}» er læst som et Excel-datonummer: {}.",
                date_in_words(d)
            ),
        ));
    }
    let sep = t
        .chars()
        .find(|c| matches!(c, '-' | '.' | '/'))
        .ok_or_else(bad)?;
    let parts: Vec<&str> = t.split(sep).map(str::trim).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4)
    {
        return Err(bad());
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
    if parts[0].len() == 4 {
        // ISO: year-month-day.
        let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad)?;
        return Ok(Parsed::plain(DateValue::Date(date)));
    }
    let (d, m) = (num(parts[0])?, num(parts[1])?);
    let (y, two_digit) = match parts[2].len() {
        4 => (num(parts[2])? as i32, false),
        2 => (2000 + num(parts[2])? as i32, true),
        _ => return Err(bad()),
    };
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)?;
    if !YEARS.contains(&date.year()) {
        return Err(bad());
    }
    let mut notes = Vec::new();
    if sep != '.' && d <= 12 && m <= 12 && d != m {
        notes.push(format!(
            "«{t}» er læst som {} (dag-måned-år, dansk skrivemåde), ikke som {}.",
            date_in_words(date),
            NaiveDate::from_ymd_opt(y, d, m)
                .map(date_in_words)
                .unwrap_or_default()
        ));
    } else if two_digit {
        notes.push(format!("«{t}» er læst som {}.", date_in_words(date)));
    }
    Ok(if notes.is_empty() {
        Parsed::plain(DateValue::Date(date))
    } else {
        Parsed::warn(DateValue::Date(date), notes.join(" "))
    })
}

/// A date: a date cell, an Excel serial number, or text `"1-2-2024"`, `"01.02.2024"`,
/// `"2024-02-01"`, `"1/2/2024"`, a bare year `"2025"`. Day-month order with `-` or `/`
/// warns when day and month could be swapped.
pub fn date(cell: &Cell) -> ValueResult<DateValue> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(Parsed::plain(DateValue::Date(*d)))),
        Cell::DateTime(d) => Ok(Some(Parsed::plain(DateValue::Date(d.date())))),
        Cell::Number(n) => {
            if n.fract() == 0.0 && YEARS.contains(&(*n as i32)) && *n < 10_000.0 {
                return Ok(Some(Parsed::plain(DateValue::Year(*n as i32))));
            }
            let d = excel_serial_date(*n)
                .ok_or_else(|| format!("{} er ikke en dato.", display_number(*n)))?;
            Ok(Some(Parsed::warn(
                DateValue::Date(d),
                format!(
                    "Tallet {} er læst som et Excel-datonummer: {}.",
                    display_number(*n),
                    date_in_words(d)
                ),
            )))
        }
        Cell::Text(t) if is_blank_text(t) => Ok(None),
        Cell::Text(t) => parse_date_text(t).map(Some),
        Cell::Bool(_) => Err("En sand/falsk-værdi er ikke en dato.".to_owned()),
        Cell::Error(e) => Err(cell_error(e)),
    }
}

/// A year (e.g. the start year): a bare year as number or text; a date gives its year
/// with a warning that says so.
pub fn year(cell: &Cell) -> ValueResult<i32> {
    let Some(parsed) = date(cell).map_err(|e| {
        if e.contains("er ikke en dato") {
            format!(
                "«{}» er ikke et årstal. Skriv fx 2025.",
                short(&cell.display())
            )
        } else {
            e
        }
    })?
    else {
        return Ok(None);
    };
    let y = parsed.value.year();
    if !YEARS.contains(&y) {
        return Err(format!(
            "Året {y} ligger uden for {}–{}.",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(Some(match parsed.value {
        DateValue::Year(_) => Parsed {
            value: y,
            warning: parsed.warning,
        },
        DateValue::Date(d) => {
            let base = format!("Datoen {} er læst som året {y}.", date_in_words(d));
            Parsed::warn(
                y,
                match parsed.warning {
                    Some(w) => format!("{w} {base}"),
                    None => base,
                },
            )
        }
    }))
}

/// Text for a text field: text as it is (trimmed), numbers and dates as shown in Danish.
pub fn text(cell: &Cell) -> Option<String> {
    let s = cell.display();
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A key for matching names and headers: [`gevinst_domain::text::match_key`] (lower case,
/// æ/ø/å and accents folded, everything but letters and digits removed), so that the
/// domain's status words and the import's names compare the same way.
/// `"I drift"`, `"i-drift"` and `"IDRIFT"` all give `"idrift"`; `"Idé"` gives `"ide"`.
pub fn normalise_key(s: &str) -> String {
    gevinst_domain::text::match_key(s)
}

/// How a value matched a list of known names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueMatch {
    /// One of the known names; `exact` is false when only a spelling variant matched.
    Known {
        /// The known name, as the caller spelled it.
        name: String,
        /// The text in the file.
        raw: String,
        /// True when the texts were equal apart from case, spaces, punctuation and accents.
        exact: bool,
    },
    /// No known name matched; the caller may offer to create it.
    Unknown {
        /// The text in the file.
        raw: String,
    },
}

impl ValueMatch {
    /// The known name, or the raw text for an unknown value.
    pub fn name(&self) -> &str {
        match self {
            ValueMatch::Known { name, .. } => name,
            ValueMatch::Unknown { raw } => raw,
        }
    }
}

/// Levenshtein distance, capped: returns `cap + 1` as soon as it is exceeded.
pub(super) fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().copied().unwrap_or(0) > cap {
            return cap + 1;
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Matches `raw` to one of `known`: equal keys ([`normalise_key`]) first, else a unique
/// known name one edit away (for keys of 5 or more letters; two edits for 8 or more, so
/// Danish definite forms such as "Jobcentret" find "Jobcenter"), else unknown.
pub fn match_known(raw: &str, known: &[String]) -> ValueMatch {
    let raw = raw.trim().to_owned();
    let key = normalise_key(&raw);
    if let Some(k) = known.iter().find(|k| normalise_key(k) == key) {
        return ValueMatch::Known {
            name: k.clone(),
            exact: true,
            raw,
        };
    }
    let len = key.chars().count();
    if len >= 5 {
        let cap = if len >= 8 { 2 } else { 1 };
        let close: Vec<&String> = known
            .iter()
            .filter(|k| edit_distance(&normalise_key(k), &key, cap) <= cap)
            .collect();
        if let [only] = close.as_slice() {
            return ValueMatch::Known {
                name: (*only).clone(),
                exact: false,
                raw,
            };
        }
    }
    ValueMatch::Unknown { raw }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn amounts() {
        let v = |s: &str| amount(&t(s)).unwrap().unwrap();
        assert_eq!(v("1.234.567,50"), Parsed::plain(dec!(1234567.50)));
        assert_eq!(v("1.234.567 kr.").value, dec!(1234567));
        assert_eq!(v("kr. 250.000").value, dec!(250000));
        let m = v("1,5 mio.");
        assert_eq!(m.value, dec!(1500000));
        assert_eq!(
            m.warning.as_deref(),
            Some("«1,5 mio.» er læst som 1.500.000 kr.")
        );
        assert_eq!(v("2 mio. kr.").value, dec!(2000000));
        assert_eq!(v("250 t.kr.").value, dec!(250000));
        // Scaled amounts are exact and stored without trailing zeros.
        for (text, exact) in [
            ("1,2 mio.", "1200000"),
            ("1.2 mio", "1200000"),
            ("1,2 mio. kr.", "1200000"),
            ("0,5 mia.", "500000000"),
            ("750 t.kr.", "750000"),
            ("750 tkr.", "750000"),
            ("1,25 mio.", "1250000"),
            ("1.234.567,50", "1234567.5"),
        ] {
            assert_eq!(v(text).value.to_string(), exact, "{text}");
        }
        let a = v("1.234");
        assert_eq!(a.value, dec!(1234));
        assert_eq!(
            a.warning.as_deref(),
            Some("«1.234» er læst som 1234 (punktum som tusindtalsseparator, dansk skrivemåde), ikke som 1,234.")
        );
        assert_eq!(amount(&t("   ")), Ok(None));
        assert_eq!(amount(&t(" - ")), Ok(None));
        assert_eq!(amount(&t("–")), Ok(None));
        assert!(amount(&t("--")).is_err());
        assert_eq!(amount(&Cell::Empty), Ok(None));
        assert_eq!(
            amount(&Cell::Number(1234.5)).unwrap().unwrap(),
            Parsed::plain(dec!(1234.5))
        );
        assert_eq!(
            amount(&t("mange")),
            Err("«mange» er ikke et beløb. Skriv fx 1.234.567, 250.000 kr., 1,5 mio. eller 250 t.kr.".to_owned())
        );
        assert_eq!(
            amount(&Cell::Error("#DIV/0!".into())),
            Err("Cellen indeholder fejlværdien #DIV/0!; ret formlen i regnearket.".to_owned())
        );
    }

    #[test]
    fn percents() {
        let v = |s: &str| percent(&t(s)).unwrap().unwrap();
        assert_eq!(v("25 %"), Parsed::plain(dec!(0.25)));
        assert_eq!(v("12,5%"), Parsed::plain(dec!(0.125)));
        let p = v("0,25");
        assert_eq!(p.value, dec!(0.25));
        assert_eq!(
            p.warning.as_deref(),
            Some("«0,25» er læst som en andel: 25 % (ikke 0,25 %).")
        );
        let p = v("25");
        assert_eq!(
            (p.value, p.warning.as_deref()),
            (dec!(0.25), Some("«25» er læst som 25 %."))
        );
        assert_eq!(
            percent(&Cell::Number(0.3)).unwrap().unwrap(),
            Parsed::plain(dec!(0.3))
        );
    }

    #[test]
    fn dates_and_years() {
        let d = |s: &str| date(&t(s)).unwrap().unwrap();
        let feb1 = NaiveDate::from_ymd_opt(2024, 2, 1).unwrap();
        let x = d("1-2-2024");
        assert_eq!(x.value, DateValue::Date(feb1));
        assert_eq!(
            x.warning.as_deref(),
            Some("«1-2-2024» er læst som 1. februar 2024 (dag-måned-år, dansk skrivemåde), ikke som 2. januar 2024.")
        );
        assert_eq!(d("01.02.2024"), Parsed::plain(DateValue::Date(feb1)));
        assert_eq!(d("2024-02-01"), Parsed::plain(DateValue::Date(feb1)));
        assert_eq!(d("13-02-2024").warning, None);
        assert_eq!(d("2025"), Parsed::plain(DateValue::Year(2025)));
        let s = date(&Cell::Number(45323.0)).unwrap().unwrap();
        assert_eq!(s.value, DateValue::Date(feb1));
        assert_eq!(
            s.warning.as_deref(),
            Some("Tallet 45323 er læst som et Excel-datonummer: 1. februar 2024.")
        );
        assert_eq!(excel_serial_date(1.0), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(excel_serial_date(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert!(date(&t("31-02-2024")).is_err());
        assert!(date(&t("i morgen")).is_err());

        assert_eq!(year(&Cell::Number(2025.0)), Ok(Some(Parsed::plain(2025))));
        assert_eq!(year(&t(" 2026 ")), Ok(Some(Parsed::plain(2026))));
        assert_eq!(
            year(&Cell::Date(feb1)).unwrap().unwrap().warning.as_deref(),
            Some("Datoen 1. februar 2024 er læst som året 2024.")
        );
        assert_eq!(
            year(&t("snart")),
            Err("«snart» er ikke et årstal. Skriv fx 2025.".to_owned())
        );
        assert_eq!(
            year(&t("1850")),
            Err("Året 1850 ligger uden for 1900–2200.".to_owned())
        );
    }

    #[test]
    fn names_match_with_variants() {
        let known: Vec<String> = ["Idé", "I drift", "Robotteknologi (RPA)", "Borgerservice"]
            .map(String::from)
            .to_vec();
        for raw in ["I drift", "i-drift", "idrift", "I  DRIFT"] {
            assert_eq!(match_known(raw, &known).name(), "I drift", "{raw}");
        }
        assert_eq!(match_known("Ide", &known).name(), "Idé");
        assert!(matches!(
            match_known("Borgerservise", &known),
            ValueMatch::Known { exact: false, .. }
        ));
        assert_eq!(
            match_known("Ukendt afdeling", &known),
            ValueMatch::Unknown {
                raw: "Ukendt afdeling".into()
            }
        );
        assert_eq!(
            normalise_key("Forventet gevinst (kr./år)"),
            "forventetgevinstkraar"
        );
    }
}
