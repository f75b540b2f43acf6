//! `gevinst serve`: open the database, optionally load the demo, and run the web server
//! until Ctrl-C or SIGTERM.

use crate::args::{ComputeArgs, ConnectionArgs, ServeArgs};
use crate::settings::DatabaseSettings;
use crate::store::open_server;
use anyhow::Context;
use gevinst_app::compute::ComputeLimits;
use gevinst_app::App;
use gevinst_demo::DemoReport;
use gevinst_web::server::{default_max_connections, ConnectionLimits};
use gevinst_web::{AppState, WebSettings};
use std::io::Write;
use std::time::Duration;
use tokio::net::TcpListener;

/// Runs the server.
pub async fn run(db: &DatabaseSettings, args: ServeArgs) -> anyhow::Result<()> {
    let compute = compute_limits(&args.compute);
    let (app, demo) = open_server(db, compute, args.demo).await?;
    tracing::info!(database = %db.redacted_url(), backend = app.backend(), "database ready");
    match demo {
        Some(report) => print_demo(&report),
        None if args.demo => {
            tracing::info!("the database already holds data; the demo was not loaded")
        }
        None => {}
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
        trusted_proxies: args.trusted_proxies.0,
        connections: connection_limits(&args.connections),
        ..WebSettings::default()
    };
    tracing::info!(
        connections = ?settings.connections,
        compute = ?app.compute().limits(),
        "limits"
    );
    tokio::spawn(purge_periodically(app.clone()));
    match args.smtp.mailer()? {
        Some(mailer) => {
            tracing::info!(smtp = ?args.smtp.settings()?, "e-mail reminders on");
            tokio::spawn(crate::reminders::send_periodically(
                app.clone(),
                mailer,
                args.smtp.clone(),
            ));
        }
        None => tracing::info!("e-mail reminders off: no SMTP host"),
    }
    gevinst_web::serve(listener, AppState::new(app, settings), shutdown)
        .await
        .context("the web server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// The connection limits the flags ask for (the flags' ranges keep them sensible).
fn connection_limits(args: &ConnectionArgs) -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        max_connections: args
            .max_connections
            .map_or_else(default_max_connections, count),
        max_connections_per_ip: count(args.max_connections_per_ip),
        // The trusted proxies are added by the web layer from its settings.
        uncapped_peers: Vec::new(),
    }
}

/// A count from a flag (range-checked by clap) as a `usize`.
fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The compute limits the flags ask for: by default one simulation per core.
fn compute_limits(args: &ComputeArgs) -> ComputeLimits {
    let mut limits = match args.max_simulations {
        Some(n) => ComputeLimits::with_workers(count(n)),
        None => ComputeLimits::default(),
    };
    limits.per_tenant = count(args.max_simulations_per_tenant);
    limits
}

/// Runs the purge of expired sessions, old failed logins and expired import uploads now
/// and then every [`gevinst_app::maintenance::PURGE_EVERY`], for as long as the server
/// runs. With several app servers on one database only one of them runs each purge (see
/// [`gevinst_app::maintenance`]). A failure is logged and retried at the next tick.
async fn purge_periodically(app: App) {
    let mut tick = tokio::time::interval(gevinst_app::maintenance::PURGE_EVERY);
    loop {
        tick.tick().await;
        match app.maintenance().purge_if_due(chrono::Utc::now()).await {
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
