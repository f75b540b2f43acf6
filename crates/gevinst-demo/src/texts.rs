//! The Danish texts the potentials are composed from: per-area ideas and per-technology
//! title patterns and sentences.

use crate::organisation::{
    ADM, ANDET, BESK, BOERN, CHATBOT, INTEGRATION, PROCES, RPA, SELVBETJENING, SENSOR, SOC, TALE,
    TEK, VELFAERD, VIDEO,
};

/// A group of units that share a kind of work, with the ideas that fit it: per technology,
/// the objects its title patterns are completed with.
pub(crate) struct Area {
    pub(crate) units: &'static [&'static str],
    pub(crate) fagomraade: usize,
    pub(crate) ideas: &'static [(usize, &'static [&'static str])],
}

pub(crate) const AREAS: &[Area] = &[
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
pub(crate) const TITLE_PATTERNS: [&[&str]; 10] = [
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
pub(crate) const TODAY: [&[&str]; 10] = [
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
pub(crate) const IDEA: [&[&str]; 10] = [
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
pub(crate) fn catalogue_sentence(technology: usize) -> &'static str {
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
pub(crate) const CAVEATS: &[&str] = &[
    "Der skal tages højde for det oprydningsarbejde, som fejl i data kan give.",
    "Løsningen kræver en risikovurdering og en databehandleraftale med leverandøren.",
    "Vær opmærksom på kompensationsarbejde, hvis løsningen ikke dækker alle sagstyper.",
    "Det skal afklares, om gevinsten kan hjemtages, eller om tiden bruges på kerneopgaven.",
    "Borgere uden digitale kompetencer skal fortsat have en personlig kanal.",
    "IT og Digitalisering skal inddrages tidligt på grund af drift og tilsyn.",
];

/// Sentences in our own template text: a full stop followed by a space and a capital
/// (so "ca. 5 kr. mod" is one sentence).
pub(crate) fn sentence_count(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    1 + chars
        .windows(3)
        .filter(|w| w[0] == '.' && w[1] == ' ' && w[2].is_uppercase())
        .count()
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
