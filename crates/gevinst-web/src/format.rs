//! Danish formatting for the UI: numbers with `.` as thousands separator, dates in
//! Danish local time (CET/CEST).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{format_decimal, format_kr};
use gevinst_domain::programme::TargetKind;

/// Årsværk with two decimals: `"0,05 årsværk"`.
pub fn fte(d: Decimal) -> String {
    format!("{} årsværk", format_decimal(d, 2))
}

/// A number in a programme target's unit: whole kroner (`"1.234.568 kr."`) or årsværk.
pub fn target_amount(kind: TargetKind, d: Decimal) -> String {
    match kind {
        TargetKind::KrPerYear => format_kr(d),
        TargetKind::Aarsvaerk => fte(d),
    }
}

/// `1234567` → `"1.234.567"`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d =
        NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or(NaiveDate::MIN) - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

/// Converts UTC to Danish local time: UTC+2 from the last Sunday of March 01:00 UTC to the
/// last Sunday of October 01:00 UTC, otherwise UTC+1 (the EU rule).
pub fn danish_local(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    let y = t.year();
    let start = last_sunday(y, 3)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let end = last_sunday(y, 10)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let offset = if t >= start && t < end { 2 } else { 1 };
    (t + Duration::hours(offset)).naive_utc()
}

/// `"22.11.2026 kl. 07.35"` in Danish local time.
pub fn datetime(t: &DateTime<Utc>) -> String {
    danish_local(*t).format("%d.%m.%Y kl. %H.%M").to_string()
}

/// `"22.11.2026"` in Danish local time.
pub fn date(t: &DateTime<Utc>) -> String {
    danish_local(*t).format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn target_amounts_in_their_unit() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            target_amount(TargetKind::KrPerYear, d("1234567.6")),
            "1.234.568 kr."
        );
        assert_eq!(
            target_amount(TargetKind::Aarsvaerk, d("0.05")),
            "0,05 årsværk"
        );
        assert_eq!(fte(d("12.345")), "12,35 årsværk");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1.000");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(thousands(-20_000_000), "-20.000.000");
    }

    #[test]
    fn summer_and_winter_time() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(datetime(&winter), "15.01.2026 kl. 13.00");
        assert_eq!(datetime(&summer), "01.07.2026 kl. 14.00");
        // 2026: DST starts 29 March 01:00 UTC, ends 25 October 01:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(datetime(&before), "29.03.2026 kl. 01.59");
        assert_eq!(datetime(&after), "29.03.2026 kl. 03.00");
        let end = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(datetime(&end), "25.10.2026 kl. 02.00");
    }
}
