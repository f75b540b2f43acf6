//! PostgreSQL backend, for server deployments.
//!
//! Also holds [`create_test_database`] and [`drop_test_database`], which tests (here and in
//! the web crate) use to get a fresh, isolated database per test.

use crate::{redact_url, Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Connection;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Recorded as the actor of changes without a tenant user.
    operator: std::sync::Arc<str>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

fn options(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::config(format!("invalid PostgreSQL URL {}: {e}", redact_url(url))))
}

impl PostgresStore {
    /// Connects to the server named by a `postgres://` or `postgresql://` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let opts = options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(PostgresStore {
            pool,
            operator: crate::SYSTEM_OPERATOR.into(),
        })
    }

    /// Runs the embedded migrations (`migrations/postgres`) that are not applied yet, then
    /// chains audit entries written before the audit chain existed. When nothing is
    /// pending it changes nothing (and needs no right to change the schema); when
    /// something is pending but this role may not change the schema, the error says to
    /// run `gevinst migrate` as the schema owner.
    pub async fn migrate(&self) -> Result<()> {
        backend::run_migrations(&self.pool, &sqlx::migrate!("./migrations/postgres")).await?;
        backend::backfill_audit_chain(self).await?;
        Ok(())
    }

    /// The connection pool, for raw SQL in tests and maintenance tools.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes all connections (before dropping a test database, for example).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

