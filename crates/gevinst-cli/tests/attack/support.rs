//! Starting the real server and talking to it, for the attack suite.

#![allow(dead_code)]

use gevinst_testkit::PgDatabase;
use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The binary under attack.
pub const BIN: &str = env!("CARGO_BIN_EXE_gevinst");

/// The password of every user that [`Db::seed`] creates.
pub const PASSWORD: &str = "Sikker-Adgang-til-Gevinst-2026";

/// A command with a clean environment: no inherited gevinst settings, and only errors
/// logged (an attack makes many warnings).
pub fn gevinst() -> Command {
    let mut c = Command::new(BIN);
    for (var, _) in std::env::vars() {
        if var.starts_with("GEVINST_") {
            c.env_remove(var);
        }
    }
    // A refused request (503, 429) is the expected outcome of an attack, not an error
    // worth a line per request from the HTTP trace.
    c.env("RUST_LOG", "error,tower_http=off");
    c
}

/// Where the server keeps its data: a temporary SQLite folder or a fresh PostgreSQL
/// database (dropped with the value).
pub enum Db {
    /// A SQLite database in a temporary folder.
    Sqlite(tempfile::TempDir),
    /// A fresh database on the PostgreSQL test server.
    Postgres(PgDatabase),
}

impl Db {
    /// A fresh SQLite database.
    pub fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    /// A fresh PostgreSQL database, or `None` (skip) without a test server unless
    /// PostgreSQL is required.
    pub fn postgres() -> Option<Db> {
        PgDatabase::create().map(Db::Postgres)
    }

    /// The database URL to hand to `--database-url`.
    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(d) => format!("sqlite://{}/gevinst.db", d.path().display()),
            Db::Postgres(p) => p.url.clone(),
        }
    }

    /// A `gevinst` command on this database.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = gevinst();
        c.args(args).arg("--database-url").arg(self.url());
        c
    }

    /// Runs a command with `stdin`, and returns its output.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn gevinst");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            let _ = pipe.write_all(s.as_bytes());
        }
        drop(pipe);
        child.wait_with_output().expect("wait for gevinst")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "gevinst {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Creates tenant `slug` with an admin `admin@SLUG.dk` and a porteføljeleder
    /// `pl@SLUG.dk`, both with [`PASSWORD`].
    pub fn seed(&self, slug: &str) {
        self.ok(
            &[
                "tenant",
                "add",
                "--slug",
                slug,
                "--name",
                &format!("{slug} Kommune"),
            ],
            None,
        );
        for (email, role) in [("admin", "admin"), ("pl", "portefoljeleder")] {
            self.ok(
                &[
                    "user",
                    "add",
                    "--tenant",
                    slug,
                    "--email",
                    &format!("{email}@{slug}.dk"),
                    "--name",
                    email,
                    "--role",
                    role,
                    "--password-stdin",
                ],
                Some(PASSWORD),
            );
        }
    }
}

/// A running `gevinst serve`, killed when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `gevinst serve --listen 127.0.0.1:0 EXTRA…` on `db` and waits until it
    /// prints its address.
    pub fn start(db: &Db, extra: &[&str]) -> Server {
        Server::start_with_env(db, extra, &[])
    }

    /// As [`Server::start`], with extra environment variables.
    pub fn start_with_env(db: &Db, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut cmd = db.cmd(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Server::spawn(cmd)
    }

    /// Starts a prepared `gevinst serve --listen 127.0.0.1:0 …` command and waits until it
    /// prints its address.
    pub fn spawn(cmd: Command) -> Server {
        let started = crate::listening::spawn_listening(cmd);
        Server {
            child: started.child,
            base: format!("http://{}", started.addr),
            addr: started.addr,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now and at its peak, in KiB (from `/proc/PID/status`).
    pub fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{name} missing in /proc status"))
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// A client with a cookie jar and no automatic redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .expect("client")
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

/// The `value` of the hidden input `name` in an HTML page.
pub fn hidden_input(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Fetches the login form (which sets the login CSRF cookie in `client`) and returns its
/// CSRF token.
pub async fn login_csrf(client: &reqwest::Client, base: &str) -> String {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login")
        .text()
        .await
        .expect("login page");
    hidden_input(&page, "_csrf").expect("login form has a _csrf field")
}

/// Posts the login form; returns the response.
pub async fn post_login(
    client: &reqwest::Client,
    base: &str,
    tenant: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let csrf = login_csrf(client, base).await;
    client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tenant", tenant),
            ("email", email),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("POST /login")
}
