//! Reading a portfolio workbook back ([`read_workbook`]), to move potentials between
//! tenants.

use super::*;
use calamine::{Data, Reader, Xlsx};
use gevinst_domain::business_case::{
    BusinessCase, Channel, InvisibleCategory, Line, LineKind, Risk,
};
use gevinst_domain::potential::Source;
use gevinst_domain::Status;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Cursor;

/// A potential as read back from a portfolio workbook by [`read_workbook`]: every field the
/// export writes, with names instead of ids (the receiving tenant matches or creates
/// them) and the business case exactly as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedPotential {
    /// The row's number on the Potentialer sheet (from 1, the header is row 1).
    pub row: u32,
    /// The id in the tenant it was exported from.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Status.
    pub status: Status,
    /// Names from the top unit down to the unit.
    pub unit_path: Vec<String>,
    /// Fagområde name.
    pub fagomraade: Option<String>,
    /// Technology type name.
    pub technology: Option<String>,
    /// Source.
    pub source: Source,
    /// Benefit owner.
    pub benefit_owner: Option<Person>,
    /// Digital agent.
    pub digital_agent: Option<Person>,
    /// Submitter.
    pub submitted_by: Option<Person>,
    /// Tags.
    pub tags: Vec<String>,
    /// Contact person by name (empty in exports made before the column existed).
    pub contact_name: Option<String>,
    /// The business case (lines and risks), when the potential had one.
    pub case: Option<BusinessCase>,
}

/// Why a workbook could not be read back as a portfolio export; the message is Danish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadBackError(pub String);

/// A sheet's rows as read, header first.
pub type Rows = Vec<Vec<Data>>;

/// Whether a workbook with these sheet names and these headers on its first sheet is a
/// portfolio export that [`read_workbook`] can read exactly.
pub fn is_portfolio_export(sheet_names: &[String], first_sheet_headers: &[String]) -> bool {
    SHEETS[..3]
        .iter()
        .all(|s| sheet_names.iter().any(|n| n == s))
        && required_potential_headers()
            .iter()
            .all(|h| first_sheet_headers.iter().any(|x| x.trim() == *h))
}

/// Column positions by header text.
struct Columns(HashMap<String, usize>);

impl Columns {
    fn new(rows: &Rows, sheet: &str, required: &[&str]) -> Result<Columns, ReadBackError> {
        let mut map = HashMap::new();
        if let Some(header) = rows.first() {
            for (i, d) in header.iter().enumerate() {
                if let Data::String(s) = d {
                    map.entry(s.trim().to_owned()).or_insert(i);
                }
            }
        }
        if let Some(missing) = required.iter().find(|h| !map.contains_key(**h)) {
            return Err(ReadBackError(format!(
                "Arket «{sheet}» mangler kolonnen «{missing}»."
            )));
        }
        Ok(Columns(map))
    }

    fn cell<'a>(&self, row: &'a [Data], name: &str) -> &'a Data {
        static EMPTY: Data = Data::Empty;
        self.0.get(name).and_then(|i| row.get(*i)).unwrap_or(&EMPTY)
    }
}

