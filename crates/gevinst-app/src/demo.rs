//! The demo tenant: `gevinst serve --demo` on an empty database.
//!
//! [`generate`] builds the whole demo as plain data, deterministically from a seed: the
//! organisation of "Eksempel Kommune" (five forvaltninger with their enheder), one user per
//! role, and [`DEMO_POTENTIALS`] potentials with Danish titles and descriptions composed
//! from per-area and per-technology templates. It does no I/O, so tests can check it.
//!
//! [`demo_programme`] adds, just as deterministically, the programme
//! [`DEMO_PROGRAMME_NAME`] (2024–2027, 20 mio. kr. a year and 40 årsværk by 2027, with
//! milestones and distribution keys over the five forvaltninger), a benefits realisation
//! plan for every decided potential and actuals for 2024 and 2025: some ahead of plan,
//! more behind, harvests with budget references, reinvested time kept apart, and a chatbot
//! whose invisible work ran over and ate part of its gain.
//!
//! [`load_demo`] writes that data through the [`Store`] trait, but only into a database that
//! holds no tenant at all; on any other database it changes nothing.
//!
//! ```
//! let a = gevinst_app::demo::generate(gevinst_app::demo::DEMO_SEED, 40);
//! let b = gevinst_app::demo::generate(gevinst_app::demo::DEMO_SEED, 40);
//! assert_eq!(a, b);
//! assert_eq!(a.potentials.len(), 40);
//! ```

use crate::{AppError, Result};
use chrono::NaiveDate;
use gevinst_domain::business_case::Economics;
use gevinst_domain::business_case::{
    BusinessCase, BusinessCaseDraft, Channel, Decimal, InvisibleCategory, Line, LineDraft,
    LineKind, Risk, RiskDraft,
};
use gevinst_domain::danish::format_decimal;
use gevinst_domain::programme::{
    counts_as_decided, derive_plan, Actual, ActualDraft, BenefitPlan, DistributionKey, KeyBasis,
    MeasurementFrequency, Milestone, Period, Programme, ProgrammeDraft, Share, ShareOwner,
    TargetDraft, TargetKind,
};
use gevinst_domain::{
    audit, potential::References, AuditAction, AuditDraft, EntityKind, FagomraadeId, NewUserDraft,
    PotentialDraft, PotentialId, Role, Slug, Source, Status, TechnologyId, UnitId, UserId,
    ValidPotential, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES,
};
use gevinst_store::{Catalogue, Store};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};

/// Slug of the demo tenant.
pub const DEMO_TENANT_SLUG: &str = "eksempel";
/// Display name of the demo tenant.
pub const DEMO_TENANT_NAME: &str = "Eksempel Kommune";
/// The one password shared by all demo users. It is public (printed and in the README),
/// so a demo database must never hold real data.
pub const DEMO_PASSWORD: &str = "demo-gevinst-2024";
/// Number of demo potentials: as many as Kalundborg found in its workshops.
pub const DEMO_POTENTIALS: usize = 331;
/// The fixed seed of the demo data.
pub const DEMO_SEED: u64 = 2023;

/// A demo unit. `parent` indexes [`DemoData::units`]; parents come before their children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUnit {
    /// Name, unique within the demo.
    pub name: &'static str,
    /// Index of the parent unit.
    pub parent: Option<usize>,
}

/// A demo user. `units` index [`DemoData::units`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// Login e-mail.
    pub email: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Assigned units.
    pub units: Vec<usize>,
}

/// A demo potential with its references as indexes into the demo's own lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPotential {
    /// Title.
    pub title: String,
    /// Description (2–4 sentences).
    pub description: String,
    /// Index into [`DemoData::units`].
    pub unit: usize,
    /// Index into [`DEFAULT_FAGOMRAADER`].
    pub fagomraade: usize,
    /// Index into [`DEFAULT_TECHNOLOGIES`].
    pub technology: usize,
    /// Source.
    pub source: Source,
    /// Status.
    pub status: Status,
    /// Index into [`DemoData::users`].
    pub submitted_by: Option<usize>,
    /// Index into [`DemoData::users`] (the leder, where the unit is theirs).
    pub benefit_owner: Option<usize>,
    /// Index into [`DemoData::users`] (the digital agent, where the unit is theirs).
    pub digital_agent: Option<usize>,
    /// Tags.
    pub tags: Vec<String>,
    /// The business case, for potentials from "business case" onwards (see
    /// [`has_business_case`]); `None` for earlier and closed ones.
    pub business_case: Option<BusinessCase>,
}

/// The whole demo as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoData {
    /// The organisation, parents first.
    pub units: Vec<DemoUnit>,
    /// One user per role.
    pub users: Vec<DemoUser>,
    /// The potentials.
    pub potentials: Vec<DemoPotential>,
}

/// What [`load_demo`] created, for printing the logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// Slug of the demo tenant.
    pub tenant_slug: String,
    /// `(e-mail, role label)` of each demo user.
    pub logins: Vec<(String, String)>,
    /// The shared demo password.
    pub password: String,
    /// Number of potentials created.
    pub potentials: usize,
    /// Number of business cases created.
    pub business_cases: usize,
    /// Number of benefits realisation plans created.
    pub benefit_plans: usize,
    /// Number of actuals recorded.
    pub actuals: usize,
}

// ---------------------------------------------------------------------------------------
// The organisation

// Indexes into DEFAULT_FAGOMRAADER.
const BESK: usize = 0;
const SOC: usize = 1;
const TEK: usize = 2;
const BOERN: usize = 3;
const ADM: usize = 4;

// Indexes into DEFAULT_TECHNOLOGIES.
const RPA: usize = 0;
const CHATBOT: usize = 1;
const VIDEO: usize = 2;
const VELFAERD: usize = 3;
const SENSOR: usize = 4;
const TALE: usize = 5;
const SELVBETJENING: usize = 6;
const INTEGRATION: usize = 7;
const PROCES: usize = 8;
const ANDET: usize = 9;

struct OrgNode {
    name: &'static str,
    children: &'static [OrgNode],
}

const fn leaf(name: &'static str) -> OrgNode {
    OrgNode {
        name,
        children: &[],
    }
}

const ORGANISATION: &[OrgNode] = &[
    OrgNode {
        name: "Social, Sundhed og Ældre",
        children: &[
            OrgNode {
                name: "Hjemmeplejen",
                children: &[leaf("Hjemmeplejen Nord"), leaf("Hjemmeplejen Syd")],
            },
            OrgNode {
                name: "Plejecentre",
                children: &[leaf("Plejecenter Solbakken"), leaf("Plejecenter Engly")],
            },
            leaf("Sygepleje og Rehabilitering"),
            leaf("Socialpsykiatri"),
            leaf("Handicap og Udsatte Voksne"),
            leaf("Visitation og Hjælpemidler"),
        ],
    },
    OrgNode {
        name: "Børn og Unge",
        children: &[
            OrgNode {
                name: "Dagtilbud",
                children: &[leaf("Dagtilbud Øst"), leaf("Dagtilbud Vest")],
            },
            leaf("Skoler"),
            leaf("Familieafdelingen"),
            leaf("PPR"),
            leaf("Sundhedsplejen"),
        ],
    },
    OrgNode {
        name: "Teknik og Miljø",
        children: &[
            leaf("Vej og Park"),
            leaf("Byggesag"),
            leaf("Natur og Miljø"),
            leaf("Affald og Genbrug"),
            leaf("Kommunale Ejendomme"),
        ],
    },
    OrgNode {
        name: "Beskæftigelse og Borgerservice",
        children: &[
            OrgNode {
                name: "Jobcenter",
                children: &[
                    leaf("Sygedagpenge og Fleksjob"),
                    leaf("Ledige og Virksomhedsservice"),
                ],
            },
            leaf("Ydelseskontoret"),
            leaf("Borgerservice"),
            leaf("Integration og Sprog"),
            leaf("Ungeenheden"),
        ],
    },
    OrgNode {
        name: "Økonomi og Administration",
        children: &[
            leaf("Løn og Personale"),
            leaf("IT og Digitalisering"),
            leaf("Økonomi og Regnskab"),
            leaf("Indkøb og Udbud"),
            leaf("Sekretariat og Jura"),
        ],
    },
];

fn flatten_org(nodes: &'static [OrgNode], parent: Option<usize>, out: &mut Vec<DemoUnit>) {
    for node in nodes {
        out.push(DemoUnit {
            name: node.name,
            parent,
        });
        let me = out.len() - 1;
        flatten_org(node.children, Some(me), out);
    }
}

