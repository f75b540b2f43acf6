//! Importing potentials (and rough business cases) from spreadsheets: the use cases behind
//! the upload → mapping → preview → commit flow of the web UI and `gevinst import`.
//!
//! 1. [`inspect`] reads a file (no store needed): its sheets, the detected header, a
//!    suggested [`Mapping`], and whether it is a workbook written by gevinst's own portfolio
//!    export (then the mapping is not used: the export's sheets are read exactly; its CSV
//!    export is recognised by its header and read the same way, without business cases,
//!    which the CSV does not carry).
//! 2. [`preview`] decides for every data row, against the tenant's existing potentials,
//!    whether it is **new**, an **update** (matched by an external id column or by
//!    title + unit), a **duplicate**, an **error** or carries **warnings**, with the reason
//!    in Danish, and lists unknown units, fagområder, statuses and technologies with
//!    suggested matches and what will happen to them ([`ImportChoices`]).
//! 3. [`commit`] writes the import in one database transaction
//!    ([`gevinst_store::Store::commit_import`]): all rows, or only the valid ones when the
//!    caller explicitly asks (`only_valid`); otherwise any error refuses the whole import.
//! 4. [`error_report`] writes the rows that were not imported cleanly as an .xlsx file.
//!
//! Saved column mappings: [`list_mappings`], [`load_mapping`], [`save_mapping`],
//! [`delete_mapping`].
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
//! - **Rough business case** from the figures of a row (yearly gain in kr., hours, årsværk,
//!   investering, drift, startår): a [`ROUGH_HORIZON`]-year case with one line per figure:
//!   *Direkte besparelse*, *Frigjorte timer*, *Frigjorte årsværk* and *Drift* every year,
//!   *Investering* in the start year only; certain (low = high = 1) and not hjemtagbar.
//!   Without a start year the current year is used, with a warning. Gain in kr. together
//!   with hours or årsværk gives a warning about double counting.
//! - **Unknown values**: a unit, fagområde or technology that matches nothing is created
//!   when [`ImportChoices::create_missing`] is set or a [`ValueDecision`] says so, mapped to
//!   an existing one by a decision, or else: an error for a unit, a warning (left empty)
//!   for a fagområde or technology. An unknown status is an error unless a decision maps it.
//!   What the import creates is listed once in [`ImportPreview::new_units`] (etc.) and
//!   [`ImportPreview::unknown`], not as a warning on every row; a spelling variant of a
//!   name the import creates anyway (e.g. "Jobcentret" after "Jobcenter") is merged into
//!   it, with a warning on the row.
//! - **CPR numbers** block their row (error) until masked: [`ImportChoices::mask_cpr`] (all
//!   rows) or [`ImportChoices::mask_cpr_rows`] replace every CPR-like number in the row's
//!   cells by `XXXXXX-XXXX` before anything else is read.
//! - The commit re-reads the file and the tenant's data, so what is written is decided
//!   against the data at commit time; stored versions are checked in the transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Utc};
use gevinst_domain::access::Permission;
use gevinst_domain::business_case::{BusinessCase, Decimal, Line, LineKind};
use gevinst_domain::cpr::mask_cpr;
use gevinst_domain::potential::References;
use gevinst_domain::text::search_key;
use gevinst_domain::{
    FagomraadeId, FieldErrors, Potential, PotentialDraft, PotentialId, PotentialQuery, Role,
    Source, Status, TechnologyId, Tenant, UnitId, UnitTree, UserId,
};
use gevinst_sheets::export::errors::{self as report, ErrorReportRow};
use gevinst_sheets::export::portfolio::{self, ExportedPotential, Person};
use gevinst_sheets::import::{
    self as sheets, match_known, normalise_key, CprFinding, Format, Header, ImportError, IssueCode,
    KnownValues, Limits, Mapping, ParsedRow, RowOutcome, SheetInfo, Table, TextEncoding,
    ValueMatch,
};
use gevinst_store::{
    ImportAction, ImportBatch, ImportNewUnit, ImportRow, Store, StoreError, StoredBusinessCase,
    StoredImportMapping,
};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::potentials::TenantLists;
use crate::Imports;
use crate::{AppError, Result};

pub use gevinst_store::ImportProgress;

pub mod uploads;

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
            Importer::User(p) => p.user.role != Role::Laeser,
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

/// The file to import and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct ImportInput<'a> {
    /// The whole file.
    pub bytes: &'a [u8],
    /// Its name (for messages; the format is detected from the bytes).
    pub filename: &'a str,
    /// The sheet to read; `None`: the first visible sheet.
    pub sheet: Option<&'a str>,
    /// The column mapping; `None`: the suggested one. Not used for a gevinst export.
    pub mapping: Option<&'a Mapping>,
    /// Size and row limits.
    pub limits: &'a Limits,
}

/// Which list a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Units (for a gevinst export: the unit path, joined by " › ").
    Unit,
    /// Fagområder.
    Fagomraade,
    /// Statuses (fixed; cannot be created).
    Status,
    /// Technology types.
    Technology,
}

impl ValueKind {
    /// Danish name, lower case.
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Unit => "enhed",
            ValueKind::Fagomraade => "fagområde",
            ValueKind::Status => "status",
            ValueKind::Technology => "teknologi",
        }
    }
}

/// What to do with a value of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum ValueChoice {
    /// Use this existing name (a unit's name, a fagområde, a status label or a technology).
    Existing {
        /// The existing name.
        name: String,
    },
    /// Create it (units: under `parent`, or at the top).
    Create {
        /// The parent unit, for a new unit.
        parent: Option<UnitId>,
    },
    /// Leave the field empty (fagområde, technology; a unit cannot be left empty).
    Skip,
}

/// The user's decision for one value of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueDecision {
    /// The list.
    pub kind: ValueKind,
    /// The text in the file (compared after [`normalise_key`]).
    pub raw: String,
    /// What to do.
    pub choice: ValueChoice,
}

/// The user's choices for an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportChoices {
    /// Create every unknown unit (at the top), fagområde and technology.
    pub create_missing: bool,
    /// Decisions for single values; they win over `create_missing`.
    pub values: Vec<ValueDecision>,
    /// The unit for rows without one.
    pub default_unit: Option<UnitId>,
    /// Mask CPR-like numbers in every row.
    pub mask_cpr: bool,
    /// Mask CPR-like numbers in these rows (sheet row numbers).
    pub mask_cpr_rows: Vec<u32>,
}

/// What [`inspect`] found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The file name as given.
    pub filename: String,
    /// The detected format.
    pub format: Format,
    /// All sheets (to choose from).
    pub sheets: Vec<SheetInfo>,
    /// The sheet read.
    pub sheet: String,
    /// For CSV: the detected encoding.
    pub encoding: Option<TextEncoding>,
    /// For CSV: the detected delimiter.
    pub delimiter: Option<char>,
    /// The detected header.
    pub header: Header,
    /// The suggested mapping.
    pub mapping: Mapping,
    /// True for a workbook written by gevinst's portfolio export: it is imported exactly
    /// (Potentialer, Business cases and Risici sheets), and the mapping is not used.
    pub gevinst_export: bool,
    /// Data rows below the header (blank rows included).
    pub data_rows: usize,
    /// The first [`SAMPLE_ROWS`] data rows, one text per header column.
    pub sample: Vec<Vec<String>>,
}

/// What the import will do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    /// Creates a new potential.
    New,
    /// Updates an existing potential.
    Update,
    /// Skipped: repeats an earlier row, or would change nothing.
    Duplicate,
    /// Cannot be imported.
    Error,
}

impl RowAction {
    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            RowAction::New => "Ny",
            RowAction::Update => "Opdatering",
            RowAction::Duplicate => "Dublet",
            RowAction::Error => "Fejl",
        }
    }
}

/// One row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The row's number in the sheet (from 1).
    pub row: u32,
    /// What the import does with it.
    pub action: RowAction,
    /// The reason, in Danish (e.g. "Nyt potentiale", "Opdaterer potentiale 12 (…)").
    pub reason: String,
    /// The title, if any.
    pub title: Option<String>,
    /// The unit's name (or path) as it will be used.
    pub unit: Option<String>,
    /// The existing potential, for updates and duplicates of existing potentials.
    pub potential: Option<PotentialId>,
    /// True when the row brings a business case.
    pub business_case: bool,
    /// Errors, in Danish.
    pub errors: Vec<String>,
    /// Warnings, in Danish.
    pub warnings: Vec<String>,
    /// CPR-like numbers found, with the masked text to offer.
    pub cpr: Vec<CprFinding>,
    /// The row's cells as text (only for rows that are not new or update without warnings;
    /// for the error report).
    pub cells: Vec<String>,
}

