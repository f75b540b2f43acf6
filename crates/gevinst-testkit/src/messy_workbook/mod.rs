//! A realistic, messy municipal list of potentials as an .xlsx workbook, generated
//! deterministically from a seed and a size, together with what a correct import of it
//! into the demo tenant ("Eksempel Kommune") must give.
//!
//! The workbook has the kinds of mess a real list brings: a merged title row above the
//! header, stray blank rows, a totals row ("I alt"), a hidden sheet (first in the
//! workbook), Danish money formats ("1.234.567 kr.", "1,2 mio.", "750 t.kr.", numbers with
//! a number format), two organisation levels ("Forvaltning" and "Enhed", with the demo's
//! units, near-copies of them and new ones), one duplicated row under its own "Nr.",
//! status words people write ("BC", "godkendt", "På hold", "i drift", "droppet"),
//! near-copy catalogue values ("Chatbot", "RPA", "IoT", "Administration", "Tværgående"),
//! two CPR numbers in descriptions, afvist/parkeret rows with and without a reason in the
//! "Begrundelse" column, and "Ansvarlig" names of which some match no user.
//!
//! Tests compare the import against [`MessyExpected`] rather than hard-coded numbers, so
//! the same checks hold for any seed and size (at least [`MIN_ROWS`]).
//!
//! Rows before *business case* (idé, vurderet, afvist, parkeret) carry no figures, and
//! decided rows always do: the lifecycle rules (`gevinst_domain::lifecycle`) allow a
//! business case only from *business case* onwards and require one for a decided
//! potential, so figures on an idé would be a different kind of problem than this
//! workbook is about.

use std::collections::BTreeSet;

use gevinst_domain::Status;
use rust_xlsxwriter::{Format, Formula, Workbook, XlsxError};

mod data;

use data::*;
pub use data::{messy_known_units, NEW_TECHNOLOGY};

/// The size the generator makes by default: the 331 potentials (one of them the
/// re-numbered duplicate).
pub const DEFAULT_ROWS: usize = 331;

/// The smallest size that still has every kind of mess (every unit, status word and
/// catalogue spelling at least once).
pub const MIN_ROWS: usize = 60;

/// The name of the visible sheet with the potentials.
pub const MESSY_SHEET: &str = "Potentialer 2024-2027";

/// The reason the issue names for importing afvist/parkeret rows that have none.
pub const DEFAULT_REASON: &str = "Importeret fra regneark uden begrundelse";

/// The header of the potentials sheet, left to right.
pub const MESSY_HEADER: [&str; 16] = [
    "Nr.",
    "Titel",
    "Beskrivelse",
    "Forvaltning",
    "Enhed",
    "Fagområde",
    "Teknologi",
    "Status",
    "Begrundelse",
    "Ansvarlig",
    "Forventet gevinst",
    "Timer pr. år",
    "Investering",
    "Drift pr. år",
    "Startår",
    "Bemærkninger",
];

const COL_NR: u16 = 0;
const COL_TITLE: u16 = 1;
const COL_DESCRIPTION: u16 = 2;
const COL_FORVALTNING: u16 = 3;
const COL_ENHED: u16 = 4;
const COL_FAGOMRAADE: u16 = 5;
const COL_TECHNOLOGY: u16 = 6;
const COL_STATUS: u16 = 7;
const COL_REASON: u16 = 8;
const COL_OWNER: u16 = 9;
const COL_GAIN: u16 = 10;
const COL_HOURS: u16 = 11;
const COL_INVESTMENT: u16 = 12;
const COL_RUNNING: u16 = 13;
const COL_START_YEAR: u16 = 14;
const COL_NOTES: u16 = 15;

/// The zero-based row of the header (below a merged title, a subtitle and a blank row).
const HEADER_ROW: u32 = 3;

/// The catalogue a near-copy in the file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueKind {
    /// A unit (the enhed of a forvaltning).
    Unit,
    /// A fagområde.
    Fagomraade,
    /// A technology type.
    Technology,
}

/// A value in the file that resembles an existing one and must map to it, never be
/// created beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearCopy {
    /// Which list.
    pub kind: CatalogueKind,
    /// As written in the file.
    pub written: String,
    /// The existing name it must map to.
    pub existing: String,
}

