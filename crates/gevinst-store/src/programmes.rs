//! Programmes and benefits realisation.

use crate::{ActorId, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::programme::{
    Actual, ApprovalState, BenefitPlan, Programme, StatusProbabilities,
};
use gevinst_domain::{AuditDraft, PotentialId, ProgrammeId, TenantId, UserId};

/// A programme as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredProgramme {
    /// Id, unique within the database.
    pub id: ProgrammeId,
    /// The validated programme, exactly as it was saved.
    pub programme: Programme,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A potential's benefits realisation plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredBenefitPlan {
    /// The potential it belongs to (one plan per potential).
    pub potential_id: PotentialId,
    /// The plan, exactly as it was saved.
    pub plan: BenefitPlan,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A recorded actual. Actuals are appended; only a flagged one's approval state changes,
/// once, by a second person ([`ProgrammeStore::decide_actual`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredActual {
    /// Id, increasing with time.
    pub id: i64,
    /// The potential whose plan it follows up.
    pub potential_id: PotentialId,
    /// The validated actual.
    pub actual: Actual,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (`None`: the system).
    pub recorded_by: Option<UserId>,
    /// Who approved or rejected it, if it was flagged and decided.
    pub decided_by: Option<UserId>,
    /// When it was approved or rejected.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why, as written by the person who decided (required for a rejection).
    pub decision_note: String,
    /// The version this one corrects (replaces), if it is a correction.
    pub replaces: Option<i64>,
    /// The correction that replaced this version, if any: then it no longer counts.
    pub superseded_by: Option<i64>,
    /// Who withdrew it, if it was withdrawn (then it no longer counts).
    pub withdrawn_by: Option<UserId>,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn ("" unless withdrawn).
    pub withdrawal_reason: String,
}

impl StoredActual {
    /// Whether this is the current version (not replaced by a correction) and not withdrawn:
    /// only such actuals count in realised and harvested sums (and then only if their
    /// approval state counts, see [`ApprovalState::counts_as_realised`]).
    pub fn is_current(&self) -> bool {
        self.superseded_by.is_none() && self.withdrawn_at.is_none()
    }
}

/// How [`ProgrammeStore::add_actual_checked`] treats actuals already recorded for the same
/// benefit line and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddActual {
    /// Refuse when a current, not rejected actual exists for the same line and period.
    Unique,
    /// Add it beside any existing ones (the client says so deliberately).
    Additional,
    /// A correction: a new version that replaces this current actual.
    Replacing(i64),
}

/// What [`ProgrammeStore::add_actual_checked`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddedActual {
    /// Recorded with this id.
    Added(i64),
    /// Nothing recorded: this current actual already covers the same line and period.
    Duplicate(i64),
}