/// Row counts of a preview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewCounts {
    /// New potentials.
    pub new: usize,
    /// Updates.
    pub update: usize,
    /// Duplicates (skipped).
    pub duplicate: usize,
    /// Rows with errors.
    pub error: usize,
    /// New or update rows with warnings.
    pub warning: usize,
}

/// A value of the file that matched no existing name exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownValue {
    /// The list.
    pub kind: ValueKind,
    /// The text in the file.
    pub raw: String,
    /// Existing names it might mean, best first.
    pub suggestions: Vec<String>,
    /// The rows that have it.
    pub rows: Vec<u32>,
    /// What will happen, in Danish (e.g. "Oprettes", "Bruger «Jobcenter»", "Ikke valgt").
    pub resolution: String,
}

/// The preview of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The sheet read.
    pub sheet: String,
    /// True for a gevinst portfolio export.
    pub gevinst_export: bool,
    /// The mapping used (the suggested one for a gevinst export).
    pub mapping: Mapping,
    /// The file's column headers (for the error report).
    pub columns: Vec<String>,
    /// Problems with the mapping; when present nothing can be imported.
    pub mapping_problems: Vec<String>,
    /// One entry per non-blank data row.
    pub rows: Vec<PreviewRow>,
    /// The counts.
    pub counts: PreviewCounts,
    /// Unknown values with suggestions and their resolution.
    pub unknown: Vec<UnknownValue>,
    /// Units the import creates (names, or paths for a gevinst export).
    pub new_units: Vec<String>,
    /// Fagområder the import creates.
    pub new_fagomraader: Vec<String>,
    /// Technology types the import creates.
    pub new_technologies: Vec<String>,
}

impl ImportPreview {
    /// The first `n` errors as `"Række 7: …"` lines (for the CLI and summaries).
    pub fn first_errors(&self, n: usize) -> Vec<String> {
        self.rows
            .iter()
            .filter(|r| r.action == RowAction::Error)
            .flat_map(|r| {
                r.errors
                    .iter()
                    .map(move |e| format!("Række {}: {e}", r.row))
            })
            .take(n)
            .collect()
    }

    /// True when the import can be committed without `only_valid`.
    pub fn is_clean(&self) -> bool {
        self.mapping_problems.is_empty() && self.counts.error == 0
    }
}

/// What [`commit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOutcome {
    /// The import's id; every audit entry of it has the reason `"Import <id>"`.
    pub batch_id: String,
    /// The preview the commit was made from (all rows of the file, the skipped ones
    /// included, for [`error_report`]).
    pub preview: ImportPreview,
    /// Potentials created.
    pub created: usize,
    /// Potentials updated.
    pub updated: usize,
    /// Business cases saved.
    pub business_cases: usize,
    /// Rows skipped as duplicates.
    pub duplicates: usize,
    /// Rows skipped because of errors (only with `only_valid`).
    pub skipped: usize,
    /// The potentials written, in row order.
    pub potentials: Vec<PotentialId>,
    /// Units created.
    pub units_created: usize,
    /// Fagområder created.
    pub fagomraader_created: usize,
    /// Technology types created.
    pub technologies_created: usize,
}

// ------------------------------------------------------------------ reading

fn file_error(e: &ImportError) -> AppError {
    AppError::Invalid(FieldErrors::single("file", "invalid", e.message()))
}

/// A read and header-detected file.
struct Sheet {
    read: sheets::ReadOutput,
    header: Header,
    gevinst_export: bool,
}

fn open(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<Sheet> {
    let read = sheets::read(bytes, sheet, limits).map_err(|e| file_error(&e))?;
    let names: Vec<String> = read.sheets.iter().map(|s| s.name.clone()).collect();
    let first = portfolio::SHEETS[0];
    if names.iter().any(|n| n == first) && read.format != Format::Csv {
        let pot = if read.sheet == first {
            read.clone()
        } else {
            sheets::read(bytes, Some(first), limits).map_err(|e| file_error(&e))?
        };
        if let Ok(h) = sheets::detect_header(&pot.table) {
            let headers: Vec<String> = h.columns.iter().map(|c| c.name.clone()).collect();
            if portfolio::is_portfolio_export(&names, &headers) {
                return Ok(Sheet {
                    read: pot,
                    header: h,
                    gevinst_export: true,
                });
            }
        }
    }
    let header = sheets::detect_header(&read.table).map_err(|e| file_error(&e))?;
    // gevinst's CSV export: the Potentialer sheet's columns.
    let gevinst_export = read.format == Format::Csv
        && portfolio::POTENTIAL_HEADERS
            .iter()
            .all(|h| header.columns.iter().any(|c| c.name.trim() == *h));
    Ok(Sheet {
        read,
        header,
        gevinst_export,
    })
}

/// A text cell of gevinst's CSV export, with the export's formula guard (a leading `'`
/// before `=`, `+`, `-`, `@`, tab or CR) taken off.
fn csv_export_text(cell: &sheets::Cell) -> String {
    let t = sheets::values::text(cell).unwrap_or_default();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => t,
    }
}

