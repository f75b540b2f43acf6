//! No CPR number leaves an import in clear text.
//!
//! Whatever the import tells anyone — the preview (web pages, API, the CLI's summary),
//! the error report, the stored outcome of a web import — is an [`ImportPreview`], so the
//! preview is masked here, in one pass, with [`gevinst_domain::cpr::mask_cpr_in_place`],
//! whether or not the user asked to mask CPR numbers (`mask_cpr` decides only what is
//! *imported*: without it a row with a CPR number is an error and is not written). The
//! rows' [`CprFinding`](gevinst_sheets::import::CprFinding)s already hold masked text.
//!
//! What is *written* cannot hold one either: every text a row brings is checked before it
//! reaches the store (the sheet's guard for mapped columns, [`export_texts`] for gevinst's
//! own export), so the store's audit entries never see one.

use std::collections::BTreeSet;

use gevinst_domain::cpr::{has_cpr, mask_cpr, mask_cpr_in_place};
use gevinst_sheets::export::portfolio::{ExportedPotential, POTENTIAL_HEADERS};
use gevinst_sheets::import::CprFinding;
use gevinst_store::Store;

use super::decide::{self, Analysis};
use super::model::{ImportChoices, ImportInput, ImportPreview};
use super::Importer;
use crate::Result;

/// [`decide::analyse`], with the preview masked (see the module documentation).
pub(super) async fn analyse(
    store: &dyn Store,
    importer: Importer<'_>,
    input: &ImportInput<'_>,
    choices: &ImportChoices,
    only_rows: Option<&BTreeSet<u32>>,
) -> Result<Analysis> {
    let mut analysis = decide::analyse(store, importer, input, choices, only_rows).await?;
    preview(&mut analysis.preview);
    Ok(analysis)
}

fn all(texts: &mut [String]) {
    texts.iter_mut().for_each(mask_cpr_in_place);
}

fn opt(text: &mut Option<String>) {
    if let Some(t) = text {
        mask_cpr_in_place(t);
    }
}

/// Masks every CPR-like number in every text of `p`. Idempotent, so a stored preview of an
/// older version can be run through it again before it is shown.
pub fn preview(p: &mut ImportPreview) {
    mask_cpr_in_place(&mut p.sheet);
    all(&mut p.columns);
    all(&mut p.mapping_problems);
    for c in &mut p.mapping.columns {
        mask_cpr_in_place(&mut c.header);
    }
    for r in &mut p.rows {
        mask_cpr_in_place(&mut r.reason);
        opt(&mut r.title);
        opt(&mut r.unit);
        all(&mut r.errors);
        all(&mut r.warnings);
        all(&mut r.cells);
        for f in &mut r.cpr {
            mask_cpr_in_place(&mut f.column);
            mask_cpr_in_place(&mut f.masked);
        }
    }
    for u in &mut p.unknown {
        mask_cpr_in_place(&mut u.raw);
        all(&mut u.suggestions);
        mask_cpr_in_place(&mut u.resolution);
    }
    all(&mut p.new_units);
    all(&mut p.new_fagomraader);
    all(&mut p.new_technologies);
}

/// The texts of a potential from gevinst's own export that are written to the database,
/// by the column they came from: everything but the title and description (which the row
/// checks itself) — unit path, fagområde, technology, tags, people's names and the business
/// case's labels and risk descriptions.
pub(super) fn export_texts(p: &mut ExportedPotential) -> Vec<(&'static str, &mut String)> {
    let mut out: Vec<(&'static str, &mut String)> = Vec::new();
    out.extend(p.unit_path.iter_mut().map(|t| ("Enhedssti", t)));
    if let Some(t) = p.fagomraade.as_mut() {
        out.push(("Fagområde", t));
    }
    if let Some(t) = p.technology.as_mut() {
        out.push(("Teknologi", t));
    }
    out.extend(p.tags.iter_mut().map(|t| ("Tags", t)));
    for (column, person) in [
        ("Gevinstejer", p.benefit_owner.as_mut()),
        ("Digital agent", p.digital_agent.as_mut()),
        ("Indsendt af", p.submitted_by.as_mut()),
    ] {
        if let Some(person) = person {
            out.push((column, &mut person.name));
        }
    }
    if let Some(t) = p.contact_name.as_mut() {
        out.push(("Kontaktperson", t));
    }
    if let Some(case) = p.case.as_mut() {
        out.extend(case.lines.iter_mut().map(|l| ("Betegnelse", &mut l.label)));
        out.extend(
            case.risks
                .iter_mut()
                .map(|r| ("Risikobeskrivelse", &mut r.description)),
        );
    }
    out
}

/// Checks the texts of [`export_texts`] of a potential from gevinst's own export, or with
/// `mask` masks them and the title and description too. Gives a finding per text with a
/// CPR-like number (none when masked); the row turns them into errors, as it does for the
/// title and description itself.
pub(super) fn guard_export(p: &mut ExportedPotential, mask: bool) -> Vec<CprFinding> {
    if mask {
        mask_cpr_in_place(&mut p.title);
        mask_cpr_in_place(&mut p.description);
    }
    let mut found = Vec::new();
    for (column, text) in export_texts(p) {
        if !has_cpr(text) {
            continue;
        }
        if mask {
            mask_cpr_in_place(text);
        } else {
            found.push(CprFinding {
                column: column.to_owned(),
                column_index: POTENTIAL_HEADERS
                    .iter()
                    .position(|h| *h == column)
                    .unwrap_or(0),
                masked: mask_cpr(text),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{PreviewCounts, PreviewRow, RowAction, UnknownValue, ValueKind};
    use gevinst_sheets::import::Mapping;

    #[test]
    fn every_text_of_a_preview_is_masked() {
        let cpr = "Borger 010203-1234";
        let row = PreviewRow {
            row: 4,
            action: RowAction::Error,
            reason: format!("«{cpr}» er ikke et tal."),
            title: Some(cpr.into()),
            unit: Some("0102031234".into()),
            potential: None,
            business_case: false,
            errors: vec![cpr.into()],
            warnings: vec!["01 02 03 1234".into()],
            cpr: Vec::new(),
            cells: vec![cpr.into(), "2026".into()],
            possible_duplicate: false,
            missing_reason: false,
        };
        let mut p = ImportPreview {
            sheet: "Ark".into(),
            gevinst_export: false,
            mapping: Mapping::default(),
            columns: vec!["Titel".into()],
            mapping_problems: vec![],
            rows: vec![row],
            counts: PreviewCounts::default(),
            unknown: vec![UnknownValue {
                kind: ValueKind::Unit,
                raw: "010203 1234".into(),
                suggestions: vec![],
                rows: vec![4],
                resolution: "Ikke valgt".into(),
                suggestion_taken: false,
            }],
            new_units: vec!["Enhed 010203-1234".into()],
            new_fagomraader: vec![],
            new_technologies: vec![],
        };
        preview(&mut p);
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("1234"), "{json}");
        assert!(json.contains("XXXXXX-XXXX"));
        assert_eq!(p.rows[0].cells[1], "2026", "other numbers stay");
        let once = p.clone();
        preview(&mut p);
        assert_eq!(p, once, "idempotent");
    }
}
