//! State that several app servers on one database share: import uploads and periodic jobs.

use super::*;
use crate::shared_state::{make_room, Kept};
use crate::{
    ImportUploadChange, NewImportUpload, Result, StoreError, StoredImportUpload, UploadBounds,
};
use chrono::{DateTime, Utc};
use gevinst_domain::{TenantId, UserId};

/// On PostgreSQL, waits for the transaction-scoped advisory lock of `name`, so that
/// transactions of several app servers that take it run one after another. SQLite's
/// write transactions (`BEGIN IMMEDIATE`) run one at a time anyway.
async fn advisory_xact_lock(conn: &mut Conn, name: &str) -> Result<()> {
    if BACKEND == "postgres" {
        let (ns, key) = crate::advisory_key(name);
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(ns)
            .bind(key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// On PostgreSQL, takes the transaction-scoped advisory lock of `name` if no other
/// transaction holds it; answers false if one does. SQLite: always true.
async fn try_advisory_xact_lock(conn: &mut Conn, name: &str) -> Result<bool> {
    if BACKEND != "postgres" {
        return Ok(true);
    }
    let (ns, key) = crate::advisory_key(name);
    let row = sqlx::query("SELECT pg_try_advisory_xact_lock($1, $2) AS locked")
        .bind(ns)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("locked")?)
}

const UPLOAD_COLS: &str = "id, tenant_id, user_id, filename, created_at, sheet, mapping, \
                           choices, committing, progress, progress_at, failure, outcome";

fn upload_row(r: &DbRow, with_file: bool) -> Result<StoredImportUpload> {
    let progress: i64 = r.try_get("progress")?;
    Ok(StoredImportUpload {
        id: r.try_get("id")?,
        tenant_id: TenantId(r.try_get("tenant_id")?),
        user_id: UserId(r.try_get("user_id")?),
        filename: r.try_get("filename")?,
        bytes: if with_file {
            r.try_get("body")?
        } else {
            Vec::new()
        },
        created_at: r.try_get("created_at")?,
        sheet: r.try_get("sheet")?,
        mapping: r.try_get("mapping")?,
        choices: r.try_get("choices")?,
        committing: r.try_get("committing")?,
        progress: u64::try_from(progress).unwrap_or(0),
        progress_at: r.try_get("progress_at")?,
        failure: r.try_get("failure")?,
        outcome: r.try_get("outcome")?,
    })
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) async fn put_import_upload(
    store: &ThisStore,
    upload: &NewImportUpload<'_>,
    bounds: &UploadBounds,
) -> Result<u64> {
    let mut tx = store.begin_write().await?;
    advisory_xact_lock(&mut tx, "import_uploads").await?;
    let mut gone = sqlx::query("DELETE FROM import_uploads WHERE created_at < $1")
        .bind(micros(bounds.expired_before))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let rows = sqlx::query(
        "SELECT id, seq, tenant_id, user_id, size, committing FROM import_uploads ORDER BY seq",
    )
    .fetch_all(&mut *tx)
    .await?;
    let kept = rows
        .iter()
        .map(|r| {
            let size: i64 = r.try_get("size")?;
            Ok(Kept {
                id: r.try_get("id")?,
                seq: r.try_get("seq")?,
                owner: (
                    TenantId(r.try_get("tenant_id")?),
                    UserId(r.try_get("user_id")?),
                ),
                size: u64::try_from(size).unwrap_or(0),
                committing: r.try_get("committing")?,
            })
        })
        .collect::<Result<Vec<Kept>>>()?;
    let size = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    let owner = (upload.tenant_id, upload.user_id);
    for id in make_room(&kept, owner, size, bounds) {
        gone += sqlx::query("DELETE FROM import_uploads WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    let seq = kept.iter().map(|k| k.seq).max().unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO import_uploads \
         (id, seq, tenant_id, user_id, filename, body, size, created_at, choices) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(upload.id)
    .bind(seq)
    .bind(upload.tenant_id.0)
    .bind(upload.user_id.0)
    .bind(upload.filename)
    .bind(upload.bytes)
    .bind(to_i64(size))
    .bind(micros(upload.created_at))
    .bind(upload.choices)
    .execute(&mut *tx)
    .await
    .map_err(fk("user"))?;
    tx.commit().await?;
    Ok(gone)
}

pub(super) async fn import_upload(
    store: &ThisStore,
    tenant: TenantId,
    user: UserId,
    id: &str,
    expired_before: DateTime<Utc>,
    with_file: bool,
) -> Result<StoredImportUpload> {
    let body = if with_file { ", body" } else { "" };
    let sql = format!(
        "SELECT {UPLOAD_COLS}{body} FROM import_uploads \
         WHERE id = $1 AND tenant_id = $2 AND user_id = $3 AND created_at >= $4"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(tenant.0)
        .bind(user.0)
        .bind(micros(expired_before))
        .fetch_optional(&store.pool)
        .await?;
    match row {
        Some(r) => upload_row(&r, with_file),
        None => Err(StoreError::not_found("import upload")),
    }
}

pub(super) async fn change_import_upload(
    store: &ThisStore,
    tenant: TenantId,
    user: UserId,
    id: &str,
    change: ImportUploadChange<'_>,
) -> Result<bool> {
    const WHERE: &str = "WHERE id = $1 AND tenant_id = $2 AND user_id = $3";
    let q = |set: &str| format!("UPDATE import_uploads SET {set} {WHERE}");
    let sql = match change {
        ImportUploadChange::Sheet(_) => q("sheet = $4, mapping = NULL"),
        ImportUploadChange::Mapping(_) => q("mapping = $4"),
        ImportUploadChange::Choices(_) => q("choices = $4"),
        ImportUploadChange::StartCommit(_) => {
            q("committing = TRUE, progress = 0, progress_at = $4, failure = NULL")
                + " AND committing = FALSE AND outcome IS NULL"
        }
        ImportUploadChange::Progress(..) => {
            q("progress = $4, progress_at = $5") + " AND committing = TRUE"
        }
        ImportUploadChange::FinishCommit { .. } => {
            q("committing = FALSE, progress_at = NULL, outcome = $4, failure = $5")
        }
        ImportUploadChange::TakeFailure(_) => q("failure = NULL") + " AND failure = $4",
    };
    let query = sqlx::query(&sql).bind(id).bind(tenant.0).bind(user.0);
    let query = match change {
        ImportUploadChange::Sheet(s) => query.bind(s),
        ImportUploadChange::Mapping(m) => query.bind(m),
        ImportUploadChange::Choices(c) => query.bind(c),
        ImportUploadChange::StartCommit(at) => query.bind(micros(at)),
        ImportUploadChange::Progress(n, at) => query.bind(to_i64(n)).bind(micros(at)),
        ImportUploadChange::FinishCommit { outcome, failure } => query.bind(outcome).bind(failure),
        ImportUploadChange::TakeFailure(f) => query.bind(f),
    };
    if query.execute(&store.pool).await?.rows_affected() > 0 {
        return Ok(true);
    }
    let exists = sqlx::query(&format!("SELECT 1 AS one FROM import_uploads {WHERE}"))
        .bind(id)
        .bind(tenant.0)
        .bind(user.0)
        .fetch_optional(&store.pool)
        .await?;
    match exists {
        Some(_) => Ok(false),
        None => Err(StoreError::not_found("import upload")),
    }
}

pub(super) async fn purge_import_uploads(
    store: &ThisStore,
    expired_before: DateTime<Utc>,
) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM import_uploads WHERE created_at < $1")
            .bind(micros(expired_before))
            .execute(&store.pool)
            .await?
            .rows_affected(),
    )
}

pub(super) async fn claim_periodic_job(
    store: &ThisStore,
    name: &str,
    now: DateTime<Utc>,
    min_interval: chrono::Duration,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    if !try_advisory_xact_lock(&mut tx, &format!("periodic:{name}")).await? {
        return Ok(false);
    }
    let last = sqlx::query("SELECT last_run_at FROM periodic_jobs WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(r) = last {
        let at: DateTime<Utc> = r.try_get("last_run_at")?;
        if at > now - min_interval {
            // End the transaction here rather than by dropping it: a dropped transaction
            // rolls back only when its connection is next used, and until then it keeps
            // the advisory lock, so the next claim on another connection would be refused
            // although the job is due.
            tx.rollback().await?;
            return Ok(false);
        }
    }
    sqlx::query(
        "INSERT INTO periodic_jobs (name, last_run_at) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at",
    )
    .bind(name)
    .bind(micros(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
