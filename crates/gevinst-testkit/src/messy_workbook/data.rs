//! The names the messy workbook draws from: the demo's organisation as the file writes it,
//! the catalogue values and their near-copies, status words, reasons, owners and the words
//! titles are made of.

use std::collections::BTreeSet;

use gevinst_domain::Status;

/// How the file names a unit, and where it belongs in the demo's organisation.
pub(super) struct UnitSpec {
    pub(super) forvaltning: &'static str,
    pub(super) enhed: &'static str,
    pub(super) path: &'static [&'static str],
    pub(super) fagomraader: &'static [(&'static str, &'static str)],
}

pub(super) const SSAE: &str = "Social, Sundhed og Ældre";
pub(super) const BU: &str = "Børn og Unge";
pub(super) const TM: &str = "Teknik og Miljø";
pub(super) const BB: &str = "Beskæftigelse og Borgerservice";
pub(super) const OA: &str = "Økonomi og Administration";
pub(super) const KF: &str = "Kultur og Fritid";

pub(super) const F_SOC: &[(&str, &str)] = &[
    ("Social og sundhed", "Social og sundhed"),
    ("social og sundhed", "Social og sundhed"),
];
pub(super) const F_BOERN: &[(&str, &str)] = &[("Børn og kultur", "Børn og kultur")];
pub(super) const F_TEK: &[(&str, &str)] = &[
    ("Teknik og miljø", "Teknik og miljø"),
    ("teknik og miljø ", "Teknik og miljø"),
];
pub(super) const F_BESK: &[(&str, &str)] = &[("Beskæftigelse", "Beskæftigelse")];
pub(super) const F_ADM: &[(&str, &str)] = &[
    ("Administration", "Administration/tværgående"),
    ("Tværgående", "Administration/tværgående"),
    ("Administration/tværgående", "Administration/tværgående"),
];

/// Every (forvaltning, enhed) the file uses. The first rows of the file go through them
/// in order, so each appears at least once.
pub(super) const UNITS: &[UnitSpec] = &[
    UnitSpec {
        forvaltning: SSAE,
        enhed: "Hjemmeplejen Nord",
        path: &[SSAE, "Hjemmeplejen", "Hjemmeplejen Nord"],
        fagomraader: F_SOC,
    },
    UnitSpec {
        forvaltning: SSAE,
        enhed: "Hjemmeplejen",
        path: &[SSAE, "Hjemmeplejen"],
        fagomraader: F_SOC,
    },
    UnitSpec {
        forvaltning: SSAE,
        enhed: "Plejecenter Solbakken",
        path: &[SSAE, "Plejecentre", "Plejecenter Solbakken"],
        fagomraader: F_SOC,
    },
    // A near-copy: the demo's unit is "Sygepleje og Rehabilitering".
    UnitSpec {
        forvaltning: SSAE,
        enhed: "Sygeplejen",
        path: &[SSAE, "Sygepleje og Rehabilitering"],
        fagomraader: F_SOC,
    },
    UnitSpec {
        forvaltning: "social, sundhed og ældre",
        enhed: "Socialpsykiatri",
        path: &[SSAE, "Socialpsykiatri"],
        fagomraader: F_SOC,
    },
    UnitSpec {
        forvaltning: SSAE,
        enhed: "Visitation og Hjælpemidler",
        path: &[SSAE, "Visitation og Hjælpemidler"],
        fagomraader: F_SOC,
    },
    // A near-copy: the demo's unit is "Skoler".
    UnitSpec {
        forvaltning: BU,
        enhed: "Skoleafdelingen",
        path: &[BU, "Skoler"],
        fagomraader: F_BOERN,
    },
    UnitSpec {
        forvaltning: BU,
        enhed: "Dagtilbud Øst",
        path: &[BU, "Dagtilbud", "Dagtilbud Øst"],
        fagomraader: F_BOERN,
    },
    UnitSpec {
        forvaltning: "Børn og Unge ",
        enhed: "Familieafdelingen",
        path: &[BU, "Familieafdelingen"],
        fagomraader: F_BOERN,
    },
    UnitSpec {
        forvaltning: BU,
        enhed: "PPR",
        path: &[BU, "PPR"],
        fagomraader: F_BOERN,
    },
    UnitSpec {
        forvaltning: TM,
        enhed: "Vej og Park",
        path: &[TM, "Vej og Park"],
        fagomraader: F_TEK,
    },
    UnitSpec {
        forvaltning: TM,
        enhed: "Affald og Genbrug",
        path: &[TM, "Affald og Genbrug"],
        fagomraader: F_TEK,
    },
    // New: an enhed under an existing forvaltning.
    UnitSpec {
        forvaltning: TM,
        enhed: "Beredskab",
        path: &[TM, "Beredskab"],
        fagomraader: F_TEK,
    },
    UnitSpec {
        forvaltning: BB,
        enhed: "Borgerservice",
        path: &[BB, "Borgerservice"],
        fagomraader: F_BESK,
    },
    UnitSpec {
        forvaltning: BB,
        enhed: "Jobcenter",
        path: &[BB, "Jobcenter"],
        fagomraader: F_BESK,
    },
    UnitSpec {
        forvaltning: BB,
        enhed: "Ydelseskontoret",
        path: &[BB, "Ydelseskontoret"],
        fagomraader: F_BESK,
    },
    UnitSpec {
        forvaltning: OA,
        enhed: "IT og Digitalisering",
        path: &[OA, "IT og Digitalisering"],
        fagomraader: F_ADM,
    },
    UnitSpec {
        forvaltning: OA,
        enhed: "Løn og Personale",
        path: &[OA, "Løn og Personale"],
        fagomraader: F_ADM,
    },
    // The forvaltning itself: no enhed.
    UnitSpec {
        forvaltning: OA,
        enhed: "",
        path: &[OA],
        fagomraader: F_ADM,
    },
    // New: a forvaltning and its enheder.
    UnitSpec {
        forvaltning: KF,
        enhed: "Biblioteker",
        path: &[KF, "Biblioteker"],
        fagomraader: F_BOERN,
    },
    UnitSpec {
        forvaltning: KF,
        enhed: "Idrætsanlæg",
        path: &[KF, "Idrætsanlæg"],
        fagomraader: F_BOERN,
    },
];

