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

/// Finds CPR-like numbers in `text`.
pub fn find_cpr(text: &str) -> Vec<CprHit> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let digits = |from: usize, n: usize| -> Option<u32> {
            let s = b.get(from..from + n)?;
            s.iter()
                .all(u8::is_ascii_digit)
                .then(|| s.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0')))
        };
        let date = digits(i, 6);
        let (tail_at, sep) = match b.get(i + 6) {
            Some(b'-') => (i + 7, true),
            _ => (i + 6, false),
        };
        let tail = digits(tail_at, 4);
        let end = tail_at + 4;
        let ends_clean = b.get(end).map(|c| !c.is_ascii_digit()).unwrap_or(true);
        if let (Some(date), Some(_)) = (date, tail) {
            let (d, m, y) = (date / 10000, (date / 100) % 100, date % 100);
            if ends_clean
                && valid_date(d, m, y)
                && (sep || b.get(i + 6).is_some_and(u8::is_ascii_digit))
            {
                hits.push(CprHit { start: i, end });
                i = end;
                continue;
            }
        }
        i += 1;
    }
    hits
}

/// Replaces every CPR-like number with `XXXXXX-XXXX`.
pub fn mask_cpr(text: &str) -> String {
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
