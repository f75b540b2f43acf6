//! Potentials: records, status changes, lists and counts.

use crate::{ActorId, Result};
use async_trait::async_trait;
use gevinst_domain::{
    AuditDraft, FagomraadeId, Page, Potential, PotentialId, PotentialQuery, Status, StatusChange,
    TechnologyId, TenantId, UnitId, UserId, ValidPotential,
};

/// Counts for the overview page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PotentialCounts {
    /// Total number of potentials.
    pub total: u64,
    /// By status (every status present, zero included).
    pub by_status: Vec<(Status, u64)>,
    /// By fagområde; `None` for potentials without one.
    pub by_fagomraade: Vec<(Option<FagomraadeId>, u64)>,
    /// By the unit the potential is registered on (not rolled up).
    pub by_unit: Vec<(UnitId, u64)>,
    /// By technology type.
    pub by_technology: Vec<(Option<TechnologyId>, u64)>,
}

/// Potentials: records, status changes, lists and counts.
#[async_trait]
pub trait PotentialStore: Send + Sync {
    /// Creates a potential with the given status (usually idé), and its audit entry.
    async fn create_potential(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: &ValidPotential,
        status: Status,
        submitted_by: Option<UserId>,
    ) -> Result<Potential>;
    /// Creates many potentials in one transaction (demo data, imports). All or nothing.
    async fn create_potentials(
        &self,
        tenant: TenantId,
        actor: ActorId,
        rows: &[(ValidPotential, Status, Option<UserId>)],
    ) -> Result<Vec<PotentialId>>;
    /// A potential by id.
    async fn potential(&self, tenant: TenantId, id: PotentialId) -> Result<Potential>;
    /// Replaces the editable fields if the stored version equals `expected_version`,
    /// writing `audit` in the same transaction.
    async fn update_potential(
        &self,
        tenant: TenantId,
        id: PotentialId,
        expected_version: i64,
        potential: &ValidPotential,
        audit: &AuditDraft,
    ) -> Result<Potential>;
    /// Moves a potential from `from` to `to` if the stored version equals `expected_version`
    /// (the caller validated the move with the domain), recording the status change and
    /// the audit entry in the same transaction.
    #[allow(clippy::too_many_arguments)]
    async fn change_status(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: PotentialId,
        expected_version: i64,
        from: Status,
        to: Status,
        reason: Option<&str>,
    ) -> Result<Potential>;
    /// A filtered, sorted page.
    async fn list_potentials(
        &self,
        tenant: TenantId,
        query: &PotentialQuery,
    ) -> Result<Page<Potential>>;
    /// Counts for the overview.
    async fn potential_counts(&self, tenant: TenantId) -> Result<PotentialCounts>;
    /// A potential's status changes, oldest first.
    async fn status_history(&self, tenant: TenantId, id: PotentialId) -> Result<Vec<StatusChange>>;
    /// The tenant's latest status changes, newest first, at most `limit` (the front page's
    /// "what changed since last week").
    async fn recent_status_changes(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<StatusChange>>;
}
