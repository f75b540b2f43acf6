// The `Store` implementation shared by both backends.
//
// This file is not a module of its own: `sqlite.rs` and `postgres.rs` each `include!` it
// inside a private module after defining
//
// - `Db` (the sqlx database), `DbRow` (its row type) and `Conn` (its connection type),
// - `ThisStore` (the store struct, with a `pool` field and an async `begin_write`), and
// - `BACKEND` (`"sqlite"` or `"postgres"`).
//
// The SQL is written once, with `$N` placeholders, which both SQLite and PostgreSQL accept.
// Only the schema (migrations/*) and connection setup differ per database.

use crate::{
    ActorId, ApiTokenInfo, ApiTokenUse, Catalogue, PotentialCounts, Result, SessionRecord, Store, StoreError,
    StoredActual, StoredBenefitPlan, StoredBusinessCase, StoredProgramme, UserCredentials,
};
use crate::{ImportAction, ImportBatch, ImportOutcome, ImportProgress, StoredImportMapping};
use async_trait::async_trait;
use chrono::{DateTime, Timelike, Utc};
use gevinst_domain::business_case::{BusinessCase, Economics};
use gevinst_domain::programme::{
    Actual, ApprovalState, BenefitPlan, Programme, StatusProbabilities,
};
use gevinst_domain::{
    audit, AuditAction, AuditDraft, AuditEntry, CatalogueItem, Email, EntityKind, FagomraadeId,
    FieldChange, Page, Potential, PotentialId, PotentialQuery, ProgrammeId, Role, Slug, SortKey,
    Source, Status, StatusChange, TechnologyId, Tenant, TenantId, Unit, UnitId, User, UserId,
    ValidPotential, ValidUser,
};
use gevinst_domain::login_throttle::KeyHistory;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

// ---------------------------------------------------------------- helpers

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

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn catalogue_table(which: Catalogue) -> &'static str {
    match which {
        Catalogue::Fagomraader => "fagomraader",
        Catalogue::Technologies => "technologies",
    }
}

fn catalogue_entity(which: Catalogue) -> EntityKind {
    match which {
        Catalogue::Fagomraader => EntityKind::Fagomraade,
        Catalogue::Technologies => EntityKind::Technology,
    }
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

// ---------------------------------------------------------------- row mapping

const TENANT_COLS: &str = "id, slug, name, version";

fn tenant_row(r: &DbRow) -> Result<Tenant> {
    let slug: String = r.try_get("slug")?;
    Ok(Tenant {
        id: TenantId(r.try_get("id")?),
        slug: Slug::parse(&slug).map_err(|_| bad_data(format!("bad slug in database: {slug}")))?,
        name: r.try_get("name")?,
        version: r.try_get("version")?,
    })
}

const USER_COLS: &str = "id, tenant_id, email, name, role, active, version, password_hash";

fn user_row(r: &DbRow, units: Vec<UnitId>) -> Result<User> {
    let email: String = r.try_get("email")?;
    let role: String = r.try_get("role")?;
    Ok(User {
        id: UserId(r.try_get("id")?),
        tenant_id: TenantId(r.try_get("tenant_id")?),
        email: Email::parse(&email)
            .map_err(|_| bad_data(format!("bad e-mail in database: {email}")))?,
        name: r.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| bad_data(format!("bad role in database: {role}")))?,
        units,
        active: r.try_get("active")?,
        version: r.try_get("version")?,
    })
}

const UNIT_COLS: &str = "id, parent_id, name, active";

fn unit_row(r: &DbRow) -> Result<Unit> {
    Ok(Unit {
        id: UnitId(r.try_get("id")?),
        parent_id: r.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
        name: r.try_get("name")?,
        active: r.try_get("active")?,
    })
}

fn catalogue_row(r: &DbRow) -> Result<CatalogueItem> {
    Ok(CatalogueItem {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        position: r.try_get("position")?,
        active: r.try_get("active")?,
    })
}

const POTENTIAL_COLS: &str = "p.id AS id, p.tenant_id AS tenant_id, p.title AS title, \
     p.description AS description, p.unit_id AS unit_id, p.fagomraade_id AS fagomraade_id, \
     p.technology_id AS technology_id, p.source AS source, p.submitted_by AS submitted_by, \
     p.benefit_owner AS benefit_owner, p.digital_agent AS digital_agent, p.tags AS tags, \
     p.status AS status, p.created_at AS created_at, p.updated_at AS updated_at, p.version AS version";

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
        tags: tags.0,
        status: status_of(&status)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

const TOKEN_COLS: &str =
    "id, user_id, name, created_at, last_used_at, revoked, expires_at, last_used_from";

fn token_row(r: &DbRow) -> Result<ApiTokenInfo> {
    Ok(ApiTokenInfo {
        id: r.try_get("id")?,
        user_id: UserId(r.try_get("user_id")?),
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked: r.try_get("revoked")?,
        expires_at: r.try_get("expires_at")?,
        last_used_from: r.try_get("last_used_from")?,
    })
}

