//! A Monte Carlo over a whole portfolio of business cases: in each iteration every case
//! draws its lines and risks as in [`super::simulate`], and the portfolio's NPV and full
//! effect are the sums. Deterministic for a seed whatever the thread count, like the
//! single-case simulation.

use super::model::{BusinessCase, Economics};
use super::simulate::{run, summarise, Distribution, Prepared, SimulationSettings, MAX_ITERATIONS};
use crate::validation::FieldErrors;
use rayon::prelude::*;
use serde::Serialize;

/// The result of a portfolio simulation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PortfolioSimulation {
    /// Iterations run.
    pub iterations: u32,
    /// Seed used.
    pub seed: u64,
    /// Number of business cases.
    pub cases: usize,
    /// The portfolio's NPV.
    pub npv: Distribution,
    /// The portfolio's full effect.
    pub full_effect: Distribution,
    /// Share of iterations with a negative portfolio NPV.
    pub probability_negative_npv: f64,
}

/// Simulates the sum of many business cases.
pub fn simulate_portfolio(
    cases: &[BusinessCase],
    econ: &Economics,
    settings: SimulationSettings,
) -> Result<PortfolioSimulation, FieldErrors> {
    if settings.iterations == 0 || settings.iterations > MAX_ITERATIONS {
        return Err(FieldErrors::single(
            "iterations",
            "out_of_range",
            "Antal gennemløb skal være 1-1.000.000.",
        ));
    }
    let prepared = cases
        .par_iter()
        .map(|c| Prepared::new(c, econ))
        .collect::<Result<Vec<Prepared>, _>>()?;
    let n = settings.iterations as usize;
    let (npv, full) = run(&prepared, n, settings.seed);
    let negative = npv.iter().filter(|v| **v < 0.0).count();
    Ok(PortfolioSimulation {
        iterations: settings.iterations,
        seed: settings.seed,
        cases: cases.len(),
        probability_negative_npv: negative as f64 / n as f64,
        npv: summarise(npv),
        full_effect: summarise(full),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::{evaluate, Line, LineKind};
    use rust_decimal::prelude::ToPrimitive;
    use rust_decimal_macros::dec;

    #[test]
    fn certain_portfolio_sums_the_npvs() {
        let case = |amount| BusinessCase {
            start_year: 2025,
            horizon: 2,
            discount_rate: None,
            lines: vec![Line::certain(
                LineKind::DirekteBesparelse,
                "x",
                vec![amount, amount],
            )],
            risks: vec![],
        };
        let cases = vec![case(dec!(1000)), case(dec!(2000))];
        let econ = Economics::default();
        let expected: f64 = cases
            .iter()
            .map(|c| evaluate(c, &econ).unwrap().npv.to_f64().unwrap())
            .sum();
        let r = simulate_portfolio(
            &cases,
            &econ,
            SimulationSettings {
                iterations: 100,
                seed: 1,
            },
        )
        .unwrap();
        assert!(
            (r.npv.p50 - expected).abs() < 0.01,
            "{} vs {expected}",
            r.npv.p50
        );
        assert_eq!(r.cases, 2);
    }
}
