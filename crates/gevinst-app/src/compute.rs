//! Caps on the CPU-heavy calculations: business-case simulations, programme forecasts and
//! simulated exports.
//!
//! One simulation of a large case can keep every core busy for seconds, so without a cap a
//! single user could queue enough of them to starve everyone else. A [`ComputeLimiter`]
//! admits a calculation only when
//!
//! - its tenant has fewer than [`ComputeLimits::per_tenant`] calculations running or
//!   waiting, and
//! - a worker is free ([`ComputeLimits::workers`], by default one per core), or it can
//!   wait in a short queue ([`ComputeLimits::queue`] places) and a worker frees up within
//!   [`ComputeLimits::max_wait`].
//!
//! Anything else is refused at once with [`AppError::Busy`] (503 with `Retry-After` on the
//! web). Every entry point (API, pages, exports) goes through the same limiter, which the
//! caller holds (the web layer keeps one in its state); clones share it. The calculation
//! keeps its place until it has finished, even when the request that started it is gone.

use crate::slots::{KeyedSlots, Slot};
use crate::{AppError, Result};
use gevinst_domain::TenantId;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most iterations of a simulation or forecast asked for interactively (web page or API):
/// a tenth of the domain's maximum, which the CLI export may still use.
pub const MAX_INTERACTIVE_ITERATIONS: u32 = 100_000;

/// How many calculations may run and wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputeLimits {
    /// Calculations running at once in all.
    pub workers: usize,
    /// Calculations one tenant may have running or waiting at once.
    pub per_tenant: usize,
    /// Calculations that may wait for a worker, in all.
    pub queue: usize,
    /// Longest wait for a worker before the calculation is refused.
    pub max_wait: Duration,
}

impl ComputeLimits {
    /// The defaults for `workers` running calculations: 4 per tenant, a queue of 4 per
    /// worker and a wait of at most 10 s.
    pub fn with_workers(workers: usize) -> Self {
        let workers = workers.max(1);
        ComputeLimits {
            workers,
            per_tenant: 4,
            queue: workers.saturating_mul(4),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl Default for ComputeLimits {
    /// One worker per core (see [`ComputeLimits::with_workers`]).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ComputeLimits::with_workers(cores)
    }
}

/// Admits calculations within [`ComputeLimits`]. Clones share the counts.
#[derive(Debug, Clone)]
pub struct ComputeLimiter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limits: ComputeLimits,
    workers: Arc<Semaphore>,
    waiting: AtomicUsize,
    tenants: KeyedSlots<TenantId>,
}

impl Default for ComputeLimiter {
    fn default() -> Self {
        ComputeLimiter::new(ComputeLimits::default())
    }
}

impl ComputeLimiter {
    /// Seconds a refused client is told to wait (`Retry-After`).
    pub const RETRY_AFTER_SECS: u64 = 5;

