//! The migration runner.

use super::*;
use crate::{Result, StoreError};
use std::collections::HashMap;

/// Whether every embedded migration is applied (same checksum) and nothing else is. Reads
/// only; a missing or unreadable `_sqlx_migrations` table counts as pending.
async fn migrations_up_to_date(pool: &sqlx::Pool<Db>, migrator: &sqlx::migrate::Migrator) -> bool {
    let Ok(rows) = sqlx::query("SELECT version, checksum FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
    else {
        return false;
    };
    let mut applied: HashMap<i64, Vec<u8>> = HashMap::new();
    for r in &rows {
        match (
            r.try_get::<i64, _>("version"),
            r.try_get::<Vec<u8>, _>("checksum"),
        ) {
            (Ok(v), Ok(c)) => {
                applied.insert(v, c);
            }
            _ => return false,
        }
    }
    let wanted: Vec<_> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    applied.len() == wanted.len()
        && wanted
            .iter()
            .all(|m| applied.get(&m.version).map(Vec::as_slice) == Some(&*m.checksum))
}

/// Runs `migrator` unless the schema is already up to date. sqlx's migrator always begins
/// with `CREATE TABLE IF NOT EXISTS _sqlx_migrations`, which PostgreSQL refuses to a role
/// without CREATE on the schema even when the table exists; so an app role that may not
/// change the schema works as long as nothing is pending, and gets a clear error when
/// something is.
pub(crate) async fn run_migrations(
    pool: &sqlx::Pool<Db>,
    migrator: &sqlx::migrate::Migrator,
) -> Result<()> {
    if migrations_up_to_date(pool, migrator).await {
        return Ok(());
    }
    migrator.run(pool).await.map_err(|e| {
        let denied = match &e {
            sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(d))
            | sqlx::migrate::MigrateError::ExecuteMigration(sqlx::Error::Database(d), _) => {
                d.code().as_deref() == Some("42501")
            }
            _ => false,
        };
        if denied {
            StoreError::config(
                "the database schema is not up to date and this database role may not change it: \
                 run `gevinst migrate` as the schema owner",
            )
        } else {
            e.into()
        }
    })
}
