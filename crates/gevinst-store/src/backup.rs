//! Backups and restores of the SQLite database, for `gevinst backup` and `gevinst restore`.
//!
//! - [`backup_sqlite`] writes a consistent snapshot with `VACUUM INTO` while the server
//!   may be running (readers and writers carry on; the copy is one transaction's view).
//!   The new file is created owner-only (0600) and never replaces an existing one.
//! - [`check_sqlite_backup`] tells whether a file is an intact gevinst database:
//!   `PRAGMA integrity_check` passes, the migrations table is there with only successful
//!   migrations, none newer than this build knows, and the core tables exist.
//! - [`restore_sqlite`] checks the backup, copies it next to the database, brings the
//!   copy's schema up to date, and only then moves it into place. An existing database is
//!   replaced only when asked (`force`); the server must be stopped first.
//!
//! PostgreSQL is backed up with its own tools (`pg_dump`, `pg_restore`); see
//! `docs/deployment.md`.

use crate::sqlite::{create_new_private_file, create_private_dir, SqliteStore};
use crate::{Result, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// Migrations applied in the backup.
    pub migrations: usize,
    /// The newest of them.
    pub latest_migration: i64,
    /// Tenants in the backup.
    pub tenants: i64,
    /// Entries in its audit log.
    pub audit_entries: i64,
}

/// Tables every gevinst database has.
const CORE_TABLES: [&str; 4] = ["tenants", "users", "potentials", "audit_log"];

/// Writes a consistent copy of the SQLite database named by `url` to `out`, which must
/// not exist; returns the copy's size in bytes. The copy is created readable by the owner
/// only (0600 on Unix). A failed copy leaves no file behind.
pub async fn backup_sqlite(url: &str, out: &Path) -> Result<u64> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::config(format!("invalid SQLite URL: {e}")))?;
    let source = opts.get_filename().to_owned();
    if !source.is_file() {
        return Err(StoreError::config(format!(
            "there is no database at {}",
            source.display()
        )));
    }
    vacuum_into(opts, out).await
}

/// Copies the database of `opts` into the new file `out` (0600) with `VACUUM INTO`.
async fn vacuum_into(opts: SqliteConnectOptions, out: &Path) -> Result<u64> {
    let target = out
        .to_str()
        .ok_or_else(|| StoreError::config(format!("{} is not a UTF-8 path", out.display())))?;
    create_new_private(out)?;
    let copied = async {
        let mut conn = opts.busy_timeout(Duration::from_secs(30)).connect().await?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok::<_, StoreError>(())
    }
    .await;
    match copied {
        Ok(()) => Ok(std::fs::metadata(out).map(|m| m.len()).unwrap_or(0)),
        Err(e) => {
            let _ = std::fs::remove_file(out);
            Err(e)
        }
    }
}

