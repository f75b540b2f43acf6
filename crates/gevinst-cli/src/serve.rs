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
        ..WebSettings::default()
    };
    gevinst_web::serve(listener, AppState::new(store, settings), shutdown_signal())
        .await
        .context("the web server failed")?;
    tracing::info!("stopped");
    Ok(())
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

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
