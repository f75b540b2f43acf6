//! Data rows → outcomes: parsed fields, Danish errors and warnings per column, the CPR
//! guard and duplicates within the file.

use std::collections::{BTreeSet, HashMap};

use gevinst_domain::cpr::{find_cpr, mask_cpr};
use gevinst_domain::danish::{capitalise, Noun};
use gevinst_domain::text::{clean, search_key};
use rust_decimal::Decimal;
use serde::Serialize;

use super::error::ImportError;
use super::header::Header;
use super::mapping::{Field, Mapping, Target};
use super::read::{too_many_rows, Limits};
use super::table::{Cell, Row, Table};
use super::values::{self, ValueMatch, ValueResult};

/// Names the caller already knows (its units, fagområder, statuses and technologies).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownValues {
    /// Unit names.
    pub units: Vec<String>,
    /// Fagområde names.
    pub fagomraader: Vec<String>,
    /// Status labels.
    pub statuses: Vec<String>,
    /// Technology names.
    pub technologies: Vec<String>,
}

/// Values in the file that match nothing known: the caller can offer to create them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnknownValues {
    /// Unknown unit names.
    pub units: BTreeSet<String>,
    /// Unknown fagområder.
    pub fagomraader: BTreeSet<String>,
    /// Unknown statuses.
    pub statuses: BTreeSet<String>,
    /// Unknown technologies.
    pub technologies: BTreeSet<String>,
}

/// What an issue is about, for code (tests, the UI's icons and filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// A text looks like it contains a CPR number (error).
    Cpr,
    /// The row has no title (error).
    MissingTitle,
    /// The row repeats an earlier row of the file (error).
    Duplicate,
    /// The row looks like a total row, e.g. "I alt" (error).
    TotalRow,
    /// A value cannot be read (error).
    Invalid,
    /// A value was read, but another reading was possible (warning).
    Interpretation,
    /// A name matches nothing known (warning; the caller may create it).
    Unknown,
    /// A name matched a known name only as a spelling variant (warning).
    SpellingVariant,
}

/// An error or warning on a row, in Danish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// What it is about.
    pub code: IssueCode,
    /// The column header, when it concerns one column.
    pub column: Option<String>,
    /// The field, when it concerns a mapped field.
    pub field: Option<Field>,
    /// The Danish message; it names the column.
    pub message: String,
}

/// A CPR-like number found in a cell, with the masked text the UI can offer instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CprFinding {
    /// The column header.
    pub column: String,
    /// The column index (0 = A).
    pub column_index: usize,
    /// The cell's text with every CPR-like number replaced by `XXXXXX-XXXX`.
    pub masked: String,
}

/// The values of one row, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParsedRow {
    /// Titel.
    pub title: Option<String>,
    /// Beskrivelse, with note columns appended as lines `Header: value`.
    pub description: Option<String>,
    /// Enhed.
    pub unit: Option<ValueMatch>,
    /// The unit path's levels above the unit, top first, from columns mapped to
    /// [`Target::UnitLevel`] (empty levels left out); empty without such columns.
    pub unit_levels: Vec<String>,
    /// Fagområde.
    pub fagomraade: Option<ValueMatch>,
    /// Status.
    pub status: Option<ValueMatch>,
    /// Teknologi.
    pub technology: Option<ValueMatch>,
    /// Kilde.
    pub source: Option<String>,
    /// Gevinstejer.
    pub owner: Option<String>,
    /// Forventet gevinst, kr. pr. år.
    pub gain_per_year: Option<Decimal>,
    /// Timer pr. år.
    pub hours_per_year: Option<Decimal>,
    /// Årsværk.
    pub fte: Option<Decimal>,
    /// Investering, kr.
    pub investment: Option<Decimal>,
    /// Drift, kr. pr. år.
    pub running_per_year: Option<Decimal>,
    /// Startår.
    pub start_year: Option<i32>,
    /// Eksternt id.
    pub external_id: Option<String>,
    /// Begrundelse for status.
    pub status_reason: Option<String>,
    /// Values of tag columns.
    pub tags: Vec<String>,
}

impl ParsedRow {
    /// True when the row carries any rough business-case figure.
    pub fn has_figures(&self) -> bool {
        self.gain_per_year.is_some()
            || self.hours_per_year.is_some()
            || self.fte.is_some()
            || self.investment.is_some()
            || self.running_per_year.is_some()
    }
}