/// Creates the empty file `path`, owner-only; an existing file is an error.
fn create_new_private(path: &Path) -> Result<()> {
    match create_new_private_file(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::config(
            format!("{} exists already; choose a new file name", path.display()),
        )),
        Err(e) => Err(StoreError::config(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

/// Checks that `file` is an intact gevinst SQLite database this build can open.
pub async fn check_sqlite_backup(file: &Path) -> Result<BackupInfo> {
    let name = file.display();
    if !file.is_file() {
        return Err(StoreError::config(format!("{name} is not a file")));
    }
    let not_gevinst =
        |why: &str| StoreError::config(format!("{name} is not a gevinst backup: {why}"));
    let mut conn = read_only(file)
        .connect()
        .await
        .map_err(|e| not_gevinst(&e.to_string()))?;
    let checked = check_open(&mut conn, &not_gevinst).await;
    let _ = conn.close().await;
    checked
}

async fn check_open(
    conn: &mut SqliteConnection,
    not_gevinst: &dyn Fn(&str) -> StoreError,
) -> Result<BackupInfo> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| not_gevinst(&e.to_string()))?;
    if problems != ["ok"] {
        return Err(not_gevinst(&format!(
            "the integrity check failed: {}",
            problems.join("; ")
        )));
    }
    for table in ["_sqlx_migrations"].iter().chain(CORE_TABLES.iter()) {
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await?;
        if found == 0 {
            return Err(not_gevinst(&format!("it has no table {table}")));
        }
    }
    let row = sqlx::query(
        "SELECT count(*) AS n, coalesce(max(version), 0) AS latest, \
         coalesce(sum(success = 0), 0) AS failed FROM _sqlx_migrations",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (n, latest, failed): (i64, i64, i64) = (row.get("n"), row.get("latest"), row.get("failed"));
    if n == 0 || failed > 0 {
        return Err(not_gevinst(
            "its schema migrations are missing or incomplete",
        ));
    }
    let known = sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if latest > known {
        return Err(StoreError::config(format!(
            "the backup was made by a newer gevinst (migration {latest}; this build knows up \
             to {known}); restore it with that version"
        )));
    }
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&mut *conn)
        .await?;
    let audit_entries: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    Ok(BackupInfo {
        migrations: usize::try_from(n).unwrap_or(0),
        latest_migration: latest,
        tenants,
        audit_entries,
    })
}

/// Restores the backup `file` as the SQLite database named by `url`. An existing database
/// is replaced only with `force` (stop the server first: a running server keeps using the
/// old file). The backup is checked first and its schema brought up to date on a copy, so
/// a failure leaves the current database untouched.
pub async fn restore_sqlite(file: &Path, url: &str, force: bool) -> Result<BackupInfo> {
    let info = check_sqlite_backup(file).await?;
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::config(format!("invalid SQLite URL: {e}")))?;
    let target = opts.get_filename().to_owned();
    if target.exists() && !force {
        return Err(StoreError::config(format!(
            "a database exists at {}; stop the server, then run restore again with --force \
             to replace it",
            target.display()
        )));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(|e| {
            StoreError::config(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    let staged = sibling(&target, "restoring");
    for stale in [
        staged.clone(),
        sibling(&staged, "wal"),
        sibling(&staged, "shm"),
    ] {
        let _ = std::fs::remove_file(stale);
    }
    vacuum_into(read_only(file), &staged).await?;
    let migrated = async {
        let store = SqliteStore::open(&sqlite_url(&staged)?).await?;
        store.migrate().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(store.pool())
            .await?;
        store.pool().close().await;
        Ok::<_, StoreError>(())
    }
    .await;
    if let Err(e) = migrated {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    // The old database's write-ahead log must not be replayed onto the restored file.
    for side in ["wal", "shm"] {
        let path = sibling(&target, side);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::config(format!(
                    "cannot remove {}: {e}",
                    path.display()
                )))
            }
        }
    }
    for side in ["wal", "shm"] {
        let _ = std::fs::remove_file(sibling(&staged, side));
    }
    std::fs::rename(&staged, &target).map_err(|e| {
        StoreError::config(format!(
            "cannot move the restored database to {}: {e}",
            target.display()
        ))
    })?;
    Ok(info)
}

/// Options that open a backup file read-only and as immutable: nothing is written beside
/// it (no `-wal` or `-shm` file), whatever its journal mode.
fn read_only(file: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .immutable(true)
}

/// `PATH-SUFFIX` beside `path` (SQLite names its side files `gevinst.db-wal`, `-shm`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-");
    name.push(suffix);
    PathBuf::from(name)
}

/// A `sqlite://` URL for `path`, with the characters that end a URL path escaped.
fn sqlite_url(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| StoreError::config(format!("{} is not a UTF-8 path", path.display())))?;
    Ok(format!(
        "sqlite://{}",
        text.replace('%', "%25")
            .replace('?', "%3F")
            .replace('#', "%23")
    ))
}
