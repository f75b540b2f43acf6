//! Separation of duties for actuals: large or surprising actuals need a second person.
//!
//! # The rule
//!
//! An actual is **flagged** (*afventer godkendelse*) when it is recorded and
//!
//! - its realised gain in kr. ([`Actual::gain_kr`]) or its harvested amount is at least
//!   [`APPROVAL_THRESHOLD_KR`] (500.000 kr.) — [`ApprovalReason::AboveThreshold`]; or
//! - its realised gain in kr. is more than [`FAR_ABOVE_PLAN_PERCENT`] (150 %) of the plan's
//!   target in kr. for that benefit and period (a quarter's target is a quarter of the
//!   year's) — [`ApprovalReason::FarAbovePlan`]. A period whose target is zero or absent
//!   is judged by the threshold alone.
//!
//! Ordinary actuals ([`ApprovalState::NotRequired`]) count at once. A flagged actual is
//! [`ApprovalState::Pending`] until a porteføljeleder or an admin **other than the person
//! who recorded it** approves it ([`ApprovalState::Approved`]) or rejects it
//! ([`ApprovalState::Rejected`]); see [`check_decider`].
//!
//! # What counts
//!
//! Only actuals whose state [`ApprovalState::counts_as_realised`] count as realised and
//! harvested in the overview, the forecast, the reports and the workbooks (they all sum
//! through the programme module). Pending actuals are shown apart as *afventer godkendelse*
//! ([`super::Figures::pending_kr`]); rejected ones count nowhere and do not mark a
//! measurement as done.

use super::period::Period;
use super::plan::{Actual, BenefitPlan};
use crate::access::{Actor, Permission};
use crate::business_case::Economics;
use crate::ids::UserId;
use crate::unit::UnitTree;
use crate::validation::FieldErrors;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An actual of at least this many kr. (realised or harvested) needs a second person's
/// approval.
pub const APPROVAL_THRESHOLD_KR: Decimal = Decimal::from_parts(500_000, 0, 0, false, 0);

/// An actual whose realised kr. exceed this percentage of the plan's target for its
/// benefit and period needs a second person's approval.
pub const FAR_ABOVE_PLAN_PERCENT: Decimal = Decimal::from_parts(150, 0, 0, false, 0);

/// Where an actual stands in the four-eyes approval.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// An ordinary actual: counts at once.
    #[default]
    NotRequired,
    /// Flagged, *afventer godkendelse*: does not count until approved.
    Pending,
    /// Approved by a second person: counts.
    Approved,
    /// Rejected by a second person: never counts.
    Rejected,
}

impl ApprovalState {
    /// Every state.
    pub const ALL: [ApprovalState; 4] = [
        ApprovalState::NotRequired,
        ApprovalState::Pending,
        ApprovalState::Approved,
        ApprovalState::Rejected,
    ];

    /// Whether an actual in this state counts as realised and harvested.
    pub fn counts_as_realised(self) -> bool {
        matches!(self, ApprovalState::NotRequired | ApprovalState::Approved)
    }

    /// Stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::NotRequired => "not_required",
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        ApprovalState::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Danish label ("" for an ordinary actual).
    pub fn label(self) -> &'static str {
        match self {
            ApprovalState::NotRequired => "",
            ApprovalState::Pending => "Afventer godkendelse",
            ApprovalState::Approved => "Godkendt",
            ApprovalState::Rejected => "Afvist",
        }
    }
}

/// Why an actual was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalReason {
    /// Realised or harvested kr. at or above [`APPROVAL_THRESHOLD_KR`].
    AboveThreshold,
    /// Realised kr. above [`FAR_ABOVE_PLAN_PERCENT`] of the plan's target.
    FarAbovePlan,
}

impl ApprovalReason {
    /// Danish explanation.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalReason::AboveThreshold => "Beløbet er 500.000 kr. eller mere",
            ApprovalReason::FarAbovePlan => "Mere end 150 % af planens mål for perioden",
        }
    }
}

/// The plan's target in kr. for `line` in `period`: the year's target, or a quarter of it
/// for a quarter. `None` if the benefit or year is not in the plan.
pub fn planned_kr(plan: &BenefitPlan, line: usize, period: Period) -> Option<Decimal> {
    let benefit = plan.benefits.iter().find(|b| b.line == line)?;
    let year = benefit.targets.iter().find(|t| t.year == period.year())?;
    Some(if period.is_quarter() {
        year.kr / Decimal::from(4)
    } else {
        year.kr
    })
}

