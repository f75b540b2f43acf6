//! The demo programme, its benefit plans and actuals.

use chrono::NaiveDate;
use gevinst_app::{AppError, Result};
use gevinst_domain::business_case::Economics;
use gevinst_domain::business_case::{BusinessCase, Decimal, LineKind};
use gevinst_domain::danish::format_decimal;
use gevinst_domain::programme::{
    counts_as_decided, derive_plan, Actual, ActualDraft, Benefit, BenefitPlan, DistributionKey,
    KeyBasis, MeasurementFrequency, Milestone, Period, Programme, ProgrammeDraft, Share,
    ShareOwner, TargetDraft, TargetKind,
};
use gevinst_domain::{PotentialId, Status, UnitId, UserId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

use crate::cases::{has_business_case, hundredths, kr};
use crate::organisation::{
    BESK, BOERN, CHATBOT, INTEGRATION, LEDER, PORTEFOLJELEDER, PROCES, RPA, SELVBETJENING, SENSOR,
    SOC, TALE, TEK, VELFAERD, VIDEO,
};
use crate::potentials::choose;
use crate::{DemoData, DemoPotential, DEMO_SEED};

/// Name of the demo programme.
pub const DEMO_PROGRAMME_NAME: &str = "Digitalisering og effektivisering 2024–2027";
/// First year of the demo programme.
pub const DEMO_PROGRAMME_FIRST_YEAR: i32 = 2024;
/// Last year of the demo programme.
pub const DEMO_PROGRAMME_LAST_YEAR: i32 = 2027;
/// The kr. target: net gain a year by 2027.
pub const DEMO_TARGET_KR: i64 = 20_000_000;
/// The årsværk target by 2027.
pub const DEMO_TARGET_FTE: i64 = 40;
/// The kr. milestones `(year, kr.)` before the deadline. Few demo potentials started in
/// 2024, so its milestone is modest.
pub const DEMO_KR_MILESTONES: [(i32, i64); 3] =
    [(2024, 1_000_000), (2025, 8_000_000), (2026, 14_000_000)];
/// The årsværk milestones `(year, årsværk)` before the deadline.
pub const DEMO_FTE_MILESTONES: [(i32, i64); 3] = [(2024, 1), (2025, 14), (2026, 28)];
/// Years with demo actuals.
pub const DEMO_ACTUAL_YEARS: [i32; 2] = [2024, 2025];

/// Each forvaltning's share of the targets, in the order of the organisation's top-level
/// units: `(share of the kr. target in %, share of the årsværk target in årsværk)`, by the
/// forvaltningernes size. The percentages add to 100 and the årsværk to 40.
const FORVALTNING_SHARES: [(i64, i64); 5] = [(35, 14), (25, 10), (10, 4), (20, 8), (10, 4)];

/// A benefit plan of the demo programme with its recorded actuals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPlan {
    /// The potential (as stored).
    pub potential: PotentialId,
    /// The plan, derived from the potential's business case.
    pub plan: BenefitPlan,
    /// Actuals, in the order they are recorded.
    pub actuals: Vec<Actual>,
}

/// The demo programme, its plans and actuals, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProgramme {
    /// The validated programme.
    pub programme: Programme,
    /// One plan per potential that is besluttet or later.
    pub plans: Vec<DemoPlan>,
}

/// How a potential did against its plan in the demo's actuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ahead,
    OnPlan,
    Behind,
    FarBehind,
}

/// Whether a potential in `status` is included in the demo programme: every potential from
/// "business case" onwards, about a third of the assessed ones and a few ideas. Decided by
/// `roll` (0–99) so that the choice is deterministic.
fn in_programme(status: Status, roll: u32) -> bool {
    match status {
        s if has_business_case(s) => true,
        Status::Vurderet => roll < 35,
        Status::Ide => roll < 8,
        _ => false,
    }
}

