//! Slow clients: one source opens many connections that send their headers or body a
//! byte at a time, or nothing at all. The server closes each within its timeouts, refuses
//! what is beyond the per-address cap at once, and meanwhile answers a normal request
//! from another address promptly. A kept-alive connection is closed after the idle
//! timeout, not the (shorter) header timeout; so is one whose client stops reading.

use super::support::{Db, Server};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const HEADER_TIMEOUT: u64 = 3;
const BODY_TIMEOUT: u64 = 4;
const IDLE_TIMEOUT: u64 = 6;
const PER_IP: usize = 60;
/// Slack for a noisy machine: how much later than its timeout a close may come.
const SLACK: Duration = Duration::from_secs(3);

/// What a slow connection sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A request line, then header bytes one at a time.
    TrickleHeaders,
    /// Complete headers announcing a body, then body bytes one at a time.
    TrickleBody,
    /// Nothing.
    Silent,
}

/// Connects from `from` (any 127/8 address is loopback) to `server`.
async fn connect_from(from: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(format!("{from}:0").parse().expect("address"))
        .expect("bind the client address");
    socket.connect(server).await.expect("connect")
}

/// Plays `kind` on `stream` until the server closes it; returns how long that took from
/// `start`, or `None` if it was still open after `give_up`.
async fn play(
    mut stream: TcpStream,
    kind: Kind,
    start: Instant,
    give_up: Duration,
) -> Option<Duration> {
    let opening: &[u8] = match kind {
        Kind::TrickleHeaders => b"GET /healthz HTTP/1.1\r\nHost: gevinst\r\n",
        Kind::TrickleBody => {
            b"POST /login HTTP/1.1\r\nHost: gevinst\r\nContent-Type: \
            application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ntenant="
        }
        Kind::Silent => b"",
    };
    if stream.write_all(opening).await.is_err() {
        return Some(start.elapsed());
    }
    let (mut read, mut write) = stream.into_split();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::sleep(give_up);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            n = read.read(&mut buf) => match n {
                Ok(0) | Err(_) => return Some(start.elapsed()),
                Ok(_) => {} // e.g. the 400 for a timed-out body, before the close
            },
            _ = tick.tick(), if kind != Kind::Silent => {
                let byte: &[u8] = if kind == Kind::TrickleHeaders { b"X" } else { b"a" };
                if write.write_all(byte).await.is_err() {
                    return Some(start.elapsed());
                }
            },
            () = &mut deadline => return None,
        }
    }
}

/// A GET of `/healthz` from 127.0.0.1 on a new connection; returns its status line and
/// how long the answer took.
async fn healthz(server: SocketAddr) -> (String, Duration) {
    let started = Instant::now();
    let mut s = connect_from("127.0.0.1", server).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: gevinst\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    (
        text.lines().next().unwrap_or_default().to_owned(),
        started.elapsed(),
    )
}

