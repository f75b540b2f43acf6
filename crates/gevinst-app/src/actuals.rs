//! Use cases on actuals: recording them, the four-eyes approval of flagged ones, and the
//! list of actuals awaiting approval. Re-exported by [`crate::programmes`].
//!
//! - Recording an actual ([`record_actual`](Programmes::record_actual)) is for the benefit's owner (the plan's owner
//!   of that benefit line), a porteføljeleder or an admin; everyone else is
//!   [`AppError::Forbidden`], whatever their rights on the potential. An actual that
//!   meets the rule in [`gevinst_domain::programme::approval`] (500.000 kr. or more, or
//!   more than 150 % of the plan) is stored as *afventer godkendelse* and does not count
//!   as realised or harvested until approved.
//! - Approving or rejecting it ([`decide_actual`](Programmes::decide_actual)) is for a porteføljeleder or an admin
//!   other than the person who recorded it ([`check_decider`]); it is audited with
//!   [`AuditAction::Approve`] (approval) or [`AuditAction::Update`] (rejection, with the
//!   note as the reason).

use crate::auth::Principal;
use crate::common::{units, valuing_economics};
use crate::Programmes;
use crate::{AppError, Result};
use gevinst_domain::audit::FieldChange;
use gevinst_domain::programme::{
    check_decider, flag, harvest_above_realised, Actual, ActualDraft, ApprovalDecision,
    ApprovalState, BenefitPlan, DecisionRefusal, HarvestAboveRealised,
};
use gevinst_domain::text::clean;
use gevinst_domain::{AuditAction, AuditDraft, EntityKind, Permission, PotentialId, ProgrammeId};
pub use gevinst_store::StoredActual;
use gevinst_store::{AddActual, AddedActual, StoreError};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