fn organisation() -> Vec<DemoUnit> {
    let mut out = Vec::new();
    flatten_org(ORGANISATION, None, &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// Users

const ADMIN: usize = 0;
const PORTEFOLJELEDER: usize = 1;
const AGENT: usize = 2;
const LEDER: usize = 3;

/// `(e-mail, name, role, unit names)`, in the order of [`Role::ALL`].
const USERS: [(&str, &str, Role, &[&str]); 5] = [
    ("admin@eksempel.dk", "Mette Sørensen", Role::Admin, &[]),
    (
        "portefoljeleder@eksempel.dk",
        "Lars Nielsen",
        Role::Portefoljeleder,
        &[],
    ),
    (
        "digitalagent@eksempel.dk",
        "Sofie Jensen",
        Role::DigitalAgent,
        &["Hjemmeplejen", "Plejecentre", "Sygepleje og Rehabilitering"],
    ),
    (
        "leder@eksempel.dk",
        "Henrik Madsen",
        Role::Leder,
        &["Hjemmeplejen", "Plejecentre"],
    ),
    ("laeser@eksempel.dk", "Karen Pedersen", Role::Laeser, &[]),
];

// ---------------------------------------------------------------------------------------
// Idea templates

/// A group of units that share a kind of work, with the ideas that fit it: per technology,
/// the objects its title patterns are completed with.
struct Area {
    units: &'static [&'static str],
    fagomraade: usize,
    ideas: &'static [(usize, &'static [&'static str])],
}

const AREAS: &[Area] = &[
    Area {
        units: &[
            "Social, Sundhed og Ældre",
            "Hjemmeplejen",
            "Hjemmeplejen Nord",
            "Hjemmeplejen Syd",
            "Sygepleje og Rehabilitering",
            "Visitation og Hjælpemidler",
        ],
        fagomraade: SOC,
        ideas: &[
            (
                RPA,
                &[
                    "opdatering af kørelister ved sygdom",
                    "bestilling af hjælpemidler",
                    "registrering af leverede ydelser",
                    "afregning med frit valg-leverandører",
                ],
            ),
            (
                CHATBOT,
                &[
                    "hjælpemidler og ventetider",
                    "madservice og bestilling af mad",
                    "hjemmehjælp og visitation",
                ],
            ),
            (
                VIDEO,
                &[
                    "i hjemmeplejen om aftenen",
                    "ved medicinpåmindelse",
                    "til genoptræning i eget hjem",
                    "ved sygeplejefaglig opfølgning",
                ],
            ),
            (
                VELFAERD,
                &[
                    "medicinrobotter til borgere i eget hjem",
                    "vasketoiletter i eget hjem",
                    "elektroniske døroplåsere til hjemmeplejen",
                    "digitalt understøttet træning for ældre borgere",
                    "strømpepåtagere til selvhjælp",
                ],
            ),
            (
                SENSOR,
                &[
                    "i senge til faldregistrering om natten",
                    "til registrering af aktivitet i eget hjem",
                ],
            ),
            (
                TALE,
                &[
                    "dokumentation efter hjemmebesøg",
                    "sygeplejenotater i bilen",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "ansøgning om hjælpemidler",
                    "afmelding af hjemmehjælp ved ferie",
                ],
            ),
            (
                INTEGRATION,
                &[
                    "omsorgssystem og hjælpemiddeldepot",
                    "omsorgssystem og sygehusenes epikriser",
                ],
            ),
            (
                PROCES,
                &[
                    "visitation til praktisk hjælp",
                    "planlægning af ruter i hjemmeplejen",
                    "modtagelse af borgere efter udskrivning",
                ],
            ),
            (
                ANDET,
                &[
                    "elcykler til hjemmeplejens korte ruter",
                    "flådestyring af hjemmeplejens biler",
                ],
            ),
        ],
    },
    Area {
        units: &["Plejecentre", "Plejecenter Solbakken", "Plejecenter Engly"],
        fagomraade: SOC,
        ideas: &[
            (
                RPA,
                &[
                    "bestilling af varer til plejecentrene",
                    "opkrævning af husleje og servicepakker",
                ],
            ),
            (
                VELFAERD,
                &[
                    "loftlifte på plejecentrene",
                    "spiserobotter til beboere med nedsat funktion",
                    "senge med automatisk vendefunktion",
                ],
            ),
            (
                SENSOR,
                &[
                    "i bleer på plejecentre",
                    "på døre til demensafsnit",
                    "til temperaturmåling i køleskabe",
                ],
            ),
            (TALE, &["dokumentation på plejecentrene"]),
            (
                VIDEO,
                &[
                    "ved pårørendemøder på plejecentre",
                    "til lægekonsultationer på plejecentre",
                ],
            ),
            (
                PROCES,
                &[
                    "medicinhåndtering på plejecentre",
                    "vagtplanlægning på plejecentrene",
                ],
            ),
            (
                ANDET,
                &[
                    "robotstøvsugere i fællesarealer",
                    "måling af madspild i plejecentrenes køkkener",
                ],
            ),
            (INTEGRATION, &["vagtplansystem og lønsystem"]),
        ],
    },
    Area {
        units: &["Socialpsykiatri", "Handicap og Udsatte Voksne"],
        fagomraade: SOC,
        ideas: &[
            (
                RPA,
                &[
                    "opkrævning af egenbetaling på botilbud",
                    "indhentning af oplysninger fra andre kommuner",
                ],
            ),
            (CHATBOT, &["botilbud og bostøtte"]),
            (
                VIDEO,
                &["til bostøtte i eget hjem", "ved kriseopfølgning om natten"],
            ),
            (
                TALE,
                &[
                    "journalføring i socialpsykiatrien",
                    "handleplaner på handicapområdet",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "ansøgning om ledsagerordning",
                    "ansøgning om dækning af merudgifter",
                ],
            ),
            (
                VELFAERD,
                &["digitale kalendere til borgere med kognitive udfordringer"],
            ),
            (
                PROCES,
                &["sagsbehandling af bostøtte", "opfølgning på handleplaner"],
            ),
            (INTEGRATION, &["fagsystem og betalingsmodul"]),
        ],
    },
    Area {
        units: &[
            "Børn og Unge",
            "Dagtilbud",
            "Dagtilbud Øst",
            "Dagtilbud Vest",
            "Skoler",
            "Familieafdelingen",
            "PPR",
            "Sundhedsplejen",
        ],
        fagomraade: BOERN,
        ideas: &[
            (
                RPA,
                &[
                    "opskrivning til dagtilbud",
                    "beregning af økonomisk friplads",
                    "udsendelse af pladstilbud",
                    "registrering af underretninger",
                ],
            ),
            (
                CHATBOT,
                &[
                    "pladsanvisning og ventelister",
                    "skolestart og skoledistrikter",
                    "SFO og klubtilbud",
                ],
            ),
            (
                VIDEO,
                &[
                    "i sundhedsplejen ved opfølgende samtaler",
                    "ved netværksmøder i familieafdelingen",
                    "til PPR-konsultationer med forældre",
                ],
            ),
            (
                SENSOR,
                &[
                    "til måling af CO₂ i klasselokaler",
                    "til styring af lys og varme i daginstitutioner",
                ],
            ),
            (
                TALE,
                &[
                    "børnefaglige undersøgelser i familieafdelingen",
                    "notater fra PPR-observationer",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "ansøgning om skoleskift",
                    "ansøgning om befordring til skole",
                    "indmeldelse i SFO",
                ],
            ),
            (
                INTEGRATION,
                &[
                    "pladsanvisningssystem og økonomisystem",
                    "skoleadministrativt system og Aula",
                ],
            ),
            (
                PROCES,
                &[
                    "indskrivning til skolestart",
                    "behandling af underretninger",
                    "overgangen fra dagtilbud til skole",
                ],
            ),
            (
                ANDET,
                &[
                    "fælles indkøb af legetøj og materialer",
                    "fælles digitale læremidler på tværs af skoler",
                ],
            ),
        ],
    },
    Area {
        units: &[
            "Teknik og Miljø",
            "Vej og Park",
            "Byggesag",
            "Natur og Miljø",
            "Affald og Genbrug",
            "Kommunale Ejendomme",
        ],
        fagomraade: TEK,
        ideas: &[
            (
                RPA,
                &[
                    "journalisering af byggesager",
                    "opkrævning af affaldsgebyrer",
                    "kontrol af færdigmeldinger i byggesager",
                    "registrering af BBR-ændringer",
                ],
            ),
            (
                CHATBOT,
                &[
                    "affaldsafhentning",
                    "byggetilladelser og byggeregler",
                    "storskrald og genbrugspladser",
                ],
            ),
            (
                SENSOR,
                &[
                    "i affaldsbeholdere til tømning efter behov",
                    "til styring af gadebelysningen",
                    "til måling af vandstand i kloakkerne",
                    "til overvågning af energiforbrug i kommunale bygninger",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "ansøgning om parkeringstilladelse",
                    "ansøgning om gravetilladelse",
                    "bestilling af storskrald",
                    "anmeldelse af skader på veje og stier",
                ],
            ),
            (
                INTEGRATION,
                &[
                    "byggesagssystem og BBR",
                    "GIS og driftssystemet for vej og park",
                ],
            ),
            (
                PROCES,
                &[
                    "sagsbehandling af simple byggesager",
                    "planlægning af vintertjenesten",
                    "borgerhenvendelser om huller i vejen",
                ],
            ),
            (
                ANDET,
                &[
                    "droner til inspektion af tage og broer",
                    "elbiler i den kommunale vognpark",
                ],
            ),
            (TALE, &["tilsynsnotater på byggepladsen"]),
            (VIDEO, &["ved forhåndsdialog om byggesager"]),
        ],
    },
    Area {
        units: &[
            "Beskæftigelse og Borgerservice",
            "Jobcenter",
            "Sygedagpenge og Fleksjob",
            "Ledige og Virksomhedsservice",
            "Ydelseskontoret",
            "Integration og Sprog",
            "Ungeenheden",
        ],
        fagomraade: BESK,
        ideas: &[
            (
                RPA,
                &[
                    "udbetaling af sygedagpenge",
                    "refusionsanmodninger fra arbejdsgivere",
                    "indkaldelse til samtaler",
                    "kontrol af rådighed",
                    "beregning af kontanthjælp",
                    "opfølgning på lægeattester",
                ],
            ),
            (
                CHATBOT,
                &[
                    "sygedagpenge for arbejdsgivere",
                    "kontanthjælp og uddannelseshjælp",
                    "jobsøgning og CV",
                ],
            ),
            (
                VIDEO,
                &[
                    "til opfølgningssamtaler med sygemeldte",
                    "ved samtaler med ledige",
                ],
            ),
            (
                TALE,
                &[
                    "referater af opfølgningssamtaler",
                    "journalnotater i jobcentret",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "ansøgning om kontanthjælp",
                    "ansøgning om enkeltydelser",
                    "booking af samtaler i jobcentret",
                ],
            ),
            (
                INTEGRATION,
                &[
                    "fagsystem og eIndkomst",
                    "jobcentrets fagsystem og ydelsessystemet",
                ],
            ),
            (
                PROCES,
                &["sygemeldinger med kort fravær", "modtagelse af nye ledige"],
            ),
            (ANDET, &["fælles virksomhedskonsulenter med nabokommunerne"]),
        ],
    },
    Area {
        units: &["Borgerservice"],
        fagomraade: ADM,
        ideas: &[
            (
                RPA,
                &[
                    "adresseændringer fra udlandet",
                    "ansøgninger om lån til indskud",
                    "udstedelse af straffe- og børneattester",
                ],
            ),
            (
                CHATBOT,
                &[
                    "pas og kørekort",
                    "MitID og Digital Post",
                    "folkepension og boligstøtte",
                ],
            ),
            (
                SELVBETJENING,
                &[
                    "booking af tid i Borgerservice",
                    "ansøgning om lån til ejendomsskat",
                    "flytning og adresseændring",
                ],
            ),
            (VIDEO, &["til vejledning om MitID"]),
            (
                PROCES,
                &[
                    "køhåndtering i Borgerservice",
                    "fritagelse for Digital Post",
                ],
            ),
            (INTEGRATION, &["køsystem og tidsbestilling"]),
        ],
    },
    Area {
        units: &[
            "Økonomi og Administration",
            "Løn og Personale",
            "IT og Digitalisering",
            "Økonomi og Regnskab",
            "Indkøb og Udbud",
            "Sekretariat og Jura",
        ],
        fagomraade: ADM,
        ideas: &[
            (
                RPA,
                &[
                    "oprettelse af nye medarbejdere i lønsystemet",
                    "bogføring af leverandørfakturaer",
                    "afstemning af bankkonti",
                    "lukning af adgange ved fratrædelse",
                    "indhentning af revisionserklæringer fra leverandører",
                    "registrering af sygefravær",
                ],
            ),
            (
                CHATBOT,
                &[
                    "lønsedler, ferie og fravær",
                    "IT-support til medarbejdere",
                    "interne retningslinjer og vejledninger",
                ],
            ),
            (TALE, &["referater af politiske møder"]),
            (
                SELVBETJENING,
                &[
                    "medarbejdernes bestilling af IT-udstyr",
                    "indberetning af kørsel",
                ],
            ),
            (
                INTEGRATION,
                &[
                    "ESDH og økonomisystem",
                    "HR-system og brugerstyring",
                    "indkøbssystem og økonomisystem",
                ],
            ),
            (
                PROCES,
                &[
                    "håndtering af databehandleraftaler",
                    "årligt tilsyn med databehandlere",
                    "risikovurderinger af nye IT-systemer",
                    "godkendelse af fakturaer",
                ],
            ),
            (
                ANDET,
                &[
                    "grøn strøm i serverrummet",
                    "fælles løn- og HR-system med nabokommunerne",
                ],
            ),
            (SENSOR, &["til registrering af brugen af mødelokaler"]),
        ],
    },
];

/// Title patterns per technology; `{}` is the object.
const TITLE_PATTERNS: [&[&str]; 10] = [
    &[
        "Softwarerobot til {}",
        "Automatisering af {} med RPA",
        "Robot overtager {}",
    ],
    &[
        "Chatbot til spørgsmål om {}",
        "AI-assistent der svarer på spørgsmål om {}",
        "Chatbot på hjemmesiden om {}",
    ],
    &["Skærmbesøg {}", "Videomøder {}", "Virtuel kontakt {}"],
    &["{}", "Afprøvning af {}", "Udrulning af {}"],
    &[
        "Sensorer {}",
        "Trådløse sensorer {}",
        "Pilotprojekt med sensorer {}",
    ],
    &[
        "Talegenkendelse til {}",
        "Diktering med talegenkendelse til {}",
        "Tale til tekst ved {}",
    ],
    &[
        "Selvbetjening til {}",
        "Digital selvbetjeningsløsning til {}",
        "Ny digital blanket til {}",
    ],
    &[
        "Integration mellem {}",
        "Automatisk dataudveksling mellem {}",
        "Slut med dobbeltregistrering mellem {}",
    ],
    &[
        "Ny arbejdsgang for {}",
        "Forenkling af {}",
        "LEAN-gennemgang af {}",
    ],
    &["{}", "Pilotprojekt: {}", "Undersøgelse af {}"],
];

/// "Today" sentences per technology. Placeholders: `{obj}`, `{unit}`, `{n}`, `{min}`.
const TODAY: [&[&str]; 10] = [
    &[
        "I dag taster medarbejderne i {unit} oplysninger manuelt ind i to systemer i forbindelse med {obj}. Det drejer sig om ca. {n} sager om året, og hver sag tager omkring {min} minutter.",
        "Arbejdet med {obj} består i dag af faste, regelbaserede trin, som udføres manuelt ca. {n} gange om året. Hver gang går der omkring {min} minutter med at kopiere data mellem systemerne.",
    ],
    &[
        "{unit} modtager hver uge omkring {n} opkald og mails med spørgsmål om {obj}. De fleste spørgsmål går igen og kan besvares ud fra oplysninger, der allerede står på hjemmesiden.",
        "Mange henvendelser om {obj} handler om de samme ting, og medarbejderne i {unit} bruger i gennemsnit {min} minutter pr. henvendelse. Der kommer ca. {n} henvendelser om ugen.",
    ],
    &[
        "I dag foregår kontakten fysisk, og medarbejderne i {unit} bruger i gennemsnit {min} minutter på kørsel pr. besøg. Det drejer sig om ca. {n} besøg om måneden.",
        "Mange besøg består af en kort samtale eller en påmindelse, men kræver alligevel kørsel på omkring {min} minutter. {unit} gennemfører ca. {n} sådanne besøg om måneden.",
    ],
    &[
        "Personalet i {unit} bruger meget tid og mange tunge løft på opgaver, som {obj} kan overtage eller lette. Opgaven løses i dag ca. {n} gange om ugen.",
        "Flere borgere er i dag afhængige af hjælp til opgaver, de med {obj} kunne klare selv. Hver opgave tager personalet omkring {min} minutter.",
    ],
    &[
        "I dag tjekker medarbejderne i {unit} manuelt med faste intervaller, også når der ikke er behov for det. Det giver ca. {n} unødvendige tjek om måneden.",
        "Der findes i dag ingen data om det faktiske behov, så {unit} planlægger efter faste runder. En runde tager omkring {min} minutter.",
    ],
    &[
        "Medarbejderne i {unit} bruger i gennemsnit {min} minutter om dagen på at skrive notater i forbindelse med {obj}. Notaterne skrives ofte sent, fordi der ikke er tid lige efter mødet.",
        "Skrivearbejdet i forbindelse med {obj} fylder meget i {unit}: ca. {n} notater om måneden på omkring {min} minutter hver.",
    ],
    &[
        "I dag kommer ca. {n} henvendelser om året vedrørende {obj} ind på papir, mail eller telefon. En medarbejder i {unit} skal efterfølgende taste oplysningerne ind, hvilket tager omkring {min} minutter pr. sag.",
        "I dag foregår {obj} ved at ringe, skrive en mail eller møde op. {unit} håndterer ca. {n} sådanne henvendelser om året.",
    ],
    &[
        "Data om samme sag registreres i dag to gange, fordi der ikke er nogen integration mellem {obj}. Det koster {unit} omkring {min} minutter pr. sag, ca. {n} gange om året.",
        "Medarbejderne i {unit} kopierer i dag oplysninger manuelt mellem {obj}, og fejl opdages ofte først sent. Det sker ca. {n} gange om året.",
    ],
    &[
        "Arbejdsgangen for {obj} har i dag mange overdragelser mellem medarbejdere og ventetid på godkendelser. En sag tager i gennemsnit {min} minutters aktivt arbejde fordelt over flere dage.",
        "Medarbejderne i {unit} oplever, at {obj} indeholder trin, som ingen længere kan forklare formålet med. Opgaven løses ca. {n} gange om året.",
    ],
    &[
        "Idéen om {obj} er kommet op flere gange i {unit}. Der er endnu ikke lavet en egentlig opgørelse af behovet.",
        "{unit} har fået henvendelser fra leverandører om {obj}. Området er nyt for kommunen, og erfaringerne er få.",
    ],
];

/// "Idea" sentences per technology. Placeholders: `{obj}`, `{n}`, `{k}`, `{m}`.
const IDEA: [&[&str]; 10] = [
    &[
        "En softwarerobot kan hente data, udfylde felterne og lægge sagen klar til godkendelse, så medarbejderne kun ser på undtagelserne.",
        "Forslaget er at lade en robot udføre de regelbaserede trin om natten, så sagerne er klar, når medarbejderne møder ind.",
    ],
    &[
        "En chatbot kan svare døgnet rundt og sende de svære spørgsmål videre til en medarbejder.",
        "Forslaget er en AI-assistent, der svarer ud fra godkendte tekster og altid viser, hvor svaret kommer fra.",
    ],
    &[
        "Ved at bruge skærmbesøg {obj} kan en del af kontakten klares over video, når borgeren ønsker det. Borgere, der ikke kan eller vil bruge video, får fortsat fysiske besøg.",
        "Forslaget er at tilbyde video {obj} til de borgere, der er visiteret til det, og følge op på tilfredsheden efter tre måneder.",
    ],
    &[
        "Forslaget er at afprøve {obj} hos {n} borgere i et halvt år og måle på tidsforbrug, arbejdsmiljø og borgernes tilfredshed.",
        "Med {obj} kan borgerne blive mere selvhjulpne, og personalet får færre tunge løft.",
    ],
    &[
        "Sensorer {obj} kan give besked, når der er brug for en indsats, så ressourcerne bruges, hvor behovet er.",
        "Forslaget er et pilotprojekt med {n} sensorer, hvor data vises på en tavle, som medarbejderne selv har været med til at udforme.",
    ],
    &[
        "Med talegenkendelse kan notaterne dikteres direkte ind i fagsystemet, fx i bilen eller lige efter et møde.",
        "Forslaget er at give {n} medarbejdere talegenkendelse på telefonen og måle tidsforbruget før og efter.",
    ],
    &[
        "En selvbetjeningsløsning med MitID, der er koblet direkte til fagsystemet, kan flytte de fleste henvendelser til den digitale kanal. Borgere, der ikke kan bruge løsningen, skal fortsat kunne ringe eller møde op.",
        "Forslaget er en digital blanket i klart sprog, der virker på mobilen og sender data direkte ind i fagsystemet.",
    ],
    &[
        "En integration sikrer, at data kun tastes én gang, og mindsker fejl og efterfølgende oprydning.",
        "Forslaget er at bruge de eksisterende snitflader, så oplysningerne flyder automatisk mellem systemerne.",
    ],
    &[
        "En workshop med medarbejderne har peget på, at {k} ud af {m} trin kan fjernes eller samles, uden at der skal købes ny teknologi.",
        "Forslaget er at samle opgaven hos færre medarbejdere med faste tidspunkter og en fælles tjekliste.",
    ],
    &[
        "Forslaget kræver en nærmere undersøgelse af økonomi, jura og arbejdsmiljø, før det kan vurderes.",
        "Forslaget er at tage kontakt til to kommuner, der har prøvet det, og samle deres erfaringer i et kort notat.",
    ],
];

/// Sentences for potentials taken from the case catalogue, per technology.
fn catalogue_sentence(technology: usize) -> &'static str {
    match technology {
        RPA => "Ringkøbing-Skjern har med 130 robotløsninger frigjort 37.400 timer på tre år, og erfaringerne herfra kan genbruges.",
        VIDEO => "Vejle har med skærmbesøg sparet ca. 2,5 årsværk, og 94 % af borgerne er tilfredse.",
        VELFAERD => "Erfaringer fra Aalborg og andre kommuner viser, at velfærdsteknologi kan frigøre tid i hjemmeplejen.",
        SENSOR => "Andre kommuner har med sensordata reduceret antallet af unødvendige kørsler markant.",
        CHATBOT | SELVBETJENING => "En digital henvendelse koster i gennemsnit ca. 5 kr. mod 50 kr. for et telefonopkald og 100 kr. for et personligt fremmøde.",
        _ => "Løsningen er afprøvet i en anden kommune og kan genbruges med små tilpasninger.",
    }
}

/// Risks and caveats, to show that not every gain is free.
const CAVEATS: &[&str] = &[
    "Der skal tages højde for det oprydningsarbejde, som fejl i data kan give.",
    "Løsningen kræver en risikovurdering og en databehandleraftale med leverandøren.",
    "Vær opmærksom på kompensationsarbejde, hvis løsningen ikke dækker alle sagstyper.",
    "Det skal afklares, om gevinsten kan hjemtages, eller om tiden bruges på kerneopgaven.",
    "Borgere uden digitale kompetencer skal fortsat have en personlig kanal.",
    "IT og Digitalisering skal inddrages tidligt på grund af drift og tilsyn.",
];

/// `(status, weight)`: a funnel with many early ideas and fewer late ones.
const STATUS_WEIGHTS: [(Status, u32); 9] = [
    (Status::Ide, 30),
    (Status::Vurderet, 22),
    (Status::BusinessCase, 11),
    (Status::Besluttet, 7),
    (Status::IImplementering, 8),
    (Status::IDrift, 6),
    (Status::GevinstRealiseret, 4),
    (Status::Afvist, 7),
    (Status::Parkeret, 5),
];

const SOURCE_WEIGHTS: [(Source, u32); 5] = [
    (Source::Workshop, 45),
    (Source::DigitalAgent, 20),
    (Source::EmployeeProposal, 20),
    (Source::Catalogue, 10),
    (Source::Other, 5),
];

fn pick_weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// `1234567` → `"1.234.567"` (Danish thousands separator).
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Sentences in our own template text: a full stop followed by a space and a capital
/// (so "ca. 5 kr. mod" is one sentence).
fn sentence_count(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    1 + chars
        .windows(3)
        .filter(|w| w[0] == '.' && w[1] == ' ' && w[2].is_uppercase())
        .count()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn choose<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

/// One candidate idea: an area, a technology, an object and a title pattern.
struct Candidate {
    area: usize,
    technology: usize,
    object: &'static str,
    pattern: usize,
}

fn candidates(rng: &mut ChaCha8Rng, count: usize) -> Vec<Candidate> {
    let mut all: Vec<(usize, usize, &'static str)> = Vec::new();
    for (a, area) in AREAS.iter().enumerate() {
        for (tech, objects) in area.ideas {
            for o in objects.iter() {
                all.push((a, *tech, o));
            }
        }
    }
    // Every idea once, then again with another wording, and so on, each round shuffled.
    let mut out = Vec::with_capacity(count);
    let first_pattern: Vec<usize> = all
        .iter()
        .map(|(_, t, _)| rng.gen_range(0..TITLE_PATTERNS[*t].len()))
        .collect();
    let mut round = 0;
    while out.len() < count && round < 3 {
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.shuffle(rng);
        for i in order {
            if out.len() == count {
                break;
            }
            let (area, technology, object) = all[i];
            let pattern = (first_pattern[i] + round) % TITLE_PATTERNS[technology].len();
            out.push(Candidate {
                area,
                technology,
                object,
                pattern,
            });
        }
        round += 1;
    }
    out
}

/// Generates the demo data from `seed` with `count` potentials (at most about 550, the
/// number of distinct titles the templates give). Pure and deterministic.
pub fn generate(seed: u64, count: usize) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let units = organisation();
    let index: BTreeMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.name, i)).collect();
    let unit_idx = |name: &str| index.get(name).copied();

    let users: Vec<DemoUser> = USERS
        .iter()
        .map(|(email, name, role, unit_names)| DemoUser {
            email,
            name,
            role: *role,
            units: unit_names.iter().filter_map(|n| unit_idx(n)).collect(),
        })
        .collect();

    // The units each user has rights in: their own and every unit below.
    let scope = |user: usize| -> BTreeSet<usize> {
        let mut set: BTreeSet<usize> = users[user].units.iter().copied().collect();
        for (i, u) in units.iter().enumerate() {
            let mut p = u.parent;
            while let Some(pi) = p {
                if users[user].units.contains(&pi) {
                    set.insert(i);
                    break;
                }
                p = units[pi].parent;
            }
        }
        set
    };
    let agent_scope = scope(AGENT);
    let leder_scope = scope(LEDER);

    // Within an area, units take turns so that every unit gets potentials.
    let mut area_turn: Vec<usize> = AREAS
        .iter()
        .map(|a| rng.gen_range(0..a.units.len()))
        .collect();

    let mut potentials = Vec::with_capacity(count);
    for c in candidates(&mut rng, count) {
        let area = &AREAS[c.area];
        let unit_name = area.units[area_turn[c.area] % area.units.len()];
        area_turn[c.area] += 1;
        let unit = unit_idx(unit_name).unwrap_or(0);
        let title = capitalise(&TITLE_PATTERNS[c.technology][c.pattern].replace("{}", c.object));

        let status = pick_weighted(&mut rng, &STATUS_WEIGHTS);
        let source = pick_weighted(&mut rng, &SOURCE_WEIGHTS);
        let n = match c.technology {
            CHATBOT => rng.gen_range(4..40) * 10,
            VIDEO | VELFAERD | SENSOR | TALE => rng.gen_range(2..30) * 5,
            _ => rng.gen_range(3..250) * 20,
        };
        let minutes = match c.technology {
            CHATBOT | SELVBETJENING => rng.gen_range(3..15),
            _ => rng.gen_range(2..12) * 5,
        };
        let steps = rng.gen_range(6..14);
        let removable = rng.gen_range(2..steps / 2 + 1);
        let fill = |s: &str| {
            s.replace("{obj}", c.object)
                .replace("{unit}", unit_name)
                .replace("{n}", &thousands(n))
                .replace("{min}", &minutes.to_string())
                .replace("{k}", &removable.to_string())
                .replace("{m}", &steps.to_string())
        };
        let mut sentences = vec![
            fill(choose(&mut rng, TODAY[c.technology])),
            fill(choose(&mut rng, IDEA[c.technology])),
        ];
        if c.technology != ANDET && sentence_count(&sentences.join(" ")) < 4 {
            let hours = rng.gen_range(4..160) * 25;
            let fte = f64::from(hours) / 1628.0;
            let kr = hours * 380;
            sentences.push(match rng.gen_range(0..3) {
                0 => format!(
                    "Det forventede potentiale er ca. {} timer om året, svarende til {} årsværk.",
                    thousands(hours),
                    format!("{fte:.1}").replace('.', ",")
                ),
                1 => format!(
                    "Gevinsten er foreløbigt anslået til ca. {} kr. om året.",
                    thousands(kr)
                ),
                _ => format!(
                    "Den frigjorte tid anslås til ca. {} timer om året.",
                    thousands(hours)
                ),
            });
        }
        let extra = match source {
            Source::Catalogue => Some(catalogue_sentence(c.technology)),
            Source::Workshop if rng.gen_bool(0.3) => {
                Some("Idéen kom frem på en workshop med medarbejderne.")
            }
            _ if rng.gen_bool(0.25) => Some(choose(&mut rng, CAVEATS)),
            _ => None,
        };
        if let Some(extra) = extra {
            if sentence_count(&sentences.join(" ")) < 4 {
                sentences.push(extra.to_owned());
            }
        }
        let description = sentences.join(" ");

        let in_agent = agent_scope.contains(&unit);
        let in_leder = leder_scope.contains(&unit);
        let submitted_by = match source {
            Source::Workshop | Source::Catalogue => Some(PORTEFOLJELEDER),
            Source::DigitalAgent if in_agent => Some(AGENT),
            Source::Other if rng.gen_bool(0.3) => Some(ADMIN),
            _ => None,
        };
        let benefit_owner = (in_leder && status != Status::Ide).then_some(LEDER);
        let digital_agent = in_agent.then_some(AGENT);

        let mut tags = Vec::new();
        if source == Source::Workshop && rng.gen_bool(0.8) {
            tags.push("Workshop 2023".to_owned());
        }
        if matches!(c.technology, CHATBOT | SELVBETJENING) && rng.gen_bool(0.5) {
            tags.push("Kanalomlægning".to_owned());
        }
        if area.fagomraade == SOC
            && matches!(c.technology, VELFAERD | SENSOR | VIDEO)
            && rng.gen_bool(0.4)
        {
            tags.push("Velfærdsteknologi".to_owned());
        }
        if matches!(c.technology, INTEGRATION | PROCES) && rng.gen_bool(0.25) {
            tags.push("Usynligt arbejde".to_owned());
        }
        if source == Source::Catalogue {
            tags.push("Casekatalog".to_owned());
        }
        if source == Source::EmployeeProposal && rng.gen_bool(0.2) {
            tags.push("MED-forslag".to_owned());
        }
        if matches!(
            status,
            Status::Besluttet | Status::IImplementering | Status::IDrift
        ) && rng.gen_bool(0.5)
        {
            tags.push("Budget 2024".to_owned());
        }
        if rng.gen_bool(0.15) {
            tags.push("Kvik-gevinst".to_owned());
        }
        if area.fagomraade == ADM && rng.gen_bool(0.3) {
            tags.push("Tværgående".to_owned());
        }

        potentials.push(DemoPotential {
            title,
            description,
            unit,
            fagomraade: area.fagomraade,
            technology: c.technology,
            source,
            status,
            submitted_by,
            benefit_owner,
            digital_agent,
            tags,
            business_case: None,
        });
    }
    add_business_cases(seed, &mut potentials);
    DemoData {
        units,
        users,
        potentials,
    }
}

