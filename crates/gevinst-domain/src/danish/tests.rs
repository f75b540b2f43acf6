//! Unit tests of the Danish formatting and parsing.

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
fn every_kind_rounds_half_away_from_zero() {
    assert_eq!(format_kr(dec!(0.5)), "1 kr.");
    assert_eq!(format_kr(dec!(-2.5)), "-3 kr.");
    assert_eq!(format_kr(dec!(31703.125)), "31.703 kr.");
    assert_eq!(format_price(dec!(31703.125)), "31.703,13 kr.");
    assert_eq!(format_price(dec!(-0.005)), "-0,01 kr.");
    assert_eq!(format_price(dec!(-0.004)), "0,00 kr.");
    assert_eq!(format_hours(dec!(1234.5)), "1.235 timer");
    assert_eq!(format_hours(dec!(-1234.5)), "-1.235 timer");
    assert_eq!(format_hours(dec!(0.49)), "0 timer");
    assert_eq!(format_fte(dec!(0.045)), "0,05 årsværk");
    assert_eq!(format_fte(dec!(12.345)), "12,35 årsværk");
    assert_eq!(format_fte(dec!(-12.345)), "-12,35 årsværk");
    assert_eq!(format_fte(dec!(1000)), "1.000,00 årsværk");
    assert_eq!(format_percent(dec!(0.035)), "3,5 %");
    assert_eq!(format_percent(dec!(0.00125)), "0,1 %");
    assert_eq!(format_percent(dec!(-0.00125)), "-0,1 %");
    assert_eq!(format_percent(dec!(12.3456)), "1.234,6 %");
    assert_eq!(format_percent(dec!(0)), "0,0 %");
    assert_eq!(format_quantity(dec!(7.5)), "7,50");
    assert_eq!(format_quantity(dec!(-1234.565)), "-1.234,57");
}

#[test]
fn f64_figures_follow_the_decimal_rules() {
    assert_eq!(format_kr_f64(-1234.5), "-1.235 kr.");
    assert_eq!(format_kr_f64(0.4), "0 kr.");
    assert_eq!(format_kr_f64(f64::INFINITY), "– kr.");
    assert_eq!(format_percent_f64(0.634), "63,4 %");
    assert_eq!(format_percent_f64(0.0), "0,0 %");
    assert_eq!(format_percent_f64(-0.0625), "-6,3 %");
    assert_eq!(format_percent_f64(1.0), "100,0 %");
}

#[test]
fn counts_group_thousands() {
    assert_eq!(format_count(0u32), "0");
    assert_eq!(format_count(999u32), "999");
    assert_eq!(format_count(1000u64), "1.000");
    assert_eq!(format_count(1_234_567usize), "1.234.567");
    assert_eq!(format_count(-20_000_000i64), "-20.000.000");
    assert_eq!(format_count(u64::MAX), "18.446.744.073.709.551.615");
}

#[test]
fn amounts_in_their_unit() {
    assert_eq!(
        format_target_amount(TargetKind::KrPerYear, dec!(1234567.6)),
        "1.234.568 kr."
    );
    assert_eq!(
        format_target_amount(TargetKind::Aarsvaerk, dec!(0.05)),
        "0,05 årsværk"
    );
    assert_eq!(
        format_line_amount(LineKind::Drift, dec!(-1234.5)),
        "-1.235 kr."
    );
    assert_eq!(
        format_line_amount(LineKind::FrigjorteTimer, dec!(100)),
        "100 timer"
    );
    assert_eq!(
        format_line_amount(LineKind::UsynligtArbejde, dec!(2.5)),
        "3 timer"
    );
    assert_eq!(
        format_line_amount(LineKind::FrigjorteAarsvaerk, dec!(0.045)),
        "0,05 årsværk"
    );
    assert_eq!(
        format_line_amount(LineKind::Kanalomlaegning, dec!(1200)),
        "1.200 henvendelser"
    );
}

