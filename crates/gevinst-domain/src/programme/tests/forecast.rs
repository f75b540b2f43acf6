//! Tests of the programme forecast (Monte Carlo over the potentials' cases) and of which
//! actuals count.

use super::*;

fn settings(seed: u64) -> SimulationSettings {
    SimulationSettings {
        iterations: 2000,
        seed,
    }
}

/// A certain programme: potentials i drift with ranges at 1.
fn certain_potentials() -> Vec<ProgrammePotential> {
    fixture()
        .into_iter()
        .take(3)
        .map(|mut p| {
            p.status = Status::IDrift;
            p.actuals.clear();
            p
        })
        .collect()
}

#[test]
fn forecast_certain_above_target_is_one_and_out_of_reach_is_zero() {
    let prog = programme();
    let pots = certain_potentials();
    let probs = StatusProbabilities::default();
    let r = forecast(&prog, &pots, &econ(), &probs, settings(1), 2025).unwrap();
    // 2027: 250,000 + 950,000 + 400,000 = 1,600,000 ≥ 1,000,000; 1.9 årsværk < 2.
    assert_eq!(r.targets[0].probability, 1.0);
    assert_eq!(r.targets[1].probability, 0.0);
    assert!((r.years[2].gain_kr.p50 - 1_600_000.0).abs() < 1e-6);
    assert!((r.years[2].fte.p10 - 1.9).abs() < 1e-9);
    // Exactly at target counts as reached.
    let mut exact = prog.clone();
    exact.targets[0].amount = dec!(1600000);
    let r = forecast(&exact, &pots, &econ(), &probs, settings(1), 2025).unwrap();
    assert_eq!(r.targets[0].probability, 1.0);
    // Out of reach.
    exact.targets[0].amount = dec!(1700000);
    let r = forecast(&exact, &pots, &econ(), &probs, settings(1), 2025).unwrap();
    assert_eq!(r.targets[0].probability, 0.0);
}

#[test]
fn forecast_gives_each_milestone_its_probability() {
    let prog = programme();
    let pots = certain_potentials();
    let probs = StatusProbabilities::default();
    let r = forecast(&prog, &pots, &econ(), &probs, settings(3), 2025).unwrap();
    let m = &r.targets[0].milestones;
    assert_eq!(
        m.iter().map(|m| (m.year, m.amount)).collect::<Vec<_>>(),
        [(2025, dec!(200000)), (2026, dec!(600000))]
    );
    // Certain potentials: each milestone is reached exactly when the year's gain is at
    // least its amount.
    for ms in m {
        let gain = r
            .years
            .iter()
            .find(|y| y.year == ms.year)
            .unwrap()
            .gain_kr
            .p50;
        let amount: f64 = ms.amount.to_string().parse().unwrap();
        let expected = if gain >= amount { 1.0 } else { 0.0 };
        assert_eq!(ms.probability, expected, "{} (gain {gain})", ms.year);
    }
    assert!(r.targets[1].milestones.is_empty());
    // Raising a milestone above the year's certain gain makes it unreachable, and lowering
    // it to zero makes it certain, without touching the deadline's probability.
    let mut harder = prog.clone();
    harder.targets[0].milestones[1].amount = dec!(100000000);
    harder.targets[0].milestones[0].amount = dec!(0);
    let h = forecast(&harder, &pots, &econ(), &probs, settings(3), 2025).unwrap();
    let hm: Vec<f64> = h.targets[0]
        .milestones
        .iter()
        .map(|m| m.probability)
        .collect();
    assert_eq!(hm, [1.0, 0.0]);
    assert_eq!(h.targets[0].probability, r.targets[0].probability);
}

#[test]
fn forecast_uses_actuals_for_past_years_and_status_probabilities() {
    let prog = programme();
    let pots = fixture();
    let probs = StatusProbabilities {
        afvist: dec!(0),
        ..StatusProbabilities::uniform(dec!(1))
    };
    // Before 2027: realised figures replace the plan in 2025 and 2026.
    let r = forecast(&prog, &pots, &econ(), &probs, settings(2), 2027).unwrap();
    assert!((r.years[0].gain_kr.mean - 80_000.0).abs() < 1e-6);
    assert!((r.years[1].gain_kr.mean - 240_000.0).abs() < 1e-6);
    // With no potential taking part the future is zero.
    let none = StatusProbabilities::uniform(dec!(0));
    let r = forecast(&prog, &pots, &econ(), &none, settings(2), 2025).unwrap();
    assert_eq!(r.years[2].gain_kr.max, 0.0);
    // Defaults: the idé takes part about 10 % of the time.
    let r = forecast(
        &prog,
        &pots,
        &econ(),
        &StatusProbabilities::default(),
        SimulationSettings {
            iterations: 20000,
            seed: 3,
        },
        2025,
    )
    .unwrap();
    let expected = 250_000.0 + 0.8 * 950_000.0 + 0.1 * 400_000.0;
    assert!(
        (r.years[2].gain_kr.mean - expected).abs() < 10_000.0,
        "{}",
        r.years[2].gain_kr.mean
    );
}

