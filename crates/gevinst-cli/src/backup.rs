//! `gevinst backup OUT` and `gevinst restore IN`.
//!
//! SQLite is copied with `VACUUM INTO`, consistently and while the server runs; restore
//! checks the file before it touches the database (see `gevinst_store::backup`).
//! PostgreSQL is backed up with `pg_dump` and restored with `pg_restore`: the commands say
//! so and fail, rather than half-doing a job those tools do well.

use crate::args::RestoreArgs;
use crate::settings::DatabaseSettings;
use crate::store::{backup_sqlite, restore_sqlite};
use anyhow::{bail, Context};
use std::path::Path;

/// The advice for a PostgreSQL database.
const POSTGRES_ADVICE: &str = "gevinst backup and restore handle SQLite only. Back up PostgreSQL \
with its own tools, e.g. `pg_dump --format=custom --file=gevinst.dump \"$GEVINST_DATABASE_URL\"`, \
and restore with `pg_restore --clean --if-exists --no-owner --dbname=\"$GEVINST_DATABASE_URL\" \
gevinst.dump` (see docs/deployment.md, Backups)";

/// `gevinst backup OUT`.
pub async fn backup(db: &DatabaseSettings, out: &Path) -> anyhow::Result<()> {
    if !db.is_sqlite() {
        bail!("{POSTGRES_ADVICE}");
    }
    let bytes = backup_sqlite(db.url(), out)
        .await
        .with_context(|| format!("the backup of {} failed", db.redacted_url()))?;
    println!(
        "backup written to {} ({bytes} bytes, readable by you only)",
        out.display()
    );
    Ok(())
}

/// `gevinst restore IN`.
pub async fn restore(db: &DatabaseSettings, args: RestoreArgs) -> anyhow::Result<()> {
    if !db.is_sqlite() {
        bail!("{POSTGRES_ADVICE}");
    }
    let info = restore_sqlite(&args.backup, db.url(), args.force)
        .await
        .with_context(|| format!("restoring {} failed", args.backup.display()))?;
    println!(
        "restored {} to {}: {} tenant(s), {} audit entries, schema migration {}",
        args.backup.display(),
        db.redacted_url(),
        info.tenants,
        info.audit_entries,
        info.latest_migration
    );
    Ok(())
}
