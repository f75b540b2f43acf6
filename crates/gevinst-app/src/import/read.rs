//! Reading a file: sheets, header, gevinst's own export, and the rows as candidates.

use std::collections::HashMap;

use gevinst_domain::{FieldErrors, Source, Status};
use gevinst_sheets::export::portfolio::{self, ExportedPotential, Person};
use gevinst_sheets::import::{
    self as sheets, normalise_key, Format, Header, ImportError, KnownValues, Limits, Mapping, Table,
};

use super::candidate::{from_export, from_outcome, source_by_text, Candidate, External};
use super::model::{ImportChoices, Inspection};
use super::redact;
use super::SAMPLE_ROWS;
use crate::potentials::TenantLists;
use crate::{AppError, Result};

pub(super) fn file_error(e: &ImportError) -> AppError {
    AppError::Invalid(FieldErrors::single("file", "invalid", e.message()))
}

/// A read and header-detected file.
pub(super) struct Sheet {
    pub(super) read: sheets::ReadOutput,
    pub(super) header: Header,
    pub(super) gevinst_export: bool,
}

pub(super) fn open(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<Sheet> {
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
        && portfolio::required_potential_headers()
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
pub(super) fn csv_export_text(cell: &sheets::Cell) -> String {
    let t = sheets::values::text(cell).unwrap_or_default();
    portfolio::unguarded(&t).to_owned()
}

/// The rows of gevinst's CSV export: the potentials, with their business cases from the
/// sections after them (see [`portfolio::csv_sections`]). A section that cannot be read is
/// an error for the whole file, as for the workbook.
pub(super) fn from_export_csv(
    table: &Table,
    header: &Header,
    choices: &ImportChoices,
    known: &KnownValues,
    lists: &TenantLists,
) -> Result<Vec<Candidate>> {
    let col: HashMap<&str, usize> = header
        .columns
        .iter()
        .map(|c| (c.name.trim(), c.index))
        .collect();
    let data = table.rows().get(header.data_from..).unwrap_or(&[]);
    let (potentials, [lines, risks]) = portfolio::csv_sections(data);
    let mut read = Vec::new();
    for r in &data[..potentials] {
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
            contact_name: opt("Kontaktperson"),
            case: portfolio::csv_case(
                &get("Startår"),
                &get("Horisont (år)"),
                &get("Diskonteringsrente"),
            )
            .unwrap_or_else(|column| {
                errors.push(format!(
                    "Kolonne «{column}»: «{}» kan ikke læses.",
                    get(column)
                ));
                None
            }),
        };
        read.push((p, errors, id.is_some()));
    }
    let mut exported: Vec<ExportedPotential> = read.iter().map(|(p, _, _)| p.clone()).collect();
    portfolio::attach_cases(&mut exported, &lines, &risks)
        .map_err(|e| AppError::Invalid(FieldErrors::single("file", "invalid", e.0)))?;
    let mut out = Vec::with_capacity(exported.len());
    for (p, (_, mut errors, has_id)) in exported.into_iter().zip(read) {
        let mut c = guarded_export(p, choices, known, lists);
        if c.title.as_deref().is_some_and(str::is_empty) {
            c.title = None;
            errors.push("Kolonne «Titel»: Rækken har ingen titel.".to_owned());
        }
        if !has_id {
            c.external = External::None;
        }
        c.errors.extend(errors);
        out.push(c);
    }
    Ok(out)
}

/// A potential of gevinst's own export as a candidate, with the CPR guard on every text
/// it brings (masked when the choices say so).
pub(super) fn guarded_export(
    mut p: ExportedPotential,
    choices: &ImportChoices,
    known: &KnownValues,
    lists: &TenantLists,
) -> Candidate {
    let mask = choices.mask_cpr || choices.mask_cpr_rows.contains(&p.row);
    let found = redact::guard_export(&mut p, mask);
    let mut c = from_export(p, known, lists);
    for f in found {
        c.errors.push(format!(
            "Kolonne «{}»: {}",
            f.column,
            sheets::cpr_message(&f.masked)
        ));
        c.cpr.push(f);
    }
    c
}

pub(super) fn row_texts(table: &Table, header: &Header, index: usize) -> Vec<String> {
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

/// How a text file is read (`None` for a workbook, or a file that cannot be read).
pub fn text_encoding(bytes: &[u8]) -> Option<sheets::TextEncoding> {
    match sheets::detect_format(bytes) {
        Ok(Format::Csv) => sheets::decode(bytes).ok().map(|(_, e)| e),
        _ => None,
    }
}

pub(super) fn masked_table(
    table: &Table,
    header: &Header,
    mapping: &Mapping,
    choices: &ImportChoices,
) -> Option<Table> {
    if !choices.mask_cpr && choices.mask_cpr_rows.is_empty() {
        return None;
    }
    Some(sheets::mask_cpr_cells(table, header, mapping, |row| {
        choices.mask_cpr || choices.mask_cpr_rows.contains(&row)
    }))
}

/// The file read into candidates (CPU-bound; runs on the blocking pool).
pub(super) struct ParsedFile {
    pub(super) sheet: String,
    pub(super) gevinst_export: bool,
    pub(super) columns: Vec<String>,
    pub(super) candidates: Vec<Candidate>,
    pub(super) mapping: Mapping,
    pub(super) mapping_problems: Vec<String>,
}

pub(super) fn parse(
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
            let c = from_export_csv(&s.read.table, &s.header, choices, known, lists)?;
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
                .map(|p| guarded_export(p, choices, known, lists))
                .collect();
            (c, Mapping::suggest(&s.header), Vec::new())
        } else {
            let mapping = match mapping {
                Some(m) => m.adapt(&s.header).mapping,
                None => Mapping::suggest(&s.header),
            };
            let masked = masked_table(&s.read.table, &s.header, &mapping, choices);
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
