//! The import's public types: what goes in, the preview and what a commit wrote.

use gevinst_domain::danish::Noun;
use gevinst_domain::{PotentialId, UnitId};
use gevinst_sheets::import::{
    CprFinding, Format, Header, Limits, Mapping, SheetInfo, TextEncoding,
};
use serde::{Deserialize, Serialize};

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
        self.noun().indefinite
    }

    /// The Danish noun in all its forms, for messages.
    pub fn noun(self) -> Noun {
        match self {
            ValueKind::Unit => Noun::ENHED,
            ValueKind::Fagomraade => Noun::FAGOMRAADE,
            ValueKind::Status => Noun::STATUS,
            ValueKind::Technology => Noun::TEKNOLOGI,
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
    /// The text in the file (compared after [`normalise_key`](gevinst_sheets::import::normalise_key)).
    pub raw: String,
    /// What to do.
    pub choice: ValueChoice,
}

/// The reason the web offers (and the CLI's `--default-reason` uses) for rows whose status
/// needs one and whose file has none.
pub const DEFAULT_REASON: &str = "Importeret fra regneark uden begrundelse";

/// The user's choices for an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Import every possible duplicate (same title and unit under another external id)
    /// instead of skipping it.
    pub keep_duplicates: bool,
    /// Import the possible duplicates in these rows (sheet row numbers).
    pub keep_duplicate_rows: Vec<u32>,
    /// The reason for every row whose status needs one (afvist, parkeret, decided without
    /// a business case) and whose file gives none, e.g. [`DEFAULT_REASON`].
    pub default_reason: Option<String>,
}

impl ImportChoices {
    /// Whether the possible duplicate in `row` is imported anyway.
    pub fn keeps_duplicate(&self, row: u32) -> bool {
        self.keep_duplicates || self.keep_duplicate_rows.contains(&row)
    }

    /// The reason for all rows without one, if given (blank is none).
    pub fn default_reason(&self) -> Option<&str> {
        self.default_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }
}

/// What [`inspect`](super::inspect) found in a file.
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
    /// The first [`SAMPLE_ROWS`](super::SAMPLE_ROWS) data rows, one text per header column.
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
    /// The row may repeat another row or potential under another external id (same title
    /// and unit): skipped unless the user keeps it
    /// ([`ImportChoices::keep_duplicate_rows`]), then imported with a warning.
    #[serde(default)]
    pub possible_duplicate: bool,
    /// The row's status needs a reason the file does not give
    /// ([`ImportChoices::default_reason`] gives one).
    #[serde(default)]
    pub missing_reason: bool,
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
    /// Possible duplicates (skipped or, if kept, new).
    #[serde(default)]
    pub possible_duplicate: usize,
    /// Rows whose status needs a reason the file does not give.
    #[serde(default)]
    pub missing_reason: usize,
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
    /// True when a decision took the first suggestion, the one the values page pre-selects
    /// (e.g. the status word "godkendt" read as «Besluttet»); the preview counts these.
    #[serde(default)]
    pub suggestion_taken: bool,
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

/// What [`commit`](super::commit) wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitOutcome {
    /// The import's id; every audit entry of it has the reason `"Import <id>"`.
    pub batch_id: String,
    /// The preview the commit was made from (all rows of the file, the skipped ones
    /// included, for [`error_report`](super::error_report)).
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
