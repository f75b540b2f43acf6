//! Authentication: logins with throttling, sessions with idle and absolute timeouts, API
//! tokens with optional expiry, and the audit entries of signing in and out.
//!
//! Passwords are hashed and checked in [`crate::password`]; every check passes its gate.

pub use crate::password::{hash_password, verify_password};
use crate::Auth;
use crate::{AppError, Result};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random secret: 32 bytes as 64 hex characters.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a high-entropy secret (session cookie, API token), hex. Secrets are random,
/// so a fast hash is enough; passwords use argon2id instead.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Prefix of personal API tokens, so they are recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "gvt_";

/// A new API token and its hash: `(token to show once, hash to store)`.
pub fn new_api_token() -> (String, String) {
    let token = format!("{API_TOKEN_PREFIX}{}", random_secret());
    let hash = secret_hash(&token);
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_api_token();
        let (b, _) = new_api_token();
        assert_ne!(a, b);
        assert!(a.starts_with(API_TOKEN_PREFIX));
        assert_eq!(ha, secret_hash(&a));
        assert_eq!(ha.len(), 64);
    }
}

// ---- login, sessions, tokens ----

use chrono::{DateTime, Duration, Utc};
use gevinst_domain::login_throttle::{self, ThrottleKeys};
use gevinst_domain::{Actor, TenantId};
use gevinst_domain::{FieldErrors, Tenant, User, UserId};
use gevinst_store::prelude::*;
pub use gevinst_store::ApiTokenInfo;
use gevinst_store::{FailedLogin, SessionRecord};

/// How long a browser session lives at most (absolute): one working day.
pub const SESSION_HOURS: i64 = 10;
/// A session without activity for this long ends (OWASP ASVS 3.3.2, level 2).
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// A session's activity is written at most this often (not on every request).
const SESSION_TOUCH_SECONDS: i64 = 60;
/// The window for counting failed logins (see [`gevinst_domain::login_throttle`]).
pub const THROTTLE_WINDOW_MINUTES: i64 = login_throttle::WINDOW_MINUTES;
/// Longest lifetime of an API token with an expiry, in days.
pub const MAX_TOKEN_DAYS: u32 = 730;

