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

/// Words Danish users build passwords from, which the strength check's English
/// dictionaries do not know. Matched like dictionary words (case-insensitive, also with
/// digits and symbols around them).
const DANISH_PASSWORD_WORDS: &[&str] = &[
    "adgangskode",
    "kodeord",
    "password",
    "velkommen",
    "hemmelig",
    "sommer",
    "vinter",
    "foraar",
    "efteraar",
    "kommune",
    "kommunen",
    "danmark",
    "kobenhavn",
    "aarhus",
    "odense",
    "aalborg",
    "kalundborg",
    "gevinst",
    "borger",
    "medarbejder",
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
    "mandag",
    "fredag",
    "hjemmepleje",
    "jobcenter",
    "skole",
];

/// The least strength (zxcvbn's score, 0–4) a new password must have: 3 means more
/// than about 10¹⁰ guesses ("safely unguessable" for an online attacker, and
/// OWASP ASVS 2.1.7's check against breached and common passwords).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Checks a new password: 10–200 characters, and not guessable. `user_inputs` are words
/// an attacker would try first for this user (e-mail, name, the municipality); Danish
/// words common in passwords are always added.
pub fn validate_password(pw: &str, user_inputs: &[&str]) -> Result<(), FieldErrors> {
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
    let mut words: Vec<&str> = DANISH_PASSWORD_WORDS.to_vec();
    // The e-mail's parts ("anna.andersen@kalundborg.dk" gives anna, andersen, kalundborg).
    let parts = user_inputs
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3);
    words.extend(user_inputs.iter().copied());
    words.extend(parts);
    let score = u8::from(zxcvbn::zxcvbn(pw, &words).score());
    if score < MIN_PASSWORD_SCORE {
        return Err(FieldErrors::single(
            "password",
            "too_weak",
            "Adgangskoden er for let at gætte, fx fordi den bygger på et almindeligt ord, et navn, \
             en dato eller en talrække. Brug fx tre-fire tilfældige ord med bindestreg imellem.",
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
        let code = |pw: &str, inputs: &[&str]| {
            validate_password(pw, inputs)
                .err()
                .map(|e| e.0[0].code.clone())
        };
        assert_eq!(code("kort", &[]).as_deref(), Some("too_short"));
        assert_eq!(code(&"x".repeat(201), &[]).as_deref(), Some("too_long"));
        // Long enough, but guessable: the review's examples and Danish favourites.
        for weak in [
            "aaaaaaaaaa",
            "1234567890",
            "password123",
            "Sommer2024!",
            "Kodeord1234",
            "qwertyuiop",
        ] {
            assert_eq!(code(weak, &[]).as_deref(), Some("too_weak"), "{weak}");
        }
        // Built from the user's own name or municipality.
        for own in ["Kalundborg2024", "andersen1234", "Annaandersen"] {
            assert_eq!(
                code(own, &["anna@kalundborg.dk", "Anna Andersen"]).as_deref(),
                Some("too_weak"),
                "{own}"
            );
        }
        for strong in [
            "korrekt-hest-batteri-klips",
            "Sikker-Adgang-til-Gevinst-2026",
        ] {
            assert_eq!(code(strong, &["anna@kalundborg.dk"]), None, "{strong}");
        }
    }
}
