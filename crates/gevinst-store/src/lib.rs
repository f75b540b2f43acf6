//! Storage for gevinst.
//!
//! One store, in small rooms: a trait per area, each with use-case-sized methods, and
//! [`Store`], the supertrait that holds them all, behind one handle ([`DynStore`]).
//!
//! | Area | Trait |
//! |---|---|
//! | tenants and their users | [`TenantStore`] |
//! | sessions, API tokens, login throttling | [`AccessStore`] |
//! | units, fagområder, technology types | [`OrganisationStore`] |
//! | potentials | [`PotentialStore`] |
//! | saved views of the potentials list | [`ListViewStore`] |
//! | business cases and economic settings | [`DocumentStore`] |
//! | programmes, benefit plans, actuals | [`ProgrammeStore`] |
//! | imports, mappings, uploads | [`ImportStore`] |
//! | the audit log | [`AuditStore`] |
//! | housekeeping | [`MaintenanceStore`] |
//!
//! A method of a supertrait needs its trait in scope, so callers write
//! `use gevinst_store::prelude::*;`.
//!
//! There is one implementation per database: [`sqlite::SqliteStore`] (the embedded
//! default: a file in the data directory, WAL mode, foreign keys on) and
//! [`postgres::PostgresStore`] (server deployments). Their SQL is written once, in
//! `src/backend/` (one file per area), and compiled for each database (see
//! `backend/mod.rs`). [`connect`] picks the backend from the URL scheme and runs the
//! migrations.
//!
//! Rules every implementation keeps:
//! - Every query is scoped by [`TenantId`](gevinst_domain::TenantId); an id from another
//!   tenant is [`StoreError::NotFound`].
//! - The store writes every audit entry, in the same transaction as the change (or the
//!   event, such as a login or an export) it records: the audit log has one author.
//! - The audit log is append-only: the database itself refuses `UPDATE` and `DELETE` on it,
//!   and inserts that would reuse an entry's id.
//! - The audit log is tamper-evident: each tenant's entries form a hash chain
//!   ([`gevinst_domain::audit_chain`]), appended under a lock on the tenant's chain head so
//!   it never forks, and checked by [`AuditStore::verify_audit_chain`].
//! - Changes made without a tenant user ([`ActorId`] `None`) are recorded as the store's
//!   operator ([`Store::acting_as`]), e.g. `cli:root@host`.
//! - Updates carry the version the caller read; a stale version is [`StoreError::Conflict`]
//!   and changes nothing.
//! - Nothing panics on a database error.
//!
//! ```no_run
//! use gevinst_store::prelude::*;
//!
//! # async fn demo() -> Result<(), gevinst_store::StoreError> {
//! let store = gevinst_store::connect("sqlite:///tmp/gevinst/gevinst.db", true).await?;
//! let tenants = store.list_tenants().await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

use async_trait::async_trait;
use gevinst_domain::UserId;
use std::sync::Arc;

mod access;
mod audit;
mod documents;
mod error;
mod import;
mod list_views;
mod maintenance;
mod organisation;
mod potentials;
mod programmes;
mod reminders;
mod shared_state;
mod tenants;

pub mod backup;
pub mod postgres;
pub mod sqlite;

pub use access::{AccessStore, ApiTokenInfo, ApiTokenUse, FailedLogin, SessionRecord};
pub use audit::AuditStore;
pub use documents::{DocumentStore, StoredBusinessCase};
pub use error::{ErrorKind, StoreError};
pub use import::{
    ImportAction, ImportBatch, ImportNewUnit, ImportOutcome, ImportProgress, ImportRow,
    ImportStore, StoredImportMapping,
};
pub use list_views::{ListViewStore, StoredListView};
pub use maintenance::MaintenanceStore;
pub use organisation::{Catalogue, OrganisationStore};
pub use potentials::{PotentialCounts, PotentialStore};
pub use programmes::{
    AddActual, AddedActual, ProgrammeStore, StoredActual, StoredBenefitPlan, StoredProgramme,
};
pub use reminders::{ClaimedDigest, DigestStatus, ReminderStore};
pub use shared_state::{
    advisory_key, ImportUploadChange, NewImportUpload, StoredImportUpload, UploadBounds,
};
pub use tenants::{TenantStore, UserCredentials};

/// The store's traits, for `use gevinst_store::prelude::*;`: calling a method of an area
/// trait through a [`DynStore`] needs that trait in scope.
pub mod prelude {
    pub use crate::{
        AccessStore, AuditStore, DocumentStore, DynStore, ImportStore, ListViewStore,
        MaintenanceStore, OrganisationStore, PotentialStore, ProgrammeStore, ReminderStore, Store,
        TenantStore,
    };
}

/// Result type of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A shared handle to some store.
pub type DynStore = Arc<dyn Store>;

/// Who is acting, for the audit log. `None` is the store's operator (see
/// [`Store::acting_as`]): the CLI's `cli:USER@HOST`, the demo loader's `system:demo`.
pub type ActorId = Option<UserId>;

/// The operator a store records for changes without a tenant user, unless told otherwise
/// with [`Store::acting_as`].
pub const SYSTEM_OPERATOR: &str = "system";

/// Everything gevinst persists: every area's trait, and what concerns the store as a whole.
/// Methods are use-case sized; transactions stay inside.
#[async_trait]
pub trait Store:
    TenantStore
    + AccessStore
    + OrganisationStore
    + PotentialStore
    + ListViewStore
    + DocumentStore
    + ProgrammeStore
    + ReminderStore
    + ImportStore
    + AuditStore
    + MaintenanceStore
    + Send
    + Sync
    + 'static
{
    /// Answers `Ok` when the database is reachable.
    async fn health(&self) -> Result<()>;

    /// Which backend this is: `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// The same store (same connections), recording `operator` (e.g. `cli:root@host`,
    /// `system:demo`) as the actor of every change made without a tenant user.
    fn acting_as(&self, operator: &str) -> DynStore;
}

/// Opens the database named by `url` and, if `migrate` is true, runs its migrations.
///
/// - `sqlite://PATH` or `sqlite:PATH`: a file (created with its folder if missing).
/// - `postgres://…` or `postgresql://…`: a PostgreSQL server.
///
/// Any other scheme is an error; nothing is created on a typo.
pub async fn connect(url: &str, migrate: bool) -> Result<DynStore> {
    if url.starts_with("sqlite:") {
        let s = sqlite::SqliteStore::open(url).await?;
        if migrate {
            s.migrate().await?;
        }
        Ok(Arc::new(s))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = postgres::PostgresStore::open(url).await?;
        if migrate {
            s.migrate().await?;
        }
        Ok(Arc::new(s))
    } else {
        Err(StoreError::config(format!(
            "unsupported database URL (expected sqlite:PATH or postgres://…): {}",
            redact_url(url)
        )))
    }
}

/// The URL with any password replaced by `***`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact_url("sqlite:///x.db"), "sqlite:///x.db");
    }
}
