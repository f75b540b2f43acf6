//! Tests of validation, simulation and sensitivity.

use super::*;
use proptest::prelude::*;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal_macros::dec;

fn econ() -> Economics {
    Economics::default()
}

fn line(kind: LineKind, amounts: Vec<Decimal>) -> LineDraft {
    LineDraft {
        kind: Some(kind),
        label: "Linje".into(),
        amounts,
        ..Default::default()
    }
}

fn draft(lines: Vec<LineDraft>, risks: Vec<RiskDraft>) -> BusinessCaseDraft {
    BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(3),
        discount_rate: None,
        lines,
        risks,
    }
}

fn codes(e: &crate::FieldErrors) -> Vec<(String, String)> {
    e.0.iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect()
}

#[test]
fn validation_reports_each_bad_input() {
    let mut bad_range = line(LineKind::Drift, vec![dec!(1), dec!(1), dec!(1)]);
    bad_range.low = Some(dec!(1.2));
    bad_range.high = Some(dec!(0.8));
    let mut shift = line(LineKind::Kanalomlaegning, vec![dec!(1), dec!(1), dec!(1)]);
    shift.from_channel = Some(Channel::Digital);
    shift.to_channel = Some(Channel::Digital);
    let d = draft(
        vec![
            line(LineKind::Drift, vec![dec!(1), dec!(2)]),
            bad_range,
            line(LineKind::FrigjorteTimer, vec![dec!(-5), dec!(0), dec!(0)]),
            line(
                LineKind::DirekteBesparelse,
                vec![Decimal::MAX, Decimal::MIN, dec!(2e13)],
            ),
            line(LineKind::UsynligtArbejde, vec![dec!(1), dec!(1), dec!(1)]),
            shift,
        ],
        vec![RiskDraft {
            description: "Risiko".into(),
            probability: Some(dec!(1.5)),
            min: Some(dec!(300)),
            likely: Some(dec!(200)),
            max: Some(dec!(100)),
            year: 3,
        }],
    );
    let e = d.validate(&econ()).unwrap_err();
    let c = codes(&e);
    let expect = [
        ("lines[0].amounts", "wrong_length"),
        ("lines[1].low", "out_of_range"),
        ("lines[1].high", "out_of_range"),
        ("lines[2].amounts[0]", "negative"),
        ("lines[3].amounts[0]", "out_of_range"),
        ("lines[3].amounts[1]", "out_of_range"),
        ("lines[3].amounts[2]", "out_of_range"),
        ("lines[4].category", "required"),
        ("lines[5].to_channel", "same_channel"),
        ("risks[0].probability", "out_of_range"),
        ("risks[0].likely", "order"),
        ("risks[0].year", "out_of_range"),
    ];
    for (field, code) in expect {
        assert!(
            c.contains(&(field.to_owned(), code.to_owned())),
            "missing {field} {code} in {c:?}"
        );
    }
    assert_eq!(c.len(), expect.len(), "{c:?}");
}

#[test]
fn horizon_and_rate_limits() {
    for h in [0, 21] {
        let d = BusinessCaseDraft {
            start_year: Some(2025),
            horizon: Some(h),
            ..Default::default()
        };
        assert_eq!(
            codes(&d.validate(&econ()).unwrap_err()),
            [("horizon".to_owned(), "out_of_range".to_owned())]
        );
    }
    let d = BusinessCaseDraft {
        start_year: Some(2025),
        discount_rate: Some(dec!(-0.01)),
        ..Default::default()
    };
    assert!(d.validate(&econ()).is_err());
    let d = BusinessCaseDraft {
        start_year: None,
        ..Default::default()
    };
    assert!(d.validate(&econ()).is_err());
    // Hours so many that their value exceeds 10^13 kr.
    let d = BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(1),
        lines: vec![line(LineKind::FrigjorteTimer, vec![dec!(1e12)])],
        ..Default::default()
    };
    assert!(d.validate(&econ()).is_err());
}

#[test]
fn decimals_are_what_the_user_typed() {
    let d = BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(1),
        discount_rate: Some(dec!(0.035)),
        lines: vec![line(LineKind::DirekteBesparelse, vec![dec!(0.1)])],
        ..Default::default()
    };
    let case = d.validate(&econ()).unwrap();
    assert_eq!(case.lines[0].amounts[0], dec!(0.1));
    assert_eq!(case.discount_rate, Some(dec!(0.035)));
}

fn uncertain_case() -> BusinessCase {
    let d = BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(5),
        discount_rate: None,
        lines: vec![
            LineDraft {
                low: Some(dec!(0.9)),
                high: Some(dec!(1.5)),
                ..line(
                    LineKind::Investering,
                    vec![dec!(400000), dec!(0), dec!(0), dec!(0), dec!(0)],
                )
            },
            LineDraft {
                low: Some(dec!(1)),
                high: Some(dec!(1.3)),
                ..line(
                    LineKind::Drift,
                    vec![dec!(0), dec!(50000), dec!(50000), dec!(50000), dec!(50000)],
                )
            },
            LineDraft {
                low: Some(dec!(0.5)),
                high: Some(dec!(1.1)),
                hjemtagbar: true,
                ..line(
                    LineKind::FrigjorteTimer,
                    vec![dec!(0), dec!(800), dec!(1600), dec!(1600), dec!(1600)],
                )
            },
        ],
        risks: vec![RiskDraft {
            description: "Leverandøren er forsinket".into(),
            probability: Some(dec!(0.3)),
            min: Some(dec!(20000)),
            likely: Some(dec!(50000)),
            max: Some(dec!(150000)),
            year: 1,
        }],
    };
    d.validate(&econ()).unwrap()
}