/// Who the "Ansvarlig" cell names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A demo user, by their name in gevinst (the file may spell it in another case).
    User(String),
    /// A name that matches no user: kept as a contact name on the potential.
    Contact(String),
}

/// One potential row of the file and what a correct import makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessyRow {
    /// The spreadsheet row number (1-based, as import messages count).
    pub row: u32,
    /// The "Nr." cell (the external id).
    pub nr: u32,
    /// The title as written.
    pub title: String,
    /// The unit's path in the tenant after the import, from the top.
    pub unit_path: Vec<String>,
    /// The status the row means.
    pub status: Status,
    /// The status word as written.
    pub status_written: String,
    /// The "Begrundelse" cell, if any.
    pub reason: Option<String>,
    /// The fagområde (existing name) the row must get, if any.
    pub fagomraade: Option<String>,
    /// The technology (existing or new name) the row must get, if any.
    pub technology: Option<String>,
    /// The "Ansvarlig" cell.
    pub owner: Option<Owner>,
    /// The yearly gain in whole kr., when the row has one.
    pub gain: Option<i64>,
    /// Whether the row has figures for a rough business case.
    pub has_figures: bool,
    /// The CPR number in the description, as written.
    pub cpr: Option<String>,
    /// For the re-numbered duplicate: the row it repeats.
    pub duplicate_of: Option<u32>,
}

impl MessyRow {
    /// Afvist or parkeret without a reason in the file: blocked unless a default reason
    /// is given.
    pub fn needs_reason(&self) -> bool {
        self.status.needs_reason() && self.reason.is_none()
    }
}

/// What a correct import of the workbook into the demo tenant gives.
#[derive(Debug, Clone)]
pub struct MessyExpected {
    /// The visible sheet with the potentials.
    pub sheet: &'static str,
    /// Every potential row, in file order, the duplicate included.
    pub rows: Vec<MessyRow>,
    /// The spreadsheet row of the totals row ("I alt").
    pub total_row: u32,
    /// How many blank rows lie between the header and the totals row.
    pub blank_rows: usize,
    /// Titles on the hidden sheet: none of them may be imported.
    pub hidden_titles: Vec<String>,
    /// Unit paths the import creates, parents first.
    pub new_units: Vec<Vec<String>>,
    /// Technology types the import creates.
    pub new_technologies: Vec<String>,
    /// Values that resemble existing ones (each used by at least one row).
    pub near_copies: Vec<NearCopy>,
    /// The CPR numbers in the file, as written.
    pub cpr_numbers: Vec<String>,
}

impl MessyExpected {
    /// The re-numbered duplicate.
    pub fn duplicate(&self) -> &MessyRow {
        self.rows
            .iter()
            .find(|r| r.duplicate_of.is_some())
            .expect("the workbook has a duplicate")
    }

    /// The rows that are potentials of their own (all but the duplicate).
    pub fn potentials(&self) -> impl Iterator<Item = &MessyRow> {
        self.rows.iter().filter(|r| r.duplicate_of.is_none())
    }

    /// The spreadsheet rows an import blocks (reports as errors): the totals row, the
    /// rows with a CPR number unless they are masked, and afvist/parkeret rows without a
    /// reason unless a default reason is given.
    pub fn blocked_rows(&self, default_reason: bool, mask_cpr: bool) -> BTreeSet<u32> {
        let mut out: BTreeSet<u32> = self
            .potentials()
            .filter(|r| (r.cpr.is_some() && !mask_cpr) || (r.needs_reason() && !default_reason))
            .map(|r| r.row)
            .collect();
        out.insert(self.total_row);
        out
    }

    /// The rows a commit of the valid rows creates as potentials.
    pub fn imported(&self, default_reason: bool, mask_cpr: bool) -> Vec<&MessyRow> {
        let blocked = self.blocked_rows(default_reason, mask_cpr);
        self.potentials()
            .filter(|r| !blocked.contains(&r.row))
            .collect()
    }
}

/// A generated workbook and its expected outcome.
#[derive(Debug, Clone)]
pub struct MessyWorkbook {
    /// The .xlsx file.
    pub bytes: Vec<u8>,
    /// What a correct import gives.
    pub expected: MessyExpected,
}