/// `(KPI, measurement method)` for a benefit line of a potential with `technology`.
fn kpi_and_method(technology: usize, kind: LineKind) -> (&'static str, &'static str) {
    match (technology, kind) {
        (RPA, _) => (
            "Antal sager behandlet af robot",
            "Robottens driftslog over gennemførte sager pr. måned ganget med den målte tid \
             pr. sag før robotten (tidsmåling på 50 sager).",
        ),
        (CHATBOT, _) => (
            "Andel henvendelser besvaret af chatbot",
            "Chatbottens statistik over afsluttede samtaler uden viderestilling, sammenholdt \
             med antal opkald i telefonsystemet samme måned.",
        ),
        (VIDEO, LineKind::DirekteBesparelse) => (
            "Kørte kilometer pr. måned",
            "Kørselsregnskab fra flådestyringen sammenlignet med samme måned året før.",
        ),
        (VIDEO, _) => (
            "Antal skærmbesøg pr. uge",
            "Udtræk fra omsorgssystemet over gennemførte skærmbesøg gange sparet kørsel og \
             besøgstid pr. besøg.",
        ),
        (VELFAERD, _) => (
            "Antal borgere, der bruger teknologien, og sparede besøg pr. uge",
            "Visitationsdata i omsorgssystemet før og efter, opgjort hver måned af \
             teamlederne.",
        ),
        (SENSOR, LineKind::DirekteBesparelse) => (
            "Forbrug af bleer og sengelinned (kr. pr. måned)",
            "Indkøbsdata fra e-handelssystemet sammenlignet med året før.",
        ),
        (SENSOR, _) => (
            "Antal natlige tilsyn pr. uge",
            "Tilsynsregistreringer i omsorgssystemet før og efter opsætning af sensorerne.",
        ),
        (TALE, _) => (
            "Tid brugt på dokumentation pr. besøg (minutter)",
            "Stikprøvevise tidsmålinger i to uger hvert kvartal.",
        ),
        (SELVBETJENING, _) => (
            "Andel ansøgninger modtaget via selvbetjening",
            "Udtræk fra selvbetjeningsløsningen og fagsystemets journal over modtagne \
             ansøgninger pr. kanal.",
        ),
        (INTEGRATION, _) => (
            "Antal manuelle dobbeltregistreringer pr. måned",
            "Stikprøve på 100 sager i fagsystemet hvert kvartal og tidsregistrering af den \
             manuelle afstemning.",
        ),
        (PROCES, _) => (
            "Gennemsnitlig sagsbehandlingstid (dage)",
            "Udtræk af sagsforløb fra ESDH-systemet, sammenlignet med målingen før \
             omlægningen.",
        ),
        (_, LineKind::DirekteBesparelse) => (
            "Udgifter til kørsel og drift (kr. pr. år)",
            "Regnskabsudtræk fra økonomisystemet på de berørte konti.",
        ),
        _ => (
            "Frigjorte timer pr. måned",
            "Tidsregistrering i de berørte teams, opgjort hvert kvartal.",
        ),
    }
}

/// The budget account in the kommunale kontoplan a gain in `fagomraade` is harvested from.
fn budget_account(fagomraade: usize) -> &'static str {
    match fagomraade {
        BESK => "6.45.51",
        SOC => "5.32.32",
        TEK => "0.25.18",
        BOERN => "5.25.10",
        _ => "6.45.50",
    }
}

/// Where a harvest of a `year`'s gain was decided: `(reference, date)`.
fn harvest_decision(year: i32, fagomraade: usize, variant: u32) -> (String, Option<NaiveDate>) {
    let (label, month, day) = match (year, variant % 2) {
        (2024, 0) => ("ØU 12-06-2024", 6, 12),
        (2024, _) => ("BR 09-10-2024", 10, 9),
        (_, 0) => ("ØU 14-03-2025", 3, 14),
        (_, _) => ("BR 08-10-2025", 10, 8),
    };
    let decided = NaiveDate::from_ymd_opt(if year == 2024 { 2024 } else { 2025 }, month, day);
    let budget = if month >= 9 { year + 1 } else { year };
    (
        format!(
            "Budget {budget}, konto {}, {label}",
            budget_account(fagomraade)
        ),
        decided,
    )
}

