//! Corrections and withdrawals of actuals, and the duplicate check when one is recorded.
//!
//! Only the current version of an actual (`superseded_by` NULL) that is not withdrawn
//! counts; see [`crate::StoredActual::is_current`].

use super::programmes::{actual_row, fetch_actual, ACTUAL_COLS};
use super::*;
use crate::{AddActual, AddedActual, StoredActual};
use gevinst_domain::programme::{Actual, ApprovalState};
use gevinst_domain::PotentialId;
use sqlx::types::Json;

type Scope = (TenantId, ActorId, PotentialId);

/// Inserts an actual (a correction when `replaces` is set) and returns its id. The
/// composite foreign key to benefit_plans refuses another tenant's potential and a
/// potential without a plan.
pub(super) async fn insert_actual(
    conn: &mut Conn,
    (tenant, actor, potential): Scope,
    actual: &Actual,
    replaces: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO actuals (tenant_id, potential_id, body, created_at, created_by, approval, \
         replaces) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(tenant.0)
    .bind(potential.0)
    .bind(Json(actual))
    .bind(at)
    .bind(actor.map(|u| u.0))
    .bind(actual.approval.as_str())
    .bind(replaces)
    .fetch_one(&mut *conn)
    .await
    .map_err(fk("benefit plan or acting user"))?;
    Ok(row.try_get("id")?)
}

/// The potential's current actuals, read after locking its plan row, so that two
/// concurrent recordings for one potential are checked one after the other (SQLite's
/// write transactions are serial anyway).
async fn current_actuals_locked(
    conn: &mut Conn,
    tenant: TenantId,
    potential: PotentialId,
) -> Result<Vec<StoredActual>> {
    let locked = sqlx::query(
        "UPDATE benefit_plans SET version = version WHERE tenant_id = $1 AND potential_id = $2",
    )
    .bind(tenant.0)
    .bind(potential.0)
    .execute(&mut *conn)
    .await?;
    if locked.rows_affected() == 0 {
        return Err(StoreError::not_found(format!(
            "benefit plan of potential {potential}"
        )));
    }
    let sql = format!(
        "SELECT {ACTUAL_COLS} FROM actuals WHERE tenant_id = $1 AND potential_id = $2 \
         AND superseded_by IS NULL AND withdrawn_at IS NULL ORDER BY id"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(potential.0)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(actual_row).collect()
}

pub(super) async fn add_checked(
    store: &ThisStore,
    scope: Scope,
    actual: &Actual,
    mode: AddActual,
    reason: Option<&str>,
) -> Result<AddedActual> {
    let (tenant, actor, potential) = scope;
    let mut tx = store.begin_write().await?;
    let current = current_actuals_locked(&mut tx, tenant, potential).await?;
    let replaces = match mode {
        AddActual::Unique => {
            if let Some(dup) = current.iter().find(|a| {
                a.actual.approval != ApprovalState::Rejected
                    && a.actual.line == actual.line
                    && a.actual.period == actual.period
            }) {
                return Ok(AddedActual::Duplicate(dup.id));
            }
            None
        }
        AddActual::Additional => None,
        AddActual::Replacing(old) => {
            if !current.iter().any(|a| a.id == old) {
                // Not current: unknown (404) or replaced/withdrawn already (409).
                fetch_actual(&mut tx, tenant, potential, old).await?;
                return Err(StoreError::conflict(format!("actual {old} is not current")));
            }
            Some(old)
        }
    };
    let at = now();
    let id = insert_actual(&mut tx, scope, actual, replaces, at).await?;
    let mut created = draft(
        EntityKind::Actual,
        id,
        AuditAction::Create,
        actor,
        audit::created(actual),
    );
    created.reason = reason.map(str::to_owned);
    if let Some(old) = replaces {
        created.changes.push(FieldChange {
            field: "replaces".into(),
            before: serde_json::Value::Null,
            after: serde_json::json!(old),
        });
    }
    insert_audit(&mut tx, &store.operator, tenant, &created, at).await?;
    if let Some(old) = replaces {
        sqlx::query(
            "UPDATE actuals SET superseded_by = $1 WHERE tenant_id = $2 AND potential_id = $3 \
             AND id = $4",
        )
        .bind(id)
        .bind(tenant.0)
        .bind(potential.0)
        .bind(old)
        .execute(&mut *tx)
        .await?;
        let mut superseded = draft(
            EntityKind::Actual,
            old,
            AuditAction::Update,
            actor,
            vec![FieldChange {
                field: "superseded_by".into(),
                before: serde_json::Value::Null,
                after: serde_json::json!(id),
            }],
        );
        superseded.reason = reason.map(str::to_owned);
        insert_audit(&mut tx, &store.operator, tenant, &superseded, at).await?;
    }
    tx.commit().await?;
    Ok(AddedActual::Added(id))
}

pub(super) async fn withdraw(
    store: &ThisStore,
    (tenant, actor, potential): Scope,
    id: i64,
    reason: &str,
) -> Result<StoredActual> {
    let mut tx = store.begin_write().await?;
    fetch_actual(&mut tx, tenant, potential, id).await?;
    let at = now();
    let res = sqlx::query(
        "UPDATE actuals SET withdrawn_by = $1, withdrawn_at = $2, withdrawal_reason = $3 \
         WHERE tenant_id = $4 AND potential_id = $5 AND id = $6 \
         AND superseded_by IS NULL AND withdrawn_at IS NULL",
    )
    .bind(actor.map(|u| u.0))
    .bind(at)
    .bind(reason)
    .bind(tenant.0)
    .bind(potential.0)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(fk("acting user"))?;
    if res.rows_affected() == 0 {
        return Err(StoreError::conflict(format!("actual {id} is not current")));
    }
    let mut d = draft(
        EntityKind::Actual,
        id,
        AuditAction::Revoke,
        actor,
        vec![FieldChange {
            field: "withdrawn".into(),
            before: serde_json::json!(false),
            after: serde_json::json!(true),
        }],
    );
    d.reason = Some(reason.to_owned());
    insert_audit(&mut tx, &store.operator, tenant, &d, at).await?;
    let after = fetch_actual(&mut tx, tenant, potential, id).await?;
    tx.commit().await?;
    Ok(after)
}
