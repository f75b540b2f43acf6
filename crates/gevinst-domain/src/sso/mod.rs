//! Single sign-on with OpenID Connect (*SSO*, issue 13): a tenant's identity provider
//! (Microsoft Entra ID, OS2faktor, AD FS …) signs its staff in, and the groups it sends
//! decide their role and units in gevinst.
//!
//! This module holds the pure rules; the protocol itself (discovery, the code flow with PKCE,
//! token signatures) lives in the application layer on the `openidconnect` crate.
//!
//! - [`SsoSettings`]: one tenant's provider, client, scopes and claim names, and whether
//!   local passwords still work.
//! - [`GroupRule`] and [`map_groups`]: provider group → role (and unit), applied at every
//!   sign-in.
//! - [`identity_from_claims`]: the e-mail, name and groups read from the claims by the
//!   configured claim names.
//! - [`Refusal`]: every reason a sign-in is refused, with the Danish text the refusal page
//!   shows.

mod claims;
mod groups;
mod refusal;
mod settings;

pub use claims::{identity_from_claims, ClaimNames, ExternalIdentity};
pub use groups::{map_groups, validate_group_rule, GroupMapping, GroupRule, GroupRuleDraft};
pub use refusal::{Refusal, TokenProblem};
pub use settings::{
    password_login_allowed, validate_settings, ApiClientRule, ApiClientRuleDraft, SecretSource,
    SsoSettings, SsoSettingsDraft, DEFAULT_SCOPES,
};

/// The callback path the provider redirects back to after sign-in. Register
/// `https://<host>/login/oidc/callback` as the redirect URI at the provider.
pub const CALLBACK_PATH: &str = "/login/oidc/callback";

/// The page the provider sends the browser to after RP-initiated logout. Register
/// `https://<host>/logget-ud` as the post-logout redirect URI.
pub const POST_LOGOUT_PATH: &str = "/logget-ud";
