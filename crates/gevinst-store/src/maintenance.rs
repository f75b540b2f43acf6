//! Periodic housekeeping.

use crate::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Periodic housekeeping: purging what expired, and claiming a periodic job for one app server.
#[async_trait]
pub trait MaintenanceStore: Send + Sync {
    /// Deletes sessions that expired before `now` and failed logins recorded before
    /// `failures_before` (they no longer count for throttling). Returns how many of each
    /// were deleted.
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(u64, u64)>;
    /// Deletes uploads made before `expired_before`. Returns how many were deleted.
    async fn purge_import_uploads(&self, expired_before: DateTime<Utc>) -> Result<u64>;
    /// Claims one run of the periodic job `name` (e.g. the purge) for the caller: answers
    /// true, and records `now` as its last run, when no other app server is claiming it at
    /// the same moment (a PostgreSQL advisory lock, `pg_try_advisory_xact_lock`) and it
    /// has not run, on any app server, after `now - min_interval`. The caller then runs
    /// the job; the others skip it. On SQLite (one app server) only the last run counts.
    async fn claim_periodic_job(
        &self,
        name: &str,
        now: DateTime<Utc>,
        min_interval: chrono::Duration,
    ) -> Result<bool>;
}
