//! The append-only audit log: who changed what, when, with field-level before/after.

use crate::ids::{TenantId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kind of record an audit entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A potential.
    Potential,
    /// A user.
    User,
    /// A unit.
    Unit,
    /// The tenant itself (settings).
    Tenant,
    /// A fagområde.
    Fagomraade,
    /// A technology type.
    Technology,
    /// An API token.
    ApiToken,
    /// A potential's business case; the entity id is the potential's id.
    BusinessCase,
    /// The tenant's economic settings ([`crate::business_case::Economics`]); the entity id
    /// is the tenant's id.
    TenantSettings,
    /// A programme (targets, included potentials, distribution keys); the entity id is the
    /// programme's id.
    Programme,
    /// A potential's benefits realisation plan; the entity id is the potential's id.
    BenefitPlan,
    /// One recorded actual (realised and harvested gain); the entity id is the actual's id.
    Actual,
    /// The tenant's forecast probabilities per status
    /// ([`crate::programme::StatusProbabilities`]); the entity id is the tenant's id.
    StatusProbabilities,
    /// Signing in and out (logins, failed logins, lockouts, logouts, API token use from a
    /// new client); the entity id is the user's id, or 0 when the e-mail matched no user.
    Session,
    /// Data leaving gevinst (an export or a report download); the entity id is the
    /// tenant's id, so one query lists every export of the tenant, and the entry's
    /// changes name what was exported (see `gevinst_app::export::ExportRecord`).
    Export,
    /// A user's saved view of the potentials list (columns, filters, sort); the entity id
    /// is the view's id.
    ListView,
}

impl EntityKind {
    /// Stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Potential => "potential",
            EntityKind::User => "user",
            EntityKind::Unit => "unit",
            EntityKind::Tenant => "tenant",
            EntityKind::Fagomraade => "fagomraade",
            EntityKind::Technology => "technology",
            EntityKind::ApiToken => "api_token",
            EntityKind::BusinessCase => "business_case",
            EntityKind::TenantSettings => "tenant_settings",
            EntityKind::Programme => "programme",
            EntityKind::BenefitPlan => "benefit_plan",
            EntityKind::Actual => "actual",
            EntityKind::StatusProbabilities => "status_probabilities",
            EntityKind::Session => "session",
            EntityKind::Export => "export",
            EntityKind::ListView => "list_view",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        use EntityKind::*;
        [
            Potential,
            User,
            Unit,
            Tenant,
            Fagomraade,
            Technology,
            ApiToken,
            BusinessCase,
            TenantSettings,
            Programme,
            BenefitPlan,
            Actual,
            StatusProbabilities,
            Session,
            Export,
            ListView,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Created.
    Create,
    /// Fields changed.
    Update,
    /// Status changed (with reason).
    StatusChange,
    /// Revoked or deactivated.
    Revoke,
    /// Signed in.
    Login,
    /// A failed sign-in (wrong password, unknown e-mail or deactivated user).
    LoginFailed,
    /// Sign-in refused because of too many failures (throttled).
    Lockout,
    /// Signed out.
    Logout,
    /// An API token used from a client address it had not been used from before.
    TokenUse,
    /// Data exported (downloaded) from gevinst.
    Export,
    /// Approved by a second person (four-eyes principle).
    Approve,
}

impl AuditAction {
    /// Stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::StatusChange => "status_change",
            AuditAction::Revoke => "revoke",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Lockout => "lockout",
            AuditAction::Logout => "logout",
            AuditAction::TokenUse => "token_use",
            AuditAction::Export => "export",
            AuditAction::Approve => "approve",
        }
    }

    /// Every action.
    pub const ALL: [AuditAction; 11] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::StatusChange,
        AuditAction::Revoke,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Lockout,
        AuditAction::Logout,
        AuditAction::TokenUse,
        AuditAction::Export,
        AuditAction::Approve,
    ];

    /// Whether the action changes the tenant's data. Security events (sign-ins, exports)
    /// are audited but do not change any figure, so they do not invalidate cached
    /// forecasts (see the store's `data_version`).
    pub fn changes_data(self) -> bool {
        !matches!(
            self,
            AuditAction::Login
                | AuditAction::LoginFailed
                | AuditAction::Lockout
                | AuditAction::Logout
                | AuditAction::TokenUse
                | AuditAction::Export
        )
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        AuditAction::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Create => "Oprettet",
            AuditAction::Update => "Ændret",
            AuditAction::StatusChange => "Status ændret",
            AuditAction::Revoke => "Tilbagekaldt",
            AuditAction::Login => "Logget ind",
            AuditAction::LoginFailed => "Mislykket login",
            AuditAction::Lockout => "Login spærret",
            AuditAction::Logout => "Logget ud",
            AuditAction::TokenUse => "API-nøgle brugt fra ny adresse",
            AuditAction::Export => "Eksporteret",
            AuditAction::Approve => "Godkendt",
        }
    }
}

/// One field's value before and after. `null` means absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// Field name, as in the API.
    pub field: String,
    /// Value before (JSON).
    pub before: Value,
    /// Value after (JSON).
    pub after: Value,
}

