//! A tenant's SSO settings and their validation.

use super::claims::ClaimNames;
use crate::ids::UserId;
use crate::user::Role;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// The scopes asked for when a tenant has not chosen: the ID token's subject, e-mail and
/// name. Providers that send groups only on request need their own scope added
/// (e.g. `groups`).
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// Where a tenant's client secret comes from. The secret itself is never read back: not in
/// the UI, the API, the CLI or the logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretSource {
    /// No secret yet (the settings cannot be enabled).
    Missing,
    /// Stored encrypted in the database.
    Stored,
    /// Read from this environment variable of the server at each use.
    Environment {
        /// The variable's name, e.g. `GEVINST_OIDC_SECRET_EKSEMPEL`.
        variable: String,
    },
}

/// One tenant's OpenID Connect settings, as read back (without the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SsoSettings {
    /// Whether the login page offers sign-in with the provider.
    pub enabled: bool,
    /// The provider's issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id gevinst is registered with at the provider.
    pub client_id: String,
    /// Where the client secret comes from.
    pub secret: SecretSource,
    /// Scopes asked for; always contains `openid`.
    pub scopes: Vec<String>,
    /// Which claims carry the e-mail, the name and the groups.
    pub claims: ClaimNames,
    /// Whether local passwords still sign in. When false, only the break-glass admin may.
    pub local_passwords: bool,
    /// The administrator who may still sign in with a password when local passwords are off,
    /// so a broken provider never locks the municipality out (*nødadgang*).
    pub break_glass: Option<UserId>,
    /// The audience (`aud`) an integration's access token must carry to be accepted on the
    /// API (client credentials). `None`: no integration tokens are accepted.
    pub api_audience: Option<String>,
    /// Who users refused for lack of a mapped group should ask, shown on the refusal page
    /// (e.g. "IT-servicedesk, tlf. 5953 4400"). `None`: the page names the tenant's admins.
    pub access_contact: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// The settings as entered, before validation. `secret` is `Some` only when the admin types
/// a new one; `None` keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct SsoSettingsDraft {
    /// See [`SsoSettings::enabled`].
    pub enabled: bool,
    /// See [`SsoSettings::issuer`].
    pub issuer: String,
    /// See [`SsoSettings::client_id`].
    pub client_id: String,
    /// A new client secret to store encrypted; `None` or empty keeps the current one.
    pub secret: Option<String>,
    /// Read the secret from this environment variable instead of storing it.
    pub secret_env: Option<String>,
    /// Scopes, separated by spaces or commas; empty means [`DEFAULT_SCOPES`].
    pub scopes: String,
    /// See [`SsoSettings::claims`]; empty names take the defaults.
    pub claims: ClaimNames,
    /// See [`SsoSettings::local_passwords`].
    pub local_passwords: bool,
    /// See [`SsoSettings::break_glass`].
    pub break_glass: Option<UserId>,
    /// See [`SsoSettings::api_audience`].
    pub api_audience: Option<String>,
    /// See [`SsoSettings::access_contact`].
    pub access_contact: Option<String>,
}

/// A registered integration (client credentials): tokens the tenant's provider issued to
/// this client id act with this role on the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiClientRule {
    /// Id.
    pub id: i64,
    /// The provider's client id (`azp`/`client_id`/`appid` claim of the access token).
    pub client_id: String,
    /// A name for people, e.g. "Økonomisystemets udtræk".
    pub name: String,
    /// The role the integration acts with. Never [`Role::Admin`].
    pub role: Role,
    /// Whether tokens of this client are accepted now.
    pub active: bool,
}

/// An integration as entered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct ApiClientRuleDraft {
    /// See [`ApiClientRule::client_id`].
    pub client_id: String,
    /// See [`ApiClientRule::name`].
    pub name: String,
    /// See [`ApiClientRule::role`].
    pub role: Role,
    /// See [`ApiClientRule::active`].
    pub active: bool,
}

/// Validated settings, ready to store: the draft with defaults filled in.
impl SsoSettingsDraft {
    /// The scopes as a list, `openid` first and without duplicates.
    pub fn scope_list(&self) -> Vec<String> {
        let mut out = vec!["openid".to_owned()];
        for s in self.scopes.split([' ', ',', '\n', '\t']) {
            let s = s.trim();
            if !s.is_empty() && !out.iter().any(|o| o == s) {
                out.push(s.to_owned());
            }
        }
        if out.len() == 1 && self.scopes.trim().is_empty() {
            out = DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        }
        out
    }
}

fn is_loopback_http(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            url.starts_with(p) && matches!(url[p.len()..].chars().next(), None | Some(':' | '/'))
        })
}