/// The unit paths a correct import creates (parents before children).
pub(super) const NEW_UNITS: &[&[&str]] = &[
    &[TM, "Beredskab"],
    &[KF],
    &[KF, "Biblioteker"],
    &[KF, "Idrætsanlæg"],
];

/// The names of the demo's units that the file refers to (every level of every path,
/// without the units the import creates): what a benchmark gives both importers as the
/// known units.
pub fn messy_known_units() -> Vec<String> {
    let new: BTreeSet<&[&str]> = NEW_UNITS.iter().copied().collect();
    let mut out: Vec<String> = Vec::new();
    for u in UNITS {
        for depth in 1..=u.path.len() {
            let name = u.path[depth - 1].to_owned();
            if !new.contains(&u.path[..depth]) && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Technology as written → the demo's technology (or a new one, see [`NEW_TECHNOLOGY`]).
pub(super) const TECHNOLOGIES: &[(&str, &str)] = &[
    ("RPA", "RPA/softwarerobot"),
    ("Chatbot", "Chatbot/AI-assistent"),
    ("IoT", "Sensorer/IoT"),
    ("Velfærdsteknologi", "Velfærdsteknologi"),
    ("Selvbetjening", "Selvbetjening"),
    ("Integration/data", "Integration/data"),
    ("RPA/softwarerobot", "RPA/softwarerobot"),
    (NEW_TECHNOLOGY, NEW_TECHNOLOGY),
    ("", ""),
];

/// The one technology in the file that nothing in the demo resembles.
pub const NEW_TECHNOLOGY: &str = "Droner";

/// Status as written → status. Weighted by how often each shows up.
pub(super) const STATUSES: &[(&str, Status, u32)] = &[
    ("Idé", Status::Ide, 14),
    ("ide", Status::Ide, 6),
    ("Vurderet", Status::Vurderet, 8),
    ("BC", Status::BusinessCase, 6),
    ("Business case", Status::BusinessCase, 4),
    ("business-case", Status::BusinessCase, 3),
    ("godkendt", Status::Besluttet, 6),
    ("Vedtaget", Status::Besluttet, 3),
    ("Besluttet", Status::Besluttet, 4),
    ("i gang", Status::IImplementering, 5),
    ("Implementeres", Status::IImplementering, 3),
    ("i drift", Status::IDrift, 5),
    ("Drift", Status::IDrift, 3),
    ("Afvist", Status::Afvist, 6),
    ("droppet", Status::Afvist, 4),
    ("På hold", Status::Parkeret, 3),
    ("sat i bero", Status::Parkeret, 2),
    ("Parkeret", Status::Parkeret, 2),
];

pub(super) const REASONS: &[&str] = &[
    "For lille potentiale i forhold til investeringen",
    "Afventer ny lovgivning på området",
    "Leverandøren har lukket produktet",
    "Indgår i et andet projekt",
    "Ingen ressourcer i 2024",
];

/// Names of demo users (matched to the user) and names that match no user (kept as a
/// contact name). The second demo name is written in lower case on purpose.
pub(super) const OWNERS_MATCHING: &[(&str, &str)] = &[
    ("Henrik Madsen", "Henrik Madsen"),
    ("sofie jensen", "Sofie Jensen"),
    ("Lars Nielsen", "Lars Nielsen"),
];
pub(super) const OWNERS_UNKNOWN: &[&str] = &[
    "Birgitte Holm",
    "Jens Kristensen",
    "Anne Lauridsen",
    "Ole Bach Poulsen",
];

pub(super) const OBJECTS: &[&str] = &[
    "Ansøgninger om boligstøtte",
    "Kørselsgodtgørelse",
    "Vagtplanlægning",
    "Fakturabehandling",
    "Indgående post",
    "Byggetilladelser",
    "Skoleindskrivning",
    "Bestilling af hjælpemidler",
    "Affaldsafhentning",
    "Vejbelysning",
    "Sygefraværssamtaler",
    "Pladsanvisning",
    "Aktindsigter",
    "Borgerhenvendelser om pas",
    "Medicinhåndtering",
    "Udbetaling af kontanthjælp",
    "Lokalebooking",
    "Magtanvendelsesindberetninger",
    "Rekruttering",
    "Refusioner fra staten",
    "Hærværksanmeldelser",
    "Tilsyn med plejehjem",
    "Klagesager",
    "Udlån af materialer",
];

pub(super) const ACTIONS: &[&str] = &[
    "automatisk sagsoprettelse",
    "digital selvbetjening",
    "robot til dataoverførsel",
    "chatbot til de hyppigste spørgsmål",
    "sensorer giver besked ved behov",
    "fælles skabelon og ny arbejdsgang",
    "integration til fagsystemet",
    "videomøder i stedet for kørsel",
    "automatisk påmindelse til borgeren",
    "tidsbestilling på nettet",
    "ledelsesinformation i ét dashboard",
    "færre manuelle kontroller",
    "digital underskrift",
    "talegenkendelse til notater",
    "samlet indbakke for henvendelser",
    "automatisk journalisering",
];