#[test]
fn dates_in_danish_local_time() {
    use chrono::TimeZone;
    let at = |y, m, d, h, min| Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap();
    assert_eq!(
        format_datetime(at(2026, 1, 15, 12, 0)),
        "15.01.2026 kl. 13.00"
    );
    assert_eq!(
        format_datetime(at(2026, 7, 1, 12, 5)),
        "01.07.2026 kl. 14.05"
    );
    // 2026: summer time starts 29 March 01:00 UTC and ends 25 October 01:00 UTC.
    assert_eq!(
        format_datetime(at(2026, 3, 29, 0, 59)),
        "29.03.2026 kl. 01.59"
    );
    assert_eq!(
        format_datetime(at(2026, 3, 29, 1, 0)),
        "29.03.2026 kl. 03.00"
    );
    assert_eq!(
        format_datetime(at(2026, 10, 25, 0, 59)),
        "25.10.2026 kl. 02.59"
    );
    assert_eq!(
        format_datetime(at(2026, 10, 25, 1, 0)),
        "25.10.2026 kl. 02.00"
    );
    assert_eq!(format_local_date(at(2026, 12, 31, 23, 30)), "01.01.2027");
    use chrono::Timelike;
    assert_eq!(danish_local(at(2026, 7, 15, 12, 0)).hour(), 14);
    assert_eq!(danish_local(at(2026, 3, 29, 1, 0)).hour(), 3);
    assert_eq!(
        format_sheet_datetime(at(2026, 1, 15, 12, 0)),
        "15-01-2026 13:00"
    );
    let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(format_date(d), "01.12.2026");
    assert_eq!(format_date_in_words(d), "1. december 2026");
    // The extremes of chrono's range answer without panicking.
    let _ = format_datetime(DateTime::<Utc>::MAX_UTC);
    let _ = format_datetime(DateTime::<Utc>::MIN_UTC);
}

#[test]
fn input_format_round_trips() {
    for d in [dec!(1234567.50), dec!(0), dec!(-5), dec!(0.035), dec!(1000)] {
        let text = format_input(d);
        assert_eq!(parse_number(&text), Ok(d.normalize()), "{text}");
    }
    assert_eq!(format_input(dec!(1234567.50)), "1.234.567,5");
}

#[test]
fn plain_numbers_have_no_thousands_separators() {
    assert_eq!(format_plain(dec!(2026)), "2026");
    assert_eq!(format_plain(dec!(1924.0)), "1924");
    assert_eq!(format_plain(dec!(1234567.50)), "1234567,5");
    assert_eq!(format_plain(dec!(-0.035)), "-0,035");
    assert_eq!(format_plain(dec!(0.000)), "0");
    for d in [dec!(2026), dec!(1234567.5), dec!(-5), dec!(0.035)] {
        assert_eq!(parse_number(&format_plain(d)), Ok(d), "reads back");
    }
}

#[test]
fn amounts_typed_back_keep_their_øre() {
    assert_eq!(format_amount_input(dec!(1234567.50)), "1.234.567,50");
    assert_eq!(format_amount_input(dec!(1234567.5)), "1.234.567,50");
    assert_eq!(format_amount_input(dec!(1000.00)), "1.000");
    assert_eq!(format_amount_input(dec!(-0.125)), "-0,125");
    assert_eq!(format_amount_input(dec!(0)), "0");
    for d in [dec!(1234567.50), dec!(-5.1), dec!(0.035), dec!(1500000)] {
        let text = format_amount_input(d);
        assert_eq!(parse_kr(&text).map(|a| a.value), Ok(d), "{text}");
    }
}