/// Programmes and benefits realisation: plans, actuals and their approval, and the forecast
/// probabilities per status.
#[async_trait]
pub trait ProgrammeStore: Send + Sync {
    /// Creates a programme, audited as [`gevinst_domain::EntityKind::Programme`] with every
    /// field. An included potential that is not in the tenant is [`crate::StoreError::NotFound`]
    /// and creates nothing.
    async fn create_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        programme: &Programme,
    ) -> Result<StoredProgramme>;
    /// Replaces a programme if the stored version equals `expected_version` (else
    /// [`crate::StoreError::Conflict`], nothing changed), audited with the changed fields. An
    /// unknown id, another tenant's, or an included potential outside the tenant is
    /// [`crate::StoreError::NotFound`].
    async fn update_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: ProgrammeId,
        expected_version: i64,
        programme: &Programme,
    ) -> Result<StoredProgramme>;
    /// A programme by id.
    async fn programme(&self, tenant: TenantId, id: ProgrammeId) -> Result<StoredProgramme>;
    /// The tenant's programmes, by id.
    async fn list_programmes(&self, tenant: TenantId) -> Result<Vec<StoredProgramme>>;
    /// A potential's benefits realisation plan, or `None` if it has none yet. A potential
    /// that is not in the tenant is [`crate::StoreError::NotFound`].
    async fn benefit_plan(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBenefitPlan>>;
    /// All the tenant's benefit plans, by potential id (reminders, reports).
    async fn list_benefit_plans(&self, tenant: TenantId) -> Result<Vec<StoredBenefitPlan>>;
    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// plan, writing `audit` in the same transaction. Creating when one exists, or a stale
    /// version, is [`crate::StoreError::Conflict`] and changes nothing; a potential that is not
    /// in the tenant is [`crate::StoreError::NotFound`].
    #[allow(clippy::too_many_arguments)]
    async fn put_benefit_plan(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        plan: &BenefitPlan,
        audit: &AuditDraft,
    ) -> Result<StoredBenefitPlan>;
    /// Appends an actual to a potential's plan and returns its id, audited as
    /// [`gevinst_domain::EntityKind::Actual`] with every field. A potential that is not in
    /// the tenant, or has no plan, is [`crate::StoreError::NotFound`].
    async fn add_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        actual: &Actual,
    ) -> Result<i64>;
    /// Appends an actual like [`ProgrammeStore::add_actual`], in one transaction with the
    /// check that `mode` asks for (see [`AddActual`]). A correction inserts the new version
    /// with `replaces` set, marks the old one `superseded_by`, and audits both (the new one as
    /// created with `reason`, the old one as updated); replacing an actual that is not the
    /// potential's is [`crate::StoreError::NotFound`], one that is no longer current
    /// [`crate::StoreError::Conflict`].
    async fn add_actual_checked(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        actual: &Actual,
        mode: AddActual,
        reason: Option<&str>,
    ) -> Result<AddedActual>;
    /// Withdraws a current actual with a reason: it stays recorded but no longer counts,
    /// audited as revoked with the reason. One that is not the potential's is
    /// [`crate::StoreError::NotFound`]; one already replaced or withdrawn
    /// [`crate::StoreError::Conflict`].
    async fn withdraw_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        id: i64,
        reason: &str,
    ) -> Result<StoredActual>;
    /// Records a second person's decision on a pending actual: its approval state
    /// becomes `state`, with who (`actor`), when and `note`, and `audit` is written in the
    /// same transaction. An actual that is not the potential's in the tenant is
    /// [`crate::StoreError::NotFound`]; one that is no longer pending is
    /// [`crate::StoreError::Conflict`].
    #[allow(clippy::too_many_arguments)]
    async fn decide_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        id: i64,
        state: ApprovalState,
        note: &str,
        audit: &AuditDraft,
    ) -> Result<StoredActual>;
    /// A potential's actuals, oldest first (empty without a plan). A potential that is not
    /// in the tenant is [`crate::StoreError::NotFound`].
    async fn list_actuals(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Vec<StoredActual>>;
    /// All the tenant's actuals, by potential and then oldest first (programme overview
    /// and forecast, which need every included potential's actuals at once).
    async fn list_tenant_actuals(&self, tenant: TenantId) -> Result<Vec<StoredActual>>;
    /// The tenant's forecast probabilities per status and their version. A tenant that
    /// never saved them gets [`StatusProbabilities::default`] with version 0. An unknown
    /// tenant is [`crate::StoreError::NotFound`].
    async fn status_probabilities(&self, tenant: TenantId) -> Result<(StatusProbabilities, i64)>;
    /// Saves the tenant's forecast probabilities if the stored version equals
    /// `expected_version` (0: none saved yet) and returns the new version. A stale version
    /// is [`crate::StoreError::Conflict`] and changes nothing. Audited as
    /// [`gevinst_domain::EntityKind::StatusProbabilities`] (entity id = tenant id) with the
    /// changed fields.
    async fn set_status_probabilities(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        probabilities: &StatusProbabilities,
    ) -> Result<i64>;
}
