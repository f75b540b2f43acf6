//! The demo tenant: `gevinst serve --demo` on an empty database.
//!
//! [`generate`] builds the whole demo as plain data, deterministically from a seed: the
//! organisation of "Eksempel Kommune" (five forvaltninger with their enheder), one user per
//! role, and [`DEMO_POTENTIALS`] potentials with Danish titles and descriptions composed
//! from per-area and per-technology templates. It does no I/O, so tests can check it.
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
use gevinst_domain::{
    potential::References, FagomraadeId, NewUserDraft, PotentialDraft, Role, Slug, Source, Status,
    TechnologyId, UnitId, UserId, ValidPotential, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES,
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
        if i > 0 && (digits.len() - i) % 3 == 0 {
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
        });
    }
    DemoData {
        units,
        users,
        potentials,
    }
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

    Ok(Some(DemoReport {
        tenant_slug: DEMO_TENANT_SLUG.to_owned(),
        logins,
        password: DEMO_PASSWORD.to_owned(),
        potentials: created.len(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(gevinst_domain::user::validate_password(DEMO_PASSWORD).is_ok());
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
    fn thousands_separator() {
        assert_eq!(thousands(5), "5");
        assert_eq!(thousands(1234), "1.234");
        assert_eq!(thousands(1234567), "1.234.567");
    }
}
