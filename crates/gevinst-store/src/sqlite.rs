//! SQLite backend: the embedded default. One file in the data directory, WAL journal,
//! foreign keys on, a 5 s busy timeout, and write transactions that take the write lock
//! up front (`BEGIN IMMEDIATE`) so concurrent writers wait instead of failing.

use crate::{redact_url, Result, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (and creates, with its folder, if missing) the database file named by a
    /// `sqlite:PATH` or `sqlite://PATH` URL. `sqlite::memory:` gives a private in-memory
    /// database (for tests).
    pub async fn open(url: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| {
                StoreError::config(format!("invalid SQLite URL {}: {e}", redact_url(url)))
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            if let Some(parent) = opts.get_filename().parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::config(format!(
                            "cannot create the folder {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
            }
        }
        let pool_opts = if in_memory {
            // An in-memory database lives as long as one connection does.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
        };
        let pool = pool_opts.connect_with(opts).await?;
        Ok(SqliteStore { pool })
    }

    /// Runs the embedded migrations (`migrations/sqlite`).
    pub async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// The connection pool, for raw SQL in tests and maintenance tools.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction holding SQLite's write lock from the start, so that a
    /// read-then-write transaction never fails on a lock upgrade.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

mod imp {
    type Db = sqlx::Sqlite;
    type DbRow = sqlx::sqlite::SqliteRow;
    type Conn = sqlx::SqliteConnection;
    type ThisStore = super::SqliteStore;
    const BACKEND: &str = "sqlite";

    include!("backend_common.rs");
    include!("backend_shared.rs");
}
