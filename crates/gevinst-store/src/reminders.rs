//! The weekly e-mail digests of measurements: claiming one atomically (so that two app
//! instances on one database send it once), recording the outcome with the next attempt,
//! and the state for the admin page.

use crate::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::{TenantId, UserId};

/// A digest this instance has claimed and must now send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDigest {
    /// Row id.
    pub id: i64,
    /// Failed attempts so far (0 for a new digest).
    pub attempts: u32,
}

/// The tenant's digests at a glance, for the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DigestStatus {
    /// Digests sent.
    pub sent: i64,
    /// Digests whose last attempt failed (waiting for a retry).
    pub failing: i64,
    /// The latest attempt, successful or not.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The error of the latest failed attempt of a digest still failing ("" if none).
    pub last_error: String,
    /// When the next retry of a failing digest is due.
    pub next_retry_at: Option<DateTime<Utc>>,
    /// The latest digests: (recipient, week, state, subject), newest first (at most 10).
    pub recent: Vec<(String, String, String, String)>,
}

/// Storage of the weekly reminder digests.
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// Claims the digest of `user` for `week`, for `instance` until `lease_until`: a new
    /// one (inserted), or one whose last attempt failed and whose next attempt is due
    /// (`now`), or one whose claim lapsed. `None`: sent already, claimed by another
    /// instance, or not yet due for a retry. Atomic: of two concurrent claims one wins.
    #[allow(clippy::too_many_arguments)]
    async fn claim_digest(
        &self,
        tenant: TenantId,
        user: UserId,
        week: &str,
        recipient: &str,
        instance: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ClaimedDigest>>;
    /// Records the outcome of sending a claimed digest: sent (`error` `None`), or failed
    /// with the error and when to try again.
    #[allow(clippy::too_many_arguments)]
    async fn finish_digest(
        &self,
        tenant: TenantId,
        id: i64,
        subject: &str,
        now: DateTime<Utc>,
        error: Option<&str>,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<()>;
    /// The tenant's digests at a glance.
    async fn digest_status(&self, tenant: TenantId) -> Result<DigestStatus>;
    /// Gives `user` a calendar feed with this token hash, replacing any feed they had;
    /// audited on the user (field `calendar_feed`).
    async fn replace_calendar_token(
        &self,
        tenant: TenantId,
        user: UserId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Revokes `user`'s calendar feed; `false` if they had none. Audited on the user.
    async fn revoke_calendar_token(&self, tenant: TenantId, user: UserId) -> Result<bool>;
    /// When `user`'s calendar feed was created, if they have one.
    async fn calendar_token_created(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Option<DateTime<Utc>>>;
    /// Whose feed a token hash opens, if any.
    async fn calendar_token_owner(&self, token_hash: &str) -> Result<Option<(TenantId, UserId)>>;
}