/// Why `actual` needs a second person's approval; empty if it does not (see the module
/// documentation for the rule).
pub fn approval_reasons(
    actual: &Actual,
    plan: &BenefitPlan,
    econ: &Economics,
) -> Vec<ApprovalReason> {
    let gain = actual.gain_kr(econ);
    let mut out = Vec::new();
    if gain >= APPROVAL_THRESHOLD_KR || actual.harvested >= APPROVAL_THRESHOLD_KR {
        out.push(ApprovalReason::AboveThreshold);
    }
    if let Some(target) = planned_kr(plan, actual.line, actual.period) {
        if target > Decimal::ZERO && gain * Decimal::ONE_HUNDRED > target * FAR_ABOVE_PLAN_PERCENT {
            out.push(ApprovalReason::FarAbovePlan);
        }
    }
    out
}

/// Marks a freshly validated actual as pending with its reasons, or as ordinary.
pub fn flag(mut actual: Actual, plan: &BenefitPlan, econ: &Economics) -> Actual {
    actual.approval_reasons = approval_reasons(&actual, plan, econ);
    actual.approval = if actual.approval_reasons.is_empty() {
        ApprovalState::NotRequired
    } else {
        ApprovalState::Pending
    };
    actual
}

/// A decision on a flagged actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    /// Approve: the actual counts from now on.
    Approve,
    /// Reject: the actual never counts (a note is required).
    Reject,
}

impl ApprovalDecision {
    /// The state the decision leads to.
    pub fn state(self) -> ApprovalState {
        match self {
            ApprovalDecision::Approve => ApprovalState::Approved,
            ApprovalDecision::Reject => ApprovalState::Rejected,
        }
    }
}

/// Why someone may not decide on an actual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionRefusal {
    /// Not a porteføljeleder or an admin.
    Forbidden,
    /// The input does not allow it (own actual, not pending, missing note): field errors.
    Invalid(FieldErrors),
}