/// The rows of gevinst's CSV export (the Potentialer sheet; it has no business cases).
fn from_export_csv(
    table: &Table,
    header: &Header,
    known: &KnownValues,
    lists: &TenantLists,
) -> Vec<Candidate> {
    let col: HashMap<&str, usize> = header
        .columns
        .iter()
        .map(|c| (c.name.trim(), c.index))
        .collect();
    let data = table.rows().get(header.data_from..).unwrap_or(&[]);
    let mut out = Vec::new();
    for r in data {
        let cell = |name: &str| col.get(name).map_or(&sheets::Cell::Empty, |i| r.cell(*i));
        let get = |name: &str| csv_export_text(cell(name));
        let opt = |name: &str| Some(get(name)).filter(|t| !t.is_empty());
        let person = |name: &str, email: &str| {
            opt(email).map(|e| Person {
                name: get(name),
                email: e,
            })
        };
        let mut errors = Vec::new();
        let id = match cell("Id") {
            sheets::Cell::Number(n) if n.fract() == 0.0 => Some(*n as i64),
            c => sheets::values::text(c).and_then(|t| t.parse::<i64>().ok()),
        };
        let status_text = get("Status");
        let status = Status::ALL
            .into_iter()
            .find(|s| normalise_key(s.label()) == normalise_key(&status_text));
        if status.is_none() {
            errors.push(format!(
                "Kolonne «Status»: «{status_text}» er ikke en status i gevinst."
            ));
        }
        let source_text = get("Kilde");
        let source = source_by_text(&source_text);
        if source.is_none() {
            errors.push(format!(
                "Kolonne «Kilde»: «{source_text}» er ikke en kilde i gevinst."
            ));
        }
        let p = ExportedPotential {
            row: r.number,
            id: id.unwrap_or(0),
            title: get("Titel"),
            description: get("Beskrivelse"),
            status: status.unwrap_or(Status::Ide),
            unit_path: get("Enhedssti")
                .split(" › ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            fagomraade: opt("Fagområde"),
            technology: opt("Teknologi"),
            source: source.unwrap_or(Source::EmployeeProposal),
            benefit_owner: person("Gevinstejer", "Gevinstejer e-mail"),
            digital_agent: person("Digital agent", "Digital agent e-mail"),
            submitted_by: person("Indsendt af", "Indsendt af e-mail"),
            tags: get("Tags")
                .split("; ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            case: None,
        };
        let mut c = from_export(p, known, lists);
        if c.title.as_deref().is_some_and(str::is_empty) {
            c.title = None;
            errors.push("Kolonne «Titel»: Rækken har ingen titel.".to_owned());
        }
        if id.is_none() {
            c.external = External::None;
        }
        c.errors.extend(errors);
        out.push(c);
    }
    out
}

fn row_texts(table: &Table, header: &Header, index: usize) -> Vec<String> {
    match table.rows().get(index) {
        Some(r) => header
            .columns
            .iter()
            .map(|c| r.cell(c.index).display())
            .collect(),
        None => Vec::new(),
    }
}

/// Reads a file: its sheets, the header, a suggested mapping and whether it is a gevinst
/// export. Needs no store; a file that cannot be read is [`AppError::Invalid`] with the
/// field `file` and a Danish message.
pub fn inspect(
    bytes: &[u8],
    filename: &str,
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Inspection> {
    let s = open(bytes, sheet, limits)?;
    let data_rows = s.read.table.rows().len().saturating_sub(s.header.data_from);
    let sample = (s.header.data_from..s.read.table.rows().len())
        .take(SAMPLE_ROWS)
        .map(|i| row_texts(&s.read.table, &s.header, i))
        .collect();
    Ok(Inspection {
        filename: filename.to_owned(),
        format: s.read.format,
        sheets: s.read.sheets.clone(),
        sheet: s.read.sheet.clone(),
        encoding: s.read.encoding,
        delimiter: s.read.delimiter,
        mapping: Mapping::suggest(&s.header),
        header: s.header,
        gevinst_export: s.gevinst_export,
        data_rows,
        sample,
    })
}

// ------------------------------------------------------------------ candidates

/// How a row names its unit.
#[derive(Debug, Clone)]
enum UnitSpec {
    Missing,
    Name(ValueMatch),
    Path(Vec<String>),
}

/// How a row identifies an existing potential.
#[derive(Debug, Clone)]
enum External {
    None,
    Tag(String),
    GevinstId(i64),
}

/// A row read from the file, before it meets the tenant's data.
#[derive(Debug, Clone)]
struct Candidate {
    row: u32,
    cells: Vec<String>,
    title: Option<String>,
    description: Option<String>,
    unit: UnitSpec,
    fagomraade: Option<ValueMatch>,
    technology: Option<ValueMatch>,
    status: Option<ValueMatch>,
    source: Option<Source>,
    benefit_owner: Option<UserId>,
    digital_agent: Option<UserId>,
    submitted_by: Option<UserId>,
    tags: Vec<String>,
    case: Option<BusinessCase>,
    external: External,
    errors: Vec<String>,
    warnings: Vec<String>,
    cpr: Vec<CprFinding>,
    duplicate_of: Option<u32>,
    /// A gevinst export: every field is replaced on update, the case exactly.
    exact: bool,
}

fn known_values(lists: &TenantLists) -> KnownValues {
    KnownValues {
        units: lists
            .units
            .flatten()
            .into_iter()
            .filter(|(_, u)| u.active)
            .map(|(_, u)| u.name.clone())
            .collect(),
        fagomraader: lists
            .fagomraader
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
        statuses: Status::ALL.iter().map(|s| s.label().to_owned()).collect(),
        technologies: lists
            .technologies
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
    }
}

fn user_by_text(lists: &TenantLists, text: &str) -> Option<UserId> {
    let t = text.trim().to_lowercase();
    lists
        .users
        .iter()
        .find(|u| u.email.as_str().to_lowercase() == t)
        .or_else(|| {
            let key = normalise_key(text);
            let hits: Vec<_> = lists
                .users
                .iter()
                .filter(|u| normalise_key(&u.name) == key)
                .collect();
            match hits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        })
        .map(|u| u.id)
}

fn source_by_text(text: &str) -> Option<Source> {
    let key = normalise_key(text);
    Source::ALL
        .into_iter()
        .find(|s| normalise_key(s.label()) == key || normalise_key(s.as_str()) == key)
}

fn rough_case(
    f: &ParsedRow,
    warnings: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> Option<BusinessCase> {
    if !f.has_figures() {
        return None;
    }
    let start_year = match f.start_year {
        Some(y) => y,
        None => {
            let y = Utc::now().year();
            warnings.push(format!("Startår mangler; business casen starter i {y}."));
            y
        }
    };
    if !(2000..=2100).contains(&start_year) {
        errors.push(format!(
            "Startåret {start_year} skal ligge mellem 2000 og 2100."
        ));
        return None;
    }
    let n = ROUGH_HORIZON as usize;
    let mut lines = Vec::new();
    let mut every_year = |kind: LineKind, label: &str, v: Option<Decimal>, what: &str| {
        if let Some(v) = v {
            if v.is_sign_negative() && !v.is_zero() {
                errors.push(format!("{what} kan ikke være negativ ({v})."));
            } else {
                lines.push(Line::certain(kind, label, vec![v; n]));
            }
        }
    };
    every_year(
        LineKind::DirekteBesparelse,
        "Forventet gevinst",
        f.gain_per_year,
        "Forventet gevinst",
    );
    every_year(
        LineKind::FrigjorteTimer,
        "Frigjorte timer",
        f.hours_per_year,
        "Timer pr. år",
    );
    every_year(
        LineKind::FrigjorteAarsvaerk,
        "Frigjorte årsværk",
        f.fte,
        "Årsværk",
    );
    every_year(LineKind::Drift, "Drift", f.running_per_year, "Drift pr. år");
    if let Some(inv) = f.investment {
        if inv.is_sign_negative() && !inv.is_zero() {
            errors.push(format!("Investering kan ikke være negativ ({inv})."));
        } else {
            let mut amounts = vec![Decimal::ZERO; n];
            amounts[0] = inv;
            lines.push(Line::certain(LineKind::Investering, "Investering", amounts));
        }
    }
    if f.gain_per_year.is_some() && (f.hours_per_year.is_some() || f.fte.is_some()) {
        warnings.push(
            "Rækken har både en gevinst i kr. og i timer eller årsværk; begge bliver gevinstlinjer. Tjek, at de ikke dækker over det samme."
                .to_owned(),
        );
    }
    Some(BusinessCase {
        start_year,
        horizon: ROUGH_HORIZON,
        discount_rate: None,
        lines,
        risks: Vec::new(),
    })
}

fn from_outcome(o: RowOutcome, cells: Vec<String>, lists: &TenantLists) -> Candidate {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for i in &o.errors {
        if i.code != IssueCode::Duplicate {
            errors.push(i.message.clone());
        }
    }
    for i in &o.warnings {
        // Unknown names are resolved (and reported) against the choices below.
        if i.code != IssueCode::Unknown {
            warnings.push(i.message.clone());
        }
    }
    let f = o.fields;
    let benefit_owner = f.owner.as_deref().and_then(|t| {
        let u = user_by_text(lists, t);
        if u.is_none() {
            warnings.push(format!(
                "Gevinstejeren «{t}» er ikke bruger i gevinst; feltet bliver tomt."
            ));
        }
        u
    });
    let source = f.source.as_deref().and_then(|t| {
        let s = source_by_text(t);
        if s.is_none() {
            warnings.push(format!(
                "Kilden «{t}» kendes ikke; potentialet får kilden «{}».",
                Source::EmployeeProposal.label()
            ));
        }
        s
    });
    let mut case = None;
    if errors.is_empty() {
        case = rough_case(&f, &mut warnings, &mut errors);
    }
    let external = match &o.key.external_id {
        Some(id) => External::Tag(id.clone()),
        None => External::None,
    };
    Candidate {
        row: o.row,
        cells,
        title: f.title,
        description: f.description,
        unit: match f.unit {
            Some(m) => UnitSpec::Name(m),
            None => UnitSpec::Missing,
        },
        fagomraade: f.fagomraade,
        technology: f.technology,
        status: f.status,
        source,
        benefit_owner,
        digital_agent: None,
        submitted_by: None,
        tags: f.tags,
        case,
        external,
        errors,
        warnings,
        cpr: o.cpr,
        duplicate_of: o.duplicate_of,
        exact: false,
    }
}

fn person_id(
    lists: &TenantLists,
    p: &Option<Person>,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<UserId> {
    let p = p.as_ref()?;
    let t = p.email.trim().to_lowercase();
    let hit = lists
        .users
        .iter()
        .find(|u| u.email.as_str().to_lowercase() == t)
        .map(|u| u.id);
    if hit.is_none() {
        warnings.push(format!(
            "{what} {} ({}) er ikke bruger her; feltet bliver tomt.",
            p.name, p.email
        ));
    }
    hit
}

fn from_export(p: ExportedPotential, known: &KnownValues, lists: &TenantLists) -> Candidate {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let texts = [&p.title, &p.description];
    let mut cpr = Vec::new();
    for (t, col) in texts.iter().zip(["Titel", "Beskrivelse"]) {
        if !gevinst_domain::cpr::find_cpr(t).is_empty() {
            let masked = mask_cpr(t);
            errors.push(format!("Kolonne «{col}»: {}", sheets::cpr_message(&masked)));
            cpr.push(CprFinding {
                column: col.to_owned(),
                column_index: if col == "Titel" { 1 } else { 2 },
                masked,
            });
        }
    }
    let benefit_owner = person_id(lists, &p.benefit_owner, "Gevinstejeren", &mut warnings);
    let digital_agent = person_id(lists, &p.digital_agent, "Den digitale agent", &mut warnings);
    let submitted_by = person_id(lists, &p.submitted_by, "Indsenderen", &mut warnings);
    let m = |name: &Option<String>, list: &[String]| name.as_ref().map(|n| match_known(n, list));
    Candidate {
        row: p.row,
        cells: vec![
            p.id.to_string(),
            p.title.clone(),
            p.description.clone(),
            p.status.label().to_owned(),
            p.unit_path.last().cloned().unwrap_or_default(),
            p.unit_path.join(" › "),
        ],
        title: Some(p.title),
        description: Some(p.description),
        unit: if p.unit_path.is_empty() {
            UnitSpec::Missing
        } else {
            UnitSpec::Path(p.unit_path)
        },
        fagomraade: m(&p.fagomraade, &known.fagomraader),
        technology: m(&p.technology, &known.technologies),
        status: Some(ValueMatch::Known {
            name: p.status.label().to_owned(),
            raw: p.status.label().to_owned(),
            exact: true,
        }),
        source: Some(p.source),
        benefit_owner,
        digital_agent,
        submitted_by,
        tags: p.tags,
        case: p.case,
        external: External::GevinstId(p.id),
        errors,
        warnings,
        cpr,
        duplicate_of: None,
        exact: true,
    }
}

fn masked_table(table: &Table, choices: &ImportChoices) -> Option<Table> {
    if !choices.mask_cpr && choices.mask_cpr_rows.is_empty() {
        return None;
    }
    let rows = table
        .rows()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if choices.mask_cpr || choices.mask_cpr_rows.contains(&r.number) {
                for c in &mut r.cells {
                    if let sheets::Cell::Text(t) = c {
                        *t = mask_cpr(t);
                    }
                }
            }
            r
        })
        .collect();
    Some(Table::new(rows))
}

// ------------------------------------------------------------------ resolution

/// A reference to a record that exists or that the import creates (index into the
/// batch's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ref<T> {
    Existing(T),
    New(usize),
}

#[derive(Default)]
struct Creations {
    units: Vec<ImportNewUnit>,
    unit_names: Vec<String>,
    unit_keys: HashMap<String, usize>,
    fagomraader: Vec<String>,
    technologies: Vec<String>,
}

struct Unknowns {
    map: HashMap<(ValueKind, String), UnknownValue>,
    order: Vec<(ValueKind, String)>,
}

impl Unknowns {
    fn note(
        &mut self,
        kind: ValueKind,
        raw: &str,
        row: u32,
        suggestions: Vec<String>,
        resolution: String,
    ) {
        let key = (kind, normalise_key(raw));
        match self.map.get_mut(&key) {
            Some(u) => u.rows.push(row),
            None => {
                self.order.push(key.clone());
                self.map.insert(
                    key,
                    UnknownValue {
                        kind,
                        raw: raw.to_owned(),
                        suggestions,
                        rows: vec![row],
                        resolution,
                    },
                );
            }
        }
    }

    fn into_vec(mut self) -> Vec<UnknownValue> {
        self.order
            .iter()
            .filter_map(|k| self.map.remove(k))
            .collect()
    }
}

/// Existing names close to `raw`: the unique close match of [`match_known`] and names
/// whose key contains the raw key or is contained in it.
fn suggestions(raw: &str, names: &[String]) -> Vec<String> {
    let key = normalise_key(raw);
    let mut out: Vec<String> = Vec::new();
    if let ValueMatch::Known { name, .. } = match_known(raw, names) {
        out.push(name);
    }
    if key.chars().count() >= 3 {
        for n in names {
            let k = normalise_key(n);
            if (k.contains(&key) || key.contains(&k)) && k.chars().count() >= 3 && !out.contains(n)
            {
                out.push(n.clone());
            }
        }
    }
    out.truncate(5);
    out
}

struct Resolver<'a> {
    importer: Importer<'a>,
    lists: &'a TenantLists,
    known: &'a KnownValues,
    choices: &'a ImportChoices,
    decisions: HashMap<(ValueKind, String), &'a ValueChoice>,
    created: Creations,
    unknown: Unknowns,
    /// Active units by the key of their name and of their path.
    unit_keys: UnitKeys,
    /// Every unit by (parent, key of its name).
    children: UnitChildren,
}

/// Active units by the key of their name and of their path.
type UnitKeys = HashMap<String, Vec<UnitId>>;

/// Every unit by (parent, key of its name).
type UnitChildren = HashMap<(Option<UnitId>, String), UnitId>;

/// The lookup tables of [`Resolver`], built once per import.
fn unit_tables(tree: &UnitTree) -> (UnitKeys, UnitChildren) {
    let mut keys: HashMap<String, Vec<UnitId>> = HashMap::new();
    let mut children = HashMap::new();
    for (_, u) in tree.flatten() {
        children
            .entry((u.parent_id, normalise_key(&u.name)))
            .or_insert(u.id);
        if u.active {
            let name = normalise_key(&u.name);
            let path = normalise_key(&tree.display_path(u.id));
            keys.entry(name.clone()).or_default().push(u.id);
            if path != name {
                keys.entry(path).or_default().push(u.id);
            }
        }
    }
    (keys, children)
}

impl<'a> Resolver<'a> {
    fn decision(&self, kind: ValueKind, raw: &str) -> Option<&'a ValueChoice> {
        self.decisions.get(&(kind, normalise_key(raw))).copied()
    }

    /// An active unit by its name or its path ("Social › Ældre"); a name that several
    /// units have is an error naming their paths.
    fn unit_by_name(&self, name: &str) -> Result<UnitId, String> {
        let tree = &self.lists.units;
        let hits: &[UnitId] = self
            .unit_keys
            .get(&normalise_key(name))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match hits {
            [one] => Ok(*one),
            [] => Err(format!("Enheden «{}» findes ikke.", name.trim())),
            many => {
                let paths: Vec<String> = many.iter().map(|u| tree.display_path(*u)).collect();
                Err(format!(
                    "Der er flere enheder med navnet «{}» ({}). Vælg den rigtige, eller skriv hele stien.",
                    name.trim(),
                    paths.join("; ")
                ))
            }
        }
    }

    fn new_unit(&mut self, name: &str, parent: Option<Ref<UnitId>>, label: String) -> usize {
        let key = format!(
            "{}|{}",
            match parent {
                Some(Ref::Existing(u)) => format!("e{}", u.0),
                Some(Ref::New(i)) => format!("n{i}"),
                None => String::new(),
            },
            normalise_key(name)
        );
        if let Some(i) = self.created.unit_keys.get(&key) {
            return *i;
        }
        let i = self.created.units.len();
        self.created.units.push(ImportNewUnit {
            name: name.trim().to_owned(),
            parent: match parent {
                Some(Ref::Existing(u)) => Some(u),
                _ => None,
            },
            new_parent: match parent {
                Some(Ref::New(p)) => Some(p),
                _ => None,
            },
        });
        self.created.unit_names.push(label);
        self.created.unit_keys.insert(key, i);
        i
    }

    /// The unit of a row, or a Danish error.
    fn unit(
        &mut self,
        spec: &UnitSpec,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<(Ref<UnitId>, String), String> {
        match spec {
            UnitSpec::Missing => match self.choices.default_unit {
                Some(u) if self.lists.units.get(u).is_some_and(|x| x.active) => {
                    let name = self.lists.units.get(u).map(|x| x.name.clone()).unwrap_or_default();
                    Ok((Ref::Existing(u), name))
                }
                _ => Err("Rækken har ingen enhed. Udfyld enheden, eller vælg en enhed til rækker uden enhed.".to_owned()),
            },
            UnitSpec::Name(m) => {
                let raw = match m {
                    ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
                };
                if let Some(choice) = self.decision(ValueKind::Unit, &raw) {
                    return self.unit_choice(choice, &raw, row);
                }
                match m {
                    ValueMatch::Known { name, .. } => self
                        .unit_by_name(name)
                        .map(|u| (Ref::Existing(u), name.clone())),
                    // A path such as "Social › Ældre" names one unit.
                    ValueMatch::Unknown { raw } if self.unit_by_name(raw).is_ok() => self
                        .unit_by_name(raw)
                        .map(|u| (Ref::Existing(u), self.lists.units.get(u).map(|x| x.name.clone()).unwrap_or_default())),
                    ValueMatch::Unknown { raw } => {
                        let sugg = suggestions(raw, &self.known.units);
                        if self.choices.create_missing && self.importer.may_create_lists() {
                            // A spelling variant of a unit this import creates anyway is
                            // that unit (e.g. "Jobcentret" after "Jobcenter").
                            let top: Vec<String> = self
                                .created
                                .units
                                .iter()
                                .filter(|u| u.parent.is_none() && u.new_parent.is_none())
                                .map(|u| u.name.clone())
                                .collect();
                            let name = match match_known(raw, &top) {
                                ValueMatch::Known {
                                    name, exact: false, ..
                                } => {
                                    warnings.push(format!(
                                        "«{}» er læst som enheden «{name}», som oprettes ved importen.",
                                        raw.trim()
                                    ));
                                    name
                                }
                                _ => raw.trim().to_owned(),
                            };
                            let resolution = if name == raw.trim() {
                                "Oprettes".to_owned()
                            } else {
                                format!("Læses som «{name}» (oprettes)")
                            };
                            self.unknown.note(ValueKind::Unit, raw, row, sugg, resolution);
                            let i = self.new_unit(&name, None, name.clone());
                            Ok((Ref::New(i), name))
                        } else {
                            self.unknown.note(ValueKind::Unit, raw, row, sugg, "Ikke valgt".into());
                            Err(self.unknown_unit_message(raw))
                        }
                    }
                }
            }
            UnitSpec::Path(path) => {
                let joined = path.join(" › ");
                if let Some(choice) = self.decision(ValueKind::Unit, &joined) {
                    return self.unit_choice(choice, &joined, row);
                }
                let mut parent: Option<Ref<UnitId>> = None;
                let mut missing = false;
                for (depth, name) in path.iter().enumerate() {
                    let key = normalise_key(name);
                    let existing = match parent {
                        None => self.children.get(&(None, key)).copied(),
                        Some(Ref::Existing(p)) => self.children.get(&(Some(p), key)).copied(),
                        Some(Ref::New(_)) => None,
                    };
                    parent = Some(match existing {
                        Some(u) => Ref::Existing(u),
                        None => {
                            missing = true;
                            if !(self.choices.create_missing && self.importer.may_create_lists()) {
                                break;
                            }
                            Ref::New(self.new_unit(name, parent, path[..=depth].join(" › ")))
                        }
                    });
                }
                let name = path.last().cloned().unwrap_or_default();
                match (parent, missing) {
                    (Some(r), false) => Ok((r, name)),
                    (Some(r @ Ref::New(_)), true) => {
                        self.unknown.note(ValueKind::Unit, &joined, row, suggestions(&name, &self.known.units), "Oprettes".into());
                                                Ok((r, name))
                    }
                    _ => {
                        self.unknown.note(ValueKind::Unit, &joined, row, suggestions(&name, &self.known.units), "Ikke valgt".into());
                        Err(self.unknown_unit_message(&joined))
                    }
                }
            }
        }
    }

    fn unknown_unit_message(&self, raw: &str) -> String {
        if self.importer.may_create_lists() {
            format!("Enheden «{}» findes ikke. Vælg en eksisterende enhed, eller lad importen oprette den.", raw.trim())
        } else {
            format!("Enheden «{}» findes ikke. Vælg en eksisterende enhed; kun administratorer og porteføljeledere kan oprette enheder.", raw.trim())
        }
    }

    fn unit_choice(
        &mut self,
        choice: &ValueChoice,
        raw: &str,
        row: u32,
    ) -> Result<(Ref<UnitId>, String), String> {
        match choice {
            ValueChoice::Existing { name } => {
                self.unknown.note(
                    ValueKind::Unit,
                    raw,
                    row,
                    Vec::new(),
                    format!("Bruger «{name}»"),
                );
                self.unit_by_name(name).map(|u| {
                    (
                        Ref::Existing(u),
                        name.rsplit(" › ").next().unwrap_or(name).trim().to_owned(),
                    )
                })
            }
            ValueChoice::Create { parent } => {
                if !self.importer.may_create_lists() {
                    return Err(self.unknown_unit_message(raw));
                }
                if let Some(p) = parent {
                    if self.lists.units.get(*p).is_none() {
                        return Err("Den valgte overordnede enhed findes ikke.".to_owned());
                    }
                }
                let name = raw.rsplit(" › ").next().unwrap_or(raw).trim().to_owned();
                self.unknown
                    .note(ValueKind::Unit, raw, row, Vec::new(), "Oprettes".into());
                let i = self.new_unit(&name, parent.map(Ref::Existing), name.clone());
                Ok((Ref::New(i), name))
            }
            ValueChoice::Skip => Err("En række kan ikke importeres uden enhed.".to_owned()),
        }
    }

    /// A fagområde or technology: `Ok(None)` leaves it empty.
    fn catalogue(
        &mut self,
        kind: ValueKind,
        m: &Option<ValueMatch>,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Ref<i64>>, String> {
        let Some(m) = m else { return Ok(None) };
        let (lists, known) = (self.lists, self.known);
        let (items, known_names) = match kind {
            ValueKind::Fagomraade => (&lists.fagomraader, &known.fagomraader),
            _ => (&lists.technologies, &known.technologies),
        };
        let by_name = |name: &str| {
            let key = normalise_key(name);
            items
                .iter()
                .find(|i| normalise_key(&i.name) == key)
                .map(|i| i.id)
        };
        let raw = match m {
            ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
        };
        let what = kind.label();
        let choice = self.decision(kind, &raw).cloned();
        let create = |this: &mut Self, name: &str| -> usize {
            let list = match kind {
                ValueKind::Fagomraade => &mut this.created.fagomraader,
                _ => &mut this.created.technologies,
            };
            // A spelling variant of a name this import creates anyway is that name.
            let name = match match_known(name, list) {
                ValueMatch::Known { name, .. } => name,
                ValueMatch::Unknown { raw } => raw,
            };
            match list.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    list.push(name);
                    list.len() - 1
                }
            }
        };
        match (choice, m) {
            (Some(ValueChoice::Existing { name }), _) => {
                self.unknown
                    .note(kind, &raw, row, Vec::new(), format!("Bruger «{name}»"));
                by_name(&name)
                    .map(|id| Some(Ref::Existing(id)))
                    .ok_or_else(|| format!("Den valgte {what} «{name}» findes ikke."))
            }
            (Some(ValueChoice::Skip), _) => {
                self.unknown
                    .note(kind, &raw, row, Vec::new(), "Udelades".into());
                warnings.push(format!(
                    "«{}» udelades; feltet {what} bliver tomt.",
                    raw.trim()
                ));
                Ok(None)
            }
            (Some(ValueChoice::Create { .. }), _) => {
                if !self.importer.may_create_lists() {
                    return Err(format!(
                        "Kun administratorer og porteføljeledere kan oprette en ny {what} («{}»).",
                        raw.trim()
                    ));
                }
                self.unknown
                    .note(kind, &raw, row, Vec::new(), "Oprettes".into());
                Ok(Some(Ref::New(create(self, &raw))))
            }
            (None, ValueMatch::Known { name, .. }) => by_name(name)
                .map(|id| Some(Ref::Existing(id)))
                .ok_or_else(|| format!("{what} «{name}» findes ikke.")),
            (None, ValueMatch::Unknown { raw }) => {
                let sugg = suggestions(raw, known_names);
                if self.choices.create_missing && self.importer.may_create_lists() {
                    self.unknown.note(kind, raw, row, sugg, "Oprettes".into());
                    Ok(Some(Ref::New(create(self, raw))))
                } else {
                    self.unknown.note(kind, raw, row, sugg, "Ikke valgt".into());
                    warnings.push(format!("Ukendt {what} «{}»; feltet bliver tomt. Vælg en eksisterende, eller lad importen oprette den.", raw.trim()));
                    Ok(None)
                }
            }
        }
    }

    fn status(&mut self, m: &Option<ValueMatch>, row: u32) -> Result<Option<Status>, String> {
        let Some(m) = m else { return Ok(None) };
        let by_label = |name: &str| {
            let key = normalise_key(name);
            Status::ALL
                .into_iter()
                .find(|s| normalise_key(s.label()) == key || normalise_key(s.as_str()) == key)
        };
        let raw = match m {
            ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
        };
        if let Some(choice) = self.decision(ValueKind::Status, &raw) {
            return match choice {
                ValueChoice::Existing { name } => {
                    self.unknown.note(
                        ValueKind::Status,
                        &raw,
                        row,
                        Vec::new(),
                        format!("Bruger «{name}»"),
                    );
                    by_label(name)
                        .map(Some)
                        .ok_or_else(|| format!("Den valgte status «{name}» findes ikke."))
                }
                _ => {
                    self.unknown
                        .note(ValueKind::Status, &raw, row, Vec::new(), "Idé".into());
                    Ok(None)
                }
            };
        }
        match m {
            ValueMatch::Known { name, .. } => Ok(by_label(name)),
            ValueMatch::Unknown { raw } => {
                let labels: Vec<String> =
                    Status::ALL.iter().map(|s| s.label().to_owned()).collect();
                self.unknown.note(
                    ValueKind::Status,
                    raw,
                    row,
                    suggestions(raw, &labels),
                    "Ikke valgt".into(),
                );
                Err(format!(
                    "Status «{}» kendes ikke. Vælg en af: {}.",
                    raw.trim(),
                    labels.join(", ")
                ))
            }
        }
    }
}

