//! Starting `gevinst serve` and waiting for the address it prints, shared by the command
//! tests and the attack suite.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A started server: the process, its `ADDR:PORT`, and what it printed before it said
/// `listening on http://ADDR:PORT`.
pub struct Listening {
    /// The process.
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Standard output before the address line (the demo logins, for example).
    pub printed_before: Vec<String>,
}

/// Spawns a prepared `gevinst serve --listen 127.0.0.1:0 …` command and waits (at most two
/// minutes) until it prints its address; kills it and panics if it never does.
pub fn spawn_listening(mut cmd: Command) -> Listening {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn gevinst serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut before = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => match line.strip_prefix("listening on http://") {
                Some(addr) => {
                    return Listening {
                        child,
                        addr: addr.trim().to_owned(),
                        printed_before: before,
                    }
                }
                None => before.push(line),
            },
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("gevinst serve did not print its address ({e}); output so far: {before:?}");
            }
        }
    }
}