// ---------------------------------------------------------------------------------------
// Business cases

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

/// Risks per technology, indexed like [`DEFAULT_TECHNOLOGIES`].
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
fn kr(x: i64) -> Decimal {
    Decimal::from(x)
}

/// `x / 100`, for multipliers and probabilities.
fn hundredths(x: u32) -> Decimal {
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
        RPA => {
            // Ringkøbing-Skjern: 37,400 hours over three years from 130 robots.
            b.investering("Udvikling og test af robot", (30, 150));
            b.drift("Licens og drift af robot", (10, 40), 0);
            let hours = b.rng.gen_range(6..=60) * 25;
            let freed = b.frigjorte_timer("Frigjort sagsbehandlingstid", hours, 0.5);
            if b.rng.gen_bool(0.6) {
                let share = b.rng.gen_range(5..=15);
                let invisible = freed * share / 100;
                b.usynligt(
                    "Håndtering af fejl og undtagelser, robotten ikke kan klare",
                    InvisibleCategory::Oprydning,
                    invisible,
                    live,
                );
            }
        }
        CHATBOT => {
            b.investering("Implementering og træning af chatbot", (150, 450));
            b.drift("Licens til chatbot", (60, 180), 0);
            b.kanalomlaegning(
                "Henvendelser flyttet fra telefon til chatbot",
                Channel::Telephone,
                Channel::Digital,
                (40, 250),
            );
            // The brief's chatbot lesson: someone has to train and correct the bot.
            let hours = b.rng.gen_range(6..=28) * 25;
            b.usynligt(
                "AI-bottræner: vedligehold af svar og rettelse af fejlsvar",
                InvisibleCategory::Kompensation,
                hours,
                live,
            );
            b.maybe_usynligt(
                0.3,
                (4, 16),
                "Opfølgning på henvendelser, chatbotten ikke kunne løse",
                InvisibleCategory::Oprydning,
                live,
            );
        }
        VIDEO => {
            b.investering("Skærme, software og opsætning", (100, 400));
            b.drift("Licenser, data og support", (40, 150), 0);
            // Vejle: about 2.5 årsværk from skærmbesøg.
            let tenths = if b.rng.gen_bool(0.2) {
                25
            } else {
                b.rng.gen_range(5..=30)
            };
            b.frigjorte_aarsvaerk("Sparet kørsel og besøgstid ved skærmbesøg", tenths, 0.5);
            if b.rng.gen_bool(0.6) {
                b.besparelse("Færre kørte kilometer", (20, 100));
            }
            b.maybe_usynligt(
                0.4,
                (2, 10),
                "Teknisk hjælp til borgere ved skærmbesøg",
                InvisibleCategory::Kompensation,
                live,
            );
        }
        VELFAERD => {
            b.investering("Indkøb og installation af udstyr", (150, 900));
            b.drift("Service, vedligehold og udskiftning", (30, 200), 0);
            let hours = b.rng.gen_range(24..=160) * 25;
            b.frigjorte_timer("Færre besøg og færre to-mandsopgaver", hours, 0.6);
            b.maybe_usynligt(
                0.4,
                (2, 12),
                "Oplæring af borgere og medarbejdere i udstyret",
                InvisibleCategory::Kompensation,
                live,
            );
        }
        SENSOR => {
            b.investering("Sensorer og opsætning", (100, 500));
            b.drift("Abonnement, batterier og support", (30, 120), 0);
            let hours = b.rng.gen_range(16..=100) * 25;
            b.frigjorte_timer("Færre unødvendige tilsyn", hours, 0.4);
            if b.rng.gen_bool(0.4) {
                b.besparelse("Lavere forbrug af bleer og sengelinned", (20, 120));
            }
            b.maybe_usynligt(
                0.5,
                (2, 16),
                "Håndtering af falske alarmer",
                InvisibleCategory::Oprydning,
                live,
            );
        }
        TALE => {
            b.investering("Opsætning og oplæring i talegenkendelse", (40, 200));
            b.drift("Licenser til talegenkendelse", (20, 100), 0);
            let hours = b.rng.gen_range(12..=80) * 25;
            let freed = b.frigjorte_timer("Hurtigere dokumentation", hours, 0.25);
            if b.rng.gen_bool(0.6) {
                let share = b.rng.gen_range(5..=15);
                let invisible = freed * share / 100;
                b.usynligt(
                    "Rettelse af fejl i dikteret tekst",
                    InvisibleCategory::Oprydning,
                    invisible,
                    live,
                );
            }
        }
        SELVBETJENING => {
            b.investering("Udvikling af digital selvbetjening", (80, 350));
            b.drift("Drift og hosting af løsningen", (15, 60), 0);
            let from = if b.rng.gen_bool(0.6) {
                Channel::Written
            } else {
                Channel::Telephone
            };
            let label = match from {
                Channel::Written => "Skriftlige ansøgninger flyttet til selvbetjening",
                _ => "Telefoniske henvendelser flyttet til selvbetjening",
            };
            b.kanalomlaegning(label, from, Channel::Digital, (10, 60));
            if b.rng.gen_bool(0.4) {
                b.kanalomlaegning(
                    "Personligt fremmøde flyttet til selvbetjening",
                    Channel::InPerson,
                    Channel::Digital,
                    (5, 40),
                );
            }
            b.maybe_usynligt(
                0.5,
                (4, 20),
                "Manuel behandling af ufuldstændige ansøgninger",
                InvisibleCategory::Kompensation,
                live,
            );
        }
        INTEGRATION => {
            b.investering("Udvikling og test af integration", (150, 600));
            b.drift("Drift og overvågning af integrationen", (20, 80), 0);
            let hours = b.rng.gen_range(16..=120) * 25;
            let freed = b.frigjorte_timer(
                "Forbindelsesarbejde der fjernes: dobbeltregistrering",
                hours,
                0.5,
            );
            if b.rng.gen_bool(0.4) {
                let share = b.rng.gen_range(5..=15);
                let invisible = freed * share / 100;
                b.usynligt(
                    "Manuel afstemning, når overførsler fejler",
                    InvisibleCategory::Forbindelse,
                    invisible,
                    live,
                );
            }
        }
        PROCES => {
            b.investering("Workshops og omlægning af arbejdsgangen", (20, 100));
            let hours = b.rng.gen_range(8..=72) * 25;
            b.frigjorte_timer("Færre trin i sagsgangen", hours, 0.5);
            if b.rng.gen_bool(0.25) {
                let hours = b.rng.gen_range(2..=8) * 25;
                b.usynligt(
                    "Oprydning i sager fra den gamle arbejdsgang",
                    InvisibleCategory::Oprydning,
                    hours,
                    0,
                );
            }
        }
        _ => {
            b.investering("Indkøb og opstart", (100, 400));
            b.drift("Drift og vedligehold", (10, 60), 0);
            b.besparelse("Lavere udgifter til kørsel og drift", (40, 250));
            if b.rng.gen_bool(0.3) {
                let hours = b.rng.gen_range(4..=32) * 25;
                b.frigjorte_timer("Frigjort tid", hours, 0.3);
            }
        }
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
fn add_business_cases(seed: u64, potentials: &mut [DemoPotential]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB5C0_FFEE_CA5E);
    for p in potentials.iter_mut() {
        if has_business_case(p.status) {
            p.business_case = Some(demo_business_case(&mut rng, p));
        }
    }
}

