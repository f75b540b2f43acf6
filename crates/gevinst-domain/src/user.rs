//! Users and their roles.

use crate::ids::{TenantId, UnitId, UserId};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// What a user may do in their tenant. See [`crate::access`] for the rules.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tenant settings, users, units, and everything a porteføljeleder may do.
    Admin,
    /// *Porteføljeleder*: everything in the tenant's portfolio.
    Portefoljeleder,
    /// *Digital agent*: creates and edits potentials in the units they are assigned to.
    DigitalAgent,
    /// *Leder*: benefit owner (gevinstejer); edits and decides in their own units.
    Leder,
    /// *Læser*: read-only (direction, MED committee, politicians). May still submit ideas.
    Laeser,
}

impl Role {
    /// All roles, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Portefoljeleder,
        Role::DigitalAgent,
        Role::Leder,
        Role::Laeser,
    ];

    /// The stable API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Portefoljeleder => "portefoljeleder",
            Role::DigitalAgent => "digital_agent",
            Role::Leder => "leder",
            Role::Laeser => "laeser",
        }
    }

    /// Parses the API name; also accepts the Danish spellings `porteføljeleder` and `læser`.
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_lowercase().replace(['-', ' '], "_");
        match s.as_str() {
            "porteføljeleder" => Some(Role::Portefoljeleder),
            "læser" => Some(Role::Laeser),
            "digital_agent" | "digitalagent" => Some(Role::DigitalAgent),
            other => Role::ALL.into_iter().find(|r| r.as_str() == other),
        }
    }

    /// The Danish label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Portefoljeleder => "Porteføljeleder",
            Role::DigitalAgent => "Digital agent",
            Role::Leder => "Leder",
            Role::Laeser => "Læser",
        }
    }

    /// Whether the role's rights are limited to assigned units.
    pub fn is_unit_scoped(self) -> bool {
        matches!(self, Role::DigitalAgent | Role::Leder)
    }
}

/// An e-mail address, trimmed and lower-cased. Only the shape is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates an address: one `@`, something on both sides, a dot in the domain,
    /// no spaces, at most 254 characters.
    pub fn parse(input: &str) -> Result<Email, FieldErrors> {
        let s = input.trim().to_lowercase();
        let bad = || FieldErrors::single("email", "invalid", "Angiv en gyldig e-mailadresse.");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let mut parts = s.splitn(2, '@');
        let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Email(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user account. The password hash is never part of this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// The tenant the user belongs to.
    pub tenant_id: TenantId,
    /// Login e-mail, unique within the tenant.
    pub email: Email,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Units the user is assigned to (for digital agents and ledere).
    pub units: Vec<UnitId>,
    /// Deactivated users cannot log in or use tokens.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Input for creating or changing a user, before validation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewUserDraft {
    /// E-mail.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role, by API name.
    pub role: String,
    /// Assigned units.
    #[serde(default)]
    pub units: Vec<UnitId>,
}

/// A validated user draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    /// E-mail.
    pub email: Email,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Assigned units (deduplicated).
    pub units: Vec<UnitId>,
}

impl NewUserDraft {
    /// Validates the draft. `unit_exists` answers whether a unit id belongs to the tenant.
    pub fn validate(&self, unit_exists: impl Fn(UnitId) -> bool) -> Result<ValidUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = Email::parse(&self.email)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let name = crate::text::required_name("name", &self.name, 120, "Navnet")
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.add("role", "invalid", "Vælg en rolle.");
        }
        let mut units = self.units.clone();
        units.sort();
        units.dedup();
        if units.iter().any(|u| !unit_exists(*u)) {
            errors.add("units", "unknown", "En af de valgte enheder findes ikke.");
        }
        if errors.is_empty() {
            if let (Some(email), Some(name), Some(role)) = (email, name, role) {
                return Ok(ValidUser {
                    email,
                    name,
                    role,
                    units,
                });
            }
        }
        Err(errors)
    }
}

/// Checks a new password: 10–200 characters.
pub fn validate_password(pw: &str) -> Result<(), FieldErrors> {
    let n = pw.chars().count();
    if n < 10 {
        return Err(FieldErrors::single(
            "password",
            "too_short",
            "Adgangskoden skal være mindst 10 tegn.",
        ));
    }
    if n > 200 {
        return Err(FieldErrors::single(
            "password",
            "too_long",
            "Adgangskoden må højst være 200 tegn.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Porteføljeleder"), Some(Role::Portefoljeleder));
        assert_eq!(Role::parse("læser"), Some(Role::Laeser));
        assert_eq!(Role::parse("digital-agent"), Some(Role::DigitalAgent));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Anna@Kommune.DK ").unwrap().as_str(),
            "anna@kommune.dk"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@kommune.dk",
            "a b@k.dk",
            "a@b",
            "a@@b.dk",
            "a@.dk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_draft_collects_all_errors() {
        let d = NewUserDraft {
            email: "x".into(),
            name: " ".into(),
            role: "boss".into(),
            units: vec![UnitId(9)],
        };
        let e = d.validate(|_| false).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "name", "role", "units"]);
    }

    #[test]
    fn passwords() {
        assert!(validate_password("kort").is_err());
        assert!(validate_password("lang-nok-adgangskode").is_ok());
    }
}