/// Where a problem is, for messages: `Arket «Potentialer», række 4`.
fn at(sheet: &str, row: usize) -> String {
    format!("Arket «{sheet}», række {}", row + 1)
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => format!("{x}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn opt_text(d: &Data) -> Option<String> {
    Some(text(d)).filter(|s| !s.trim().is_empty())
}

/// A number cell as the decimal it was written from (the shortest text of the `f64`).
fn decimal(d: &Data) -> Option<Decimal> {
    match d {
        Data::Float(x) if x.is_finite() => format!("{x}").parse().ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::String(s) => {
            // The CSV export writes `,` as decimal mark (and no grouping).
            let s = s.trim();
            s.parse().ok().or_else(|| s.replace(',', ".").parse().ok())
        }
        _ => None,
    }
}

fn whole(d: &Data) -> Option<i64> {
    match d {
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => Some(*x as i64),
        Data::Int(i) => Some(*i),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn need<T>(v: Option<T>, sheet: &str, row: usize, column: &str) -> Result<T, ReadBackError> {
    v.ok_or_else(|| {
        ReadBackError(format!(
            "{}: kolonnen «{column}» har en ugyldig eller tom værdi.",
            at(sheet, row)
        ))
    })
}

fn person(name: &Data, email: &Data) -> Option<Person> {
    match (opt_text(name), opt_text(email)) {
        (None, None) => None,
        (n, e) => Some(Person {
            name: n.unwrap_or_default(),
            email: e.unwrap_or_default(),
        }),
    }
}

fn by_label<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str, text: &str) -> Option<T> {
    all.iter().copied().find(|x| label(*x) == text.trim())
}

const CATEGORIES: [InvisibleCategory; 3] = [
    InvisibleCategory::Oprydning,
    InvisibleCategory::Kompensation,
    InvisibleCategory::Forbindelse,
];

fn sheet_rows(wb: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Option<Rows>, ReadBackError> {
    if !wb.sheet_names().iter().any(|n| n == name) {
        return Ok(None);
    }
    let range = wb
        .worksheet_range(name)
        .map_err(|e| ReadBackError(format!("Arket «{name}» kan ikke læses: {e}")))?;
    Ok(Some(range.rows().map(|r| r.to_vec()).collect()))
}

/// A potential's lines by line nr.: the line (without amounts) and its (year, amount)s.
type LinesByNr = std::collections::BTreeMap<i64, (Line, Vec<(i64, Decimal)>)>;

/// One line as read: (line nr., year, amount, the line without amounts).
type LineCell = (i64, i64, Decimal, Line);

fn read_line(c: &Columns, r: &[Data], i: usize) -> Result<LineCell, ReadBackError> {
    const S: &str = SHEETS[1];
    let kind_text = text(c.cell(r, "Art"));
    let kind = need(
        by_label(&LineKind::ALL, LineKind::label, &kind_text),
        S,
        i,
        "Art",
    )?;
    let exact = opt_text(c.cell(r, "Beløb (præcis)")).and_then(|t| t.trim().parse().ok());
    let amount = need(exact.or_else(|| decimal(c.cell(r, "Beløb"))), S, i, "Beløb")?;
    let channel = |col: &str| {
        opt_text(c.cell(r, col)).and_then(|t| by_label(&Channel::ALL, Channel::label, &t))
    };
    let line = Line {
        kind,
        label: text(c.cell(r, "Betegnelse")),
        amounts: Vec::new(),
        low: need(decimal(c.cell(r, "Lav faktor")), S, i, "Lav faktor")?,
        high: need(decimal(c.cell(r, "Høj faktor")), S, i, "Høj faktor")?,
        hjemtagbar: text(c.cell(r, "Hjemtagbar")).trim() == "Ja",
        from_channel: channel("Fra kanal"),
        to_channel: channel("Til kanal"),
        category: opt_text(c.cell(r, "Kategori"))
            .and_then(|t| by_label(&CATEGORIES, InvisibleCategory::label, &t)),
    };
    Ok((
        need(whole(c.cell(r, "Linje nr.")), S, i, "Linje nr.")?,
        need(whole(c.cell(r, "År")), S, i, "År")?,
        amount,
        line,
    ))
}

/// Reads a workbook written by [`workbook`] back into potentials with their business
/// cases, exactly: amounts from "Beløb (præcis)", other decimals from the shortest text of
/// their number cell. Rows come in the order of the Potentialer sheet. A workbook that is
/// not a portfolio export, or whose cells were edited into something unreadable, is a
/// [`ReadBackError`] naming the sheet, row and column.
///
/// The bytes should have passed the import's checks (size, zip bomb) first.
pub fn read_workbook(bytes: &[u8]) -> Result<Vec<ExportedPotential>, ReadBackError> {
    let mut wb: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ReadBackError(format!("Filen kan ikke læses som .xlsx: {e}")))?;
    let potentials = sheet_rows(&mut wb, SHEETS[0])?.ok_or_else(|| {
        ReadBackError("Filen har ikke arket «Potentialer» fra en gevinst-eksport.".into())
    })?;
    let lines = sheet_rows(&mut wb, SHEETS[1])?.unwrap_or_default();
    let risks = sheet_rows(&mut wb, SHEETS[2])?.unwrap_or_default();

    let pc = Columns::new(&potentials, SHEETS[0], &required_potential_headers())?;
    let mut out = Vec::new();
    for (i, r) in potentials.iter().enumerate().skip(1) {
        if r.iter().all(|d| matches!(d, Data::Empty)) {
            continue;
        }
        const S: &str = SHEETS[0];
        let status_text = text(pc.cell(r, "Status"));
        let source_text = text(pc.cell(r, "Kilde"));
        let start = whole(pc.cell(r, "Startår"));
        let case = match start {
            None => None,
            Some(start) => Some(BusinessCase {
                start_year: need(i32::try_from(start).ok(), S, i, "Startår")?,
                horizon: need(
                    whole(pc.cell(r, "Horisont (år)")).and_then(|h| u32::try_from(h).ok()),
                    S,
                    i,
                    "Horisont (år)",
                )?,
                discount_rate: decimal(pc.cell(r, "Diskonteringsrente")),
                lines: Vec::new(),
                risks: Vec::new(),
            }),
        };
        out.push(ExportedPotential {
            row: u32::try_from(i + 1).unwrap_or(u32::MAX),
            id: need(whole(pc.cell(r, "Id")), S, i, "Id")?,
            title: text(pc.cell(r, "Titel")),
            description: text(pc.cell(r, "Beskrivelse")),
            status: need(
                by_label(&Status::ALL, Status::label, &status_text),
                S,
                i,
                "Status",
            )?,
            unit_path: text(pc.cell(r, "Enhedssti"))
                .split(" › ")
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            fagomraade: opt_text(pc.cell(r, "Fagområde")),
            technology: opt_text(pc.cell(r, "Teknologi")),
            source: need(
                by_label(&Source::ALL, Source::label, &source_text),
                S,
                i,
                "Kilde",
            )?,
            benefit_owner: person(pc.cell(r, "Gevinstejer"), pc.cell(r, "Gevinstejer e-mail")),
            digital_agent: person(
                pc.cell(r, "Digital agent"),
                pc.cell(r, "Digital agent e-mail"),
            ),
            submitted_by: person(pc.cell(r, "Indsendt af"), pc.cell(r, "Indsendt af e-mail")),
            tags: text(pc.cell(r, "Tags"))
                .split("; ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            contact_name: opt_text(pc.cell(r, "Kontaktperson")),
            case,
        });
    }
    attach_cases(&mut out, &lines, &risks)?;
    Ok(out)
}

/// Puts the lines of a Business cases sheet and the risks of a Risici sheet (each with its
/// header row first; either may be empty) into the business cases of `out`, matched by
/// potential id. A potential with lines or risks must have a case already (its start year
/// and horizon from the Potentialer sheet). Used by [`read_workbook`], and for the sections
/// of the CSV export.
pub fn attach_cases(
    out: &mut [ExportedPotential],
    lines: &Rows,
    risks: &Rows,
) -> Result<(), ReadBackError> {
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, p)| (p.id, i)).collect();

    if !lines.is_empty() {
        let lc = Columns::new(lines, SHEETS[1], &LINE_HEADERS)?;
        // potential → line nr. → (line, year → amount)
        let mut found: HashMap<usize, LinesByNr> = HashMap::new();
        for (i, r) in lines.iter().enumerate().skip(1) {
            if r.iter().all(|d| matches!(d, Data::Empty)) {
                continue;
            }
            let id = need(
                whole(lc.cell(r, "Potentiale-id")),
                SHEETS[1],
                i,
                "Potentiale-id",
            )?;
            let Some(&p) = index.get(&id) else {
                return Err(ReadBackError(format!(
                    "{}: potentialet med id {id} findes ikke på arket «Potentialer».",
                    at(SHEETS[1], i)
                )));
            };
            let (nr, year, amount, line) = read_line(&lc, r, i)?;
            found
                .entry(p)
                .or_default()
                .entry(nr)
                .or_insert_with(|| (line, Vec::new()))
                .1
                .push((year, amount));
        }
        for (p, by_nr) in found {
            let pot = &mut out[p];
            let Some(case) = pot.case.as_mut() else {
                return Err(ReadBackError(format!(
                    "Potentialet med id {} har linjer på arket «Business cases», men intet startår på arket «Potentialer».",
                    pot.id
                )));
            };
            for (_, (mut line, mut years)) in by_nr {
                years.sort_by_key(|(y, _)| *y);
                let expected: Vec<i64> = (0..i64::from(case.horizon))
                    .map(|t| i64::from(case.start_year) + t)
                    .collect();
                let got: Vec<i64> = years.iter().map(|(y, _)| *y).collect();
                if got != expected {
                    return Err(ReadBackError(format!(
                        "Linjen «{}» for potentialet med id {} skal have ét beløb for hvert år {}-{}.",
                        line.label,
                        pot.id,
                        case.start_year,
                        i64::from(case.start_year) + i64::from(case.horizon) - 1
                    )));
                }
                line.amounts = years.into_iter().map(|(_, a)| a).collect();
                case.lines.push(line);
            }
        }
    }

    if !risks.is_empty() {
        let rc = Columns::new(risks, SHEETS[2], &RISK_HEADERS)?;
        let mut found: Vec<(usize, i64, Risk)> = Vec::new();
        for (i, r) in risks.iter().enumerate().skip(1) {
            if r.iter().all(|d| matches!(d, Data::Empty)) {
                continue;
            }
            const S: &str = SHEETS[2];
            let id = need(whole(rc.cell(r, "Potentiale-id")), S, i, "Potentiale-id")?;
            let Some(&p) = index.get(&id) else {
                return Err(ReadBackError(format!(
                    "{}: potentialet med id {id} findes ikke på arket «Potentialer».",
                    at(S, i)
                )));
            };
            let risk = Risk {
                description: text(rc.cell(r, "Beskrivelse")),
                probability: need(decimal(rc.cell(r, "Sandsynlighed")), S, i, "Sandsynlighed")?,
                min: need(decimal(rc.cell(r, "Min. (kr.)")), S, i, "Min. (kr.)")?,
                likely: need(
                    decimal(rc.cell(r, "Mest sandsynlig (kr.)")),
                    S,
                    i,
                    "Mest sandsynlig (kr.)",
                )?,
                max: need(decimal(rc.cell(r, "Maks. (kr.)")), S, i, "Maks. (kr.)")?,
                year: need(
                    whole(rc.cell(r, "År nr.")).and_then(|y| u32::try_from(y).ok()),
                    S,
                    i,
                    "År nr.",
                )?,
            };
            let nr = need(whole(rc.cell(r, "Risiko nr.")), S, i, "Risiko nr.")?;
            found.push((p, nr, risk));
        }
        found.sort_by_key(|(p, nr, _)| (*p, *nr));
        for (p, _, risk) in found {
            let pot = &mut out[p];
            let id = pot.id;
            pot.case
                .as_mut()
                .ok_or_else(|| {
                    ReadBackError(format!(
                        "Potentialet med id {id} har risici på arket «Risici», men intet startår på arket «Potentialer»."
                    ))
                })?
                .risks
                .push(risk);
        }
    }
    Ok(())
}