/// Accepts the import's placeholders (negative ids) for records it creates, and the
/// existing potential's own (possibly deactivated) unit.
struct Refs<'a> {
    lists: &'a TenantLists,
    keep_unit: Option<UnitId>,
}

impl References for Refs<'_> {
    fn unit(&self, id: UnitId) -> bool {
        id.0 < 0 || self.lists.unit(id) || Some(id) == self.keep_unit
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        id.0 < 0 || self.lists.fagomraade(id)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        id.0 < 0 || self.lists.technology(id)
    }
    fn user(&self, id: UserId) -> bool {
        self.lists.users.iter().any(|u| u.id == id)
    }
}

fn placeholder(i: usize) -> i64 {
    -1 - i64::try_from(i).unwrap_or(i64::MAX - 1)
}

/// The tenant's potentials (all of them) and business cases.
struct Existing {
    potentials: Vec<Potential>,
    by_id: HashMap<PotentialId, usize>,
    by_title_unit: HashMap<String, Vec<usize>>,
    by_tag: HashMap<String, usize>,
    cases: HashMap<PotentialId, StoredBusinessCase>,
}

fn title_unit_key(title: &str, unit: &str) -> String {
    format!("{}|{}", search_key(title), search_key(unit))
}

async fn existing(store: &dyn Store, tenant: &Tenant, lists: &TenantLists) -> Result<Existing> {
    let query = PotentialQuery {
        sort: gevinst_domain::SortKey::Created,
        descending: false,
        ..PotentialQuery::default()
    };
    let potentials = crate::export::all_pages(store, tenant, &query, None).await?;
    let mut e = Existing {
        by_id: HashMap::new(),
        by_title_unit: HashMap::new(),
        by_tag: HashMap::new(),
        cases: store
            .list_business_cases(tenant.id)
            .await?
            .into_iter()
            .map(|c| (c.potential_id, c))
            .collect(),
        potentials: Vec::new(),
    };
    for (i, p) in potentials.iter().enumerate() {
        e.by_id.insert(p.id, i);
        let unit = lists
            .units
            .get(p.unit_id)
            .map(|u| u.name.as_str())
            .unwrap_or("");
        e.by_title_unit
            .entry(title_unit_key(&p.title, unit))
            .or_default()
            .push(i);
        for t in &p.tags {
            if let Some(id) = t.strip_prefix(EXTERNAL_ID_TAG) {
                e.by_tag.insert(id.trim().to_lowercase(), i);
            }
        }
    }
    e.potentials = potentials;
    Ok(e)
}