#[test]
fn same_seed_same_result_whatever_the_threads() {
    let case = uncertain_case();
    let settings = SimulationSettings {
        iterations: 20_000,
        seed: 42,
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| simulate(&case, &econ(), settings));
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| simulate(&case, &econ(), settings));
    assert_eq!(one.unwrap(), four.unwrap());
    let other = simulate(
        &case,
        &econ(),
        SimulationSettings {
            seed: 43,
            ..settings
        },
    )
    .unwrap();
    assert_ne!(other, simulate(&case, &econ(), settings).unwrap());
}

#[test]
fn simulated_mean_matches_pert_means() {
    // E[NPV] = Σ line NPV × PERT mean of its multiplier − risk pool (discounted).
    let case = uncertain_case();
    let r = simulate(
        &case,
        &econ(),
        SimulationSettings {
            iterations: 200_000,
            seed: 7,
        },
    )
    .unwrap();
    let df: Vec<Decimal> = super::calc::growth_factors(econ().discount_rate, 5)
        .unwrap()
        .iter()
        .map(|g| Decimal::ONE / g)
        .collect();
    let mut expected = 0.0;
    for l in &case.lines {
        let sign = if l.kind.is_benefit() { 1.0 } else { -1.0 };
        let npv: f64 = line_values(l, &econ())
            .iter()
            .zip(&df)
            .map(|(v, d)| (*v * *d).to_f64().unwrap())
            .sum();
        let mean = (l.low.to_f64().unwrap() + 4.0 + l.high.to_f64().unwrap()) / 6.0;
        expected += sign * npv * mean;
    }
    expected -= 0.3 * (20000.0 + 4.0 * 50000.0 + 150000.0) / 6.0 * df[1].to_f64().unwrap();
    assert!(
        (r.npv.mean - expected).abs() / expected.abs() < 0.005,
        "{} vs {expected}",
        r.npv.mean
    );
    assert!(r.probability_negative_npv > 0.0 && r.probability_negative_npv < 1.0);
    let total: u32 = r.npv.histogram.iter().map(|b| b.count).sum();
    assert_eq!(total, 200_000);
}

#[test]
fn iterations_are_limited() {
    let case = uncertain_case();
    assert!(simulate(
        &case,
        &econ(),
        SimulationSettings {
            iterations: 0,
            seed: 1
        }
    )
    .is_err());
    assert!(simulate(
        &case,
        &econ(),
        SimulationSettings {
            iterations: MAX_ITERATIONS + 1,
            seed: 1
        }
    )
    .is_err());
}

#[test]
fn tornado_hand_computed() {
    let case = BusinessCase {
        start_year: 2025,
        horizon: 1,
        discount_rate: Some(dec!(0)),
        lines: vec![
            Line {
                low: dec!(0.5),
                high: dec!(1.2),
                ..Line::certain(LineKind::DirekteBesparelse, "Porto", vec![dec!(100000)])
            },
            Line {
                low: dec!(1),
                high: dec!(2),
                ..Line::certain(LineKind::Drift, "Licens", vec![dec!(10000)])
            },
        ],
        risks: vec![Risk {
            description: "Nedbrud".into(),
            probability: dec!(0.1),
            min: dec!(0),
            likely: dec!(5000),
            max: dec!(30000),
            year: 0,
        }],
    };
    let bars = sensitivity(&case, &econ()).unwrap();
    // Base NPV 90,000. Porto: 40,000 … 110,000 (swing 70,000). Risk: 90,000 … 60,000.
    // Licens: 90,000 … 80,000.
    let got: Vec<(&str, Decimal, Decimal)> = bars
        .iter()
        .map(|b| (b.label.as_str(), b.npv_low, b.npv_high))
        .collect();
    assert_eq!(
        got,
        [
            ("Porto", dec!(40000), dec!(110000)),
            ("Nedbrud", dec!(90000), dec!(60000)),
            ("Licens", dec!(90000), dec!(80000))
        ]
    );
}

