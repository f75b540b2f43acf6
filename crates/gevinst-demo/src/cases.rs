//! A believable business case for every potential from "business case" onwards.

use gevinst_domain::business_case::{
    BusinessCase, BusinessCaseDraft, Channel, Decimal, InvisibleCategory, Line, LineDraft,
    LineKind, Risk, RiskDraft,
};
use gevinst_domain::Status;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::organisation::{
    CHATBOT, INTEGRATION, PROCES, RPA, SELVBETJENING, SENSOR, TALE, VELFAERD, VIDEO,
};
use crate::DemoPotential;

/// Whether a potential in `status` gets a demo business case: every status from
/// "business case" onwards (business case, besluttet, i implementering, i drift, gevinst
/// realiseret). Ideas, assessed, rejected and parked potentials get none.
pub fn has_business_case(status: Status) -> bool {
    matches!(
        status,
        Status::BusinessCase
            | Status::Besluttet
            | Status::IImplementering
            | Status::IDrift
            | Status::GevinstRealiseret
    )
}

/// Phase-in profiles: the share of the full yearly effect (in %) in the first years; the
/// years after the profile have the full effect.
const RAMPS: [&[u32]; 5] = [&[25, 75], &[50], &[30, 70], &[], &[40, 80]];

/// `(description, probability range in %, most likely impact range in thousands of kr.)`.
type RiskTemplate = (&'static str, (u32, u32), (i64, i64));

/// Risks that fit any kind of project.
const GENERIC_RISKS: &[RiskTemplate] = &[
    ("Leverandøren leverer senere end aftalt", (10, 35), (20, 80)),
    (
        "Medarbejderne tager ikke løsningen i brug som planlagt",
        (10, 30),
        (30, 150),
    ),
    (
        "Databeskyttelse og informationssikkerhed kræver ekstra tiltag",
        (5, 25),
        (20, 100),
    ),
    ("Nøglemedarbejdere i projektet stopper", (5, 20), (25, 90)),
];

/// Risks per technology, indexed like [`DEFAULT_TECHNOLOGIES`](gevinst_domain::DEFAULT_TECHNOLOGIES).
const TECH_RISKS: [&[RiskTemplate]; 10] = [
    &[
        (
            "Opdateringer af fagsystemet stopper robotten",
            (20, 45),
            (15, 60),
        ),
        (
            "Forsinket adgang til systemer og testdata",
            (15, 35),
            (10, 40),
        ),
    ],
    &[
        (
            "Borgerne bruger ikke chatbotten, men ringer fortsat",
            (20, 40),
            (50, 200),
        ),
        ("Forkerte svar skal rettes op manuelt", (15, 35), (30, 120)),
    ],
    &[
        ("Borgere fravælger skærmbesøg", (15, 35), (40, 150)),
        ("Ustabil forbindelse i borgernes hjem", (20, 40), (20, 80)),
    ],
    &[
        ("Borgerne ønsker ikke teknologien", (15, 35), (50, 250)),
        (
            "Udstyret holder kortere tid end forventet",
            (10, 30),
            (60, 300),
        ),
    ],
    &[
        ("For mange falske alarmer", (20, 45), (30, 120)),
        (
            "Sensorerne skal udskiftes tidligere end planlagt",
            (10, 25),
            (40, 200),
        ),
    ],
    &[(
        "Talegenkendelsen klarer ikke fagsproget",
        (15, 35),
        (20, 90),
    )],
    &[
        (
            "Borgerne vælger fortsat telefonen eller skranken",
            (20, 40),
            (40, 160),
        ),
        (
            "Integrationen til fagsystemet bliver dyrere end planlagt",
            (10, 30),
            (40, 200),
        ),
    ],
    &[
        (
            "Leverandøren af fagsystemet åbner ikke snitfladen til tiden",
            (20, 45),
            (50, 250),
        ),
        (
            "Datakvaliteten i kildesystemet er for dårlig",
            (15, 35),
            (30, 120),
        ),
    ],
    &[(
        "Den nye arbejdsgang glider tilbage til den gamle",
        (15, 35),
        (20, 80),
    )],
    &[("Prisen på udstyr og drift stiger", (15, 35), (20, 100))],
];

/// A money amount in whole kr.
pub(crate) fn kr(x: i64) -> Decimal {
    Decimal::from(x)
}

/// `x / 100`, for multipliers and probabilities.
pub(crate) fn hundredths(x: u32) -> Decimal {
    Decimal::new(i64::from(x), 2)
}

/// Builds one business case's lines and risks.
struct CaseBuilder<'r> {
    rng: &'r mut ChaCha8Rng,
    horizon: u32,
    /// Benefits are scaled by this (in %): a few cases turn out weak.
    strength: u32,
    lines: Vec<Line>,
    risks: Vec<Risk>,
}