    /// A limiter with these limits (each at least 1, the queue at least 0).
    pub fn new(limits: ComputeLimits) -> Self {
        let limits = ComputeLimits {
            workers: limits.workers.max(1),
            per_tenant: limits.per_tenant.max(1),
            ..limits
        };
        ComputeLimiter {
            inner: Arc::new(Inner {
                workers: Arc::new(Semaphore::new(limits.workers)),
                tenants: KeyedSlots::new(limits.per_tenant),
                waiting: AtomicUsize::new(0),
                limits,
            }),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &ComputeLimits {
        &self.inner.limits
    }

    /// Runs `f` on tokio's blocking pool once admitted for `tenant`;
    /// [`AppError::Busy`] when it is not admitted, [`AppError::Internal`] ("`<job>`
    /// failed: …") when `f` panics.
    pub(crate) async fn run<T, F>(&self, tenant: TenantId, job: &'static str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admitted = self.admit(tenant).await?;
        tokio::task::spawn_blocking(move || {
            let _admitted = admitted;
            f()
        })
        .await
        .map_err(|e| AppError::Internal(format!("{job} failed: {e}")))
    }

    /// A place for one calculation of `tenant`, held until the permit is dropped, or
    /// [`AppError::Busy`]. For entry points that run their calculation themselves.
    pub async fn admit(&self, tenant: TenantId) -> Result<ComputePermit> {
        let tenant_slot = self.inner.tenants.try_acquire(tenant).ok_or_else(busy)?;
        let workers = self.inner.workers.clone();
        if let Ok(worker) = workers.clone().try_acquire_owned() {
            return Ok(ComputePermit {
                _worker: worker,
                _tenant: tenant_slot,
            });
        }
        let queued = Queued::enter(&self.inner).ok_or_else(busy)?;
        let worker = tokio::time::timeout(self.inner.limits.max_wait, workers.acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        drop(queued);
        Ok(ComputePermit {
            _worker: worker,
            _tenant: tenant_slot,
        })
    }
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: ComputeLimiter::RETRY_AFTER_SECS,
    }
}

/// An admitted calculation: a worker and its tenant's place, both freed when dropped.
#[derive(Debug)]
pub struct ComputePermit {
    _worker: OwnedSemaphorePermit,
    _tenant: Slot<TenantId>,
}

/// A place in the queue, left when dropped.
struct Queued<'a>(&'a Inner);

impl<'a> Queued<'a> {
    fn enter(inner: &'a Inner) -> Option<Self> {
        let limit = inner.limits.queue;
        inner
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| Queued(inner))
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn limiter(workers: usize, per_tenant: usize, queue: usize) -> ComputeLimiter {
        ComputeLimiter::new(ComputeLimits {
            workers,
            per_tenant,
            queue,
            max_wait: Duration::from_millis(300),
        })
    }

    /// Starts a calculation that runs until `release` is sent to (or dropped).
    fn hold(
        l: &ComputeLimiter,
        tenant: i64,
    ) -> (mpsc::Sender<()>, tokio::task::JoinHandle<Result<()>>) {
        let (release, wait) = mpsc::channel::<()>();
        let l = l.clone();
        let job = tokio::spawn(async move {
            l.run(TenantId(tenant), "test", move || {
                let _ = wait.recv();
            })
            .await
        });
        (release, job)
    }

    async fn settle() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    fn is_busy<T>(r: &Result<T>) -> bool {
        matches!(r, Err(AppError::Busy { retry_after_secs }) if *retry_after_secs == 5)
    }

    #[tokio::test]
    async fn a_tenant_beyond_its_share_is_refused_while_another_runs() {
        let l = limiter(4, 2, 4);
        let (r1, j1) = hold(&l, 1);
        let (r2, j2) = hold(&l, 1);
        settle().await;
        assert!(is_busy(&l.run(TenantId(1), "test", || ()).await));
        assert!(l.run(TenantId(2), "test", || ()).await.is_ok());
        drop((r1, r2));
        assert!(j1.await.unwrap().is_ok() && j2.await.unwrap().is_ok());
        assert!(l.run(TenantId(1), "test", || ()).await.is_ok());
    }

    #[tokio::test]
    async fn a_full_queue_refuses_and_a_waiting_job_runs_when_a_worker_frees() {
        let l = limiter(1, 10, 1);
        let (r1, j1) = hold(&l, 1);
        settle().await;
        let (r2, j2) = hold(&l, 2); // waits in the queue
        settle().await;
        assert!(is_busy(&l.run(TenantId(3), "test", || ()).await));
        drop(r1);
        drop(r2);
        assert!(j1.await.unwrap().is_ok());
        assert!(j2.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_job_that_waits_too_long_is_refused() {
        let l = limiter(1, 10, 5);
        let (r1, j1) = hold(&l, 1);
        settle().await;
        let started = std::time::Instant::now();
        assert!(is_busy(&l.run(TenantId(2), "test", || ()).await));
        assert!(started.elapsed() >= Duration::from_millis(300));
        drop(r1);
        assert!(j1.await.unwrap().is_ok());
        // Nothing is left counted: the queue and the tenants are empty again.
        assert_eq!(l.inner.waiting.load(Ordering::Acquire), 0);
        assert!(l.inner.tenants.is_empty());
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_internal_error_and_frees_its_place() {
        let l = limiter(1, 1, 0);
        let r = l.run(TenantId(1), "calculation", || panic!("boom")).await;
        assert!(matches!(r, Err(AppError::Internal(m)) if m.starts_with("calculation failed")));
        assert!(l.run(TenantId(1), "test", || ()).await.is_ok());
    }
}
