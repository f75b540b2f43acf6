//! Business cases and the economic settings they are computed with.

use crate::{ActorId, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::business_case::{BusinessCase, Economics};
use gevinst_domain::{AuditDraft, PotentialId, TenantId};

/// A potential's business case as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredBusinessCase {
    /// The potential it belongs to (one business case per potential).
    pub potential_id: PotentialId,
    /// The validated business case, exactly as it was saved.
    pub case: BusinessCase,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A potential's business case, and the tenant's economic settings it is computed with.
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// The tenant's economic settings and their version. A tenant whose admin never saved
    /// them gets [`Economics::default`] with version 0. An unknown tenant is
    /// [`crate::StoreError::NotFound`].
    async fn economics(&self, tenant: TenantId) -> Result<(Economics, i64)>;
    /// Saves the tenant's economic settings if the stored version equals
    /// `expected_version` (0: none saved yet, so the row is created) and returns the new
    /// version. A stale version is [`crate::StoreError::Conflict`]. Audited as
    /// [`gevinst_domain::EntityKind::TenantSettings`] (entity id = tenant id) with the
    /// changed fields before and after.
    async fn set_economics(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        economics: &Economics,
    ) -> Result<i64>;
    /// A potential's business case, or `None` if it has none yet. A potential that is not
    /// in the tenant is [`crate::StoreError::NotFound`].
    async fn business_case(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBusinessCase>>;
    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// business case, writing `audit` in the same transaction.
    ///
    /// - Creating when one exists, or replacing with a stale version (or when none exists),
    ///   is [`crate::StoreError::Conflict`] and changes nothing.
    /// - A potential that is not in the tenant is [`crate::StoreError::NotFound`].
    #[allow(clippy::too_many_arguments)]
    async fn put_business_case(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        case: &BusinessCase,
        audit: &AuditDraft,
    ) -> Result<StoredBusinessCase>;
    /// All the tenant's business cases, by potential id (portfolio figures).
    async fn list_business_cases(&self, tenant: TenantId) -> Result<Vec<StoredBusinessCase>>;
}
