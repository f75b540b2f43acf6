//! The programme forecast: a Monte Carlo of the annual gain per year and the probability
//! of reaching each target by its deadline.

use super::overview::{potential_year, ProgrammePotential};
use super::target::{Programme, TargetKind};
use crate::business_case::simulate::{chunk_rng, summarise, Pert, SimRng, CHUNK};
use crate::business_case::{
    line_values, Distribution, Economics, LineKind, Percent, SimulationSettings,
};
use crate::status::Status;
use crate::validation::FieldErrors;
use rand::Rng;
use rayon::prelude::*;
use rust_decimal::prelude::*;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

/// Most iterations of one forecast (each keeps two numbers per programme year).
pub const MAX_FORECAST_ITERATIONS: u32 = 200_000;

/// The probability that a potential in each status takes part, editable by the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusProbabilities {
    /// Idé, default 0.10.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub ide: Decimal,
    /// Vurderet, default 0.25.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub vurderet: Decimal,
    /// Business case, default 0.40.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub business_case: Decimal,
    /// Besluttet, default 0.80.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub besluttet: Decimal,
    /// I implementering, default 0.90.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub i_implementering: Decimal,
    /// I drift, default 1.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub i_drift: Decimal,
    /// Gevinst realiseret, default 1.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub gevinst_realiseret: Decimal,
    /// Afvist, default 0.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub afvist: Decimal,
    /// Parkeret, default 0.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub parkeret: Decimal,
}

impl Default for StatusProbabilities {
    fn default() -> Self {
        StatusProbabilities {
            ide: dec!(0.10),
            vurderet: dec!(0.25),
            business_case: dec!(0.40),
            besluttet: dec!(0.80),
            i_implementering: dec!(0.90),
            i_drift: dec!(1),
            gevinst_realiseret: dec!(1),
            afvist: dec!(0),
            parkeret: dec!(0),
        }
    }
}

impl StatusProbabilities {
    /// The same probability for every status (for tests and what-if views).
    pub fn uniform(p: Decimal) -> Self {
        StatusProbabilities {
            ide: p,
            vurderet: p,
            business_case: p,
            besluttet: p,
            i_implementering: p,
            i_drift: p,
            gevinst_realiseret: p,
            afvist: p,
            parkeret: p,
        }
    }

    /// The probability for a status.
    pub fn get(&self, s: Status) -> Decimal {
        match s {
            Status::Ide => self.ide,
            Status::Vurderet => self.vurderet,
            Status::BusinessCase => self.business_case,
            Status::Besluttet => self.besluttet,
            Status::IImplementering => self.i_implementering,
            Status::IDrift => self.i_drift,
            Status::GevinstRealiseret => self.gevinst_realiseret,
            Status::Afvist => self.afvist,
            Status::Parkeret => self.parkeret,
        }
    }

    /// Every probability must lie in [0, 1]; the field is the status's API name.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        for s in Status::ALL {
            if Percent::from_fraction(self.get(s)).is_err() {
                errors.add(
                    s.as_str(),
                    "out_of_range",
                    format!(
                        "Sandsynligheden for \"{}\" skal ligge mellem 0 og 1 (0-100 %).",
                        s.label()
                    ),
                );
            }
        }
        errors
    }
}

/// The forecast for one programme year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ForecastYear {
    /// Calendar year.
    pub year: i32,
    /// The programme's annual gain, kr.
    pub gain_kr: Distribution,
    /// Årsværk freed.
    pub fte: Distribution,
}

/// The probability of reaching one target by its deadline.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TargetProbability {
    /// Target index.
    pub target: usize,
    /// Kind.
    pub kind: TargetKind,
    /// Amount.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub amount: Decimal,
    /// Deadline year.
    pub deadline_year: i32,
    /// Share of iterations whose gain in the deadline year is ≥ the amount.
    pub probability: f64,
    /// The same for each yearly milestone of the target, by year.
    pub milestones: Vec<MilestoneProbability>,
}