/// A small, fixed pseudo-random sequence (SplitMix64), so a seed always gives the same
/// workbook on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Generates the workbook: `rows` potential rows (at least [`MIN_ROWS`]; one of them is
/// the re-numbered duplicate), the same for the same seed.
pub fn messy_workbook(seed: u64, rows: usize) -> MessyWorkbook {
    let plan = plan(seed, rows.max(MIN_ROWS));
    let bytes = write(&plan).expect("the messy workbook can be written");
    MessyWorkbook {
        bytes,
        expected: plan.expected,
    }
}

/// A money cell as it is written.
#[derive(Debug, Clone)]
enum Money {
    Number(f64),
    Text(String),
}

/// A data row as written, beside its expectation.
struct Written {
    nr: u32,
    title: String,
    description: String,
    forvaltning: &'static str,
    enhed: &'static str,
    fagomraade: &'static str,
    technology: &'static str,
    status: &'static str,
    reason: Option<&'static str>,
    owner: &'static str,
    gain: Option<Money>,
    hours: Option<f64>,
    investment: Option<Money>,
    running: Option<Money>,
    start_year: Option<Money>,
    notes: &'static str,
}

struct Plan {
    /// Data rows in sheet order; `None` is a blank row.
    lines: Vec<Option<Written>>,
    expected: MessyExpected,
}

fn titles(rng: &mut Rng, n: usize) -> Vec<String> {
    let combos = OBJECTS.len() * ACTIONS.len();
    let mut order: Vec<usize> = (0..combos).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    (0..n)
        .map(|i| {
            let k = order[i % combos];
            let base = format!(
                "{}: {}",
                OBJECTS[k / ACTIONS.len()],
                ACTIONS[k % ACTIONS.len()]
            );
            match i / combos {
                0 => base,
                round => format!("{base} (fase {})", round + 1),
            }
        })
        .collect()
}

fn status_of(rng: &mut Rng, i: usize) -> &'static (&'static str, Status, u32) {
    // The first rows name every status word once.
    if let Some(s) = STATUSES.get(i) {
        return s;
    }
    let total: u32 = STATUSES.iter().map(|s| s.2).sum();
    let mut x = (rng.next() % u64::from(total)) as u32;
    for s in STATUSES {
        if x < s.2 {
            return s;
        }
        x -= s.2;
    }
    &STATUSES[0]
}

/// A yearly gain in kr. and how the file writes it.
fn gain(rng: &mut Rng) -> (i64, Money) {
    match rng.below(6) {
        0 => {
            let v = (rng.below(40) as i64 + 1) * 25_000;
            (v, Money::Number(v as f64))
        }
        1 => {
            let v = rng.below(3_000_000) as i64 + 10_000;
            (v, Money::Text(format!("{} kr.", thousands(v))))
        }
        2 => {
            // "1,2 mio.": tenths of a million.
            let tenths = rng.below(30) as i64 + 5;
            let text = format!("{},{} mio.", tenths / 10, tenths % 10);
            (tenths * 100_000, Money::Text(text))
        }
        3 => {
            let t = (rng.below(90) as i64 + 1) * 10;
            (t * 1000, Money::Text(format!("{t} t.kr.")))
        }
        4 => {
            let v = (rng.below(200) as i64 + 1) * 5_000;
            (v, Money::Text(format!("kr. {}", thousands(v))))
        }
        _ => {
            let v = (rng.below(100) as i64 + 1) * 7_500;
            (v, Money::Text(v.to_string()))
        }
    }
}