impl Auth<'_> {
    /// Every tenant, for the sign-in form's choice of municipality (before anyone is signed
    /// in).
    pub async fn tenants(&self) -> Result<Vec<gevinst_domain::Tenant>> {
        Ok(self.app.store().list_tenants().await?)
    }

    /// Deletes expired sessions and failed logins older than the throttling window, so the
    /// tables do not grow without bound. `gevinst serve` runs it every hour. Returns how many
    /// sessions and failures were deleted.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<(u64, u64)> {
        let store = self.app.store();
        Ok(store
            .purge_expired(now, now - Duration::minutes(THROTTLE_WINDOW_MINUTES))
            .await?)
    }

    /// Logs a user in with tenant slug, e-mail and password, from `client` (the client's
    /// address, when known).
    ///
    /// - The attempt is counted before the password is checked, and judged by
    ///   [`login_throttle::judge`]; a refused attempt is [`AppError::Throttled`] and costs no
    ///   password check.
    /// - The check runs through the [`PasswordGate`]; beyond its queue the attempt is
    ///   [`AppError::Busy`] and not counted.
    /// - Logins, failed logins (in a tenant that exists) and the failure that starts a delay
    ///   or lockout are written to the tenant's audit log.
    pub async fn login(
        &self,
        tenant_slug: &str,
        email: &str,
        password: &str,
        client: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Principal, NewSession)> {
        let store = self.app.store();
        let slug = tenant_slug.trim().to_lowercase();
        let email = email.trim().to_lowercase();
        let keys = ThrottleKeys::new(&slug, &email, client);
        let attempt = random_secret();
        let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
        let histories = store
            .reserve_login_attempt(&attempt, &keys.all(), now, since)
            .await?;
        let [pair, account, ..] = histories[..] else {
            return Err(AppError::Internal("login attempt not reserved".into()));
        };
        let client_history = histories.get(2).copied();
        if let Err(refusal) = login_throttle::judge(pair, account, client_history, now) {
            store.release_login_attempt(&attempt).await?;
            tracing::warn!(tenant = %slug, client = ?client, "login refused: throttled");
            return Err(AppError::Throttled {
                retry_after_secs: refusal.retry_after_secs,
            });
        }
        let tenant = match store.tenant_by_slug(&slug).await {
            Ok(t) => Some(t),
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e.into()),
        };
        let creds = match &tenant {
            Some(t) => match store.user_credentials(t.id, &email).await {
                Ok(c) => Some(c),
                Err(e) if e.is_not_found() => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let checked = self
            .app
            .passwords()
            .verify(password, creds.as_ref().map(|c| c.password_hash.as_str()))
            .await;
        let matched = match checked {
            Ok(m) => m,
            Err(e) => {
                // Not checked (busy): not counted either.
                store.release_login_attempt(&attempt).await?;
                return Err(e);
            }
        };
        // A failure's reserved rows stay: they are the failure. Without a tenant there is no
        // audit log to write it to.
        let Some(tenant) = tenant else {
            return Err(AppError::Unauthenticated);
        };
        let creds = match creds {
            Some(c) if matched && c.user.active => c,
            other => {
                let failure = FailedLogin {
                    user: other.map(|c| c.user.id),
                    email: &email,
                    client,
                    lockout: login_throttle::failure_starts_lockout(pair, account),
                };
                store.record_failed_login(tenant.id, &failure).await?;
                return Err(AppError::Unauthenticated);
            }
        };
        store.release_login_attempt(&attempt).await?;
        store.clear_login_failures(&keys.pair).await?;
        let session = NewSession {
            cookie_value: random_secret(),
            csrf_token: random_secret(),
            expires_at: now + Duration::hours(SESSION_HOURS),
        };
        store
            .create_session(
                &SessionRecord {
                    token_hash: secret_hash(&session.cookie_value),
                    tenant_id: tenant.id,
                    user_id: creds.user.id,
                    csrf_token: session.csrf_token.clone(),
                    expires_at: session.expires_at,
                    last_seen_at: now,
                },
                client,
            )
            .await?;
        Ok((Principal::new(creds.user, tenant), session))
    }

    /// Resolves a session cookie to the user and the session's CSRF token. A session idle
    /// for more than [`SESSION_IDLE_MINUTES`] ends here.
    pub async fn from_session(
        &self,
        cookie_value: &str,
        now: DateTime<Utc>,
    ) -> Result<(Principal, String)> {
        let store = self.app.store();
        let hash = secret_hash(cookie_value);
        let record = store
            .session(&hash, now)
            .await
            .map_err(not_found_is_unauthenticated)?;
        let idle = now - record.last_seen_at;
        if idle > Duration::minutes(SESSION_IDLE_MINUTES) {
            store.delete_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let principal = load_principal(store, record.tenant_id, record.user_id).await?;
        if idle > Duration::seconds(SESSION_TOUCH_SECONDS) {
            store.touch_session(&hash, now).await?;
        }
        Ok((principal, record.csrf_token))
    }

    /// Resolves a bearer token to its user, used from `client` (the client's address, when
    /// known). A token used from an address it was not last used from is audited.
    pub async fn from_api_token(
        &self,
        token: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<Principal> {
        let store = self.app.store();
        if !token.starts_with(API_TOKEN_PREFIX) || token.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let used = store
            .use_api_token(&secret_hash(token), now, client)
            .await
            .map_err(not_found_is_unauthenticated)?;
        let principal = load_principal(store, used.tenant_id, used.user_id).await?;
        if let Some(client) = client {
            if used.previous_client.as_deref() != Some(client) {
                store.record_token_use(&used, client).await?;
            }
        }
        Ok(principal)
    }

    /// Ends a session, and audits the logout when the session was live.
    pub async fn logout(&self, cookie_value: &str, client: Option<&str>) -> Result<()> {
        self.app
            .store()
            .end_session(&secret_hash(cookie_value), Utc::now(), client)
            .await?;
        Ok(())
    }

    /// Changes the principal's own password: the current one must be given. The user's other
    /// sessions end (the one with cookie `keep_session`, this one, stays); their API tokens,
    /// which they hold themselves, stay.
    pub async fn change_own_password(
        &self,
        who: &Principal,
        keep_session: Option<&str>,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let store = self.app.store();
        let creds = store
            .user_credentials(who.tenant.id, who.user.email.as_str())
            .await?;
        if !self
            .app
            .passwords()
            .verify(current, Some(&creds.password_hash))
            .await?
        {
            return Err(FieldErrors::single(
                "current_password",
                "wrong",
                "Den nuværende adgangskode er forkert.",
            )
            .into());
        }
        if current == new {
            return Err(FieldErrors::single(
                "password",
                "unchanged",
                "Den nye adgangskode skal være en anden end den nuværende.",
            )
            .into());
        }
        gevinst_domain::user::validate_password(new, &password_context(&who.user, &who.tenant))?;
        let hash = hash_password(new)?;
        store
            .set_password(who.tenant.id, who.actor_id(), who.user.id, &hash)
            .await?;
        let keep = keep_session.map(secret_hash);
        store
            .delete_user_sessions(who.tenant.id, who.user.id, keep.as_deref())
            .await?;
        Ok(())
    }

    /// Creates a personal API token for the principal, expiring after `expires_in_days` when
    /// given; returns the token (shown once).
    pub async fn create_token(
        &self,
        who: &Principal,
        name: &str,
        expires_in_days: Option<u32>,
    ) -> Result<(String, ApiTokenInfo)> {
        issue_token(
            self.app.store(),
            &who.tenant,
            Some(who.user.id),
            who.user.id,
            name,
            expires_in_days,
        )
        .await
    }

    /// The principal's own tokens.
    pub async fn list_tokens(&self, who: &Principal) -> Result<Vec<ApiTokenInfo>> {
        let store = self.app.store();
        Ok(store.list_api_tokens(who.tenant.id, who.user.id).await?)
    }

    /// Revokes one of the principal's own tokens.
    pub async fn revoke_token(&self, who: &Principal, id: i64) -> Result<()> {
        let store = self.app.store();
        Ok(store
            .revoke_api_token(who.tenant.id, who.user.id, id)
            .await?)
    }
}

/// The authenticated user with their tenant, as every use case receives them.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The acting user, for permission checks.
    pub actor: Actor,
    /// The user record.
    pub user: User,
    /// The user's tenant.
    pub tenant: Tenant,
}

impl Principal {
    fn new(user: User, tenant: Tenant) -> Self {
        let actor = Actor {
            tenant_id: tenant.id,
            user_id: user.id,
            role: user.role,
            units: user.units.clone(),
        };
        Principal {
            actor,
            user,
            tenant,
        }
    }

    /// The user's id, for the audit log.
    pub fn actor_id(&self) -> Option<UserId> {
        Some(self.user.id)
    }
}

/// A session just created by [`login`](Auth::login): the cookie value (secret) and the CSRF token.
#[derive(Clone)]
pub struct NewSession {
    /// The value to put in the session cookie. Only its hash is stored.
    pub cookie_value: String,
    /// The CSRF token to embed in forms.
    pub csrf_token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

async fn load_principal(store: &dyn Store, tenant: TenantId, user: UserId) -> Result<Principal> {
    let user = store
        .user(tenant, user)
        .await
        .map_err(not_found_is_unauthenticated)?;
    if !user.active {
        return Err(AppError::Unauthenticated);
    }
    let tenant = store
        .tenant(tenant)
        .await
        .map_err(not_found_is_unauthenticated)?;
    Ok(Principal::new(user, tenant))
}

fn not_found_is_unauthenticated(e: gevinst_store::StoreError) -> AppError {
    if e.is_not_found() {
        AppError::Unauthenticated
    } else {
        e.into()
    }
}

/// The words a password must not be built from, for this user.
pub(crate) fn password_context<'a>(user: &'a User, tenant: &'a Tenant) -> [&'a str; 4] {
    [
        user.email.as_str(),
        user.name.as_str(),
        tenant.slug.as_str(),
        tenant.name.as_str(),
    ]
}

/// Checks a token lifetime in days: `None` (no expiry) or 1–[`MAX_TOKEN_DAYS`].
pub fn token_expiry(
    days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldErrors> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Ok(Some(now + Duration::days(d.into()))),
        Some(_) => Err(FieldErrors::single(
            "expires_in_days",
            "out_of_range",
            format!(
                "Udløb skal være mellem 1 og {MAX_TOKEN_DAYS} dage, eller tomt for intet udløb."
            ),
        )),
    }
}

