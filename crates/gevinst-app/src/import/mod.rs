//! Importing potentials (and rough business cases) from spreadsheets: the use cases behind
//! the upload → mapping → preview → commit flow of the web UI and `gevinst import`.
//!
//! 1. [`inspect`] reads a file (no store needed): its sheets, the detected header, a
//!    suggested [`Mapping`], and whether it is a workbook written by gevinst's own portfolio
//!    export (then the mapping is not used: the export's sheets are read exactly; its CSV
//!    export is recognised by its header and read the same way, the business cases from
//!    its sections).
//! 2. [`preview`](Imports::preview) decides for every data row, against the tenant's existing potentials,
//!    whether it is **new**, an **update** (matched by an external id column or by
//!    title + unit), a **duplicate**, an **error** or carries **warnings**, with the reason
//!    in Danish, and lists unknown units, fagområder, statuses and technologies with
//!    suggested matches and what will happen to them ([`ImportChoices`]).
//! 3. [`commit`](Imports::commit) writes the import in one database transaction
//!    ([`gevinst_store::Store::commit_import`]): all rows, or only the valid ones when the
//!    caller explicitly asks (`only_valid`); otherwise any error refuses the whole import.
//! 4. [`error_report`] writes the rows that were not imported cleanly as an .xlsx file.
//!
//! Saved column mappings: [`list_mappings`](Imports::list_mappings), [`load_mapping`](Imports::load_mapping), [`save_mapping`](Imports::save_mapping),
//! [`delete_mapping`](Imports::delete_mapping). A saved mapping is an [`ImportSetup`]: the
//! columns and, when saved with them, value decisions ([`load_setup`](Imports::load_setup),
//! [`save_setup`](Imports::save_setup)); the CLI reads the same format.
//!
//! Suggestions: [`suggested_choice`] is what the web's values page pre-selects for an
//! unknown value, and [`accept_suggestions`] takes it for every value (`gevinst import
//! --accept-suggestions`); status words such as "godkendt" are suggested through
//! [`gevinst_domain::status_words`]. [`explain_columns`] says why each column went where.
//!
//! Inside: `model` holds the public types, `read` opens the file, `candidate` turns rows
//! into candidates, `resolve` matches their values against the tenant's lists,
//! `existing` indexes the tenant's potentials, `decide` decides every row, `redact`
//! masks CPR numbers in what the import reports, `mappings` keeps the saved mappings and
//! [`uploads`] the unfinished imports of the web UI.
//!
//! # Rules
//!
//! - **Who may import** ([`Importer`]): admins and porteføljeledere import into any unit and
//!   may have missing units, fagområder and technologies created. Ledere and digital agents
//!   may import only rows whose unit (and, for updates, the existing potential's unit) is
//!   within their own units, may not create units or list entries, and may only create
//!   potentials with another status than idé where they could in the UI. Læsere may not
//!   import ([`AppError::Forbidden`]). The operator (CLI, [`Importer::Operator`]) may do
//!   everything and is audited as the system.
//! - **Matching** an existing potential: a gevinst export's "Id" column matches the
//!   potential with that id if it also has the same title or the same unit (so ids from
//!   another database never hit an unrelated potential); an external id column matches a
//!   potential tagged `ekstern-id:<id>` (new potentials from such a file get that tag);
//!   otherwise title + unit, compared through [`gevinst_domain::text::search_key`]. Two
//!   existing potentials with the same title and unit make the row an error.
//! - **Updates** replace the fields the file has a (non-empty) value for and keep the rest;
//!   tags are added to the existing ones. The status is never changed by an import (a
//!   different status in the file is a warning). An existing business case is kept (the
//!   row's figures are then ignored, with a warning), except from a gevinst export, whose
//!   case replaces the stored one exactly. A row that would change nothing is a
//!   **duplicate** and is skipped, as is a row that repeats an earlier row of the file.
//!   Duplicates do not block the commit.
//! - **Possible duplicates** (with an external id column): a row with the title and unit
//!   of an earlier row, or of a potential tagged with another external id, under a number
//!   of its own is "mulig dublet af række N / potentiale #id" and skipped, unless the user
//!   keeps it ([`ImportChoices::keep_duplicates`], [`ImportChoices::keep_duplicate_rows`]);
//!   then it is a new potential with a warning. Both checks are hash lookups (module
//!   `content`), never a comparison of every pair.
//! - **Lifecycle rules** ([`gevinst_domain::lifecycle::check_imported`], module `rules`):
//!   a new row afvist or parkeret needs a reason, and so does a row besluttet or later
//!   without figures for its business case; the reason comes from a column mapped to
//!   [`Field::StatusReason`] («Begrundelse», «Årsag», …) or from
//!   [`ImportChoices::default_reason`] (e.g. [`DEFAULT_REASON`]); without one the row is
//!   an error. The reason is recorded in the potential's status history and audit log.
//! - **People**: a benefit owner («Gevinstejer», «Ansvarlig», «Kontaktperson») is matched
//!   to a user by e-mail or name; a name that matches no user is kept as the potential's
//!   contact name, with a warning.
//! - **Rough business case** from the figures of a row (yearly gain in kr., hours, årsværk,
//!   investering, drift, startår): a [`ROUGH_HORIZON`]-year case with one line per figure:
//!   *Direkte besparelse*, *Frigjorte timer*, *Frigjorte årsværk* and *Drift* every year,
//!   *Investering* in the start year only; certain (low = high = 1) and not hjemtagbar.
//!   Without a start year the current year is used, with a warning. Gain in kr. together
//!   with hours or årsværk gives a warning about double counting.
//! - **Unknown values**: a unit, fagområde or technology that matches nothing is created
//!   when [`ImportChoices::create_missing`] is set or a [`ValueDecision`] says so, mapped to
//!   an existing one by a decision, or else: an error for a unit, a warning (left empty)
//!   for a fagområde or technology. An unknown status is an error unless a decision maps it;
//!   a status word of [`gevinst_domain::status_words`] is offered as its suggestion.
//!   What the import creates is listed once in [`ImportPreview::new_units`] (etc.) and
//!   [`ImportPreview::unknown`], not as a warning on every row; a spelling variant of a
//!   name the import creates anyway (e.g. "Jobcentret" after "Jobcenter") is merged into
//!   it, with a warning on the row.
//! - **CPR numbers** block their row (error) until masked: [`ImportChoices::mask_cpr`] (all
//!   rows) or [`ImportChoices::mask_cpr_rows`] replace every CPR-like number in the row's
//!   cells by `XXXXXX-XXXX` before anything else is read. Every text the row brings is
//!   checked (also a number cell in a text column, and every name and business-case text
//!   of gevinst's own export). Masked or not, no CPR number leaves the import in clear
//!   text: the preview (and so the web pages, the CLI's output and the error report) is
//!   masked in one pass (`redact`), and the log gets counts only.
//! - The commit re-reads the file and the tenant's data, so what is written is decided
//!   against the data at commit time; stored versions are checked in the transaction.