/// Keys the caller matches against existing potentials (new / update).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RowKey {
    /// The external id, trimmed and lower-cased, if the file has one.
    pub external_id: Option<String>,
    /// The title and the unit name (the known name when matched), each through
    /// [`search_key`], joined by `|`.
    pub title_unit: String,
}

/// The outcome of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Can be imported as it is.
    Ok,
    /// Can be imported; read the warnings.
    Warning,
    /// Cannot be imported.
    Error,
}

/// One data row's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowOutcome {
    /// The row's number in the sheet (from 1).
    pub row: u32,
    /// The parsed values.
    pub fields: ParsedRow,
    /// Errors: the row cannot be imported.
    pub errors: Vec<Issue>,
    /// Warnings: the row can be imported, but read them.
    pub warnings: Vec<Issue>,
    /// CPR-like numbers found; each is also an error.
    pub cpr: Vec<CprFinding>,
    /// The keys for matching existing potentials.
    pub key: RowKey,
    /// The earlier row of the file this row repeats.
    pub duplicate_of: Option<u32>,
    /// The earlier row of the file with the same title and unit
    /// ([`RowKey::title_unit`]) under another external id: probably the same potential
    /// numbered twice. Not an error; the caller lets the user decide.
    pub possible_duplicate_of: Option<u32>,
}

impl RowOutcome {
    /// Ok, warning or error.
    pub fn status(&self) -> RowStatus {
        if !self.errors.is_empty() {
            RowStatus::Error
        } else if !self.warnings.is_empty() {
            RowStatus::Warning
        } else {
            RowStatus::Ok
        }
    }

    /// All messages, errors first (for tests and the CLI).
    pub fn messages(&self) -> Vec<&str> {
        self.errors
            .iter()
            .chain(&self.warnings)
            .map(|i| i.message.as_str())
            .collect()
    }
}

/// The preview of a whole sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// The mapping used.
    pub mapping: Mapping,
    /// Problems with the mapping itself (e.g. no title column); when present, every row
    /// is blocked.
    pub mapping_problems: Vec<String>,
    /// One outcome per non-blank data row.
    pub rows: Vec<RowOutcome>,
    /// Blank rows between the header and the last data row, skipped.
    pub blank_rows: usize,
    /// Names that match nothing known.
    pub unknown: UnknownValues,
}

impl Preview {
    /// Rows that can be imported (ok or warning).
    pub fn valid_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status() != RowStatus::Error)
            .count()
    }

    /// Rows with errors.
    pub fn error_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status() == RowStatus::Error)
            .count()
    }

    /// Rows with warnings but no errors.
    pub fn warning_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status() == RowStatus::Warning)
            .count()
    }
}

/// Texts that mark a total row rather than a potential.
const TOTAL_TITLES: [&str; 5] = ["ialt", "total", "sum", "samlet", "totalt"];

struct RowBuilder<'a> {
    outcome: RowOutcome,
    known: &'a KnownValues,
    unknown: &'a mut UnknownValues,
    /// Names repeat thousands of times in a file; each distinct one is matched once.
    matches: &'a mut HashMap<(Field, String), ValueMatch>,
    notes: Vec<String>,
    /// `(level, value)` of the row's unit-level columns.
    levels: Vec<(u8, String)>,
}

/// A cell as one line of text: trimmed, and cleaned of control characters only when it
/// has any (most cells have none, so most cells cost one copy).
fn one_line(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                None
            } else if t.chars().any(char::is_control) {
                Some(clean(t, false)).filter(|c| !c.is_empty())
            } else {
                Some(t.to_owned())
            }
        }
        other => values::text(other),
    }
}

/// A cell as multi-line text (descriptions): like [`one_line`], keeping line breaks.
fn multi_line(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                None
            } else if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                Some(clean(t, true)).filter(|c| !c.is_empty())
            } else {
                Some(t.to_owned())
            }
        }
        other => values::text(other),
    }
}