/// An audit entry to be written, in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    /// What kind of record.
    pub entity: EntityKind,
    /// Its id.
    pub entity_id: i64,
    /// What happened.
    pub action: AuditAction,
    /// Who did it (`None` for the system, e.g. the CLI or the demo loader).
    pub user_id: Option<UserId>,
    /// Who did it when not a tenant user: an operator (`cli:root@host`) or the system
    /// (`system:demo`). `None` lets the store name the operator it acts for; ignored when
    /// `user_id` is set.
    pub actor: Option<String>,
    /// The field changes.
    pub changes: Vec<FieldChange>,
    /// A reason, for status changes.
    pub reason: Option<String>,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Id; increases with time.
    pub id: i64,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Kind of record.
    pub entity: EntityKind,
    /// Record id.
    pub entity_id: i64,
    /// What happened.
    pub action: AuditAction,
    /// Who (`None` for the system).
    pub user_id: Option<UserId>,
    /// The user's name at read time, when known.
    pub user_name: Option<String>,
    /// Who did it when not a tenant user (`cli:root@host`, `system:demo`); `None` for a
    /// user, or for the system in entries written before operators were recorded.
    pub actor: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// Field-level changes.
    pub changes: Vec<FieldChange>,
    /// Reason, for status changes.
    pub reason: Option<String>,
}

/// The longest operator name recorded (longer names are cut).
const MAX_ACTOR_CHARS: usize = 200;

/// The actor name of an operator using the command line: `cli:USER@HOST`. Control
/// characters are dropped and the name is cut to a sane length, since both parts come
/// from the environment.
pub fn cli_actor(os_user: &str, host: &str) -> String {
    let clean = |s: &str| -> String {
        let s: String = s.chars().filter(|c| !c.is_control()).collect();
        let s = s.trim();
        if s.is_empty() {
            "unknown".to_owned()
        } else {
            s.to_owned()
        }
    };
    format!("cli:{}@{}", clean(os_user), clean(host))
        .chars()
        .take(MAX_ACTOR_CHARS)
        .collect()
}

/// The Danish label of a non-user actor, for history views: `cli:root@host` is
/// "Kommandolinje (root@host)", `system:demo` is "System (demo)", and an entry without
/// one is "Systemet".
pub fn actor_label(actor: Option<&str>) -> String {
    match actor.map(|a| (a, a.split_once(':'))) {
        Some((_, Some(("cli", who)))) => format!("Kommandolinje ({who})"),
        Some((_, Some(("system", what)))) if !what.is_empty() => format!("System ({what})"),
        None | Some(("system", None)) => "Systemet".to_owned(),
        Some((a, _)) => format!("System ({a})"),
    }
}

/// Fields never shown in a diff: bookkeeping that changes on every write.
const IGNORED: [&str; 5] = ["id", "tenant_id", "version", "created_at", "updated_at"];

/// Field-level differences between two JSON objects (e.g. a record serialised before and
/// after a change). Keys are compared in sorted order; bookkeeping fields are skipped.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !IGNORED.contains(&k.as_str()))
        .filter_map(|k| {
            let bv = b.get(k).cloned().unwrap_or(Value::Null);
            let av = a.get(k).cloned().unwrap_or(Value::Null);
            (bv != av).then(|| FieldChange {
                field: k.clone(),
                before: bv,
                after: av,
            })
        })
        .collect()
}

/// The changes that record a creation: every non-null field from null to its value.
pub fn created<T: Serialize>(record: &T) -> Vec<FieldChange> {
    let after = serde_json::to_value(record).unwrap_or(Value::Null);
    diff(&Value::Null, &after)
}

/// The changes between two records of the same type.
pub fn changes<T: Serialize>(before: &T, after: &T) -> Vec<FieldChange> {
    let b = serde_json::to_value(before).unwrap_or(Value::Null);
    let a = serde_json::to_value(after).unwrap_or(Value::Null);
    diff(&b, &a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_reports_changed_fields_only() {
        let b = json!({"id": 1, "title": "A", "tags": ["x"], "version": 1, "unit_id": 3});
        let a = json!({"id": 1, "title": "B", "tags": ["x"], "version": 2, "unit_id": null});
        let d = diff(&b, &a);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0],
            FieldChange {
                field: "title".into(),
                before: json!("A"),
                after: json!("B")
            }
        );
        assert_eq!(d[1].field, "unit_id");
        assert_eq!(d[1].after, Value::Null);
    }

    #[test]
    fn entity_kinds_round_trip() {
        for k in [
            EntityKind::BusinessCase,
            EntityKind::TenantSettings,
            EntityKind::ApiToken,
            EntityKind::Programme,
            EntityKind::BenefitPlan,
            EntityKind::Actual,
            EntityKind::StatusProbabilities,
            EntityKind::ListView,
        ] {
            assert_eq!(EntityKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EntityKind::BusinessCase.as_str(), "business_case");
        assert_eq!(EntityKind::parse("nonsense"), None);
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn operators_are_named_in_danish() {
        assert_eq!(cli_actor("root", "srv1"), "cli:root@srv1");
        assert_eq!(cli_actor(" ", "h\u{7}ost"), "cli:unknown@host");
        assert_eq!(cli_actor(&"x".repeat(500), "h").chars().count(), 200);
        assert_eq!(
            actor_label(Some("cli:root@srv1")),
            "Kommandolinje (root@srv1)"
        );
        assert_eq!(actor_label(Some("system:demo")), "System (demo)");
        assert_eq!(actor_label(None), "Systemet");
        assert_eq!(actor_label(Some("system")), "Systemet");
    }

    #[test]
    fn created_lists_all_fields() {
        let d = created(&json!({"title": "A", "version": 1, "empty": null}));
        assert_eq!(
            d,
            vec![FieldChange {
                field: "title".into(),
                before: Value::Null,
                after: json!("A")
            }]
        );
    }
}