// ---------------------------------------------------------------- shared queries

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

/// Revokes a live token and writes its audit entry by `actor`.
async fn revoke_token_row(
    conn: &mut Conn,
    operator: &str,
    tenant: TenantId,
    actor: ActorId,
    before: ApiTokenInfo,
) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(before.id)
        .execute(&mut *conn)
        .await?;
    let after = ApiTokenInfo {
        revoked: true,
        ..before.clone()
    };
    let d = draft(
        EntityKind::ApiToken,
        before.id,
        AuditAction::Revoke,
        actor,
        audit::changes(&before, &after),
    );
    insert_audit(conn, operator, tenant, &d, now()).await
}

async fn fetch_tenant(conn: &mut Conn, id: TenantId) -> Result<Tenant> {
    let sql = format!("SELECT {TENANT_COLS} FROM tenants WHERE id = $1");
    match sqlx::query(&sql)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(r) => tenant_row(&r),
        None => Err(StoreError::not_found(format!("tenant {id}"))),
    }
}

async fn user_units(conn: &mut Conn, tenant: TenantId, id: UserId) -> Result<Vec<UnitId>> {
    let rows = sqlx::query(
        "SELECT unit_id FROM user_units WHERE tenant_id = $1 AND user_id = $2 ORDER BY unit_id",
    )
    .bind(tenant.0)
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok(UnitId(r.try_get("unit_id")?)))
        .collect()
}

async fn fetch_user(conn: &mut Conn, tenant: TenantId, id: UserId) -> Result<User> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Err(StoreError::not_found(format!("user {id}")));
    };
    let units = user_units(conn, tenant, id).await?;
    user_row(&row, units)
}

async fn set_user_units(
    conn: &mut Conn,
    tenant: TenantId,
    id: UserId,
    units: &[UnitId],
) -> Result<()> {
    sqlx::query("DELETE FROM user_units WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    let mut units = units.to_vec();
    units.sort();
    units.dedup();
    for u in units {
        sqlx::query("INSERT INTO user_units (tenant_id, user_id, unit_id) VALUES ($1, $2, $3)")
            .bind(tenant.0)
            .bind(id.0)
            .bind(u.0)
            .execute(&mut *conn)
            .await
            .map_err(fk("unit"))?;
    }
    Ok(())
}

async fn fetch_unit(conn: &mut Conn, tenant: TenantId, id: UnitId) -> Result<Unit> {
    let sql = format!("SELECT {UNIT_COLS} FROM units WHERE tenant_id = $1 AND id = $2");
    match sqlx::query(&sql)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(r) => unit_row(&r),
        None => Err(StoreError::not_found(format!("unit {id}"))),
    }
}

async fn fetch_catalogue_item(
    conn: &mut Conn,
    tenant: TenantId,
    which: Catalogue,
    id: i64,
) -> Result<CatalogueItem> {
    let sql = format!(
        "SELECT id, name, position, active FROM {} WHERE tenant_id = $1 AND id = $2",
        catalogue_table(which)
    );
    match sqlx::query(&sql)
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(r) => catalogue_row(&r),
        None => Err(StoreError::not_found(format!(
            "{} {id}",
            catalogue_table(which)
        ))),
    }
}