impl CaseBuilder<'_> {
    /// A benefit range: low 0.6–0.9, high 1.1–1.5.
    fn benefit_range(&mut self) -> (Decimal, Decimal) {
        (
            hundredths(self.rng.gen_range(60..=90)),
            hundredths(self.rng.gen_range(110..=150)),
        )
    }

    /// A cost range: costs rarely fall, often rise (low 0.9–1, high 1.1–1.5).
    fn cost_range(&mut self) -> (Decimal, Decimal) {
        (
            hundredths(self.rng.gen_range(90..=100)),
            hundredths(self.rng.gen_range(110..=150)),
        )
    }

    /// The yearly amounts of an effect of `full` a year, phased in from `delay` years
    /// after the start with a random ramp, rounded to `dp` decimals.
    fn phased(&mut self, full: Decimal, dp: u32, delay: usize) -> Vec<Decimal> {
        let ramp = RAMPS[self.rng.gen_range(0..RAMPS.len())];
        (0..self.horizon as usize)
            .map(|t| {
                if t < delay {
                    return Decimal::ZERO;
                }
                let pct = ramp.get(t - delay).copied().unwrap_or(100);
                (full * Decimal::from(pct) / Decimal::from(100)).round_dp(dp)
            })
            .collect()
    }

    fn push(
        &mut self,
        kind: LineKind,
        label: &str,
        amounts: Vec<Decimal>,
        range: (Decimal, Decimal),
    ) -> &mut Line {
        self.lines.push(Line {
            kind,
            label: label.to_owned(),
            amounts,
            low: range.0,
            high: range.1,
            hjemtagbar: false,
            from_channel: None,
            to_channel: None,
            category: None,
        });
        let last = self.lines.len() - 1;
        &mut self.lines[last]
    }

    /// A one-off investment of about `thousands` × 1,000 kr. (between the bounds), in the
    /// start year, or split over the first two years when it is large.
    fn investering(&mut self, label: &str, thousands: (i64, i64)) -> Decimal {
        let total = kr(self.rng.gen_range(thousands.0..=thousands.1) * 1000);
        let mut amounts = vec![Decimal::ZERO; self.horizon as usize];
        if total >= kr(400_000) && self.horizon > 1 && self.rng.gen_bool(0.5) {
            let first = (total * Decimal::new(6, 1)).round_dp(0);
            amounts[0] = first;
            amounts[1] = total - first;
        } else {
            amounts[0] = total;
        }
        let range = self.cost_range();
        self.push(LineKind::Investering, label, amounts, range);
        total
    }

    /// A running cost of about `thousands` × 1,000 kr. a year from year `from`.
    fn drift(&mut self, label: &str, thousands: (i64, i64), from: usize) {
        let yearly = kr(self.rng.gen_range(thousands.0..=thousands.1) * 1000);
        let amounts = (0..self.horizon as usize)
            .map(|t| if t < from { Decimal::ZERO } else { yearly })
            .collect();
        let low = hundredths(self.rng.gen_range(95..=100));
        let high = hundredths(self.rng.gen_range(105..=130));
        self.push(LineKind::Drift, label, amounts, (low, high));
    }

    /// Freed hours: `hours` a year at full effect (before strength), phased in.
    /// Returns the full yearly hours.
    fn frigjorte_timer(&mut self, label: &str, hours: i64, hjemtagbar: f64) -> i64 {
        let full = hours * i64::from(self.strength) / 100;
        let amounts = self.phased(kr(full), 0, 0);
        let range = self.benefit_range();
        let h = self.rng.gen_bool(hjemtagbar);
        self.push(LineKind::FrigjorteTimer, label, amounts, range)
            .hjemtagbar = h;
        full
    }

    /// Freed årsværk: `tenths` / 10 at full effect (before strength), phased in.
    fn frigjorte_aarsvaerk(&mut self, label: &str, tenths: i64, hjemtagbar: f64) {
        let full = (Decimal::new(tenths, 1) * Decimal::from(self.strength) / Decimal::from(100))
            .round_dp(2);
        let amounts = self.phased(full, 2, 0);
        let range = self.benefit_range();
        let h = self.rng.gen_bool(hjemtagbar);
        self.push(LineKind::FrigjorteAarsvaerk, label, amounts, range)
            .hjemtagbar = h;
    }

    /// A direct saving of about `thousands` × 1,000 kr. a year, phased in.
    fn besparelse(&mut self, label: &str, thousands: (i64, i64)) {
        let full = self.rng.gen_range(thousands.0..=thousands.1) * i64::from(self.strength) / 100;
        let amounts = self.phased(kr(full * 1000), 0, 0);
        let range = self.benefit_range();
        let h = self.rng.gen_bool(0.8);
        self.push(LineKind::DirekteBesparelse, label, amounts, range)
            .hjemtagbar = h;
    }

    /// Enquiries a year moved from one channel to another, phased in.
    fn kanalomlaegning(&mut self, label: &str, from: Channel, to: Channel, hundreds: (i64, i64)) {
        let full = self.rng.gen_range(hundreds.0..=hundreds.1) * i64::from(self.strength);
        let amounts = self.phased(kr(full), 0, 0);
        let range = self.benefit_range();
        let h = self.rng.gen_bool(0.3);
        let line = self.push(LineKind::Kanalomlaegning, label, amounts, range);
        line.hjemtagbar = h;
        line.from_channel = Some(from);
        line.to_channel = Some(to);
    }

    /// Invisible work of `hours` a year once the solution runs (from year `from`). Its range
    /// leans upwards: invisible work is more often under- than overestimated.
    fn usynligt(&mut self, label: &str, category: InvisibleCategory, hours: i64, from: usize) {
        let hours = kr(hours.max(10));
        let amounts = (0..self.horizon as usize)
            .map(|t| if t < from { Decimal::ZERO } else { hours })
            .collect();
        let low = hundredths(self.rng.gen_range(70..=90));
        let high = hundredths(self.rng.gen_range(120..=180));
        self.push(LineKind::UsynligtArbejde, label, amounts, (low, high))
            .category = Some(category);
    }

    /// With probability `chance`, an invisible-work line of `lo..=hi` × 25 hours a year
    /// (see [`Self::usynligt`]).
    fn maybe_usynligt(
        &mut self,
        chance: f64,
        (lo, hi): (i64, i64),
        label: &str,
        category: InvisibleCategory,
        from: usize,
    ) {
        if self.rng.gen_bool(chance) {
            let hours = self.rng.gen_range(lo..=hi) * 25;
            self.usynligt(label, category, hours, from);
        }
    }

    /// 0–3 risks from the technology's and the generic templates.
    fn risks(&mut self, technology: usize) {
        let count = self.rng.gen_range(0..=3);
        let pool: Vec<&RiskTemplate> = TECH_RISKS
            .get(technology)
            .copied()
            .unwrap_or_default()
            .iter()
            .chain(GENERIC_RISKS)
            .collect();
        let picked: Vec<&RiskTemplate> = pool.choose_multiple(self.rng, count).copied().collect();
        for (description, (p_lo, p_hi), (i_lo, i_hi)) in picked {
            let likely = self.rng.gen_range(*i_lo..=*i_hi) * 1000;
            let min = likely * self.rng.gen_range(40..=80) / 100 / 1000 * 1000;
            let max = likely * self.rng.gen_range(150..=300) / 100 / 1000 * 1000;
            self.risks.push(Risk {
                description: (*description).to_owned(),
                probability: hundredths(self.rng.gen_range(*p_lo..=*p_hi)),
                min: kr(min),
                likely: kr(likely),
                max: kr(max),
                year: self.rng.gen_range(0..self.horizon.min(2)),
            });
        }
    }
}