/// The result of analysing a file: the preview and the batch of its importable rows.
struct Analysis {
    preview: ImportPreview,
    batch: ImportBatch,
}

/// The file read into candidates (CPU-bound; runs on the blocking pool).
struct ParsedFile {
    sheet: String,
    gevinst_export: bool,
    columns: Vec<String>,
    candidates: Vec<Candidate>,
    mapping: Mapping,
    mapping_problems: Vec<String>,
}

fn parse(
    bytes: &[u8],
    sheet: Option<&str>,
    mapping: Option<&Mapping>,
    limits: &Limits,
    choices: &ImportChoices,
    known: &KnownValues,
    lists: &TenantLists,
) -> Result<ParsedFile> {
    let s = open(bytes, sheet, limits)?;
    let columns: Vec<String> = s.header.columns.iter().map(|c| c.name.clone()).collect();
    let (candidates, mapping, mapping_problems) =
        if s.gevinst_export && s.read.format == Format::Csv {
            let c = from_export_csv(&s.read.table, &s.header, known, lists);
            if c.len() > limits.max_rows {
                return Err(file_error(&ImportError::new(
                    sheets::ErrorKind::TooManyRows,
                    format!("Filen har flere end {} rækker.", limits.max_rows),
                )));
            }
            (c, Mapping::suggest(&s.header), Vec::new())
        } else if s.gevinst_export {
            let exported = portfolio::read_workbook(bytes)
                .map_err(|e| AppError::Invalid(FieldErrors::single("file", "invalid", e.0)))?;
            if exported.len() > limits.max_rows {
                return Err(AppError::Invalid(FieldErrors::single(
                    "file",
                    "too_many_rows",
                    format!(
                        "Filen har {} potentialer; højst {} kan importeres ad gangen.",
                        exported.len(),
                        limits.max_rows
                    ),
                )));
            }
            let c: Vec<Candidate> = exported
                .into_iter()
                .map(|p| from_export(p, known, lists))
                .collect();
            (c, Mapping::suggest(&s.header), Vec::new())
        } else {
            let mapping = match mapping {
                Some(m) => m.adapt(&s.header).mapping,
                None => Mapping::suggest(&s.header),
            };
            let masked = masked_table(&s.read.table, choices);
            let table = masked.as_ref().unwrap_or(&s.read.table);
            let p = sheets::preview(table, &s.header, &mapping, known, limits)
                .map_err(|e| file_error(&e))?;
            let numbers: HashMap<u32, usize> = table
                .rows()
                .iter()
                .enumerate()
                .map(|(i, r)| (r.number, i))
                .collect();
            let c: Vec<Candidate> = p
                .rows
                .into_iter()
                .map(|o| {
                    let cells = numbers
                        .get(&o.row)
                        .map(|i| row_texts(table, &s.header, *i))
                        .unwrap_or_default();
                    from_outcome(o, cells, lists)
                })
                .collect();
            (c, mapping, p.mapping_problems)
        };
    Ok(ParsedFile {
        sheet: s.read.sheet.clone(),
        gevinst_export: s.gevinst_export,
        columns,
        candidates,
        mapping,
        mapping_problems,
    })
}

