//! Tests of the edges an independent check of every business case found: the channel-shift
//! size limit, bounded settings and overflow, half-øre rounding and the payback year.

use super::*;
use crate::business_case::calc::line_values;
use proptest::prelude::*;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal_macros::dec;

fn shift(from: Channel, to: Channel, amounts: Vec<Decimal>) -> LineDraft {
    LineDraft {
        kind: Some(LineKind::Kanalomlaegning),
        label: "Flytning".into(),
        amounts,
        from_channel: Some(from),
        to_channel: Some(to),
        ..Default::default()
    }
}

fn one_year(lines: Vec<LineDraft>) -> BusinessCaseDraft {
    BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(1),
        lines,
        ..Default::default()
    }
}

fn dear_in_person() -> Economics {
    let mut econ = Economics::default();
    econ.channel_costs.in_person = dec!(1000);
    econ
}

fn codes(r: Result<BusinessCase, crate::FieldErrors>) -> Vec<(String, String)> {
    r.unwrap_err()
        .0
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn channel_shift_limit_uses_the_lines_own_channels() {
    let econ = dear_in_person();
    // 8·10¹⁰ enquiries × (1,000 − 5) kr. = 7.96·10¹³ kr.: too much, either way round.
    for (from, to) in [
        (Channel::InPerson, Channel::Digital),
        (Channel::Digital, Channel::InPerson),
    ] {
        assert_eq!(
            codes(one_year(vec![shift(from, to, vec![dec!(8e10)])]).validate(&econ)),
            [("lines[0].amounts[0]".to_owned(), "out_of_range".to_owned())]
        );
    }
    // 10¹⁰ × 995 kr. = 9.95·10¹² kr. is within the limit.
    let ok = one_year(vec![shift(
        Channel::InPerson,
        Channel::Digital,
        vec![dec!(1e10)],
    )]);
    assert!(ok.validate(&econ).is_ok());
    // A cheap shift (telephone → digital, 45 kr.) may be larger than a dear one.
    let cheap = one_year(vec![shift(
        Channel::Telephone,
        Channel::Digital,
        vec![dec!(2e11)],
    )]);
    assert!(cheap.validate(&econ).is_ok());
}

proptest! {
    #[test]
    fn every_accepted_line_is_within_ten_to_the_thirteen_kr(
        kind in 0usize..7,
        from in 0usize..4,
        to in 0usize..4,
        exponent in 0i32..15,
        mantissa in 1.0f64..10.0,
        in_person in 0u32..10_000,
    ) {
        let mut econ = Economics::default();
        econ.channel_costs.in_person = Decimal::from(in_person);
        let line = LineDraft {
            kind: Some(LineKind::ALL[kind]),
            label: "Linje".into(),
            amounts: vec![Decimal::from_f64(mantissa * 10f64.powi(exponent)).unwrap()],
            from_channel: Some(Channel::ALL[from]),
            to_channel: Some(Channel::ALL[to]),
            category: Some(InvisibleCategory::Oprydning),
            ..Default::default()
        };
        if let Ok(case) = one_year(vec![line]).validate(&econ) {
            for v in line_values(&case.lines[0], &econ) {
                prop_assert!(v.abs() <= dec!(10000000000000), "{v}");
            }
        }
    }
}

#[test]
fn implausible_settings_are_field_errors() {
    let fields = |d: EconomicsDraft| -> Vec<String> {
        d.validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    };
    let base = EconomicsDraft::from(&Economics::default());
    let mut d = base.clone();
    d.hours_per_fte = Some(dec!(1e-9));
    d.annual_cost_per_fte = Some(dec!(1e8));
    d.hourly_rate_override = Some(dec!(10_000.01));
    d.channel_costs.in_person = Some(dec!(10_001));
    assert_eq!(
        fields(d),
        [
            "annual_cost_per_fte",
            "hours_per_fte",
            "hourly_rate_override",
            "channel_costs.in_person"
        ]
    );
    let mut d = base.clone();
    d.hours_per_fte = Some(dec!(99));
    d.annual_cost_per_fte = Some(dec!(9_999));
    let e = d.validate().unwrap_err();
    assert_eq!(
        e.message_for("hours_per_fte"),
        Some("Timer pr. årsværk skal være mellem 100 og 8.760 (årets timer).")
    );
    assert!(e.message_for("annual_cost_per_fte").is_some());
    let mut d = base;
    d.hours_per_fte = Some(dec!(100));
    d.annual_cost_per_fte = Some(dec!(10_000));
    d.hourly_rate_override = Some(dec!(10_000));
    d.channel_costs.written = Some(dec!(10_000));
    assert!(d.validate().is_ok());
}

/// Settings saved before the bounds existed: an hour is worth 5·10²⁰ kr.
fn legacy_economics() -> Economics {
    Economics {
        hours_per_fte: dec!(0.000000000000001),
        ..Economics::default()
    }
}

fn large_case() -> BusinessCase {
    let hours = Line::certain(
        LineKind::FrigjorteTimer,
        "Timer",
        vec![dec!(10000000000); 3],
    );
    BusinessCase {
        start_year: 2025,
        horizon: 3,
        discount_rate: None,
        lines: vec![
            Line {
                low: dec!(0.5),
                high: dec!(2),
                ..hours
            },
            Line::certain(LineKind::UsynligtArbejde, "Usynligt", vec![dec!(1); 3]),
        ],
        risks: vec![],
    }
}

#[test]
fn overflow_is_a_field_error_not_a_panic() {
    let (case, econ) = (large_case(), legacy_economics());
    let overflow = |e: crate::FieldErrors| {
        assert_eq!(e.0.len(), 1);
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("economics", "overflow")
        );
        assert!(e.0[0].message.contains("for store"));
    };
    overflow(evaluate(&case, &econ).unwrap_err());
    overflow(sensitivity(&case, &econ).unwrap_err());
    overflow(simulate(&case, &econ, SimulationSettings::default()).unwrap_err());
    overflow(
        simulate_portfolio(
            std::slice::from_ref(&case),
            &econ,
            SimulationSettings::default(),
        )
        .unwrap_err(),
    );
    // The public valuation saturates instead of panicking.
    assert_eq!(line_values(&case.lines[0], &econ)[0], Decimal::MAX);
    // With today's defaults the same case is fine.
    assert!(evaluate(&case, &Economics::default()).is_ok());
}