/// A note explaining a deviation from the plan, in Danish.
fn deviation_note(rng: &mut ChaCha8Rng, technology: usize, outcome: Outcome) -> String {
    let behind: &[&str] = match technology {
        RPA => &[
            "En opdatering af fagsystemet stoppede robotten i seks uger.",
            "Færre sager end ventet kunne behandles af robotten; resten kræver skøn.",
        ],
        CHATBOT => &["Borgerne ringer fortsat i stedet for at bruge chatbotten."],
        VIDEO => &["Færre borgere end ventet har sagt ja til skærmbesøg."],
        VELFAERD | SENSOR => &[
            "Udstyret blev leveret tre måneder for sent.",
            "Færre borgere end ventet har taget teknologien i brug.",
        ],
        INTEGRATION => &["Leverandøren af fagsystemet åbnede først snitfladen efter sommerferien."],
        _ => &["Medarbejderne er endnu ikke fuldt oplært; ibrugtagningen er forsinket."],
    };
    match outcome {
        Outcome::Ahead => choose(
            rng,
            &[
                "Bedre end planlagt: flere sager egnede sig til løsningen end ventet.",
                "Hurtigere ibrugtagning end planlagt, da alle teams tog løsningen i brug fra start.",
                "Flere borgere end ventet har valgt løsningen.",
            ],
        )
        .to_owned(),
        Outcome::OnPlan => choose(rng, &["Som planlagt.", "Stort set som planlagt."]).to_owned(),
        Outcome::Behind => choose(rng, behind).to_owned(),
        Outcome::FarBehind => choose(
            rng,
            &[
                "Forsinket pga. leverandørskifte.",
                "Forsinket pga. sygdom i projektgruppen; udrulningen er flyttet et halvt år.",
                "Forsinket pga. leverandørskifte; den nye løsning kom først i drift i efteråret.",
            ],
        )
        .to_owned(),
    }
}

/// The share of the plan realised, in %, for an outcome.
fn realisation_pct(rng: &mut ChaCha8Rng, outcome: Outcome) -> u32 {
    match outcome {
        Outcome::Ahead => rng.gen_range(106..=130),
        Outcome::OnPlan => rng.gen_range(93..=104),
        Outcome::Behind => rng.gen_range(55..=85),
        Outcome::FarBehind => rng.gen_range(15..=45),
    }
}

/// The planned invisible hours of a case in a year.
fn planned_invisible_hours(case: &BusinessCase, year: i32) -> Decimal {
    let t = year - case.start_year;
    if t < 0 {
        return Decimal::ZERO;
    }
    case.lines
        .iter()
        .filter(|l| l.kind == LineKind::UsynligtArbejde)
        .filter_map(|l| l.amounts.get(t as usize))
        .copied()
        .sum()
}

/// One benefit's realised amounts, the share `pct` % of the planned `amount` (hours,
/// årsværk or enquiries) and `value` (kr.): `(hours, kr., årsværk, realised kr. value)`.
fn realised_amounts(
    kind: LineKind,
    amount: Decimal,
    value: Decimal,
    pct: u32,
) -> (Decimal, Decimal, Decimal, Decimal) {
    let f = hundredths(pct);
    match kind {
        LineKind::FrigjorteTimer => {
            let h = (amount * f).round_dp(0);
            let v = if amount.is_zero() {
                Decimal::ZERO
            } else {
                value * h / amount
            };
            (h, Decimal::ZERO, Decimal::ZERO, v)
        }
        LineKind::FrigjorteAarsvaerk => {
            let fte = (amount * f).round_dp(2);
            let v = if amount.is_zero() {
                Decimal::ZERO
            } else {
                value * fte / amount
            };
            (Decimal::ZERO, Decimal::ZERO, fte, v)
        }
        _ => {
            let kr = (value * f).round_dp(0);
            (Decimal::ZERO, kr, Decimal::ZERO, kr)
        }
    }
}

