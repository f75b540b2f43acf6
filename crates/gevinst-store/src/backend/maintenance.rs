//! Periodic housekeeping: purging what expired, and claiming periodic jobs.

use super::uploads::{claim_periodic_job, purge_import_uploads};
use super::*;
use crate::Result;
use chrono::{DateTime, Utc};

#[async_trait]
impl crate::MaintenanceStore for ThisStore {
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let failures = sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(failures_before)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok((sessions, failures))
    }

    async fn purge_import_uploads(&self, expired_before: DateTime<Utc>) -> Result<u64> {
        purge_import_uploads(self, expired_before).await
    }

    async fn claim_periodic_job(
        &self,
        name: &str,
        now: DateTime<Utc>,
        min_interval: chrono::Duration,
    ) -> Result<bool> {
        claim_periodic_job(self, name, now, min_interval).await
    }
}