#[test]
fn probabilities_are_validated() {
    let mut p = StatusProbabilities::default();
    assert!(p.validate().is_empty());
    p.besluttet = dec!(1.2);
    p.ide = dec!(-0.1);
    let e = p.validate();
    assert_eq!(e.0.len(), 2);
    assert!(e.message_for("besluttet").is_some());
    assert!(forecast(&programme(), &fixture(), &econ(), &p, settings(1), 2025).is_err());
    let bad = SimulationSettings {
        iterations: 0,
        seed: 0,
    };
    assert!(forecast(
        &programme(),
        &fixture(),
        &econ(),
        &StatusProbabilities::default(),
        bad,
        2025
    )
    .is_err());
}

fn uncertain_potentials() -> Vec<ProgrammePotential> {
    fixture()
        .into_iter()
        .take(3)
        .map(|mut p| {
            if let Some(c) = p.case.as_mut() {
                for l in &mut c.lines {
                    l.low = dec!(0.5);
                    l.high = dec!(1.5);
                }
            }
            p
        })
        .collect()
}

#[test]
fn forecast_is_identical_with_1_and_4_threads() {
    let prog = programme();
    let pots = uncertain_potentials();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                forecast(
                    &prog,
                    &pots,
                    &econ(),
                    &StatusProbabilities::default(),
                    SimulationSettings {
                        iterations: 10_000,
                        seed: 42,
                    },
                    2026,
                )
                .unwrap()
            })
    };
    assert_eq!(run(1), run(4));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn probability_falls_as_the_target_rises(a in 0u64..3_000_000, b in 0u64..3_000_000, seed in any::<u64>()) {
        let (lo, hi) = (a.min(b), a.max(b));
        let pots = uncertain_potentials();
        let mut prog = programme();
        let run = |prog: &Programme| {
            forecast(prog, &pots, &econ(), &StatusProbabilities::default(), SimulationSettings { iterations: 500, seed }, 2025)
                .unwrap()
                .targets[0]
                .probability
        };
        prog.targets[0].amount = Decimal::from(lo);
        let p_lo = run(&prog);
        prog.targets[0].amount = Decimal::from(hi);
        let p_hi = run(&prog);
        prop_assert!(p_hi <= p_lo, "{p_hi} > {p_lo}");
        prop_assert!((0.0..=1.0).contains(&p_lo));
    }

    #[test]
    fn percentage_keys_add_up_exactly(parts in proptest::collection::vec(0u32..10_000, 1..8)) {
        // Shares as basis points scaled to sum to 100 %: the last share takes the rest.
        let total: u32 = parts.iter().sum();
        prop_assume!(total > 0);
        let mut values: Vec<Decimal> = parts.iter().map(|p| Decimal::from(*p) * dec!(100) / Decimal::from(total)).map(|d| d.round_dp(4)).collect();
        let rest = dec!(100) - values.iter().take(values.len() - 1).sum::<Decimal>();
        *values.last_mut().unwrap() = rest;
        let k = key(KeyBasis::Percentages, &values);
        let t = kr_target(dec!(20000000));
        prop_assert!(k.mismatch(&t).is_none());
        let sum: Decimal = k.shares.iter().map(|s| k.share_amount(s, &t)).sum();
        prop_assert_eq!(sum, dec!(20000000));
    }
}

