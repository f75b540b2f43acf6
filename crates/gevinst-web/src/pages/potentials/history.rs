//! A potential's history as the page shows it: the audit trail with field-level
//! before → after in words (names instead of ids, Danish status labels), and the status
//! changes with their reasons.

use gevinst_app::potentials::TenantLists;
use gevinst_domain::danish;
use gevinst_domain::{
    AuditAction, AuditEntry, FagomraadeId, Source, Status, StatusChange, TechnologyId, UnitId,
    UserId,
};
use serde_json::Value;

/// One entry of the change log.
#[derive(Debug, Clone)]
pub(crate) struct HistoryRow {
    /// Danish local time.
    pub when: String,
    /// Machine-readable time for `<time datetime>`.
    pub iso: String,
    /// Who did it.
    pub who: String,
    /// What happened (Danish).
    pub action: &'static str,
    /// A reason, for status changes.
    pub reason: Option<String>,
    /// The fields that changed.
    pub changes: Vec<ChangeRow>,
}

/// One field's change.
#[derive(Debug, Clone)]
pub(crate) struct ChangeRow {
    /// Field label.
    pub label: String,
    /// Value before; `None` on creation.
    pub before: Option<String>,
    /// Value after.
    pub after: String,
}

/// One row of the status table.
#[derive(Debug, Clone)]
pub(crate) struct StatusRow {
    /// Danish local time.
    pub when: String,
    /// Machine-readable time.
    pub iso: String,
    /// Who.
    pub who: String,
    /// From (label).
    pub from: &'static str,
    /// To (label).
    pub to: &'static str,
    /// Reason, or empty.
    pub reason: String,
}