/// The probability of reaching one milestone (*delmål*) of a target in its year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MilestoneProbability {
    /// The milestone's year.
    pub year: i32,
    /// The milestone's amount.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub amount: Decimal,
    /// Share of iterations whose gain in that year is ≥ the amount (0 for a year outside
    /// the programme).
    pub probability: f64,
}

/// The result of a forecast.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Forecast {
    /// Iterations run.
    pub iterations: u32,
    /// Seed.
    pub seed: u64,
    /// Programme years before this one used the actuals where there were any.
    pub actuals_before_year: i32,
    /// Per programme year.
    pub years: Vec<ForecastYear>,
    /// Per target.
    pub targets: Vec<TargetProbability>,
}

struct PrepLine {
    multiplier: Pert,
    /// Signed kr. per programme year (0 where actuals are used).
    kr: Vec<f64>,
    /// Signed årsværk per programme year.
    fte: Vec<f64>,
}

struct PrepPotential {
    probability: f64,
    lines: Vec<PrepLine>,
    /// Realised (kr., årsværk) per programme year where actuals replace the plan.
    fixed: Vec<Option<(f64, f64)>>,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn prepare(
    p: &ProgrammePotential,
    years: &[i32],
    econ: &Economics,
    probs: &StatusProbabilities,
    current_year: i32,
) -> PrepPotential {
    let fixed: Vec<Option<(f64, f64)>> = years
        .iter()
        .map(|y| {
            if *y >= current_year {
                return None;
            }
            potential_year(p, econ, *y)
                .real
                .map(|(kr, fte, _, _)| (f(kr), f(fte)))
        })
        .collect();
    let lines = p
        .case
        .iter()
        .flat_map(|case| {
            case.lines
                .iter()
                .filter(|l| l.kind != LineKind::Investering)
                .map(|line| {
                    let values = line_values(line, econ);
                    let sign = if line.kind.is_benefit() { 1.0 } else { -1.0 };
                    let mut kr = vec![0.0; years.len()];
                    let mut fte = vec![0.0; years.len()];
                    for (i, y) in years.iter().enumerate() {
                        let t = y - case.start_year;
                        if fixed[i].is_some() || t < 0 || t >= case.horizon as i32 {
                            continue;
                        }
                        let t = t as usize;
                        kr[i] = sign * f(values.get(t).copied().unwrap_or_default());
                        let amount = line.amounts.get(t).copied().unwrap_or_default();
                        let per_fte = match line.kind {
                            LineKind::FrigjorteTimer | LineKind::UsynligtArbejde
                                if !econ.hours_per_fte.is_zero() =>
                            {
                                amount / econ.hours_per_fte
                            }
                            LineKind::FrigjorteAarsvaerk => amount,
                            _ => Decimal::ZERO,
                        };
                        fte[i] = sign * f(per_fte);
                    }
                    PrepLine {
                        multiplier: Pert::new(f(line.low), 1.0, f(line.high)),
                        kr,
                        fte,
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    PrepPotential {
        probability: f(probs.get(p.status)),
        lines,
        fixed,
    }
}

impl PrepPotential {
    /// Adds one iteration's draw to `kr` and `fte` (one slot per programme year).
    #[inline]
    fn draw(&self, rng: &mut SimRng, kr: &mut [f64], fte: &mut [f64]) {
        for (i, fx) in self.fixed.iter().enumerate() {
            if let Some((a, b)) = fx {
                kr[i] += a;
                fte[i] += b;
            }
        }
        if rng.gen::<f64>() >= self.probability {
            return;
        }
        for l in &self.lines {
            let m = l.multiplier.sample(rng);
            for i in 0..kr.len() {
                kr[i] += m * l.kr[i];
                fte[i] += m * l.fte[i];
            }
        }
    }
}

/// Runs the forecast.
///
/// Each iteration: every included potential takes part with its status's probability;
/// if it does, each non-investering line of its case draws one Beta-PERT multiplier (as in
/// the business-case simulation) that scales all its years. For programme years before
/// `current_year` in which a potential has actuals, the realised figures replace the plan,
/// whether or not it takes part. Risks (one-off NPV hits) are not part of the annual gain.
/// Deterministic for a seed whatever the number of threads.
pub fn forecast(
    programme: &Programme,
    potentials: &[ProgrammePotential],
    econ: &Economics,
    probabilities: &StatusProbabilities,
    settings: SimulationSettings,
    current_year: i32,
) -> Result<Forecast, FieldErrors> {
    let mut errors = probabilities.validate();
    if settings.iterations == 0 || settings.iterations > MAX_FORECAST_ITERATIONS {
        errors.add(
            "iterations",
            "out_of_range",
            "Antal gennemløb skal være 1-200.000.",
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let years: Vec<i32> = programme.years().collect();
    let ny = years.len();
    let prepared: Vec<PrepPotential> = potentials
        .iter()
        .filter(|p| programme.includes(p.id))
        .map(|p| prepare(p, &years, econ, probabilities, current_year))
        .collect();
    let n = settings.iterations as usize;
    // Row-major: iteration-major, ny values per iteration.
    let parts: Vec<(Vec<f64>, Vec<f64>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = chunk_rng(settings.seed, c as u64);
            let len = CHUNK.min(n - c * CHUNK);
            let mut kr = vec![0.0; len * ny];
            let mut fte = vec![0.0; len * ny];
            for it in 0..len {
                let (k, f) = (
                    &mut kr[it * ny..(it + 1) * ny],
                    &mut fte[it * ny..(it + 1) * ny],
                );
                for p in &prepared {
                    p.draw(&mut rng, k, f);
                }
            }
            (kr, fte)
        })
        .collect();
    let mut kr_cols = vec![Vec::with_capacity(n); ny];
    let mut fte_cols = vec![Vec::with_capacity(n); ny];
    for (kr, fte) in &parts {
        for (row_k, row_f) in kr.chunks_exact(ny.max(1)).zip(fte.chunks_exact(ny.max(1))) {
            for i in 0..ny {
                kr_cols[i].push(row_k[i]);
                fte_cols[i].push(row_f[i]);
            }
        }
    }
    // The share of iterations reaching `amount` of a kind in a year.
    let reach = |kind: TargetKind, year: i32, amount: Decimal| -> f64 {
        let col = years.iter().position(|y| *y == year).map(|yi| match kind {
            TargetKind::KrPerYear => &kr_cols[yi],
            TargetKind::Aarsvaerk => &fte_cols[yi],
        });
        let amount = f(amount);
        // A tolerance of a millionth absorbs f64 rounding in sums that hit the target
        // exactly.
        let threshold = amount - 1e-6 * amount.abs().max(1.0);
        let hits = col.map_or(0, |c| c.iter().filter(|v| **v >= threshold).count());
        hits as f64 / n as f64
    };
    let targets = programme
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| TargetProbability {
            target: i,
            kind: t.kind,
            amount: t.amount,
            deadline_year: t.deadline_year,
            probability: reach(t.kind, t.deadline_year, t.amount),
            milestones: t
                .milestones
                .iter()
                .map(|m| MilestoneProbability {
                    year: m.year,
                    amount: m.amount,
                    probability: reach(t.kind, m.year, m.amount),
                })
                .collect(),
        })
        .collect();
    let years = years
        .iter()
        .zip(kr_cols.into_iter().zip(fte_cols))
        .map(|(y, (k, f))| ForecastYear {
            year: *y,
            gain_kr: summarise(k),
            fte: summarise(f),
        })
        .collect();
    Ok(Forecast {
        iterations: settings.iterations,
        seed: settings.seed,
        actuals_before_year: current_year,
        years,
        targets,
    })
}
