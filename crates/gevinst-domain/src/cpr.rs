//! A guard against CPR numbers (Danish personal ID numbers) in free text.
//!
//! Potentials must not carry personal data (see the Favrskov case in the domain brief).
//! [`find_cpr`] flags `ddmmyy-xxxx` and `ddmmyyxxxx` where `ddmmyy` is a real date and the
//! digits are not part of a longer number. [`mask_cpr`] replaces each hit.

/// A CPR-like number found in text: byte range in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CprHit {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

fn valid_date(d: u32, m: u32, yy: u32) -> bool {
    let days_in = |year: u32| match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    };
    // The century depends on the 7th digit; accept the date if it exists in 1900s or 2000s.
    d >= 1 && (d <= days_in(1900 + yy) || d <= days_in(2000 + yy))
}

/// The digits of `b[from..from + n]` as a number, if they are all ASCII digits.
fn digits(b: &[u8], from: usize, n: usize) -> Option<u32> {
    let s = b.get(from..from + n)?;
    s.iter()
        .all(u8::is_ascii_digit)
        .then(|| s.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0')))
}

/// The birth date at `i`: six digits `ddmmyy`, or `dd mm yy` with single spaces. Returns
/// the date as a number and where it ends.
fn date_at(b: &[u8], i: usize) -> Option<(u32, usize)> {
    if let Some(d) = digits(b, i, 6) {
        return Some((d, i + 6));
    }
    let (dd, mm, yy) = (digits(b, i, 2)?, digits(b, i + 3, 2)?, digits(b, i + 6, 2)?);
    (b.get(i + 2) == Some(&b' ') && b.get(i + 5) == Some(&b' '))
        .then_some((dd * 10000 + mm * 100 + yy, i + 8))
}

/// What may stand between the date and the last four digits, longest first: a hyphen or
/// an en dash, with or without spaces around it, a single space, or nothing.
const SEPARATORS: [&[u8]; 6] = [
    b" - ",
    " \u{2013} ".as_bytes(),
    b"-",
    "\u{2013}".as_bytes(),
    b" ",
    b"",
];

/// Finds CPR-like numbers in `text`: `ddmmyy-xxxx`, `ddmmyyxxxx`, and the same with spaces
/// (`ddmmyy xxxx`, `ddmmyy - xxxx`, `dd mm yy xxxx`) or an en dash, where `ddmmyy` is a real
/// date and the digits are not part of a longer number.
pub fn find_cpr(text: &str) -> Vec<CprHit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let found = date_at(b, i).and_then(|(date, after)| {
            let (d, m, y) = (date / 10000, (date / 100) % 100, date % 100);
            if !valid_date(d, m, y) {
                return None;
            }
            SEPARATORS.iter().find_map(|sep| {
                let tail_at = after + sep.len();
                let end = tail_at + 4;
                let ends_clean = b.get(end).map(|c| !c.is_ascii_digit()).unwrap_or(true);
                (b.get(after..tail_at) == Some(*sep)
                    && digits(b, tail_at, 4).is_some()
                    && ends_clean)
                    .then_some(end)
            })
        });
        match found {
            Some(end) => {
                hits.push(CprHit { start: i, end });
                i = end;
            }
            None => i += 1,
        }
    }
    hits
}

/// True when `text` holds a CPR-like number.
pub fn has_cpr(text: &str) -> bool {
    !find_cpr(text).is_empty()
}

/// Replaces every CPR-like number with `XXXXXX-XXXX`.
pub fn mask_cpr(text: &str) -> String {
    if !text.bytes().any(|c| c.is_ascii_digit()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for hit in find_cpr(text) {
        out.push_str(&text[last..hit.start]);
        out.push_str("XXXXXX-XXXX");
        last = hit.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Masks every CPR-like number in `text` where it is (see [`mask_cpr`]). This is the one
/// place that decides how a CPR number leaves gevinst: the import runs everything it
/// reports (messages, cells, titles, names) through it.
pub fn mask_cpr_in_place(text: &mut String) {
    if has_cpr(text) {
        *text = mask_cpr(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_cpr_with_and_without_dash() {
        assert_eq!(find_cpr("Borger 010203-1234 ringede").len(), 1);
        assert_eq!(find_cpr("cpr:0102031234.").len(), 1);
        assert_eq!(
            mask_cpr("a 290200-1234 b 3112991234"),
            "a XXXXXX-XXXX b XXXXXX-XXXX"
        );
    }

    #[test]
    fn finds_cpr_written_with_spaces_or_an_en_dash() {
        for text in [
            "Borger 010203 1234 ringede",
            "Borger 010203 - 1234 ringede",
            "Borger 01 02 03 1234 ringede",
            "Borger 01 02 03-1234 ringede",
            "Borger 010203\u{2013}1234 ringede",
            "Borger 010203 \u{2013} 1234 ringede",
        ] {
            assert_eq!(mask_cpr(text), "Borger XXXXXX-XXXX ringede", "{text}");
        }
        let mut s = "cpr 311299 1234".to_owned();
        mask_cpr_in_place(&mut s);
        assert_eq!(s, "cpr XXXXXX-XXXX");
    }

    #[test]
    fn spaced_numbers_that_are_no_cpr_are_left_alone() {
        assert!(!has_cpr("tlf. 20 30 40 50"), "a phone number");
        assert!(!has_cpr("010203 12345"), "five digits after the date");
        assert!(!has_cpr("01 02 03 123"), "three digits after the date");
        assert!(!has_cpr("320199 1234"), "day 32");
        assert!(!has_cpr("Budget 2026 1924 timer"), "a year and hours");
    }

    #[test]
    fn ignores_non_dates_and_longer_numbers() {
        assert!(find_cpr("320199-1234").is_empty(), "day 32");
        assert!(find_cpr("011399-1234").is_empty(), "month 13");
        assert!(find_cpr("300201-1234").is_empty(), "30 Feb");
        assert!(find_cpr("123456789012").is_empty(), "12 digits");
        assert!(find_cpr("Budget 1.234.567 kr. i 2025").is_empty());
        assert!(find_cpr("tlf 12345678").is_empty());
        assert!(find_cpr("x10203-1234").is_empty(), "only 5 date digits");
    }

    proptest! {
        #[test]
        fn masked_text_has_no_cpr(s in ".{0,60}") {
            prop_assert!(find_cpr(&mask_cpr(&s)).is_empty());
        }
    }
}
