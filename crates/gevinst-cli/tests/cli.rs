//! Runs the built `gevinst` binary against a temporary data directory.
//!
//! PostgreSQL: with `GEVINST_TEST_POSTGRES_URL` set, the admin flow also runs against that
//! server; without it the test is skipped, unless `GEVINST_REQUIRE_POSTGRES=1` makes it fail.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "shared/listening.rs"]
mod listening;

const BIN: &str = env!("CARGO_BIN_EXE_gevinst");

/// A command with a clean environment: no inherited gevinst settings, quiet logs.
fn gevinst() -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "GEVINST_DATA_DIR",
        "GEVINST_DATABASE_URL",
        "GEVINST_LISTEN",
        "GEVINST_SECURE_COOKIES",
    ] {
        c.env_remove(var);
    }
    c.env("RUST_LOG", "warn");
    c
}

/// Where the commands point: a data directory or a database URL.
enum Db {
    Dir(tempfile::TempDir),
    Url(String),
}

impl Db {
    fn temp() -> Db {
        Db::Dir(tempfile::tempdir().expect("temp dir"))
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = gevinst();
        c.args(args);
        match self {
            Db::Dir(d) => c.arg("--data-dir").arg(d.path()),
            Db::Url(u) => c.arg("--database-url").arg(u),
        };
        c
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = self.cmd(args);
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn gevinst");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            // The command may exit before reading (e.g. a bad role); that is not a test failure.
            let _ = pipe.write_all(s.as_bytes());
        }
        drop(pipe);
        child.wait_with_output().expect("wait for gevinst")
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_with_stdin(args, None)
    }

    fn ok_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run_with_stdin(args, stdin);
        assert!(
            out.status.success(),
            "gevinst {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs a command that must fail with `code` and mention `needle` on stderr.
    fn fails(&self, args: &[&str], stdin: Option<&str>, code: i32, needle: &str) {
        let out = self.run_with_stdin(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "gevinst {args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "gevinst {args:?}: expected {needle:?} in {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

fn admin_flow(db: &Db, slug: &str) {
    let out = db.ok(&["tenant", "add", "--slug", slug, "--name", "Testby Kommune"]);
    assert!(out.contains(slug), "{out}");
    assert!(db.ok(&["tenant", "list"]).contains("Testby Kommune"));

    let out = db.ok_with_stdin(
        &[
            "user",
            "add",
            "--tenant",
            slug,
            "--email",
            "Anna@Testby.dk",
            "--name",
            "Anna Andersen",
            "--role",
            "porteføljeleder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
    );
    assert!(out.contains("anna@testby.dk"), "{out}");
    let users = db.ok(&["user", "list", "--tenant", slug]);
    assert!(
        users.contains("anna@testby.dk") && users.contains("portefoljeleder"),
        "{users}"
    );

    let token = db.ok(&[
        "token",
        "create",
        "--tenant",
        slug,
        "--email",
        "anna@testby.dk",
        "--name",
        "rapporter",
    ]);
    let lines: Vec<&str> = token.lines().collect();
    assert_eq!(lines.len(), 1, "only the token is printed: {token:?}");
    assert!(
        lines[0].starts_with("gvt_") && lines[0].len() == 68,
        "{token:?}"
    );
    let second = db.ok(&[
        "token",
        "create",
        "--tenant",
        slug,
        "--email",
        "anna@testby.dk",
    ]);
    assert_ne!(token, second);

    // A duplicate user or tenant is a clear error.
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            slug,
            "--email",
            "anna@testby.dk",
            "--name",
            "Anna",
            "--role",
            "leder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode"),
        1,
        "already exists",
    );
    db.fails(
        &["tenant", "add", "--slug", slug, "--name", "Igen"],
        None,
        1,
        "already exists",
    );
}

#[test]
fn tenant_user_and_token_on_sqlite() {
    let db = Db::temp();
    admin_flow(&db, "testby");
    let Db::Dir(dir) = &db else { unreachable!() };
    assert!(dir.path().join("gevinst.db").exists());
}

/// A fresh PostgreSQL database on the server of `GEVINST_TEST_POSTGRES_URL`, dropped on
/// drop; `None` (skip) without a server unless `CI` or `GEVINST_REQUIRE_POSTGRES=1`.
struct PgDb {
    admin_url: String,
    url: String,
    runtime: tokio::runtime::Runtime,
}

impl PgDb {
    fn create() -> Option<PgDb> {
        let admin_url = match std::env::var("GEVINST_TEST_POSTGRES_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty());
                let forced = std::env::var("GEVINST_REQUIRE_POSTGRES").as_deref() == Ok("1");
                assert!(
                    !(ci || forced),
                    "PostgreSQL tests are required but GEVINST_TEST_POSTGRES_URL is not set"
                );
                eprintln!("skipped: GEVINST_TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let url = runtime
            .block_on(gevinst_store::postgres::create_test_database(&admin_url))
            .expect("create a PostgreSQL test database");
        Some(PgDb {
            admin_url,
            url,
            runtime,
        })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = self
            .runtime
            .block_on(gevinst_store::postgres::drop_test_database(
                &self.admin_url,
                &self.url,
            ));
    }
}

#[test]
fn tenant_user_and_token_on_postgres() {
    let Some(pg) = PgDb::create() else { return };
    let db = Db::Url(pg.url.clone());
    let out = db.ok(&["migrate"]);
    assert!(
        out.contains("postgres") && !out.contains(":gevinst@"),
        "password shown: {out}"
    );
    admin_flow(&db, "testby");
}

#[test]
fn serve_demo_on_postgres() {
    let Some(pg) = PgDb::create() else { return };
    let db = Db::Url(pg.url.clone());
    let server = Server::start(&db, &["--demo"]);
    assert!(server
        .stdout_before_listening
        .join("\n")
        .contains("331 potentials"));
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    server.stop();
    assert_eq!(
        db.ok(&["user", "list", "--tenant", "eksempel"])
            .lines()
            .count(),
        5
    );
}

#[test]
fn bad_input_gives_a_clear_error() {
    let db = Db::temp();
    db.ok(&[
        "tenant",
        "add",
        "--slug",
        "testby",
        "--name",
        "Testby Kommune",
    ]);
    let add_user = |role: &str, tenant: &str| {
        vec![
            "user",
            "add",
            "--tenant",
            tenant,
            "--email",
            "bo@testby.dk",
            "--name",
            "Bo",
            "--role",
            role,
            "--password-stdin",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<String>>()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    db.fails(
        &["tenant", "add", "--slug", "Ikke Gyldig!", "--name", "X"],
        None,
        1,
        "invalid slug",
    );
    db.fails(
        &["tenant", "add", "--slug", "ok-slug", "--name", "  "],
        None,
        1,
        "invalid tenant name",
    );
    db.fails(
        &args(&add_user("chef", "testby")),
        Some("en-lang-adgangskode\n"),
        1,
        "unknown role \"chef\"",
    );
    db.fails(
        &args(&add_user("leder", "testby")),
        Some("kort\n"),
        1,
        "must be 10-200 characters",
    );
    db.fails(
        &args(&add_user("leder", "testby")),
        Some(""),
        1,
        "no password on standard input",
    );
    db.fails(
        &args(&add_user("leder", "ukendt")),
        Some("en-lang-adgangskode\n"),
        1,
        "unknown tenant \"ukendt\"",
    );
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            "testby",
            "--email",
            "ikke-en-mail",
            "--name",
            "Bo",
            "--role",
            "leder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
        1,
        "invalid e-mail address",
    );
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            "testby",
            "--email",
            "bo@testby.dk",
            "--name",
            "Bo",
            "--role",
            "leder",
            "--unit",
            "999",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
        1,
        "unknown unit id",
    );
    db.fails(
        &[
            "token",
            "create",
            "--tenant",
            "testby",
            "--email",
            "nobody@testby.dk",
        ],
        None,
        1,
        "no user with the e-mail",
    );
    db.fails(
        &["user", "list", "--tenant", "ukendt"],
        None,
        1,
        "unknown tenant",
    );

    // Usage errors are clap's: exit code 2.
    db.fails(
        &[
            "user", "add", "--tenant", "testby", "--email", "a@b.dk", "--name", "A", "--role",
            "leder",
        ],
        None,
        2,
        "--password-stdin",
    );
    db.fails(
        &["serve", "--listen", "not-an-address"],
        None,
        2,
        "invalid value",
    );
    db.fails(&["frobnicate"], None, 2, "unrecognized subcommand");

    // Database options.
    let out = gevinst()
        .args([
            "migrate",
            "--data-dir",
            "/tmp/x",
            "--database-url",
            "sqlite:/tmp/x.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not both"));
    let out = gevinst()
        .args([
            "migrate",
            "--database-url",
            "mysql://root:hemmelig@localhost/db",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unsupported --database-url") && !stderr.contains("hemmelig"),
        "{stderr}"
    );
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["tenant", "add", "--help"],
        vec!["tenant", "list", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["unit", "list", "--help"],
        vec!["token", "create", "--help"],
    ] {
        let out = gevinst().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Usage:") && text.contains("--data-dir"),
            "{args:?}: {text}"
        );
    }
}

/// A running `gevinst serve` that is stopped with SIGTERM (or killed) when dropped.
struct Server {
    child: Child,
    addr: String,
    stdout_before_listening: Vec<String>,
}

impl Server {
    fn start(db: &Db, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let started = listening::spawn_listening(db.cmd(&args));
        Server {
            child: started.child,
            addr: started.addr,
            stdout_before_listening: started.printed_before,
        }
    }

    fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).expect("read response");
        response
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(sent, "could not send SIGTERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "gevinst serve exited with {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "gevinst serve did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn serve_demo_answers_healthz_and_loads_the_demo_once() {
    let db = Db::temp();
    let server = Server::start(&db, &["--demo"]);
    let printed = server.stdout_before_listening.join("\n");
    for login in [
        "admin@eksempel.dk",
        "portefoljeleder@eksempel.dk",
        "digitalagent@eksempel.dk",
        "leder@eksempel.dk",
        "laeser@eksempel.dk",
        "demo-gevinst-2024",
        "331 potentials",
    ] {
        assert!(printed.contains(login), "{login} missing from {printed}");
    }
    let response = server.get("/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    server.stop();

    // The second start finds data and changes nothing.
    let server = Server::start(&db, &["--demo"]);
    assert!(
        server
            .stdout_before_listening
            .iter()
            .all(|l| !l.contains("Demo data loaded")),
        "{:?}",
        server.stdout_before_listening
    );
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    server.stop();

    assert_eq!(
        db.ok(&["user", "list", "--tenant", "eksempel"])
            .lines()
            .count(),
        5
    );
    let units = db.ok(&["unit", "list", "--tenant", "eksempel"]);
    assert!(
        units.contains("Hjemmeplejen Nord") && units.contains("Jobcenter"),
        "{units}"
    );
    let token = db.ok(&[
        "token",
        "create",
        "--tenant",
        "eksempel",
        "--email",
        "admin@eksempel.dk",
    ]);
    assert!(token.starts_with("gvt_"));
}

#[test]
fn migrate_creates_the_database() {
    let db = Db::temp();
    let out = db.ok(&["migrate"]);
    assert!(
        out.contains("up to date") && out.contains("sqlite"),
        "{out}"
    );
    let Db::Dir(dir) = &db else { unreachable!() };
    assert!(dir.path().join("gevinst.db").exists());
    // Running it again is harmless.
    db.ok(&["migrate"]);
}

/// The cells of one sheet of an .xlsx file, as calamine reads them.
fn xlsx_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("open the export");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn cell_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn export_writes_xlsx_and_csv() {
    let db = Db::temp();
    // The demo loads only into an empty database, so it comes first.
    let server = Server::start(&db, &["--demo"]);
    server.stop();
    db.ok(&["tenant", "add", "--slug", "tom", "--name", "Tom Kommune"]);

    // An empty tenant: CSV on stdout is the byte-order mark and the header alone.
    let out = db.run_with_stdin(&["export", "--tenant", "tom", "-"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let header = "Id;Titel;Beskrivelse;Status;Enhed;Enhedssti;Fagområde;Teknologi;Kilde;\
Gevinstejer;Gevinstejer e-mail;Digital agent;Digital agent e-mail;Indsendt af;\
Indsendt af e-mail;Tags;Oprettet;Ændret;Version;Startår;Horisont (år);Diskonteringsrente\r\n";
    let mut want = b"\xEF\xBB\xBF".to_vec();
    want.extend_from_slice(header.as_bytes());
    assert_eq!(out.stdout, want);

    // Bad input is a clear error, never a panic.
    db.fails(
        &["export", "--tenant", "ingen", "-"],
        None,
        1,
        "unknown tenant \"ingen\"",
    );
    db.fails(
        &["export", "--tenant", "tom", "--format", "xlsx", "-"],
        None,
        1,
        "cannot go to standard output",
    );
    db.fails(
        &["export", "--tenant", "tom", "--format", "ods", "x.ods"],
        None,
        2,
        "invalid value 'ods'",
    );
    db.fails(
        &["export", "--tenant", "tom", "--simulate", "0", "x.xlsx"],
        None,
        1,
        "--simulate must be 1-1000000",
    );

    // The demo tenant: 331 potentials, with business cases, simulated.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("portefølje.xlsx");
    let out = db.run_with_stdin(
        &[
            "export",
            "--tenant",
            "eksempel",
            "--simulate",
            "200",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("exported 331 potentials of eksempel"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let potentials = xlsx_rows(&xlsx, "Potentialer");
    assert_eq!(potentials.len(), 1 + 331);
    assert_eq!(cell_text(&potentials[0][0]), "Id");
    assert_eq!(cell_text(&potentials[0][1]), "Titel");
    // Sorted by id.
    let ids: Vec<f64> = potentials[1..]
        .iter()
        .map(|r| match r[0] {
            calamine::Data::Float(x) => x,
            ref other => panic!("id is not a number: {other:?}"),
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let lines = xlsx_rows(&xlsx, "Business cases");
    assert_eq!(cell_text(&lines[0][0]), "Potentiale-id");
    assert!(lines.len() > 1, "the demo has business cases");
    for row in &lines[1..] {
        assert!(ids.contains(&match row[0] {
            calamine::Data::Float(x) => x,
            ref other => panic!("{other:?}"),
        }));
    }
    let keys = xlsx_rows(&xlsx, "Nøgletal");
    assert!(keys.len() > 1);
    assert_eq!(cell_text(&keys[0][15]), "NPV P10 (kr.)");
    assert_eq!(cell_text(&keys[0][17]), "NPV P90 (kr.)");
    assert!(matches!(keys[1][15], calamine::Data::Float(_)));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["portefølje.xlsx"]);

    // The same tenant as CSV to a file, chosen by the extension.
    let csv = dir.path().join("portefølje.csv");
    db.ok(&["export", "--tenant", "eksempel", csv.to_str().unwrap()]);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFId;Titel;"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains(";Idé;") || text.contains(";Besluttet;"),
        "{text}"
    );
}

#[test]
fn import_previews_refuses_errors_and_commits_valid_rows() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "imp", "--name", "Import Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("potentialer.csv");
    std::fs::write(
        &csv,
        "Titel;Enhed;Forventet gevinst;Startår\n\
Robot til post;Borgerservice;250.000 kr.;2025\n\
;Borgerservice;;\n\
Chatbot;Borgerservice;1,5 mio.;2026\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();

    // The unit is unknown: every row is an error, and a dry run says so with exit code 1.
    let out = db.run_with_stdin(&["import", "--tenant", "imp", "--dry-run", file], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Nye: 0, opdateringer: 0, dubletter: 0, fejl: 3, advarsler: 0\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Række 2: Enheden «Borgerservice» findes ikke. Vælg en eksisterende enhed, eller lad importen oprette den.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("Tørkørsel: intet er gemt.\n"), "{stdout}");

    // With --create-missing one row is still an error: nothing is imported.
    let out = db.run_with_stdin(
        &["import", "--tenant", "imp", "--create-missing", file],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("Nye: 2, opdateringer: 0, dubletter: 0, fejl: 1, advarsler: 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Række 3: Kolonne «Titel»: Rækken har ingen titel. Udfyld titlen, eller slet rækken.\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Opretter enhed: Borgerservice\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 række har fejl, så intet er importeret"),
        "{stderr}"
    );
    assert!(!db
        .ok(&["unit", "list", "--tenant", "imp"])
        .contains("Borgerservice"));
    let help = db.ok(&["import", "--help"]);
    assert!(
        help.contains("--only-valid") && help.contains("--dry-run"),
        "{help}"
    );

    // --only-valid imports the two valid rows, with their business cases.
    let report = dir.path().join("fejl.xlsx");
    let out = db.ok(&[
        "import",
        "--tenant",
        "imp",
        "--create-missing",
        "--only-valid",
        "--error-report",
        report.to_str().unwrap(),
        file,
    ]);
    assert!(
        out.contains("Importeret: 2 nye, 0 opdateret, 2 business cases, 1 sprunget over"),
        "{out}"
    );
    let rows = xlsx_rows(&report, "Fejlrapport");
    // Row 3 has the error, row 4 the warning that "1,5 mio." was read as 1.500.000 kr.
    let outcomes: Vec<(calamine::Data, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), cell_text(&r[1])))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (calamine::Data::Float(3.0), "Fejl".to_owned()),
            (calamine::Data::Float(4.0), "Advarsel".to_owned()),
        ]
    );
    assert!(db
        .ok(&["unit", "list", "--tenant", "imp"])
        .contains("Borgerservice"));

    // Again: the rows exist already and are duplicates.
    let out = db.ok(&[
        "import",
        "--tenant",
        "imp",
        "--dry-run",
        "--only-valid",
        file,
    ]);
    assert!(
        out.contains("Nye: 0, opdateringer: 0, dubletter: 2, fejl: 1, advarsler: 0\n"),
        "{out}"
    );

    // Round trip through the CLI: export, and import into an empty tenant.
    let xlsx = dir.path().join("eksport.xlsx");
    db.ok(&["export", "--tenant", "imp", xlsx.to_str().unwrap()]);
    db.ok(&["tenant", "add", "--slug", "kopi", "--name", "Kopi Kommune"]);
    let out = db.ok(&[
        "import",
        "--tenant",
        "kopi",
        "--create-missing",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.contains("(ark: Potentialer) (gevinst-eksport)"),
        "{out}"
    );
    assert!(
        out.contains("Importeret: 2 nye, 0 opdateret, 2 business cases, 0 sprunget over"),
        "{out}"
    );

    // Bad input is a clear error, never a panic.
    db.fails(
        &["import", "--tenant", "ingen", file],
        None,
        1,
        "unknown tenant \"ingen\"",
    );
    db.fails(
        &["import", "--tenant", "imp", "/nonexistent/x.csv"],
        None,
        1,
        "cannot read /nonexistent/x.csv",
    );
    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not really a zip").unwrap();
    db.fails(
        &["import", "--tenant", "imp", junk.to_str().unwrap()],
        None,
        1,
        "Filen kan ikke importeres",
    );
}

#[test]
fn import_uses_a_saved_mapping_file() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "map", "--name", "Map Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ark.csv");
    std::fs::write(&csv, "Navnet;Afd.\nRobot;Borgerservice\n").unwrap();
    let mapping = dir.path().join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"columns":[{"header":"Navnet","target":{"field":"title"}},{"header":"Afd.","target":{"field":"unit"}}]}"#,
    )
    .unwrap();
    let (csv, mapping) = (csv.to_str().unwrap(), mapping.to_str().unwrap());

    // Without the mapping there is no title column.
    let out = db.run_with_stdin(&["import", "--tenant", "map", "--dry-run", csv], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains("Kolonneopsætning: Vælg den kolonne, der indeholder potentialernes titel.\n"),
        "{stdout}"
    );

    let out = db.ok(&[
        "import",
        "--tenant",
        "map",
        "--mapping",
        mapping,
        "--create-missing",
        csv,
    ]);
    assert!(
        out.contains("Nye: 1, opdateringer: 0, dubletter: 0, fejl: 0, advarsler: 0\n"),
        "{out}"
    );
    assert!(
        out.contains("Importeret: 1 ny, 0 opdateret, 0 business cases, 0 sprunget over"),
        "{out}"
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ikke json").unwrap();
    db.fails(
        &[
            "import",
            "--tenant",
            "map",
            "--mapping",
            bad.to_str().unwrap(),
            csv,
        ],
        None,
        1,
        "Den gemte kolonneopsætning kan ikke læses",
    );
}

/// An import whose process dies in the middle of its transaction (SIGABRT after 20 of 60
/// rows are written) leaves nothing behind: no potentials, no units it was creating, no
/// business cases, and the database still opens and takes the same import afterwards.
fn crash_midway_leaves_nothing(db: &Db) {
    db.ok(&[
        "tenant",
        "add",
        "--slug",
        "crash",
        "--name",
        "Crash Kommune",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mange.csv");
    let mut text = String::from("Titel;Enhed;Forventet gevinst;Startår\n");
    for i in 1..=60 {
        text.push_str(&format!(
            "Potentiale nr. {i};Borgerservice;{i}0.000 kr.;2026\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let file = csv.to_str().unwrap();
    let args = ["import", "--tenant", "crash", "--create-missing", file];

    let out = db
        .cmd(&args)
        .env("GEVINST_FAULT_ABORT_AFTER_ROWS", "20")
        .output()
        .expect("run gevinst");
    assert!(!out.status.success(), "the import was meant to crash");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "killed by SIGABRT: {out:?}");
    }
    let export = db.ok(&["export", "--tenant", "crash", "--format", "csv", "-"]);
    assert_eq!(export.lines().count(), 1, "only the header: {export}");
    assert!(!db
        .ok(&["unit", "list", "--tenant", "crash"])
        .contains("Borgerservice"));

    // The same import afterwards writes all 60 rows.
    let out = db.ok(&args);
    assert!(out.contains("Importeret: 60 nye"), "{out}");
    let export = db.ok(&["export", "--tenant", "crash", "--format", "csv", "-"]);
    assert_eq!(export.lines().count(), 61);
}

#[test]
fn an_import_killed_midway_leaves_nothing_on_sqlite() {
    crash_midway_leaves_nothing(&Db::temp());
}

#[test]
fn an_import_killed_midway_leaves_nothing_on_postgres() {
    let Some(pg) = PgDb::create() else { return };
    crash_midway_leaves_nothing(&Db::Url(pg.url.clone()));
}