#[test]
fn kr_amounts_with_words_and_scales() {
    let v = |t: &str| parse_kr(t).map(|a| a.value);
    assert_eq!(v("1.234.567 kr."), Ok(dec!(1234567)));
    assert_eq!(v("kr. 250.000"), Ok(dec!(250000)));
    assert_eq!(v("1,5 mio."), Ok(dec!(1500000)));
    assert_eq!(v("2 mio. kr."), Ok(dec!(2000000)));
    assert_eq!(v("250 t.kr."), Ok(dec!(250000)));
    assert_eq!(v("250 tkr"), Ok(dec!(250000)));
    assert_eq!(v("250.000,-"), Ok(dec!(250000)));
    assert_eq!(v("1.234.567,50"), Ok(dec!(1234567.50)));
    assert_eq!(v("DKK 1.000"), Ok(dec!(1000)));
    assert_eq!(v("1,2 mia."), Ok(dec!(1200000000)));
    assert_eq!(v("  "), Err(NumberError::Empty));
    assert!(matches!(v("kr."), Err(NumberError::Invalid(_))));
    assert!(matches!(v("2 mio. mia."), Err(NumberError::Invalid(_))));
    assert!(matches!(v("mange penge"), Err(NumberError::Invalid(_))));
    assert_eq!(parse_kr("2 mio. kr.").map(|a| a.scale), Ok(Scale::Million));
}

#[test]
fn ambiguous_separators_are_reported() {
    assert_eq!(ambiguity("1.234"), Some(Ambiguity::DotAsThousands));
    assert_eq!(ambiguity("1,234"), Some(Ambiguity::CommaAsDecimal));
    assert_eq!(ambiguity("-12.500"), Some(Ambiguity::DotAsThousands));
    assert_eq!(ambiguity("1.234.567"), None);
    assert_eq!(ambiguity("1.234,5"), None);
    assert_eq!(ambiguity("1,5"), None);
    assert_eq!(ambiguity("0.250"), None);
    assert_eq!(
        parse_kr("1.234 kr.").map(|a| a.ambiguity),
        Ok(Some(Ambiguity::DotAsThousands))
    );
    assert_eq!(
        Ambiguity::DotAsThousands.explain("1.234"),
        "«1.234» er læst som 1234 (punktum som tusindtalsseparator, dansk skrivemåde), ikke som 1,234."
    );
    assert_eq!(
        Ambiguity::CommaAsDecimal.explain("1,234"),
        "«1,234» er læst som 1,234 (komma som decimaltegn, dansk skrivemåde), ikke som 1234."
    );
}

proptest::proptest! {
    #[test]
    fn danish_format_round_trips(mantissa in -10_000_000_000_000i64..10_000_000_000_000i64, scale in 0u32..6) {
        let d = Decimal::new(mantissa, scale);
        let text = format_decimal(d, scale);
        proptest::prop_assert_eq!(parse_number(&text), Ok(d));
        let kr = format!("{} kr.", text);
        proptest::prop_assert_eq!(parse_kr(&kr).map(|a| a.value), Ok(d));
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,30}") {
        let _ = parse_number(&s);
        let _ = parse_kr(&s);
        let _ = ambiguity(&s);
    }
}

#[test]
fn a_chance_is_whole_percent_and_only_certainty_is_100_or_0() {
    assert_eq!(format_chance(0.917), "92 %");
    assert_eq!(format_chance(0.925), "93 %");
    assert_eq!(format_chance(0.5), "50 %");
    assert_eq!(format_chance(0.998), "over 99 %");
    assert_eq!(format_chance(0.99), "99 %");
    assert_eq!(format_chance(0.015), "2 %");
    assert_eq!(format_chance(0.004), "under 1 %");
    assert_eq!(format_chance(1.0), "100 %");
    assert_eq!(format_chance(0.0), "0 %");
    assert_eq!(format_chance(f64::NAN), "–");
}

#[test]
fn a_gap_is_said_in_words() {
    assert_eq!(
        format_gap(TargetKind::KrPerYear, dec!(2000000)),
        "2.000.000 kr. bagud"
    );
    assert_eq!(
        format_gap(TargetKind::KrPerYear, dec!(-400000)),
        "400.000 kr. foran"
    );
    assert_eq!(format_gap(TargetKind::KrPerYear, dec!(0.4)), "på mål");
    assert_eq!(
        format_gap(TargetKind::Aarsvaerk, dec!(-0.4)),
        "0,40 årsværk foran"
    );
    assert_eq!(format_gap(TargetKind::Aarsvaerk, dec!(0)), "på mål");
}