/// Builds the demo programme, plans and actuals from the demo data and the ids the store
/// gave the units, users and potentials (in the order of `data`). Pure and deterministic.
///
/// - The programme runs 2024–2027 with the targets [`DEMO_TARGET_KR`] kr. a year and
///   [`DEMO_TARGET_FTE`] årsværk by 2027 and yearly milestones, a percentage key for the kr.
///   target and an årsværk key for the other over the five forvaltninger.
/// - Every potential that is besluttet or later gets a plan derived from its business case
///   ([`derive_plan`]), owned by the demo's leder in his units and by the porteføljeleder
///   elsewhere, with a KPI and measurement method matched to its technology. About one in
///   four is measured quarterly.
/// - Potentials that are in implementation or later get actuals for the plan's years in
///   [`DEMO_ACTUAL_YEARS`]: some ahead of plan, many on or behind it, with harvested
///   amounts (with budget reference and date) for part of the hjemtagbare gains, the rest
///   reinvested, and invisible work. One chatbot in drift needed far more bottræning than
///   planned, which ate part of its gain.
pub fn demo_programme(
    data: &DemoData,
    unit_ids: &[UnitId],
    user_ids: &[UserId],
    potential_ids: &[PotentialId],
    econ: &Economics,
) -> Result<DemoProgramme> {
    // One generator chooses the programme's potentials and plans' frequencies, another the
    // actuals, so that changing the actuals never changes what the programme includes.
    let mut choice = ChaCha8Rng::seed_from_u64(DEMO_SEED ^ 0x6E71_2024_2027);
    let mut rng = ChaCha8Rng::seed_from_u64(DEMO_SEED ^ 0xAC7A_2024_2025);
    let user = |i: usize| {
        user_ids
            .get(i)
            .copied()
            .ok_or_else(|| AppError::Internal(format!("demo user {i} is missing")))
    };
    let leder = user(LEDER)?;
    let portefoljeleder = user(PORTEFOLJELEDER)?;
    let leder_units = leder_units(data);

    let mut included = Vec::new();
    let mut plans = Vec::new();
    // The first chatbot in drift with actuals in 2025 is the one whose invisible work ran over.
    let mut overrun_chatbot_done = false;
    for (p, id) in data.potentials.iter().zip(potential_ids) {
        let roll = choice.gen_range(0..100);
        if !in_programme(p.status, roll) {
            continue;
        }
        included.push(*id);
        let Some(case) = &p.business_case else {
            continue;
        };
        if !counts_as_decided(p.status) {
            continue;
        }
        let quarterly = choice.gen_range(0..4) == 0;
        let owner = if leder_units.contains(&p.unit) {
            leder
        } else {
            portefoljeleder
        };
        let plan = plan(p, *id, case, econ, owner, quarterly)?;
        let source = ActualSource {
            potential: p,
            case,
            plan: &plan,
            quarterly,
            econ,
        };
        let actuals = actuals(&mut rng, &source, &mut overrun_chatbot_done)?;
        plans.push(DemoPlan {
            potential: *id,
            plan,
            actuals,
        });
    }
    let programme = programme(data, unit_ids, included)?;
    Ok(DemoProgramme { programme, plans })
}

/// The units where the leder is the natural owner: his own and every unit below.
fn leder_units(data: &DemoData) -> BTreeSet<usize> {
    let own = &data.users[LEDER].units;
    (0..data.units.len())
        .filter(|i| {
            let mut cur = Some(*i);
            while let Some(c) = cur {
                if own.contains(&c) {
                    return true;
                }
                cur = data.units[c].parent;
            }
            false
        })
        .collect()
}

