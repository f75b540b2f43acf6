//! The programme export: a programme's overview, breakdowns, largest gaps, benefit plans,
//! actuals and (when computed) forecast as a typed .xlsx workbook, and a single
//! potential's benefit plan with its actuals.
//!
//! # Workbook layout
//!
//! Every table has its header in row 1 (frozen, with an autofilter). Numbers are number
//! cells (kr. with the kr. number format, årsværk and hours with two decimals), dates are
//! date cells, and an empty cell means "none".
//!
//! - **Oversigt**: one row per programme year: År, Mål (kr.), Planlagt, Besluttet,
//!   Realiseret, Hjemtaget, Ikke hjemtaget, Afvigelse (mål − realiseret), Afvigelse
//!   (mål − besluttet), all kr.; then the same in årsværk (without the harvest). The
//!   target columns show the programme's *first* target of each kind (the usual
//!   programme has one kr. target and at most one årsværk target); further targets are
//!   listed on their own rows in **Mål** below.
//! - **Mål**: one row per target and year: Mål nr., Enhed, Frist, År, Mål, Afvigelse
//!   (realiseret), Afvigelse (besluttet).
//! - **Enheder**, **Fagområder**, **Teknologier**: one row per unit/fagområde/technology
//!   and year with planned, decided, realised and harvested kr. and planned, decided and
//!   realised årsværk.
//! - **Største afvigelser**: the overview's largest gaps with the notes recorded on the
//!   potential's actuals of that year as the explanation.
//! - **Gevinstplaner**: one row per benefit line × year of each plan: Potentiale,
//!   Gevinst, Art, Hjemtagbar, Ejer, KPI, Målemetode, Baseline, Baseline-note, År, Mål
//!   (mængde), Enhed, Mål (kr., rounded to øre).
//! - **Målinger**: one row per actual: Potentiale, Gevinst, Periode, Timer, Kr., Årsværk,
//!   Usynligt arbejde (timer), Hjemtaget (kr.), Budgetreference, Dato (date cell), Note,
//!   Godkendelse (*Afventer godkendelse*, *Godkendt*, *Afvist*, or empty for an ordinary
//!   actual; only ordinary and approved actuals count in the figures).
//! - **Prognose** (only with a forecast): per year P10, P50, P90 and mean of the kr. gain
//!   and of årsværk; below it, after an empty row, the probability of each target as
//!   text in the one wording of `danish::format_chance` ("92 %", "over 99 %").
//! - **Ordliste**: every word the figures use with its one definition
//!   ([`gevinst_domain::glossary`]).

use super::portfolio::decimal_to_f64;
use super::{header_row, row_index, Formats};
use chrono::{Datelike, NaiveDate};
use gevinst_domain::programme::{
    Actual, BenefitPlan, BreakdownKey, Forecast, Programme, ProgrammeOverview, TargetKind,
};
use gevinst_domain::{FagomraadeId, PotentialId, TechnologyId, UnitId, UserId};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;

/// Names for the ids the workbook shows.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Unit names.
    pub units: BTreeMap<UnitId, String>,
    /// Fagområde names.
    pub fagomraader: BTreeMap<FagomraadeId, String>,
    /// Technology type names.
    pub technologies: BTreeMap<TechnologyId, String>,
    /// User names (benefit owners).
    pub users: BTreeMap<UserId, String>,
}

impl Names {
    fn key(&self, key: BreakdownKey) -> String {
        let none = || "(ingen)".to_owned();
        match key {
            BreakdownKey::Unit(id) => self.units.get(&id).cloned().unwrap_or_else(none),
            BreakdownKey::Fagomraade(id) => id
                .and_then(|id| self.fagomraader.get(&id).cloned())
                .unwrap_or_else(none),
            BreakdownKey::Technology(id) => id
                .and_then(|id| self.technologies.get(&id).cloned())
                .unwrap_or_else(none),
        }
    }
}

/// One potential's benefit plan (if it has one) and its actuals.
#[derive(Debug, Clone)]
pub struct PotentialPlan {
    /// The potential.
    pub potential: PotentialId,
    /// Its title.
    pub title: String,
    /// Its plan, or `None` when it has none yet.
    pub plan: Option<BenefitPlan>,
    /// Its actuals, oldest first.
    pub actuals: Vec<Actual>,
}

impl PotentialPlan {
    fn benefit_label(&self, line: usize) -> String {
        self.plan
            .as_ref()
            .and_then(|p| p.benefits.iter().find(|b| b.line == line))
            .map(|b| b.label.clone())
            .unwrap_or_else(|| format!("Linje {}", line + 1))
    }
}

/// Writes one row cell by cell.
struct Row<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    col: u16,
}

