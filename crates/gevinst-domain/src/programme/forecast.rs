//! The programme forecast: a Monte Carlo of the annual gain per year and the probability
//! of reaching each target by its deadline.

use super::overview::{potential_year, ProgrammePotential};

use super::plan::Actual;
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
    /// Programme years before this one are the recorded actuals (a fact); this year adds
    /// the actuals so far to the forecast of its unmeasured quarters.
    pub actuals_before_year: i32,
    /// Per programme year.
    pub years: Vec<ForecastYear>,
    /// Per target.
    pub targets: Vec<TargetProbability>,
}

struct PrepLine {
    multiplier: Pert,
    /// Signed kr. per programme year still to be forecast (0 in closed years; in the
    /// current year scaled to the share of it not yet measured).
    kr: Vec<f64>,
    /// Signed årsværk per programme year, likewise.
    fte: Vec<f64>,
}

struct PrepPotential {
    probability: f64,
    lines: Vec<PrepLine>,
    /// Realised (kr., årsværk) per programme year, added whether or not the potential
    /// takes part: a closed year's recorded actuals (zero when none were recorded), and
    /// the current year's actuals so far.
    fixed: Vec<Option<(f64, f64)>>,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The share of `year` a potential's actuals do not cover yet: 1 with no actuals, 0 with
/// an actual for the whole year, else the quarters without an actual ÷ 4. Only actuals
/// that count as realised cover (one awaiting approval is not a fact yet).
pub(crate) fn unmeasured_share(actuals: &[Actual], year: i32) -> Decimal {
    let mut quarters = [false; 4];
    for a in actuals
        .iter()
        .filter(|a| a.period.year() == year && a.approval.counts_as_realised())
    {
        match a.period.quarter_number() {
            None => return Decimal::ZERO,
            Some(q @ 1..=4) => quarters[usize::from(q) - 1] = true,
            Some(_) => {}
        }
    }
    let open = quarters.iter().filter(|q| !**q).count();
    Decimal::from(open as u32) / Decimal::from(4)
}

/// How a programme year is forecast for one potential: closed years are recorded fact,
/// the current year is its actuals so far plus the forecast of the unmeasured share.
fn year_basis(
    p: &ProgrammePotential,
    econ: &Economics,
    year: i32,
    current_year: i32,
) -> (Option<(f64, f64)>, f64) {
    if year > current_year {
        return (None, 1.0);
    }
    let real = potential_year(p, econ, year).real;
    if year < current_year {
        let (kr, fte) = real.map_or((0.0, 0.0), |(kr, fte, _, _)| (f(kr), f(fte)));
        return (Some((kr, fte)), 0.0);
    }
    match real {
        Some((kr, fte, _, _)) => (Some((f(kr), f(fte))), f(unmeasured_share(&p.actuals, year))),
        None => (None, 1.0),
    }
}

fn prepare(
    p: &ProgrammePotential,
    years: &[i32],
    econ: &Economics,
    probs: &StatusProbabilities,
    current_year: i32,
) -> PrepPotential {
    let basis: Vec<(Option<(f64, f64)>, f64)> = years
        .iter()
        .map(|y| year_basis(p, econ, *y, current_year))
        .collect();
    let fixed: Vec<Option<(f64, f64)>> = basis.iter().map(|b| b.0).collect();
    let lines = p
        .case
        .iter()
        .flat_map(|case| {
            let basis = &basis;
            case.lines
                .iter()
                .filter(|l| l.kind != LineKind::Investering)
                .map(move |line| {
                    let values = line_values(line, econ);
                    let sign = if line.kind.is_benefit() { 1.0 } else { -1.0 };
                    let mut kr = vec![0.0; years.len()];
                    let mut fte = vec![0.0; years.len()];
                    for (i, y) in years.iter().enumerate() {
                        let t = y - case.start_year;
                        let (fixed, open) = basis[i];
                        // Realised figures already carry the whole year's planned drift.
                        let drift_counted = fixed.is_some() && line.kind == LineKind::Drift;
                        if open == 0.0 || drift_counted || t < 0 || t >= case.horizon as i32 {
                            continue;
                        }
                        let t = t as usize;
                        kr[i] = sign * open * f(values.get(t).copied().unwrap_or_default());
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
                        fte[i] = sign * open * f(per_fte);
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
/// the business-case simulation) that scales all its years. Programme years before
/// `current_year` are closed: they are the recorded actuals (the overview's *Realiseret*),
/// a fact with no spread, whether or not a potential takes part. In `current_year` a
/// potential with actuals adds its actuals so far to the forecast of the quarters not yet
/// measured ([`unmeasured_share`]). Risks (one-off NPV hits) are not part of the annual
/// gain.
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