/// The lines of a case, per technology type.
impl CaseBuilder<'_> {
    /// A software robot: development, licences, freed hours and exceptions it cannot handle.
    fn rpa(&mut self, live: usize) {
        // Ringkøbing-Skjern: 37,400 hours over three years from 130 robots.
        self.investering("Udvikling og test af robot", (30, 150));
        self.drift("Licens og drift af robot", (10, 40), 0);
        let hours = self.rng.gen_range(6..=60) * 25;
        let freed = self.frigjorte_timer("Frigjort sagsbehandlingstid", hours, 0.5);
        if self.rng.gen_bool(0.6) {
            let share = self.rng.gen_range(5..=15);
            let invisible = freed * share / 100;
            self.usynligt(
                "Håndtering af fejl og undtagelser, robotten ikke kan klare",
                InvisibleCategory::Oprydning,
                invisible,
                live,
            );
        }
    }

    /// A chatbot: enquiries moved from the telephone, and the training it needs.
    fn chatbot(&mut self, live: usize) {
        self.investering("Implementering og træning af chatbot", (150, 450));
        self.drift("Licens til chatbot", (60, 180), 0);
        self.kanalomlaegning(
            "Henvendelser flyttet fra telefon til chatbot",
            Channel::Telephone,
            Channel::Digital,
            (40, 250),
        );
        // The brief's chatbot lesson: someone has to train and correct the bot.
        let hours = self.rng.gen_range(6..=28) * 25;
        self.usynligt(
            "AI-bottræner: vedligehold af svar og rettelse af fejlsvar",
            InvisibleCategory::Kompensation,
            hours,
            live,
        );
        self.maybe_usynligt(
            0.3,
            (4, 16),
            "Opfølgning på henvendelser, chatbotten ikke kunne løse",
            InvisibleCategory::Oprydning,
            live,
        );
    }

    /// Video visits (skærmbesøg): freed årsværk and less driving.
    fn video(&mut self, live: usize) {
        self.investering("Skærme, software og opsætning", (100, 400));
        self.drift("Licenser, data og support", (40, 150), 0);
        // Vejle: about 2.5 årsværk from skærmbesøg.
        let tenths = if self.rng.gen_bool(0.2) {
            25
        } else {
            self.rng.gen_range(5..=30)
        };
        self.frigjorte_aarsvaerk("Sparet kørsel og besøgstid ved skærmbesøg", tenths, 0.5);
        if self.rng.gen_bool(0.6) {
            self.besparelse("Færre kørte kilometer", (20, 100));
        }
        self.maybe_usynligt(
            0.4,
            (2, 10),
            "Teknisk hjælp til borgere ved skærmbesøg",
            InvisibleCategory::Kompensation,
            live,
        );
    }

    /// Welfare technology: fewer visits and fewer two-person tasks.
    fn velfaerd(&mut self, live: usize) {
        self.investering("Indkøb og installation af udstyr", (150, 900));
        self.drift("Service, vedligehold og udskiftning", (30, 200), 0);
        let hours = self.rng.gen_range(24..=160) * 25;
        self.frigjorte_timer("Færre besøg og færre to-mandsopgaver", hours, 0.6);
        self.maybe_usynligt(
            0.4,
            (2, 12),
            "Oplæring af borgere og medarbejdere i udstyret",
            InvisibleCategory::Kompensation,
            live,
        );
    }

    /// Sensors: fewer needless checks, and false alarms.
    fn sensor(&mut self, live: usize) {
        self.investering("Sensorer og opsætning", (100, 500));
        self.drift("Abonnement, batterier og support", (30, 120), 0);
        let hours = self.rng.gen_range(16..=100) * 25;
        self.frigjorte_timer("Færre unødvendige tilsyn", hours, 0.4);
        if self.rng.gen_bool(0.4) {
            self.besparelse("Lavere forbrug af bleer og sengelinned", (20, 120));
        }
        self.maybe_usynligt(
            0.5,
            (2, 16),
            "Håndtering af falske alarmer",
            InvisibleCategory::Oprydning,
            live,
        );
    }

    /// Speech recognition: faster documentation, and corrections.
    fn tale(&mut self, live: usize) {
        self.investering("Opsætning og oplæring i talegenkendelse", (40, 200));
        self.drift("Licenser til talegenkendelse", (20, 100), 0);
        let hours = self.rng.gen_range(12..=80) * 25;
        let freed = self.frigjorte_timer("Hurtigere dokumentation", hours, 0.25);
        if self.rng.gen_bool(0.6) {
            let share = self.rng.gen_range(5..=15);
            let invisible = freed * share / 100;
            self.usynligt(
                "Rettelse af fejl i dikteret tekst",
                InvisibleCategory::Oprydning,
                invisible,
                live,
            );
        }
    }

    /// Digital self-service: enquiries moved from written, telephone and in-person channels.
    fn selvbetjening(&mut self, live: usize) {
        self.investering("Udvikling af digital selvbetjening", (80, 350));
        self.drift("Drift og hosting af løsningen", (15, 60), 0);
        let from = if self.rng.gen_bool(0.6) {
            Channel::Written
        } else {
            Channel::Telephone
        };
        let label = match from {
            Channel::Written => "Skriftlige ansøgninger flyttet til selvbetjening",
            _ => "Telefoniske henvendelser flyttet til selvbetjening",
        };
        self.kanalomlaegning(label, from, Channel::Digital, (10, 60));
        if self.rng.gen_bool(0.4) {
            self.kanalomlaegning(
                "Personligt fremmøde flyttet til selvbetjening",
                Channel::InPerson,
                Channel::Digital,
                (5, 40),
            );
        }
        self.maybe_usynligt(
            0.5,
            (4, 20),
            "Manuel behandling af ufuldstændige ansøgninger",
            InvisibleCategory::Kompensation,
            live,
        );
    }

    /// An integration: double registration removed, and manual reconciliation.
    fn integration(&mut self, live: usize) {
        self.investering("Udvikling og test af integration", (150, 600));
        self.drift("Drift og overvågning af integrationen", (20, 80), 0);
        let hours = self.rng.gen_range(16..=120) * 25;
        let freed = self.frigjorte_timer(
            "Forbindelsesarbejde der fjernes: dobbeltregistrering",
            hours,
            0.5,
        );
        if self.rng.gen_bool(0.4) {
            let share = self.rng.gen_range(5..=15);
            let invisible = freed * share / 100;
            self.usynligt(
                "Manuel afstemning, når overførsler fejler",
                InvisibleCategory::Forbindelse,
                invisible,
                live,
            );
        }
    }

    /// A process redesign: fewer steps, and clean-up of old cases.
    fn proces(&mut self) {
        self.investering("Workshops og omlægning af arbejdsgangen", (20, 100));
        let hours = self.rng.gen_range(8..=72) * 25;
        self.frigjorte_timer("Færre trin i sagsgangen", hours, 0.5);
        if self.rng.gen_bool(0.25) {
            let hours = self.rng.gen_range(2..=8) * 25;
            self.usynligt(
                "Oprydning i sager fra den gamle arbejdsgang",
                InvisibleCategory::Oprydning,
                hours,
                0,
            );
        }
    }

    /// Anything else: a saving on driving and running costs, and perhaps freed time.
    fn other(&mut self) {
        self.investering("Indkøb og opstart", (100, 400));
        self.drift("Drift og vedligehold", (10, 60), 0);
        self.besparelse("Lavere udgifter til kørsel og drift", (40, 250));
        if self.rng.gen_bool(0.3) {
            let hours = self.rng.gen_range(4..=32) * 25;
            self.frigjorte_timer("Frigjort tid", hours, 0.3);
        }
    }
}

