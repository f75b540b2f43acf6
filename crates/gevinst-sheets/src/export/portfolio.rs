//! The portfolio export: a tenant's potentials (all, or a filtered list) with their
//! business cases and key figures, as an .xlsx workbook or a CSV file.
//!
//! # Workbook layout
//!
//! Every sheet has its header in row 1 (frozen, with an autofilter) and one record per row
//! below it; the header texts are the constants [`POTENTIAL_HEADERS`],
//! [`LINE_HEADERS`], [`RISK_HEADERS`] and [`KEY_FIGURE_HEADERS`] (in column order), so a
//! reader can find the columns by name. Numbers are number cells, dates are date cells,
//! kr. amounts carry a kr. number format. An empty cell means "none".
//!
//! **Potentialer**: one row per potential, in the order given.
//!
//! | Column | Content |
//! |---|---|
//! | Id | the potential's id (number) |
//! | Titel, Beskrivelse | text as stored |
//! | Status | the Danish label, e.g. "I drift" ([`Status::label`]) |
//! | Enhed | the unit's own name |
//! | Enhedssti | the unit's path from the top, joined by " › " |
//! | Fagområde, Teknologi | names |
//! | Kilde | the Danish label ([`Source::label`]) |
//! | Gevinstejer, Gevinstejer e-mail | name and login e-mail of the benefit owner |
//! | Digital agent, Digital agent e-mail | likewise |
//! | Indsendt af, Indsendt af e-mail | likewise for the submitter |
//! | Tags | tags joined by `"; "` |
//! | Oprettet, Ændret | date and time (Danish local time) |
//! | Version | number |
//! | Startår, Horisont (år) | the business case's start year and horizon (numbers; empty without a case) |
//! | Diskonteringsrente | the case's own rate as a fraction with a % format (0.035 shows as 3.5 %); empty when the case uses the tenant's rate or there is no case |
//!
//! **Business cases**: one row per line and year (a line over a 5-year horizon gives 5
//! rows), potentials in the order given, lines in the case's order, years ascending.
//!
//! | Column | Content |
//! |---|---|
//! | Potentiale-id, Potentiale | the potential's id and title |
//! | Linje nr. | the line's position in the case, from 1 |
//! | Art | the kind's Danish label ([`LineKind::label`]) |
//! | Betegnelse | the line's label |
//! | Hjemtagbar | "Ja" or "Nej" |
//! | Fra kanal, Til kanal | for kanalomlægning: [`gevinst_domain::business_case::Channel::label`] |
//! | Kategori | for usynligt arbejde: [`gevinst_domain::business_case::InvisibleCategory::label`] |
//! | År | the calendar year (start year + index) |
//! | Beløb | the most-likely amount in the line's unit (number; kr. format for kr. lines) |
//! | Enhed | the line's unit: "kr.", "timer", "årsværk" or "henvendelser" |
//! | Beløb (præcis) | the same amount as exact decimal text, `.` as decimal mark and no grouping (e.g. `1234567.125`); use it when the number cell's binary `f64` cannot carry every digit |
//! | Værdi (kr.) | the amount valued in kr. with the tenant's economics |
//! | Lav faktor, Høj faktor | the three-point multipliers (numbers) |
//! | Startår, Horisont (år), Diskonteringsrente | the case's settings, repeated on every row (as on Potentialer) |
//!
//! **Risici**: one row per risk: Potentiale-id, Potentiale, Risiko nr. (from 1),
//! Beskrivelse, Sandsynlighed (fraction with % format), Min., Mest sandsynlig, Maks. (kr.),
//! År (calendar year) and År nr. (index from 0).
//!
//! **Nøgletal**: one row per potential with a business case: Potentiale-id, Potentiale,
//! Status, Enhed, NPV, NPV efter risiko, Tilbagebetalingsår, Fuld effekt, Hjemtagbar fuld
//! effekt (kr.), Frigjorte årsværk (slutår), Risikopulje, Bruttogevinst, Usynligt arbejde
//! (kr.), Usynligt arbejde (andel, % format), Diskonteringsrente (brugt) and, when any
//! potential was simulated, NPV P10, NPV P50, NPV P90 (kr.).
//!
//! # Exactness
//!
//! Every decimal is written as the `f64` nearest to it (via its decimal text, so the
//! conversion is correctly rounded). Amounts entered through the UI or API are the
//! shortest text of an `f64`, so reading the cell back and taking the shortest text of the
//! `f64` gives the stored decimal again; amounts with more than 15 significant digits are
//! only exact in "Beløb (præcis)".
//!
//! # Reading back
//!
//! [`read_workbook`] reads such a workbook back into [`ExportedPotential`]s: every field of
//! the Potentialer sheet (names, not ids) and the business case rebuilt exactly from the
//! Business cases and Risici sheets. [`is_portfolio_export`] tells an import whether a file
//! is one, so that importing an export into an empty tenant reproduces the potentials and
//! their business-case lines exactly.
//!
//! # CSV
//!
//! [`csv`] writes the Potentialer sheet: `;`-separated, UTF-8 with a byte-order mark (so
//! Danish Excel opens it with æ, ø and å intact), CRLF line ends, `,` as decimal mark and
//! dates as `dd-mm-yyyy hh:mm`. A text cell starting with `=`, `+`, `-`, `@`, tab or CR gets
//! a leading `'` so a spreadsheet does not run it as a formula.

