//! The HTTP/1.1 server loop: accepts connections on a bound listener and serves the
//! router on each, with the limits that keep slow or greedy clients from holding the
//! server ([`ConnectionLimits`]).
//!
//! - **Header timeout.** A connection must deliver a request's headers within
//!   [`ConnectionLimits::header_timeout`], counted from its first byte (or from the
//!   accept, for a new connection); a trickling client is cut off.
//! - **Body timeout.** A request body must arrive in full within
//!   [`ConnectionLimits::body_timeout`] of its headers; reading it afterwards fails, so the
//!   handler answers an error and the connection closes.
//! - **Idle timeout.** A kept-alive connection with no new request for
//!   [`ConnectionLimits::idle_timeout`] is closed, and so is one whose client has read
//!   nothing of a response for as long.
//! - **Connection caps.** At most [`ConnectionLimits::max_connections`] connections in
//!   all and [`ConnectionLimits::max_connections_per_ip`] per client address (the TCP
//!   peer); a connection beyond either is closed at once, so one source cannot take every
//!   slot.
//!
//! Only HTTP/1.1 is served (gevinst runs behind a TLS proxy or on a local network), which
//! keeps one set of timeouts to reason about. Shutdown is graceful: the listener closes,
//! idle connections close, and requests in flight finish.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use gevinst_app::slots::KeyedSlots;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// File descriptors kept free for the database pool, log files and exports when the
/// connection cap is derived from the process's limit.
const RESERVED_FDS: u64 = 128;

/// Limits on connections (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Longest time to receive a request's headers.
    pub header_timeout: Duration,
    /// Longest time to receive a request's body, counted from its headers.
    pub body_timeout: Duration,
    /// Longest time a kept-alive connection waits for its next request, and a response
    /// waits for its client to read.
    pub idle_timeout: Duration,
    /// Most open connections in all.
    pub max_connections: usize,
    /// Most open connections from one client address.
    pub max_connections_per_ip: usize,
    /// Peers without a per-address cap: the trusted reverse proxies
    /// ([`crate::WebSettings::trusted_proxies`]), which carry every client's connections.
    pub uncapped_peers: Vec<ipnet::IpNet>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            max_connections_per_ip: 100,
            uncapped_peers: Vec::new(),
        }
    }
}

/// The default total cap: the process's file-descriptor limit (`RLIMIT_NOFILE`, soft)
/// less [`RESERVED_FDS`] for the database and files, at least 16; 4,096 where the limit
/// cannot be read or is unlimited.
pub fn default_max_connections() -> usize {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(soft) = limit.current {
            let usable = soft.saturating_sub(RESERVED_FDS).max(16);
            return usize::try_from(usable).unwrap_or(usize::MAX);
        }
    }
    4096
}