impl RowBuilder<'_> {
    fn issue(
        &mut self,
        code: IssueCode,
        column: &str,
        field: Option<Field>,
        message: String,
        error: bool,
    ) {
        let issue = Issue {
            code,
            column: Some(column.to_owned()),
            field,
            message: format!("Kolonne «{column}»: {message}"),
        };
        if error {
            self.outcome.errors.push(issue);
        } else {
            self.outcome.warnings.push(issue);
        }
    }

    fn take<T>(&mut self, column: &str, field: Field, r: ValueResult<T>) -> Option<T> {
        match r {
            Ok(None) => None,
            Ok(Some(p)) => {
                if let Some(w) = p.warning {
                    self.issue(IssueCode::Interpretation, column, Some(field), w, false);
                }
                Some(p.value)
            }
            Err(e) => {
                self.issue(IssueCode::Invalid, column, Some(field), e, true);
                None
            }
        }
    }

    fn matched(&mut self, column: &str, field: Field, cell: &Cell) -> Option<ValueMatch> {
        let raw = one_line(cell)?;
        let (list, unknown, noun) = match field {
            Field::Unit => (&self.known.units, &mut self.unknown.units, Noun::ENHED),
            Field::Fagomraade => (
                &self.known.fagomraader,
                &mut self.unknown.fagomraader,
                Noun::FAGOMRAADE,
            ),
            Field::Status => (
                &self.known.statuses,
                &mut self.unknown.statuses,
                Noun::STATUS,
            ),
            _ => (
                &self.known.technologies,
                &mut self.unknown.technologies,
                Noun::TEKNOLOGI,
            ),
        };
        let key = (field, raw);
        let m = match self.matches.get(&key) {
            Some(m) => m.clone(),
            None => {
                let m = values::match_known(&key.1, list);
                self.matches.insert(key, m.clone());
                m
            }
        };
        match &m {
            ValueMatch::Unknown { raw } => {
                if !unknown.contains(raw) {
                    unknown.insert(raw.clone());
                }
                let msg = if field == Field::Status {
                    format!("Ukendt status «{raw}». Vælg, hvilken af gevinsts statusser den svarer til.")
                } else {
                    format!(
                        "Ukendt {} «{raw}». {} kan oprettes ved importen, eller du kan vælge {}.",
                        noun.indefinite,
                        capitalise(noun.pronoun),
                        noun.an_existing()
                    )
                };
                self.issue(IssueCode::Unknown, column, Some(field), msg, false);
            }
            ValueMatch::Known {
                name,
                raw,
                exact: false,
            } => {
                let msg = format!("«{raw}» er læst som {} «{name}».", noun.definite);
                self.issue(IssueCode::SpellingVariant, column, Some(field), msg, false);
            }
            ValueMatch::Known { .. } => {}
        }
        Some(m)
    }

    fn apply(&mut self, column: &str, target: Target, cell: &Cell) {
        let f = &mut self.outcome.fields;
        match target {
            Target::Ignore => {}
            Target::Note => {
                if let Some(t) = one_line(cell) {
                    self.notes.push(format!("{column}: {t}"));
                }
            }
            Target::Tag => {
                if let Some(t) = one_line(cell) {
                    f.tags.push(t);
                }
            }
            Target::UnitLevel(level) => {
                if let Some(t) = one_line(cell) {
                    self.levels.push((level, t));
                }
            }
            Target::Field(field) => match field {
                Field::Title => f.title = one_line(cell),
                Field::Description => f.description = multi_line(cell),
                Field::Source => f.source = one_line(cell),
                Field::Owner => f.owner = one_line(cell),
                Field::ExternalId => f.external_id = one_line(cell),
                Field::StatusReason => f.status_reason = multi_line(cell),
                Field::Unit => {
                    let m = self.matched(column, field, cell);
                    self.outcome.fields.unit = m;
                }
                Field::Fagomraade => {
                    let m = self.matched(column, field, cell);
                    self.outcome.fields.fagomraade = m;
                }
                Field::Status => {
                    let m = self.matched(column, field, cell);
                    self.outcome.fields.status = m;
                }
                Field::Technology => {
                    let m = self.matched(column, field, cell);
                    self.outcome.fields.technology = m;
                }
                Field::Gain => {
                    let v = self.take(column, field, values::amount(cell));
                    self.outcome.fields.gain_per_year = v;
                }
                Field::Investment => {
                    let v = self.take(column, field, values::amount(cell));
                    self.outcome.fields.investment = v;
                }
                Field::Running => {
                    let v = self.take(column, field, values::amount(cell));
                    self.outcome.fields.running_per_year = v;
                }
                Field::Hours => {
                    let v = self.take(column, field, values::quantity(cell, &["timer", "t."]));
                    self.outcome.fields.hours_per_year = v;
                }
                Field::Fte => {
                    let v = self.take(column, field, values::quantity(cell, &["årsværk", "åv"]));
                    self.outcome.fields.fte = v;
                }
                Field::StartYear => {
                    let v = self.take(column, field, values::year(cell));
                    self.outcome.fields.start_year = v;
                }
            },
        }
    }
}

