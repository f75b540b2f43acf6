//! The form values of column targets, fields and value kinds on the import's pages.

use gevinst_app::import::{unit_levels, Field, Target, ValueKind};

/// The form value of a column target.
pub(crate) fn target_key(t: Target) -> String {
    match t {
        Target::Field(f) => format!("felt:{}", field_key(f)),
        Target::Tag => "maerke".to_owned(),
        Target::Note => "note".to_owned(),
        Target::Ignore => "ignorer".to_owned(),
        Target::UnitLevel(level) => format!("niveau:{level}"),
    }
}

/// A field's stable key (its serde name, e.g. `start_year`).
fn field_key(f: Field) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(super) fn parse_target(key: &str) -> Option<Target> {
    match key {
        "maerke" => Some(Target::Tag),
        "note" => Some(Target::Note),
        "ignorer" | "" => Some(Target::Ignore),
        _ if key.starts_with("niveau:") => key
            .strip_prefix("niveau:")
            .and_then(|l| l.parse::<u8>().ok())
            .filter(|l| (1..=unit_levels::MAX_LEVEL).contains(l))
            .map(Target::UnitLevel),
        _ => {
            let f = key.strip_prefix("felt:")?;
            Field::ALL
                .into_iter()
                .find(|x| field_key(*x) == f)
                .map(Target::Field)
        }
    }
}

pub(crate) fn kind_key(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Unit => "unit",
        ValueKind::Fagomraade => "fagomraade",
        ValueKind::Status => "status",
        ValueKind::Technology => "technology",
    }
}

pub(super) fn parse_kind(key: &str) -> Option<ValueKind> {
    [
        ValueKind::Unit,
        ValueKind::Fagomraade,
        ValueKind::Status,
        ValueKind::Technology,
    ]
    .into_iter()
    .find(|k| kind_key(*k) == key)
}