/// Makes an API token for `owner` in `tenant`, created by `by` (`None`: the operator), after
/// checking its name ([`token_name`]) and lifetime ([`token_expiry`]); both problems at once.
/// Returns the token (shown once) and what is stored about it.
pub(crate) async fn issue_token(
    store: &dyn Store,
    tenant: &gevinst_domain::Tenant,
    by: Option<UserId>,
    owner: UserId,
    name: &str,
    expires_in_days: Option<u32>,
) -> Result<(String, ApiTokenInfo)> {
    let name = token_name(name);
    let expires = token_expiry(expires_in_days, Utc::now());
    let (name, expires_at) = match (name, expires) {
        (Ok(n), Ok(e)) => (n, e),
        (n, e) => {
            let mut errors = n.err().unwrap_or_default();
            errors.0.extend(e.err().unwrap_or_default().0);
            return Err(errors.into());
        }
    };
    let (token, hash) = new_api_token();
    let info = store
        .create_api_token(tenant.id, by, owner, &name, &hash, expires_at)
        .await?;
    Ok((token, info))
}

/// Checks an API token's name: 1–80 characters after cleaning.
pub fn token_name(name: &str) -> Result<String, FieldErrors> {
    let name = gevinst_domain::text::clean(name, false);
    if name.is_empty() || gevinst_domain::text::char_len(&name) > 80 {
        return Err(FieldErrors::single(
            "name",
            "invalid",
            "Giv nøglen et navn på 1-80 tegn.",
        ));
    }
    Ok(name)
}

/// Whether a submitted CSRF token matches the session's, in constant time.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