impl<'a> Row<'a> {
    fn new(sheet: &'a mut Worksheet, row: u32) -> Self {
        Row { sheet, row, col: 0 }
    }
    fn text(&mut self, s: &str, f: &Format) -> Result<&mut Self, XlsxError> {
        if !s.is_empty() {
            self.sheet
                .write_string_with_format(self.row, self.col, s, f)?;
        }
        self.col += 1;
        Ok(self)
    }
    /// A number cell; a value that is not finite (never expected) leaves the cell empty
    /// rather than writing something Excel cannot open.
    fn number(&mut self, x: f64, f: &Format) -> Result<&mut Self, XlsxError> {
        if x.is_finite() {
            self.sheet
                .write_number_with_format(self.row, self.col, x, f)?;
        }
        self.col += 1;
        Ok(self)
    }
    fn decimal(&mut self, d: Decimal, f: &Format) -> Result<&mut Self, XlsxError> {
        self.number(decimal_to_f64(d), f)
    }
    fn opt_decimal(&mut self, d: Option<Decimal>, f: &Format) -> Result<&mut Self, XlsxError> {
        match d {
            Some(d) => self.decimal(d, f),
            None => {
                self.col += 1;
                Ok(self)
            }
        }
    }
    fn date(&mut self, d: Option<NaiveDate>, f: &Format) -> Result<&mut Self, XlsxError> {
        if let Some(d) = d {
            let month = u8::try_from(d.month()).unwrap_or(1);
            let day = u8::try_from(d.day()).unwrap_or(1);
            let year = u16::try_from(d.year())
                .map_err(|_| XlsxError::ParameterError("year out of range".into()))?;
            let dt = ExcelDateTime::from_ymd(year, month, day)?;
            self.sheet
                .write_datetime_with_format(self.row, self.col, &dt, f)?;
        }
        self.col += 1;
        Ok(self)
    }
}

/// The cell format of a target's amounts: kr. or årsværk.
fn target_format(kind: TargetKind, f: &Formats) -> &Format {
    match kind {
        TargetKind::KrPerYear => &f.kr,
        TargetKind::Aarsvaerk => &f.decimal,
    }
}

fn kind_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::KrPerYear => "kr. pr. år",
        TargetKind::Aarsvaerk => "årsværk",
    }
}

mod sheets;

pub use sheets::explanations;
use sheets::{
    write_actuals, write_breakdown, write_forecast, write_gaps, write_glossary, write_overview,
    write_plans, write_targets,
};

/// The programme workbook (see the module docs for its sheets). `plans` are the included
/// potentials' plans and actuals; the Prognose sheet is added only with a `forecast`.
pub fn programme_workbook(
    programme: &Programme,
    overview: &ProgrammeOverview,
    plans: &[PotentialPlan],
    names: &Names,
    forecast: Option<&Forecast>,
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::default();
    let mut wb = Workbook::new();
    write_overview(wb.add_worksheet(), &f, programme, overview)?;
    write_targets(wb.add_worksheet(), &f, programme, overview)?;
    write_breakdown(
        wb.add_worksheet(),
        &f,
        "Enheder",
        "Enhed",
        &overview.by_unit,
        names,
    )?;
    write_breakdown(
        wb.add_worksheet(),
        &f,
        "Fagområder",
        "Fagområde",
        &overview.by_fagomraade,
        names,
    )?;
    write_breakdown(
        wb.add_worksheet(),
        &f,
        "Teknologier",
        "Teknologi",
        &overview.by_technology,
        names,
    )?;
    write_gaps(wb.add_worksheet(), &f, overview, plans)?;
    write_plans(wb.add_worksheet(), &f, plans, names)?;
    write_actuals(wb.add_worksheet(), &f, plans)?;
    write_glossary(wb.add_worksheet(), &f)?;
    if let Some(fc) = forecast {
        write_forecast(wb.add_worksheet(), &f, fc)?;
    }
    wb.save_to_buffer()
}

