//! `gevinst serve`: open the database, optionally load the demo, and run the web server
//! until Ctrl-C or SIGTERM.

use crate::admin::open_store;
use crate::args::ServeArgs;
use crate::settings::DatabaseSettings;
use anyhow::Context;
use gevinst_app::demo::{load_demo, DemoReport};
use gevinst_web::{AppState, WebSettings};
use std::io::Write;
use tokio::net::TcpListener;

/// Runs the server.
pub async fn run(db: &DatabaseSettings, args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(db).await?;
    tracing::info!(database = %db.redacted_url(), backend = store.backend(), "database ready");
    if args.demo {
        match load_demo(store.as_ref())
            .await
            .context("loading the demo data failed")?
        {
            Some(report) => print_demo(&report),
            None => tracing::info!("the database already holds data; the demo was not loaded"),
        }
    }
    let shutdown = shutdown_signal()?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    // Tests and scripts read this line to find the port when --listen ends in :0.
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    tracing::info!(%addr, "gevinst is listening");

    let settings = WebSettings {
        secure_cookies: args.secure_cookies,
        max_import_bytes: usize::try_from(args.max_import_mb)
            .unwrap_or(50)
            .saturating_mul(1024 * 1024),
        ..WebSettings::default()
    };
    tokio::spawn(purge_periodically(store.clone()));
    gevinst_web::serve(listener, AppState::new(store, settings), shutdown)
        .await
        .context("the web server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Runs the purge of expired sessions, old failed logins and expired import uploads now
/// and then every [`gevinst_app::maintenance::PURGE_EVERY`], for as long as the server
/// runs. With several app servers on one database only one of them runs each purge (see
/// [`gevinst_app::maintenance`]). A failure is logged and retried at the next tick.
async fn purge_periodically(store: gevinst_store::DynStore) {
    let mut tick = tokio::time::interval(gevinst_app::maintenance::PURGE_EVERY);
    loop {
        tick.tick().await;
        match gevinst_app::maintenance::purge_if_due(store.as_ref(), chrono::Utc::now()).await {
            Ok(Some(p)) => tracing::debug!(
                sessions = p.sessions,
                failures = p.failures,
                uploads = p.uploads,
                "purged expired sessions, old failed logins and expired import uploads"
            ),
            Ok(None) => tracing::debug!("the purge ran on another app server"),
            Err(e) => tracing::warn!(error = %e, "the purge failed"),
        }
    }
}

fn print_demo(report: &DemoReport) {
    println!(
        "Demo data loaded: tenant (kommune) \"{}\" with {} potentials.",
        report.tenant_slug, report.potentials
    );
    println!(
        "Demo logins (tenant \"{}\", password \"{}\" for all):",
        report.tenant_slug, report.password
    );
    for (email, role) in &report.logins {
        println!("  {email:<30} {role}");
    }
}

/// Installs the handlers for Ctrl-C (SIGINT) and SIGTERM now, and returns a future that
/// resolves when either arrives. Installing them before the server says it is listening
/// means a signal sent right after start-up shuts down cleanly instead of killing the
/// process.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
