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
    /// Write a consistent copy of the SQLite database to OUT (safe while the server runs).
    /// PostgreSQL: use pg_dump.
    Backup {
        /// The new backup file (must not exist); created readable by you only.
        #[arg(value_name = "OUT")]
        out: PathBuf,
    },
    /// Replace the SQLite database with a backup, after checking it. Stop the server
    /// first. PostgreSQL: use pg_restore.
    Restore(RestoreArgs),
    /// Check the tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// E-mail reminders of due and overdue measurements.
    #[command(subcommand)]
    Reminders(ReminderCommand),
}

/// `gevinst reminders …`.
#[derive(Debug, Subcommand)]
pub enum ReminderCommand {
    /// Send this week's digest to every benefit owner with due or overdue measurements
    /// (the same as the server's background task; a digest is sent once per week).
    Send {
        /// Print who would get which digest; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// The SMTP server.
        #[command(flatten)]
        smtp: SmtpArgs,
    },
}

/// The SMTP server for e-mail reminders. Without a host, `serve` sends none.
#[derive(Debug, Clone, Args)]
pub struct SmtpArgs {
    /// SMTP server host.
    #[arg(long, env = "GEVINST_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// SMTP server port (default: 25, 587 or 465 by --smtp-tls).
    #[arg(long, env = "GEVINST_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// The sender, e.g. `gevinst <gevinst@kommune.dk>`.
    #[arg(long, env = "GEVINST_SMTP_FROM", value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// `none`, `starttls` (default) or `tls`.
    #[arg(
        long,
        env = "GEVINST_SMTP_TLS",
        default_value = "starttls",
        value_name = "MODE"
    )]
    pub smtp_tls: String,
    /// SMTP login user name (with --smtp-password).
    #[arg(long, env = "GEVINST_SMTP_USER", value_name = "USER")]
    pub smtp_user: Option<String>,
    /// SMTP login password (prefer the environment variable).
    #[arg(
        long,
        env = "GEVINST_SMTP_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
    /// The address users reach gevinst at, for the link in the mail.
    #[arg(
        long,
        env = "GEVINST_PUBLIC_URL",
        default_value = "http://localhost:8080",
        value_name = "URL"
    )]
    pub public_url: String,
}

/// Options of `restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Replace an existing database (stop the server first).
    #[arg(long)]
    pub force: bool,
    /// The backup to restore (a file written by `gevinst backup`).
    #[arg(value_name = "IN")]
    pub backup: PathBuf,
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
    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose `Forwarded` or
    /// `X-Forwarded-For` header names the real client, for login throttling and the audit
    /// log. Headers from any other address are ignored.
    #[arg(
        long,
        env = "GEVINST_TRUSTED_PROXIES",
        value_name = "ADDR[/BITS],…",
        value_parser = parse_proxies,
        default_value = ""
    )]
    pub trusted_proxies: Proxies,
    /// Connection timeouts and caps.
    #[command(flatten)]
    pub connections: ConnectionArgs,
    /// E-mail reminders (sent weekly by a background task when a host is given).
    #[command(flatten)]
    pub smtp: SmtpArgs,
    /// Caps on simulations and forecasts.
    #[command(flatten)]
    pub compute: ComputeArgs,
}

/// The parsed `--trusted-proxies` list.
#[derive(Debug, Clone, Default)]
pub struct Proxies(pub Vec<gevinst_web::IpNet>);

fn parse_proxies(text: &str) -> Result<Proxies, String> {
    gevinst_web::client_addr::parse_trusted_proxies(text).map(Proxies)
}

/// Timeouts and caps on the connections `serve` accepts.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Seconds a client has to send a request's headers (1–300).
    #[arg(
        long,
        env = "GEVINST_HEADER_TIMEOUT",
        default_value_t = 10,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=300)
    )]
    pub header_timeout: u64,
    /// Seconds a client has to send a request's body, after its headers (1–3600).
    #[arg(
        long,
        env = "GEVINST_BODY_TIMEOUT",
        default_value_t = 60,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub body_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request, and a response for
    /// its client to read on (1–3600).
    #[arg(
        long,
        env = "GEVINST_IDLE_TIMEOUT",
        default_value_t = 60,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub idle_timeout: u64,
    /// Most open connections in all (16–1,000,000). Default: the process's
    /// file-descriptor limit (`ulimit -n`) less 128.
    #[arg(
        long,
        env = "GEVINST_MAX_CONNECTIONS",
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(16..=1_000_000)
    )]
    pub max_connections: Option<u64>,
    /// Most open connections from one client address (1–1,000,000).
    #[arg(
        long,
        env = "GEVINST_MAX_CONNECTIONS_PER_IP",
        default_value_t = 100,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=1_000_000)
    )]
    pub max_connections_per_ip: u64,
}

