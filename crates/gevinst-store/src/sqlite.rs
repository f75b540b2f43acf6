//! SQLite backend: the embedded default. One file in the data directory, WAL journal,
//! foreign keys on, a 5 s busy timeout, and write transactions that take the write lock
//! up front (`BEGIN IMMEDIATE`) so concurrent writers wait instead of failing.

use crate::{redact_url, Result, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Creates `dir` and its missing parents readable by the owner only (0700 on Unix).
/// Folders that exist already are left as they are.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates an empty database file readable and writable by the owner only (0600 on
/// Unix) unless it exists; SQLite then gives its `-wal` and `-shm` files the same mode.
/// An existing file that others may read is kept, with a warning.
fn create_private_file(file: &Path) -> std::io::Result<()> {
    match create_new_private_file(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            warn_if_shared(file);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Creates the new, empty file `path` readable and writable by the owner only (0600 on
/// Unix); an existing file is an [`std::io::ErrorKind::AlreadyExists`] error.
pub(crate) fn create_new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Logs a warning when others than the owner may read `file`.
fn warn_if_shared(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(file) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    file = %file.display(),
                    mode = format!("{mode:o}"),
                    "the database file is readable by other users; run `chmod 600` on it"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Recorded as the actor of changes without a tenant user.
    operator: std::sync::Arc<str>,
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
            let file = opts.get_filename();
            if let Some(parent) = file.parent() {
                if !parent.as_os_str().is_empty() {
                    create_private_dir(parent).map_err(|e| {
                        StoreError::config(format!(
                            "cannot create the folder {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
            }
            create_private_file(file).map_err(|e| {
                StoreError::config(format!("cannot create {}: {e}", file.display()))
            })?;
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
        Ok(SqliteStore {
            pool,
            operator: crate::SYSTEM_OPERATOR.into(),
        })
    }

    /// Runs the embedded migrations (`migrations/sqlite`) that are not applied yet, then
    /// chains audit entries written before the audit chain existed. When nothing is
    /// pending it changes nothing (and needs no right to change the schema); when
    /// something is pending but this role may not change the schema, the error says to
    /// run `gevinst migrate` as the schema owner.
    pub async fn migrate(&self) -> Result<()> {
        backend::run_migrations(&self.pool, &sqlx::migrate!("./migrations/sqlite")).await?;
        backend::backfill_audit_chain(self).await?;
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

// The SQL shared by both backends (`backend/`), compiled here for SQLite.
type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type Conn = sqlx::SqliteConnection;
type ThisStore = SqliteStore;
const BACKEND: &str = "sqlite";

// Mounted by both backends on purpose: that is how the SQL is written once.
#[allow(clippy::duplicate_mod)]
#[path = "backend/mod.rs"]
mod backend;

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn a_new_database_and_its_folder_are_private_to_the_owner() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data").join("gevinst");
        let file = dir.join("gevinst.db");
        let store = SqliteStore::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        // A write makes sure the WAL and shared-memory files exist.
        sqlx::query("CREATE TABLE probe (x INTEGER)")
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("data")), 0o700);
        assert_eq!(mode(&file), 0o600);
        for suffix in ["-wal", "-shm"] {
            let side = dir.join(format!("gevinst.db{suffix}"));
            assert_eq!(mode(&side), 0o600, "{}", side.display());
        }
    }

    #[tokio::test]
    async fn an_existing_database_keeps_its_mode_and_opens() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("gevinst.db");
        std::fs::write(&file, b"").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let store = SqliteStore::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        assert_eq!(mode(&file), 0o640);
    }
}
