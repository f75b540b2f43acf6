//! What `gevinst import` decides before it previews: the column mapping (`--mapping FILE`
//! or the name of a mapping saved in the web), value decisions (`--values FILE` and a
//! saved mapping's own decisions, in the one [`ImportSetup`] format), the suggestions taken
//! with `--accept-suggestions`, and, for `--show-mapping`, why each column and value went
//! where it did.

use std::path::Path;

use anyhow::{anyhow, Context};
use gevinst_app::import::{
    accept_suggestions, column_letters, explain_columns, normalise_key, target_label,
    ImportPreview, ImportSetup, Importer, Inspection, Mapping, ValueDecision, ValueKind,
};
use gevinst_app::{App, AppError};

use crate::admin::app_error;

/// The mapping and value decisions given on the command line, and where each came from.
#[derive(Default)]
pub struct Plan {
    /// The column mapping and the words that name where it came from; `None`: suggested.
    pub mapping: Option<(Mapping, String)>,
    /// Value decisions, later ones winning.
    pub values: Vec<ValueDecision>,
    /// Why each decided value was decided: (kind, key of the text, words).
    origins: Vec<(ValueKind, String, String)>,
}

impl Plan {
    /// Remembers where `decisions` came from (a later origin replaces an earlier one).
    pub fn note(&mut self, decisions: &[ValueDecision], origin: &str) {
        for d in decisions {
            let key = normalise_key(&d.raw);
            self.origins
                .retain(|(k, r, _)| !(*k == d.kind && *r == key));
            self.origins.push((d.kind, key, origin.to_owned()));
        }
    }

    fn origin(&self, kind: ValueKind, raw: &str) -> Option<&str> {
        let key = normalise_key(raw);
        self.origins
            .iter()
            .find(|(k, r, _)| *k == kind && *r == key)
            .map(|(_, _, o)| o.as_str())
    }
}

/// Reads `--mapping` and `--values`. `--mapping` is a file when one exists at that path,
/// else the name of a mapping saved in the web (with the value decisions saved with it).
pub async fn plan(
    app: &App,
    who: Importer<'_>,
    mapping: Option<&Path>,
    values: Option<&Path>,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    if let Some(arg) = mapping {
        let (setup, source) = if arg.is_file() {
            let text = std::fs::read_to_string(arg)
                .with_context(|| format!("cannot read {}", arg.display()))?;
            let setup = ImportSetup::from_json(&text).map_err(|e| {
                anyhow!(
                    "{}: Den gemte kolonneopsætning kan ikke læses. {e}",
                    arg.display()
                )
            })?;
            (setup, format!("opsætningsfilen {}", arg.display()))
        } else {
            let name = arg.to_string_lossy();
            let (setup, _) = app
                .import()
                .load_setup(who, &name)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => anyhow!(
                        "--mapping {name}: der er hverken en fil eller en gemt opsætning med det navn."
                    ),
                    other => app_error(other, "Den gemte opsætning kan ikke bruges"),
                })?;
            (setup, format!("den gemte opsætning «{}»", name.trim()))
        };
        plan.note(&setup.values, &format!("valgt i {source}"));
        plan.values.extend(setup.values.iter().cloned());
        plan.mapping = Some((setup.mapping(), source));
    }
    if let Some(path) = values {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let setup = ImportSetup::from_json(&text)
            .map_err(|e| anyhow!("--values {}: {e}", path.display()))?;
        plan.note(&setup.values, &format!("valgt i {}", path.display()));
        plan.values.extend(setup.values);
    }
    Ok(plan)
}

/// The origin of the decisions `--accept-suggestions` adds.
const ACCEPTED: &str = "forslag taget (--accept-suggestions)";

/// Takes the suggestions the web pre-selects for every value not decided yet
/// ([`accept_suggestions`]), remembering why; returns how many were taken.
pub fn accept(
    plan: &mut Plan,
    choices: &mut gevinst_app::import::ImportChoices,
    preview: &ImportPreview,
) -> usize {
    let added = accept_suggestions(choices, &preview.unknown);
    for d in &added {
        if let Some(v) = preview
            .unknown
            .iter()
            .find(|v| v.kind == d.kind && v.raw == d.raw)
        {
            plan.note(
                std::slice::from_ref(d),
                &format!("{ACCEPTED}: {}", v.suggestion_reason()),
            );
        }
    }
    added.len()
}

/// The `--show-mapping` text: each column with its field and why, then each value of the
/// file that matched no existing name exactly, with what it became and why.
pub fn show_mapping(inspection: &Inspection, plan: &Plan, preview: &ImportPreview) -> String {
    let mut out = String::from("Kolonner:\n");
    if inspection.gevinst_export {
        out.push_str("  gevinst-eksport: arkene læses præcist; kolonneopsætningen bruges ikke.\n");
    } else {
        let saved = plan.mapping.as_ref().map(|(m, s)| (m, s.as_str()));
        let reasons = explain_columns(inspection, saved);
        for (c, r) in inspection.header.columns.iter().zip(&reasons) {
            out.push_str(&format!(
                "  {} «{}» → {}: {}\n",
                column_letters(c.index),
                r.header,
                target_label(r.target),
                r.why
            ));
        }
    }
    out.push_str("Værdier:\n");
    if preview.unknown.is_empty() {
        out.push_str("  Alle værdier findes allerede.\n");
    }
    for v in &preview.unknown {
        let rows: Vec<String> = v.rows.iter().take(5).map(u32::to_string).collect();
        let more = if v.rows.len() > 5 { ", …" } else { "" };
        let why = match plan.origin(v.kind, &v.raw) {
            Some(o) if v.suggestion_taken && !o.contains(ACCEPTED) => {
                format!("{o}; {}", v.suggestion_reason())
            }
            Some(o) => o.to_owned(),
            None if v.resolution.to_lowercase().contains("oprettes") => {
                "findes ikke; --create-missing opretter den".to_owned()
            }
            None => match v.suggestions.first() {
                Some(s) => format!(
                    "forslaget «{s}» ({}) er ikke taget; brug --accept-suggestions eller --values",
                    v.suggestion_reason()
                ),
                None => {
                    "intet ligner; vælg med --values, eller opret med --create-missing".to_owned()
                }
            },
        };
        out.push_str(&format!(
            "  {} «{}» (række {}{more}) → {}: {why}\n",
            v.kind.label(),
            v.raw,
            rows.join(", "),
            v.resolution
        ));
    }
    out
}