use std::collections::BTreeSet;

use chrono::Utc;
use gevinst_domain::access::Permission;
use gevinst_domain::{FieldErrors, Tenant, UnitId, UnitTree, UserId};
use gevinst_sheets::export::errors::{self as report, ErrorReportRow};
use gevinst_store::StoreError;

use crate::auth::Principal;
use crate::{AppError, Imports, Result};

pub use gevinst_sheets::import::unit_levels;
pub use gevinst_sheets::import::{
    column_letters, normalise_key, suggest_field, ColumnMapping, Field, Format, Limits, Mapping,
    Target, TextEncoding,
};
pub use gevinst_store::{ImportProgress, StoredImportMapping};

mod candidate;
mod content;
mod decide;
mod existing;
mod mappings;
mod model;
mod read;
mod redact;
mod resolve;
mod rules;
mod setup;
mod suggest;
pub mod uploads;

pub use model::{
    CommitOutcome, ImportChoices, ImportInput, ImportPreview, Inspection, PreviewCounts,
    PreviewRow, RowAction, UnknownValue, ValueChoice, ValueDecision, ValueKind, DEFAULT_REASON,
};
pub use read::{inspect, text_encoding};
pub use setup::ImportSetup;
pub use suggest::{
    accept_suggestions, explain_columns, suggested_choice, target_label, ColumnReason,
};

use redact::analyse;

/// Years of a rough business case made from a row's figures.
pub const ROUGH_HORIZON: u32 = 5;

/// The prefix of the tag that remembers a potential's external id.
pub const EXTERNAL_ID_TAG: &str = "ekstern-id:";

/// How many data rows [`Inspection::sample`] shows.
pub const SAMPLE_ROWS: usize = 5;

/// Who imports.
#[derive(Debug, Clone, Copy)]
pub enum Importer<'a> {
    /// A logged-in user; their role decides (see the module documentation).
    User(&'a Principal),
    /// The operator (CLI): every right, audited as the system.
    Operator(&'a Tenant),
}

impl Importer<'_> {
    fn tenant(&self) -> &Tenant {
        match self {
            Importer::User(p) => &p.tenant,
            Importer::Operator(t) => t,
        }
    }

    fn actor(&self) -> Option<UserId> {
        match self {
            Importer::User(p) => p.actor_id(),
            Importer::Operator(_) => None,
        }
    }

    /// May import at all.
    fn may_import(&self) -> bool {
        match self {
            Importer::User(p) => p.actor.may_tenant_wide(Permission::Import),
            Importer::Operator(_) => true,
        }
    }

    /// May have units, fagområder and technologies created.
    fn may_create_lists(&self) -> bool {
        match self {
            Importer::User(p) => p.actor.may_tenant_wide(Permission::ManagePortfolio),
            Importer::Operator(_) => true,
        }
    }

    fn may_edit(&self, unit: UnitId, tree: &UnitTree) -> bool {
        match self {
            Importer::User(p) => p.actor.may(Permission::EditPotential(unit), tree),
            Importer::Operator(_) => true,
        }
    }
}

