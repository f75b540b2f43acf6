//! Versioned JSON documents: a potential's business case (and the write path that benefit
//! plans share), and the per-tenant settings documents (economics, forecast probabilities).

use super::potentials::require_potential;
use super::*;
use crate::{ActorId, Result, StoreError, StoredBusinessCase};
use chrono::{DateTime, Utc};
use gevinst_domain::business_case::{BusinessCase, Economics};
use gevinst_domain::{AuditAction, AuditDraft, EntityKind, PotentialId, TenantId};
use sqlx::types::Json;

pub(super) const BUSINESS_CASE_COLS: &str = "potential_id, body, version, updated_at";

fn business_case_row(r: &DbRow) -> Result<StoredBusinessCase> {
    let body: Json<BusinessCase> = r.try_get("body")?;
    Ok(StoredBusinessCase {
        potential_id: PotentialId(r.try_get("potential_id")?),
        case: body.0,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(super) async fn fetch_business_case(
    conn: &mut Conn,
    tenant: TenantId,
    potential: PotentialId,
) -> Result<Option<StoredBusinessCase>> {
    fetch_potential_document(
        conn,
        "business_cases",
        BUSINESS_CASE_COLS,
        (tenant, potential),
        business_case_row,
    )
    .await
}

/// A potential's document (business case, benefit plan) from `table`, if it has one.
/// `table` and `cols` are compile-time constants, never user input.
pub(super) async fn fetch_potential_document<S>(
    conn: &mut Conn,
    table: &'static str,
    cols: &'static str,
    (tenant, potential): (TenantId, PotentialId),
    decode: fn(&DbRow) -> Result<S>,
) -> Result<Option<S>> {
    let sql = format!("SELECT {cols} FROM {table} WHERE tenant_id = $1 AND potential_id = $2");
    sqlx::query(&sql)
        .bind(tenant.0)
        .bind(potential.0)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(decode)
        .transpose()
}

/// The tenant's stored settings and version, or the defaults with version 0;
/// NotFound for an unknown tenant.
/// A per-tenant settings document (economics, forecast probabilities): the table and the
/// column holding its JSON body (compile-time constants, never user input), how errors name
/// it, and the audit entity of its changes.
pub(super) struct TenantDocument {
    table: &'static str,
    column: &'static str,
    what: &'static str,
    entity: EntityKind,
}

const ECONOMICS: TenantDocument = TenantDocument {
    table: "tenant_settings",
    column: "economics",
    what: "settings",
    entity: EntityKind::TenantSettings,
};

pub(super) const STATUS_PROBABILITIES: TenantDocument = TenantDocument {
    table: "status_probabilities",
    column: "body",
    what: "forecast probabilities",
    entity: EntityKind::StatusProbabilities,
};

/// A tenant's settings document and its version; the default with version 0 if the tenant
/// never saved one. An unknown tenant is NotFound.
pub(super) async fn fetch_tenant_document<T>(
    conn: &mut Conn,
    doc: &TenantDocument,
    tenant: TenantId,
) -> Result<(T, i64)>
where
    T: serde::de::DeserializeOwned + Default + Send + Unpin,
{
    let TenantDocument { table, column, .. } = doc;
    let sql = format!(
        "SELECT t.id AS id, s.{column} AS body, s.version AS version \
         FROM tenants t LEFT JOIN {table} s ON s.tenant_id = t.id WHERE t.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Err(StoreError::not_found(format!("tenant {tenant}")));
    };
    let body: Option<Json<T>> = row.try_get("body")?;
    let version: Option<i64> = row.try_get("version")?;
    Ok(match (body, version) {
        (Some(b), Some(v)) => (b.0, v),
        _ => (T::default(), 0),
    })
}

/// Saves a tenant's settings document if the stored version equals `expected_version`
/// (0: none saved yet) and returns the new version; a stale version is Conflict. Audited
/// with the changed fields (entity id = tenant id) in the same transaction.
pub(super) async fn set_tenant_document<T>(
    store: &ThisStore,
    doc: &TenantDocument,
    (tenant, actor, expected_version): (TenantId, ActorId, i64),
    body: &T,
) -> Result<i64>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Default + Send + Sync + Unpin,
{
    let TenantDocument {
        table,
        column,
        what,
        entity,
    } = doc;
    let mut tx = store.begin_write().await?;
    let (before, _): (T, i64) = fetch_tenant_document(&mut tx, doc, tenant).await?;
    let at = now();
    let (row, action) = if expected_version == 0 {
        // Created only if no row exists; a concurrent creator makes this a conflict.
        let sql = format!(
            "INSERT INTO {table} (tenant_id, {column}, version, updated_at, updated_by) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (tenant_id) DO NOTHING RETURNING version"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(Json(body))
            .bind(at)
            .bind(actor.map(|u| u.0))
            .fetch_optional(&mut *tx)
            .await
            .map_err(fk("tenant or acting user"))?;
        (row, AuditAction::Create)
    } else {
        let sql = format!(
            "UPDATE {table} SET {column} = $1, version = version + 1, updated_at = $2, \
             updated_by = $3 WHERE tenant_id = $4 AND version = $5 RETURNING version"
        );
        let row = sqlx::query(&sql)
            .bind(Json(body))
            .bind(at)
            .bind(actor.map(|u| u.0))
            .bind(tenant.0)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(fk("acting user"))?;
        (row, AuditAction::Update)
    };
    let Some(row) = row else {
        return Err(StoreError::conflict(format!("{what} of tenant {tenant}")));
    };
    let version: i64 = row.try_get("version")?;
    let d = draft(
        *entity,
        tenant.0,
        action,
        actor,
        audit::changes(&before, body),
    );
    store.finish_with_audit(tx, tenant, &d, at).await?;
    Ok(version)
}

/// Which per-potential document to write: tenant, acting user, potential, and the version
/// the caller read (`None` = create).
type DocumentTarget = (TenantId, ActorId, PotentialId, Option<i64>);

/// Writes a versioned JSON document kept once per potential (a business case, a benefit
/// plan) and its audit entry in one transaction.
///
/// - Another tenant's potential is NotFound, before anything else.
/// - `None` creates the document; if one exists already, Conflict.
/// - `Some(v)` replaces version `v`; any other stored version is Conflict.
///
/// `table` and `cols` are compile-time constants, never user input.
#[allow(clippy::too_many_arguments)]
pub(super) async fn put_potential_document<T: serde::Serialize + Sync, S>(
    store: &ThisStore,
    table: &'static str,
    cols: &'static str,
    what: &'static str,
    (tenant, actor, potential, expected_version): DocumentTarget,
    body: &T,
    audit: &AuditDraft,
    decode: fn(&DbRow) -> Result<S>,
) -> Result<S> {
    let mut tx = store.begin_write().await?;
    require_potential(&mut tx, tenant, potential).await?;
    let at = now();
    let row = write_potential_document(
        &mut tx,
        table,
        cols,
        what,
        (tenant, actor, potential, expected_version),
        body,
        at,
    )
    .await?;
    let stored = decode(&row)?;
    store.finish_with_audit(tx, tenant, audit, at).await?;
    Ok(stored)
}

/// Writes the body of a per-potential document inside a transaction and
/// returns the stored row: `None` inserts version 1 (Conflict if one
/// exists), `Some(v)` replaces version `v` (Conflict for any other).
pub(super) async fn write_potential_document<T: serde::Serialize + Sync>(
    conn: &mut Conn,
    table: &'static str,
    cols: &'static str,
    what: &'static str,
    (tenant, actor, potential, expected_version): DocumentTarget,
    body: &T,
    at: DateTime<Utc>,
) -> Result<DbRow> {
    let sql = match expected_version {
        None => format!(
            "INSERT INTO {table} (tenant_id, potential_id, body, version, created_at, \
             updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, $4, $5) \
             ON CONFLICT (tenant_id, potential_id) DO NOTHING RETURNING {cols}"
        ),
        Some(_) => format!(
            "UPDATE {table} SET body = $3, version = version + 1, updated_at = $4, \
             updated_by = $5 WHERE tenant_id = $1 AND potential_id = $2 AND version = $6 \
             RETURNING {cols}"
        ),
    };
    let mut q = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(potential.0)
        .bind(Json(body))
        .bind(at)
        .bind(actor.map(|u| u.0));
    if let Some(v) = expected_version {
        q = q.bind(v);
    }
    q.fetch_optional(&mut *conn)
        .await
        .map_err(fk("potential or acting user"))?
        .ok_or_else(|| StoreError::conflict(format!("{what} of potential {potential}")))
}

#[async_trait]
impl crate::DocumentStore for ThisStore {
    async fn economics(&self, tenant: TenantId) -> Result<(Economics, i64)> {
        let mut conn = self.pool.acquire().await?;
        fetch_tenant_document(&mut conn, &ECONOMICS, tenant).await
    }

    async fn set_economics(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        economics: &Economics,
    ) -> Result<i64> {
        set_tenant_document(
            self,
            &ECONOMICS,
            (tenant, actor, expected_version),
            economics,
        )
        .await
    }

    async fn business_case(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBusinessCase>> {
        let mut conn = self.pool.acquire().await?;
        require_potential(&mut conn, tenant, potential).await?;
        fetch_business_case(&mut conn, tenant, potential).await
    }

    async fn put_business_case(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        case: &BusinessCase,
        audit: &AuditDraft,
    ) -> Result<StoredBusinessCase> {
        put_potential_document(
            self,
            "business_cases",
            BUSINESS_CASE_COLS,
            "business case",
            (tenant, actor, potential, expected_version),
            case,
            audit,
            business_case_row,
        )
        .await
    }

    async fn list_business_cases(&self, tenant: TenantId) -> Result<Vec<StoredBusinessCase>> {
        let sql = format!(
            "SELECT {BUSINESS_CASE_COLS} FROM business_cases WHERE tenant_id = $1 ORDER BY potential_id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(business_case_row).collect()
    }
}