async fn fetch_potential(conn: &mut Conn, tenant: TenantId, id: PotentialId) -> Result<Potential> {
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
async fn insert_potential(
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
         updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1) RETURNING id",
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
        tags: v.tags.clone(),
        status,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

/// Inserts one active unit and returns it as stored.
async fn insert_unit(
    conn: &mut Conn,
    tenant: TenantId,
    parent: Option<UnitId>,
    name: &str,
) -> Result<Unit> {
    let sql = format!(
        "INSERT INTO units (tenant_id, parent_id, name, active) VALUES ($1, $2, $3, TRUE) \
         RETURNING {UNIT_COLS}"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(parent.map(|p| p.0))
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(fk("tenant or parent unit"))?;
    unit_row(&row)
}

/// Appends one active item at the end of a catalogue; a name already in
/// it is Duplicate.
async fn insert_catalogue_item(
    conn: &mut Conn,
    tenant: TenantId,
    which: Catalogue,
    name: &str,
) -> Result<CatalogueItem> {
    let table = catalogue_table(which);
    let sql = format!(
        "INSERT INTO {table} (tenant_id, name, position, active) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM {table} WHERE tenant_id = $1), TRUE) \
         RETURNING id, name, position, active"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.0)
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| {
            let e = fk("tenant")(e);
            if e.kind() == crate::ErrorKind::Duplicate {
                StoreError::duplicate(format!("{table} {name}"))
            } else {
                e
            }
        })?;
    catalogue_row(&row)
}

/// Replaces the fields of version `expected_version` of a potential; any
/// other stored version (or none) is Conflict.
async fn update_potential_row(
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
         search_text = $10, updated_at = $11, version = version + 1 \
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
    .execute(&mut *conn)
    .await
    .map_err(fk(POTENTIAL_REFS))?;
    if res.rows_affected() == 0 {
        return Err(StoreError::conflict(format!("potential {id}")));
    }
    Ok(())
}

/// NotFound unless the potential is in the tenant.
async fn require_potential(conn: &mut Conn, tenant: TenantId, id: PotentialId) -> Result<()> {
    if entity_exists(conn, tenant, EntityKind::Potential, id.0).await? {
        Ok(())
    } else {
        Err(StoreError::not_found(format!("potential {id}")))
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
    };
    Ok(sqlx::query(sql)
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
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
        .map(gevinst_domain::text::search_key)
        .filter(|t| !t.is_empty());
    if let Some(t) = text {
        qb.push(" AND p.search_text LIKE ")
            .push_bind(format!("%{}%", escape_like(&t)))
            .push(" ESCAPE '\\'");
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

const BUSINESS_CASE_COLS: &str = "potential_id, body, version, updated_at";

fn business_case_row(r: &DbRow) -> Result<StoredBusinessCase> {
    let body: Json<BusinessCase> = r.try_get("body")?;
    Ok(StoredBusinessCase {
        potential_id: PotentialId(r.try_get("potential_id")?),
        case: body.0,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn fetch_business_case(
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
async fn fetch_potential_document<S>(
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
struct TenantDocument {
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

const STATUS_PROBABILITIES: TenantDocument = TenantDocument {
    table: "status_probabilities",
    column: "body",
    what: "forecast probabilities",
    entity: EntityKind::StatusProbabilities,
};

/// A tenant's settings document and its version; the default with version 0 if the tenant
/// never saved one. An unknown tenant is NotFound.
async fn fetch_tenant_document<T>(
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
async fn set_tenant_document<T>(
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
    insert_audit(&mut tx, &store.operator, tenant, &d, at).await?;
    tx.commit().await?;
    Ok(version)
}

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
async fn put_potential_document<T: serde::Serialize + Sync, S>(
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
    insert_audit(&mut tx, &store.operator, tenant, audit, at).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Writes the body of a per-potential document inside a transaction and
/// returns the stored row: `None` inserts version 1 (Conflict if one
/// exists), `Some(v)` replaces version `v` (Conflict for any other).
async fn write_potential_document<T: serde::Serialize + Sync>(
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

const ACTUAL_COLS: &str = "id, potential_id, body, created_at, created_by, approval, \
    decided_by, decided_at, decision_note";

fn actual_row(r: &DbRow) -> Result<StoredActual> {
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
    })
}

/// One actual of a potential in the tenant.
async fn fetch_actual(
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

/// The tenant's stored forecast probabilities and version, or the defaults with
/// version 0; NotFound for an unknown tenant.
// ---------------------------------------------------------------- the trait

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
        std::sync::Arc::new(ThisStore {
            pool: self.pool.clone(),
            operator: operator.into(),
        })
    }

    // ---- tenants ----

    async fn create_tenant(&self, slug: &Slug, name: &str) -> Result<Tenant> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO tenants (slug, name, version) VALUES ($1, $2, 1) RETURNING {TENANT_COLS}"
        );
        let row = sqlx::query(&sql)
            .bind(slug.as_str())
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| {
                let e = StoreError::from(e);
                if e.kind() == crate::ErrorKind::Duplicate {
                    StoreError::duplicate(format!("tenant slug {slug}"))
                } else {
                    e
                }
            })?;
        let tenant = tenant_row(&row)?;
        for (table, names) in [
            ("fagomraader", &gevinst_domain::DEFAULT_FAGOMRAADER[..]),
            ("technologies", &gevinst_domain::DEFAULT_TECHNOLOGIES[..]),
        ] {
            let sql = format!(
                "INSERT INTO {table} (tenant_id, name, position, active) VALUES ($1, $2, $3, TRUE)"
            );
            for (i, n) in names.iter().enumerate() {
                let pos = i32::try_from(i + 1).unwrap_or(i32::MAX);
                sqlx::query(&sql)
                    .bind(tenant.id.0)
                    .bind(*n)
                    .bind(pos)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let d = draft(
            EntityKind::Tenant,
            tenant.id.0,
            AuditAction::Create,
            None,
            audit::created(&tenant),
        );
        insert_audit(&mut tx, &self.operator, tenant.id, &d, now()).await?;
        tx.commit().await?;
        Ok(tenant)
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Tenant> {
        let sql = format!("SELECT {TENANT_COLS} FROM tenants WHERE slug = $1");
        match sqlx::query(&sql)
            .bind(slug.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?
        {
            Some(r) => tenant_row(&r),
            None => Err(StoreError::not_found(format!("tenant {slug}"))),
        }
    }

    async fn tenant(&self, id: TenantId) -> Result<Tenant> {
        let mut conn = self.pool.acquire().await?;
        fetch_tenant(&mut conn, id).await
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>> {
        let sql = format!("SELECT {TENANT_COLS} FROM tenants ORDER BY slug");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(tenant_row).collect()
    }

    async fn update_tenant(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        name: &str,
    ) -> Result<Tenant> {
        let mut tx = self.begin_write().await?;
        let before = fetch_tenant(&mut tx, tenant).await?;
        let res = sqlx::query(
            "UPDATE tenants SET name = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(name)
        .bind(tenant.0)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::conflict(format!("tenant {tenant}")));
        }
        let after = fetch_tenant(&mut tx, tenant).await?;
        let d = draft(
            EntityKind::Tenant,
            tenant.0,
            AuditAction::Update,
            actor,
            audit::changes(&before, &after),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    // ---- users ----

    async fn create_user(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: &ValidUser,
        password_hash: &str,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let row = sqlx::query(
            "INSERT INTO users (tenant_id, email, name, role, password_hash, active, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, TRUE, 1, $6, $6) RETURNING id",
        )
        .bind(tenant.0)
        .bind(user.email.as_str())
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(password_hash)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            let e = fk("tenant")(e);
            if e.kind() == crate::ErrorKind::Duplicate {
                StoreError::duplicate(format!("user e-mail {}", user.email))
            } else {
                e
            }
        })?;
        let id = UserId(row.try_get("id")?);
        set_user_units(&mut tx, tenant, id, &user.units).await?;
        let created = fetch_user(&mut tx, tenant, id).await?;
        let d = draft(
            EntityKind::User,
            id.0,
            AuditAction::Create,
            actor,
            audit::created(&created),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn user(&self, tenant: TenantId, id: UserId) -> Result<User> {
        let mut conn = self.pool.acquire().await?;
        fetch_user(&mut conn, tenant, id).await
    }

    async fn user_credentials(&self, tenant: TenantId, email: &str) -> Result<UserCredentials> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 AND email = $2");
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(email.trim().to_lowercase())
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::not_found("user"));
        };
        let id = UserId(row.try_get("id")?);
        let units = user_units(&mut conn, tenant, id).await?;
        Ok(UserCredentials {
            password_hash: row.try_get("password_hash")?,
            user: user_row(&row, units)?,
        })
    }

    async fn list_users(&self, tenant: TenantId) -> Result<Vec<User>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT user_id, unit_id FROM user_units WHERE tenant_id = $1 ORDER BY unit_id",
        )
        .bind(tenant.0)
        .fetch_all(&mut *conn)
        .await?;
        let mut units: HashMap<i64, Vec<UnitId>> = HashMap::new();
        for r in &rows {
            units
                .entry(r.try_get("user_id")?)
                .or_default()
                .push(UnitId(r.try_get("unit_id")?));
        }
        let sql = format!("SELECT {USER_COLS} FROM users WHERE tenant_id = $1 ORDER BY name, id");
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                user_row(r, units.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn update_user(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UserId,
        expected_version: i64,
        user: &ValidUser,
        active: bool,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let before = fetch_user(&mut tx, tenant, id).await?;
        let res = sqlx::query(
            "UPDATE users SET email = $1, name = $2, role = $3, active = $4, version = version + 1, updated_at = $5 \
             WHERE tenant_id = $6 AND id = $7 AND version = $8",
        )
        .bind(user.email.as_str())
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(active)
        .bind(now())
        .bind(tenant.0)
        .bind(id.0)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            let e = StoreError::from(e);
            if e.kind() == crate::ErrorKind::Duplicate {
                StoreError::duplicate(format!("user e-mail {}", user.email))
            } else {
                e
            }
        })?;
        if res.rows_affected() == 0 {
            return Err(StoreError::conflict(format!("user {id}")));
        }
        set_user_units(&mut tx, tenant, id, &user.units).await?;
        let after = fetch_user(&mut tx, tenant, id).await?;
        let d = draft(
            EntityKind::User,
            id.0,
            AuditAction::Update,
            actor,
            audit::changes(&before, &after),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_password(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UserId,
        password_hash: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let res = sqlx::query(
            "UPDATE users SET password_hash = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(password_hash)
        .bind(now())
        .bind(tenant.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::not_found(format!("user {id}")));
        }
        let change = FieldChange {
            field: "password".into(),
            before: serde_json::Value::String("***".into()),
            after: serde_json::Value::String("***".into()),
        };
        let d = draft(
            EntityKind::User,
            id.0,
            AuditAction::Update,
            actor,
            vec![change],
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- sessions, tokens, throttling ----

    async fn create_session(&self, session: &SessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, tenant_id, user_id, csrf_token, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.tenant_id.0)
        .bind(session.user_id.0)
        .bind(&session.csrf_token)
        .bind(micros(session.expires_at))
        .bind(micros(session.last_seen_at))
        .execute(&self.pool)
        .await
        .map_err(fk("user"))?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<SessionRecord> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.tenant_id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at \
             FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at IS NOT NULL \
             AND u.active = TRUE",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Err(StoreError::not_found("session"));
        };
        Ok(SessionRecord {
            token_hash: r.try_get("token_hash")?,
            tenant_id: TenantId(r.try_get("tenant_id")?),
            user_id: UserId(r.try_get("user_id")?),
            csrf_token: r.try_get("csrf_token")?,
            expires_at: r.try_get("expires_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
        })
    }

    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(micros(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(
        &self,
        tenant: TenantId,
        user: UserId,
        keep: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3",
        )
        .bind(tenant.0)
        .bind(user.0)
        .bind(keep.unwrap_or(""))
        .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ApiTokenInfo> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let sql = format!(
            "INSERT INTO api_tokens (tenant_id, user_id, token_hash, name, created_at, revoked, expires_at) \
             VALUES ($1, $2, $3, $4, $5, FALSE, $6) RETURNING {TOKEN_COLS}"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(token_hash)
            .bind(name)
            .bind(at)
            .bind(expires_at.map(micros))
            .fetch_one(&mut *tx)
            .await
            .map_err(fk("user"))?;
        let info = token_row(&row)?;
        let d = draft(
            EntityKind::ApiToken,
            info.id,
            AuditAction::Create,
            actor,
            audit::created(&info),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(info)
    }

    async fn use_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<ApiTokenUse> {
        let now = micros(now);
        let row = sqlx::query(
            "SELECT t.id AS id, t.tenant_id AS tenant_id, t.user_id AS user_id, \
             t.last_used_from AS last_used_from FROM api_tokens t \
             JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked = FALSE AND u.active = TRUE \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Err(StoreError::not_found("API token"));
        };
        let found = ApiTokenUse {
            token_id: r.try_get("id")?,
            tenant_id: TenantId(r.try_get("tenant_id")?),
            user_id: UserId(r.try_get("user_id")?),
            previous_client: r.try_get("last_used_from")?,
        };
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1, \
             last_used_from = COALESCE($2, last_used_from) WHERE id = $3",
        )
        .bind(now)
        .bind(client)
        .bind(found.token_id)
        .execute(&self.pool)
        .await?;
        Ok(found)
    }

    async fn revoke_user_tokens(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked = FALSE"
        );
        let live = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
        for row in &live {
            revoke_token_row(&mut tx, &self.operator, tenant, actor, token_row(row)?).await?;
        }
        tx.commit().await?;
        Ok(live.len() as u64)
    }

    async fn list_api_tokens(&self, tenant: TenantId, user: UserId) -> Result<Vec<ApiTokenInfo>> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_row).collect()
    }

    async fn revoke_api_token(&self, tenant: TenantId, user: UserId, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::not_found(format!("API token {id}")));
        };
        let before = token_row(&row)?;
        if before.revoked {
            return Ok(());
        }
        revoke_token_row(&mut tx, &self.operator, tenant, Some(user), before).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reserve_login_attempt(
        &self,
        attempt: &str,
        keys: &[String],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyHistory>> {
        // Committed first, counted after: of two parallel attempts, the one that counts
        // later sees the other's rows.
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at, attempt) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(micros(at))
                .bind(attempt)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let mut histories = Vec::with_capacity(keys.len());
        for key in keys {
            // Times sort correctly as stored on both databases (RFC 3339 text in SQLite).
            let rows = sqlx::query(
                "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 \
                 AND (attempt IS NULL OR attempt <> $3) ORDER BY at",
            )
            .bind(key)
            .bind(micros(since))
            .bind(attempt)
            .fetch_all(&self.pool)
            .await?;
            let times = rows
                .iter()
                .map(|r| r.try_get::<DateTime<Utc>, _>("at"))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            histories.push(KeyHistory {
                count: u32::try_from(times.len()).unwrap_or(u32::MAX),
                oldest: times.first().copied(),
                newest: times.last().copied(),
            });
        }
        Ok(histories)
    }

    async fn release_login_attempt(&self, attempt: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let failures = sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(failures_before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok((sessions, failures))
    }

    // ---- organisation and lists ----

    async fn list_units(&self, tenant: TenantId) -> Result<Vec<Unit>> {
        let sql = format!("SELECT {UNIT_COLS} FROM units WHERE tenant_id = $1 ORDER BY name, id");
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(unit_row).collect()
    }

    async fn create_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        parent: Option<UnitId>,
        name: &str,
    ) -> Result<Unit> {
        let mut tx = self.begin_write().await?;
        let unit = insert_unit(&mut tx, tenant, parent, name).await?;
        let d = draft(
            EntityKind::Unit,
            unit.id.0,
            AuditAction::Create,
            actor,
            audit::created(&unit),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(unit)
    }

    async fn update_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UnitId,
        parent: Option<UnitId>,
        name: &str,
        active: bool,
    ) -> Result<Unit> {
        let mut tx = self.begin_write().await?;
        let before = fetch_unit(&mut tx, tenant, id).await?;
        sqlx::query("UPDATE units SET parent_id = $1, name = $2, active = $3 WHERE tenant_id = $4 AND id = $5")
            .bind(parent.map(|p| p.0))
            .bind(name)
            .bind(active)
            .bind(tenant.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(fk("parent unit"))?;
        let after = fetch_unit(&mut tx, tenant, id).await?;
        let d = draft(
            EntityKind::Unit,
            id.0,
            AuditAction::Update,
            actor,
            audit::changes(&before, &after),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn list_catalogue(
        &self,
        tenant: TenantId,
        which: Catalogue,
    ) -> Result<Vec<CatalogueItem>> {
        let sql = format!(
            "SELECT id, name, position, active FROM {} WHERE tenant_id = $1 ORDER BY position, id",
            catalogue_table(which)
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(catalogue_row).collect()
    }

    async fn add_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        name: &str,
    ) -> Result<CatalogueItem> {
        let mut tx = self.begin_write().await?;
        let item = insert_catalogue_item(&mut tx, tenant, which, name).await?;
        let d = draft(
            catalogue_entity(which),
            item.id,
            AuditAction::Create,
            actor,
            audit::created(&item),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(item)
    }

    async fn update_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        id: i64,
        name: &str,
        active: bool,
    ) -> Result<CatalogueItem> {
        let mut tx = self.begin_write().await?;
        let table = catalogue_table(which);
        let before = fetch_catalogue_item(&mut tx, tenant, which, id).await?;
        let sql =
            format!("UPDATE {table} SET name = $1, active = $2 WHERE tenant_id = $3 AND id = $4");
        sqlx::query(&sql)
            .bind(name)
            .bind(active)
            .bind(tenant.0)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                let e = StoreError::from(e);
                if e.kind() == crate::ErrorKind::Duplicate {
                    StoreError::duplicate(format!("{table} {name}"))
                } else {
                    e
                }
            })?;
        let after = fetch_catalogue_item(&mut tx, tenant, which, id).await?;
        let d = draft(
            catalogue_entity(which),
            id,
            AuditAction::Update,
            actor,
            audit::changes(&before, &after),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    // ---- potentials ----

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
        let d = draft(
            EntityKind::Potential,
            p.id.0,
            AuditAction::Create,
            actor,
            audit::created(&p),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
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
            let d = draft(
                EntityKind::Potential,
                p.id.0,
                AuditAction::Create,
                actor,
                audit::created(&p),
            );
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
        insert_audit(&mut tx, &self.operator, tenant, audit, at).await?;
        let after = fetch_potential(&mut tx, tenant, id).await?;
        tx.commit().await?;
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
        .execute(&mut *tx)
        .await
        .map_err(fk("acting user"))?;
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
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        let after = fetch_potential(&mut tx, tenant, id).await?;
        tx.commit().await?;
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
        rows.iter()
            .map(|r| {
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
            })
            .collect()
    }

    async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM tenants")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }

    // ---- tenant settings and business cases ----

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

    // ---- programmes and benefits realisation ----

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
        let d = draft(
            EntityKind::Programme,
            stored.id.0,
            AuditAction::Create,
            actor,
            audit::created(programme),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
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
        let d = draft(
            EntityKind::Programme,
            id.0,
            AuditAction::Update,
            actor,
            audit::changes(&before.programme, programme),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
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
        // The composite foreign key to benefit_plans refuses another tenant's potential
        // and a potential without a plan.
        let row = sqlx::query(
            "INSERT INTO actuals (tenant_id, potential_id, body, created_at, created_by, approval) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(tenant.0)
        .bind(potential.0)
        .bind(Json(actual))
        .bind(at)
        .bind(actor.map(|u| u.0))
        .bind(actual.approval.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(fk("benefit plan or acting user"))?;
        let id: i64 = row.try_get("id")?;
        let d = draft(
            EntityKind::Actual,
            id,
            AuditAction::Create,
            actor,
            audit::created(actual),
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(id)
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
        insert_audit(&mut tx, &self.operator, tenant, audit, at).await?;
        let after = fetch_actual(&mut tx, tenant, potential, id).await?;
        tx.commit().await?;
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

    // ---- import ----

    async fn commit_import(
        &self,
        tenant: TenantId,
        actor: ActorId,
        batch: &ImportBatch,
        progress: Option<ImportProgress<'_>>,
    ) -> Result<ImportOutcome> {
        let mut tx = self.begin_write().await?;
        // A missing tenant is NotFound before anything else.
        fetch_tenant(&mut tx, tenant).await?;
        let at = now();
        let reason = Some(format!("Import {}", batch.batch_id));
        let audit_of = |entity: EntityKind, id: i64, action: AuditAction, changes| AuditDraft {
            entity,
            entity_id: id,
            action,
            user_id: actor,
            actor: None,
            changes,
            reason: reason.clone(),
        };
        let mut out = ImportOutcome::default();
        for (i, u) in batch.new_units.iter().enumerate() {
            let parent = match u.new_parent {
                Some(p) if p < i => out.units.get(p).map(|x| x.id),
                Some(p) => return Err(StoreError::not_found(format!("new unit {p}"))),
                None => u.parent,
            };
            if let Some(parent) = parent {
                fetch_unit(&mut tx, tenant, parent).await?;
            }
            let unit = insert_unit(&mut tx, tenant, parent, &u.name).await?;
            let d = audit_of(
                EntityKind::Unit,
                unit.id.0,
                AuditAction::Create,
                audit::created(&unit),
            );
            insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
            out.units.push(unit);
        }
        for (which, names) in [
            (Catalogue::Fagomraader, &batch.new_fagomraader),
            (Catalogue::Technologies, &batch.new_technologies),
        ] {
            for name in names {
                let item = insert_catalogue_item(&mut tx, tenant, which, name).await?;
                let d = audit_of(
                    catalogue_entity(which),
                    item.id,
                    AuditAction::Create,
                    audit::created(&item),
                );
                insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
                match which {
                    Catalogue::Fagomraader => out.fagomraader.push(item),
                    Catalogue::Technologies => out.technologies.push(item),
                }
            }
        }
        for (done, r) in batch.rows.iter().enumerate() {
            let in_row = |e: StoreError| import_row_error(r.row, e);
            let mut v = r.potential.clone();
            if let Some(i) = r.new_unit {
                v.unit_id = out
                    .units
                    .get(i)
                    .map(|u| u.id)
                    .ok_or_else(|| in_row(StoreError::not_found(format!("new unit {i}"))))?;
            }
            if let Some(i) = r.new_fagomraade {
                v.fagomraade_id = Some(FagomraadeId(
                    out.fagomraader.get(i).map(|f| f.id).ok_or_else(|| {
                        in_row(StoreError::not_found(format!("new fagområde {i}")))
                    })?,
                ));
            }
            if let Some(i) = r.new_technology {
                v.technology_id = Some(TechnologyId(
                    out.technologies.get(i).map(|t| t.id).ok_or_else(|| {
                        in_row(StoreError::not_found(format!("new technology {i}")))
                    })?,
                ));
            }
            let id = match r.action {
                ImportAction::Create {
                    status,
                    submitted_by,
                } => {
                    let p = insert_potential(&mut tx, tenant, &v, status, submitted_by, at)
                        .await
                        .map_err(in_row)?;
                    let d = audit_of(
                        EntityKind::Potential,
                        p.id.0,
                        AuditAction::Create,
                        audit::created(&p),
                    );
                    insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
                    out.created += 1;
                    p.id
                }
                ImportAction::Update {
                    id,
                    expected_version,
                } => {
                    let before = fetch_potential(&mut tx, tenant, id).await.map_err(in_row)?;
                    update_potential_row(&mut tx, tenant, id, expected_version, &v, at)
                        .await
                        .map_err(in_row)?;
                    let after = fetch_potential(&mut tx, tenant, id).await?;
                    let d = audit_of(
                        EntityKind::Potential,
                        id.0,
                        AuditAction::Update,
                        audit::changes(&before, &after),
                    );
                    insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
                    out.updated += 1;
                    id
                }
            };
            if let Some((case, expected)) = &r.business_case {
                let before = fetch_business_case(&mut tx, tenant, id).await?;
                let changes = match (&before, expected) {
                    (None, None) => audit::created(case),
                    (Some(b), Some(v)) if b.version == *v => audit::changes(&b.case, case),
                    _ => {
                        return Err(in_row(StoreError::conflict(format!(
                            "business case of potential {id}"
                        ))))
                    }
                };
                let action = if before.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                };
                write_potential_document(
                    &mut tx,
                    "business_cases",
                    BUSINESS_CASE_COLS,
                    "business case",
                    (tenant, actor, id, *expected),
                    case,
                    at,
                )
                .await
                .map_err(in_row)?;
                let d = audit_of(EntityKind::BusinessCase, id.0, action, changes);
                insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
                out.business_cases += 1;
            }
            out.potentials.push(id);
            if let Some(p) = progress {
                p(done + 1);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn list_import_mappings(&self, tenant: TenantId) -> Result<Vec<StoredImportMapping>> {
        let sql = format!(
            "SELECT {IMPORT_MAPPING_COLS} FROM import_mappings WHERE tenant_id = $1 ORDER BY name, id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(import_mapping_row).collect()
    }

    async fn save_import_mapping(
        &self,
        tenant: TenantId,
        actor: ActorId,
        name: &str,
        mapping_json: &str,
        expected_version: Option<i64>,
    ) -> Result<StoredImportMapping> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let before = fetch_import_mapping(&mut tx, tenant, name).await?;
        let row = match (expected_version, &before) {
            (None, Some(_)) => return Err(StoreError::duplicate(format!("import mapping {name}"))),
            (Some(_), None) => return Err(StoreError::not_found(format!("import mapping {name}"))),
            (None, None) => {
                let sql = format!(
                    "INSERT INTO import_mappings (tenant_id, name, body, version, created_at, \
                     updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, $4, $5) \
                     RETURNING {IMPORT_MAPPING_COLS}"
                );
                sqlx::query(&sql)
                    .bind(tenant.0)
                    .bind(name)
                    .bind(mapping_json)
                    .bind(at)
                    .bind(actor.map(|u| u.0))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| {
                        let e = fk("tenant or acting user")(e);
                        if e.kind() == crate::ErrorKind::Duplicate {
                            StoreError::duplicate(format!("import mapping {name}"))
                        } else {
                            e
                        }
                    })?
            }
            (Some(v), Some(_)) => {
                let sql = format!(
                    "UPDATE import_mappings SET body = $3, version = version + 1, updated_at = $4, \
                     updated_by = $5 WHERE tenant_id = $1 AND name = $2 AND version = $6 \
                     RETURNING {IMPORT_MAPPING_COLS}"
                );
                sqlx::query(&sql)
                    .bind(tenant.0)
                    .bind(name)
                    .bind(mapping_json)
                    .bind(at)
                    .bind(actor.map(|u| u.0))
                    .bind(v)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(fk("acting user"))?
                    .ok_or_else(|| StoreError::conflict(format!("import mapping {name}")))?
            }
        };
        let stored = import_mapping_row(&row)?;
        let change = FieldChange {
            field: format!("import_mapping:{name}"),
            before: before
                .map(|b| serde_json::Value::String(b.mapping))
                .unwrap_or(serde_json::Value::Null),
            after: serde_json::Value::String(stored.mapping.clone()),
        };
        let action = if expected_version.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        let d = draft(
            EntityKind::TenantSettings,
            tenant.0,
            action,
            actor,
            vec![change],
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn delete_import_mapping(
        &self,
        tenant: TenantId,
        actor: ActorId,
        name: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let before = fetch_import_mapping(&mut tx, tenant, name)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("import mapping {name}")))?;
        sqlx::query("DELETE FROM import_mappings WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(before.id)
            .execute(&mut *tx)
            .await?;
        let change = FieldChange {
            field: format!("import_mapping:{name}"),
            before: serde_json::Value::String(before.mapping),
            after: serde_json::Value::Null,
        };
        let d = draft(
            EntityKind::TenantSettings,
            tenant.0,
            AuditAction::Revoke,
            actor,
            vec![change],
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- audit ----

    async fn put_import_upload(
        &self,
        upload: &crate::NewImportUpload<'_>,
        bounds: &crate::UploadBounds,
    ) -> Result<u64> {
        put_import_upload(self, upload, bounds).await
    }

    async fn import_upload(
        &self,
        tenant: TenantId,
        user: UserId,
        id: &str,
        expired_before: DateTime<Utc>,
        with_file: bool,
    ) -> Result<crate::StoredImportUpload> {
        import_upload(self, tenant, user, id, expired_before, with_file).await
    }

    async fn change_import_upload(
        &self,
        tenant: TenantId,
        user: UserId,
        id: &str,
        change: crate::ImportUploadChange<'_>,
    ) -> Result<bool> {
        change_import_upload(self, tenant, user, id, change).await
    }

    async fn purge_import_uploads(&self, expired_before: DateTime<Utc>) -> Result<u64> {
        purge_import_uploads(self, expired_before).await
    }

    async fn claim_periodic_job(
        &self,
        name: &str,
        now: DateTime<Utc>,
        min_interval: chrono::Duration,
    ) -> Result<bool> {
        claim_periodic_job(self, name, now, min_interval).await
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

    async fn append_audit(&self, tenant: TenantId, entry: &AuditDraft) -> Result<()> {
        // In a write transaction: the entry and its tenant's chain head move together.
        let mut tx = self.begin_write().await?;
        insert_audit(&mut tx, &self.operator, tenant, entry, now()).await?;
        tx.commit().await?;
        Ok(())
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

// ---------------------------------------------------------------- import helpers

const IMPORT_MAPPING_COLS: &str = "id, name, body, version, updated_at";

fn import_mapping_row(r: &DbRow) -> Result<StoredImportMapping> {
    Ok(StoredImportMapping {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        mapping: r.try_get("body")?,
        version: r.try_get("version")?,
        updated_at: r.try_get("updated_at")?,
    })
}

async fn fetch_import_mapping(
    conn: &mut Conn,
    tenant: TenantId,
    name: &str,
) -> Result<Option<StoredImportMapping>> {
    let sql = format!(
        "SELECT {IMPORT_MAPPING_COLS} FROM import_mappings WHERE tenant_id = $1 AND name = $2"
    );
    sqlx::query(&sql)
        .bind(tenant.0)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(import_mapping_row)
        .transpose()
}

/// The same error, its message naming the sheet row.
fn import_row_error(row: u32, e: StoreError) -> StoreError {
    let what = format!("row {row}: {e}");
    match e.kind() {
        crate::ErrorKind::NotFound => StoreError::not_found(what),
        crate::ErrorKind::Conflict => StoreError::conflict(what),
        crate::ErrorKind::Duplicate => StoreError::duplicate(what),
        _ => e,
    }
}
