//! Monte Carlo simulation and sensitivity (tornado).
//!
//! Each iteration draws one multiplier per line from Beta-PERT(low, 1, high) with λ = 4
//! and scales all of that line's years by it; each risk happens with probability p and then
//! costs a Beta-PERT(min, likely, max) draw in its year. Because every line's yearly values
//! are fixed apart from the multiplier, a line's contribution to the NPV is its discounted
//! sum times the multiplier, so an iteration costs O(lines + risks), not O(lines × years).
//!
//! Beta draws use the gamma ratio `X/(X+Y)` with `X ~ Gamma(α)`, `Y ~ Gamma(β)`, drawn with
//! `rand_distr::Gamma` (Marsaglia–Tsang, exact for the PERT shapes, which are ≥ 1 with
//! λ = 4), built once per line. An own Marsaglia–Tsang sampler with precomputed constants
//! was measured against it in one run of `bench/montecarlo` and was 12–24 % slower, so
//! rand_distr's is used.
//!
//! Layout: the draws are line-major. For each chunk of iterations, every line draws its
//! multipliers for all iterations of the chunk in one tight loop and adds them into the
//! chunk's NPV and full-effect columns, so a line's constants stay in registers and the
//! branches are predictable. Each iteration still adds its lines in the case's order, so
//! the sums are the same as line by line within an iteration.
//!
//! Determinism: iterations are split into fixed chunks of [`CHUNK`]; chunk `c` draws from
//! its own Xoshiro256++ generator, seeded from `(seed, c)` through [`chunk_rng`]. The
//! chunks may run on any number of threads; the results are put back in iteration order
//! before any statistic is taken, so the same seed gives bit-identical results whatever
//! the thread count. (The stream for a seed changed with the line-major layout and again
//! with the return to rand_distr's gamma sampler: a seed gives other, equally distributed,
//! draws than before.)

use super::calc::{
    checked, checked_line_values, discount, growth_factors, line_npv, ore, rate_for, Overflow,
};
use super::model::{BusinessCase, Economics, LineKind};
use crate::validation::FieldErrors;
use rand::{Rng, SeedableRng};
use rand_distr::Gamma;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};

/// Most iterations allowed in one simulation.
pub const MAX_ITERATIONS: u32 = 1_000_000;
/// Iterations per deterministic chunk: small enough that a few thousand iterations still
/// spread evenly over the threads, and that a chunk's columns stay in the L1 cache.
pub const CHUNK: usize = 1024;
const PERT_LAMBDA: f64 = 4.0;
const HISTOGRAM_BINS: usize = 30;

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    /// Number of iterations, 1–1,000,000 (default 10,000).
    /// (The API allows 1–100,000, as its document says.)
    #[serde(
        default = "default_iterations",
        deserialize_with = "crate::json_number::whole_number"
    )]
    #[schema(minimum = 1, maximum = 100_000)]
    pub iterations: u32,
    /// Seed; the same seed gives the same result.
    #[serde(default, deserialize_with = "crate::json_number::whole_number")]
    pub seed: u64,
}

fn default_iterations() -> u32 {
    10_000
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings {
            iterations: default_iterations(),
            seed: 0,
        }
    }
}

/// One bar of a histogram: values in `[from, to)` (the last bar includes `to`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HistogramBin {
    /// Lower edge, kr.
    pub from: f64,
    /// Upper edge, kr.
    pub to: f64,
    /// Number of iterations in the bar.
    pub count: u32,
}

/// Summary of simulated values. Percentiles are statistical: P10 is the value that 10 % of
/// the outcomes fall below (linear interpolation between order statistics).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Smallest outcome.
    pub min: f64,
    /// Largest outcome.
    pub max: f64,
    /// Histogram over [min, max].
    pub histogram: Vec<HistogramBin>,
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Simulation {
    /// Iterations run.
    pub iterations: u32,
    /// Seed used.
    pub seed: u64,
    /// NPV.
    pub npv: Distribution,
    /// Full effect (final year, recurring lines).
    pub full_effect: Distribution,
    /// Share of iterations with NPV < 0.
    pub probability_negative_npv: f64,
}

/// The random generator of the simulations.
pub(crate) type SimRng = Xoshiro256PlusPlus;

/// The generator of chunk `chunk` for `seed`: a SplitMix64 mix of both, expanded by
/// `seed_from_u64` (itself SplitMix64), so neighbouring chunks get unrelated states.
pub(crate) fn chunk_rng(seed: u64, chunk: u64) -> SimRng {
    let mut z = seed ^ chunk.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    SimRng::seed_from_u64(z ^ (z >> 31))
}