/// `name` as a quoted SQL identifier. Refuses the empty name, NUL and names longer than
/// PostgreSQL's 63 bytes.
fn quote_ident(name: &str) -> Result<String> {
    if name.is_empty() || name.len() > 63 || name.contains('\0') {
        return Err(StoreError::config(format!(
            "invalid role name {name:?}: 1-63 bytes, no NUL"
        )));
    }
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// Grants `role` (an existing role, not the one `url` connects as: that one owns the
/// schema) exactly what gevinst's commands need on the migrated schema, and takes away
/// anything more it had on gevinst's tables:
///
/// - every table: SELECT, INSERT, UPDATE, DELETE, except
/// - `audit_log`: SELECT and INSERT only (no UPDATE, DELETE or TRUNCATE);
/// - `audit_chain` (the chain heads): SELECT, INSERT and UPDATE;
/// - `_sqlx_migrations`: SELECT (to see that the schema is up to date);
/// - the schema: USAGE, not CREATE; sequences: USAGE and SELECT.
///
/// Not owning the tables, the role cannot alter, drop or disable triggers on them.
/// Idempotent; run it after every migration (new tables need their grants).
pub async fn grant_app_role(url: &str, role: &str) -> Result<()> {
    let quoted = quote_ident(role)?;
    let mut conn = sqlx::PgConnection::connect_with(&options(url)?).await?;
    let row = sqlx::query(
        "SELECT current_schema() AS schema, current_user AS me, \
         EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS known",
    )
    .bind(role)
    .fetch_one(&mut conn)
    .await?;
    use sqlx::Row;
    let schema: Option<String> = row.try_get("schema")?;
    let me: String = row.try_get("me")?;
    let known: bool = row.try_get("known")?;
    let Some(schema) = schema else {
        return Err(StoreError::config("no current schema (check search_path)"));
    };
    if !known {
        return Err(StoreError::not_found(format!(
            "role {role:?} (create it first; see docs/deployment.md)"
        )));
    }
    if me == role {
        return Err(StoreError::config(format!(
            "role {role:?} is the schema owner this command connects as; grant to a separate app role"
        )));
    }
    let schema = quote_ident(&schema)?;
    let statements = [
        format!("GRANT USAGE ON SCHEMA {schema} TO {quoted}"),
        format!("REVOKE CREATE ON SCHEMA {schema} FROM {quoted}"),
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted}"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}"
        ),
        format!("REVOKE ALL ON {schema}.audit_log FROM {quoted}"),
        format!("GRANT SELECT, INSERT ON {schema}.audit_log TO {quoted}"),
        format!("REVOKE ALL ON {schema}.audit_chain FROM {quoted}"),
        format!("GRANT SELECT, INSERT, UPDATE ON {schema}.audit_chain TO {quoted}"),
        format!("REVOKE ALL ON {schema}._sqlx_migrations FROM {quoted}"),
        format!("GRANT SELECT ON {schema}._sqlx_migrations TO {quoted}"),
        format!("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {quoted}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}"),
    ];
    let mut tx = conn.begin().await?;
    for sql in &statements {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    conn.close().await?;
    Ok(())
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> Result<String> {
    let start = url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| StoreError::config(format!("not a URL: {}", redact_url(url))))?;
    let rest = &url[start..];
    let (main, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = match main.find('/') {
        Some(i) => &main[..i],
        None => main,
    };
    Ok(format!("{}{}/{}{}", &url[..start], authority, db, query))
}

/// Creates a fresh, uniquely named empty database (`gevinst_test_…`) on the server of
/// `admin_url` (a role that may create databases) and returns a URL to it. Migrations are
/// not run. Drop it afterwards with [`drop_test_database`].
pub async fn create_test_database(admin_url: &str) -> Result<String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let name = format!(
        "gevinst_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect_with(&options(admin_url)?).await?;
    // The name is built above from digits and underscores only.
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    with_database(admin_url, &name)
}

/// Drops a database made by [`create_test_database`], ending its open connections.
/// Refuses names that do not start with `gevinst_test_`.
pub async fn drop_test_database(admin_url: &str, test_url: &str) -> Result<()> {
    let opts = options(test_url)?;
    let name = opts.get_database().unwrap_or_default().to_owned();
    if !name.starts_with("gevinst_test_")
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(StoreError::config(format!(
            "refusing to drop database {name:?}: not a test database"
        )));
    }
    let mut conn = sqlx::PgConnection::connect_with(&options(admin_url)?).await?;
    // WITH (FORCE) ends the test's own leftover connections, but refuses when an
    // autovacuum worker is in the database (not the test role's process); a plain DROP
    // stops autovacuum workers itself. So: forced first, plain as the fallback.
    let forced = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    let plain = format!("DROP DATABASE IF EXISTS \"{name}\"");
    let mut last = None;
    for _ in 0..3 {
        if sqlx::query(&forced).execute(&mut conn).await.is_ok() {
            last = None;
            break;
        }
        match sqlx::query(&plain).execute(&mut conn).await {
            Ok(_) => {
                last = None;
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    if let Some(e) = last {
        return Err(e.into());
    }
    conn.close().await?;
    Ok(())
}

// The SQL shared by both backends (`backend/`), compiled here for PostgreSQL.
type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
type Conn = sqlx::PgConnection;
type ThisStore = PostgresStore;
const BACKEND: &str = "postgres";

// Mounted by both backends on purpose: that is how the SQL is written once.
#[allow(clippy::duplicate_mod)]
#[path = "backend/mod.rs"]
mod backend;

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_database_name() {
        let f = super::with_database;
        assert_eq!(
            f("postgres://u:p@h:1/postgres", "x").unwrap(),
            "postgres://u:p@h:1/x"
        );
        assert_eq!(
            f("postgres://u:p@h:1/postgres?sslmode=disable", "x").unwrap(),
            "postgres://u:p@h:1/x?sslmode=disable"
        );
        assert_eq!(f("postgresql://h", "x").unwrap(), "postgresql://h/x");
        assert!(f("nonsense", "x").is_err());
    }

    #[test]
    fn role_names_are_quoted() {
        let q = super::quote_ident;
        assert_eq!(q("gevinst_app").unwrap(), "\"gevinst_app\"");
        assert_eq!(
            q("a\"; DROP TABLE x; --").unwrap(),
            "\"a\"\"; DROP TABLE x; --\""
        );
        assert!(q("").is_err());
        assert!(q(&"r".repeat(64)).is_err());
    }
}
