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
//! | Kontaktperson | the contact person by name (not a user); optional when read back, as exports before it lack it ([`OPTIONAL_POTENTIAL_HEADERS`]) |
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
//!
//! When any potential has business-case lines (or risks), the business cases follow in
//! sections, so a CSV round trip keeps them: an empty line, a line with the sheet's name
//! ("Business cases", then "Risici", see [`CSV_SECTIONS`]), and that sheet's header and
//! rows, as in the workbook (one row per line and year; one row per risk). "Beløb
//! (præcis)" keeps `.` as decimal mark; the other decimals use `,`. [`attach_cases`] reads
//! the sections back.

use super::{header_row, row_index, Formats};
use chrono::{DateTime, Datelike, Timelike, Utc};
use gevinst_domain::business_case::{BusinessCase, Economics, Evaluation};
use gevinst_domain::danish::danish_local;
use gevinst_domain::Potential;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Worksheet, XlsxError};

/// Headers of the Potentialer sheet and the CSV, in column order.
pub const POTENTIAL_HEADERS: [&str; 23] = [
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
    "Kontaktperson",
];

/// Columns of the Potentialer sheet added after the first exports: a file without them is
/// still read back (as empty).
pub const OPTIONAL_POTENTIAL_HEADERS: [&str; 1] = ["Kontaktperson"];

/// The columns every export has, by which a file is recognised.
pub fn required_potential_headers() -> Vec<&'static str> {
    POTENTIAL_HEADERS
        .into_iter()
        .filter(|h| !OPTIONAL_POTENTIAL_HEADERS.contains(h))
        .collect()
}

const POTENTIAL_WIDTHS: [f64; 23] = [
    8.0, 40.0, 60.0, 16.0, 24.0, 40.0, 22.0, 22.0, 18.0, 24.0, 28.0, 24.0, 28.0, 24.0, 28.0, 24.0,
    17.0, 17.0, 9.0, 9.0, 10.0, 12.0, 24.0,
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

/// The sections of the CSV after its potentials, each introduced by a line with its name:
/// the Business cases and Risici sheets.
pub const CSV_SECTIONS: [&str; 2] = [SHEETS[1], SHEETS[2]];

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

mod csv_back;
mod read_back;
mod write;

pub use csv_back::{csv_case, csv_sections, unguarded};

pub use read_back::{
    attach_cases, is_portfolio_export, read_workbook, ExportedPotential, ReadBackError, Rows,
};
pub use write::{csv, csv_line_rows, csv_risk_rows, csv_rows, workbook};

#[cfg(test)]
mod tests {
    use super::write::{csv_decimal, csv_text};
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
