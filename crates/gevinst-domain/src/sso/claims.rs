//! Reading who someone is from the claims of a verified ID token (or the userinfo answer).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which claims carry the e-mail, the name and the groups. Providers differ: Entra ID sends
/// `preferred_username` or `email` and the groups as object ids in `groups` (or app roles in
/// `roles`); OS2faktor and Keycloak-like providers send names. A name may be a dotted path
/// into nested claims, e.g. `realm_access.roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ClaimNames {
    /// The e-mail claim (default `email`).
    pub email: String,
    /// The display name claim (default `name`).
    pub name: String,
    /// The groups claim (default `groups`).
    pub groups: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            email: "email".into(),
            name: "name".into(),
            groups: "groups".into(),
        }
    }
}

impl ClaimNames {
    /// The names with empty ones replaced by the defaults.
    pub fn or_defaults(&self) -> ClaimNames {
        let d = ClaimNames::default();
        let pick = |v: &str, d: String| {
            if v.trim().is_empty() {
                d
            } else {
                v.trim().to_owned()
            }
        };
        ClaimNames {
            email: pick(&self.email, d.email),
            name: pick(&self.name, d.name),
            groups: pick(&self.groups, d.groups),
        }
    }
}

/// Who the provider says the person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExternalIdentity {
    /// The e-mail, trimmed and lower-cased.
    pub email: String,
    /// The display name (the e-mail when the provider sends none).
    pub name: String,
    /// The groups (or app roles), as sent.
    pub groups: Vec<String>,
}

fn at_path<'a>(claims: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(path) {
        return Some(v);
    }
    path.split('.').try_fold(claims, |v, key| v.get(key))
}

/// Reads the identity from `claims` by `names`. `None` when there is no usable e-mail: it
/// is what users are matched and shown by, so the sign-in is refused
/// ([`super::Refusal::MissingEmail`]). Groups may come as a list of strings or one string.
pub fn identity_from_claims(claims: &Value, names: &ClaimNames) -> Option<ExternalIdentity> {
    let names = names.or_defaults();
    let email = at_path(claims, &names.email)?
        .as_str()?
        .trim()
        .to_lowercase();
    let (local, domain) = email.split_once('@')?;
    if local.is_empty() || domain.is_empty() || email.len() > 254 {
        return None;
    }
    let name = at_path(claims, &names.name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| email.clone(), |n| n.chars().take(200).collect());
    let groups = match at_path(claims, &names.groups) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty())
            .collect(),
        Some(Value::String(g)) if !g.trim().is_empty() => vec![g.trim().to_owned()],
        _ => Vec::new(),
    };
    Some(ExternalIdentity {
        email,
        name,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_configured_claims() {
        let claims = json!({"email": " Anna@Kommune.DK ", "name": "Anna Berg",
            "groups": ["GG-Gevinst-Porteføljeleder", "", "Alle"]});
        let id = identity_from_claims(&claims, &ClaimNames::default()).unwrap();
        assert_eq!(id.email, "anna@kommune.dk");
        assert_eq!(id.name, "Anna Berg");
        assert_eq!(id.groups, ["GG-Gevinst-Porteføljeleder", "Alle"]);
    }

    #[test]
    fn other_claim_names_and_nested_paths() {
        let claims = json!({"preferred_username": "bo@k.dk",
            "realm_access": {"roles": ["leder"]}, "displayName": "Bo"});
        let names = ClaimNames {
            email: "preferred_username".into(),
            name: "displayName".into(),
            groups: "realm_access.roles".into(),
        };
        let id = identity_from_claims(&claims, &names).unwrap();
        assert_eq!((id.email.as_str(), id.name.as_str()), ("bo@k.dk", "Bo"));
        assert_eq!(id.groups, ["leder"]);
    }

    #[test]
    fn a_missing_or_unusable_email_is_no_identity() {
        let n = ClaimNames::default();
        assert_eq!(identity_from_claims(&json!({"name": "X"}), &n), None);
        assert_eq!(identity_from_claims(&json!({"email": 42}), &n), None);
        assert_eq!(identity_from_claims(&json!({"email": "no-at"}), &n), None);
        let only = identity_from_claims(&json!({"email": "a@b", "groups": "G"}), &n).unwrap();
        assert_eq!((only.name.as_str(), only.groups.len()), ("a@b", 1));
    }
}