use super::{header_row, row_index, Formats};
use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Datelike, Timelike, Utc};
use gevinst_domain::business_case::{
    line_values, BusinessCase, Channel, Economics, Evaluation, InvisibleCategory, Line, LineKind,
    Risk,
};
use gevinst_domain::danish::{danish_local, format_sheet_datetime as csv_datetime};
use gevinst_domain::potential::Source;
use gevinst_domain::{Potential, Status};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;
use std::io::Cursor;

/// Headers of the Potentialer sheet and the CSV, in column order.
pub const POTENTIAL_HEADERS: [&str; 22] = [
    "Id",
    "Titel",
    "Beskrivelse",
    "Status",
    "Enhed",
    "Enhedssti",
    "Fagområde",
    "Teknologi",
    "Kilde",
    "Gevinstejer",
    "Gevinstejer e-mail",
    "Digital agent",
    "Digital agent e-mail",
    "Indsendt af",
    "Indsendt af e-mail",
    "Tags",
    "Oprettet",
    "Ændret",
    "Version",
    "Startår",
    "Horisont (år)",
    "Diskonteringsrente",
];

const POTENTIAL_WIDTHS: [f64; 22] = [
    8.0, 40.0, 60.0, 16.0, 24.0, 40.0, 22.0, 22.0, 18.0, 24.0, 28.0, 24.0, 28.0, 24.0, 28.0, 24.0,
    17.0, 17.0, 9.0, 9.0, 10.0, 12.0,
];

/// Headers of the Business cases sheet, in column order.
pub const LINE_HEADERS: [&str; 19] = [
    "Potentiale-id",
    "Potentiale",
    "Linje nr.",
    "Art",
    "Betegnelse",
    "Hjemtagbar",
    "Fra kanal",
    "Til kanal",
    "Kategori",
    "År",
    "Beløb",
    "Enhed",
    "Beløb (præcis)",
    "Værdi (kr.)",
    "Lav faktor",
    "Høj faktor",
    "Startår",
    "Horisont (år)",
    "Diskonteringsrente",
];

const LINE_WIDTHS: [f64; 19] = [
    12.0, 36.0, 8.0, 20.0, 32.0, 11.0, 20.0, 20.0, 22.0, 7.0, 16.0, 12.0, 18.0, 16.0, 10.0, 10.0,
    9.0, 10.0, 12.0,
];

/// Headers of the Risici sheet, in column order.
pub const RISK_HEADERS: [&str; 10] = [
    "Potentiale-id",
    "Potentiale",
    "Risiko nr.",
    "Beskrivelse",
    "Sandsynlighed",
    "Min. (kr.)",
    "Mest sandsynlig (kr.)",
    "Maks. (kr.)",
    "År",
    "År nr.",
];

const RISK_WIDTHS: [f64; 10] = [12.0, 36.0, 9.0, 40.0, 13.0, 15.0, 15.0, 15.0, 7.0, 7.0];