/// The benefit plan derived from a potential's case, with owner, KPIs and methods.
fn plan(
    p: &DemoPotential,
    id: PotentialId,
    case: &BusinessCase,
    econ: &Economics,
    owner: UserId,
    quarterly: bool,
) -> Result<BenefitPlan> {
    let frequency = if quarterly {
        MeasurementFrequency::Quarterly
    } else {
        MeasurementFrequency::Yearly
    };
    let mut plan = derive_plan(id, case, econ, frequency);
    for b in &mut plan.benefits {
        let (kpi, method) = kpi_and_method(p.technology, b.kind);
        b.owner = Some(owner);
        b.kpi = kpi.to_owned();
        b.measurement_method = method.to_owned();
        b.baseline_note = format!(
            "Udgangspunktet er målt i {} før projektstart.",
            case.start_year - 1
        );
    }
    let errors = plan.validate();
    if !errors.is_empty() {
        return Err(AppError::Internal(format!(
            "demo plan for {:?} is invalid: {errors:?}",
            p.title
        )));
    }
    Ok(plan)
}

/// What the actuals of one potential are made from.
struct ActualSource<'a> {
    potential: &'a DemoPotential,
    case: &'a BusinessCase,
    plan: &'a BenefitPlan,
    quarterly: bool,
    econ: &'a Economics,
}

/// One benefit's realised amounts in a year, before they are split into periods.
struct Realised {
    hours: Decimal,
    kr: Decimal,
    fte: Decimal,
    invisible: Decimal,
    harvested: Decimal,
    reference: String,
    harvested_on: Option<NaiveDate>,
    note: String,
}

/// A potential's actuals: only once the solution is being implemented or runs.
fn actuals(
    rng: &mut ChaCha8Rng,
    s: &ActualSource<'_>,
    overrun_chatbot_done: &mut bool,
) -> Result<Vec<Actual>> {
    let p = s.potential;
    let measured = matches!(
        p.status,
        Status::IImplementering | Status::IDrift | Status::GevinstRealiseret
    );
    let mut actuals = Vec::new();
    if !measured {
        return Ok(actuals);
    }
    let outcome = match (p.status, rng.gen_range(0..100)) {
        (Status::GevinstRealiseret, 0..=44) => Outcome::Ahead,
        (Status::GevinstRealiseret, _) => Outcome::OnPlan,
        (Status::IImplementering, 0..=29) => Outcome::FarBehind,
        (_, 0..=19) => Outcome::Ahead,
        (_, 20..=49) => Outcome::OnPlan,
        (_, 50..=84) => Outcome::Behind,
        _ => Outcome::FarBehind,
    };
    let years: Vec<i32> = DEMO_ACTUAL_YEARS
        .iter()
        .copied()
        .filter(|y| s.plan.covers(*y))
        .collect();
    let overrun = p.technology == CHATBOT
        && p.status == Status::IDrift
        && years.contains(&2025)
        && !*overrun_chatbot_done;
    *overrun_chatbot_done |= overrun;
    for year in years {
        // The first measured benefit carries the potential's invisible work.
        let (invisible, invisible_note) = invisible_work(rng, s.case, year, overrun);
        for (bi, b) in s.plan.benefits.iter().enumerate() {
            let Some(target) = b.targets.iter().find(|y| y.year == year) else {
                continue;
            };
            let pct = if overrun {
                rng.gen_range(90..=100)
            } else {
                realisation_pct(rng, outcome)
            };
            let (hours, kr_, fte, value) = realised_amounts(b.kind, target.amount, target.kr, pct);
            let inv = if bi == 0 { invisible } else { Decimal::ZERO };
            let mut note = if overrun {
                "Chatbotten besvarer omtrent så mange henvendelser som planlagt.".to_owned()
            } else if bi == 0 || outcome != Outcome::OnPlan {
                deviation_note(rng, p.technology, outcome)
            } else {
                String::new()
            };
            if bi == 0 {
                note.push_str(&invisible_note);
            }
            // Harvests never exceed the gain net of the invisible work it carries.
            let net = value - inv * s.econ.hourly_rate();
            let (harvested, reference, harvested_on) =
                harvest(rng, b, year, p.fagomraade, net, overrun);
            if harvested.is_zero() && value > Decimal::ZERO && !overrun {
                note.push_str(unharvested_reason(b));
            }
            let realised = Realised {
                hours,
                kr: kr_,
                fte,
                invisible: inv,
                harvested,
                reference,
                harvested_on,
                note: note.trim().to_owned(),
            };
            actuals.extend(in_periods(s, b, year, realised)?);
        }
    }
    Ok(actuals)
}

