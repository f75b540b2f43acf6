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
    check_decider, flag, ActualDraft, ApprovalDecision, ApprovalState, DecisionRefusal,
};
use gevinst_domain::text::clean;
use gevinst_domain::{AuditAction, AuditDraft, EntityKind, Permission, PotentialId, ProgrammeId};
use gevinst_store::StoreError;
pub use gevinst_store::StoredActual;
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
    pub async fn record_actual(
        &self,
        who: &Principal,
        potential: PotentialId,
        draft: &ActualDraft,
    ) -> Result<StoredActual> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = store
            .benefit_plan(t, potential)
            .await?
            .ok_or(AppError::NotFound)?;
        let plan = &stored.plan;
        let me = Some(who.user.id);
        if !who.actor.may_tenant_wide(Permission::ManagePortfolio) {
            let line = plan.benefits.iter().find(|b| Some(b.line) == draft.line);
            let allowed = match line {
                Some(b) => b.owner == me,
                // No such line: only someone who owns a benefit of this plan gets to hear why.
                None => plan.benefits.iter().any(|b| b.owner == me),
            };
            if !allowed {
                return Err(AppError::Forbidden);
            }
        }
        let economics = valuing_economics(store, t).await?;
        let actual = flag(draft.validate(plan)?, plan, &economics);
        let id = store
            .add_actual(t, who.actor_id(), potential, &actual)
            .await?;
        find(store.list_actuals(t, potential).await?, id)
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
            .filter(|a| a.actual.approval == ApprovalState::Pending)
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