impl Programmes<'_> {
    /// Records an actual against a potential's plan.
    ///
    /// Checks, in order: the potential is in the tenant and has a plan
    /// ([`AppError::NotFound`]); the principal is a porteføljeleder, an admin or the owner of
    /// the benefit line the actual is for ([`AppError::Forbidden`] otherwise; an owner of
    /// another line who names no or an unknown line gets the validation error instead); the
    /// draft is valid against the plan, see [`ActualDraft::validate`] ([`AppError::Invalid`]).
    /// The stored actual is flagged ([`ApprovalState::Pending`]) when the approval rule says
    /// so ([`flag`]).
    ///
    /// A second actual for the same benefit and period is refused (field `period`, code
    /// `duplicate`); see [`record_actual_as`](Programmes::record_actual_as) to correct it or
    /// add one deliberately.
    pub async fn record_actual(
        &self,
        who: &Principal,
        potential: PotentialId,
        draft: &ActualDraft,
    ) -> Result<StoredActual> {
        match self
            .record_actual_as(who, potential, draft, RecordIntent::New)
            .await?
        {
            Recorded::Added(a) => Ok(a),
            Recorded::Duplicate(_) => Err(AppError::Invalid(duplicate_error())),
        }
    }

    /// Records an actual as [`record_actual`](Programmes::record_actual) does (same checks),
    /// with what to do about an actual already recorded for the same benefit and period:
    /// see [`RecordIntent`]. A correction must replace a current actual of the same benefit
    /// and period (field `replaces`, code `mismatch` or `not_found`, else
    /// [`AppError::Conflict`] when it was replaced or withdrawn meanwhile); it is audited
    /// with the reason "Rettelse af måling <id>" on both versions.
    pub async fn record_actual_as(
        &self,
        who: &Principal,
        potential: PotentialId,
        draft: &ActualDraft,
        intent: RecordIntent,
    ) -> Result<Recorded> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = recordable_plan(store, who, potential, draft).await?;
        let plan = &stored.plan;
        let economics = valuing_economics(store, t).await?;
        let actual = flag(draft.validate(plan)?, plan, &economics);
        let all = store.list_actuals(t, potential).await?;
        let (mode, reason) = match intent {
            RecordIntent::New => (AddActual::Unique, None),
            RecordIntent::Additional => (AddActual::Additional, None),
            RecordIntent::Correction(replaces) => {
                let old = replaced(&all, &actual, replaces)?;
                (
                    AddActual::Replacing(old),
                    Some(format!("Rettelse af måling {old}")),
                )
            }
        };
        let added = store
            .add_actual_checked(
                t,
                who.actor_id(),
                potential,
                &actual,
                mode,
                reason.as_deref(),
            )
            .await?;
        let all = store.list_actuals(t, potential).await?;
        Ok(match added {
            AddedActual::Added(id) => Recorded::Added(find(all, id)?),
            AddedActual::Duplicate(id) => Recorded::Duplicate(find(all, id)?),
        })
    }

    /// The warning to give before recording `draft` with `intent` when its harvest
    /// (*hjemtaget*) makes the benefit and period harvest more than they realise (see
    /// [`harvest_above_realised`]); `None` when there is nothing to warn about, when the
    /// draft is invalid, or when a new actual would be refused as a duplicate first (the
    /// duplicate is asked about before the harvest). Nothing is saved. Same permission as
    /// recording it ([`AppError::NotFound`], [`AppError::Forbidden`]).
    pub async fn harvest_warning(
        &self,
        who: &Principal,
        potential: PotentialId,
        draft: &ActualDraft,
        intent: RecordIntent,
    ) -> Result<Option<HarvestAboveRealised>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = recordable_plan(store, who, potential, draft).await?;
        let Ok(next) = draft.validate(&stored.plan) else {
            return Ok(None);
        };
        let all = store.list_actuals(t, potential).await?;
        let same = |a: &StoredActual| {
            a.is_current() && a.actual.line == next.line && a.actual.period == next.period
        };
        let others: Vec<Actual> = match intent {
            RecordIntent::New if all.iter().any(same) => return Ok(None),
            RecordIntent::Correction(_) => {
                let Ok(old) = replaced(&all, &next, intent_replaces(intent)) else {
                    return Ok(None);
                };
                counted(all.into_iter().filter(|a| a.id != old).collect())
            }
            _ => counted(all),
        };
        let economics = valuing_economics(store, t).await?;
        Ok(harvest_above_realised(&next, &others, &economics))
    }

    /// Withdraws a current actual with a reason: it stays recorded, no longer counts, and
    /// the audit log has who, when and why. Allowed to whoever may record an actual for its
    /// benefit (see [`record_actual`](Programmes::record_actual)); an empty reason is field
    /// `reason`, code `required`; an actual already replaced or withdrawn is
    /// [`AppError::Conflict`].
    pub async fn withdraw_actual(
        &self,
        who: &Principal,
        potential: PotentialId,
        id: i64,
        reason: &str,
    ) -> Result<StoredActual> {
        let store = self.app.store();
        let t = who.tenant.id;
        let current = find(store.list_actuals(t, potential).await?, id)?;
        if !who.actor.may_tenant_wide(Permission::ManagePortfolio) {
            let plan = store
                .benefit_plan(t, potential)
                .await?
                .ok_or(AppError::NotFound)?;
            let owns = plan
                .plan
                .benefits
                .iter()
                .any(|b| b.line == current.actual.line && b.owner == Some(who.user.id));
            if !owns {
                return Err(AppError::Forbidden);
            }
        }
        let reason = clean(reason, true);
        if reason.is_empty() {
            return Err(AppError::Invalid(gevinst_domain::FieldErrors::single(
                "reason",
                "required",
                "Skriv hvorfor målingen trækkes tilbage.",
            )));
        }
        Ok(store
            .withdraw_actual(t, who.actor_id(), potential, id, &reason)
            .await?)
    }

    /// A potential's actuals, oldest first. Anyone in the tenant may read them.
    pub async fn actuals(
        &self,
        who: &Principal,
        potential: PotentialId,
    ) -> Result<Vec<StoredActual>> {
        let store = self.app.store();
        Ok(store.list_actuals(who.tenant.id, potential).await?)
    }

    /// Approves or rejects a flagged actual (the four-eyes principle).
    ///
    /// Checks, in order: the actual is the potential's in the tenant ([`AppError::NotFound`]);
    /// the principal is a porteføljeleder or an admin ([`AppError::Forbidden`]); they did not
    /// record it themselves (field `decision`, code `own_actual`), it is pending (`decision`,
    /// `not_pending`) and a rejection has a note (`note`, `required`) ([`AppError::Invalid`]).
    /// A decision that loses a race with another is [`AppError::Conflict`].
    pub async fn decide_actual(
        &self,
        who: &Principal,
        potential: PotentialId,
        id: i64,
        decision: ApprovalDecision,
        note: &str,
    ) -> Result<StoredActual> {
        let store = self.app.store();
        let t = who.tenant.id;
        let current = find(store.list_actuals(t, potential).await?, id)?;
        let note = clean(note, true);
        let tree = units(store, who).await?;
        check_decider(
            &who.actor,
            &tree,
            current.recorded_by,
            current.actual.approval,
            decision,
            &note,
        )
        .map_err(|e| match e {
            DecisionRefusal::Forbidden => AppError::Forbidden,
            DecisionRefusal::Invalid(errors) => AppError::Invalid(errors),
        })?;
        let state = decision.state();
        let entry = AuditDraft {
            entity: EntityKind::Actual,
            entity_id: id,
            action: match decision {
                ApprovalDecision::Approve => AuditAction::Approve,
                ApprovalDecision::Reject => AuditAction::Update,
            },
            user_id: who.actor_id(),
            changes: vec![FieldChange {
                field: "approval".into(),
                before: serde_json::json!(current.actual.approval.as_str()),
                after: serde_json::json!(state.as_str()),
            }],
            reason: (!note.is_empty()).then(|| note.clone()),
            actor: None,
        };
        Ok(store
            .decide_actual(t, who.actor_id(), potential, id, state, &note, &entry)
            .await?)
    }

    /// The actuals awaiting approval among the programme's potentials, oldest first. Anyone in
    /// the tenant may read them.
    pub async fn pending_actuals(
        &self,
        who: &Principal,
        programme: ProgrammeId,
    ) -> Result<Vec<PendingActual>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = store.programme(t, programme).await?;
        let pending: Vec<StoredActual> = store
            .list_tenant_actuals(t)
            .await?
            .into_iter()
            .filter(|a| a.is_current() && a.actual.approval == ApprovalState::Pending)
            .filter(|a| stored.programme.includes(a.potential_id))
            .collect();
        let mut labels: HashMap<PotentialId, (String, Vec<(usize, String)>)> = HashMap::new();
        let mut out = Vec::with_capacity(pending.len());
        for a in pending {
            let (title, lines) = match labels.entry(a.potential_id) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(v) => {
                    let title = match store.potential(t, a.potential_id).await {
                        Ok(p) => p.title,
                        // Included potentials are checked when saved; one gone since keeps
                        // its actuals listed by id.
                        Err(e) if e.is_not_found() => format!("Potentiale {}", a.potential_id.0),
                        Err(e) => return Err(e.into()),
                    };
                    let lines = store
                        .benefit_plan(t, a.potential_id)
                        .await?
                        .map(|p| {
                            p.plan
                                .benefits
                                .into_iter()
                                .map(|b| (b.line, b.label))
                                .collect()
                        })
                        .unwrap_or_default();
                    v.insert((title, lines))
                }
            };
            let benefit = lines
                .iter()
                .find(|(l, _)| *l == a.actual.line)
                .map(|(_, label)| label.clone())
                .unwrap_or_default();
            out.push(PendingActual {
                title: title.clone(),
                benefit,
                actual: a,
            });
        }
        out.sort_by_key(|p| p.actual.id);
        Ok(out)
    }
}