/// A year's invisible hours of a potential and the note about them: as planned give or
/// take, or, for the chatbot whose training ran over, far more in 2025.
fn invisible_work(
    rng: &mut ChaCha8Rng,
    case: &BusinessCase,
    year: i32,
    overrun: bool,
) -> (Decimal, String) {
    let planned = planned_invisible_hours(case, year);
    if overrun && year == 2025 {
        let invisible = (planned * Decimal::new(16, 1)).round_dp(0).max(kr(300));
        let note = format!(
            " Usynligt arbejde: AI-bottræning og rettelse af fejlsvar tog {} timer \
             mod planlagt {} timer. Det ekstra arbejde har spist en del af \
             chatbottens gevinst, og derfor er intet hjemtaget i år.",
            format_decimal(invisible, 0),
            format_decimal(planned, 0)
        );
        (invisible, note)
    } else if !planned.is_zero() {
        let pct = rng.gen_range(90..=125);
        ((planned * hundredths(pct)).round_dp(0), String::new())
    } else {
        (planned, String::new())
    }
}

/// Part of a hjemtagbar gain is taken out of the budget; the rest of the freed value is
/// reinvested and never counted as harvested. `(harvested, budget reference, date)`.
fn harvest(
    rng: &mut ChaCha8Rng,
    b: &Benefit,
    year: i32,
    fagomraade: usize,
    net: Decimal,
    overrun: bool,
) -> (Decimal, String, Option<NaiveDate>) {
    if b.hjemtagbar && !overrun && net > Decimal::ZERO && rng.gen_bool(0.7) {
        let share = hundredths(rng.gen_range(50..=100));
        let amount = ((net * share) / Decimal::from(1000)).floor() * Decimal::from(1000);
        let (reference, on) = harvest_decision(year, fagomraade, rng.gen_range(0..2));
        (amount, reference, on)
    } else {
        (Decimal::ZERO, String::new(), None)
    }
}

/// Why a realised gain was not harvested, as a sentence to add to the note.
fn unharvested_reason(b: &Benefit) -> &'static str {
    match (b.hjemtagbar, b.kind) {
        (true, _) => {
            " Gevinsten er endnu ikke hjemtaget; det sker ved næste \
             budgetopfølgning."
        }
        (false, LineKind::DirekteBesparelse) => {
            " Besparelsen er blevet i enheden og brugt på andre \
             driftsudgifter; den hjemtages ikke."
        }
        (false, LineKind::Kanalomlaegning) => {
            " Den frigjorte tid er brugt på de komplekse henvendelser og \
             hjemtages ikke."
        }
        (false, _) => {
            " Den frigjorte tid er geninvesteret i kerneopgaven og \
             hjemtages ikke."
        }
    }
}

