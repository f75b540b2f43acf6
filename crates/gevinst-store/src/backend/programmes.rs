//! Programmes and benefits realisation: plans, actuals and their approval, forecast probabilities.

use super::documents::{
    fetch_potential_document, fetch_tenant_document, put_potential_document, set_tenant_document,
    STATUS_PROBABILITIES,
};
use super::potentials::require_potential;
use super::*;
use crate::{ActorId, Result, StoreError, StoredActual, StoredBenefitPlan, StoredProgramme};
use gevinst_domain::programme::{
    Actual, ApprovalState, BenefitPlan, Programme, StatusProbabilities,
};
use gevinst_domain::{AuditDraft, EntityKind, PotentialId, ProgrammeId, TenantId, UserId};
use sqlx::types::Json;

const PROGRAMME_COLS: &str = "id, body, version, updated_at";

fn programme_row(r: &DbRow) -> Result<StoredProgramme> {
    let body: Json<Programme> = r.try_get("body")?;
    Ok(StoredProgramme {
        id: ProgrammeId(r.try_get("id")?),
        programme: body.0,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn fetch_programme(
    conn: &mut Conn,
    tenant: TenantId,
    id: ProgrammeId,
) -> Result<StoredProgramme> {
    let sql = format!("SELECT {PROGRAMME_COLS} FROM programmes WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("programme {id}")))?;
    programme_row(&row)
}

/// NotFound unless every potential the programme includes is in the tenant.
async fn check_programme_potentials(
    conn: &mut Conn,
    tenant: TenantId,
    programme: &Programme,
) -> Result<()> {
    for p in &programme.potentials {
        if !entity_exists(conn, tenant, EntityKind::Potential, p.0).await? {
            return Err(StoreError::not_found(format!("potential {p}")));
        }
    }
    Ok(())
}

const BENEFIT_PLAN_COLS: &str = "potential_id, body, version, updated_at";

fn benefit_plan_row(r: &DbRow) -> Result<StoredBenefitPlan> {
    let body: Json<BenefitPlan> = r.try_get("body")?;
    Ok(StoredBenefitPlan {
        potential_id: PotentialId(r.try_get("potential_id")?),
        plan: body.0,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(super) const ACTUAL_COLS: &str = "id, potential_id, body, created_at, created_by, approval, \
    decided_by, decided_at, decision_note, replaces, superseded_by, withdrawn_by, withdrawn_at, \
    withdrawal_reason";

pub(super) fn actual_row(r: &DbRow) -> Result<StoredActual> {
    let mut body: Json<Actual> = r.try_get("body")?;
    let approval: String = r.try_get("approval")?;
    // The column is the authority on the approval state; the body keeps what was recorded.
    body.0.approval = ApprovalState::parse(&approval)
        .ok_or_else(|| bad_data(format!("bad approval state in database: {approval}")))?;
    Ok(StoredActual {
        id: r.try_get("id")?,
        potential_id: PotentialId(r.try_get("potential_id")?),
        actual: body.0,
        recorded_at: r.try_get("created_at")?,
        recorded_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        decided_by: r.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        decided_at: r.try_get("decided_at")?,
        decision_note: r.try_get("decision_note")?,
        replaces: r.try_get("replaces")?,
        superseded_by: r.try_get("superseded_by")?,
        withdrawn_by: r.try_get::<Option<i64>, _>("withdrawn_by")?.map(UserId),
        withdrawn_at: r.try_get("withdrawn_at")?,
        withdrawal_reason: r.try_get("withdrawal_reason")?,
    })
}

/// One actual of a potential in the tenant.
pub(super) async fn fetch_actual(
    conn: &mut Conn,
    tenant: TenantId,
    potential: PotentialId,
    id: i64,
) -> Result<StoredActual> {
    let sql = format!(
        "SELECT {ACTUAL_COLS} FROM actuals WHERE tenant_id = $1 AND potential_id = $2 AND id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(potential.0)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("actual {id}")))?;
    actual_row(&row)
}

#[async_trait]
impl crate::ProgrammeStore for ThisStore {
    async fn create_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        programme: &Programme,
    ) -> Result<StoredProgramme> {
        let mut tx = self.begin_write().await?;
        check_programme_potentials(&mut tx, tenant, programme).await?;
        let at = now();
        let sql = format!(
            "INSERT INTO programmes (tenant_id, body, version, created_at, updated_at, updated_by) \
             VALUES ($1, $2, 1, $3, $3, $4) RETURNING {PROGRAMME_COLS}"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(Json(programme))
            .bind(at)
            .bind(actor.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await
            .map_err(fk("tenant or acting user"))?;
        let stored = programme_row(&row)?;
        let d = created(EntityKind::Programme, stored.id.0, actor, programme);
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(stored)
    }

    async fn update_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: ProgrammeId,
        expected_version: i64,
        programme: &Programme,
    ) -> Result<StoredProgramme> {
        let mut tx = self.begin_write().await?;
        let before = fetch_programme(&mut tx, tenant, id).await?;
        check_programme_potentials(&mut tx, tenant, programme).await?;
        let at = now();
        let sql = format!(
            "UPDATE programmes SET body = $1, version = version + 1, updated_at = $2, \
             updated_by = $3 WHERE tenant_id = $4 AND id = $5 AND version = $6 \
             RETURNING {PROGRAMME_COLS}"
        );
        let row = sqlx::query(&sql)
            .bind(Json(programme))
            .bind(at)
            .bind(actor.map(|u| u.0))
            .bind(tenant.0)
            .bind(id.0)
            .bind(expected_version)
            .fetch_optional(&mut *tx)
            .await
            .map_err(fk("acting user"))?
            .ok_or_else(|| StoreError::conflict(format!("programme {id}")))?;
        let stored = programme_row(&row)?;
        let d = updated(
            EntityKind::Programme,
            id.0,
            actor,
            &before.programme,
            programme,
        );
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(stored)
    }

    async fn programme(&self, tenant: TenantId, id: ProgrammeId) -> Result<StoredProgramme> {
        let mut conn = self.pool.acquire().await?;
        fetch_programme(&mut conn, tenant, id).await
    }

    async fn list_programmes(&self, tenant: TenantId) -> Result<Vec<StoredProgramme>> {
        let sql =
            format!("SELECT {PROGRAMME_COLS} FROM programmes WHERE tenant_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(programme_row).collect()
    }

    async fn benefit_plan(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBenefitPlan>> {
        let mut conn = self.pool.acquire().await?;
        require_potential(&mut conn, tenant, potential).await?;
        fetch_potential_document(
            &mut conn,
            "benefit_plans",
            BENEFIT_PLAN_COLS,
            (tenant, potential),
            benefit_plan_row,
        )
        .await
    }

    async fn list_benefit_plans(&self, tenant: TenantId) -> Result<Vec<StoredBenefitPlan>> {
        let sql = format!(
            "SELECT {BENEFIT_PLAN_COLS} FROM benefit_plans WHERE tenant_id = $1 ORDER BY potential_id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(benefit_plan_row).collect()
    }

    async fn put_benefit_plan(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        plan: &BenefitPlan,
        audit: &AuditDraft,
    ) -> Result<StoredBenefitPlan> {
        put_potential_document(
            self,
            "benefit_plans",
            BENEFIT_PLAN_COLS,
            "benefit plan",
            (tenant, actor, potential, expected_version),
            plan,
            audit,
            benefit_plan_row,
        )
        .await
    }

    async fn add_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        actual: &Actual,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let id = super::actual_versions::insert_actual(
            &mut tx,
            (tenant, actor, potential),
            actual,
            None,
            at,
        )
        .await?;
        let d = created(EntityKind::Actual, id, actor, actual);
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(id)
    }

    async fn add_actual_checked(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        actual: &Actual,
        mode: crate::AddActual,
        reason: Option<&str>,
    ) -> Result<crate::AddedActual> {
        super::actual_versions::add_checked(self, (tenant, actor, potential), actual, mode, reason)
            .await
    }

    async fn withdraw_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        id: i64,
        reason: &str,
    ) -> Result<StoredActual> {
        super::actual_versions::withdraw(self, (tenant, actor, potential), id, reason).await
    }

    async fn decide_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        id: i64,
        state: ApprovalState,
        note: &str,
        audit: &AuditDraft,
    ) -> Result<StoredActual> {
        let mut tx = self.begin_write().await?;
        fetch_actual(&mut tx, tenant, potential, id).await?;
        let at = now();
        let res = sqlx::query(
            "UPDATE actuals SET approval = $1, decided_by = $2, decided_at = $3, \
             decision_note = $4 \
             WHERE tenant_id = $5 AND potential_id = $6 AND id = $7 AND approval = $8",
        )
        .bind(state.as_str())
        .bind(actor.map(|u| u.0))
        .bind(at)
        .bind(note)
        .bind(tenant.0)
        .bind(potential.0)
        .bind(id)
        .bind(ApprovalState::Pending.as_str())
        .execute(&mut *tx)
        .await
        .map_err(fk("acting user"))?;
        if res.rows_affected() == 0 {
            return Err(StoreError::conflict(format!("actual {id} is not pending")));
        }
        let after = fetch_actual(&mut tx, tenant, potential, id).await?;
        self.finish_with_audit(tx, tenant, audit, at).await?;
        Ok(after)
    }

    async fn list_actuals(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Vec<StoredActual>> {
        let mut conn = self.pool.acquire().await?;
        require_potential(&mut conn, tenant, potential).await?;
        let sql = format!(
            "SELECT {ACTUAL_COLS} FROM actuals WHERE tenant_id = $1 AND potential_id = $2 ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(potential.0)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(actual_row).collect()
    }

    async fn list_tenant_actuals(&self, tenant: TenantId) -> Result<Vec<StoredActual>> {
        let sql = format!(
            "SELECT {ACTUAL_COLS} FROM actuals WHERE tenant_id = $1 ORDER BY potential_id, id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(actual_row).collect()
    }

    async fn status_probabilities(&self, tenant: TenantId) -> Result<(StatusProbabilities, i64)> {
        let mut conn = self.pool.acquire().await?;
        fetch_tenant_document(&mut conn, &STATUS_PROBABILITIES, tenant).await
    }

    async fn set_status_probabilities(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        probabilities: &StatusProbabilities,
    ) -> Result<i64> {
        set_tenant_document(
            self,
            &STATUS_PROBABILITIES,
            (tenant, actor, expected_version),
            probabilities,
        )
        .await
    }
}