/// 1234567 → "1.234.567".
fn thousands(v: i64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn owner(rng: &mut Rng, i: usize) -> (&'static str, Option<Owner>) {
    // Early rows show each kind once; later ones mix them, a third left empty.
    let pick = if i < 4 { i } else { rng.below(6) };
    match pick {
        0 | 3 => {
            let (written, name) = rng.pick(OWNERS_MATCHING);
            (written, Some(Owner::User((*name).to_owned())))
        }
        1 | 4 => {
            let name = rng.pick(OWNERS_UNKNOWN);
            (name, Some(Owner::Contact((*name).to_owned())))
        }
        _ => ("", None),
    }
}

fn plan(seed: u64, n: usize) -> Plan {
    let mut rng = Rng(seed ^ 0x0067_6576_696E_7374);
    // n - 1 potentials of their own; the duplicate comes on top.
    let own = n - 1;
    let titles = titles(&mut rng, own);
    let cpr_at = [own / 3, (2 * own) / 3];
    let cprs = ["010385-1234", "2412671007"];
    let mut rows: Vec<(Written, MessyRow)> = Vec::with_capacity(n);
    for (i, title) in titles.into_iter().enumerate() {
        let unit = if i < UNITS.len() {
            &UNITS[i]
        } else {
            rng.pick(UNITS)
        };
        let (status_written, status, _) = *status_of(&mut rng, i);
        let cpr = cpr_at.iter().position(|&k| k == i).map(|k| cprs[k]);
        // A CPR row is an idea someone wrote down from a case.
        let (status_written, status) = if cpr.is_some() {
            ("Idé", Status::Ide)
        } else {
            (status_written, status)
        };
        let (fag_written, fag) = if rng.chance(85) || i < UNITS.len() {
            *rng.pick(unit.fagomraader)
        } else {
            ("", "")
        };
        let (tech_written, tech) = if i < TECHNOLOGIES.len() {
            TECHNOLOGIES[i]
        } else {
            *rng.pick(TECHNOLOGIES)
        };
        // Reasons: the first afvist and parkeret rows have none, the next have one.
        let reason = if status.needs_reason() {
            let earlier = rows.iter().filter(|(_, e)| e.status == status).count();
            match earlier {
                0 => None,
                1 => Some(*rng.pick(REASONS)),
                _ if rng.chance(50) => Some(*rng.pick(REASONS)),
                _ => None,
            }
        } else {
            None
        };
        let (owner_written, owner) = owner(&mut rng, i);
        let figures = match status {
            Status::BusinessCase => rng.chance(60),
            s => gevinst_domain::lifecycle::is_decided(s),
        };
        let (gain_kr, gain_cell, hours) = if !figures {
            (None, None, None)
        } else if rng.chance(15) {
            (None, None, Some((rng.below(3000) + 100) as f64))
        } else {
            let (v, cell) = gain(&mut rng);
            (Some(v), Some(cell), None)
        };
        let investment = (figures && rng.chance(50)).then(|| gain(&mut rng).1);
        let running = (figures && rng.chance(30)).then(|| {
            let v = rng.below(90) as i64 * 1000 + 5000;
            Money::Text(format!("{} kr.", thousands(v)))
        });
        let start_year = figures.then(|| {
            let y = 2024 + rng.below(4);
            if rng.chance(50) {
                Money::Number(y as f64)
            } else {
                Money::Text(y.to_string())
            }
        });
        let description = match cpr {
            Some(c) => format!(
                "Idéen kom fra en sag om borger {c}, hvor svaret tog for lang tid. {} skal gå hurtigere.",
                title.split(':').next().unwrap_or("Sagen")
            ),
            None => format!(
                "{} i {}: mindre manuelt arbejde og hurtigere svar til borgerne.",
                title,
                if unit.enhed.is_empty() {
                    unit.forvaltning.trim()
                } else {
                    unit.enhed
                }
            ),
        };
        let nr = (i as u32 + 1) * 2 - u32::from(i % 7 == 3);
        let notes = if rng.chance(10) {
            "Drøftet på MED-mødet"
        } else {
            ""
        };
        let expected = MessyRow {
            row: 0,
            nr,
            title: title.clone(),
            unit_path: unit.path.iter().map(|s| (*s).to_owned()).collect(),
            status,
            status_written: status_written.to_owned(),
            reason: reason.map(str::to_owned),
            fagomraade: (!fag.is_empty()).then(|| fag.to_owned()),
            technology: (!tech.is_empty()).then(|| tech.to_owned()),
            owner,
            gain: gain_kr,
            has_figures: figures,
            cpr: cpr.map(str::to_owned),
            duplicate_of: None,
        };
        let written = Written {
            nr,
            title,
            description,
            forvaltning: unit.forvaltning,
            enhed: unit.enhed,
            fagomraade: fag_written,
            technology: tech_written,
            status: status_written,
            reason,
            owner: owner_written,
            gain: gain_cell,
            hours,
            investment,
            running,
            start_year,
            notes,
        };
        rows.push((written, expected));
    }
    add_duplicate(&mut rows, own);
    lay_out(&mut rng, rows)
}

/// Repeats a decided row with figures under a new number, its title in another case and
/// spacing, about three quarters down the file.
fn add_duplicate(rows: &mut Vec<(Written, MessyRow)>, own: usize) {
    let original = (own / 4..own)
        .chain(0..own / 4)
        .find(|&i| rows[i].1.has_figures && rows[i].1.gain.is_some())
        .expect("some row has figures");
    let nr = rows.iter().map(|(w, _)| w.nr).max().unwrap_or(0) + 1;
    let (w, e) = &rows[original];
    let mut title = w.title.to_lowercase();
    title = title.replacen(": ", ":  ", 1);
    let copy = Written {
        nr,
        title: title.clone(),
        description: w.description.clone(),
        forvaltning: w.forvaltning,
        enhed: w.enhed,
        fagomraade: w.fagomraade,
        technology: w.technology,
        status: w.status,
        reason: w.reason,
        owner: w.owner,
        gain: w.gain.clone(),
        hours: w.hours,
        investment: w.investment.clone(),
        running: w.running.clone(),
        start_year: w.start_year.clone(),
        notes: "",
    };
    let mut expected = e.clone();
    expected.nr = nr;
    expected.title = title;
    // The row number of the original is set when the rows are laid out.
    expected.duplicate_of = Some(original as u32);
    let at = (own * 3 / 4).max(original + 1);
    rows.insert(at, (copy, expected));
}

/// Places the rows on the sheet with stray blank rows, numbers them and collects the
/// expectation.
fn lay_out(rng: &mut Rng, rows: Vec<(Written, MessyRow)>) -> Plan {
    let mut lines = Vec::new();
    let mut expected_rows = Vec::new();
    let mut blank_rows = 0;
    // Spreadsheet row numbers (1-based) of the rows of `rows`, by their index there.
    let mut row_of_index = Vec::new();
    for (w, mut e) in rows {
        if rng.chance(3) {
            lines.push(None);
            blank_rows += 1;
        }
        lines.push(Some(w));
        e.row = HEADER_ROW + 1 + lines.len() as u32;
        row_of_index.push(e.row);
        expected_rows.push(e);
    }
    // The original's index was counted without the duplicate, which sits after it.
    for e in &mut expected_rows {
        if let Some(i) = e.duplicate_of {
            e.duplicate_of = Some(row_of_index[i as usize]);
        }
    }
    lines.push(None);
    blank_rows += 1;
    let total_row = HEADER_ROW + 2 + lines.len() as u32;
    let mut near_copies = vec![
        near(
            CatalogueKind::Unit,
            "Sygeplejen",
            "Sygepleje og Rehabilitering",
        ),
        near(CatalogueKind::Unit, "Skoleafdelingen", "Skoler"),
        near(
            CatalogueKind::Fagomraade,
            "Administration",
            "Administration/tværgående",
        ),
        near(
            CatalogueKind::Fagomraade,
            "Tværgående",
            "Administration/tværgående",
        ),
    ];
    for (w, e) in TECHNOLOGIES.iter().take(3) {
        near_copies.push(near(CatalogueKind::Technology, w, e));
    }
    let cpr_numbers = expected_rows.iter().filter_map(|r| r.cpr.clone()).collect();
    Plan {
        lines,
        expected: MessyExpected {
            sheet: MESSY_SHEET,
            rows: expected_rows,
            total_row,
            blank_rows,
            hidden_titles: HIDDEN_ROWS.iter().map(|r| r[0].to_owned()).collect(),
            new_units: NEW_UNITS
                .iter()
                .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
                .collect(),
            new_technologies: vec![NEW_TECHNOLOGY.to_owned()],
            near_copies,
            cpr_numbers,
        },
    }
}

fn near(kind: CatalogueKind, written: &str, existing: &str) -> NearCopy {
    NearCopy {
        kind,
        written: written.to_owned(),
        existing: existing.to_owned(),
    }
}

/// An old list on a hidden sheet (the first sheet of the workbook): it must not be read.
const HIDDEN_ROWS: &[[&str; 3]] = &[
    ["Gammel idé: scanning af papirpost", "Borgerservice", "Idé"],
    [
        "Gammel idé: faxløsning til lægerne",
        "Hjemmeplejen",
        "Afvist",
    ],
    ["Gammel idé: regneark til vagtplan", "Skoler", "Idé"],
];

fn write(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let hidden = wb.add_worksheet();
    hidden.set_name("Arkiv 2022")?;
    for (c, h) in ["Titel", "Enhed", "Status"].iter().enumerate() {
        hidden.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in HIDDEN_ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            hidden.write_string(r as u32 + 1, c as u16, *v)?;
        }
    }
    hidden.set_hidden(true);

    let kr = Format::new().set_num_format("#,##0 \"kr.\"");
    let title = Format::new().set_bold().set_font_size(14);
    let ws = wb.add_worksheet();
    ws.set_name(MESSY_SHEET)?;
    ws.set_active(true);
    let last_col = MESSY_HEADER.len() as u16 - 1;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        "Digitaliseringspotentialer 2024–2027, Eksempel Kommune",
        &title,
    )?;
    ws.write_string(1, 0, "Opdateret 1. marts 2024 af Digitaliseringsenheden")?;
    for (c, h) in MESSY_HEADER.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &bold)?;
    }
    let mut r = HEADER_ROW + 1;
    let mut gain_sum = 0.0;
    for line in &plan.lines {
        if let Some(w) = line {
            write_row(ws, r, w, &kr)?;
            if let Some(Money::Number(v)) = &w.gain {
                gain_sum += v;
            }
        }
        r += 1;
    }
    ws.write_string_with_format(r, COL_TITLE, "I alt", &bold)?;
    let col = column_name(COL_GAIN);
    ws.write_formula_with_format(
        r,
        COL_GAIN,
        Formula::new(format!("=SUM({col}{}:{col}{r})", HEADER_ROW + 2))
            .set_result(gain_sum.to_string()),
        &kr,
    )?;
    wb.save_to_buffer()
}