/// A believable business case for a potential, matched to its technology type.
fn demo_business_case(rng: &mut ChaCha8Rng, p: &DemoPotential) -> BusinessCase {
    let start_year = match p.status {
        Status::GevinstRealiseret => 2024,
        Status::IDrift => rng.gen_range(2024..=2025),
        Status::IImplementering => 2025,
        _ => rng.gen_range(2025..=2026),
    };
    let horizon = match rng.gen_range(0..20) {
        0..=2 => 3,
        3..=5 => 8,
        _ => 5,
    };
    // Most cases hold; about one in five turns out weak.
    let strength = if rng.gen_bool(0.2) {
        rng.gen_range(30..=65)
    } else {
        rng.gen_range(80..=130)
    };
    let mut b = CaseBuilder {
        rng,
        horizon,
        strength,
        lines: Vec::new(),
        risks: Vec::new(),
    };
    // Year from which running costs and invisible work start.
    let live = usize::from(horizon > 1 && b.rng.gen_bool(0.3));
    match p.technology {
        RPA => b.rpa(live),
        CHATBOT => b.chatbot(live),
        VIDEO => b.video(live),
        VELFAERD => b.velfaerd(live),
        SENSOR => b.sensor(live),
        TALE => b.tale(live),
        SELVBETJENING => b.selvbetjening(live),
        INTEGRATION => b.integration(live),
        PROCES => b.proces(),
        _ => b.other(),
    }
    b.risks(p.technology);
    BusinessCase {
        start_year,
        horizon,
        discount_rate: None,
        lines: b.lines,
        risks: b.risks,
    }
}

