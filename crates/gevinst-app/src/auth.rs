//! Authentication: password hashing (argon2id), sessions, API tokens and login throttling.

use crate::{AppError, Result};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id (the crate's defaults: m=19 MiB, t=2, p=1) into a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
}

/// Checks a password against a PHC hash. A malformed hash is simply "no match".
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

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
    fn passwords_hash_and_verify() {
        let h = hash_password("korrekt-hest-batteri").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("korrekt-hest-batteri", &h));
        assert!(!verify_password("forkert", &h));
        assert!(!verify_password("x", "not a hash"));
    }

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
use gevinst_domain::{Actor, Tenant, User, UserId};
use gevinst_store::{ApiTokenInfo, SessionRecord, Store};

/// How long a browser session lives (absolute): one working day.
pub const SESSION_HOURS: i64 = 10;
/// Failed logins allowed per account in [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
/// Failed logins allowed per client address in [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_CLIENT: u32 = 30;
/// The window for counting failed logins.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Deletes expired sessions and failed logins older than the throttling window, so the
/// tables do not grow without bound. `gevinst serve` runs it every hour. Returns how many
/// sessions and failures were deleted.
pub async fn purge_expired(store: &dyn Store, now: DateTime<Utc>) -> Result<(u64, u64)> {
    Ok(store
        .purge_expired(now, now - Duration::minutes(THROTTLE_WINDOW_MINUTES))
        .await?)
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

/// A session just created by [`login`]: the cookie value (secret) and the CSRF token.
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

/// A fixed argon2id hash to verify against when the account does not exist, so a wrong
/// e-mail costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default())
}

async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Logs a user in with tenant slug, e-mail and password.
///
/// Throttling: after [`MAX_FAILURES_PER_ACCOUNT`] failures for one account, or
/// [`MAX_FAILURES_PER_CLIENT`] from one client address, within
/// [`THROTTLE_WINDOW_MINUTES`], further attempts are refused with
/// [`AppError::Throttled`] without checking the password.
pub async fn login(
    store: &dyn Store,
    tenant_slug: &str,
    email: &str,
    password: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Principal, NewSession)> {
    let slug = tenant_slug.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{slug}:{email}");
    let client_key = client.map(|c| format!("client:{c}"));
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    if store.login_failures_since(&account_key, since).await? >= MAX_FAILURES_PER_ACCOUNT {
        return Err(AppError::Throttled);
    }
    if let Some(k) = &client_key {
        if store.login_failures_since(k, since).await? >= MAX_FAILURES_PER_CLIENT {
            return Err(AppError::Throttled);
        }
    }
    let found = match store.tenant_by_slug(&slug).await {
        Ok(tenant) => match store.user_credentials(tenant.id, &email).await {
            Ok(c) => Some((tenant, c)),
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e.into()),
        },
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let hash = found
        .as_ref()
        .map(|(_, c)| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let ok = verify_blocking(password.to_owned(), hash).await;
    let Some((tenant, creds)) = found.filter(|(_, c)| ok && c.user.active) else {
        store.record_login_failure(&account_key, now).await?;
        if let Some(k) = &client_key {
            store.record_login_failure(k, now).await?;
        }
        return Err(AppError::Unauthenticated);
    };
    store.clear_login_failures(&account_key).await?;
    let session = NewSession {
        cookie_value: random_secret(),
        csrf_token: random_secret(),
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    store
        .create_session(&SessionRecord {
            token_hash: secret_hash(&session.cookie_value),
            tenant_id: tenant.id,
            user_id: creds.user.id,
            csrf_token: session.csrf_token.clone(),
            expires_at: session.expires_at,
        })
        .await?;
    Ok((Principal::new(creds.user, tenant), session))
}

/// Resolves a session cookie to the user and the session's CSRF token.
pub async fn from_session(
    store: &dyn Store,
    cookie_value: &str,
    now: DateTime<Utc>,
) -> Result<(Principal, String)> {
    let record = store
        .session(&secret_hash(cookie_value), now)
        .await
        .map_err(not_found_is_unauthenticated)?;
    let principal = load_principal(store, record.tenant_id, record.user_id).await?;
    Ok((principal, record.csrf_token))
}

/// Resolves a bearer token to its user.
pub async fn from_api_token(
    store: &dyn Store,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Principal> {
    if !token.starts_with(API_TOKEN_PREFIX) || token.len() > 200 {
        return Err(AppError::Unauthenticated);
    }
    let (tenant, user) = store
        .use_api_token(&secret_hash(token), now)
        .await
        .map_err(not_found_is_unauthenticated)?;
    load_principal(store, tenant, user).await
}

async fn load_principal(
    store: &dyn Store,
    tenant: gevinst_domain::TenantId,
    user: UserId,
) -> Result<Principal> {
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

/// Ends a session.
pub async fn logout(store: &dyn Store, cookie_value: &str) -> Result<()> {
    store.delete_session(&secret_hash(cookie_value)).await?;
    Ok(())
}

/// Creates a personal API token for the principal; returns the token (shown once).
pub async fn create_token(
    store: &dyn Store,
    who: &Principal,
    name: &str,
) -> Result<(String, ApiTokenInfo)> {
    let name = gevinst_domain::text::clean(name, false);
    if name.is_empty() || gevinst_domain::text::char_len(&name) > 80 {
        return Err(gevinst_domain::FieldErrors::single(
            "name",
            "invalid",
            "Giv nøglen et navn på 1-80 tegn.",
        )
        .into());
    }
    let (token, hash) = new_api_token();
    let info = store
        .create_api_token(who.tenant.id, Some(who.user.id), who.user.id, &name, &hash)
        .await?;
    Ok((token, info))
}

/// The principal's own tokens.
pub async fn list_tokens(store: &dyn Store, who: &Principal) -> Result<Vec<ApiTokenInfo>> {
    Ok(store.list_api_tokens(who.tenant.id, who.user.id).await?)
}

/// Revokes one of the principal's own tokens.
pub async fn revoke_token(store: &dyn Store, who: &Principal, id: i64) -> Result<()> {
    Ok(store
        .revoke_api_token(who.tenant.id, who.user.id, id)
        .await?)
}

/// Whether a submitted CSRF token matches the session's, in constant time.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