/// Headers of the Nøgletal sheet without simulation, in column order.
pub const KEY_FIGURE_HEADERS: [&str; 15] = [
    "Potentiale-id",
    "Potentiale",
    "Status",
    "Enhed",
    "NPV (kr.)",
    "NPV efter risiko (kr.)",
    "Tilbagebetalingsår",
    "Fuld effekt (kr.)",
    "Hjemtagbar fuld effekt (kr.)",
    "Frigjorte årsværk (slutår)",
    "Risikopulje (kr.)",
    "Bruttogevinst (kr.)",
    "Usynligt arbejde (kr.)",
    "Usynligt arbejde (andel)",
    "Diskonteringsrente (brugt)",
];

const KEY_FIGURE_WIDTHS: [f64; 15] = [
    12.0, 36.0, 16.0, 24.0, 16.0, 16.0, 14.0, 16.0, 16.0, 13.0, 15.0, 16.0, 16.0, 13.0, 13.0,
];

/// The extra Nøgletal headers when at least one potential was simulated.
pub const SIMULATION_HEADERS: [&str; 3] = ["NPV P10 (kr.)", "NPV P50 (kr.)", "NPV P90 (kr.)"];

/// Names of the sheets, in order.
pub const SHEETS: [&str; 4] = ["Potentialer", "Business cases", "Risici", "Nøgletal"];

/// A person linked to a potential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Login e-mail.
    pub email: String,
}

/// Simulated NPV percentiles, kr.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// One potential with the names of what it refers to, its business case and results.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioRow {
    /// The potential.
    pub potential: Potential,
    /// Names from the top unit down to the potential's unit.
    pub unit_path: Vec<String>,
    /// Fagområde name.
    pub fagomraade: Option<String>,
    /// Technology type name.
    pub technology: Option<String>,
    /// Who submitted it.
    pub submitted_by: Option<Person>,
    /// Benefit owner (gevinstejer).
    pub benefit_owner: Option<Person>,
    /// Digital agent.
    pub digital_agent: Option<Person>,
    /// The business case, if any.
    pub case: Option<BusinessCase>,
    /// Its deterministic results (with the tenant's economics).
    pub evaluation: Option<Evaluation>,
    /// Simulated NPV percentiles, when simulated.
    pub npv_percentiles: Option<Percentiles>,
}

impl PortfolioRow {
    /// The unit's own name (the last part of the path).
    pub fn unit_name(&self) -> &str {
        self.unit_path
            .last()
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// What an export contains.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// The tenant's economics, for valuing lines in kr.
    pub economics: Economics,
    /// The potentials, in the order to write them.
    pub rows: Vec<PortfolioRow>,
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook writer failed, e.g. more rows than a sheet can hold.
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV writer failed.
    #[error("the CSV file could not be written: {0}")]
    Csv(String),
}

/// A decimal as the nearest `f64`, correctly rounded via its text.
pub fn decimal_to_f64(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

fn excel_datetime(t: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let l = danish_local(t);
    let year = u16::try_from(l.year())
        .map_err(|_| XlsxError::ParameterError("year out of range".into()))?;
    ExcelDateTime::from_ymd(year, l.month() as u8, l.day() as u8)?.and_hms(
        l.hour() as u16,
        l.minute() as u8,
        l.second(),
    )
}

/// A helper that writes optional cells.
struct Cells<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
}

impl Cells<'_> {
    fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.sheet.write_string(self.row, col, s)?;
        }
        Ok(())
    }
    fn opt_text(&mut self, col: u16, s: Option<&str>) -> Result<(), XlsxError> {
        self.text(col, s.unwrap_or_default())
    }
    fn number(&mut self, col: u16, x: f64, f: &Format) -> Result<(), XlsxError> {
        if x.is_finite() {
            self.sheet.write_number_with_format(self.row, col, x, f)?;
        }
        Ok(())
    }
    fn decimal(&mut self, col: u16, d: Decimal, f: &Format) -> Result<(), XlsxError> {
        self.number(col, decimal_to_f64(d), f)
    }
    fn opt_decimal(&mut self, col: u16, d: Option<Decimal>, f: &Format) -> Result<(), XlsxError> {
        match d {
            Some(d) => self.decimal(col, d, f),
            None => Ok(()),
        }
    }
    fn datetime(&mut self, col: u16, t: DateTime<Utc>, f: &Format) -> Result<(), XlsxError> {
        let dt = excel_datetime(t)?;
        self.sheet
            .write_datetime_with_format(self.row, col, dt, f)?;
        Ok(())
    }
}

