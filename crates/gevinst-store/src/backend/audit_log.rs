//! The audit log and its hash chain. The hashing itself is pure and lives in
//! `gevinst_domain::audit_chain`.

use super::tenants::fetch_tenant;
use super::*;
use crate::{ActorId, Result, StoreError};
use chrono::{DateTime, Utc};
use gevinst_domain::audit_chain::{
    entry_hash, ChainFields, ChainReport, ChainVerifier, StoredLink, GENESIS,
};
use gevinst_domain::{
    AuditAction, AuditDraft, AuditEntry, EntityKind, FieldChange, TenantId, UserId,
};
use sqlx::types::Json;

/// Entries read per query while verifying a chain.
const VERIFY_BATCH: i64 = 2000;

/// Appends an audit entry to its tenant's chain. Call it inside the write transaction of
/// the change it records.
///
/// The chain head row (`audit_chain`) is created or moved forward first, by one upsert
/// that returns the new seq and the previous entry's hash. On PostgreSQL that upsert locks
/// the tenant's head row until the transaction ends, so concurrent writers of one tenant
/// queue up and the chain never forks; SQLite's `BEGIN IMMEDIATE` already serialises all
/// writers.
pub(super) async fn insert_audit(
    conn: &mut Conn,
    operator: &str,
    tenant: TenantId,
    d: &AuditDraft,
    at: DateTime<Utc>,
) -> Result<()> {
    let at = micros(at);
    let actor = match d.user_id {
        Some(_) => None,
        None => Some(d.actor.clone().unwrap_or_else(|| operator.to_owned())),
    };
    let changes = serde_json::to_value(&d.changes)
        .map_err(|e| bad_data(format!("audit changes cannot be encoded: {e}")))?;
    let head = sqlx::query(
        "INSERT INTO audit_chain (tenant_id, seq, hash) VALUES ($1, 1, $2) \
         ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain.seq + 1 \
         RETURNING seq, hash",
    )
    .bind(tenant.0)
    .bind(GENESIS)
    .fetch_one(&mut *conn)
    .await
    .map_err(fk("tenant"))?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let fields = ChainFields {
        tenant_id: tenant.0,
        seq,
        entity: d.entity.as_str().to_owned(),
        entity_id: d.entity_id,
        action: d.action.as_str().to_owned(),
        user_id: d.user_id.map(|u| u.0),
        actor,
        at,
        changes,
        reason: d.reason.clone(),
    };
    let hash = entry_hash(&prev_hash, &fields);
    sqlx::query(
        "INSERT INTO audit_log (tenant_id, entity, entity_id, action, user_id, actor, at, \
         changes, reason, seq, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(tenant.0)
    .bind(&fields.entity)
    .bind(fields.entity_id)
    .bind(&fields.action)
    .bind(fields.user_id)
    .bind(fields.actor.as_deref())
    .bind(at)
    .bind(Json(&fields.changes))
    .bind(fields.reason.as_deref())
    .bind(seq)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await
    .map_err(fk("tenant or acting user"))?;
    sqlx::query("UPDATE audit_chain SET hash = $2 WHERE tenant_id = $1")
        .bind(tenant.0)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const LINK_COLS: &str = "id, tenant_id, entity, entity_id, action, user_id, actor, at, changes, \
                         reason, seq, prev_hash, hash";

/// An audit row as a chain link, exactly as stored. A field that cannot be decoded (only
/// possible when someone wrote to the table by hand) gives a link whose hash cannot match,
/// so verification reports the entry as altered instead of failing.
fn link_row(r: &DbRow) -> Result<StoredLink> {
    let id: i64 = r.try_get("id")?;
    let seq: i64 = r.try_get("seq")?;
    let mut readable = true;
    let mut get = |col: &str| -> Option<String> {
        match r.try_get::<Option<String>, _>(col) {
            Ok(v) => v,
            Err(_) => {
                readable = false;
                None
            }
        }
    };
    let entity = get("entity").unwrap_or_default();
    let action = get("action").unwrap_or_default();
    let actor = get("actor");
    let reason = get("reason");
    let prev_hash = get("prev_hash").unwrap_or_default();
    let hash = get("hash").unwrap_or_default();
    let at = r.try_get::<DateTime<Utc>, _>("at");
    let changes = r.try_get::<Json<serde_json::Value>, _>("changes");
    let (Ok(at), Ok(Json(changes)), true) = (at, changes, readable) else {
        return Ok(StoredLink {
            id,
            fields: unreadable_fields(r, seq),
            prev_hash,
            hash: String::new(),
        });
    };
    Ok(StoredLink {
        id,
        fields: ChainFields {
            tenant_id: r.try_get("tenant_id")?,
            seq,
            entity,
            entity_id: r.try_get("entity_id")?,
            action,
            user_id: r.try_get("user_id")?,
            actor,
            at: micros(at),
            changes,
            reason,
        },
        prev_hash,
        hash,
    })
}

/// Placeholder fields for a row that cannot be read.
fn unreadable_fields(r: &DbRow, seq: i64) -> ChainFields {
    ChainFields {
        tenant_id: r.try_get("tenant_id").unwrap_or_default(),
        seq,
        entity: String::new(),
        entity_id: 0,
        action: String::new(),
        user_id: None,
        actor: None,
        at: DateTime::<Utc>::default(),
        changes: serde_json::Value::Null,
        reason: None,
    }
}

/// [`crate::AuditStore::verify_audit_chain`]: reads the chain head first (so entries appended while
/// the check runs cannot look like deleted ones), then walks the entries in seq order in
/// batches, then looks for entries outside the chain.
async fn verify_chain(pool: &sqlx::Pool<Db>, tenant: TenantId) -> Result<ChainReport> {
    let mut conn = pool.acquire().await?;
    fetch_tenant(&mut conn, tenant).await?;
    let head: Option<i64> = sqlx::query("SELECT seq FROM audit_chain WHERE tenant_id = $1")
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("seq"))
        .transpose()?;
    let mut v = ChainVerifier::new();
    let mut after = 0_i64;
    loop {
        let sql = format!(
            "SELECT {LINK_COLS} FROM audit_log \
             WHERE tenant_id = $1 AND seq IS NOT NULL AND seq > $2 ORDER BY seq LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(after)
            .bind(VERIFY_BATCH)
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let link = link_row(r)?;
            after = link.fields.seq;
            if !v.push(&link) {
                return Ok(v.finish(head));
            }
        }
        if i64::try_from(rows.len()).unwrap_or(0) < VERIFY_BATCH {
            break;
        }
    }
    let unchained = sqlx::query(
        "SELECT id FROM audit_log WHERE tenant_id = $1 \
         AND (seq IS NULL OR prev_hash IS NULL OR hash IS NULL) ORDER BY id LIMIT 1",
    )
    .bind(tenant.0)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = unchained {
        v.unchained(r.try_get("id")?);
    }
    Ok(v.finish(head))
}

/// Chains the audit entries written before the chain existed (migration 0006), per
/// tenant in id order, each tenant in one write transaction. Only tenants whose chain has
/// not started are chained: an unchained entry in a tenant that already has a chain was
/// not written by gevinst, and is left for verification to report. Returns how many
/// entries were chained; with nothing to chain it only reads.
pub(crate) async fn backfill_audit_chain(store: &ThisStore) -> Result<u64> {
    let tenants = sqlx::query(
        "SELECT DISTINCT a.tenant_id AS tenant_id FROM audit_log a \
         WHERE a.seq IS NULL \
         AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.tenant_id = a.tenant_id) \
         ORDER BY a.tenant_id",
    )
    .fetch_all(&store.pool)
    .await?;
    let mut chained = 0;
    for t in &tenants {
        let tenant: i64 = t.try_get("tenant_id")?;
        let mut tx = store.begin_write().await?;
        // Starts the chain (and locks its head); a concurrent migrate that got here first
        // leaves nothing to do.
        let started = sqlx::query(
            "INSERT INTO audit_chain (tenant_id, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant)
        .bind(GENESIS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if started == 0 {
            continue;
        }
        let sql = format!(
            "SELECT {LINK_COLS} FROM audit_log WHERE tenant_id = $1 AND seq IS NULL ORDER BY id"
        );
        let rows = sqlx::query(&sql).bind(tenant).fetch_all(&mut *tx).await?;
        let mut prev = GENESIS.to_owned();
        let mut seq = 0;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let mut fields = legacy_fields(r)?;
            seq += 1;
            fields.seq = seq;
            let hash = entry_hash(&prev, &fields);
            sqlx::query(
                "UPDATE audit_log SET seq = $2, prev_hash = $3, hash = $4 \
                 WHERE id = $1 AND seq IS NULL",
            )
            .bind(id)
            .bind(seq)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
            prev = hash;
        }
        sqlx::query("UPDATE audit_chain SET seq = $2, hash = $3 WHERE tenant_id = $1")
            .bind(tenant)
            .bind(seq)
            .bind(&prev)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        chained += count(seq);
    }
    if chained > 0 {
        tracing::info!(
            entries = chained,
            "chained audit entries written before the audit chain"
        );
    }
    Ok(chained)
}

/// The hashed fields of an entry written before the chain existed (seq set by the caller).
fn legacy_fields(r: &DbRow) -> Result<ChainFields> {
    let Json(changes): Json<serde_json::Value> = r.try_get("changes")?;
    Ok(ChainFields {
        tenant_id: r.try_get("tenant_id")?,
        seq: 0,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        action: r.try_get("action")?,
        user_id: r.try_get("user_id")?,
        actor: r.try_get("actor")?,
        at: micros(r.try_get("at")?),
        changes,
        reason: r.try_get("reason")?,
    })
}

/// Appends `entries`, events that have no record of their own (a login, an export), in one
/// write transaction: the entries and their tenant's chain head move together.
pub(super) async fn append_events(
    store: &ThisStore,
    tenant: TenantId,
    entries: &[AuditDraft],
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    let at = now();
    for entry in entries {
        insert_audit(&mut tx, &store.operator, tenant, entry, at).await?;
    }
    tx.commit().await?;
    Ok(())
}

impl ThisStore {
    /// Appends an audit entry that no operation of the store records, for tests of the
    /// hash chain and for maintenance tools that hold the concrete store. The app's
    /// handle ([`crate::DynStore`]) cannot reach it: there, the store's operations are the
    /// audit log's only author.
    pub async fn append_audit(&self, tenant: TenantId, entry: &AuditDraft) -> Result<()> {
        append_events(self, tenant, std::slice::from_ref(entry)).await
    }

    /// The same store (same connections), recording `operator` as the actor of changes
    /// without a tenant user; the concrete counterpart of [`crate::Store::acting_as`].
    pub fn with_operator(&self, operator: &str) -> Self {
        ThisStore {
            pool: self.pool.clone(),
            operator: operator.into(),
        }
    }
}

#[async_trait]
impl crate::AuditStore for ThisStore {
    async fn record_export(
        &self,
        tenant: TenantId,
        actor: ActorId,
        facts: Vec<FieldChange>,
    ) -> Result<()> {
        let entry = draft(
            EntityKind::Export,
            tenant.0,
            AuditAction::Export,
            actor,
            facts,
        );
        append_events(self, tenant, &[entry]).await
    }

    async fn data_version(&self, tenant: TenantId) -> Result<i64> {
        // A counter bumped by a trigger on audit_log (migration 0007): on PostgreSQL at
        // commit, so that out-of-order commits cannot leave it unchanged.
        let row = sqlx::query("SELECT version FROM data_versions WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("version")?,
            None => 0,
        })
    }

    async fn verify_audit_chain(
        &self,
        tenant: TenantId,
    ) -> Result<gevinst_domain::audit_chain::ChainReport> {
        verify_chain(&self.pool, tenant).await
    }

    async fn audit_for(
        &self,
        tenant: TenantId,
        entity: EntityKind,
        id: i64,
    ) -> Result<Vec<AuditEntry>> {
        let mut conn = self.pool.acquire().await?;
        if !entity_exists(&mut conn, tenant, entity, id).await? {
            return Err(StoreError::not_found(format!("{} {id}", entity.as_str())));
        }
        let rows = sqlx::query(
            "SELECT a.id AS id, a.tenant_id AS tenant_id, a.entity AS entity, a.entity_id AS entity_id, \
             a.action AS action, a.user_id AS user_id, u.name AS user_name, a.actor AS actor, a.at AS at, \
             a.changes AS changes, a.reason AS reason \
             FROM audit_log a LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id \
             WHERE a.tenant_id = $1 AND a.entity = $2 AND a.entity_id = $3 ORDER BY a.id",
        )
        .bind(tenant.0)
        .bind(entity.as_str())
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                let entity: String = r.try_get("entity")?;
                let action: String = r.try_get("action")?;
                let changes: Json<Vec<FieldChange>> = r.try_get("changes")?;
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    tenant_id: TenantId(r.try_get("tenant_id")?),
                    entity: EntityKind::parse(&entity)
                        .ok_or_else(|| bad_data(format!("bad entity in audit log: {entity}")))?,
                    entity_id: r.try_get("entity_id")?,
                    action: AuditAction::parse(&action)
                        .ok_or_else(|| bad_data(format!("bad action in audit log: {action}")))?,
                    user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                    user_name: r.try_get("user_name")?,
                    actor: r.try_get("actor")?,
                    at: r.try_get("at")?,
                    changes: changes.0,
                    reason: r.try_get("reason")?,
                })
            })
            .collect()
    }
}