/// Gives every potential from "business case" onwards a business case, from its own
/// generator so that the potentials themselves do not depend on the cases.
pub(crate) fn add_business_cases(seed: u64, potentials: &mut [DemoPotential]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB5C0_FFEE_CA5E);
    for p in potentials.iter_mut() {
        if has_business_case(p.status) {
            p.business_case = Some(demo_business_case(&mut rng, p));
        }
    }
}

/// The draft a client would send for `case`. Validating it
/// against the economics gives `case` back, which [`load_demo`](crate::load_demo) relies on.
pub fn business_case_draft(case: &BusinessCase) -> BusinessCaseDraft {
    BusinessCaseDraft {
        start_year: Some(case.start_year),
        horizon: Some(case.horizon),
        discount_rate: case.discount_rate,
        lines: case
            .lines
            .iter()
            .map(|l| LineDraft {
                kind: Some(l.kind),
                label: l.label.clone(),
                amounts: l.amounts.clone(),
                low: Some(l.low),
                high: Some(l.high),
                hjemtagbar: l.hjemtagbar,
                from_channel: l.from_channel,
                to_channel: l.to_channel,
                category: l.category,
            })
            .collect(),
        risks: case
            .risks
            .iter()
            .map(|r| RiskDraft {
                description: r.description.clone(),
                probability: Some(r.probability),
                min: Some(r.min),
                likely: Some(r.likely),
                max: Some(r.max),
                year: r.year,
            })
            .collect(),
    }
}