/// One definition of what counts: a flagged actual awaiting approval, or a rejected one,
/// is not realised or harvested in the overview nor used by the forecast; the pending
/// gain is shown apart; once approved it counts like an ordinary actual.
#[test]
fn only_ordinary_and_approved_actuals_count() {
    let prog = programme();
    let probs = StatusProbabilities::uniform(dec!(1));
    let with = |state: ApprovalState| {
        let mut pots = fixture();
        let mut big = actual(0, Period::of_year(2025).unwrap());
        big.kr = dec!(5000000);
        big.harvested = dec!(5000000);
        big.approval = state;
        pots[0].actuals.push(big);
        pots
    };
    let base = overview(&prog, &fixture(), &econ(), &units());
    let base_fc = forecast(&prog, &fixture(), &econ(), &probs, settings(2), 2027).unwrap();
    for state in [ApprovalState::Pending, ApprovalState::Rejected] {
        let pots = with(state);
        let o = overview(&prog, &pots, &econ(), &units());
        let f = &o.years[0].figures;
        assert_eq!(
            f.realised_kr, base.years[0].figures.realised_kr,
            "{state:?}"
        );
        assert_eq!(f.harvested_kr, base.years[0].figures.harvested_kr);
        let pending = if state == ApprovalState::Pending {
            dec!(5000000)
        } else {
            dec!(0)
        };
        assert_eq!(f.pending_kr, pending);
        assert_eq!(o.by_unit, {
            let mut b = base.by_unit.clone();
            for row in &mut b {
                if row.key == BreakdownKey::Unit(UnitId(3)) {
                    row.years[0].1.pending_kr = pending;
                }
            }
            b
        });
        let fc = forecast(&prog, &pots, &econ(), &probs, settings(2), 2027).unwrap();
        assert_eq!(fc.years[0].gain_kr.mean, base_fc.years[0].gain_kr.mean);
    }
    let approved = with(ApprovalState::Approved);
    let o = overview(&prog, &approved, &econ(), &units());
    assert_eq!(
        o.years[0].figures.realised_kr,
        base.years[0].figures.realised_kr + dec!(5000000)
    );
    assert_eq!(o.years[0].figures.pending_kr, dec!(0));
    let fc = forecast(&prog, &approved, &econ(), &probs, settings(2), 2027).unwrap();
    let added = fc.years[0].gain_kr.mean - base_fc.years[0].gain_kr.mean;
    assert!((added - 5_000_000.0).abs() < 1e-6, "{added}");
}

/// A closed year is a fact: every percentile of the forecast and the chance of its delmål
/// follow the overview's *Realiseret*, even for a potential that planned a gain in that
/// year but recorded nothing. The current year is the actuals so far plus the forecast of
/// the quarters not yet measured.
#[test]
fn closed_years_are_the_recorded_actuals_and_the_current_year_adds_the_rest() {
    let prog = programme();
    let mut pots = fixture();
    // P3 (idé) plans 400,000 a year from 2025 and records nothing.
    pots[2].case.as_mut().unwrap().lines[0].amounts = vec![dec!(400000); 3];
    let probs = StatusProbabilities {
        afvist: dec!(0),
        ..StatusProbabilities::uniform(dec!(1))
    };
    let o = overview(&prog, &pots, &econ(), &units());
    let fc = forecast(&prog, &pots, &econ(), &probs, settings(2), 2026).unwrap();
    let realised_2025: f64 = o.years[0].figures.realised_kr.to_string().parse().unwrap();
    assert_eq!(realised_2025, 80_000.0);
    let y = &fc.years[0].gain_kr;
    for v in [y.p10, y.p50, y.p90, y.min, y.max] {
        assert!((v - realised_2025).abs() < 1e-6, "{v}");
    }
    // The 2025 delmål of 200,000 was missed: certain, whatever the plan said.
    let delmaal_2025 = &fc.targets[0].milestones[0];
    assert_eq!((delmaal_2025.year, delmaal_2025.probability), (2025, 0.0));
    // 2026 (current): P1 measured Q1–Q2, 140,000 − the year's 50,000 drift = 90,000, plus
    // half of its 300,000 plan; P2 measured the whole year (150,000); P3 has no actuals and
    // is forecast in full (400,000).
    let y = &fc.years[1].gain_kr;
    assert!((y.p50 - (90_000.0 + 150_000.0 + 150_000.0 + 400_000.0)).abs() < 1e-6);
    // The future is forecast in full: 250,000 + 950,000 + 400,000.
    assert!((fc.years[2].gain_kr.p50 - 1_600_000.0).abs() < 1e-6);
}

#[test]
fn the_unmeasured_share_of_a_year_counts_quarters() {
    use crate::programme::forecast::unmeasured_share;
    let pots = fixture();
    assert_eq!(unmeasured_share(&pots[0].actuals, 2026), dec!(0.5));
    assert_eq!(unmeasured_share(&pots[0].actuals, 2025), dec!(0));
    assert_eq!(unmeasured_share(&pots[0].actuals, 2027), dec!(1));
    let mut pending = actual(0, Period::of_quarter(2027, 1).unwrap());
    pending.approval = ApprovalState::Pending;
    assert_eq!(unmeasured_share(&[pending], 2027), dec!(1));
}