/// Exact Gamma(shape, 1) draws: `rand_distr::Gamma`, or `None` unless `shape` is finite
/// and > 0.
pub(crate) fn gamma(shape: f64) -> Option<Gamma<f64>> {
    if !(shape.is_finite() && shape > 0.0) {
        return None;
    }
    Gamma::new(shape, 1.0).ok()
}

/// A three-point draw: `low + span · Beta(α, β)`, or a constant when the range is empty.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pert {
    Fixed(f64),
    Beta {
        low: f64,
        span: f64,
        a: Gamma<f64>,
        b: Gamma<f64>,
    },
}

impl Pert {
    pub(crate) fn new(min: f64, mode: f64, max: f64) -> Pert {
        let span = max - min;
        if span.is_nan() || span <= 0.0 {
            return Pert::Fixed(mode);
        }
        let alpha = 1.0 + PERT_LAMBDA * (mode - min) / span;
        let beta = 1.0 + PERT_LAMBDA * (max - mode) / span;
        match (gamma(alpha), gamma(beta)) {
            (Some(a), Some(b)) => Pert::Beta {
                low: min,
                span,
                a,
                b,
            },
            _ => Pert::Fixed(mode),
        }
    }

    #[inline(always)]
    pub(crate) fn sample(&self, rng: &mut SimRng) -> f64 {
        match self {
            Pert::Fixed(v) => *v,
            Pert::Beta { low, span, a, b } => {
                let x = rng.sample(a);
                let y = rng.sample(b);
                low + span * (x / (x + y))
            }
        }
    }
}

struct PreparedLine {
    /// Signed discounted sum of the line's kr. values (benefit +, cost −).
    npv: f64,
    /// Signed final-year value if the line counts in the full effect.
    full: f64,
    multiplier: Pert,
}

struct PreparedRisk {
    probability: f64,
    discount: f64,
    impact: Pert,
}

/// A business case reduced to what one iteration needs.
pub(crate) struct Prepared {
    lines: Vec<PreparedLine>,
    risks: Vec<PreparedRisk>,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl Prepared {
    pub(crate) fn new(case: &BusinessCase, econ: &Economics) -> Result<Prepared, Overflow> {
        let h = case.horizon as usize;
        let growth = growth_factors(rate_for(case, econ), h)?;
        let mut lines = Vec::with_capacity(case.lines.len());
        for line in &case.lines {
            let full = if line.kind == LineKind::Investering {
                Decimal::ZERO
            } else {
                checked_line_values(line, econ)?
                    .get(h.saturating_sub(1))
                    .copied()
                    .unwrap_or_default()
            };
            let sign = if line.kind.is_benefit() {
                Decimal::ONE
            } else {
                -Decimal::ONE
            };
            lines.push(PreparedLine {
                npv: f(line_npv(line, econ, &growth)?),
                full: f(sign * full),
                multiplier: Pert::new(f(line.low), 1.0, f(line.high)),
            });
        }
        let mut risks = Vec::with_capacity(case.risks.len());
        for r in &case.risks {
            risks.push(PreparedRisk {
                probability: f(r.probability),
                discount: f(discount(Decimal::ONE, &growth, r.year as usize)?),
                impact: Pert::new(f(r.min), f(r.likely), f(r.max)),
            });
        }
        Ok(Prepared { lines, risks })
    }

    /// Adds one chunk of iterations to `npv` and `full` (one slot per iteration): line by
    /// line, each line drawing its multiplier for every iteration, then the risks.
    pub(crate) fn accumulate(&self, rng: &mut SimRng, npv: &mut [f64], full: &mut [f64]) {
        for l in &self.lines {
            match &l.multiplier {
                Pert::Fixed(m) => {
                    for (n, f) in npv.iter_mut().zip(full.iter_mut()) {
                        *n += m * l.npv;
                        *f += m * l.full;
                    }
                }
                Pert::Beta { low, span, a, b } => {
                    for (n, f) in npv.iter_mut().zip(full.iter_mut()) {
                        let x = rng.sample(a);
                        let y = rng.sample(b);
                        let m = low + span * (x / (x + y));
                        *n += m * l.npv;
                        *f += m * l.full;
                    }
                }
            }
        }
        for r in &self.risks {
            for n in npv.iter_mut() {
                if rng.gen::<f64>() < r.probability {
                    *n -= r.impact.sample(rng) * r.discount;
                }
            }
        }
    }
}

/// Runs `iterations` draws of the sum of `prepared` deterministically for `seed`, in
/// parallel chunks: (NPV, full effect) per iteration, in iteration order.
pub(crate) fn run(prepared: &[Prepared], iterations: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut npv = vec![0.0; iterations];
    let mut full = vec![0.0; iterations];
    npv.par_chunks_mut(CHUNK)
        .zip(full.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(c, (npv, full))| {
            let mut rng = chunk_rng(seed, c as u64);
            for p in prepared {
                p.accumulate(&mut rng, npv, full);
            }
        });
    (npv, full)
}

/// The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly between order
/// statistics (numpy's default method).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let frac = pos - lo as f64;
            sorted[lo] + (sorted[hi] - sorted[lo]) * frac
        }
    }
}