/// What to do when an actual is already recorded for the same benefit and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordIntent {
    /// Refuse a duplicate: [`Recorded::Duplicate`] names the existing actual.
    New,
    /// Add it beside the existing one (both count; e.g. two separate harvests).
    Additional,
    /// A correction replacing the current actual of the same benefit and period (this id,
    /// or the one there is): the new version counts, the old one stays recorded.
    Correction(Option<i64>),
}

/// What [`record_actual_as`](Programmes::record_actual_as) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded.
    Added(StoredActual),
    /// Nothing recorded: this actual already covers the same benefit and period.
    Duplicate(StoredActual),
}

/// The error [`record_actual`](Programmes::record_actual) gives for a duplicate.
pub fn duplicate_error() -> gevinst_domain::FieldErrors {
    gevinst_domain::FieldErrors::single(
        "period",
        "duplicate",
        "Der er allerede registreret en måling for denne gevinst og periode. Ret den \
         eksisterende måling, eller bekræft at det er en ekstra måling.",
    )
}

/// The actual a [`RecordIntent::Correction`] names, if any.
fn intent_replaces(intent: RecordIntent) -> Option<i64> {
    match intent {
        RecordIntent::Correction(id) => id,
        _ => None,
    }
}

/// The potential's plan, if `who` may record `draft` against it ([`AppError::NotFound`]
/// without a plan, else see [`check_recorder`]).
async fn recordable_plan(
    store: &dyn gevinst_store::Store,
    who: &Principal,
    potential: PotentialId,
    draft: &ActualDraft,
) -> Result<gevinst_store::StoredBenefitPlan> {
    let stored = store
        .benefit_plan(who.tenant.id, potential)
        .await?
        .ok_or(AppError::NotFound)?;
    check_recorder(who, &stored.plan, draft)?;
    Ok(stored)
}

