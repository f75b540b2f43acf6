//! The one place the CLI touches `gevinst-store`: it opens the database and hands it to
//! the [`App`], and it runs the few jobs that are the database's own (migrations with
//! their grants, SQLite backup and restore, masking a URL). Every other command goes
//! through the app's use cases, as the web UI does.

use crate::settings::DatabaseSettings;
use anyhow::Context;
use gevinst_app::App;
use gevinst_demo::{load_demo, DemoReport};

pub use gevinst_store::backup::{backup_sqlite, restore_sqlite};
pub use gevinst_store::redact_url;

/// Opens the database (creating the data directory if needed), runs the pending
/// migrations and hands it to the app. Changes are recorded as the system's; see
/// [`open_operator_app`] for the operator's commands.
pub async fn open_app(db: &DatabaseSettings) -> anyhow::Result<App> {
    Ok(App::new(connect(db).await?))
}

/// The actor of the demo data's audit entries.
const DEMO_OPERATOR: &str = "system:demo";

/// Opens the database for `gevinst serve`: the app with the server's `compute` limits, and,
/// when `demo` is asked for, the demo data loaded first (recorded as `system:demo`); the
/// report is `None` when the database already held data.
pub async fn open_server(
    db: &DatabaseSettings,
    compute: gevinst_app::compute::ComputeLimits,
    demo: bool,
) -> anyhow::Result<(App, Option<DemoReport>)> {
    let store = connect(db).await?;
    let report = if demo {
        load_demo(store.acting_as(DEMO_OPERATOR).as_ref())
            .await
            .context("loading the demo data failed")?
    } else {
        None
    };
    Ok((App::with_compute_limits(store, compute), report))
}

/// [`open_app`], recording every change as made by the operator at this shell,
/// `cli:USER@HOST` (see [`operator`]).
pub async fn open_operator_app(db: &DatabaseSettings) -> anyhow::Result<App> {
    Ok(App::new(connect(db).await?.acting_as(&operator())))
}

async fn connect(db: &DatabaseSettings) -> anyhow::Result<gevinst_store::DynStore> {
    if let Some(dir) = db.data_dir() {
        gevinst_store::sqlite::create_private_dir(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    gevinst_store::connect(db.url(), true)
        .await
        .with_context(|| format!("cannot open the database {}", db.redacted_url()))
}

/// Grants a PostgreSQL role what the app needs (audit log: SELECT and INSERT only; no DDL).
pub async fn grant_app_role(db: &DatabaseSettings, role: &str) -> anyhow::Result<()> {
    gevinst_store::postgres::grant_app_role(db.url(), role)
        .await
        .with_context(|| format!("cannot grant the app role {role:?} its rights"))
}

/// Who runs this command, for the audit log: `cli:USER@HOST`, with the OS account the
/// process runs as (like `id -un`, not the spoofable `$USER`) and, under sudo, the
/// account that called sudo.
pub fn operator() -> String {
    let account = whoami::fallible::username().unwrap_or_else(|_| "unknown".to_owned());
    let user = match std::env::var("SUDO_USER") {
        Ok(by) if !by.is_empty() && by != account => format!("{account} (sudo {by})"),
        _ => account,
    };
    let host = whoami::fallible::hostname().unwrap_or_else(|_| "unknown".to_owned());
    gevinst_domain::audit::cli_actor(&user, &host)
}