pub(crate) fn summarise(mut values: Vec<f64>) -> Distribution {
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    values.sort_by(f64::total_cmp);
    let (min, max) = (
        values.first().copied().unwrap_or(0.0),
        values.last().copied().unwrap_or(0.0),
    );
    let bins = if max > min { HISTOGRAM_BINS } else { 1 };
    let width = if max > min {
        (max - min) / bins as f64
    } else {
        1.0
    };
    let mut histogram: Vec<HistogramBin> = (0..bins)
        .map(|i| HistogramBin {
            from: min + width * i as f64,
            to: if i + 1 == bins {
                max
            } else {
                min + width * (i + 1) as f64
            },
            count: 0,
        })
        .collect();
    for v in &values {
        let i = (((v - min) / width) as usize).min(bins - 1);
        histogram[i].count += 1;
    }
    Distribution {
        mean,
        p10: percentile(&values, 0.10),
        p50: percentile(&values, 0.50),
        p90: percentile(&values, 0.90),
        min,
        max,
        histogram,
    }
}

/// Runs the Monte Carlo simulation of one business case.
pub fn simulate(
    case: &BusinessCase,
    econ: &Economics,
    settings: SimulationSettings,
) -> Result<Simulation, FieldErrors> {
    if settings.iterations == 0 || settings.iterations > MAX_ITERATIONS {
        return Err(FieldErrors::single(
            "iterations",
            "out_of_range",
            "Antal gennemløb skal være 1-1.000.000.",
        ));
    }
    let prepared = Prepared::new(case, econ)?;
    let (npv, full) = run(&[prepared], settings.iterations as usize, settings.seed);
    let negative = npv.iter().filter(|v| **v < 0.0).count();
    Ok(Simulation {
        iterations: settings.iterations,
        seed: settings.seed,
        probability_negative_npv: negative as f64 / npv.len() as f64,
        npv: summarise(npv),
        full_effect: summarise(full),
    })
}

/// One bar of the tornado: the NPV with one input at its low and at its high, all other
/// inputs at their most likely values and no risk occurring.
///
/// For a line, low and high are its multipliers. For a risk, low is "does not happen" and
/// high is "happens with its largest impact".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TornadoBar {
    /// The line's label or the risk's description.
    pub label: String,
    /// `line` or `risk`.
    pub source: String,
    /// Index among the lines or risks.
    pub index: usize,
    /// NPV with the input at its low.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub npv_low: Decimal,
    /// NPV with the input at its high.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub npv_high: Decimal,
    /// |npv_high − npv_low|.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub swing: Decimal,
}

/// The tornado, sorted by swing, largest first. A calculation beyond `Decimal`'s range is
/// a field error, as in [`super::evaluate`].
pub fn sensitivity(case: &BusinessCase, econ: &Economics) -> Result<Vec<TornadoBar>, FieldErrors> {
    Ok(tornado(case, econ)?)
}

fn tornado(case: &BusinessCase, econ: &Economics) -> Result<Vec<TornadoBar>, Overflow> {
    use checked::{add, mul, sub};
    let growth = growth_factors(rate_for(case, econ), case.horizon as usize)?;
    // The unrounded base NPV, so each bar is exact before its own rounding.
    let mut base = Decimal::ZERO;
    let mut contributions = Vec::with_capacity(case.lines.len());
    for line in &case.lines {
        let npv = line_npv(line, econ, &growth)?;
        base = add(base, npv)?;
        contributions.push(npv);
    }
    let bar = |source: &str, index: usize, label: &str, low: Decimal, high: Decimal| {
        let (low, high) = (ore(low), ore(high));
        TornadoBar {
            label: label.to_owned(),
            source: source.into(),
            index,
            npv_low: low,
            npv_high: high,
            swing: (high - low).abs(),
        }
    };
    let mut bars = Vec::with_capacity(case.lines.len() + case.risks.len());
    for (i, (line, c)) in case.lines.iter().zip(&contributions).enumerate() {
        let low = add(base, mul(line.low - Decimal::ONE, *c)?)?;
        let high = add(base, mul(line.high - Decimal::ONE, *c)?)?;
        bars.push(bar("line", i, &line.label, low, high));
    }
    for (i, r) in case.risks.iter().enumerate() {
        let hit = discount(r.max, &growth, r.year as usize)?;
        bars.push(bar("risk", i, &r.description, base, sub(base, hit)?));
    }
    bars.sort_by(|a, b| b.swing.cmp(&a.swing).then(a.index.cmp(&b.index)));
    Ok(bars)
}
