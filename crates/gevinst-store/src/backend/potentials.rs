//! Potentials: records, status changes, lists and counts.

use super::*;
use crate::{ActorId, PotentialCounts, Result, StoreError};
use chrono::{DateTime, Utc};
use gevinst_domain::{
    AuditAction, AuditDraft, EntityKind, FagomraadeId, FieldChange, Page, Potential, PotentialId,
    PotentialQuery, SortKey, Source, Status, StatusChange, TechnologyId, TenantId, UnitId, UserId,
    ValidPotential,
};
use sqlx::types::Json;
use sqlx::QueryBuilder;
use std::collections::HashMap;

const POTENTIAL_COLS: &str = "p.id AS id, p.tenant_id AS tenant_id, p.title AS title, \
     p.description AS description, p.unit_id AS unit_id, p.fagomraade_id AS fagomraade_id, \
     p.technology_id AS technology_id, p.source AS source, p.submitted_by AS submitted_by, \
     p.benefit_owner AS benefit_owner, p.digital_agent AS digital_agent, \
     p.contact_name AS contact_name, p.tags AS tags, p.status AS status, p.created_at AS created_at, p.updated_at AS updated_at, p.version AS version";

fn status_of(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| bad_data(format!("bad status in database: {s}")))
}

fn potential_row(r: &DbRow) -> Result<Potential> {
    let source: String = r.try_get("source")?;
    let status: String = r.try_get("status")?;
    let tags: Json<Vec<String>> = r.try_get("tags")?;
    Ok(Potential {
        id: PotentialId(r.try_get("id")?),
        tenant_id: TenantId(r.try_get("tenant_id")?),
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        unit_id: UnitId(r.try_get("unit_id")?),
        fagomraade_id: r
            .try_get::<Option<i64>, _>("fagomraade_id")?
            .map(FagomraadeId),
        technology_id: r
            .try_get::<Option<i64>, _>("technology_id")?
            .map(TechnologyId),
        source: Source::parse(&source)
            .ok_or_else(|| bad_data(format!("bad source in database: {source}")))?,
        submitted_by: r.try_get::<Option<i64>, _>("submitted_by")?.map(UserId),
        benefit_owner: r.try_get::<Option<i64>, _>("benefit_owner")?.map(UserId),
        digital_agent: r.try_get::<Option<i64>, _>("digital_agent")?.map(UserId),
        contact_name: r.try_get("contact_name")?,
        tags: tags.0,
        status: status_of(&status)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

pub(super) async fn fetch_potential(
    conn: &mut Conn,
    tenant: TenantId,
    id: PotentialId,
) -> Result<Potential> {
    let sql =
        format!("SELECT {POTENTIAL_COLS} FROM potentials p WHERE p.tenant_id = $1 AND p.id = $2");
    match sqlx::query(&sql)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(r) => potential_row(&r),
        None => Err(StoreError::not_found(format!("potential {id}"))),
    }
}

const POTENTIAL_REFS: &str = "unit, fagområde, technology type or user of this tenant";

/// Inserts one potential and returns it as stored (without a re-read).
pub(super) async fn insert_potential(
    conn: &mut Conn,
    tenant: TenantId,
    v: &ValidPotential,
    status: Status,
    submitted_by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<Potential> {
    let row = sqlx::query(
        "INSERT INTO potentials (tenant_id, title, description, unit_id, fagomraade_id, technology_id, \
         source, submitted_by, benefit_owner, digital_agent, tags, search_text, status, created_at, \
         updated_at, version, contact_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1, $15) RETURNING id",
    )
    .bind(tenant.0)
    .bind(&v.title)
    .bind(&v.description)
    .bind(v.unit_id.0)
    .bind(v.fagomraade_id.map(|x| x.0))
    .bind(v.technology_id.map(|x| x.0))
    .bind(v.source.as_str())
    .bind(submitted_by.map(|x| x.0))
    .bind(v.benefit_owner.map(|x| x.0))
    .bind(v.digital_agent.map(|x| x.0))
    .bind(Json(&v.tags))
    .bind(v.search_text())
    .bind(status.as_str())
    .bind(at)
    .bind(&v.contact_name)
    .fetch_one(&mut *conn)
    .await
    .map_err(fk(POTENTIAL_REFS))?;
    let id: i64 = row.try_get("id")?;
    Ok(Potential {
        id: PotentialId(id),
        tenant_id: tenant,
        title: v.title.clone(),
        description: v.description.clone(),
        unit_id: v.unit_id,
        fagomraade_id: v.fagomraade_id,
        technology_id: v.technology_id,
        source: v.source,
        submitted_by,
        benefit_owner: v.benefit_owner,
        digital_agent: v.digital_agent,
        contact_name: v.contact_name.clone(),
        tags: v.tags.clone(),
        status,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

/// Records a move `from → to` of a potential in its status history.
pub(super) async fn insert_status_change(
    conn: &mut Conn,
    tenant: TenantId,
    id: PotentialId,
    (from, to): (Status, Status),
    reason: Option<&str>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO status_changes (tenant_id, potential_id, from_status, to_status, reason, user_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.0)
    .bind(id.0)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(reason)
    .bind(actor.map(|u| u.0))
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(fk("acting user"))?;
    Ok(())
}

/// Replaces the fields of version `expected_version` of a potential; any
/// other stored version (or none) is Conflict.
pub(super) async fn update_potential_row(
    conn: &mut Conn,
    tenant: TenantId,
    id: PotentialId,
    expected_version: i64,
    v: &ValidPotential,
    at: DateTime<Utc>,
) -> Result<()> {
    let res = sqlx::query(
        "UPDATE potentials SET title = $1, description = $2, unit_id = $3, fagomraade_id = $4, \
         technology_id = $5, source = $6, benefit_owner = $7, digital_agent = $8, tags = $9, \
         search_text = $10, updated_at = $11, version = version + 1, contact_name = $15 \
         WHERE tenant_id = $12 AND id = $13 AND version = $14",
    )
    .bind(&v.title)
    .bind(&v.description)
    .bind(v.unit_id.0)
    .bind(v.fagomraade_id.map(|x| x.0))
    .bind(v.technology_id.map(|x| x.0))
    .bind(v.source.as_str())
    .bind(v.benefit_owner.map(|x| x.0))
    .bind(v.digital_agent.map(|x| x.0))
    .bind(Json(&v.tags))
    .bind(v.search_text())
    .bind(at)
    .bind(tenant.0)
    .bind(id.0)
    .bind(expected_version)
    .bind(&v.contact_name)
    .execute(&mut *conn)
    .await
    .map_err(fk(POTENTIAL_REFS))?;
    if res.rows_affected() == 0 {
        return Err(StoreError::conflict(format!("potential {id}")));
    }
    Ok(())
}

/// NotFound unless the potential is in the tenant.
pub(super) async fn require_potential(
    conn: &mut Conn,
    tenant: TenantId,
    id: PotentialId,
) -> Result<()> {
    if entity_exists(conn, tenant, EntityKind::Potential, id.0).await? {
        Ok(())
    } else {
        Err(StoreError::not_found(format!("potential {id}")))
    }
}

/// Appends the WHERE clause of a potentials query (table alias `p`).
fn push_potential_filters(qb: &mut QueryBuilder<'_, Db>, tenant: TenantId, q: &PotentialQuery) {
    qb.push(" WHERE p.tenant_id = ").push_bind(tenant.0);
    if !q.statuses.is_empty() {
        qb.push(" AND p.status IN (");
        let mut sep = qb.separated(", ");
        for s in &q.statuses {
            sep.push_bind(s.as_str());
        }
        qb.push(")");
    }
    if let Some(units) = &q.unit_ids {
        if units.is_empty() {
            qb.push(" AND 1 = 0");
        } else {
            qb.push(" AND p.unit_id IN (");
            let mut sep = qb.separated(", ");
            for u in units {
                sep.push_bind(u.0);
            }
            qb.push(")");
        }
    }
    if let Some(f) = q.fagomraade_id {
        qb.push(" AND p.fagomraade_id = ").push_bind(f.0);
    }
    if let Some(t) = q.technology_id {
        qb.push(" AND p.technology_id = ").push_bind(t.0);
    }
    let text = q
        .text
        .as_deref()
        .map(gevinst_domain::text::search_fold)
        .filter(|t| !t.is_empty());
    if let Some(t) = text {
        qb.push(" AND (p.search_text LIKE ")
            .push_bind(format!("%{}%", escape_like(&t)))
            .push(" ESCAPE '\\'");
        if !q.text_technology_ids.is_empty() {
            qb.push(" OR p.technology_id IN (");
            let mut sep = qb.separated(", ");
            for t in &q.text_technology_ids {
                sep.push_bind(t.0);
            }
            qb.push(")");
        }
        qb.push(")");
    }
}

async fn grouped_counts(
    conn: &mut Conn,
    tenant: TenantId,
    column: &'static str,
) -> Result<Vec<(Option<i64>, u64)>> {
    let sql = format!("SELECT {column} AS k, COUNT(*) AS n FROM potentials WHERE tenant_id = $1 GROUP BY {column}");
    let rows = sqlx::query(&sql)
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = rows
        .iter()
        .map(|r| Ok((r.try_get::<Option<i64>, _>("k")?, count(r.try_get("n")?))))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// Escapes `\`, `%` and `_` for `LIKE ... ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `CASE` expression giving a status its position in [`Status::ALL`]. Built only from the
/// fixed status names, never from user input.
fn status_order_sql() -> String {
    let mut s = String::from("CASE p.status");
    for (i, st) in Status::ALL.iter().enumerate() {
        s.push_str(&format!(" WHEN '{}' THEN {}", st.as_str(), i));
    }
    s.push_str(" ELSE 99 END");
    s
}

#[async_trait]
impl crate::PotentialStore for ThisStore {
    async fn create_potential(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: &ValidPotential,
        status: Status,
        submitted_by: Option<UserId>,
    ) -> Result<Potential> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let p = insert_potential(&mut tx, tenant, potential, status, submitted_by, at).await?;
        let d = created(EntityKind::Potential, p.id.0, actor, &p);
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(p)
    }

    async fn create_potentials(
        &self,
        tenant: TenantId,
        actor: ActorId,
        rows: &[(ValidPotential, Status, Option<UserId>)],
    ) -> Result<Vec<PotentialId>> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let mut ids = Vec::with_capacity(rows.len());
        for (v, status, submitted_by) in rows {
            let p = insert_potential(&mut tx, tenant, v, *status, *submitted_by, at).await?;
            let d = created(EntityKind::Potential, p.id.0, actor, &p);
            insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
            ids.push(p.id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn potential(&self, tenant: TenantId, id: PotentialId) -> Result<Potential> {
        let mut conn = self.pool.acquire().await?;
        fetch_potential(&mut conn, tenant, id).await
    }

    async fn update_potential(
        &self,
        tenant: TenantId,
        id: PotentialId,
        expected_version: i64,
        potential: &ValidPotential,
        audit: &AuditDraft,
    ) -> Result<Potential> {
        let mut tx = self.begin_write().await?;
        // NotFound for another tenant's id, before anything else.
        fetch_potential(&mut tx, tenant, id).await?;
        let at = now();
        update_potential_row(&mut tx, tenant, id, expected_version, potential, at).await?;
        let after = fetch_potential(&mut tx, tenant, id).await?;
        self.finish_with_audit(tx, tenant, audit, at).await?;
        Ok(after)
    }

    async fn change_status(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: PotentialId,
        expected_version: i64,
        from: Status,
        to: Status,
        reason: Option<&str>,
    ) -> Result<Potential> {
        let mut tx = self.begin_write().await?;
        fetch_potential(&mut tx, tenant, id).await?;
        let at = now();
        let res = sqlx::query(
            "UPDATE potentials SET status = $1, updated_at = $2, version = version + 1 \
             WHERE tenant_id = $3 AND id = $4 AND version = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(at)
        .bind(tenant.0)
        .bind(id.0)
        .bind(expected_version)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::conflict(format!("potential {id}")));
        }
        insert_status_change(&mut tx, tenant, id, (from, to), reason, actor, at).await?;
        let change = FieldChange {
            field: "status".into(),
            before: serde_json::Value::String(from.as_str().into()),
            after: serde_json::Value::String(to.as_str().into()),
        };
        let d = AuditDraft {
            entity: EntityKind::Potential,
            entity_id: id.0,
            action: AuditAction::StatusChange,
            user_id: actor,
            actor: None,
            changes: vec![change],
            reason: reason.map(str::to_owned),
        };
        let after = fetch_potential(&mut tx, tenant, id).await?;
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(after)
    }

    async fn list_potentials(
        &self,
        tenant: TenantId,
        query: &PotentialQuery,
    ) -> Result<Page<Potential>> {
        let per_page = query.per_page.clamp(1, PotentialQuery::MAX_PER_PAGE);
        let page = query.page.max(1);
        let offset = i64::from(page - 1) * i64::from(per_page);
        let mut conn = self.pool.acquire().await?;

        let mut qb: QueryBuilder<'_, Db> =
            QueryBuilder::new("SELECT COUNT(*) AS n FROM potentials p");
        push_potential_filters(&mut qb, tenant, query);
        let total: i64 = qb.build().fetch_one(&mut *conn).await?.try_get("n")?;

        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!(
            "SELECT {POTENTIAL_COLS} FROM potentials p \
             JOIN units u ON u.tenant_id = p.tenant_id AND u.id = p.unit_id"
        ));
        push_potential_filters(&mut qb, tenant, query);
        let dir = if query.descending { "DESC" } else { "ASC" };
        let key = match query.sort {
            SortKey::Title => "p.title".to_owned(),
            SortKey::Status => status_order_sql(),
            SortKey::Created => "p.created_at".to_owned(),
            SortKey::Updated => "p.updated_at".to_owned(),
            SortKey::Unit => "u.name".to_owned(),
        };
        qb.push(format!(" ORDER BY {key} {dir}, p.id {dir}"));
        qb.push(" LIMIT ")
            .push_bind(i64::from(per_page))
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = qb.build().fetch_all(&mut *conn).await?;
        let items = rows.iter().map(potential_row).collect::<Result<Vec<_>>>()?;
        Ok(Page {
            items,
            total: count(total),
            page,
            per_page,
        })
    }

    async fn potential_counts(&self, tenant: TenantId) -> Result<PotentialCounts> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM potentials WHERE tenant_id = $1 GROUP BY status",
        )
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
        let mut by: HashMap<Status, u64> = HashMap::new();
        for r in &rows {
            let s: String = r.try_get("status")?;
            by.insert(status_of(&s)?, count(r.try_get("n")?));
        }
        let by_status: Vec<(Status, u64)> = Status::ALL
            .iter()
            .map(|s| (*s, by.get(s).copied().unwrap_or(0)))
            .collect();
        let total = by_status.iter().map(|(_, n)| n).sum();
        let by_fagomraade = grouped_counts(&mut conn, tenant, "fagomraade_id")
            .await?
            .into_iter()
            .map(|(k, n)| (k.map(FagomraadeId), n))
            .collect();
        let by_unit = grouped_counts(&mut conn, tenant, "unit_id")
            .await?
            .into_iter()
            .filter_map(|(k, n)| k.map(|k| (UnitId(k), n)))
            .collect();
        let by_technology = grouped_counts(&mut conn, tenant, "technology_id")
            .await?
            .into_iter()
            .map(|(k, n)| (k.map(TechnologyId), n))
            .collect();
        Ok(PotentialCounts {
            total,
            by_status,
            by_fagomraade,
            by_unit,
            by_technology,
        })
    }

    async fn status_history(&self, tenant: TenantId, id: PotentialId) -> Result<Vec<StatusChange>> {
        let mut conn = self.pool.acquire().await?;
        require_potential(&mut conn, tenant, id).await?;
        let rows = sqlx::query(
            "SELECT potential_id, from_status, to_status, reason, user_id, at FROM status_changes \
             WHERE tenant_id = $1 AND potential_id = $2 ORDER BY id",
        )
        .bind(tenant.0)
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(status_change_of).collect()
    }

    async fn recent_status_changes(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<StatusChange>> {
        let rows = sqlx::query(
            "SELECT potential_id, from_status, to_status, reason, user_id, at FROM status_changes \
             WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(tenant.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(status_change_of).collect()
    }
}

/// A row of `status_changes` (the columns `status_history` selects).
fn status_change_of(r: &DbRow) -> Result<StatusChange> {
    let from: String = r.try_get("from_status")?;
    let to: String = r.try_get("to_status")?;
    Ok(StatusChange {
        potential_id: PotentialId(r.try_get("potential_id")?),
        from: status_of(&from)?,
        to: status_of(&to)?,
        reason: r.try_get("reason")?,
        user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        at: r.try_get("at")?,
    })
}
