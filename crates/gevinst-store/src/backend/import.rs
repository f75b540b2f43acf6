//! Imports: committing a batch, saved column mappings, and unfinished uploads.

use super::documents::{fetch_business_case, write_potential_document, BUSINESS_CASE_COLS};
use super::organisation::{catalogue_entity, fetch_unit, insert_catalogue_item, insert_unit};
use super::potentials::{
    fetch_potential, insert_potential, insert_status_change, update_potential_row,
};
use super::tenants::fetch_tenant;
use super::uploads::{change_import_upload, import_upload, put_import_upload};
use super::*;
use crate::{
    ActorId, Catalogue, ImportAction, ImportBatch, ImportOutcome, ImportProgress, ImportRow,
    Result, StoreError, StoredImportMapping,
};
use chrono::{DateTime, Utc};
use gevinst_domain::business_case::BusinessCase;
use gevinst_domain::{
    AuditAction, AuditDraft, EntityKind, FagomraadeId, FieldChange, PotentialId, Status,
    TechnologyId, TenantId, UserId, ValidPotential,
};

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

/// One import's transaction, as [`crate::ImportStore::commit_import`] writes it: every
/// change is audited by `actor` with the import's reason, at one time.
struct ImportWriter<'a> {
    conn: &'a mut Conn,
    operator: &'a str,
    tenant: TenantId,
    actor: ActorId,
    reason: String,
    at: DateTime<Utc>,
    out: ImportOutcome,
}

