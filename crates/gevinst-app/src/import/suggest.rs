//! Suggestions the user can take, and why each column and value ended where it did.
//!
//! [`suggested_choice`] is the one rule for which suggestion is offered: the web's values
//! page pre-selects it, and `gevinst import --accept-suggestions` takes it
//! ([`accept_suggestions`]). [`explain_columns`] says which column went to which field and
//! why, for `gevinst import --show-mapping`.

use super::model::{ImportChoices, ImportPreview, Inspection, UnknownValue, ValueChoice};
use super::model::{ValueDecision, ValueKind};
use super::{normalise_key, Field, Mapping, Target};
use gevinst_domain::Status;
use gevinst_sheets::import::{match_header, HeaderMatch};

/// The choice offered for a value of the file that matched nothing exactly: its first
/// suggestion (for a status, the status its word stands for, e.g. "godkendt" →
/// «Besluttet»; for other values, the closest existing name). `None` when there is no
/// suggestion; the values page then falls back to creating the value where the user may,
/// which `gevinst import` does with `--create-missing`.
pub fn suggested_choice(value: &UnknownValue) -> Option<ValueChoice> {
    value
        .suggestions
        .first()
        .map(|name| ValueChoice::Existing { name: name.clone() })
}

/// Takes the suggestion ([`suggested_choice`]) for every unknown value (a preview's
/// [`ImportPreview::unknown`]) that has one and no decision in `choices` yet; returns the
/// decisions added. Decisions already made (e.g. from `--values`) are kept. Preview again
/// with the new choices.
pub fn accept_suggestions(
    choices: &mut ImportChoices,
    unknown: &[UnknownValue],
) -> Vec<ValueDecision> {
    let added: Vec<ValueDecision> = unknown
        .iter()
        .filter(|v| choices.decision(v.kind, &v.raw).is_none())
        .filter_map(|v| {
            suggested_choice(v).map(|choice| ValueDecision {
                kind: v.kind,
                raw: v.raw.clone(),
                choice,
            })
        })
        .collect();
    choices.decide(added.iter().cloned());
    added
}

impl ImportPreview {
    /// The values resolved by taking their suggestion (e.g. status words), in the order met.
    pub fn suggestions_taken(&self) -> impl Iterator<Item = &UnknownValue> {
        self.unknown.iter().filter(|v| v.suggestion_taken)
    }
}

impl UnknownValue {
    /// The value and the suggestion it was read as, e.g. "status «godkendt» → Besluttet".
    pub fn taken_text(&self) -> String {
        format!(
            "{} «{}» → {}",
            self.kind.label(),
            self.raw.trim(),
            self.suggestions.first().map(String::as_str).unwrap_or("")
        )
    }

    /// Why a suggestion was offered, in Danish, e.g. "statusordet «godkendt» betyder
    /// «Besluttet»" or "det nærmeste navn, der findes".
    pub fn suggestion_reason(&self) -> String {
        match (self.kind, Status::from_word(&self.raw)) {
            (ValueKind::Status, Some(s)) => {
                format!("statusordet «{}» betyder «{}»", self.raw.trim(), s.label())
            }
            _ => "det nærmeste navn, der findes".to_owned(),
        }
    }
}

/// One column of the file: where it went and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReason {
    /// The header text (empty for a column without a header).
    pub header: String,
    /// Where the column went.
    pub target: Target,
    /// Why, in Danish.
    pub why: String,
}

/// The Danish name of a column's target, e.g. "Enhed", "note i beskrivelsen".
pub fn target_label(t: Target) -> String {
    match t {
        Target::Field(f) => f.label().to_owned(),
        Target::UnitLevel(level) => super::unit_levels::level_label(level),
        Target::Tag => "mærker".to_owned(),
        Target::Note => "note i beskrivelsen".to_owned(),
        Target::Ignore => "ignoreres".to_owned(),
    }
}