fn positive_case(amounts: &[u32], invest: u32, rate: Decimal) -> BusinessCase {
    let h = amounts.len() + 1;
    let mut benefit = vec![Decimal::ZERO];
    benefit.extend(amounts.iter().map(|a| Decimal::from(*a)));
    let mut inv = vec![Decimal::ZERO; h];
    inv[0] = Decimal::from(invest);
    BusinessCase {
        start_year: 2025,
        horizon: h as u32,
        discount_rate: Some(rate),
        lines: vec![
            Line::certain(LineKind::Investering, "Investering", inv),
            Line::certain(LineKind::DirekteBesparelse, "Besparelse", benefit),
        ],
        risks: vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn certain_inputs_give_the_deterministic_npv(amounts in prop::collection::vec(0u32..5_000_000, 1..8), invest in 0u32..10_000_000, seed in any::<u64>()) {
        let case = positive_case(&amounts, invest, dec!(0.035));
        let det = evaluate(&case, &econ()).unwrap().npv.to_f64().unwrap();
        let sim = simulate(&case, &econ(), SimulationSettings { iterations: 50, seed }).unwrap();
        for p in [sim.npv.p10, sim.npv.p50, sim.npv.p90, sim.npv.mean] {
            prop_assert!((p - det).abs() <= 0.005 + det.abs() * 1e-12, "{p} vs {det}");
        }
    }

    #[test]
    fn percentiles_are_ordered(low in 0.0f64..1.0, high in 1.0f64..3.0, p in 0.0f64..1.0, seed in any::<u64>()) {
        let mut case = uncertain_case();
        case.lines[2].low = Decimal::from_f64(low).unwrap().round_dp(3);
        case.lines[2].high = Decimal::from_f64(high).unwrap().round_dp(3);
        case.risks[0].probability = Decimal::from_f64(p).unwrap().round_dp(3);
        let sim = simulate(&case, &econ(), SimulationSettings { iterations: 500, seed }).unwrap();
        for d in [&sim.npv, &sim.full_effect] {
            prop_assert!(d.min <= d.p10 && d.p10 <= d.p50 && d.p50 <= d.p90 && d.p90 <= d.max);
        }
    }

    #[test]
    fn npv_falls_as_the_rate_rises(amounts in prop::collection::vec(1u32..5_000_000, 1..8), invest in 0u32..10_000_000, r in 0u32..200) {
        let lower = Decimal::from(r) / dec!(1000);
        let higher = lower + dec!(0.01);
        let a = evaluate(&positive_case(&amounts, invest, lower), &econ()).unwrap().npv;
        let b = evaluate(&positive_case(&amounts, invest, higher), &econ()).unwrap().npv;
        prop_assert!(b < a, "{a} at {lower} vs {b} at {higher}");
    }

    #[test]
    fn splitting_a_line_changes_nothing(amounts in prop::collection::vec(0u32..1_000_000, 3), kind in 0usize..7) {
        let kind = LineKind::ALL[kind];
        let mut whole = Line::certain(kind, "Hel", amounts.iter().map(|a| Decimal::from(*a)).collect());
        whole.hjemtagbar = kind.is_benefit();
        whole.from_channel = Some(Channel::Telephone);
        whole.to_channel = Some(Channel::Digital);
        whole.category = Some(InvisibleCategory::Kompensation);
        let half = Line { amounts: whole.amounts.iter().map(|a| *a / dec!(2)).collect(), ..whole.clone() };
        let case = |lines| BusinessCase { start_year: 2025, horizon: 3, discount_rate: None, lines, risks: vec![] };
        prop_assert_eq!(evaluate(&case(vec![whole.clone()]), &econ()), evaluate(&case(vec![half.clone(), half]), &econ()));
    }
}

#[test]
fn draft_decimals_round_trip_exactly() {
    let d: BusinessCaseDraft = serde_json::from_value(serde_json::json!({
        "start_year": 2025,
        "horizon": 1,
        "discount_rate": "0.0350000000000000000001",
        "lines": [{"kind": "direkte_besparelse", "label": "Linje",
                   "amounts": ["100000.123456789012345678"], "low": "0.99999999999999999999"}],
    }))
    .unwrap();
    let case = d.validate(&econ()).unwrap();
    let out = serde_json::to_value(&case).unwrap();
    assert_eq!(out["lines"][0]["amounts"][0], "100000.123456789012345678");
    assert_eq!(out["lines"][0]["low"], "0.99999999999999999999");
    assert_eq!(out["discount_rate"], "0.0350000000000000000001");
}

#[test]
fn draft_reads_json_numbers() {
    let d: BusinessCaseDraft = serde_json::from_value(serde_json::json!({
        "start_year": 2025,
        "horizon": 2,
        "discount_rate": 0.035,
        "lines": [{"kind": "frigjorte_timer", "label": "Linje", "amounts": [0.1, 1600],
                   "low": 0.8, "high": 1.25}],
        "risks": [{"description": "Risiko", "probability": 0.3, "min": 0,
                   "likely": 50000.5, "max": 1e5, "year": 1}],
    }))
    .unwrap();
    let case = d.validate(&econ()).unwrap();
    assert_eq!(case.discount_rate, Some(dec!(0.035)));
    assert_eq!(case.lines[0].amounts, [dec!(0.1), dec!(1600)]);
    assert_eq!(
        (case.lines[0].low, case.lines[0].high),
        (dec!(0.8), dec!(1.25))
    );
    let r = &case.risks[0];
    assert_eq!(
        (r.probability, r.min, r.likely, r.max),
        (dec!(0.3), dec!(0), dec!(50000.5), dec!(100000))
    );
}
