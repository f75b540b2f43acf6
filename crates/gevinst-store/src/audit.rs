//! The audit log: reading it, checking its hash chain, and the data version.

use crate::{ActorId, Result};
use async_trait::async_trait;
use gevinst_domain::audit_chain::ChainReport;
use gevinst_domain::{AuditEntry, FieldChange, TenantId};

/// Reading the audit log, checking its hash chain, and the data version derived from it.
///
/// Entries are written only by the store's own operations, each in the transaction of
/// what it records; events without a record of their own have an operation named for
/// them ([`AuditStore::record_export`], [`crate::AccessStore::record_failed_login`] …).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// A number that grows with every change to the tenant's data (0 if none): a counter
    /// bumped with every audit entry that changes data, at the commit of its transaction.
    /// Every change to the tenant's data writes an audit entry, so a cached calculation is
    /// still valid exactly while this number is unchanged, whichever app server wrote.
    /// Security events (sign-ins, exports; [`gevinst_domain::AuditAction::changes_data`])
    /// are left out.
    async fn data_version(&self, tenant: TenantId) -> Result<i64>;
    /// Checks the tenant's audit hash chain from its first entry: every entry's hash, its
    /// link to the entry before it, gaps in the numbering, entries outside the chain and
    /// deleted newest entries. Reports the first broken link. An unknown tenant is
    /// [`crate::StoreError::NotFound`].
    async fn verify_audit_chain(&self, tenant: TenantId) -> Result<ChainReport>;
    /// A record's audit entries, oldest first, with user names.
    async fn audit_for(
        &self,
        tenant: TenantId,
        entity: gevinst_domain::EntityKind,
        id: i64,
    ) -> Result<Vec<AuditEntry>>;
    /// Records an export by `actor` in the tenant's audit log: entity
    /// [`gevinst_domain::EntityKind::Export`] keyed by the tenant's id (so every export of
    /// the tenant is listed together), action [`gevinst_domain::AuditAction::Export`], and
    /// `facts` (what was exported, with which filter) as its changes.
    async fn record_export(
        &self,
        tenant: TenantId,
        actor: ActorId,
        facts: Vec<FieldChange>,
    ) -> Result<()>;
}
