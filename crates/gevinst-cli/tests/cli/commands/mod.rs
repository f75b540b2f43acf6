//! Runs the built `gevinst` binary against a temporary data directory, command by command.
//!
//! PostgreSQL: with `GEVINST_TEST_POSTGRES_URL` set, the admin flow, the demo and the killed
//! import also run against that server; without it those tests are skipped, unless
//! `GEVINST_REQUIRE_POSTGRES=1` makes them fail (see `gevinst_testkit::PgDatabase`).

mod admin;
mod cpr;
mod import_choices;
mod import_values;
mod messy_import;
mod serve;
mod sheets;
mod unit_path;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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
        let started = crate::listening::spawn_listening(db.cmd(&args));
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