/// Checks the settings as entered. `has_stored_secret` says whether a secret is already
/// stored, so enabling without typing it again is fine. The issuer must be `https://`
/// (plain `http://` only on loopback, for tests and a provider on the same machine).
pub fn validate_settings(
    draft: &SsoSettingsDraft,
    has_stored_secret: bool,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let issuer = draft.issuer.trim();
    if issuer.is_empty() {
        if draft.enabled {
            errors.add("issuer", "required", "Udfyld udbyderens issuer-URL.");
        }
    } else if !(issuer.starts_with("https://") || is_loopback_http(issuer)) {
        errors.add(
            "issuer",
            "not_https",
            "Issuer-URL'en skal begynde med https:// (http:// kun på denne maskine).",
        );
    } else if issuer.len() > 500 || issuer.contains(char::is_whitespace) {
        errors.add(
            "issuer",
            "invalid",
            "Issuer-URL'en er ikke en gyldig adresse.",
        );
    }
    let client_id = draft.client_id.trim();
    if client_id.is_empty() && draft.enabled {
        errors.add(
            "client_id",
            "required",
            "Udfyld klient-id'et fra udbyderen.",
        );
    } else if client_id.len() > 300 {
        errors.add("client_id", "too_long", "Klient-id'et er for langt.");
    }
    let new_secret = draft
        .secret
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    if let Some(var) = draft.secret_env.as_deref().filter(|v| !v.trim().is_empty()) {
        let ok = var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !var.starts_with(|c: char| c.is_ascii_digit());
        if !ok {
            errors.add(
                "secret_env",
                "invalid",
                "Miljøvariablens navn må kun indeholde A–Z, 0–9 og _.",
            );
        }
        if new_secret {
            errors.add(
                "secret",
                "conflict",
                "Angiv enten en hemmelighed eller en miljøvariabel, ikke begge.",
            );
        }
    } else if draft.enabled && !new_secret && !has_stored_secret {
        errors.add(
            "secret",
            "required",
            "Udfyld klienthemmeligheden, eller angiv en miljøvariabel.",
        );
    }
    if draft.scopes.len() > 500 {
        errors.add("scopes", "too_long", "Listen af scopes er for lang.");
    }
    for (field, name) in [
        ("claims.email", &draft.claims.email),
        ("claims.name", &draft.claims.name),
        ("claims.groups", &draft.claims.groups),
    ] {
        if name.len() > 200 || name.contains(char::is_whitespace) {
            errors.add(
                field,
                "invalid",
                "Et claim-navn må ikke indeholde mellemrum.",
            );
        }
    }
    if !draft.local_passwords && draft.break_glass.is_none() {
        errors.add(
            "break_glass",
            "required",
            "Vælg en administrator med nødadgang, før lokale adgangskoder slås fra.",
        );
    }
    if !draft.local_passwords && !draft.enabled {
        errors.add(
            "local_passwords",
            "no_way_in",
            "Lokale adgangskoder kan kun slås fra, når single sign-on er slået til.",
        );
    }
    errors.into_result(())
}

/// Whether a user may sign in with a local password: always without SSO or while local
/// passwords are on; otherwise only the break-glass administrator.
pub fn password_login_allowed(settings: Option<&SsoSettings>, user: UserId, role: Role) -> bool {
    match settings {
        Some(s) if s.enabled && !s.local_passwords => {
            s.break_glass == Some(user) && role == Role::Admin
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SsoSettingsDraft {
        SsoSettingsDraft {
            enabled: true,
            issuer: "https://login.microsoftonline.com/abc/v2.0".into(),
            client_id: "gevinst".into(),
            secret: Some("s3cret".into()),
            local_passwords: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(validate_settings(&draft(), false), Ok(()));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let mut d = draft();
        d.issuer = "http://idp.kommune.dk".into();
        let e = validate_settings(&d, false).unwrap_err();
        assert_eq!(e.0[0].code, "not_https");
        d.issuer = "http://127.0.0.1:9700".into();
        assert_eq!(validate_settings(&d, false), Ok(()));
        d.issuer = "http://127.0.0.1.evil.dk".into();
        assert!(validate_settings(&d, false).is_err());
    }

    #[test]
    fn enabling_needs_a_secret_stored_typed_or_from_the_environment() {
        let mut d = draft();
        d.secret = None;
        assert_eq!(
            validate_settings(&d, false).unwrap_err().0[0].field,
            "secret"
        );
        assert_eq!(validate_settings(&d, true), Ok(()));
        d.secret_env = Some("GEVINST_OIDC_SECRET_EKSEMPEL".into());
        assert_eq!(validate_settings(&d, false), Ok(()));
        d.secret_env = Some("BAD-NAME".into());
        assert_eq!(
            validate_settings(&d, false).unwrap_err().0[0].field,
            "secret_env"
        );
    }

    #[test]
    fn local_passwords_off_needs_a_break_glass_admin_and_sso_on() {
        let mut d = draft();
        d.local_passwords = false;
        assert_eq!(
            validate_settings(&d, false).unwrap_err().0[0].field,
            "break_glass"
        );
        d.break_glass = Some(UserId(1));
        assert_eq!(validate_settings(&d, false), Ok(()));
        d.enabled = false;
        assert_eq!(
            validate_settings(&d, false).unwrap_err().0[0].code,
            "no_way_in"
        );
    }

    #[test]
    fn scopes_always_start_with_openid() {
        let mut d = draft();
        assert_eq!(d.scope_list(), ["openid", "email", "profile"]);
        d.scopes = "email, groups openid".into();
        assert_eq!(d.scope_list(), ["openid", "email", "groups"]);
    }

    #[test]
    fn only_the_break_glass_admin_keeps_a_password_when_they_are_off() {
        let mut s = SsoSettings {
            enabled: true,
            issuer: "https://idp".into(),
            client_id: "c".into(),
            secret: SecretSource::Stored,
            scopes: vec!["openid".into()],
            claims: ClaimNames::default(),
            local_passwords: false,
            break_glass: Some(UserId(7)),
            api_audience: None,
            access_contact: None,
            version: 1,
        };
        assert!(password_login_allowed(Some(&s), UserId(7), Role::Admin));
        assert!(!password_login_allowed(Some(&s), UserId(7), Role::Laeser));
        assert!(!password_login_allowed(Some(&s), UserId(8), Role::Admin));
        assert!(password_login_allowed(None, UserId(8), Role::Laeser));
        s.local_passwords = true;
        assert!(password_login_allowed(Some(&s), UserId(8), Role::Laeser));
    }
}
