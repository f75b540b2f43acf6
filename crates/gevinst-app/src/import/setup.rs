//! Saved import setups: a column mapping and value decisions in one JSON format.
//!
//! The web saves its column mappings by name in this format, and `gevinst import` reads
//! it: `--mapping NAME` (a setup saved in the web) or `--mapping FILE`, and `--values
//! FILE` (only its value decisions are read). A setup without value decisions is exactly a
//! [`Mapping`]'s JSON, so mappings saved before decisions could be saved read unchanged.
//!
//! ```
//! use gevinst_app::import::{ImportSetup, ValueChoice, ValueKind};
//! let json = r#"{"values":[{"kind":"status","raw":"godkendt",
//!                "choice":{"choice":"existing","name":"Besluttet"}}]}"#;
//! let setup = ImportSetup::from_json(json).unwrap();
//! assert!(setup.columns.is_empty());
//! assert_eq!(setup.values[0].kind, ValueKind::Status);
//! assert_eq!(setup.values[0].choice, ValueChoice::Existing { name: "Besluttet".into() });
//! assert_eq!(ImportSetup::from_json(&setup.to_json()).unwrap(), setup);
//! ```

use serde::{Deserialize, Serialize};

use super::model::{ImportChoices, ValueDecision};
use super::{normalise_key, ColumnMapping, Mapping};

/// A column mapping with the value decisions made for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSetup {
    /// The columns, in file order (as [`Mapping::columns`]).
    #[serde(default)]
    pub columns: Vec<ColumnMapping>,
    /// Decisions for values of the file (units, fagområder, statuses, technologies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueDecision>,
}

impl ImportSetup {
    /// The column mapping.
    pub fn mapping(&self) -> Mapping {
        Mapping {
            columns: self.columns.clone(),
        }
    }

    /// The setup as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A setup from JSON, with a Danish message that says where it fails.
    pub fn from_json(json: &str) -> Result<ImportSetup, String> {
        serde_json::from_str(json).map_err(|e| {
            format!(
                "Opsætningen kan ikke læses (linje {}, kolonne {}). Forventet: {{\"columns\": […], \"values\": [{{\"kind\": \"status\", \"raw\": \"godkendt\", \"choice\": {{\"choice\": \"existing\", \"name\": \"Besluttet\"}}}}]}}.",
                e.line(),
                e.column()
            )
        })
    }
}

impl ImportChoices {
    /// Adds decisions; each replaces an earlier one for the same value (same kind and
    /// [`normalise_key`] of the text).
    pub fn decide(&mut self, decisions: impl IntoIterator<Item = ValueDecision>) {
        for d in decisions {
            let key = normalise_key(&d.raw);
            self.values
                .retain(|x| !(x.kind == d.kind && normalise_key(&x.raw) == key));
            self.values.push(d);
        }
    }

    /// The decision for a value of the file, if any.
    pub fn decision(&self, kind: super::ValueKind, raw: &str) -> Option<&ValueDecision> {
        let key = normalise_key(raw);
        self.values
            .iter()
            .find(|d| d.kind == kind && normalise_key(&d.raw) == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Field, Target, ValueChoice, ValueKind};

    fn status(raw: &str, name: &str) -> ValueDecision {
        ValueDecision {
            kind: ValueKind::Status,
            raw: raw.into(),
            choice: ValueChoice::Existing { name: name.into() },
        }
    }

    #[test]
    fn a_setup_without_values_is_a_mapping() {
        let mapping = Mapping {
            columns: vec![ColumnMapping {
                header: "Navn".into(),
                target: Target::Field(Field::Title),
            }],
        };
        let setup = ImportSetup {
            columns: mapping.columns.clone(),
            values: vec![],
        };
        assert_eq!(setup.to_json(), mapping.to_json());
        assert_eq!(ImportSetup::from_json(&mapping.to_json()).unwrap(), setup);
        let with_values = ImportSetup {
            values: vec![status("BC", "Business case")],
            ..setup
        };
        assert_eq!(
            Mapping::from_json(&with_values.to_json()).unwrap(),
            mapping,
            "a saved setup still reads as its mapping"
        );
    }

    #[test]
    fn bad_json_says_where() {
        let e = ImportSetup::from_json("{\"values\": [1]}").unwrap_err();
        assert!(e.starts_with("Opsætningen kan ikke læses (linje 1"), "{e}");
    }

    #[test]
    fn later_decisions_replace_earlier_ones_for_the_same_value() {
        let mut c = ImportChoices::default();
        c.decide([
            status("godkendt", "Besluttet"),
            status("BC", "Business case"),
        ]);
        c.decide([status("GODKENDT", "Vurderet")]);
        assert_eq!(c.values.len(), 2);
        assert_eq!(
            c.decision(ValueKind::Status, "Godkendt").map(|d| &d.choice),
            Some(&ValueChoice::Existing {
                name: "Vurderet".into()
            })
        );
        assert!(c.decision(ValueKind::Unit, "godkendt").is_none());
    }
}
