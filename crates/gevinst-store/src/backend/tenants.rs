//! Tenants and their users.

use super::*;
use crate::{ActorId, Result, StoreError, UserCredentials};
use gevinst_domain::{
    AuditAction, Email, EntityKind, FieldChange, Role, Slug, Tenant, TenantId, UnitId, User,
    UserId, ValidUser,
};
use std::collections::HashMap;

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

pub(super) async fn fetch_tenant(conn: &mut Conn, id: TenantId) -> Result<Tenant> {
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

pub(super) async fn fetch_user(conn: &mut Conn, tenant: TenantId, id: UserId) -> Result<User> {
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

#[async_trait]
impl crate::TenantStore for ThisStore {
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
        let d = created(EntityKind::Tenant, tenant.id.0, None, &tenant);
        self.finish_with_audit(tx, tenant.id, &d, now()).await?;
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
        let d = updated(EntityKind::Tenant, tenant.0, actor, &before, &after);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
        Ok(after)
    }

    async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM tenants")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }

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
        let stored = fetch_user(&mut tx, tenant, id).await?;
        let d = created(EntityKind::User, id.0, actor, &stored);
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(stored)
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
        let d = updated(EntityKind::User, id.0, actor, &before, &after);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
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
        self.finish_with_audit(tx, tenant, &d, now()).await?;
        Ok(())
    }
}