/// Recording an actual is for a porteføljeleder, an admin or the owner of the benefit
/// line it is for ([`AppError::Forbidden`] otherwise; an owner of another line who names
/// no or an unknown line passes, to get the validation error instead).
fn check_recorder(who: &Principal, plan: &BenefitPlan, draft: &ActualDraft) -> Result<()> {
    if who.actor.may_tenant_wide(Permission::ManagePortfolio) {
        return Ok(());
    }
    let me = Some(who.user.id);
    let allowed = match plan.benefits.iter().find(|b| Some(b.line) == draft.line) {
        Some(b) => b.owner == me,
        // No such line: only someone who owns a benefit of this plan gets to hear why.
        None => plan.benefits.iter().any(|b| b.owner == me),
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The id of the current actual a correction of `next` replaces: `replaces` if given
/// (it must be of the same benefit and period), else the current one of that benefit and
/// period.
fn replaced(all: &[StoredActual], next: &Actual, replaces: Option<i64>) -> Result<i64> {
    let same = |a: &StoredActual| a.actual.line == next.line && a.actual.period == next.period;
    let err = |code: &str, msg: &str| {
        AppError::Invalid(gevinst_domain::FieldErrors::single("replaces", code, msg))
    };
    match replaces {
        Some(id) => match all.iter().find(|a| a.id == id) {
            None => Err(AppError::NotFound),
            Some(a) if !same(a) => Err(err(
                "mismatch",
                "En rettelse skal gælde samme gevinst og periode som den måling, den erstatter.",
            )),
            Some(_) => Ok(id),
        },
        None => all
            .iter()
            .rev()
            .find(|a| a.is_current() && same(a))
            .map(|a| a.id)
            .ok_or_else(|| {
                err(
                    "not_found",
                    "Der er ingen måling for denne gevinst og periode at rette.",
                )
            }),
    }
}

/// The actuals that count in sums: the current versions that are not withdrawn (their
/// approval state still decides whether they count as realised).
pub fn counted(actuals: Vec<StoredActual>) -> Vec<Actual> {
    actuals
        .into_iter()
        .filter(StoredActual::is_current)
        .map(|a| a.actual)
        .collect()
}

fn find(actuals: Vec<StoredActual>, id: i64) -> Result<StoredActual> {
    actuals
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::from(StoreError::not_found(format!("actual {id}"))))
}

/// An actual awaiting approval, for the programme's Monday page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PendingActual {
    /// The potential's title.
    pub title: String,
    /// The benefit's label in the plan ("" if the line left the plan).
    pub benefit: String,
    /// The actual.
    pub actual: StoredActual,
}