/// Resolves the mapping to a target per column of the header (by header text, in order).
fn targets(header: &Header, mapping: &Mapping) -> Vec<(usize, String, Target)> {
    let mut taken = vec![false; mapping.columns.len()];
    header
        .columns
        .iter()
        .map(|c| {
            let key = values::normalise_key(&c.name);
            let target = mapping
                .columns
                .iter()
                .enumerate()
                .find(|(i, m)| !taken[*i] && values::normalise_key(&m.header) == key)
                .map(|(i, m)| {
                    taken[i] = true;
                    m.target
                })
                .unwrap_or(Target::Ignore);
            (c.index, c.name.clone(), target)
        })
        .collect()
}

/// The text of a cell the CPR guard reads: a text cell, or a whole number in a column that
/// holds text (a CPR number typed without a dash becomes a number cell, and loses its
/// leading zero: `0102031234` is read as `102031234`).
fn cpr_text(cell: &Cell, text_column: bool) -> Option<std::borrow::Cow<'_, str>> {
    match cell {
        Cell::Text(t) => Some(std::borrow::Cow::Borrowed(t)),
        Cell::Number(n) if text_column && n.fract() == 0.0 => {
            let n = *n;
            (1e8..1e10)
                .contains(&n)
                .then(|| std::borrow::Cow::Owned(format!("{:010}", n as u64)))
        }
        _ => None,
    }
}

/// True for a column whose values are text (a number there is read as its text).
fn takes_text(target: Target) -> bool {
    match target {
        Target::Ignore => false,
        Target::Note | Target::Tag | Target::UnitLevel(_) => true,
        Target::Field(f) => !matches!(
            f,
            Field::Gain
                | Field::Hours
                | Field::Fte
                | Field::Investment
                | Field::Running
                | Field::StartYear
        ),
    }
}

/// `table` with every CPR-like number masked (`XXXXXX-XXXX`) in the rows `mask` picks: in
/// text cells, and in number cells the guard reads as text (see [`preview`]), which become
/// text cells. Columns the mapping ignores are masked too.
pub fn mask_cpr_cells(
    table: &Table,
    header: &Header,
    mapping: &Mapping,
    mask: impl Fn(u32) -> bool,
) -> Table {
    let text_columns: BTreeSet<usize> = targets(header, mapping)
        .into_iter()
        .filter(|(_, _, t)| takes_text(*t))
        .map(|(i, _, _)| i)
        .collect();
    let rows = table
        .rows()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if mask(r.number) {
                for (i, c) in r.cells.iter_mut().enumerate() {
                    let masked = match cpr_text(c, text_columns.contains(&i)) {
                        Some(t) if !find_cpr(&t).is_empty() => mask_cpr(&t),
                        _ => continue,
                    };
                    *c = Cell::Text(masked);
                }
            }
            r
        })
        .collect();
    Table::new(rows)
}

/// The CPR guard's message for a cell.
pub fn cpr_message(masked: &str) -> String {
    format!(
        "Feltet ser ud til at indeholde et CPR-nummer. Potentialer må ikke indeholde personoplysninger. Fjern nummeret, eller maskér det, så teksten bliver «{masked}»."
    )
}