impl Imports<'_> {
    // ------------------------------------------------------------------ use cases

    /// Previews an import: every row's outcome against the tenant's potentials, unknown
    /// values and what would be created. Writes nothing.
    pub async fn preview(
        &self,
        importer: Importer<'_>,
        input: &ImportInput<'_>,
        choices: &ImportChoices,
    ) -> Result<ImportPreview> {
        let store = self.app.store();
        Ok(analyse(store, importer, input, choices, None)
            .await?
            .preview)
    }

    /// Commits an import in one transaction. With errors in the file (or a mapping problem)
    /// nothing is written and the answer is [`AppError::Invalid`] (field `rows`, a Danish
    /// message with the count), unless `only_valid` is set: then the rows with errors are
    /// skipped and the rest is written. Duplicates are always skipped. A version conflict
    /// (someone changed a matched potential meanwhile) is [`AppError::Conflict`] and writes
    /// nothing. `progress` is called with the number of rows written so far.
    pub async fn commit(
        &self,
        importer: Importer<'_>,
        input: &ImportInput<'_>,
        choices: &ImportChoices,
        only_valid: bool,
        progress: Option<ImportProgress<'_>>,
    ) -> Result<CommitOutcome> {
        let store = self.app.store();
        let first = analyse(store, importer, input, choices, None).await?;
        if !first.preview.mapping_problems.is_empty() {
            return Err(AppError::Invalid(FieldErrors::single(
                "mapping",
                "invalid",
                first.preview.mapping_problems.join(" "),
            )));
        }
        let errors = first.preview.counts.error;
        if errors > 0 && !only_valid {
            let msg = if errors == 1 {
                "1 række har fejl, så intet er importeret. Ret fejlen, eller vælg kun at importere de gyldige rækker.".to_owned()
            } else {
                format!("{errors} rækker har fejl, så intet er importeret. Ret fejlene, eller vælg kun at importere de gyldige rækker.")
            };
            return Err(AppError::Invalid(FieldErrors::single(
                "rows",
                "has_errors",
                msg,
            )));
        }
        // With skipped rows, decide again without them, so nothing is created for them alone.
        let (preview, mut batch) = if errors > 0 {
            let keep: BTreeSet<u32> = first
                .preview
                .rows
                .iter()
                .filter(|r| matches!(r.action, RowAction::New | RowAction::Update))
                .map(|r| r.row)
                .collect();
            let again = analyse(store, importer, input, choices, Some(&keep)).await?;
            (first.preview, again.batch)
        } else {
            (first.preview, first.batch)
        };
        batch.batch_id = format!(
            "{}-{}",
            Utc::now().format("%Y%m%d%H%M%S"),
            &crate::auth::random_secret()
                .chars()
                .take(6)
                .collect::<String>()
        );
        let out = if batch.rows.is_empty() {
            gevinst_store::ImportOutcome::default()
        } else {
            store
                .commit_import(importer.tenant().id, importer.actor(), &batch, progress)
                .await
                .map_err(commit_error)?
        };
        // Counts and ids only: no text of the file reaches the log.
        tracing::info!(
            tenant = %importer.tenant().slug,
            batch = %batch.batch_id,
            created = out.created,
            updated = out.updated,
            skipped = preview.counts.duplicate + errors,
            "import committed"
        );
        Ok(CommitOutcome {
            batch_id: batch.batch_id,
            created: out.created,
            updated: out.updated,
            business_cases: out.business_cases,
            duplicates: preview.counts.duplicate,
            skipped: errors,
            potentials: out.potentials,
            units_created: out.units.len(),
            fagomraader_created: out.fagomraader.len(),
            technologies_created: out.technologies.len(),
            preview,
        })
    }
}

fn commit_error(e: StoreError) -> AppError {
    match e.kind() {
        gevinst_store::ErrorKind::Duplicate => AppError::Invalid(FieldErrors::single(
            "rows",
            "duplicate",
            "En enhed, et fagområde eller en teknologi med samme navn blev oprettet imens. Lav forhåndsvisningen igen.",
        )),
        _ => e.into(),
    }
}

/// The rows that were not imported cleanly (errors, duplicates, warnings) with their
/// messages and cells, as an .xlsx workbook (see [`gevinst_sheets::export::errors`]).
/// CPR-like numbers are masked, also in a preview stored before they were.
pub fn error_report(preview: &ImportPreview) -> Result<Vec<u8>> {
    let mut preview = preview.clone();
    redact::preview(&mut preview);
    let rows: Vec<ErrorReportRow> = preview
        .rows
        .iter()
        .filter(|r| {
            matches!(r.action, RowAction::Error | RowAction::Duplicate) || !r.warnings.is_empty()
        })
        .map(|r| {
            let outcome = match r.action {
                RowAction::Error | RowAction::Duplicate => r.action.label(),
                _ => "Advarsel",
            };
            let mut messages = r.errors.clone();
            if r.action == RowAction::Duplicate {
                messages.push(r.reason.clone());
            }
            messages.extend(r.warnings.iter().cloned());
            ErrorReportRow {
                row: r.row,
                outcome: outcome.to_owned(),
                messages,
                cells: r.cells.clone(),
            }
        })
        .collect();
    report::error_report(&preview.columns, &rows).map_err(|e| AppError::Internal(e.to_string()))
}
