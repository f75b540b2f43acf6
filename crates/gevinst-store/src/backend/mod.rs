//! The store's SQL, written once for both databases.
//!
//! This folder is compiled twice: `sqlite.rs` and `postgres.rs` each mount it as their
//! module `backend` (`#[path = "backend/mod.rs"]`) after defining
//!
//! - `Db` (the sqlx database), `DbRow` (its row type) and `Conn` (its connection type),
//! - `ThisStore` (the store struct, with `pool` and `operator` fields and an async
//!   `begin_write`), and
//! - `BACKEND` (`"sqlite"` or `"postgres"`).
//!
//! The SQL is written once, with `$N` placeholders, which both SQLite and PostgreSQL
//! accept; only the schema (`migrations/*`) and connection setup differ per database.
//! Each area trait of the crate root has its implementation in the file of the same name
//! here; this module holds what they share.
//!
//! Why not one generic implementation over `sqlx::Database`? Its bounds (`Executor` for
//! every connection type, `Encode`/`Decode`/`Type` for every bound value) would spread
//! over every function here, for the same machine code as compiling the folder twice.

use super::{Conn, Db, DbRow, ThisStore, BACKEND};

mod access;
mod actual_versions;
mod audit_log;
mod documents;
mod import;
mod list_views;
mod maintenance;
mod migrate;
mod organisation;
mod potentials;
mod programmes;
mod reminders;
mod tenants;
mod uploads;

pub(crate) use audit_log::backfill_audit_chain;
pub(crate) use migrate::run_migrations;

use crate::{ActorId, Result, Store, StoreError};
use async_trait::async_trait;
use audit_log::insert_audit;
use chrono::{DateTime, Timelike, Utc};
use gevinst_domain::{audit, AuditAction, AuditDraft, EntityKind, FieldChange, TenantId};
use sqlx::Row;

/// A decoding problem (bad enum value in a row) as a database error.
fn bad_data(msg: String) -> StoreError {
    sqlx::Error::Decode(msg.into()).into()
}

/// Times are stored with microsecond precision on both databases (PostgreSQL's
/// resolution), so that what is written reads back equal.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

fn now() -> DateTime<Utc> {
    micros(Utc::now())
}

/// Maps a foreign-key violation (a reference to a row that is not in this tenant) to
/// NotFound; anything else keeps its kind.
fn fk(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| {
        if let sqlx::Error::Database(d) = &e {
            if d.is_foreign_key_violation() {
                return StoreError::not_found(what);
            }
        }
        e.into()
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn draft(
    entity: EntityKind,
    entity_id: i64,
    action: AuditAction,
    actor: ActorId,
    changes: Vec<FieldChange>,
) -> AuditDraft {
    AuditDraft {
        entity,
        entity_id,
        action,
        user_id: actor,
        actor: None,
        changes,
        reason: None,
    }
}

/// An audit entry for a record just created: every field of `record` as a change from nothing.
fn created<T: serde::Serialize>(
    entity: EntityKind,
    entity_id: i64,
    actor: ActorId,
    record: &T,
) -> AuditDraft {
    draft(
        entity,
        entity_id,
        AuditAction::Create,
        actor,
        audit::created(record),
    )
}

/// An audit entry for a record updated from `before` to `after`: the fields that differ.
fn updated<T: serde::Serialize>(
    entity: EntityKind,
    entity_id: i64,
    actor: ActorId,
    before: &T,
    after: &T,
) -> AuditDraft {
    draft(
        entity,
        entity_id,
        AuditAction::Update,
        actor,
        audit::changes(before, after),
    )
}

/// The write transaction of an audited change, as `begin_write` opens it.
type WriteTx = sqlx::Transaction<'static, Db>;

impl ThisStore {
    /// The last step of every audited change: appends `entry` to the tenant's audit chain
    /// inside `tx` (see [`insert_audit`]) and commits, so that the change and its entry are
    /// stored together or not at all. The data version moves with the entry (a trigger on
    /// `audit_log`).
    async fn finish_with_audit(
        &self,
        mut tx: WriteTx,
        tenant: TenantId,
        entry: &AuditDraft,
        at: DateTime<Utc>,
    ) -> Result<()> {
        insert_audit(&mut tx, &self.operator, tenant, entry, at).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Whether a record of the given kind exists in the tenant.
async fn entity_exists(
    conn: &mut Conn,
    tenant: TenantId,
    entity: EntityKind,
    id: i64,
) -> Result<bool> {
    let sql = match entity {
        EntityKind::Potential => "SELECT id FROM potentials WHERE tenant_id = $1 AND id = $2",
        EntityKind::User => "SELECT id FROM users WHERE tenant_id = $1 AND id = $2",
        EntityKind::Unit => "SELECT id FROM units WHERE tenant_id = $1 AND id = $2",
        EntityKind::Tenant => "SELECT id FROM tenants WHERE id = $1 AND id = $2",
        EntityKind::Fagomraade => "SELECT id FROM fagomraader WHERE tenant_id = $1 AND id = $2",
        EntityKind::Technology => "SELECT id FROM technologies WHERE tenant_id = $1 AND id = $2",
        EntityKind::ApiToken => "SELECT id FROM api_tokens WHERE tenant_id = $1 AND id = $2",
        // Keyed by the potential, so a potential without a case has an empty history.
        EntityKind::BusinessCase => "SELECT id FROM potentials WHERE tenant_id = $1 AND id = $2",
        EntityKind::TenantSettings => "SELECT id FROM tenants WHERE id = $1 AND id = $2",
        EntityKind::Programme => "SELECT id FROM programmes WHERE tenant_id = $1 AND id = $2",
        // Keyed by the potential, like the business case.
        EntityKind::BenefitPlan => "SELECT id FROM potentials WHERE tenant_id = $1 AND id = $2",
        EntityKind::Actual => "SELECT id FROM actuals WHERE tenant_id = $1 AND id = $2",
        EntityKind::StatusProbabilities => "SELECT id FROM tenants WHERE id = $1 AND id = $2",
        // Sign-ins are keyed by the user (0 for an e-mail that matched no user).
        EntityKind::Session => {
            "SELECT id FROM tenants WHERE id = $1 AND ($2 = 0 OR EXISTS \
             (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2))"
        }
        // Exports are keyed by the tenant.
        EntityKind::Export => "SELECT id FROM tenants WHERE id = $1 AND id = $2",
        EntityKind::ListView => "SELECT id FROM list_views WHERE tenant_id = $1 AND id = $2",
    };
    Ok(sqlx::query(sql)
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
}

#[async_trait]
impl Store for ThisStore {
    async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        BACKEND
    }

    fn acting_as(&self, operator: &str) -> crate::DynStore {
        std::sync::Arc::new(self.with_operator(operator))
    }
}