fn case_settings(case: Option<&BusinessCase>) -> (Option<i32>, Option<u32>, Option<Decimal>) {
    match case {
        Some(c) => (Some(c.start_year), Some(c.horizon), c.discount_rate),
        None => (None, None, None),
    }
}

fn write_potentials(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[0])?;
    let columns: Vec<(&str, f64)> = POTENTIAL_HEADERS
        .iter()
        .copied()
        .zip(POTENTIAL_WIDTHS)
        .collect();
    header_row(sheet, f, &columns, row_index(p.rows.len())?)?;
    for (i, r) in p.rows.iter().enumerate() {
        let pot = &r.potential;
        let mut c = Cells {
            sheet: &mut *sheet,
            row: row_index(i + 1)?,
        };
        c.number(0, pot.id.0 as f64, &f.integer)?;
        c.text(1, &pot.title)?;
        c.text(2, &pot.description)?;
        c.text(3, pot.status.label())?;
        c.text(4, r.unit_name())?;
        c.text(5, &r.unit_path.join(" › "))?;
        c.opt_text(6, r.fagomraade.as_deref())?;
        c.opt_text(7, r.technology.as_deref())?;
        c.text(8, pot.source.label())?;
        for (col, person) in [
            (9, &r.benefit_owner),
            (11, &r.digital_agent),
            (13, &r.submitted_by),
        ] {
            if let Some(person) = person {
                c.text(col, &person.name)?;
                c.text(col + 1, &person.email)?;
            }
        }
        c.text(15, &pot.tags.join("; "))?;
        c.datetime(16, pot.created_at, &f.datetime)?;
        c.datetime(17, pot.updated_at, &f.datetime)?;
        c.number(18, pot.version as f64, &f.integer)?;
        let (start, horizon, rate) = case_settings(r.case.as_ref());
        if let Some(s) = start {
            c.number(19, f64::from(s), &f.integer)?;
        }
        if let Some(h) = horizon {
            c.number(20, f64::from(h), &f.integer)?;
        }
        c.opt_decimal(21, rate, &f.percent)?;
    }
    Ok(())
}

fn unit_format(kind: LineKind, f: &Formats) -> &Format {
    match kind {
        LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => &f.kr,
        _ => &f.decimal,
    }
}

fn write_lines(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[1])?;
    let total: usize = p
        .rows
        .iter()
        .filter_map(|r| r.case.as_ref())
        .flat_map(|c| c.lines.iter().map(|l| l.amounts.len()))
        .sum();
    let columns: Vec<(&str, f64)> = LINE_HEADERS.iter().copied().zip(LINE_WIDTHS).collect();
    header_row(sheet, f, &columns, row_index(total)?)?;
    let mut row = 0usize;
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        for (n, line) in case.lines.iter().enumerate() {
            let values = line_values(line, &p.economics);
            for (t, amount) in line.amounts.iter().enumerate() {
                row += 1;
                let mut c = Cells {
                    sheet: &mut *sheet,
                    row: row_index(row)?,
                };
                c.number(0, r.potential.id.0 as f64, &f.integer)?;
                c.text(1, &r.potential.title)?;
                c.number(2, (n + 1) as f64, &f.integer)?;
                c.text(3, line.kind.label())?;
                c.text(4, &line.label)?;
                c.text(5, if line.hjemtagbar { "Ja" } else { "Nej" })?;
                c.opt_text(6, line.from_channel.map(|ch| ch.label()))?;
                c.opt_text(7, line.to_channel.map(|ch| ch.label()))?;
                c.opt_text(8, line.category.map(|k| k.label()))?;
                c.number(9, f64::from(case.start_year) + t as f64, &f.integer)?;
                c.decimal(10, *amount, unit_format(line.kind, f))?;
                c.text(11, line.kind.unit_label())?;
                c.text(12, &amount.normalize().to_string())?;
                c.opt_decimal(13, values.get(t).copied(), &f.kr)?;
                c.decimal(14, line.low, &f.decimal)?;
                c.decimal(15, line.high, &f.decimal)?;
                c.number(16, f64::from(case.start_year), &f.integer)?;
                c.number(17, f64::from(case.horizon), &f.integer)?;
                c.opt_decimal(18, case.discount_rate, &f.percent)?;
            }
        }
    }
    Ok(())
}

