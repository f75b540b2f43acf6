//! Saved views of the potentials list: a user's named choice of columns, filters and sort.

use crate::{ActorId, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::{TenantId, UserId};

/// A saved view as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredListView {
    /// Id, unique within the tenant.
    pub id: i64,
    /// The user the view belongs to.
    pub user_id: UserId,
    /// Name, unique per user ("Mine", "Besluttet i SSÆ").
    pub name: String,
    /// The list's query string (columns, filters, sort), validated again when used.
    pub query: String,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// Saved views of the potentials list, per user and tenant. Every change is audited
/// ([`gevinst_domain::EntityKind::ListView`]).
#[async_trait]
pub trait ListViewStore: Send + Sync {
    /// The user's views, by name.
    async fn list_views(&self, tenant: TenantId, user: UserId) -> Result<Vec<StoredListView>>;
    /// Saves a view under `name` for `user`: creates it, or replaces the query of the
    /// user's view of that name. Audited as a create or an update by `actor`.
    async fn save_list_view(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        query: &str,
    ) -> Result<StoredListView>;
    /// Deletes one of `user`'s views; another user's or tenant's id is NotFound. Audited
    /// as a revoke.
    async fn delete_list_view(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        id: i64,
    ) -> Result<()>;
}