/// The draft a client would send for `case`: amounts as JSON numbers. Validating it
/// against the economics gives `case` back, which [`load_demo`] relies on.
pub fn business_case_draft(case: &BusinessCase) -> BusinessCaseDraft {
    let f = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(f64::NAN);
    BusinessCaseDraft {
        start_year: Some(case.start_year),
        horizon: Some(case.horizon),
        discount_rate: case.discount_rate.map(f),
        lines: case
            .lines
            .iter()
            .map(|l| LineDraft {
                kind: Some(l.kind),
                label: l.label.clone(),
                amounts: l.amounts.iter().copied().map(f).collect(),
                low: Some(f(l.low)),
                high: Some(f(l.high)),
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
                probability: Some(f(r.probability)),
                min: Some(f(r.min)),
                likely: Some(f(r.likely)),
                max: Some(f(r.max)),
                year: r.year,
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// The programme, benefit plans and actuals

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

    // The units where the leder is the natural owner: his own and every unit below.
    let leder_units: BTreeSet<usize> = {
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
    };

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
        let frequency = if quarterly {
            MeasurementFrequency::Quarterly
        } else {
            MeasurementFrequency::Yearly
        };
        let mut plan = derive_plan(*id, case, econ, frequency);
        let owner = if leder_units.contains(&p.unit) {
            leder
        } else {
            portefoljeleder
        };
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

        // Actuals: only once the solution is being implemented or runs.
        let measured = matches!(
            p.status,
            Status::IImplementering | Status::IDrift | Status::GevinstRealiseret
        );
        let mut actuals = Vec::new();
        if measured {
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
                .filter(|y| plan.covers(*y))
                .collect();
            let overrun = p.technology == CHATBOT
                && p.status == Status::IDrift
                && years.contains(&2025)
                && !overrun_chatbot_done;
            overrun_chatbot_done |= overrun;
            for year in years {
                // The first measured benefit carries the potential's invisible work.
                let mut invisible = planned_invisible_hours(case, year);
                let mut invisible_note = String::new();
                if overrun && year == 2025 {
                    let planned = invisible;
                    invisible = (planned * Decimal::new(16, 1)).round_dp(0).max(kr(300));
                    invisible_note = format!(
                        " Usynligt arbejde: AI-bottræning og rettelse af fejlsvar tog {} timer \
                         mod planlagt {} timer. Det ekstra arbejde har spist en del af \
                         chatbottens gevinst, og derfor er intet hjemtaget i år.",
                        format_decimal(invisible, 0),
                        format_decimal(planned, 0)
                    );
                } else if !invisible.is_zero() {
                    let pct = rng.gen_range(90..=125);
                    invisible = (invisible * hundredths(pct)).round_dp(0);
                }
                for (bi, b) in plan.benefits.iter().enumerate() {
                    let Some(target) = b.targets.iter().find(|y| y.year == year) else {
                        continue;
                    };
                    let pct = if overrun {
                        rng.gen_range(90..=100)
                    } else {
                        realisation_pct(&mut rng, outcome)
                    };
                    let (hours, kr_, fte, value) =
                        realised_amounts(b.kind, target.amount, target.kr, pct);
                    let inv = if bi == 0 { invisible } else { Decimal::ZERO };
                    let mut note = if overrun {
                        "Chatbotten besvarer omtrent så mange henvendelser som planlagt.".to_owned()
                    } else if bi == 0 || outcome != Outcome::OnPlan {
                        deviation_note(&mut rng, p.technology, outcome)
                    } else {
                        String::new()
                    };
                    if bi == 0 {
                        note.push_str(&invisible_note);
                    }
                    // Part of a hjemtagbar gain is taken out of the budget; the rest of the
                    // freed value is reinvested and never counted as harvested.
                    // Harvests never exceed the gain net of the invisible work it carries.
                    let net = value - inv * econ.hourly_rate();
                    let (harvested, reference, harvested_on) =
                        if b.hjemtagbar && !overrun && net > Decimal::ZERO && rng.gen_bool(0.7) {
                            let share = hundredths(rng.gen_range(50..=100));
                            let amount =
                                ((net * share) / Decimal::from(1000)).floor() * Decimal::from(1000);
                            let (reference, on) =
                                harvest_decision(year, p.fagomraade, rng.gen_range(0..2));
                            (amount, reference, on)
                        } else {
                            (Decimal::ZERO, String::new(), None)
                        };
                    if harvested.is_zero() && value > Decimal::ZERO && !overrun {
                        let why = match (b.hjemtagbar, b.kind) {
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
                        };
                        note.push_str(why);
                    }
                    let note = note.trim().to_owned();
                    let periods: Vec<(Period, u32)> = if quarterly && year == 2025 {
                        vec![
                            (Period::Quarter(year, 1), 22),
                            (Period::Quarter(year, 2), 24),
                            (Period::Quarter(year, 3), 26),
                            (Period::Quarter(year, 4), 28),
                        ]
                    } else {
                        vec![(Period::Year(year), 100)]
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
                    for (i, (period, w)) in periods.iter().enumerate() {
                        let is_last = i == last;
                        let draft = ActualDraft {
                            line: Some(b.line),
                            period: Some(*period),
                            hours: Some(part(hours, *w, i, 0, &mut sh)),
                            kr: Some(part(kr_, *w, i, 0, &mut sk)),
                            fte: Some(part(fte, *w, i, 2, &mut sf)),
                            invisible_hours: Some(part(inv, *w, i, 0, &mut si)),
                            harvested: Some(if is_last { harvested } else { Decimal::ZERO }),
                            budget_reference: if is_last {
                                reference.clone()
                            } else {
                                String::new()
                            },
                            harvested_on: if is_last { harvested_on } else { None },
                            note: if is_last { note.clone() } else { String::new() },
                        };
                        let actual = draft.validate(&plan).map_err(|e| {
                            AppError::Internal(format!(
                                "demo actual for {:?} is invalid: {e:?}",
                                p.title
                            ))
                        })?;
                        actuals.push(actual);
                    }
                }
            }
        }
        plans.push(DemoPlan {
            potential: *id,
            plan,
            actuals,
        });
    }

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
    let programme = draft
        .validate()
        .map_err(|e| AppError::Internal(format!("the demo programme is invalid: {e:?}")))?;
    Ok(DemoProgramme { programme, plans })
}

// ---------------------------------------------------------------------------------------
// Loading

/// The ids the store gave the demo's records, for validating the drafts.
struct DemoRefs {
    units: BTreeSet<UnitId>,
    fagomraader: BTreeSet<FagomraadeId>,
    technologies: BTreeSet<TechnologyId>,
    users: BTreeSet<UserId>,
}

impl References for DemoRefs {
    fn unit(&self, id: UnitId) -> bool {
        self.units.contains(&id)
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        self.fagomraader.contains(&id)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        self.technologies.contains(&id)
    }
    fn user(&self, id: UserId) -> bool {
        self.users.contains(&id)
    }
}

/// Ids of a per-tenant list in the order of `names`, matched by name (`None` if missing).
async fn catalogue_ids(
    store: &dyn Store,
    tenant: gevinst_domain::TenantId,
    which: Catalogue,
    names: &[&str],
) -> Result<Vec<Option<i64>>> {
    let items = store.list_catalogue(tenant, which).await?;
    Ok(names
        .iter()
        .map(|n| items.iter().find(|i| i.name == *n).map(|i| i.id))
        .collect())
}

/// Fills an empty database with the demo tenant. Returns `None`, changing nothing, when
/// the database already holds any tenant.
pub async fn load_demo(store: &dyn Store) -> Result<Option<DemoReport>> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    let data = generate(DEMO_SEED, DEMO_POTENTIALS);
    let slug = Slug::parse(DEMO_TENANT_SLUG)?;
    let tenant = store.create_tenant(&slug, DEMO_TENANT_NAME).await?;

    let mut unit_ids: Vec<UnitId> = Vec::with_capacity(data.units.len());
    for u in &data.units {
        let parent = u.parent.map(|p| unit_ids[p]);
        let created = store.create_unit(tenant.id, None, parent, u.name).await?;
        unit_ids.push(created.id);
    }
    let known_units: BTreeSet<UnitId> = unit_ids.iter().copied().collect();

    let mut user_ids: Vec<UserId> = Vec::with_capacity(data.users.len());
    let mut logins = Vec::with_capacity(data.users.len());
    for u in &data.users {
        let draft = NewUserDraft {
            email: u.email.to_owned(),
            name: u.name.to_owned(),
            role: u.role.as_str().to_owned(),
            units: u.units.iter().map(|i| unit_ids[*i]).collect(),
        };
        let valid = draft.validate(|id| known_units.contains(&id))?;
        let hash = crate::auth::hash_password(DEMO_PASSWORD)?;
        let created = store.create_user(tenant.id, None, &valid, &hash).await?;
        user_ids.push(created.id);
        logins.push((u.email.to_owned(), u.role.label().to_owned()));
    }

    let fag = catalogue_ids(
        store,
        tenant.id,
        Catalogue::Fagomraader,
        &DEFAULT_FAGOMRAADER,
    )
    .await?;
    let tech = catalogue_ids(
        store,
        tenant.id,
        Catalogue::Technologies,
        &DEFAULT_TECHNOLOGIES,
    )
    .await?;
    let refs = DemoRefs {
        units: known_units,
        fagomraader: fag.iter().flatten().map(|id| FagomraadeId(*id)).collect(),
        technologies: tech.iter().flatten().map(|id| TechnologyId(*id)).collect(),
        users: user_ids.iter().copied().collect(),
    };

    let mut rows: Vec<(ValidPotential, Status, Option<UserId>)> =
        Vec::with_capacity(data.potentials.len());
    for p in &data.potentials {
        let draft = PotentialDraft {
            title: p.title.clone(),
            description: p.description.clone(),
            unit_id: Some(unit_ids[p.unit]),
            fagomraade_id: fag.get(p.fagomraade).copied().flatten().map(FagomraadeId),
            technology_id: tech.get(p.technology).copied().flatten().map(TechnologyId),
            source: Some(p.source.as_str().to_owned()),
            benefit_owner: p.benefit_owner.map(|i| user_ids[i]),
            digital_agent: p.digital_agent.map(|i| user_ids[i]),
            tags: p.tags.clone(),
        };
        let valid = draft.validate(&refs).map_err(|e| {
            AppError::Internal(format!("demo potential {:?} is invalid: {e}", p.title))
        })?;
        rows.push((valid, p.status, p.submitted_by.map(|i| user_ids[i])));
    }
    let created = store.create_potentials(tenant.id, None, &rows).await?;

    // Business cases, validated against the tenant's economics like a client's draft.
    let (economics, _) = store.economics(tenant.id).await?;
    let mut business_cases = 0;
    for (p, id) in data.potentials.iter().zip(&created) {
        let Some(case) = &p.business_case else {
            continue;
        };
        let valid = business_case_draft(case)
            .validate(&economics)
            .map_err(|e| {
                AppError::Internal(format!("demo business case {:?} is invalid: {e}", p.title))
            })?;
        let entry = AuditDraft {
            entity: EntityKind::BusinessCase,
            entity_id: id.0,
            action: AuditAction::Create,
            user_id: None,
            actor: None,
            changes: audit::created(&valid),
            reason: None,
        };
        store
            .put_business_case(tenant.id, None, *id, None, &valid, &entry)
            .await?;
        business_cases += 1;
    }

    // The programme with its benefit plans and actuals.
    let demo = demo_programme(&data, &unit_ids, &user_ids, &created, &economics)?;
    let mut actuals = 0;
    for p in &demo.plans {
        let entry = AuditDraft {
            entity: EntityKind::BenefitPlan,
            entity_id: p.potential.0,
            action: AuditAction::Create,
            user_id: None,
            actor: None,
            changes: audit::created(&p.plan),
            reason: None,
        };
        store
            .put_benefit_plan(tenant.id, None, p.potential, None, &p.plan, &entry)
            .await?;
        for a in &p.actuals {
            store.add_actual(tenant.id, None, p.potential, a).await?;
            actuals += 1;
        }
    }
    store
        .create_programme(tenant.id, None, &demo.programme)
        .await?;

    Ok(Some(DemoReport {
        tenant_slug: DEMO_TENANT_SLUG.to_owned(),
        logins,
        password: DEMO_PASSWORD.to_owned(),
        potentials: created.len(),
        business_cases,
        benefit_plans: demo.plans.len(),
        actuals,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::business_case::{evaluate, Economics};

    struct IndexRefs;
    impl References for IndexRefs {
        fn unit(&self, _: UnitId) -> bool {
            true
        }
        fn fagomraade(&self, _: FagomraadeId) -> bool {
            true
        }
        fn technology(&self, _: TechnologyId) -> bool {
            true
        }
        fn user(&self, _: UserId) -> bool {
            true
        }
    }

    fn demo() -> DemoData {
        generate(DEMO_SEED, DEMO_POTENTIALS)
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(demo(), demo());
        assert_ne!(
            demo().potentials,
            generate(DEMO_SEED + 1, DEMO_POTENTIALS).potentials
        );
    }

    #[test]
    fn enough_potentials_with_unique_titles() {
        let d = demo();
        assert!(d.potentials.len() >= 300);
        let titles: BTreeSet<&str> = d.potentials.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), d.potentials.len(), "titles must be unique");
    }

    #[test]
    fn every_status_technology_fagomraade_source_and_unit_occurs() {
        let d = demo();
        for s in Status::ALL {
            assert!(
                d.potentials.iter().any(|p| p.status == s),
                "status {s:?} missing"
            );
        }
        for t in 0..DEFAULT_TECHNOLOGIES.len() {
            assert!(
                d.potentials.iter().any(|p| p.technology == t),
                "technology {t} missing"
            );
        }
        for f in 0..DEFAULT_FAGOMRAADER.len() {
            assert!(
                d.potentials.iter().any(|p| p.fagomraade == f),
                "fagområde {f} missing"
            );
        }
        for s in Source::ALL {
            assert!(
                d.potentials.iter().any(|p| p.source == s),
                "source {s:?} missing"
            );
        }
        for (i, u) in d.units.iter().enumerate() {
            assert!(
                d.potentials.iter().any(|p| p.unit == i),
                "unit {} has no potentials",
                u.name
            );
        }
        // A funnel: more ideas than realised gains.
        let count = |s| d.potentials.iter().filter(|p| p.status == s).count();
        assert!(count(Status::Ide) > count(Status::Besluttet));
        assert!(count(Status::Vurderet) > count(Status::GevinstRealiseret));
    }

    #[test]
    fn organisation_and_users_are_sound() {
        let d = demo();
        let names: BTreeSet<&str> = d.units.iter().map(|u| u.name).collect();
        assert_eq!(names.len(), d.units.len(), "unit names must be unique");
        for (i, u) in d.units.iter().enumerate() {
            assert!(u.parent.is_none_or(|p| p < i), "parents come first");
        }
        let tops = d.units.iter().filter(|u| u.parent.is_none()).count();
        assert!((4..=5).contains(&tops));
        // Every unit name used by an area or a user exists.
        for area in AREAS {
            for n in area.units {
                assert!(names.contains(n), "unknown unit {n}");
            }
        }
        let roles: Vec<Role> = d.users.iter().map(|u| u.role).collect();
        assert_eq!(roles, Role::ALL.to_vec());
        for u in &d.users {
            assert_eq!(u.units.is_empty(), !u.role.is_unit_scoped(), "{}", u.email);
        }
        assert!(gevinst_domain::user::validate_password(
            DEMO_PASSWORD,
            &["admin@eksempel.dk", "eksempel"]
        )
        .is_ok());
        // The leder owns benefits and the agent follows potentials in their own units.
        assert!(d.potentials.iter().any(|p| p.benefit_owner == Some(LEDER)));
        assert!(d.potentials.iter().any(|p| p.digital_agent == Some(AGENT)));
    }

    #[test]
    fn every_draft_validates_and_texts_are_reasonable() {
        for p in demo().potentials {
            let draft = PotentialDraft {
                title: p.title.clone(),
                description: p.description.clone(),
                unit_id: Some(UnitId(p.unit as i64)),
                fagomraade_id: Some(FagomraadeId(p.fagomraade as i64)),
                technology_id: Some(TechnologyId(p.technology as i64)),
                source: Some(p.source.as_str().to_owned()),
                benefit_owner: p.benefit_owner.map(|i| UserId(i as i64)),
                digital_agent: p.digital_agent.map(|i| UserId(i as i64)),
                tags: p.tags.clone(),
            };
            let v = draft
                .validate(&IndexRefs)
                .unwrap_or_else(|e| panic!("{}: {e}", p.title));
            assert_eq!(v.title, p.title, "titles are already clean");
            assert!(
                !p.description.contains('{'),
                "unfilled placeholder in {}",
                p.title
            );
            let sentences = sentence_count(&p.description);
            assert!((2..=4).contains(&sentences), "{}", p.description);
            assert!(
                p.title.chars().next().is_some_and(char::is_uppercase),
                "{}",
                p.title
            );
        }
    }

    #[test]
    fn every_potential_from_business_case_onwards_has_a_case() {
        let d = demo();
        let with = d
            .potentials
            .iter()
            .filter(|p| p.business_case.is_some())
            .count();
        assert!(with >= 60, "only {with} business cases");
        for p in &d.potentials {
            assert_eq!(
                p.business_case.is_some(),
                has_business_case(p.status),
                "{} ({:?})",
                p.title,
                p.status
            );
        }
    }

    fn cases() -> Vec<(DemoPotential, BusinessCase)> {
        demo()
            .potentials
            .into_iter()
            .filter_map(|p| p.business_case.clone().map(|c| (p, c)))
            .collect()
    }

    #[test]
    fn every_case_round_trips_through_validation() {
        let econ = Economics::default();
        for (p, case) in cases() {
            let valid = business_case_draft(&case)
                .validate(&econ)
                .unwrap_or_else(|e| panic!("{}: {e}", p.title));
            assert_eq!(valid, case, "{}", p.title);
            assert!((2024..=2026).contains(&case.start_year), "{}", p.title);
            assert!([3, 5, 8].contains(&case.horizon), "{}", p.title);
            assert!(case.risks.len() <= 3, "{}", p.title);
            for l in &case.lines {
                assert!(l.low <= Decimal::ONE && l.high >= Decimal::ONE);
                if l.kind.is_benefit() {
                    assert!(l.low >= Decimal::new(6, 1) && l.low <= Decimal::new(9, 1));
                    assert!(l.high >= Decimal::new(11, 1) && l.high <= Decimal::new(15, 1));
                }
            }
            // Every case has an investment and a benefit.
            assert!(case.lines.iter().any(|l| l.kind == LineKind::Investering));
            assert!(case.lines.iter().any(|l| l.kind.is_benefit()));
        }
    }

    #[test]
    fn cases_mix_kinds_categories_and_outcomes() {
        let econ = Economics::default();
        let all = cases();
        let lines: Vec<&Line> = all.iter().flat_map(|(_, c)| &c.lines).collect();
        for kind in LineKind::ALL {
            assert!(lines.iter().any(|l| l.kind == kind), "{kind:?} missing");
        }
        for cat in [
            InvisibleCategory::Oprydning,
            InvisibleCategory::Kompensation,
            InvisibleCategory::Forbindelse,
        ] {
            assert!(lines.iter().any(|l| l.category == Some(cat)), "{cat:?}");
        }
        assert!(lines.iter().any(|l| l.hjemtagbar));
        assert!(lines.iter().any(|l| l.kind.is_benefit() && !l.hjemtagbar));
        for tech in [RPA, CHATBOT, VIDEO, VELFAERD, SELVBETJENING, INTEGRATION] {
            assert!(all.iter().any(|(p, _)| p.technology == tech), "{tech}");
        }
        // Every chatbot pays an AI-bottræner out of its gain.
        for (p, c) in all.iter().filter(|(p, _)| p.technology == CHATBOT) {
            assert!(
                c.lines.iter().any(|l| l.label.starts_with("AI-bottræner")
                    && l.category == Some(InvisibleCategory::Kompensation)),
                "{}",
                p.title
            );
        }
        for n in 0..=3 {
            assert!(all.iter().any(|(_, c)| c.risks.len() == n), "{n} risks");
        }
        for h in [3, 5, 8] {
            assert!(all.iter().any(|(_, c)| c.horizon == h), "horizon {h}");
        }
        let npvs: Vec<Decimal> = all
            .iter()
            .map(|(_, c)| evaluate(c, &econ).unwrap().npv)
            .collect();
        let negative = npvs.iter().filter(|n| n.is_sign_negative()).count();
        assert!(negative >= 3, "only {negative} negative NPVs");
        assert!(
            negative * 4 < npvs.len(),
            "{negative} of {} negative",
            npvs.len()
        );
        assert!(all
            .iter()
            .any(|(_, c)| evaluate(c, &econ).unwrap().invisible_share > Some(Decimal::new(2, 1))));
    }

    #[tokio::test]
    async fn load_demo_stores_the_business_cases_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            gevinst_store::connect(&format!("sqlite://{}/demo.db", dir.path().display()), true)
                .await
                .expect("store");
        let report = load_demo(store.as_ref())
            .await
            .expect("load")
            .expect("empty database");
        let expected = demo()
            .potentials
            .iter()
            .filter(|p| p.business_case.is_some())
            .count();
        assert_eq!(report.business_cases, expected);
        let tenant = store
            .tenant_by_slug(DEMO_TENANT_SLUG)
            .await
            .expect("tenant");
        let stored = store.list_business_cases(tenant.id).await.expect("cases");
        assert_eq!(stored.len(), expected);
        assert!(load_demo(store.as_ref()).await.expect("again").is_none());
    }

    #[test]
    fn demo_programme_is_deterministic_and_valid() {
        let d = demo();
        let units: Vec<UnitId> = (0..d.units.len() as i64).map(|i| UnitId(i + 1)).collect();
        let users: Vec<UserId> = (0..d.users.len() as i64).map(|i| UserId(i + 1)).collect();
        let ids: Vec<PotentialId> = (0..d.potentials.len() as i64)
            .map(|i| PotentialId(i + 1))
            .collect();
        let econ = Economics::default();
        let a = demo_programme(&d, &units, &users, &ids, &econ).expect("programme");
        let b = demo_programme(&d, &units, &users, &ids, &econ).expect("programme");
        assert_eq!(a, b);
        let decided = d
            .potentials
            .iter()
            .filter(|p| counts_as_decided(p.status))
            .count();
        assert_eq!(a.plans.len(), decided);
        assert!(a
            .plans
            .iter()
            .any(|p| p.plan.frequency == MeasurementFrequency::Quarterly));
        for p in &a.plans {
            assert!(p.plan.validate().is_empty());
            for actual in &p.actuals {
                assert!(DEMO_ACTUAL_YEARS.contains(&actual.period.year()));
                assert!(actual.harvested >= Decimal::ZERO);
            }
        }
    }

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(5), "5");
        assert_eq!(thousands(1234), "1.234");
        assert_eq!(thousands(1234567), "1.234.567");
    }
}