#[test]
fn half_ore_rounds_away_from_zero() {
    // 32,971.25 kr. a year from t = 1 at 4 %: exactly 31,703.125 kr. discounted.
    let case = BusinessCase {
        start_year: 2025,
        horizon: 2,
        discount_rate: Some(dec!(0.04)),
        lines: vec![Line::certain(
            LineKind::DirekteBesparelse,
            "Besparelse",
            vec![dec!(0), dec!(32971.25)],
        )],
        risks: vec![],
    };
    let r = evaluate(&case, &Economics::default()).unwrap();
    assert_eq!(r.npv, dec!(31703.13));
    assert_eq!(r.years[1].discounted_net, dec!(31703.13));
    let bars = sensitivity(&case, &Economics::default()).unwrap();
    assert_eq!(bars[0].npv_low, dec!(31703.13));
}

#[test]
fn invisible_share_rounds_half_away_from_zero() {
    // 12,345 hours at 1 kr. of 100,000 kr. gross: exactly 0.12345, shown as 0.1235.
    let econ = Economics {
        hourly_rate_override: Some(dec!(1)),
        ..Economics::default()
    };
    let case = BusinessCase {
        start_year: 2025,
        horizon: 1,
        discount_rate: None,
        lines: vec![
            Line::certain(
                LineKind::DirekteBesparelse,
                "Besparelse",
                vec![dec!(100000)],
            ),
            Line {
                category: Some(InvisibleCategory::Oprydning),
                ..Line::certain(LineKind::UsynligtArbejde, "Oprydning", vec![dec!(12345)])
            },
        ],
        risks: vec![],
    };
    let r = evaluate(&case, &econ).unwrap();
    assert_eq!(r.invisible_share, Some(dec!(0.1235)));
}

fn net_flows(nets: &[i64]) -> BusinessCase {
    let (mut costs, mut benefits) = (Vec::new(), Vec::new());
    for n in nets {
        costs.push(Decimal::from((-n).max(0)));
        benefits.push(Decimal::from((*n).max(0)));
    }
    BusinessCase {
        start_year: 2025,
        horizon: nets.len() as u32,
        discount_rate: None,
        lines: vec![
            Line::certain(LineKind::Investering, "Investering", costs),
            Line::certain(LineKind::DirekteBesparelse, "Besparelse", benefits),
        ],
        risks: vec![],
    }
}

#[test]
fn payback_is_the_year_the_investment_stays_recovered() {
    let payback = |nets: &[i64]| {
        evaluate(&net_flows(nets), &Economics::default())
            .unwrap()
            .payback_year
    };
    // Year 0 nets to exactly 0 before the investment is spent: not paid back then.
    assert_eq!(payback(&[0, -100, 200]), Some(2027));
    // Cumulative −100, 50, −10, 20: recovered for good in the fourth year.
    assert_eq!(payback(&[-100, 150, -60, 30]), Some(2028));
    // Positive at first, negative at the end: never.
    assert_eq!(payback(&[100, -50, -60]), None);
    // Reaching exactly 0 and staying there counts.
    assert_eq!(payback(&[-100, 100, 0]), Some(2026));
    assert_eq!(payback(&[50, 0]), Some(2025));
}

#[test]
fn gamma_draws_have_the_gamma_moments() {
    use super::simulate::{chunk_rng, gamma};
    use rand::Rng;
    for shape in [0.4, 1.0, 1.7, 5.0] {
        let g = gamma(shape).unwrap();
        let mut rng = chunk_rng(11, 0);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.sample(g)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Gamma(k, 1) has mean k and variance k.
        assert!(
            (mean - shape).abs() < 0.02 * shape.max(1.0),
            "{shape}: {mean}"
        );
        assert!(
            (var - shape).abs() < 0.05 * shape.max(1.0),
            "{shape}: {var}"
        );
        assert!(draws.iter().all(|x| *x > 0.0 && x.is_finite()));
    }
    assert!(gamma(0.0).is_none() && gamma(f64::NAN).is_none());
}