/// Serves `router` on `listener` with `limits` until `shutdown` resolves, then stops
/// accepting and waits for the open requests to finish.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let total = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_ip = KeyedSlots::<IpAddr>::new(limits.max_connections_per_ip);
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    // hyper's own header timer runs whenever a connection waits for a request head, so it
    // is the idle timeout; the stricter header timeout is enforced per connection below.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout.max(limits.header_timeout))
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let Ok(slot) = total.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "connection closed: the server is at its connection cap");
            continue;
        };
        let ip = peer.ip().to_canonical();
        let ip_slot = if limits.uncapped_peers.iter().any(|net| net.contains(&ip)) {
            None
        } else {
            let Some(ip_slot) = per_ip.try_acquire(ip) else {
                tracing::debug!(%peer, "connection closed: its address is at its connection cap");
                continue;
            };
            Some(ip_slot)
        };
        let _ = stream.set_nodelay(true);
        let watch = Arc::new(ConnWatch::new());
        let io = TokioIo::new(Watched {
            inner: stream,
            watch: watch.clone(),
            write_timeout: limits.idle_timeout,
            write_stall: None,
        });
        let service = hyper::service::service_fn({
            let router = router.clone();
            let watch = watch.clone();
            let body_timeout = limits.body_timeout;
            move |req: Request<Incoming>| {
                watch.set(Phase::Handling);
                let mut req = req.map(|b| Body::new(DeadlineBody::new(b, body_timeout)));
                req.extensions_mut().insert(ConnectInfo(peer));
                let router = router.clone();
                let watch = watch.clone();
                async move {
                    let res = router.oneshot(req).await;
                    watch.set(Phase::Idle);
                    res
                }
            }
        });
        let conn = graceful.watch(builder.serve_connection(io, service));
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _slots = (slot, ip_slot);
            tokio::select! {
                res = conn => if let Err(e) = res {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                },
                () = watch.header_deadline(header_timeout) => {
                    tracing::debug!(%peer, "connection closed: request headers too slow");
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// An accept error: a connection that failed before it was accepted is skipped; anything
/// else (out of file descriptors, typically) is logged and retried after a pause, as
/// hyper's and axum's servers do.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Where a connection is in its request cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the next request (hyper's timer bounds this: the idle timeout).
    Idle,
    /// Receiving a request's headers since this instant.
    Head(Instant),
    /// A request is being handled (its body has its own deadline).
    Handling,
}

/// The phase of one connection, shared by its socket wrapper, its service and its
/// header watchdog.
struct ConnWatch {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl ConnWatch {
    /// A new connection is receiving its first request's headers from the start.
    fn new() -> Self {
        ConnWatch {
            phase: Mutex::new(Phase::Head(Instant::now())),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, phase: Phase) {
        *self.lock() = phase;
    }

    /// Bytes arrived: on an idle connection they begin the next request's headers.
    fn bytes_read(&self) {
        let mut phase = self.lock();
        if *phase == Phase::Idle {
            *phase = Phase::Head(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// Resolves when a request's headers have taken longer than `timeout`.
    async fn header_deadline(&self, timeout: Duration) {
        loop {
            let started = match *self.lock() {
                Phase::Head(at) => Some(at),
                Phase::Idle | Phase::Handling => None,
            };
            match started {
                Some(at) => {
                    tokio::time::sleep_until(at + timeout).await;
                    if *self.lock() == Phase::Head(at) {
                        return;
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }
}

/// A TCP stream that reports the bytes it reads to its [`ConnWatch`], and fails a write
/// that has made no progress for `write_timeout` (a client that stops reading a response),
/// which closes the connection.
struct Watched {
    inner: TcpStream,
    watch: Arc<ConnWatch>,
    write_timeout: Duration,
    /// Running while writes are blocked.
    write_stall: Option<Pin<Box<Sleep>>>,
}

impl Watched {
    /// Passes on a write's result; while the write is blocked, runs the stall timer and
    /// turns its expiry into a `TimedOut` error.
    fn stalled<T>(
        &mut self,
        cx: &mut Context<'_>,
        res: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if res.is_ready() {
            self.write_stall = None;
            return res;
        }
        let timeout = self.write_timeout;
        let stall = self
            .write_stall
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(res, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.bytes_read();
        }
        res
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.stalled(cx, res)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let res = Pin::new(&mut self.inner).poll_flush(cx);
        self.stalled(cx, res)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.stalled(cx, res)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The request body took longer than the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received in time")]
pub struct BodyTimeout;

/// A request body that fails once its deadline has passed. Unlike tower-http's
/// `RequestBodyTimeout`, which only bounds the pause between two chunks, this bounds the
/// whole body, so a client cannot hold a request open by trickling a byte at a time.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration) -> Self {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

impl hyper::body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimeout.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_default_cap_leaves_room_for_the_database() {
        let cap = default_max_connections();
        assert!(cap >= 16);
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(soft) = limit.current {
            assert!(cap as u64 + RESERVED_FDS <= soft.max(16 + RESERVED_FDS));
        }
    }

    #[tokio::test]
    async fn slow_headers_trip_the_watchdog_and_a_request_stops_it() {
        let watch = Arc::new(ConnWatch::new());
        let timeout = Duration::from_millis(200);
        // A new connection that sends nothing is cut off after the header timeout.
        let started = Instant::now();
        watch.header_deadline(timeout).await;
        assert!(started.elapsed() >= timeout);
        // Once the request is being handled, the watchdog waits for the next one.
        watch.set(Phase::Handling);
        let waiting = tokio::spawn({
            let watch = watch.clone();
            async move { watch.header_deadline(timeout).await }
        });
        tokio::time::sleep(timeout * 3).await;
        assert!(!waiting.is_finished());
        // The next request's first bytes start its header clock.
        watch.set(Phase::Idle);
        tokio::time::sleep(timeout * 2).await;
        assert!(!waiting.is_finished());
        let t = Instant::now();
        watch.bytes_read();
        waiting.await.unwrap();
        assert!(t.elapsed() >= timeout);
    }
}
