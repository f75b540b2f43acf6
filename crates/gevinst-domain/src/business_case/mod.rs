//! Business cases with uncertainty.
//!
//! The model (documented for users in `docs/business-case.md`):
//! - A [`BusinessCase`] has a calendar start year, a horizon of 1–20 years, an optional
//!   discount rate that overrides the tenant's, [`Line`]s and [`Risk`]s.
//! - Each line has a [`LineKind`], most-likely yearly amounts in the line's unit (kr., hours,
//!   årsværk or enquiries) and a three-point range given as multipliers `low ≤ 1 ≤ high`.
//! - [`Economics`] (the tenant's settings) turn amounts into kr.: hours at the hourly rate,
//!   årsværk at the annual cost, enquiries at the difference between two channel costs.
//! - [`evaluate`] gives the exact deterministic results in [`Decimal`] kr.
//! - [`simulate`] runs a Monte Carlo with Beta-PERT draws (λ = 4); results are identical for
//!   a seed whatever the number of threads. Simulations use `f64`.
//! - [`sensitivity`] gives the tornado: the NPV with each input at its low and its high.
//!
//! ```
//! use gevinst_domain::business_case::*;
//! use rust_decimal_macros::dec;
//! let case = BusinessCase {
//!     start_year: 2025,
//!     horizon: 3,
//!     discount_rate: Some(dec!(0)),
//!     lines: vec![
//!         Line::certain(LineKind::Investering, "Licens og opsætning", vec![dec!(100000), dec!(0), dec!(0)]),
//!         Line::certain(LineKind::DirekteBesparelse, "Porto", vec![dec!(0), dec!(60000), dec!(60000)]),
//!     ],
//!     risks: vec![],
//! };
//! let r = evaluate(&case, &Economics::default()).unwrap();
//! assert_eq!(r.npv, dec!(20000));
//! assert_eq!(r.payback_year, Some(2027));
//! ```

mod calc;
mod economics;
mod model;
mod portfolio;
pub(crate) mod simulate;
mod values;

pub(crate) use calc::ore;
pub use calc::{evaluate, invisible_work_by_category, line_values, Evaluation, YearFigures};
pub use economics::{
    ChannelCostsDraft, EconomicsDraft, MAX_ANNUAL_COST_PER_FTE, MAX_CHANNEL_COST, MAX_HOURLY_RATE,
    MAX_HOURS_PER_FTE, MIN_ANNUAL_COST_PER_FTE, MIN_HOURS_PER_FTE,
};
pub use model::{
    BusinessCase, BusinessCaseDraft, Channel, ChannelCosts, Economics, InvisibleCategory, Line,
    LineDraft, LineKind, Risk, RiskDraft, MAX_ABS_AMOUNT, MAX_HORIZON,
};
pub use portfolio::{simulate_portfolio, PortfolioSimulation};
pub use rust_decimal::Decimal;
pub use simulate::{
    percentile, sensitivity, simulate, Distribution, HistogramBin, Simulation, SimulationSettings,
    TornadoBar, MAX_ITERATIONS,
};
pub use values::{DiscountRate, Percent, StartYear, ValueError};

#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod tests;
