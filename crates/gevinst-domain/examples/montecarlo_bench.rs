//! The Rust side of `bench/montecarlo`.
//!
//! - `montecarlo_bench generate CASES YEARS SEED` prints a deterministic portfolio of
//!   business cases (the shape of a municipality's portfolio: investments, licences,
//!   phased-in freed hours, channel shift, invisible work, risks) as JSON.
//! - `montecarlo_bench run FILE ITERATIONS SEED REPEATS` simulates the portfolio REPEATS
//!   times and prints one JSON line with the percentiles and the median wall time.

use gevinst_domain::business_case::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::FromPrimitive;
use std::time::Instant;

#[derive(serde::Serialize, serde::Deserialize)]
struct Input {
    economics: Economics,
    cases: Vec<BusinessCase>,
}

fn d(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default().round_dp(2)
}

fn generate(n: usize, years: u32, seed: u64) -> Input {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cases = Vec::with_capacity(n);
    for _ in 0..n {
        let h = years as usize;
        let invest = rng.gen_range(50_000.0..1_500_000.0_f64).round();
        let licence = (invest * rng.gen_range(0.05..0.25)).round();
        let hours = rng.gen_range(200.0..6000.0_f64).round();
        let mut lines = vec![
            Line {
                low: d(rng.gen_range(0.8..1.0)),
                high: d(rng.gen_range(1.1..1.8)),
                ..Line::certain(
                    LineKind::Investering,
                    "Investering",
                    (0..h)
                        .map(|t| if t == 0 { d(invest) } else { Decimal::ZERO })
                        .collect(),
                )
            },
            Line {
                low: Decimal::ONE,
                high: d(rng.gen_range(1.0..1.4)),
                ..Line::certain(
                    LineKind::Drift,
                    "Licens og drift",
                    (0..h)
                        .map(|t| if t == 0 { Decimal::ZERO } else { d(licence) })
                        .collect(),
                )
            },
            Line {
                low: d(rng.gen_range(0.3..0.9)),
                high: d(rng.gen_range(1.0..1.3)),
                hjemtagbar: rng.gen_bool(0.5),
                ..Line::certain(
                    LineKind::FrigjorteTimer,
                    "Frigjorte timer",
                    (0..h)
                        .map(|t| d(hours * [0.0, 0.25, 0.75].get(t).copied().unwrap_or(1.0)))
                        .collect(),
                )
            },
        ];
        if rng.gen_bool(0.3) {
            let count = rng.gen_range(1000.0..40_000.0_f64).round();
            lines.push(Line {
                low: d(rng.gen_range(0.4..0.9)),
                high: d(rng.gen_range(1.0..1.2)),
                from_channel: Some(Channel::Telephone),
                to_channel: Some(Channel::Digital),
                ..Line::certain(
                    LineKind::Kanalomlaegning,
                    "Kanalomlægning",
                    (0..h)
                        .map(|t| if t == 0 { Decimal::ZERO } else { d(count) })
                        .collect(),
                )
            });
        }
        if rng.gen_bool(0.6) {
            let inv = (hours * rng.gen_range(0.05..0.3)).round();
            lines.push(Line {
                low: d(rng.gen_range(0.5..1.0)),
                high: d(rng.gen_range(1.2..2.5)),
                category: Some(InvisibleCategory::Kompensation),
                ..Line::certain(
                    LineKind::UsynligtArbejde,
                    "Usynligt arbejde",
                    (0..h)
                        .map(|t| if t == 0 { Decimal::ZERO } else { d(inv) })
                        .collect(),
                )
            });
        }
        let risks = (0..rng.gen_range(0..3))
            .map(|_| {
                let likely = (invest * rng.gen_range(0.05..0.3)).round();
                Risk {
                    description: "Risiko".into(),
                    probability: d(rng.gen_range(0.05..0.5)),
                    min: d(likely * 0.5),
                    likely: d(likely),
                    max: d(likely * rng.gen_range(1.5..4.0)),
                    year: rng.gen_range(0..years.min(3)),
                }
            })
            .collect();
        cases.push(BusinessCase {
            start_year: 2025,
            horizon: years,
            discount_rate: None,
            lines,
            risks,
        });
    }
    Input {
        economics: Economics::default(),
        cases,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(1) {
        "generate" => {
            let input = generate(
                arg(2).parse().unwrap_or(331),
                arg(3).parse().unwrap_or(10),
                arg(4).parse().unwrap_or(1),
            );
            println!("{}", serde_json::to_string(&input).expect("serialise"));
        }
        "run" => {
            let text = std::fs::read_to_string(arg(2)).expect("read input");
            let input: Input = serde_json::from_str(&text).expect("parse input");
            let settings = SimulationSettings {
                iterations: arg(3).parse().unwrap_or(10_000),
                seed: arg(4).parse().unwrap_or(1),
            };
            let repeats: usize = arg(5).parse().unwrap_or(5);
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..repeats.max(1) {
                let start = Instant::now();
                let r =
                    simulate_portfolio(&input.cases, &input.economics, settings).expect("simulate");
                times.push(start.elapsed().as_secs_f64());
                last = Some(r);
            }
            times.sort_by(f64::total_cmp);
            let r = last.expect("ran once");
            println!(
                "{}",
                serde_json::json!({
                    "impl": "rust",
                    "threads": rayon::current_num_threads(),
                    "p10": r.npv.p10, "p50": r.npv.p50, "p90": r.npv.p90, "mean": r.npv.mean,
                    "median_seconds": times[times.len() / 2],
                })
            );
        }
        _ => {
            eprintln!("usage: montecarlo_bench generate CASES YEARS SEED | run FILE ITERATIONS SEED REPEATS");
            std::process::exit(2);
        }
    }
}