/// A benefit's realised year as validated actuals: one for the year, or four quarters
/// (rising 22–28 %) for a quarterly plan in 2025. The last period carries the rounding
/// rest, the harvest and the note.
fn in_periods(s: &ActualSource<'_>, b: &Benefit, year: i32, r: Realised) -> Result<Vec<Actual>> {
    let bad_year = |e: gevinst_domain::business_case::ValueError| {
        AppError::Internal(format!("demo period in {year}: {}", e.message))
    };
    let periods: Vec<(Period, u32)> = if s.quarterly && year == 2025 {
        [(1, 22), (2, 24), (3, 26), (4, 28)]
            .into_iter()
            .map(|(q, w)| Ok((Period::of_quarter(year, q).map_err(bad_year)?, w)))
            .collect::<Result<_>>()?
    } else {
        vec![(Period::of_year(year).map_err(bad_year)?, 100)]
    };
    let last = periods.len() - 1;
    let part = |x: Decimal, w: u32, i: usize, dp: u32, sum: &mut Decimal| {
        let v = if i == last {
            x - *sum
        } else {
            (x * hundredths(w)).round_dp(dp)
        };
        *sum += v;
        v
    };
    let (mut sh, mut sk, mut sf, mut si) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut out = Vec::with_capacity(periods.len());
    for (i, (period, w)) in periods.iter().enumerate() {
        let is_last = i == last;
        let draft = ActualDraft {
            line: Some(b.line),
            period: Some(*period),
            hours: Some(part(r.hours, *w, i, 0, &mut sh)),
            kr: Some(part(r.kr, *w, i, 0, &mut sk)),
            fte: Some(part(r.fte, *w, i, 2, &mut sf)),
            invisible_hours: Some(part(r.invisible, *w, i, 0, &mut si)),
            harvested: Some(if is_last { r.harvested } else { Decimal::ZERO }),
            budget_reference: if is_last {
                r.reference.clone()
            } else {
                String::new()
            },
            harvested_on: if is_last { r.harvested_on } else { None },
            note: if is_last {
                r.note.clone()
            } else {
                String::new()
            },
        };
        let actual = draft.validate(s.plan).map_err(|e| {
            AppError::Internal(format!(
                "demo actual for {:?} is invalid: {e:?}",
                s.potential.title
            ))
        })?;
        out.push(actual);
    }
    Ok(out)
}

/// The programme: its targets and milestones, the included potentials and the
/// distribution keys over the forvaltninger.
fn programme(
    data: &DemoData,
    unit_ids: &[UnitId],
    included: Vec<PotentialId>,
) -> Result<Programme> {
    let tops: Vec<UnitId> = data
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.parent.is_none())
        .filter_map(|(i, _)| unit_ids.get(i).copied())
        .collect();
    let key = |target: usize, basis: KeyBasis, pick: fn(&(i64, i64)) -> i64| DistributionKey {
        target,
        basis,
        shares: tops
            .iter()
            .zip(&FORVALTNING_SHARES)
            .map(|(u, s)| Share {
                owner: ShareOwner::Unit(*u),
                value: Decimal::from(pick(s)),
            })
            .collect(),
    };
    // A target by the programme's last year, with its yearly milestones.
    let target = |kind: TargetKind, amount: i64, milestones: &[(i32, i64)]| TargetDraft {
        kind: Some(kind),
        amount: Some(Decimal::from(amount)),
        deadline_year: Some(DEMO_PROGRAMME_LAST_YEAR),
        milestones: milestones
            .iter()
            .map(|(year, amount)| Milestone {
                year: *year,
                amount: Decimal::from(*amount),
            })
            .collect(),
    };
    let draft = ProgrammeDraft {
        name: DEMO_PROGRAMME_NAME.to_owned(),
        first_year: Some(DEMO_PROGRAMME_FIRST_YEAR),
        last_year: Some(DEMO_PROGRAMME_LAST_YEAR),
        targets: vec![
            target(TargetKind::KrPerYear, DEMO_TARGET_KR, &DEMO_KR_MILESTONES),
            target(TargetKind::Aarsvaerk, DEMO_TARGET_FTE, &DEMO_FTE_MILESTONES),
        ],
        potentials: included,
        distribution_keys: vec![
            key(0, KeyBasis::Percentages, |s| s.0),
            key(1, KeyBasis::Amounts, |s| s.1),
        ],
    };
    draft
        .validate()
        .map_err(|e| AppError::Internal(format!("the demo programme is invalid: {e:?}")))
}