async fn analyse(
    store: &dyn Store,
    importer: Importer<'_>,
    input: &ImportInput<'_>,
    choices: &ImportChoices,
    only_rows: Option<&BTreeSet<u32>>,
) -> Result<Analysis> {
    if !importer.may_import() {
        return Err(AppError::Forbidden);
    }
    let tenant = importer.tenant().clone();
    let lists = TenantLists::load_for(store, tenant.id).await?;
    let known = known_values(&lists);
    let parsed = {
        let bytes = input.bytes.to_vec();
        let sheet = input.sheet.map(str::to_owned);
        let mapping = input.mapping.cloned();
        let limits = input.limits.clone();
        let choices = choices.clone();
        let known = known.clone();
        let lists = lists.clone();
        crate::common::blocking("import", move || {
            parse(
                &bytes,
                sheet.as_deref(),
                mapping.as_ref(),
                &limits,
                &choices,
                &known,
                &lists,
            )
        })
        .await??
    };
    let ParsedFile {
        sheet,
        gevinst_export,
        columns,
        candidates,
        mapping,
        mapping_problems,
    } = parsed;
    let ex = existing(store, &tenant, &lists).await?;
    let (unit_keys, children) = unit_tables(&lists.units);
    let mut r = Resolver {
        unit_keys,
        children,
        importer,
        lists: &lists,
        known: &known,
        choices,
        decisions: choices
            .values
            .iter()
            .map(|d| ((d.kind, normalise_key(&d.raw)), &d.choice))
            .collect(),
        created: Creations::default(),
        unknown: Unknowns {
            map: HashMap::new(),
            order: Vec::new(),
        },
    };
    let mut rows = Vec::new();
    let mut batch_rows = Vec::new();
    let mut matched: HashMap<PotentialId, u32> = HashMap::new();
    for c in candidates {
        if only_rows.is_some_and(|keep| !keep.contains(&c.row)) {
            continue;
        }
        let (row, batch_row) = decide(&mut r, &ex, &mut matched, c, !mapping_problems.is_empty());
        rows.push(row);
        if let Some(b) = batch_row {
            batch_rows.push(b);
        }
    }
    let mut counts = PreviewCounts::default();
    for row in &rows {
        match row.action {
            RowAction::New => counts.new += 1,
            RowAction::Update => counts.update += 1,
            RowAction::Duplicate => counts.duplicate += 1,
            RowAction::Error => counts.error += 1,
        }
        if matches!(row.action, RowAction::New | RowAction::Update) && !row.warnings.is_empty() {
            counts.warning += 1;
        }
    }
    let created = r.created;
    let preview = ImportPreview {
        sheet,
        gevinst_export,
        mapping,
        columns,
        mapping_problems,
        rows,
        counts,
        unknown: r.unknown.into_vec(),
        new_units: created.unit_names.clone(),
        new_fagomraader: created.fagomraader.clone(),
        new_technologies: created.technologies.clone(),
    };
    let batch = ImportBatch {
        batch_id: String::new(),
        new_units: created.units,
        new_fagomraader: created.fagomraader,
        new_technologies: created.technologies,
        rows: batch_rows,
    };
    Ok(Analysis { preview, batch })
}