/// Checks the four-eyes rule for `actor` deciding on an actual in `state` recorded by
/// `recorded_by`: the actor must have [`Permission::ApproveActuals`], must not be the
/// recorder, the actual must be pending, and a rejection needs a note.
pub fn check_decider(
    actor: &Actor,
    tree: &UnitTree,
    recorded_by: Option<UserId>,
    state: ApprovalState,
    decision: ApprovalDecision,
    note: &str,
) -> Result<(), DecisionRefusal> {
    if !actor.may(Permission::ApproveActuals, tree) {
        return Err(DecisionRefusal::Forbidden);
    }
    let mut errors = FieldErrors::new();
    if recorded_by == Some(actor.user_id) {
        errors.add(
            "decision",
            "own_actual",
            "Du kan ikke selv godkende en måling, du har registreret. En anden \
             porteføljeleder eller administrator skal godkende den.",
        );
    } else if state != ApprovalState::Pending {
        errors.add(
            "decision",
            "not_pending",
            "Målingen afventer ikke godkendelse.",
        );
    }
    if decision == ApprovalDecision::Reject && note.trim().is_empty() {
        errors.add("note", "required", "Skriv hvorfor målingen afvises.");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DecisionRefusal::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::LineKind;
    use crate::ids::{PotentialId, TenantId, UnitId};
    use crate::programme::{Benefit, BenefitYear, MeasurementFrequency};
    use crate::user::Role;
    use rust_decimal_macros::dec;

    fn plan(target_kr: Decimal) -> BenefitPlan {
        BenefitPlan {
            potential: PotentialId(1),
            first_year: 2025,
            last_year: 2026,
            frequency: MeasurementFrequency::Yearly,
            benefits: vec![Benefit {
                line: 2,
                kind: LineKind::DirekteBesparelse,
                label: "Besparelse".into(),
                hjemtagbar: true,
                owner: Some(UserId(7)),
                kpi: "kr.".into(),
                measurement_method: "Regnskab".into(),
                baseline: None,
                baseline_note: String::new(),
                targets: vec![
                    BenefitYear {
                        year: 2025,
                        amount: target_kr,
                        kr: target_kr,
                    },
                    BenefitYear {
                        year: 2026,
                        amount: Decimal::ZERO,
                        kr: Decimal::ZERO,
                    },
                ],
            }],
            based_on_case_version: None,
        }
    }

    fn actual(period: Period, kr: Decimal, harvested: Decimal) -> Actual {
        Actual {
            line: 2,
            period,
            hours: Decimal::ZERO,
            kr,
            fte: Decimal::ZERO,
            invisible_hours: Decimal::ZERO,
            harvested,
            budget_reference: String::new(),
            harvested_on: None,
            note: String::new(),
            approval: ApprovalState::NotRequired,
            approval_reasons: vec![],
        }
    }

    fn reasons(a: Actual, target: Decimal) -> Vec<ApprovalReason> {
        approval_reasons(&a, &plan(target), &Economics::default())
    }

    #[test]
    fn threshold_is_inclusive_and_covers_harvest() {
        let y = Period::of_year(2025).unwrap();
        let big = dec!(1_000_000);
        assert!(reasons(actual(y, dec!(499_999.99), dec!(0)), big).is_empty());
        assert_eq!(
            reasons(actual(y, dec!(500_000), dec!(0)), big),
            vec![ApprovalReason::AboveThreshold]
        );
        assert_eq!(
            reasons(actual(y, dec!(0), dec!(500_000)), big),
            vec![ApprovalReason::AboveThreshold]
        );
    }

    #[test]
    fn far_above_plan_is_strictly_more_than_150_percent() {
        let y = Period::of_year(2025).unwrap();
        assert!(reasons(actual(y, dec!(150_000), dec!(0)), dec!(100_000)).is_empty());
        assert_eq!(
            reasons(actual(y, dec!(150_000.01), dec!(0)), dec!(100_000)),
            vec![ApprovalReason::FarAbovePlan]
        );
        // A quarter is judged against a quarter of the year's target.
        let q = Period::of_quarter(2025, 2).unwrap();
        assert!(reasons(actual(q, dec!(37_500), dec!(0)), dec!(100_000)).is_empty());
        assert_eq!(
            reasons(actual(q, dec!(37_501), dec!(0)), dec!(100_000)),
            vec![ApprovalReason::FarAbovePlan]
        );
        // No target that year: the threshold alone decides.
        assert!(reasons(
            actual(Period::of_year(2026).unwrap(), dec!(400_000), dec!(0)),
            dec!(1)
        )
        .is_empty());
        // Both reasons at once: the digital agent's 5 mio. kr.
        assert_eq!(
            reasons(actual(y, dec!(5_000_000), dec!(5_000_000)), dec!(100_000)),
            vec![ApprovalReason::AboveThreshold, ApprovalReason::FarAbovePlan]
        );
    }

    #[test]
    fn flag_sets_the_state() {
        let p = plan(dec!(100_000));
        let e = Economics::default();
        let small = flag(
            actual(Period::of_year(2025).unwrap(), dec!(10), dec!(0)),
            &p,
            &e,
        );
        assert_eq!(small.approval, ApprovalState::NotRequired);
        let big = flag(
            actual(Period::of_year(2025).unwrap(), dec!(900_000), dec!(0)),
            &p,
            &e,
        );
        assert_eq!(big.approval, ApprovalState::Pending);
        assert!(!big.approval.counts_as_realised());
        assert!(ApprovalState::Approved.counts_as_realised());
        assert!(!ApprovalState::Rejected.counts_as_realised());
        for s in ApprovalState::ALL {
            assert_eq!(ApprovalState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn four_eyes() {
        let tree = UnitTree::new(vec![]);
        let who = |role, id| Actor {
            tenant_id: TenantId(1),
            user_id: UserId(id),
            role,
            units: vec![UnitId(1)],
        };
        let pl = who(Role::Portefoljeleder, 1);
        let approve = ApprovalDecision::Approve;
        let pending = ApprovalState::Pending;
        // The recorder may not approve their own actual.
        let own = check_decider(&pl, &tree, Some(UserId(1)), pending, approve, "");
        let Err(DecisionRefusal::Invalid(e)) = own else {
            panic!("own approval allowed: {own:?}")
        };
        assert_eq!(e.0[0].code, "own_actual");
        // Another porteføljeleder or an admin may.
        assert_eq!(
            check_decider(&pl, &tree, Some(UserId(2)), pending, approve, ""),
            Ok(())
        );
        let admin = who(Role::Admin, 3);
        assert_eq!(
            check_decider(&admin, &tree, None, pending, approve, ""),
            Ok(())
        );
        // Nobody else, whatever their units.
        for role in [Role::Leder, Role::DigitalAgent, Role::Laeser] {
            assert_eq!(
                check_decider(&who(role, 4), &tree, Some(UserId(2)), pending, approve, ""),
                Err(DecisionRefusal::Forbidden)
            );
        }
        // Only pending actuals, and a rejection needs a note.
        let done = check_decider(
            &pl,
            &tree,
            Some(UserId(2)),
            ApprovalState::Approved,
            approve,
            "",
        );
        assert!(matches!(done, Err(DecisionRefusal::Invalid(_))));
        let reject = ApprovalDecision::Reject;
        let bare = check_decider(&pl, &tree, Some(UserId(2)), pending, reject, " ");
        let Err(DecisionRefusal::Invalid(e)) = bare else {
            panic!("rejection without a note: {bare:?}")
        };
        assert_eq!(e.0[0].field, "note");
        assert_eq!(
            check_decider(&pl, &tree, Some(UserId(2)), pending, reject, "For højt"),
            Ok(())
        );
    }
}
