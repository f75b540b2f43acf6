//! The raw command line, as clap parses it. Nothing here is validated beyond its type;
//! [`crate::settings`] turns the database options into checked settings.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// gevinst: the register of a municipality's digitalisation potentials and their benefits.
///
/// Every command takes --data-dir or --database-url (or GEVINST_DATA_DIR / GEVINST_DATABASE_URL)
/// and runs the database migrations first.
#[derive(Debug, Parser)]
#[command(name = "gevinst", version, propagate_version = true)]
pub struct Cli {
    /// Where the data lives (shared by every command).
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The database options every command accepts. Give at most one of them.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Directory for the embedded SQLite database (`DIR/gevinst.db`). Default: ./data
    #[arg(long, global = true, env = "GEVINST_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL instead of a data directory: `sqlite:PATH` or `postgres://USER:PASSWORD@HOST/DB`
    #[arg(
        long,
        global = true,
        env = "GEVINST_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (UI and JSON API). Runs the migrations first.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit. Run it as the schema owner.
    Migrate(MigrateArgs),
    /// Manage tenants (municipalities).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage a tenant's users.
    #[command(subcommand)]
    User(UserCommand),
    /// Show a tenant's organisation (unit ids for `user add --unit`).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Export a tenant's potentials, business cases and key figures to .xlsx or CSV.
    Export(ExportArgs),
    /// Import potentials (and rough business cases) from .xlsx, .xls, .ods or CSV.
    Import(ImportArgs),
    /// Check the tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// Options of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// PostgreSQL only: after migrating, grant this (separate, existing) role exactly what
    /// `gevinst serve` and the other commands need, and no more: SELECT and INSERT on the
    /// audit log (no UPDATE, DELETE or TRUNCATE), no DDL. Run again after every upgrade.
    #[arg(long, value_name = "ROLE")]
    pub grant_to: Option<String>,
}

/// `audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify each tenant's audit hash chain. Prints one line per tenant: `OK` with the
    /// number of entries and the head hash, or the first broken link. Exits with 1 when
    /// any chain is broken.
    Verify {
        /// Only this tenant (slug). Default: every tenant.
        #[arg(long)]
        tenant: Option<String>,
    },
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Port 0 picks a free port; the bound address is
    /// printed as `listening on http://ADDR`.
    #[arg(
        long,
        env = "GEVINST_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR:PORT"
    )]
    pub listen: SocketAddr,
    /// On an empty database, create the demo tenant `eksempel` with users and potentials,
    /// and print the demo logins. A database with data is left unchanged.
    #[arg(long)]
    pub demo: bool,
    /// Mark session cookies `Secure` (when served over HTTPS or behind a TLS proxy).
    #[arg(long, env = "GEVINST_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Largest spreadsheet the web UI's import accepts, in MB (1–1024).
    #[arg(
        long,
        env = "GEVINST_MAX_IMPORT_MB",
        default_value_t = 50,
        value_name = "MB",
        value_parser = clap::value_parser!(u32).range(1..=1024)
    )]
    pub max_import_mb: u32,
}

/// `tenant …`
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant with the default fagområder and technology types.
    Add {
        /// Short name used at login, e.g. `kalundborg`: 2–40 characters a–z, 0–9 and '-'.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Kalundborg Kommune".
        #[arg(long)]
        name: String,
    },
    /// List all tenants.
    List,
}

/// `user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from standard input.
    Add {
        /// Slug of the tenant.
        #[arg(long)]
        tenant: String,
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// admin, portefoljeleder, digital_agent, leder or laeser.
        #[arg(long)]
        role: String,
        /// Id of a unit the user is assigned to (digital agents and ledere); repeatable.
        /// See `gevinst unit list`.
        #[arg(long = "unit", value_name = "ID")]
        units: Vec<i64>,
        /// Read the password (10–200 characters) from standard input, e.g.
        /// `printf '%s' "$PW" | gevinst user add … --password-stdin`.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List a tenant's users.
    List {
        /// Slug of the tenant.
        #[arg(long)]
        tenant: String,
    },
}

/// `unit …`
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// List a tenant's units with their ids.
    List {
        /// Slug of the tenant.
        #[arg(long)]
        tenant: String,
    },
}

/// `token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for the JSON API and print it (only the token, on stdout).
    /// It is shown once; the database stores only its hash.
    Create {
        /// Slug of the tenant.
        #[arg(long)]
        tenant: String,
        /// E-mail of the user the token acts as.
        #[arg(long)]
        email: String,
        /// A label for the token, shown in the user's token list.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// The file format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// An .xlsx workbook: Potentialer, Business cases, Risici and Nøgletal.
    Xlsx,
    /// The Potentialer sheet as `;`-separated UTF-8 CSV (with BOM, for Danish Excel).
    Csv,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Slug of the tenant.
    #[arg(long)]
    pub tenant: String,
    /// File format. Default: csv when OUT ends in .csv or is `-`, else xlsx.
    #[arg(long, value_enum)]
    pub format: Option<ExportFormatArg>,
    /// Also simulate every business case with this many iterations (1-1,000,000) and add
    /// the NPV percentiles P10/P50/P90 to the Nøgletal sheet.
    #[arg(long, value_name = "ITERATIONS")]
    pub simulate: Option<u32>,
    /// Seed of the simulations (the same seed gives the same percentiles).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The file to write (replaced if it exists), or `-` for standard output (CSV only).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Slug of the tenant.
    #[arg(long)]
    pub tenant: String,
    /// The sheet to read. Default: the first visible sheet (a gevinst export is always
    /// read from its Potentialer, Business cases and Risici sheets).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// A saved column mapping (JSON, as the web UI saves it). Default: suggested from the
    /// header texts.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Only print the preview; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even when other rows have errors (those are skipped).
    #[arg(long)]
    pub only_valid: bool,
    /// Create units, fagområder and technology types the file names but the tenant lacks.
    #[arg(long)]
    pub create_missing: bool,
    /// Replace CPR-like numbers in every row by XXXXXX-XXXX instead of refusing the rows.
    #[arg(long)]
    pub mask_cpr: bool,
    /// Also write the rows with errors, duplicates or warnings to this .xlsx file.
    #[arg(long, value_name = "FILE")]
    pub error_report: Option<PathBuf>,
    /// The file to import.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_subcommand() {
        let cli =
            Cli::try_parse_from(["gevinst", "tenant", "list", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(cli.database.data_dir, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn the_import_size_limit_is_50_mb_unless_set() {
        let limit = |args: &[&str]| match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Command::Serve(s)) => Ok(s.max_import_mb),
            Ok(_) => Err("not serve".to_owned()),
            Err(e) => Err(e.kind().to_string()),
        };
        assert_eq!(limit(&["gevinst", "serve"]), Ok(50));
        assert_eq!(
            limit(&["gevinst", "serve", "--max-import-mb", "10"]),
            Ok(10)
        );
        assert!(limit(&["gevinst", "serve", "--max-import-mb", "0"]).is_err());
    }

    #[test]
    fn password_stdin_is_required() {
        let r = Cli::try_parse_from([
            "gevinst", "user", "add", "--tenant", "t", "--email", "a@b.dk", "--name", "A",
            "--role", "leder",
        ]);
        assert!(r.is_err());
    }
}