/// The Danish label of a potential's field.
pub(crate) fn field_label(field: &str) -> String {
    match field {
        "title" => "Titel",
        "description" => "Beskrivelse",
        "unit_id" => "Enhed",
        "fagomraade_id" => "Fagområde",
        "technology_id" => "Teknologi",
        "source" => "Kilde",
        "submitted_by" => "Indsendt af",
        "benefit_owner" => "Gevinstejer",
        "digital_agent" => "Digital agent",
        "contact_name" => "Kontaktperson",
        "tags" => "Tags",
        "status" => "Status",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// Shown for an empty value.
pub(crate) const NONE: &str = "–";

/// A stored JSON value of `field` in words.
pub(crate) fn value_text(field: &str, v: &Value, lists: &TenantLists) -> String {
    let id = v.as_i64();
    let named =
        |name: Option<String>| name.unwrap_or_else(|| format!("#{}", id.unwrap_or_default()));
    match (field, v) {
        (_, Value::Null) => NONE.to_owned(),
        ("status", Value::String(s)) => Status::parse(s)
            .map(|s| s.label().to_owned())
            .unwrap_or_else(|| s.clone()),
        ("source", Value::String(s)) => Source::parse(s)
            .map(|s| s.label().to_owned())
            .unwrap_or_else(|| s.clone()),
        ("unit_id", Value::Number(_)) => {
            let path = id
                .map(|i| lists.units.display_path(UnitId(i)))
                .filter(|p| !p.is_empty());
            named(path)
        }
        ("fagomraade_id", Value::Number(_)) => named(
            lists
                .fagomraade_name(id.map(FagomraadeId))
                .map(str::to_owned),
        ),
        ("technology_id", Value::Number(_)) => named(
            lists
                .technology_name(id.map(TechnologyId))
                .map(str::to_owned),
        ),
        ("submitted_by" | "benefit_owner" | "digital_agent", Value::Number(_)) => {
            named(lists.user_name(id.map(UserId)).map(str::to_owned))
        }
        (_, Value::Array(items)) if items.is_empty() => NONE.to_owned(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) if s.is_empty() => NONE.to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The change log, newest first.
pub(crate) fn history_rows(entries: &[AuditEntry], lists: &TenantLists) -> Vec<HistoryRow> {
    entries
        .iter()
        .rev()
        .map(|e| HistoryRow {
            when: danish::format_datetime(e.at),
            iso: e.at.to_rfc3339(),
            who: e
                .user_name
                .clone()
                .or_else(|| lists.user_name(e.user_id).map(str::to_owned))
                .unwrap_or_else(|| gevinst_domain::audit::actor_label(e.actor.as_deref())),
            action: e.action.label(),
            reason: e.reason.clone(),
            changes: e
                .changes
                .iter()
                .map(|c| ChangeRow {
                    label: field_label(&c.field),
                    before: (e.action != AuditAction::Create)
                        .then(|| value_text(&c.field, &c.before, lists)),
                    after: value_text(&c.field, &c.after, lists),
                })
                .collect(),
        })
        .collect()
}

/// The status changes, newest first.
pub(crate) fn status_rows(changes: &[StatusChange], lists: &TenantLists) -> Vec<StatusRow> {
    changes
        .iter()
        .rev()
        .map(|c| StatusRow {
            when: danish::format_datetime(c.at),
            iso: c.at.to_rfc3339(),
            who: lists.user_name(c.user_id).unwrap_or("Systemet").to_owned(),
            from: c.from.label(),
            to: c.to.label(),
            reason: c.reason.clone().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::{Unit, UnitTree};
    use serde_json::json;

    fn lists() -> TenantLists {
        TenantLists {
            units: UnitTree::new(vec![
                Unit {
                    id: UnitId(1),
                    parent_id: None,
                    name: "Social".into(),
                    active: true,
                },
                Unit {
                    id: UnitId(2),
                    parent_id: Some(UnitId(1)),
                    name: "Hjemmepleje".into(),
                    active: true,
                },
            ]),
            fagomraader: vec![gevinst_domain::CatalogueItem {
                id: 5,
                name: "Beskæftigelse".into(),
                position: 1,
                active: true,
            }],
            technologies: vec![],
            users: vec![],
        }
    }

    #[test]
    fn values_are_shown_in_words() {
        let l = lists();
        assert_eq!(
            value_text("status", &json!("business_case"), &l),
            "Business case"
        );
        assert_eq!(value_text("source", &json!("workshop"), &l), "Workshop");
        assert_eq!(value_text("unit_id", &json!(2), &l), "Social › Hjemmepleje");
        assert_eq!(value_text("unit_id", &json!(99), &l), "#99");
        assert_eq!(value_text("fagomraade_id", &json!(5), &l), "Beskæftigelse");
        assert_eq!(value_text("technology_id", &json!(7), &l), "#7");
        assert_eq!(
            value_text("tags", &json!(["RPA", "jobcenter"]), &l),
            "RPA, jobcenter"
        );
        assert_eq!(value_text("tags", &json!([]), &l), NONE);
        assert_eq!(value_text("benefit_owner", &Value::Null, &l), NONE);
        assert_eq!(field_label("unit_id"), "Enhed");
        assert_eq!(field_label("x"), "x");
    }

    #[test]
    fn operators_are_shown_as_the_command_line() {
        let entry = |user_id, actor: Option<&str>| AuditEntry {
            id: 1,
            tenant_id: gevinst_domain::TenantId(1),
            entity: gevinst_domain::EntityKind::Potential,
            entity_id: 1,
            action: AuditAction::Create,
            user_id,
            user_name: user_id.map(|_| "Pia".to_owned()),
            actor: actor.map(str::to_owned),
            at: chrono::Utc::now(),
            changes: vec![],
            reason: None,
        };
        let rows = history_rows(
            &[
                entry(None, Some("cli:root@srv1")),
                entry(None, Some("system:demo")),
                entry(None, None),
                entry(Some(UserId(3)), None),
            ],
            &lists(),
        );
        let who: Vec<&str> = rows.iter().map(|r| r.who.as_str()).collect();
        assert_eq!(
            who,
            [
                "Pia",
                "Systemet",
                "System (demo)",
                "Kommandolinje (root@srv1)"
            ]
        );
    }
}
