//! Signing in: browser sessions, personal API tokens and login throttling.

use crate::{ActorId, Result};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::login_throttle::KeyHistory;
use gevinst_domain::{TenantId, UserId};

/// A login that failed, for [`AccessStore::record_failed_login`].
#[derive(Clone, Copy)]
pub struct FailedLogin<'a> {
    /// The account the e-mail matched, if any (its password did not, or it is inactive).
    pub user: Option<UserId>,
    /// The e-mail as entered (trimmed, lower-cased).
    pub email: &'a str,
    /// The client's address, when known.
    pub client: Option<&'a str>,
    /// Whether this failure starts a delay or lockout.
    pub lockout: bool,
}

impl std::fmt::Debug for FailedLogin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FailedLogin")
            .field("user", &self.user)
            .field("lockout", &self.lockout)
            .finish_non_exhaustive()
    }
}

/// A browser session. The store only ever sees the SHA-256 hash of the cookie value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hash of the session cookie value (hex).
    pub token_hash: String,
    /// Tenant.
    pub tenant_id: TenantId,
    /// User.
    pub user_id: UserId,
    /// Per-session CSRF token embedded in every form.
    pub csrf_token: String,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// Last activity, for the idle timeout (updated at most once a minute).
    pub last_seen_at: DateTime<Utc>,
}

/// A personal API token's public facts. The secret itself is shown once and stored hashed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiTokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: UserId,
    /// Label chosen by the user.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last used, if ever.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked tokens no longer authenticate.
    pub revoked: bool,
    /// After this time the token no longer authenticates (`None`: it does not expire).
    pub expires_at: Option<DateTime<Utc>>,
    /// The client address it was last used from, if known.
    pub last_used_from: Option<String>,
}

/// What [`AccessStore::use_api_token`] found: the token's owner, and whether the client
/// address differs from the one it was last used from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenUse {
    /// The token's id.
    pub token_id: i64,
    /// The owner's tenant.
    pub tenant_id: TenantId,
    /// The owner.
    pub user_id: UserId,
    /// The client address it was last used from before this use (`None`: never, or not
    /// known).
    pub previous_client: Option<String>,
}

/// Browser sessions, personal API tokens and login throttling. The store only ever sees hashes of
/// secrets.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Stores the new session of a successful login and records the login (from `client`,
    /// the client's address when known) in the tenant's audit log, in one transaction.
    async fn create_session(&self, session: &SessionRecord, client: Option<&str>) -> Result<()>;
    /// A live (unexpired) session by hash; expired ones are [`crate::StoreError::NotFound`].
    /// The idle timeout is the caller's: see [`SessionRecord::last_seen_at`].
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<SessionRecord>;
    /// Records activity on a session now (for the idle timeout).
    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()>;
    /// Deletes a session (after its idle timeout). Deleting a missing session is not an
    /// error.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Ends a session (logout) and, when it was live at `now` (see
    /// [`AccessStore::session`]), records the logout (from `client`) in the tenant's audit
    /// log, in one transaction. Ending a missing session is not an error.
    async fn end_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<()>;
    /// Records a failed login in the tenant's audit log, and, when `failure.lockout`, that
    /// it starts a delay or lockout (one transaction).
    async fn record_failed_login(&self, tenant: TenantId, failure: &FailedLogin<'_>) -> Result<()>;
    /// Deletes all of a user's sessions (deactivation, password change), except the one
    /// with hash `keep` when given (the user's own, when they change their password).
    async fn delete_user_sessions(
        &self,
        tenant: TenantId,
        user: UserId,
        keep: Option<&str>,
    ) -> Result<()>;
    /// Stores a new API token's hash; it stops working at `expires_at` when given.
    ///
    /// `actor` is who creates it: the owner, or `None` for the store's operator (the
    /// CLI). The audit entry names the owner in its changes (`user_id`), not as the actor.
    async fn create_api_token(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ApiTokenInfo>;
    /// Finds the owner of an unrevoked, unexpired token by hash and records its use (the
    /// time, and the client address when known).
    async fn use_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<ApiTokenUse>;
    /// Revokes every live token of a user (after an administrator reset their password),
    /// each with its audit entry by `actor`. Returns how many were revoked.
    async fn revoke_user_tokens(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
    ) -> Result<u64>;
    /// Records in the owner's audit log that a token was used from `client`, an address
    /// other than the one it was last used from (`used.previous_client`).
    async fn record_token_use(&self, used: &ApiTokenUse, client: &str) -> Result<()>;
    /// A user's tokens, newest first.
    async fn list_api_tokens(&self, tenant: TenantId, user: UserId) -> Result<Vec<ApiTokenInfo>>;
    /// Revokes one of a user's tokens.
    async fn revoke_api_token(&self, tenant: TenantId, user: UserId, id: i64) -> Result<()>;
    /// Records a login attempt under each of `keys` before its password is checked,
    /// tagged `attempt`, and returns per key (in the order given) the *other* attempts
    /// recorded under it since `since`. Each recorded attempt is committed before the
    /// others are counted, so of many parallel attempts the later ones always see the
    /// earlier ones: no burst slips past a limit.
    async fn reserve_login_attempt(
        &self,
        attempt: &str,
        keys: &[String],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyHistory>>;
    /// Takes back an attempt's rows (it succeeded, or it was refused unchecked).
    async fn release_login_attempt(&self, attempt: &str) -> Result<()>;
    /// Forgets a key's failures (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
}