impl ImportWriter<'_> {
    /// Writes the audit entry of one change.
    async fn audit(
        &mut self,
        entity: EntityKind,
        id: i64,
        action: AuditAction,
        changes: Vec<FieldChange>,
    ) -> Result<()> {
        let d = AuditDraft {
            reason: Some(self.reason.clone()),
            ..draft(entity, id, action, self.actor, changes)
        };
        insert_audit(self.conn, self.operator, self.tenant, &d, self.at).await
    }

    /// Creates the batch's new units, fagområder and technology types.
    async fn create_references(&mut self, batch: &ImportBatch) -> Result<()> {
        let tenant = self.tenant;
        for (i, u) in batch.new_units.iter().enumerate() {
            let parent = match u.new_parent {
                Some(p) if p < i => self.out.units.get(p).map(|x| x.id),
                Some(p) => return Err(StoreError::not_found(format!("new unit {p}"))),
                None => u.parent,
            };
            if let Some(parent) = parent {
                fetch_unit(self.conn, tenant, parent).await?;
            }
            let unit = insert_unit(self.conn, tenant, parent, &u.name).await?;
            let changes = audit::created(&unit);
            self.audit(EntityKind::Unit, unit.id.0, AuditAction::Create, changes)
                .await?;
            self.out.units.push(unit);
        }
        for (which, names) in [
            (Catalogue::Fagomraader, &batch.new_fagomraader),
            (Catalogue::Technologies, &batch.new_technologies),
        ] {
            for name in names {
                let item = insert_catalogue_item(self.conn, tenant, which, name).await?;
                let changes = audit::created(&item);
                self.audit(
                    catalogue_entity(which),
                    item.id,
                    AuditAction::Create,
                    changes,
                )
                .await?;
                match which {
                    Catalogue::Fagomraader => self.out.fagomraader.push(item),
                    Catalogue::Technologies => self.out.technologies.push(item),
                }
            }
        }
        Ok(())
    }

    /// The row's potential with the records the import created in place of its indexes.
    fn resolve(&self, r: &ImportRow) -> Result<ValidPotential> {
        let in_row = |e: StoreError| import_row_error(r.row, e);
        let created = |what: &str, i: usize| in_row(StoreError::not_found(format!("{what} {i}")));
        let mut v = r.potential.clone();
        if let Some(i) = r.new_unit {
            v.unit_id = self
                .out
                .units
                .get(i)
                .map(|u| u.id)
                .ok_or_else(|| created("new unit", i))?;
        }
        if let Some(i) = r.new_fagomraade {
            let item = self.out.fagomraader.get(i);
            v.fagomraade_id = Some(FagomraadeId(
                item.map(|f| f.id)
                    .ok_or_else(|| created("new fagområde", i))?,
            ));
        }
        if let Some(i) = r.new_technology {
            let item = self.out.technologies.get(i);
            v.technology_id = Some(TechnologyId(
                item.map(|t| t.id)
                    .ok_or_else(|| created("new technology", i))?,
            ));
        }
        Ok(v)
    }

    /// Creates or updates one row's potential, then saves its business case.
    async fn write_row(&mut self, r: &ImportRow) -> Result<()> {
        let in_row = |e: StoreError| import_row_error(r.row, e);
        let (tenant, at) = (self.tenant, self.at);
        let v = self.resolve(r)?;
        let id = match &r.action {
            ImportAction::Create {
                status,
                submitted_by,
                status_change,
            } => {
                let p = insert_potential(self.conn, tenant, &v, *status, *submitted_by, at)
                    .await
                    .map_err(in_row)?;
                let changes = audit::created(&p);
                self.audit(EntityKind::Potential, p.id.0, AuditAction::Create, changes)
                    .await?;
                if let Some(change) = status_change {
                    insert_status_change(
                        self.conn,
                        tenant,
                        p.id,
                        (change.from, *status),
                        Some(&change.reason),
                        self.actor,
                        at,
                    )
                    .await
                    .map_err(in_row)?;
                    let json = |s: Status| serde_json::Value::String(s.as_str().into());
                    let d = AuditDraft {
                        reason: Some(format!("{}: {}", self.reason, change.reason)),
                        ..draft(
                            EntityKind::Potential,
                            p.id.0,
                            AuditAction::StatusChange,
                            self.actor,
                            vec![FieldChange {
                                field: "status".into(),
                                before: json(change.from),
                                after: json(*status),
                            }],
                        )
                    };
                    insert_audit(self.conn, self.operator, self.tenant, &d, at).await?;
                }
                self.out.created += 1;
                p.id
            }
            &ImportAction::Update {
                id,
                expected_version,
            } => {
                let before = fetch_potential(self.conn, tenant, id)
                    .await
                    .map_err(in_row)?;
                update_potential_row(self.conn, tenant, id, expected_version, &v, at)
                    .await
                    .map_err(in_row)?;
                let after = fetch_potential(self.conn, tenant, id).await?;
                let changes = audit::changes(&before, &after);
                self.audit(EntityKind::Potential, id.0, AuditAction::Update, changes)
                    .await?;
                self.out.updated += 1;
                id
            }
        };
        if let Some((case, expected)) = &r.business_case {
            self.write_business_case(r.row, id, case, *expected).await?;
        }
        self.out.potentials.push(id);
        Ok(())
    }

    /// Saves a row's business case: creates it (`expected` `None`) or replaces the
    /// stored version `expected`.
    async fn write_business_case(
        &mut self,
        row: u32,
        id: PotentialId,
        case: &BusinessCase,
        expected: Option<i64>,
    ) -> Result<()> {
        let in_row = |e: StoreError| import_row_error(row, e);
        let before = fetch_business_case(self.conn, self.tenant, id).await?;
        let changes = match (&before, expected) {
            (None, None) => audit::created(case),
            (Some(b), Some(v)) if b.version == v => audit::changes(&b.case, case),
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
            self.conn,
            "business_cases",
            BUSINESS_CASE_COLS,
            "business case",
            (self.tenant, self.actor, id, expected),
            case,
            self.at,
        )
        .await
        .map_err(in_row)?;
        self.audit(EntityKind::BusinessCase, id.0, action, changes)
            .await?;
        self.out.business_cases += 1;
        Ok(())
    }
}

#[async_trait]
impl crate::ImportStore for ThisStore {
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
        let mut import = ImportWriter {
            conn: &mut tx,
            operator: &self.operator,
            tenant,
            actor,
            reason: format!("Import {}", batch.batch_id),
            at: now(),
            out: ImportOutcome::default(),
        };
        import.create_references(batch).await?;
        for (done, r) in batch.rows.iter().enumerate() {
            import.write_row(r).await?;
            if let Some(p) = progress {
                p(done + 1);
            }
        }
        let out = import.out;
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
        self.finish_with_audit(tx, tenant, &d, at).await?;
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
        self.finish_with_audit(tx, tenant, &d, now()).await?;
        Ok(())
    }

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
}