fn error_row(
    c: Candidate,
    unit: Option<String>,
    mut errors: Vec<String>,
    warnings: Vec<String>,
) -> PreviewRow {
    if errors.is_empty() {
        errors.push("Rækken kan ikke importeres.".to_owned());
    }
    PreviewRow {
        row: c.row,
        action: RowAction::Error,
        reason: errors[0].clone(),
        title: c.title,
        unit,
        potential: None,
        business_case: c.case.is_some(),
        errors,
        warnings,
        cpr: c.cpr,
        cells: c.cells,
    }
}

/// Decides one row: its preview entry and, when it is importable, its batch row.
fn decide(
    r: &mut Resolver<'_>,
    ex: &Existing,
    matched: &mut HashMap<PotentialId, u32>,
    c: Candidate,
    blocked: bool,
) -> (PreviewRow, Option<ImportRow>) {
    let mut errors = c.errors.clone();
    let mut warnings = c.warnings.clone();
    if let Some(first) = c.duplicate_of {
        let reason = format!("Rækken gentager række {first} og springes over.");
        return (
            PreviewRow {
                row: c.row,
                action: RowAction::Duplicate,
                reason,
                title: c.title.clone(),
                unit: None,
                potential: None,
                business_case: c.case.is_some(),
                errors: Vec::new(),
                warnings,
                cpr: c.cpr.clone(),
                cells: c.cells.clone(),
            },
            None,
        );
    }
    if blocked {
        errors.push("Kolonneopsætningen skal rettes, før rækken kan importeres.".to_owned());
    }
    let unit = match r.unit(&c.unit, c.row, &mut warnings) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let unit_name = unit.as_ref().map(|(_, n)| n.clone());
    let fag = r
        .catalogue(ValueKind::Fagomraade, &c.fagomraade, c.row, &mut warnings)
        .unwrap_or_else(|e| {
            errors.push(e);
            None
        });
    let tech = r
        .catalogue(ValueKind::Technology, &c.technology, c.row, &mut warnings)
        .unwrap_or_else(|e| {
            errors.push(e);
            None
        });
    let status = r.status(&c.status, c.row).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let Some((unit_ref, unit_name_s)) = unit else {
        return (error_row(c, unit_name, errors, warnings), None);
    };
    if !errors.is_empty() {
        return (error_row(c, unit_name, errors, warnings), None);
    }
    // Find the existing potential.
    let title = c.title.clone().unwrap_or_default();
    let mut hit: Option<(usize, String)> = None;
    match &c.external {
        External::GevinstId(id) => {
            if let Some(&i) = ex.by_id.get(&PotentialId(*id)) {
                let p = &ex.potentials[i];
                let same_unit = matches!(unit_ref, Ref::Existing(u) if u == p.unit_id);
                if search_key(&p.title) == search_key(&title) || same_unit {
                    hit = Some((i, format!("samme id {id}")));
                }
            }
        }
        External::Tag(ext) => {
            if let Some(&i) = ex.by_tag.get(ext) {
                hit = Some((i, format!("eksternt id «{ext}»")));
            }
        }
        External::None => {}
    }
    if hit.is_none() {
        if let Some(list) = ex.by_title_unit.get(&title_unit_key(&title, &unit_name_s)) {
            match list.as_slice() {
                [one] => hit = Some((*one, "samme titel og enhed".to_owned())),
                [] => {}
                many => {
                    let ids: Vec<String> = many
                        .iter()
                        .map(|i| ex.potentials[*i].id.to_string())
                        .collect();
                    errors.push(format!(
                        "Flere potentialer har samme titel og enhed (id {}); rækken kan ikke knyttes til ét af dem. Tilføj et eksternt id.",
                        ids.join(", ")
                    ));
                    return (error_row(c, unit_name, errors, warnings), None);
                }
            }
        }
    }
    let unit_id = match unit_ref {
        Ref::Existing(u) => u,
        Ref::New(i) => UnitId(placeholder(i)),
    };
    let to_fag = |x: Option<Ref<i64>>| {
        x.map(|x| match x {
            Ref::Existing(id) => id,
            Ref::New(i) => placeholder(i),
        })
    };
    let fag_id = to_fag(fag).map(FagomraadeId);
    let tech_id = to_fag(tech).map(TechnologyId);
    let new_index = |x: Option<Ref<i64>>| match x {
        Some(Ref::New(i)) => Some(i),
        _ => None,
    };
    let mut ext_tag = None;
    if let External::Tag(ext) = &c.external {
        let tag = format!("{EXTERNAL_ID_TAG}{ext}");
        if tag.chars().count() <= 40 {
            ext_tag = Some(tag);
        } else {
            warnings.push("Det eksterne id er for langt til at blive gemt (højst 29 tegn); en senere import kan kun genkende rækken på titel og enhed.".to_owned());
        }
    }
    let row_new_unit = match unit_ref {
        Ref::New(i) => Some(i),
        Ref::Existing(_) => None,
    };
    match hit {
        Some((i, why)) => {
            let p = &ex.potentials[i];
            if let Some(first) = matched.get(&p.id) {
                let reason = format!(
                    "Rækken rammer samme potentiale ({}) som række {first} og springes over.",
                    p.id
                );
                return (
                    PreviewRow {
                        row: c.row,
                        action: RowAction::Duplicate,
                        reason,
                        title: c.title,
                        unit: unit_name,
                        potential: Some(p.id),
                        business_case: c.case.is_some(),
                        errors: Vec::new(),
                        warnings,
                        cpr: c.cpr,
                        cells: c.cells,
                    },
                    None,
                );
            }
            if !r.importer.may_edit(p.unit_id, &r.lists.units)
                || matches!(unit_ref, Ref::Existing(u) if !r.importer.may_edit(u, &r.lists.units))
            {
                errors.push(format!(
                    "Du har ikke rettigheder til at ændre potentiale {} i dets enhed.",
                    p.id
                ));
                return (error_row(c, unit_name, errors, warnings), None);
            }
            // Merge: the file's values replace, the rest is kept.
            let mut tags = if c.exact { Vec::new() } else { p.tags.clone() };
            for t in c.tags.iter().chain(ext_tag.iter()) {
                if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                    tags.push(t.clone());
                }
            }
            let draft = PotentialDraft {
                title: c.title.clone().unwrap_or_else(|| p.title.clone()),
                description: match (&c.description, c.exact) {
                    (Some(d), _) => d.clone(),
                    (None, true) => String::new(),
                    (None, false) => p.description.clone(),
                },
                unit_id: Some(unit_id),
                fagomraade_id: if c.exact {
                    fag_id
                } else {
                    fag_id.or(p.fagomraade_id)
                },
                technology_id: if c.exact {
                    tech_id
                } else {
                    tech_id.or(p.technology_id)
                },
                source: Some(c.source.unwrap_or(p.source).as_str().to_owned()),
                benefit_owner: if c.exact {
                    c.benefit_owner
                } else {
                    c.benefit_owner.or(p.benefit_owner)
                },
                digital_agent: if c.exact {
                    c.digital_agent
                } else {
                    c.digital_agent.or(p.digital_agent)
                },
                tags,
            };
            let refs = Refs {
                lists: r.lists,
                keep_unit: Some(p.unit_id),
            };
            let valid = match draft.validate(&refs) {
                Ok(v) => v,
                Err(e) => {
                    errors.extend(e.0.into_iter().map(|f| f.message));
                    return (error_row(c, unit_name, errors, warnings), None);
                }
            };
            if let Some(s) = status {
                if s != p.status {
                    warnings.push(format!(
                        "Status ændres ikke ved import (potentialet er «{}», filen siger «{}»).",
                        p.status.label(),
                        s.label()
                    ));
                }
            }
            let stored_case = ex.cases.get(&p.id);
            let case_change = match (&c.case, stored_case) {
                (None, _) => None,
                (Some(case), None) => Some((case.clone(), None)),
                (Some(case), Some(s)) if c.exact => {
                    (s.case != *case).then(|| (case.clone(), Some(s.version)))
                }
                (Some(_), Some(_)) => {
                    warnings.push(
                        "Potentialet har allerede en business case; tallene i rækken bruges ikke."
                            .to_owned(),
                    );
                    None
                }
            };
            let unchanged = valid.title == p.title
                && valid.description == p.description
                && valid.unit_id == p.unit_id
                && valid.fagomraade_id == p.fagomraade_id
                && valid.technology_id == p.technology_id
                && valid.source == p.source
                && valid.benefit_owner == p.benefit_owner
                && valid.digital_agent == p.digital_agent
                && valid.tags == p.tags
                && row_new_unit.is_none()
                && case_change.is_none();
            matched.insert(p.id, c.row);
            if unchanged {
                let reason = format!(
                    "Potentiale {} ({why}) findes allerede med de samme oplysninger; rækken springes over.",
                    p.id
                );
                return (
                    PreviewRow {
                        row: c.row,
                        action: RowAction::Duplicate,
                        reason,
                        title: c.title,
                        unit: unit_name,
                        potential: Some(p.id),
                        business_case: c.case.is_some(),
                        errors: Vec::new(),
                        warnings,
                        cpr: c.cpr,
                        cells: c.cells,
                    },
                    None,
                );
            }
            let reason = format!("Opdaterer potentiale {} «{}» ({why}).", p.id, p.title);
            let has_case = case_change.is_some();
            let batch = ImportRow {
                row: c.row,
                potential: valid,
                new_unit: row_new_unit,
                new_fagomraade: new_index(fag),
                new_technology: new_index(tech),
                action: ImportAction::Update {
                    id: p.id,
                    expected_version: p.version,
                },
                business_case: case_change,
            };
            let cells = if warnings.is_empty() {
                Vec::new()
            } else {
                c.cells
            };
            (
                PreviewRow {
                    row: c.row,
                    action: RowAction::Update,
                    reason,
                    title: c.title,
                    unit: unit_name,
                    potential: Some(p.id),
                    business_case: has_case,
                    errors: Vec::new(),
                    warnings,
                    cpr: c.cpr,
                    cells,
                },
                Some(batch),
            )
        }
        None => {
            let status = status.unwrap_or(Status::Ide);
            let allowed = match unit_ref {
                Ref::Existing(u) => status == Status::Ide || r.importer.may_edit(u, &r.lists.units),
                Ref::New(_) => r.importer.may_create_lists(),
            };
            if !allowed {
                errors.push(format!(
                    "Du kan kun oprette potentialer med status «{}» i enheden «{unit_name_s}».",
                    Status::Ide.label()
                ));
                return (error_row(c, unit_name, errors, warnings), None);
            }
            let mut tags = c.tags.clone();
            if let Some(t) = ext_tag {
                tags.push(t);
            }
            let draft = PotentialDraft {
                title: title.clone(),
                description: c.description.clone().unwrap_or_default(),
                unit_id: Some(unit_id),
                fagomraade_id: fag_id,
                technology_id: tech_id,
                source: Some(
                    c.source
                        .unwrap_or(Source::EmployeeProposal)
                        .as_str()
                        .to_owned(),
                ),
                benefit_owner: c.benefit_owner,
                digital_agent: c.digital_agent,
                tags,
            };
            let refs = Refs {
                lists: r.lists,
                keep_unit: None,
            };
            let valid = match draft.validate(&refs) {
                Ok(v) => v,
                Err(e) => {
                    errors.extend(e.0.into_iter().map(|f| f.message));
                    return (error_row(c, unit_name, errors, warnings), None);
                }
            };
            let reason = if c.case.is_some() {
                "Nyt potentiale med business case.".to_owned()
            } else {
                "Nyt potentiale.".to_owned()
            };
            let batch = ImportRow {
                row: c.row,
                potential: valid,
                new_unit: row_new_unit,
                new_fagomraade: new_index(fag),
                new_technology: new_index(tech),
                action: ImportAction::Create {
                    status,
                    submitted_by: c.submitted_by.or(r.importer.actor()),
                },
                business_case: c.case.clone().map(|k| (k, None)),
            };
            let cells = if warnings.is_empty() {
                Vec::new()
            } else {
                c.cells
            };
            (
                PreviewRow {
                    row: c.row,
                    action: RowAction::New,
                    reason,
                    title: c.title,
                    unit: unit_name,
                    potential: None,
                    business_case: c.case.is_some(),
                    errors: Vec::new(),
                    warnings,
                    cpr: c.cpr,
                    cells,
                },
                Some(batch),
            )
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

    /// The tenant's saved mappings, by name.
    pub async fn list_mappings(&self, importer: Importer<'_>) -> Result<Vec<StoredImportMapping>> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        Ok(store.list_import_mappings(importer.tenant().id).await?)
    }

    /// A saved mapping by name, read; [`AppError::NotFound`] for an unknown name.
    pub async fn load_mapping(&self, importer: Importer<'_>, name: &str) -> Result<(Mapping, i64)> {
        let all = self.list_mappings(importer).await?;
        let m = all
            .into_iter()
            .find(|m| m.name == name.trim())
            .ok_or(AppError::NotFound)?;
        let mapping = Mapping::from_json(&m.mapping)
            .map_err(|e| AppError::Invalid(FieldErrors::single("mapping", "invalid", e)))?;
        Ok((mapping, m.version))
    }

    /// Saves a mapping under a name: new (`expected_version` `None`; a taken name is
    /// [`AppError::Invalid`] on `name`) or replacing the one read (`Some(version)`; stale is
    /// [`AppError::Conflict`]).
    pub async fn save_mapping(
        &self,
        importer: Importer<'_>,
        name: &str,
        mapping: &Mapping,
        expected_version: Option<i64>,
    ) -> Result<StoredImportMapping> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        let name = mapping_name(name)?;
        store
            .save_import_mapping(
                importer.tenant().id,
                importer.actor(),
                &name,
                &mapping.to_json(),
                expected_version,
            )
            .await
            .map_err(|e| match e.kind() {
                gevinst_store::ErrorKind::Duplicate => AppError::Invalid(FieldErrors::single(
                    "name",
                    "duplicate",
                    "Der findes allerede en opsætning med det navn.",
                )),
                _ => e.into(),
            })
    }

    /// Deletes a saved mapping by name.
    pub async fn delete_mapping(&self, importer: Importer<'_>, name: &str) -> Result<()> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        Ok(store
            .delete_import_mapping(importer.tenant().id, importer.actor(), name.trim())
            .await?)
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
pub fn error_report(preview: &ImportPreview) -> Result<Vec<u8>> {
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

// ------------------------------------------------------------------ saved mappings

fn mapping_name(name: &str) -> Result<String> {
    let n = gevinst_domain::text::clean(name, false);
    if n.is_empty() {
        return Err(FieldErrors::single("name", "required", "Giv opsætningen et navn.").into());
    }
    if n.chars().count() > 100 {
        return Err(
            FieldErrors::single("name", "too_long", "Navnet må højst være 100 tegn.").into(),
        );
    }
    Ok(n)
}