fn column_name(col: u16) -> char {
    (b'A' + col as u8) as char
}

fn write_money(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    m: &Option<Money>,
    kr: &Format,
) -> Result<(), XlsxError> {
    match m {
        Some(Money::Number(v)) => {
            ws.write_number_with_format(r, c, *v, kr)?;
        }
        Some(Money::Text(t)) => {
            ws.write_string(r, c, t)?;
        }
        None => {}
    }
    Ok(())
}

fn write_row(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    w: &Written,
    kr: &Format,
) -> Result<(), XlsxError> {
    ws.write_number(r, COL_NR, f64::from(w.nr))?;
    ws.write_string(r, COL_TITLE, &w.title)?;
    ws.write_string(r, COL_DESCRIPTION, &w.description)?;
    let texts = [
        (COL_FORVALTNING, w.forvaltning),
        (COL_ENHED, w.enhed),
        (COL_FAGOMRAADE, w.fagomraade),
        (COL_TECHNOLOGY, w.technology),
        (COL_STATUS, w.status),
        (COL_REASON, w.reason.unwrap_or("")),
        (COL_OWNER, w.owner),
        (COL_NOTES, w.notes),
    ];
    for (c, t) in texts {
        if !t.is_empty() {
            ws.write_string(r, c, t)?;
        }
    }
    write_money(ws, r, COL_GAIN, &w.gain, kr)?;
    if let Some(h) = w.hours {
        ws.write_number(r, COL_HOURS, h)?;
    }
    write_money(ws, r, COL_INVESTMENT, &w.investment, kr)?;
    write_money(ws, r, COL_RUNNING, &w.running, kr)?;
    match &w.start_year {
        Some(Money::Number(y)) => {
            ws.write_number(r, COL_START_YEAR, *y)?;
        }
        Some(Money::Text(t)) => {
            ws.write_string(r, COL_START_YEAR, t)?;
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
