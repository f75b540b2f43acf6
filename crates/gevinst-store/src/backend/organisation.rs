//! The organisation: units, and the per-tenant lists (fagområder, technology types).

use super::*;
use crate::{ActorId, Catalogue, Result, StoreError};
use gevinst_domain::{CatalogueItem, EntityKind, TenantId, Unit, UnitId};

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

fn catalogue_table(which: Catalogue) -> &'static str {
    match which {
        Catalogue::Fagomraader => "fagomraader",
        Catalogue::Technologies => "technologies",
    }
}

pub(super) fn catalogue_entity(which: Catalogue) -> EntityKind {
    match which {
        Catalogue::Fagomraader => EntityKind::Fagomraade,
        Catalogue::Technologies => EntityKind::Technology,
    }
}

pub(super) async fn fetch_unit(conn: &mut Conn, tenant: TenantId, id: UnitId) -> Result<Unit> {
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

/// Inserts one active unit and returns it as stored.
pub(super) async fn insert_unit(
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
pub(super) async fn insert_catalogue_item(
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

#[async_trait]
impl crate::OrganisationStore for ThisStore {
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
        let d = created(EntityKind::Unit, unit.id.0, actor, &unit);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
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
        let d = updated(EntityKind::Unit, id.0, actor, &before, &after);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
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
        let d = created(catalogue_entity(which), item.id, actor, &item);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
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
        let d = updated(catalogue_entity(which), id, actor, &before, &after);
        self.finish_with_audit(tx, tenant, &d, now()).await?;
        Ok(after)
    }
}
