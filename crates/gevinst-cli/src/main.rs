//! The `gevinst` binary: serve the web app and administer an installation from the shell.
//!
//! Every command takes the same database options (`--data-dir` or `--database-url`, or
//! their environment variables) and runs the migrations before it starts. Errors are one
//! line on stderr and exit code 1; usage errors exit with 2 (clap's convention).

mod admin;
mod args;
mod audit;
mod backup;
mod export;
mod import;
mod import_setup;
mod reminders;
mod serve;
mod settings;
mod store;

use args::{Cli, Command};
use clap::Parser;
use settings::DatabaseSettings;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries command output such as a token); `RUST_LOG`
/// overrides the default level `info`.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let db = DatabaseSettings::from_args(&cli.database)?;
    tracing::debug!(?db, "database settings");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&db, args).await,
            Command::Migrate(args) => admin::migrate(&db, args).await,
            Command::Tenant(cmd) => admin::tenant(&db, cmd).await,
            Command::User(cmd) => admin::user(&db, cmd).await,
            Command::Unit(cmd) => admin::unit(&db, cmd).await,
            Command::Token(cmd) => admin::token(&db, cmd).await,
            Command::Export(args) => export::run(&db, args).await,
            Command::Import(args) => import::run(&db, args).await,
            Command::Backup { out } => backup::backup(&db, &out).await,
            Command::Restore(args) => backup::restore(&db, args).await,
            Command::Audit(cmd) => audit::run(&db, cmd).await,
            Command::Reminders(cmd) => reminders::run(&db, cmd).await,
        }
    })
}