/// One potential's benefit plan and actuals: the sheets Gevinstplaner and Målinger.
pub fn plan_workbook(plan: &PotentialPlan, names: &Names) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::default();
    let mut wb = Workbook::new();
    let plans = std::slice::from_ref(plan);
    write_plans(wb.add_worksheet(), &f, plans, names)?;
    write_actuals(wb.add_worksheet(), &f, plans)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use gevinst_domain::business_case::{BusinessCase, Economics};
    use gevinst_domain::programme::{
        derive_plan, overview, ActualDraft, MeasurementFrequency, Period, ProgrammeDraft,
        ProgrammePotential, TargetDraft,
    };
    use gevinst_domain::{Status, Unit, UnitTree};
    use rust_decimal_macros::dec;
    use std::io::Cursor;

    fn case() -> BusinessCase {
        let draft: gevinst_domain::business_case::BusinessCaseDraft =
            serde_json::from_value(serde_json::json!({
                "start_year": 2025,
                "horizon": 3,
                "discount_rate": 0,
                "lines": [
                    {"kind": "investering", "label": "Robot", "amounts": [100000, 0, 0],
                     "low": 0.9, "high": 1.3},
                    {"kind": "direkte_besparelse", "label": "Porto", "amounts": [0, 60000, 60000],
                     "low": 0.7, "high": 1.1, "hjemtagbar": true},
                ],
                "risks": [],
            }))
            .expect("draft");
        draft.validate(&Economics::default()).expect("valid case")
    }

    struct World {
        programme: Programme,
        overview: ProgrammeOverview,
        plans: Vec<PotentialPlan>,
        names: Names,
    }

    fn world() -> World {
        let pid = PotentialId(7);
        let unit = UnitId(3);
        let owner = UserId(9);
        let econ = Economics::default();
        let case = case();
        let mut plan = derive_plan(pid, &case, &econ, MeasurementFrequency::Yearly);
        plan.benefits[0].owner = Some(owner);
        plan.benefits[0].measurement_method = "Faktura".into();
        let actual = ActualDraft {
            line: Some(1),
            period: Some(Period::of_year(2026).unwrap()),
            kr: Some(dec!(40000)),
            harvested: Some(dec!(25000)),
            budget_reference: "Budget 2026, ramme 3".into(),
            harvested_on: NaiveDate::from_ymd_opt(2026, 3, 15),
            note: "Forsinket udrulning".into(),
            ..Default::default()
        }
        .validate(&plan)
        .expect("valid actual");
        let programme = ProgrammeDraft {
            name: "Digitalisering".into(),
            first_year: Some(2025),
            last_year: Some(2027),
            targets: vec![TargetDraft {
                kind: Some(TargetKind::KrPerYear),
                amount: Some(dec!(100000)),
                deadline_year: Some(2027),
                milestones: vec![],
            }],
            potentials: vec![pid],
            distribution_keys: vec![],
        }
        .validate()
        .expect("valid programme");
        let potentials = vec![ProgrammePotential {
            id: pid,
            title: "Robot".into(),
            status: Status::Besluttet,
            unit_id: unit,
            fagomraade_id: None,
            technology_id: None,
            case: Some(case),
            actuals: vec![actual.clone()],
        }];
        let tree = UnitTree::new(vec![Unit {
            id: unit,
            parent_id: None,
            name: "Borgerservice".into(),
            active: true,
        }]);
        let overview = overview(&programme, &potentials, &econ, &tree);
        let mut names = Names::default();
        names.units.insert(unit, "Borgerservice".into());
        names.users.insert(owner, "Lene Leder".into());
        World {
            programme,
            overview,
            plans: vec![PotentialPlan {
                potential: pid,
                title: "Robot".into(),
                plan: Some(plan),
                actuals: vec![actual],
            }],
            names,
        }
    }

    fn read(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("workbook opens")
    }

    fn cell(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, row: u32, col: u32) -> Data {
        let range = wb.worksheet_range(sheet).expect("sheet");
        range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    #[test]
    fn programme_workbook_has_typed_cells() {
        let w = world();
        let bytes = programme_workbook(&w.programme, &w.overview, &w.plans, &w.names, None)
            .expect("workbook");
        let mut wb = read(&bytes);
        assert_eq!(
            wb.sheet_names(),
            vec![
                "Oversigt",
                "Mål",
                "Enheder",
                "Fagområder",
                "Teknologier",
                "Største afvigelser",
                "Gevinstplaner",
                "Målinger",
                "Ordliste"
            ]
        );
        // Oversigt: header, then 2025, 2026, 2027.
        assert_eq!(
            cell(&mut wb, "Oversigt", 0, 1),
            Data::String("Mål (kr.)".into())
        );
        assert_eq!(cell(&mut wb, "Oversigt", 1, 0), Data::Float(2025.0));
        // 2025: no target yet.
        assert_eq!(cell(&mut wb, "Oversigt", 1, 1), Data::Empty);
        // 2026: planned = decided = 60,000 kr.; realised 40,000, harvested 25,000.
        assert_eq!(cell(&mut wb, "Oversigt", 2, 2), Data::Float(60000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 2, 3), Data::Float(60000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 2, 4), Data::Float(40000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 2, 5), Data::Float(25000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 2, 6), Data::Float(15000.0));
        // 2027: target 100,000, nothing realised: gap 100,000; decided gap 40,000.
        assert_eq!(cell(&mut wb, "Oversigt", 3, 1), Data::Float(100000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 3, 7), Data::Float(100000.0));
        assert_eq!(cell(&mut wb, "Oversigt", 3, 8), Data::Float(40000.0));
        // Enheder names the unit.
        assert_eq!(
            cell(&mut wb, "Enheder", 2, 0),
            Data::String("Borgerservice".into())
        );
        assert_eq!(cell(&mut wb, "Enheder", 2, 4), Data::Float(40000.0));
        // The largest gap: 2026, 60,000 − 40,000, explained by the note.
        assert_eq!(
            cell(&mut wb, "Største afvigelser", 1, 1),
            Data::Float(2026.0)
        );
        assert_eq!(
            cell(&mut wb, "Største afvigelser", 1, 4),
            Data::Float(20000.0)
        );
        assert_eq!(
            cell(&mut wb, "Største afvigelser", 1, 5),
            Data::String("Forsinket udrulning".into())
        );
        // Gevinstplaner: one benefit × 3 years.
        let plans = wb.worksheet_range("Gevinstplaner").expect("sheet");
        assert_eq!(plans.height(), 4);
        assert_eq!(
            cell(&mut wb, "Gevinstplaner", 2, 4),
            Data::String("Lene Leder".into())
        );
        assert_eq!(cell(&mut wb, "Gevinstplaner", 2, 9), Data::Float(2026.0));
        assert_eq!(cell(&mut wb, "Gevinstplaner", 2, 12), Data::Float(60000.0));
        // Målinger: the date is a real date cell.
        assert_eq!(cell(&mut wb, "Målinger", 1, 2), Data::String("2026".into()));
        assert_eq!(cell(&mut wb, "Målinger", 1, 4), Data::Float(40000.0));
        assert_eq!(cell(&mut wb, "Målinger", 1, 7), Data::Float(25000.0));
        match cell(&mut wb, "Målinger", 1, 9) {
            // 15 March 2026 is day 46,096 of Excel's 1900 date system.
            Data::DateTime(d) => assert!(d.is_datetime() && d.as_f64() == 46096.0),
            other => panic!("expected a date cell, got {other:?}"),
        }
    }

    #[test]
    fn forecast_sheet_only_with_a_forecast() {
        use gevinst_domain::business_case::Distribution;
        use gevinst_domain::programme::{ForecastYear, TargetProbability};
        let w = world();
        let dist = |p10: f64, p50: f64, p90: f64| Distribution {
            mean: p50,
            p10,
            p50,
            p90,
            min: p10,
            max: p90,
            histogram: vec![],
        };
        let fc = Forecast {
            iterations: 100,
            seed: 0,
            actuals_before_year: 2026,
            years: vec![ForecastYear {
                year: 2027,
                gain_kr: dist(40000.4, 60000.0, 80000.6),
                fte: dist(0.1, 0.2, 0.3),
            }],
            targets: vec![TargetProbability {
                target: 0,
                kind: TargetKind::KrPerYear,
                amount: dec!(100000),
                deadline_year: 2027,
                probability: 0.25,
                milestones: vec![],
            }],
        };
        let bytes = programme_workbook(&w.programme, &w.overview, &w.plans, &w.names, Some(&fc))
            .expect("workbook");
        let mut wb = read(&bytes);
        assert_eq!(
            wb.sheet_names().last().map(String::as_str),
            Some("Prognose")
        );
        assert_eq!(cell(&mut wb, "Prognose", 1, 1), Data::Float(40000.0));
        assert_eq!(cell(&mut wb, "Prognose", 1, 3), Data::Float(80001.0));
        assert_eq!(
            cell(&mut wb, "Prognose", 3, 4),
            Data::String("Sandsynlighed".into())
        );
        // A chance reads as everywhere else (danish::format_chance), not as a fraction.
        assert_eq!(cell(&mut wb, "Prognose", 4, 4), Data::String("25 %".into()));
        // The glossary's Realiseret is the domain's one definition.
        let realised = gevinst_domain::glossary::REALISERET;
        let row = gevinst_domain::glossary::TERMS
            .iter()
            .position(|t| *t == realised)
            .unwrap() as u32
            + 1;
        assert_eq!(
            cell(&mut wb, "Ordliste", row, 1),
            Data::String(realised.definition.into())
        );
    }

    #[test]
    fn plan_workbook_has_plan_and_actuals() {
        let w = world();
        let bytes = plan_workbook(&w.plans[0], &w.names).expect("workbook");
        let mut wb = read(&bytes);
        assert_eq!(wb.sheet_names(), vec!["Gevinstplaner", "Målinger"]);
        assert_eq!(
            cell(&mut wb, "Gevinstplaner", 1, 1),
            Data::String("Porto".into())
        );
        assert_eq!(cell(&mut wb, "Gevinstplaner", 3, 10), Data::Float(60000.0));
        assert_eq!(
            cell(&mut wb, "Målinger", 1, 10),
            Data::String("Forsinket udrulning".into())
        );
    }

    #[test]
    fn decimals_become_numbers() {
        assert_eq!(decimal_to_f64(dec!(1234567.89)), 1234567.89);
        assert_eq!(decimal_to_f64(dec!(-0.5)), -0.5);
    }
}
