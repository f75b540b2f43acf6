//! Tenants (municipalities) and their per-tenant lists.

use crate::ids::TenantId;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// A tenant's short name used in logins and URLs, e.g. `eksempel` or `kalundborg`:
/// 2–40 characters of `a-z`, `0-9` and `-`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Validates a slug.
    pub fn parse(input: &str) -> Result<Slug, FieldErrors> {
        let s = input.trim().to_lowercase();
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if s.len() < 2 || s.len() > 40 || !ok_chars || s.starts_with('-') || s.ends_with('-') {
            return Err(FieldErrors::single(
                "slug",
                "invalid",
                "Kortnavnet skal være 2-40 tegn: små bogstaver a-z, tal og bindestreg.",
            ));
        }
        Ok(Slug(s))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A municipality using gevinst. Every other record belongs to exactly one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tenant {
    /// Id.
    pub id: TenantId,
    /// Short name, e.g. `eksempel`.
    pub slug: Slug,
    /// Display name, e.g. "Eksempel Kommune".
    pub name: String,
    /// Optimistic-concurrency version of the tenant's settings.
    pub version: i64,
}

/// Validates a tenant's display name (1–120 characters).
pub fn validate_tenant_name(input: &str) -> Result<String, FieldErrors> {
    crate::text::required_name("name", input, 120, "Navnet")
}

/// An entry in a per-tenant list: a fagområde or a technology type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CatalogueItem {
    /// Id (a [`crate::FagomraadeId`] or [`crate::TechnologyId`] value).
    pub id: i64,
    /// Name shown to users.
    pub name: String,
    /// Position in lists.
    pub position: i32,
    /// Inactive entries stay on old potentials but are not offered for new ones.
    pub active: bool,
}

/// Validates the name of a list entry (1–80 characters).
pub fn validate_catalogue_name(input: &str) -> Result<String, FieldErrors> {
    crate::text::required_name("name", input, 80, "Navnet")
}

/// The fagområder a new tenant starts with.
pub const DEFAULT_FAGOMRAADER: [&str; 5] = [
    "Beskæftigelse",
    "Social og sundhed",
    "Teknik og miljø",
    "Børn og kultur",
    "Administration/tværgående",
];

/// The technology types a new tenant starts with.
pub const DEFAULT_TECHNOLOGIES: [&str; 10] = [
    "RPA/softwarerobot",
    "Chatbot/AI-assistent",
    "Skærmbesøg/video",
    "Velfærdsteknologi",
    "Sensorer/IoT",
    "Talegenkendelse",
    "Selvbetjening",
    "Integration/data",
    "Procesændring uden ny teknologi",
    "Andet",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(Slug::parse(" Eksempel ").unwrap().as_str(), "eksempel");
        assert!(Slug::parse("kalundborg-2").is_ok());
        for bad in ["", "a", "-ab", "ab-", "æble", "a b", &"x".repeat(41), "a/b"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            validate_tenant_name("  Eksempel Kommune ").unwrap(),
            "Eksempel Kommune"
        );
        assert!(validate_tenant_name(" ").is_err());
        assert!(validate_catalogue_name(&"y".repeat(81)).is_err());
    }
}
