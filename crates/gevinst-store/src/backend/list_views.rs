//! Saved views of the potentials list.

use super::*;
use crate::{ActorId, Result, StoreError, StoredListView};
use gevinst_domain::{AuditAction, EntityKind, TenantId, UserId};

const VIEW_COLS: &str = "id, user_id, name, query, updated_at";

fn view_row(r: &DbRow) -> Result<StoredListView> {
    Ok(StoredListView {
        id: r.try_get("id")?,
        user_id: UserId(r.try_get("user_id")?),
        name: r.try_get("name")?,
        query: r.try_get("query")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn fact(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
    let json = |v: Option<&str>| v.map_or(serde_json::Value::Null, |s| s.into());
    FieldChange {
        field: field.into(),
        before: json(before),
        after: json(after),
    }
}

#[async_trait]
impl crate::ListViewStore for ThisStore {
    async fn list_views(&self, tenant: TenantId, user: UserId) -> Result<Vec<StoredListView>> {
        let sql = format!(
            "SELECT {VIEW_COLS} FROM list_views WHERE tenant_id = $1 AND user_id = $2 \
             ORDER BY name, id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(view_row).collect()
    }

    async fn save_list_view(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        query: &str,
    ) -> Result<StoredListView> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let sql = format!(
            "SELECT {VIEW_COLS} FROM list_views WHERE tenant_id = $1 AND user_id = $2 AND name = $3"
        );
        let existing = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| view_row(&r))
            .transpose()?;
        let (id, action, changes) = match existing {
            Some(old) => {
                sqlx::query(
                    "UPDATE list_views SET query = $1, updated_at = $2 \
                     WHERE tenant_id = $3 AND id = $4",
                )
                .bind(query)
                .bind(at)
                .bind(tenant.0)
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
                let changes = vec![fact("query", Some(&old.query), Some(query))];
                (old.id, AuditAction::Update, changes)
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO list_views (tenant_id, user_id, name, query, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(tenant.0)
                .bind(user.0)
                .bind(name)
                .bind(query)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(fk("user of this tenant"))?;
                let changes = vec![
                    fact("user_id", None, Some(&user.0.to_string())),
                    fact("name", None, Some(name)),
                    fact("query", None, Some(query)),
                ];
                (row.try_get("id")?, AuditAction::Create, changes)
            }
        };
        let d = draft(EntityKind::ListView, id, action, actor, changes);
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(StoredListView {
            id,
            user_id: user,
            name: name.to_owned(),
            query: query.to_owned(),
            updated_at: at,
        })
    }

    async fn delete_list_view(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let sql = format!(
            "SELECT {VIEW_COLS} FROM list_views WHERE tenant_id = $1 AND user_id = $2 AND id = $3"
        );
        let old = match sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(r) => view_row(&r)?,
            None => return Err(StoreError::not_found(format!("list view {id}"))),
        };
        sqlx::query("DELETE FROM list_views WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let changes = vec![
            fact("name", Some(&old.name), None),
            fact("query", Some(&old.query), None),
        ];
        let d = draft(
            EntityKind::ListView,
            id,
            AuditAction::Revoke,
            actor,
            changes,
        );
        insert_audit(&mut tx, &self.operator, tenant, &d, at).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// The backfill migration folds the same letters as the domain's search.
    #[test]
    fn search_fold_migration_matches_the_domain() {
        for sql in [
            include_str!("../../migrations/sqlite/0017_search_fold.sql"),
            include_str!("../../migrations/postgres/0017_search_fold.sql"),
        ] {
            let replaces = sql.matches("replace(").count();
            assert_eq!(replaces, gevinst_domain::text::SEARCH_FOLDS.len());
            for (from, to) in gevinst_domain::text::SEARCH_FOLDS {
                assert!(sql.contains(&format!("'{from}', '{to}'")), "{from} → {to}");
            }
        }
    }
}