/// Caps on the CPU-heavy simulations and forecasts.
#[derive(Debug, Args)]
pub struct ComputeArgs {
    /// Simulations and forecasts running at once in all (1–256). Default: the number of
    /// CPU cores.
    #[arg(
        long,
        env = "GEVINST_MAX_SIMULATIONS",
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=256)
    )]
    pub max_simulations: Option<u64>,
    /// Simulations and forecasts one tenant may have running or waiting at once (1–256).
    #[arg(
        long,
        env = "GEVINST_MAX_SIMULATIONS_PER_TENANT",
        default_value_t = 4,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=256)
    )]
    pub max_simulations_per_tenant: u64,
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
        /// Days until the token stops working (1-730). Without it the token lives until it
        /// is revoked.
        #[arg(long, value_name = "DAYS")]
        expires_days: Option<u32>,
    },
}

/// The file format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// An .xlsx workbook: Potentialer, Business cases, Risici and Nøgletal.
    Xlsx,
    /// The Potentialer sheet as `;`-separated UTF-8 CSV (with BOM, for Danish Excel), then
    /// the business cases and risks in sections, which `import` reads back.
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
    /// A saved column mapping: a JSON file in the format the web saves mappings in, or the
    /// name of a mapping saved in the web (with the value decisions saved with it).
    /// Default: suggested from the header texts.
    #[arg(long, value_name = "FILE|NAME")]
    pub mapping: Option<PathBuf>,
    /// Value decisions, a JSON file in the format of saved mappings, e.g.
    /// {"values":[{"kind":"status","raw":"godkendt","choice":{"choice":"existing","name":"Besluttet"}}]}.
    /// kind: unit, fagomraade, status or technology; choice: existing (with name), create
    /// (with parent: a unit id or null) or skip. They win over --mapping's decisions.
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// Take the suggestions the web's values page pre-selects for values not decided
    /// otherwise: status words ("BC", "godkendt", "på hold" …) and the closest existing
    /// unit, fagområde or technology.
    #[arg(long)]
    pub accept_suggestions: bool,
    /// Print, before the counts, which column went to which field and which value was
    /// mapped to what, and why.
    #[arg(long)]
    pub show_mapping: bool,
    /// Only print the preview; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even when other rows have errors (those are skipped).
    #[arg(long)]
    pub only_valid: bool,
    /// Create units, fagområder and technology types the file names but the tenant lacks,
    /// when nothing similar exists; a name with one clear similar match is read as that one.
    #[arg(long)]
    pub create_missing: bool,
    /// Replace CPR-like numbers in every row by XXXXXX-XXXX instead of refusing the rows.
    #[arg(long)]
    pub mask_cpr: bool,
    /// Import possible duplicates (rows with the title and unit of another row or
    /// potential under another external id) as new potentials instead of skipping them.
    #[arg(long)]
    pub keep_duplicates: bool,
    /// The reason for rows whose status needs one (afvist, parkeret, besluttet without a
    /// business case) and whose file gives none. Without TEXT: "Importeret fra regneark
    /// uden begrundelse". Give TEXT with `=`: `--default-reason="Lukket i 2024"`.
    #[arg(
        long,
        value_name = "TEXT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = gevinst_app::import::DEFAULT_REASON
    )]
    pub default_reason: Option<String>,
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
    fn connection_and_compute_limits_have_defaults_and_ranges() {
        let serve = |args: &[&str]| match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Command::Serve(s)) => Ok(s),
            Ok(_) => Err("not serve".to_owned()),
            Err(e) => Err(e.kind().to_string()),
        };
        let s = serve(&["gevinst", "serve"]).unwrap();
        let c = &s.connections;
        assert_eq!(
            (c.header_timeout, c.body_timeout, c.idle_timeout),
            (10, 60, 60)
        );
        assert_eq!((c.max_connections, c.max_connections_per_ip), (None, 100));
        assert_eq!(s.compute.max_simulations, None);
        assert_eq!(s.compute.max_simulations_per_tenant, 4);
        let s = serve(&[
            "gevinst",
            "serve",
            "--header-timeout",
            "2",
            "--max-connections",
            "500",
            "--max-simulations",
            "1",
        ])
        .unwrap();
        assert_eq!(s.connections.header_timeout, 2);
        assert_eq!(s.connections.max_connections, Some(500));
        assert_eq!(s.compute.max_simulations, Some(1));
        for bad in [
            ["--header-timeout", "0"],
            ["--header-timeout", "301"],
            ["--max-connections", "15"],
            ["--max-connections-per-ip", "0"],
            ["--max-simulations", "0"],
            ["--max-simulations-per-tenant", "257"],
        ] {
            let args = ["gevinst", "serve", bad[0], bad[1]];
            assert!(serve(&args).is_err(), "{bad:?}");
        }
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
