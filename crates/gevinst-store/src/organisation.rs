//! The organisation: units and the per-tenant lists.

use crate::{ActorId, Result};
use async_trait::async_trait;
use gevinst_domain::{CatalogueItem, TenantId, Unit, UnitId};

/// Which per-tenant list: fagområder or technology types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// Fagområder.
    Fagomraader,
    /// Technology types.
    Technologies,
}

/// Units, and the per-tenant lists of fagområder and technology types.
#[async_trait]
pub trait OrganisationStore: Send + Sync {
    /// All units of the tenant.
    async fn list_units(&self, tenant: TenantId) -> Result<Vec<Unit>>;
    /// Creates a unit. The caller has checked that the parent belongs to the tenant.
    async fn create_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        parent: Option<UnitId>,
        name: &str,
    ) -> Result<Unit>;
    /// Renames, moves or (de)activates a unit.
    async fn update_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UnitId,
        parent: Option<UnitId>,
        name: &str,
        active: bool,
    ) -> Result<Unit>;
    /// A per-tenant list, by position.
    async fn list_catalogue(
        &self,
        tenant: TenantId,
        which: Catalogue,
    ) -> Result<Vec<CatalogueItem>>;
    /// Adds an entry at the end. A duplicate name is [`crate::StoreError::Duplicate`].
    async fn add_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        name: &str,
    ) -> Result<CatalogueItem>;
    /// Renames or (de)activates an entry.
    async fn update_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        id: i64,
        name: &str,
        active: bool,
    ) -> Result<CatalogueItem>;
}