fn write_risks(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[2])?;
    let total: usize = p
        .rows
        .iter()
        .filter_map(|r| r.case.as_ref())
        .map(|c| c.risks.len())
        .sum();
    let columns: Vec<(&str, f64)> = RISK_HEADERS.iter().copied().zip(RISK_WIDTHS).collect();
    header_row(sheet, f, &columns, row_index(total)?)?;
    let mut row = 0usize;
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        for (n, risk) in case.risks.iter().enumerate() {
            row += 1;
            let mut c = Cells {
                sheet: &mut *sheet,
                row: row_index(row)?,
            };
            c.number(0, r.potential.id.0 as f64, &f.integer)?;
            c.text(1, &r.potential.title)?;
            c.number(2, (n + 1) as f64, &f.integer)?;
            c.text(3, &risk.description)?;
            c.decimal(4, risk.probability, &f.percent)?;
            c.decimal(5, risk.min, &f.kr)?;
            c.decimal(6, risk.likely, &f.kr)?;
            c.decimal(7, risk.max, &f.kr)?;
            c.number(
                8,
                f64::from(case.start_year) + f64::from(risk.year),
                &f.integer,
            )?;
            c.number(9, f64::from(risk.year), &f.integer)?;
        }
    }
    Ok(())
}

fn write_key_figures(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[3])?;
    let simulated = p.rows.iter().any(|r| r.npv_percentiles.is_some());
    let mut columns: Vec<(&str, f64)> = KEY_FIGURE_HEADERS
        .iter()
        .copied()
        .zip(KEY_FIGURE_WIDTHS)
        .collect();
    if simulated {
        columns.extend(SIMULATION_HEADERS.iter().map(|h| (*h, 16.0)));
    }
    let evaluated: Vec<(&PortfolioRow, &Evaluation)> = p
        .rows
        .iter()
        .filter_map(|r| r.evaluation.as_ref().map(|e| (r, e)))
        .collect();
    header_row(sheet, f, &columns, row_index(evaluated.len())?)?;
    for (i, (r, e)) in evaluated.into_iter().enumerate() {
        let mut c = Cells {
            sheet: &mut *sheet,
            row: row_index(i + 1)?,
        };
        c.number(0, r.potential.id.0 as f64, &f.integer)?;
        c.text(1, &r.potential.title)?;
        c.text(2, r.potential.status.label())?;
        c.text(3, r.unit_name())?;
        c.decimal(4, e.npv, &f.kr)?;
        c.decimal(5, e.npv_after_risk, &f.kr)?;
        if let Some(y) = e.payback_year {
            c.number(6, f64::from(y), &f.integer)?;
        }
        c.decimal(7, e.full_effect, &f.kr)?;
        c.decimal(8, e.hjemtagbar_full_effect, &f.kr)?;
        c.decimal(9, e.fte_freed_final_year, &f.decimal)?;
        c.decimal(10, e.risk_pool, &f.kr)?;
        c.decimal(11, e.gross_benefits, &f.kr)?;
        c.decimal(12, e.invisible_work, &f.kr)?;
        c.opt_decimal(13, e.invisible_share, &f.percent)?;
        c.decimal(14, e.discount_rate, &f.percent)?;
        if let Some(s) = r.npv_percentiles {
            c.number(15, s.p10, &f.kr)?;
            c.number(16, s.p50, &f.kr)?;
            c.number(17, s.p90, &f.kr)?;
        }
    }
    Ok(())
}

/// Writes the portfolio as an .xlsx workbook (see the module documentation for the
/// layout) and returns its bytes.
pub fn workbook(p: &Portfolio) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::default();
    let mut wb = Workbook::new();
    write_potentials(wb.add_worksheet(), &formats, p)?;
    write_lines(wb.add_worksheet(), &formats, p)?;
    write_risks(wb.add_worksheet(), &formats, p)?;
    write_key_figures(wb.add_worksheet(), &formats, p)?;
    Ok(wb.save_to_buffer()?)
}