/// Where each column of the inspected sheet goes and why: from a saved mapping (`saved`,
/// with the words that name it, e.g. "den gemte opsætning «Kommunens liste»"), adapted to
/// the file as the import adapts it, or from the suggestion (a header synonym, a header
/// that begins with one, or a guess from the column's content).
pub fn explain_columns(
    inspection: &Inspection,
    saved: Option<(&Mapping, &str)>,
) -> Vec<ColumnReason> {
    let header = &inspection.header;
    let (mapping, fresh): (Mapping, Vec<String>) = match saved {
        Some((m, _)) => {
            let adapted = m.adapt(header);
            (adapted.mapping, adapted.new_columns)
        }
        None => (
            inspection.mapping.clone(),
            header.columns.iter().map(|c| c.name.clone()).collect(),
        ),
    };
    let mut taken: Vec<(Field, String)> = Vec::new();
    mapping
        .columns
        .iter()
        .zip(&header.columns)
        .map(|(c, col)| {
            let from_saved = saved.is_some() && !fresh.contains(&c.header);
            let why = match (from_saved, saved) {
                (true, Some((_, source))) => format!("valgt i {source}"),
                _ => suggested_why(c.target, col.has_header, &c.header, &taken),
            };
            if let Target::Field(f) = c.target {
                taken.push((f, c.header.clone()));
            }
            ColumnReason {
                header: c.header.clone(),
                target: c.target,
                why,
            }
        })
        .collect()
}

/// Why the suggestion put a column where it did.
fn suggested_why(
    target: Target,
    has_header: bool,
    header: &str,
    taken: &[(Field, String)],
) -> String {
    match target {
        Target::Field(f) => match match_header(header) {
            Some((g, HeaderMatch::Synonym(s))) if g == f => {
                if normalise_key(s) == normalise_key(f.label()) {
                    "overskriften er feltets navn".to_owned()
                } else {
                    format!("overskriften er et synonym for {} («{s}»)", f.label())
                }
            }
            Some((g, HeaderMatch::Prefix(s))) if g == f => {
                format!("overskriften begynder med «{s}»")
            }
            _ => "gættet ud fra kolonnens indhold".to_owned(),
        },
        Target::UnitLevel(_) => {
            "overskriften navngiver et niveau i organisationen over enheden".to_owned()
        }
        Target::Note | Target::Tag | Target::Ignore => {
            let wanted = super::suggest_field(header);
            match wanted.and_then(|f| taken.iter().find(|(t, _)| *t == f)) {
                Some((f, by)) => {
                    format!("feltet {} er allerede taget af kolonnen «{by}»", f.label())
                }
                None if !has_header => "kolonnen har ingen overskrift".to_owned(),
                None if target == Target::Note => "ingen felt passer til overskriften".to_owned(),
                None => "valgt sådan".to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(kind: ValueKind, raw: &str, suggestions: &[&str]) -> UnknownValue {
        UnknownValue {
            kind,
            raw: raw.into(),
            suggestions: suggestions.iter().map(|s| s.to_string()).collect(),
            rows: vec![2],
            resolution: "Ikke valgt".into(),
            suggestion_taken: false,
        }
    }

    #[test]
    fn the_first_suggestion_is_offered() {
        let v = value(ValueKind::Status, "godkendt", &["Besluttet", "Vurderet"]);
        assert_eq!(
            suggested_choice(&v),
            Some(ValueChoice::Existing {
                name: "Besluttet".into()
            })
        );
        assert_eq!(suggested_choice(&value(ValueKind::Unit, "X", &[])), None);
        assert_eq!(
            v.suggestion_reason(),
            "statusordet «godkendt» betyder «Besluttet»"
        );
    }

    #[test]
    fn accepting_keeps_decisions_already_made() {
        let unknown = vec![
            value(ValueKind::Status, "godkendt", &["Besluttet"]),
            value(ValueKind::Status, "BC", &["Business case"]),
            value(ValueKind::Unit, "Ukendt", &[]),
        ];
        let mut choices = ImportChoices::default();
        choices.decide([ValueDecision {
            kind: ValueKind::Status,
            raw: "BC".into(),
            choice: ValueChoice::Existing {
                name: "Vurderet".into(),
            },
        }]);
        let added = accept_suggestions(&mut choices, &unknown);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].raw, "godkendt");
        assert_eq!(
            choices.decision(ValueKind::Status, "bc").map(|d| &d.choice),
            Some(&ValueChoice::Existing {
                name: "Vurderet".into()
            })
        );
        assert_eq!(choices.values.len(), 2);
    }
}
