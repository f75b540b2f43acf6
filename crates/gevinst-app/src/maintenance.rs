//! Periodic work of a running server: the purge of expired sessions, old failed logins
//! and expired import uploads.
//!
//! Several app servers may run on one database. Each one calls [`purge_if_due`](Maintenance::purge_if_due) every
//! [`PURGE_EVERY`]; the store's [`Store::claim_periodic_job`] (a PostgreSQL advisory
//! lock and the time of the last run, shared by all app servers) lets one of them run it
//! and the others skip it. If that app server stops, the next one whose timer fires
//! after the job is due takes over.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{Maintenance, Result};

/// How often each app server asks whether the purge is due.
pub const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// The name of the purge among the periodic jobs.
pub const PURGE_JOB: &str = "purge";

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Expired sessions.
    pub sessions: u64,
    /// Failed logins too old to count for throttling.
    pub failures: u64,
    /// Expired import uploads.
    pub uploads: u64,
}

impl Maintenance<'_> {
    /// Runs the purge unless another app server ran it within the last nine tenths of
    /// [`PURGE_EVERY`] (timers drift a little) or runs it now: `None` then.
    pub async fn purge_if_due(&self, now: DateTime<Utc>) -> Result<Option<Purged>> {
        let store = self.app.store();
        let due_after = chrono::Duration::from_std(PURGE_EVERY * 9 / 10)
            .unwrap_or(chrono::Duration::minutes(54));
        if !store.claim_periodic_job(PURGE_JOB, now, due_after).await? {
            return Ok(None);
        }
        let (sessions, failures) = self.app.auth().purge_expired(now).await?;
        let uploads = self.app.uploads().purge(now).await?;
        Ok(Some(Purged {
            sessions,
            failures,
            uploads,
        }))
    }
}