/// A decimal as CSV text: all significant decimals, `,` as decimal mark, no grouping.
fn csv_decimal(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// Text that a spreadsheet would read as a formula gets a leading `'`.
fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The Potentialer sheet as CSV rows (header first), before quoting.
pub fn csv_rows(p: &Portfolio) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(p.rows.len() + 1);
    out.push(POTENTIAL_HEADERS.iter().map(|h| (*h).to_owned()).collect());
    let person = |x: &Option<Person>| match x {
        Some(p) => (csv_text(&p.name), csv_text(&p.email)),
        None => (String::new(), String::new()),
    };
    for r in &p.rows {
        let pot = &r.potential;
        let (owner, owner_mail) = person(&r.benefit_owner);
        let (agent, agent_mail) = person(&r.digital_agent);
        let (by, by_mail) = person(&r.submitted_by);
        let (start, horizon, rate) = case_settings(r.case.as_ref());
        out.push(vec![
            pot.id.0.to_string(),
            csv_text(&pot.title),
            csv_text(&pot.description),
            pot.status.label().to_owned(),
            csv_text(r.unit_name()),
            csv_text(&r.unit_path.join(" › ")),
            csv_text(r.fagomraade.as_deref().unwrap_or_default()),
            csv_text(r.technology.as_deref().unwrap_or_default()),
            pot.source.label().to_owned(),
            owner,
            owner_mail,
            agent,
            agent_mail,
            by,
            by_mail,
            csv_text(&pot.tags.join("; ")),
            csv_datetime(pot.created_at),
            csv_datetime(pot.updated_at),
            pot.version.to_string(),
            start.map(|s| s.to_string()).unwrap_or_default(),
            horizon.map(|h| h.to_string()).unwrap_or_default(),
            rate.map(csv_decimal).unwrap_or_default(),
        ]);
    }
    out
}

/// Writes the Potentialer sheet as CSV (see the module documentation) and returns its
/// bytes, starting with the UTF-8 byte-order mark.
pub fn csv(p: &Portfolio) -> Result<Vec<u8>, ExportError> {
    let mut buf = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut buf);
        for row in csv_rows(p) {
            w.write_record(&row)
                .map_err(|e| ExportError::Csv(e.to_string()))?;
        }
        w.flush().map_err(|e| ExportError::Csv(e.to_string()))?;
    }
    Ok(buf)
}

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
    /// The business case (lines and risks), when the potential had one.
    pub case: Option<BusinessCase>,
}

/// Why a workbook could not be read back as a portfolio export; the message is Danish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadBackError(pub String);

type Rows = Vec<Vec<Data>>;

/// Whether a workbook with these sheet names and these headers on its first sheet is a
/// portfolio export that [`read_workbook`] can read exactly.
pub fn is_portfolio_export(sheet_names: &[String], first_sheet_headers: &[String]) -> bool {
    SHEETS[..3]
        .iter()
        .all(|s| sheet_names.iter().any(|n| n == s))
        && POTENTIAL_HEADERS
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
        Data::String(s) => s.trim().parse().ok(),
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

    let pc = Columns::new(&potentials, SHEETS[0], &POTENTIAL_HEADERS)?;
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
            case,
        });
    }
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, p)| (p.id, i)).collect();

    if !lines.is_empty() {
        let lc = Columns::new(&lines, SHEETS[1], &LINE_HEADERS)?;
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
        let rc = Columns::new(&risks, SHEETS[2], &RISK_HEADERS)?;
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn csv_helpers() {
        assert_eq!(csv_decimal(dec!(0.0350)), "0,035");
        assert_eq!(csv_decimal(dec!(1234567.5)), "1234567,5");
        assert_eq!(csv_text("=1+1"), "'=1+1");
        assert_eq!(csv_text("-x"), "'-x");
        assert_eq!(csv_text("Æble"), "Æble");
    }

    #[test]
    fn decimals_become_the_nearest_f64() {
        assert_eq!(decimal_to_f64(dec!(1234567.89)), 1234567.89);
        assert_eq!(decimal_to_f64(dec!(0.1)), 0.1);
        assert_eq!(decimal_to_f64(dec!(-42)), -42.0);
    }
}