#[test]
fn slow_connections_are_closed_in_time_and_others_are_served() {
    let db = Db::sqlite();
    let flags = [
        "--header-timeout".to_owned(),
        HEADER_TIMEOUT.to_string(),
        "--body-timeout".to_owned(),
        BODY_TIMEOUT.to_string(),
        "--idle-timeout".to_owned(),
        IDLE_TIMEOUT.to_string(),
        "--max-connections-per-ip".to_owned(),
        PER_IP.to_string(),
    ];
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start(&db, &flags);
    let addr: SocketAddr = server.addr.parse().expect("server address");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        // Up to the cap from 127.0.0.2: a third of each kind, all open before any times out.
        let start = Instant::now();
        let give_up = Duration::from_secs(BODY_TIMEOUT) + SLACK * 3;
        let kinds = [Kind::TrickleHeaders, Kind::TrickleBody, Kind::Silent];
        let mut slow = Vec::new();
        for i in 0..PER_IP {
            let kind = kinds[i % 3];
            let stream = connect_from("127.0.0.2", addr).await;
            slow.push((kind, tokio::spawn(play(stream, kind, start, give_up))));
        }
        // Beyond the cap: closed at once.
        let mut extra = Vec::new();
        for _ in 0..40 {
            let stream = connect_from("127.0.0.2", addr).await;
            extra.push(tokio::spawn(play(
                stream,
                Kind::Silent,
                Instant::now(),
                give_up,
            )));
        }
        // A kept-alive connection from 127.0.0.3 that makes one request, then idles.
        let idle_start = Instant::now();
        let mut keep = connect_from("127.0.0.3", addr).await;
        keep.write_all(b"GET /healthz HTTP/1.1\r\nHost: gevinst\r\n\r\n")
            .await
            .expect("send");
        let idle = tokio::spawn(play(keep, Kind::Silent, idle_start, give_up * 2));

        // Meanwhile, a normal client is answered promptly.
        let (status, took) = healthz(addr).await;
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(took < Duration::from_secs(2), "healthz took {took:?}");

        let mut refused = Duration::ZERO;
        for job in extra {
            let closed = job
                .await
                .expect("task")
                .expect("a connection beyond the cap stays open");
            refused = refused.max(closed);
        }
        assert!(
            refused < Duration::from_millis(1500),
            "beyond the cap closed after {refused:?}"
        );

        let mut latest = [Duration::ZERO; 3];
        let mut earliest = [Duration::MAX; 3];
        for (kind, job) in slow {
            let closed = job
                .await
                .expect("task")
                .unwrap_or_else(|| panic!("a {kind:?} connection was never closed"));
            let k = kinds.iter().position(|x| *x == kind).expect("kind");
            latest[k] = latest[k].max(closed);
            earliest[k] = earliest[k].min(closed);
        }
        let header = Duration::from_secs(HEADER_TIMEOUT);
        let body = Duration::from_secs(BODY_TIMEOUT);
        for (k, limit) in [(0, header), (1, body), (2, header)] {
            assert!(
                earliest[k] >= limit - Duration::from_millis(300),
                "{:?} closed early ({:?})",
                kinds[k],
                earliest[k]
            );
            assert!(
                latest[k] <= limit + SLACK,
                "{:?} still open after {:?}",
                kinds[k],
                latest[k]
            );
        }

        // And after the slow ones are gone, the server still answers.
        let (status, after) = healthz(addr).await;
        assert_eq!(status, "HTTP/1.1 200 OK");

        let idled = idle
            .await
            .expect("task")
            .expect("the idle connection was never closed");
        let idle_limit = Duration::from_secs(IDLE_TIMEOUT);
        assert!(
            idled >= idle_limit - Duration::from_millis(300) && idled <= idle_limit + SLACK,
            "the idle connection closed after {idled:?}"
        );
        eprintln!(
            "slow clients: {PER_IP} slow connections from one address (header, body, silent) \
             closed after at most {:?} / {:?} / {:?} (timeouts {HEADER_TIMEOUT} s / \
             {BODY_TIMEOUT} s / {HEADER_TIMEOUT} s); 40 beyond the cap closed within \
             {refused:?}; /healthz from another address answered in {took:?} (after: \
             {after:?}); an idle kept-alive connection closed after {idled:?}",
            latest[0], latest[1], latest[2]
        );
    });
}

#[test]
fn a_client_that_stops_reading_is_disconnected() {
    const REQUESTS: usize = 400;
    let db = Db::sqlite();
    let idle = IDLE_TIMEOUT.to_string();
    let server = Server::start(&db, &["--idle-timeout", &idle]);
    let addr: SocketAddr = server.addr.parse().expect("server address");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4096).expect("receive buffer");
        socket
            .bind("127.0.0.4:0".parse().expect("address"))
            .expect("bind");
        let stream = socket.connect(addr).await.expect("connect");
        let (mut read, mut write) = stream.into_split();
        // Ask for the OpenAPI document many times over, pipelined, and read nothing.
        let requests =
            b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: gevinst\r\n\r\n".repeat(REQUESTS);
        let sender = tokio::spawn(async move {
            let _ = write.write_all(&requests).await;
            write
        });
        tokio::time::sleep(Duration::from_secs(IDLE_TIMEOUT) + SLACK).await;
        // Had the server waited, reading now would bring every answer. It gave up instead:
        // the connection ends before all of them.
        let mut got = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(30), async {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match read.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        let _ = sender.await;
        let answers = got
            .windows(b"HTTP/1.1 200 OK".len())
            .filter(|w| *w == b"HTTP/1.1 200 OK")
            .count();
        assert!(ended.is_ok(), "the connection was never closed");
        assert!(
            answers < REQUESTS,
            "all {answers} answers arrived: the stalled connection was kept open"
        );
        eprintln!(
            "slow reader: {REQUESTS} pipelined requests, nothing read for {:?}; the server \
             closed the connection after {answers} answers ({} bytes)",
            Duration::from_secs(IDLE_TIMEOUT) + SLACK,
            got.len()
        );
    });
}
