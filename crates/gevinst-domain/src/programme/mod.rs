//! Programmes, targets and benefits realisation (*gevinstrealisering*).
//!
//! - A [`Programme`] has a period, [`Target`]s (kr. per year or årsværk, each with a
//!   required deadline year and optional yearly [`Milestone`]s), the potentials it includes
//!   and [`DistributionKey`]s (*fordelingsnøgler*) that split a target across units or
//!   fagområder by amounts or percentages; a key that does not add up is rejected with the
//!   difference ("Fordelingen giver 95 %, mangler 5 %.").
//! - A [`BenefitPlan`] (*gevinstrealiseringsplan*) is derived from a business case by
//!   [`derive_plan`]: one [`Benefit`] per benefit line. The derivation only reads the case;
//!   editing the plan never changes it.
//! - [`Actual`]s record realised hours, kr., årsværk and invisible work per [`Period`]
//!   (quarter or year), and separately what was *hjemtaget*: kr. actually removed from a
//!   budget, with a budget reference and a date.
//! - Large or surprising actuals are flagged and need a second person's approval before
//!   they count; see [`approval`] for the rule.
//! - [`overview`] aggregates target, planned, decided, realised and harvested per year,
//!   with breakdowns, the largest gaps, invisible work and the distribution-key shares.
//! - [`Light`] judges each distribution-key share for the front page (green, yellow, red).
//! - [`forecast`] runs a Monte Carlo of the annual gain and the probability of reaching
//!   each target by its deadline.
//!
//! # Definitions
//!
//! **Annual gain** of a potential in a calendar year (planned, from its business case, see
//! [`annual_gain`]): the year's *net recurring gain in kr.* = benefits − drift − invisible
//! work (investering and risks excluded), and *årsværk freed* = freed hours ÷ hours per
//! årsværk + freed årsværk − invisible hours ÷ hours per årsværk. For the case's final
//! year these are exactly the business case's `full_effect` and `fte_freed_final_year`.
//! Years outside the case's horizon count zero. Kr. targets are compared with the kr.
//! gain, årsværk targets with årsværk freed.
//!
//! **Planned**: every included potential except afvist and parkeret (the split by status
//! lists all). **Decided**: besluttet, i implementering, i drift, gevinst realiseret.
//!
//! **Realised** in a year, for a potential with actuals in that year: Σ of its actuals'
//! kr. + hours and årsværk at the tenant's rates − actual invisible work, minus the case's
//! planned drift that year (drift is not measured). Per benefit line a whole-year actual
//! replaces quarterly actuals of the same year. **Harvested**: Σ hjemtaget kr.; realised −
//! harvested is freed value reinvested, never counted as harvested. Only actuals that
//! [`ApprovalState::counts_as_realised`] (ordinary or approved) count as realised and
//! harvested; flagged actuals awaiting approval are shown apart as
//! [`Figures::pending_kr`] (*afventer godkendelse*).
//!
//! **Target in a year**: the milestone for that year if any, else the target's amount in
//! and after its deadline year, else none. **Gap** = target − realised (positive = behind);
//! also target − decided.
//!
//! **Forecast probability** of a target: the share of iterations in which the programme's
//! gain (kr. or årsværk by the target's kind) in the deadline year is ≥ the amount; of a
//! milestone (*delmål*), the same in the milestone's year.
//!
//! All money is exact [`rust_decimal::Decimal`] (reported to øre, årsværk to 2 decimals);
//! simulations use `f64`.

pub mod approval;
mod distribution;
mod forecast;
mod harvest;
mod overview;
mod period;
mod plan;
mod roadmap;
mod steering;
mod target;

pub use approval::{
    approval_reasons, check_decider, flag, planned_kr, ApprovalDecision, ApprovalReason,
    ApprovalState, DecisionRefusal, APPROVAL_THRESHOLD_KR, FAR_ABOVE_PLAN_PERCENT,
};
pub use distribution::{DistributionKey, KeyBasis, Share, ShareOwner};
pub use forecast::{
    forecast, Forecast, ForecastYear, MilestoneProbability, StatusProbabilities, TargetProbability,
    MAX_FORECAST_ITERATIONS,
};
pub use harvest::{harvest_above_realised, HarvestAboveRealised};
pub use overview::{
    counts_as_decided, counts_as_planned, overview, BreakdownKey, BreakdownRow, Figures, Gap,
    ProgrammeOverview, ProgrammePotential, ProgrammeYear, ShareReport, StatusAmount, YearTarget,
    LARGEST_GAPS,
};
pub use period::Period;
pub use plan::{
    annual_gain, derive_plan, measurement_due_dates, Actual, ActualDraft, AnnualGain, Benefit,
    BenefitPlan, BenefitYear, MeasurementFrequency,
};
pub use roadmap::{roadmap, RoadmapItem};
pub use steering::{steering_year, steering_years, year_of, Light};
pub use target::{
    Milestone, Programme, ProgrammeDraft, Target, TargetDraft, TargetKind, MAX_PROGRAMME_YEARS,
    MAX_YEAR, MIN_YEAR,
};

#[cfg(test)]
mod tests;