fn build_row(
    row: &Row,
    cols: &[(usize, String, Target)],
    known: &KnownValues,
    unknown: &mut UnknownValues,
    matches: &mut HashMap<(Field, String), ValueMatch>,
) -> RowOutcome {
    let mut b = RowBuilder {
        outcome: RowOutcome {
            row: row.number,
            fields: ParsedRow::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            cpr: Vec::new(),
            key: RowKey {
                external_id: None,
                title_unit: String::new(),
            },
            duplicate_of: None,
            possible_duplicate_of: None,
        },
        known,
        unknown,
        matches,
        notes: Vec::new(),
        levels: Vec::new(),
    };
    for (index, name, target) in cols {
        if *target == Target::Ignore {
            continue;
        }
        let cell = row.cell(*index);
        if let Some(t) = cpr_text(cell, takes_text(*target)) {
            if !find_cpr(&t).is_empty() {
                let masked = mask_cpr(t.trim());
                let field = match target {
                    Target::Field(f) => Some(*f),
                    _ => None,
                };
                b.issue(IssueCode::Cpr, name, field, cpr_message(&masked), true);
                b.outcome.cpr.push(CprFinding {
                    column: name.clone(),
                    column_index: *index,
                    masked,
                });
            }
        }
        b.apply(name, *target, cell);
    }
    b.levels.sort_by_key(|l| l.0);
    b.outcome.fields.unit_levels = std::mem::take(&mut b.levels)
        .into_iter()
        .map(|l| l.1)
        .collect();
    if !b.notes.is_empty() {
        let notes = b.notes.join("\n");
        let f = &mut b.outcome.fields;
        f.description = Some(match f.description.take() {
            Some(d) => format!("{d}\n\n{notes}"),
            None => notes,
        });
    }
    let title_column = cols
        .iter()
        .find(|c| c.2 == Target::Field(Field::Title))
        .map(|c| c.1.clone());
    match (&b.outcome.fields.title, title_column) {
        (None, Some(col)) => b.issue(
            IssueCode::MissingTitle,
            &col,
            Some(Field::Title),
            "Rækken har ingen titel. Udfyld titlen, eller slet rækken.".to_owned(),
            true,
        ),
        (Some(t), Some(col)) if TOTAL_TITLES.contains(&values::normalise_key(t).as_str()) => {
            let msg = format!("«{t}» ligner en sumrække og importeres ikke.");
            b.issue(IssueCode::TotalRow, &col, Some(Field::Title), msg, true);
        }
        _ => {}
    }
    let f = &b.outcome.fields;
    b.outcome.key = RowKey {
        external_id: f
            .external_id
            .as_ref()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty()),
        title_unit: format!(
            "{}|{}",
            search_key(f.title.as_deref().unwrap_or("")),
            search_key(
                f.unit
                    .as_ref()
                    .map(ValueMatch::name)
                    .or(f.unit_levels.last().map(String::as_str))
                    .unwrap_or("")
            )
        ),
    };
    b.outcome
}

/// Reads every data row below the header with the mapping: values parsed the Danish way,
/// names matched to `known`, CPR numbers and duplicates flagged. Blank rows are skipped.
/// More data rows than [`Limits::max_rows`] is an error.
pub fn preview(
    table: &Table,
    header: &Header,
    mapping: &Mapping,
    known: &KnownValues,
    limits: &Limits,
) -> Result<Preview, ImportError> {
    let data = table.rows().get(header.data_from..).unwrap_or(&[]);
    if data.len() > limits.max_rows {
        return Err(too_many_rows(limits));
    }
    let cols = targets(header, mapping);
    let mapping_problems = mapping.problems();
    let mut unknown = UnknownValues::default();
    let mut rows: Vec<RowOutcome> = Vec::with_capacity(data.len());
    let mut by_id: HashMap<String, u32> = HashMap::new();
    let mut by_title: HashMap<String, u32> = HashMap::new();
    // With external ids: the first row of each title and unit, and its id.
    let mut by_content: HashMap<String, (u32, String)> = HashMap::new();
    let mut matches = HashMap::new();
    for row in data {
        let mut outcome = build_row(row, &cols, known, &mut unknown, &mut matches);
        if outcome.fields.title.is_some() {
            // With an external id, the id alone identifies the row.
            let earlier = match &outcome.key.external_id {
                Some(id) => by_id.get(id).copied().map(|r| (r, "samme eksterne id")),
                None => by_title
                    .get(&outcome.key.title_unit)
                    .copied()
                    .map(|r| (r, "samme titel og enhed")),
            };
            match earlier {
                Some((first, why)) => {
                    outcome.duplicate_of = Some(first);
                    outcome.errors.push(Issue {
                        code: IssueCode::Duplicate,
                        column: None,
                        field: None,
                        message: format!(
                            "Rækken gentager række {first} ({why}) og importeres ikke."
                        ),
                    });
                }
                None => {
                    match &outcome.key.external_id {
                        Some(id) => by_id.insert(id.clone(), outcome.row),
                        None => by_title.insert(outcome.key.title_unit.clone(), outcome.row),
                    };
                }
            }
            if let (None, Some(id)) = (outcome.duplicate_of, &outcome.key.external_id) {
                match by_content.get(&outcome.key.title_unit) {
                    Some((first, first_id)) if first_id != id => {
                        outcome.possible_duplicate_of = Some(*first);
                    }
                    Some(_) => {}
                    None => {
                        let first = (outcome.row, id.clone());
                        by_content.insert(outcome.key.title_unit.clone(), first);
                    }
                }
            }
        }
        rows.push(outcome);
    }
    let header_last = header.rows.last().copied().unwrap_or(0);
    let blank_rows = match rows.last() {
        Some(last) => (last.row - header_last) as usize - rows.len(),
        None => 0,
    };
    Ok(Preview {
        mapping: mapping.clone(),
        mapping_problems,
        rows,
        blank_rows,
        unknown,
    })
}
