//! One definition of every word the figures use (*ordliste*).
//!
//! The programme page, the programme report, the workbook, the glossary page (`/ordliste`)
//! and the API documentation all take their wording from here, so "Realiseret" means the
//! same thing wherever a controller reads it.

/// A word and its one definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The word as the UI writes it, e.g. `"Realiseret"`.
    pub word: &'static str,
    /// A URL fragment for linking to the word on the glossary page, e.g. `"realiseret"`.
    pub anchor: &'static str,
    /// The definition, one or two Danish sentences.
    pub definition: &'static str,
    /// The same definition in English for the API documentation (empty where the API
    /// has no such figure). The API's doc comments repeat it word for word, and a test
    /// holds them to it.
    pub english: &'static str,
}

/// *Planlagt*.
pub const PLANLAGT: Term = Term {
    word: "Planlagt",
    anchor: "planlagt",
    definition: "Den årlige gevinst efter business casene for alle potentialer i programmet \
                 undtagen afviste og parkerede.",
    english: "",
};

/// *Besluttet*.
pub const BESLUTTET: Term = Term {
    word: "Besluttet",
    anchor: "besluttet",
    definition: "Den årlige gevinst efter business casene for potentialer med status \
                 besluttet eller senere (i implementering, i drift, gevinst realiseret).",
    english: "",
};

/// *Realiseret*.
pub const REALISERET: Term = Term {
    word: "Realiseret",
    anchor: "realiseret",
    definition: "Den målte gevinst i året: de registrerede målinger (frigjort tid og \
                 årsværk omregnet til kr., direkte besparelser) minus det målte usynlige \
                 arbejde og minus årets planlagte drift. Målinger, der afventer godkendelse, \
                 tæller ikke med. Kan være negativ.",
    english: "Realised (Realiseret): the measured gain of the year: the recorded actuals \
              (freed time and årsværk at the tenant's rates, direct savings) minus the \
              invisible work measured and minus the year's planned drift. Actuals awaiting \
              approval do not count. May be negative.",
};

/// *Hjemtaget*.
pub const HJEMTAGET: Term = Term {
    word: "Hjemtaget",
    anchor: "hjemtaget",
    definition: "Beløb, der faktisk er taget ud af et budget, med budgetreference og dato. \
                 Det registreres for sig og trækker ikke drift eller usynligt arbejde fra; \
                 derfor kan hjemtaget være større end realiseret, fx når budgettet er \
                 reduceret efter planen, før gevinsten er målt.",
    english: "Harvested (Hjemtaget): kr. actually removed from a budget, with a budget \
              reference and a date. Recorded apart from the realised gain, without drift or \
              invisible work subtracted, so it can exceed the realised gain.",
};

/// *Frigjort, ikke hjemtaget*.
pub const FRIGJORT: Term = Term {
    word: "Frigjort, ikke hjemtaget",
    anchor: "frigjort",
    definition: "Realiseret minus hjemtaget: gevinst, typisk frigjort tid, som er \
                 geninvesteret i kvalitet i stedet for at blive taget ud af budgettet.",
    english: "Freed, not harvested (Frigjort, ikke hjemtaget): realised − harvested, a gain \
              (typically freed time) reinvested in quality instead of removed from the \
              budget.",
};

/// *Usynligt arbejde*.
pub const USYNLIGT_ARBEJDE: Term = Term {
    word: "Usynligt arbejde",
    anchor: "usynligt-arbejde",
    definition: "Oprydning, kompensation og forbindelsesarbejde, som en løsning skaber. Det \
                 tælles i timer, koster timeprisen og trækkes fra gevinsten og fra de \
                 frigjorte årsværk.",
    english: "",
};

/// *Frigjorte årsværk*.
pub const AARSVAERK: Term = Term {
    word: "Frigjorte årsværk",
    anchor: "aarsvaerk",
    definition: "Frigjorte timer divideret med timer pr. årsværk plus frigjorte årsværk minus \
                 usynligt arbejde i timer divideret med timer pr. årsværk. Negativ, når det \
                 usynlige arbejde er større end den frigjorte tid, også selvom gevinsten i kr. \
                 er positiv (den tæller også besparelser i kr.).",
    english: "",
};

/// *Fuld effekt*.
pub const FULD_EFFEKT: Term = Term {
    word: "Fuld effekt",
    anchor: "fuld-effekt",
    definition: "Den årlige nettogevinst i kr. i business casens sidste år: alle gevinster \
                 minus drift og usynligt arbejde, uden investeringen.",
    english: "",
};

/// *Prognose* and its percentiles.
pub const PROGNOSE: Term = Term {
    word: "Prognose (P10, P50, P90)",
    anchor: "prognose",
    definition: "En simulering af den årlige gevinst med business casenes usikkerhed og \
                 sandsynligheden for, at hvert potentiale gennemføres. P50 er det midterste \
                 udfald, P10 et dårligt og P90 et godt år. Afsluttede år er de registrerede \
                 målinger; indeværende år er målingerne indtil nu plus prognosen for resten.",
    english: "",
};

/// *Sandsynlighed*.
pub const SANDSYNLIGHED: Term = Term {
    word: "Sandsynlighed",
    anchor: "sandsynlighed",
    definition: "Andelen af simuleringerne, der når målet, i hele procent. \"Over 99 %\" og \
                 \"under 1 %\" betyder næsten sikkert og næsten udelukket; kun det sikre \
                 skrives 100 % eller 0 %.",
    english: "",
};

/// *Startværdi* of a simulation.
pub const STARTVAERDI: Term = Term {
    word: "Startværdi",
    anchor: "startvaerdi",
    definition: "Tallet, simuleringen starter sine tilfældige tal fra. Samme startværdi og \
                 samme data giver samme resultat.",
    english: "",
};

/// *Bagud* and *foran*.
pub const AFVIGELSE: Term = Term {
    word: "Bagud / foran",
    anchor: "afvigelse",
    definition: "Afstanden mellem målet og det realiserede (eller besluttede): \"2,0 mio. kr. \
                 bagud\" betyder, at der mangler 2,0 mio. kr. for at nå målet.",
    english: "",
};

/// *Trafiklys*: the rule of [`crate::programme::Light`], in words. The front page and the
/// programme page show it as the legend under their lights.
pub const TRAFIKLYS: Term = Term {
    word: "Trafiklys",
    anchor: "trafiklys",
    definition: "En forvaltnings (eller et fagområdes) andel af målet efter fordelingsnøglen, \
                 holdt op mod dens besluttede og planlagte gevinst i målets frist-år. Grøn: \
                 de besluttede potentialer dækker andelen. Gul: andelen er kun dækket, hvis \
                 de planlagte potentialer også besluttes. Rød: heller ikke hele planen \
                 dækker andelen, så der skal findes nye potentialer.",
    english: "",
};

/// Every word, in the order the glossary page lists them.
pub const TERMS: &[Term] = &[
    PLANLAGT,
    BESLUTTET,
    REALISERET,
    HJEMTAGET,
    FRIGJORT,
    USYNLIGT_ARBEJDE,
    AARSVAERK,
    FULD_EFFEKT,
    PROGNOSE,
    SANDSYNLIGHED,
    STARTVAERDI,
    AFVIGELSE,
    TRAFIKLYS,
];

/// `"Word: definition"`, as hints under a table write it.
pub fn hint(t: &Term) -> String {
    format!("{}: {}", t.word, t.definition)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_word_and_anchor_is_unique() {
        let words: BTreeSet<_> = TERMS.iter().map(|t| t.word).collect();
        let anchors: BTreeSet<_> = TERMS.iter().map(|t| t.anchor).collect();
        assert_eq!(words.len(), TERMS.len());
        assert_eq!(anchors.len(), TERMS.len());
        for t in TERMS {
            assert!(t
                .anchor
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert!(t.definition.ends_with('.'), "{}", t.word);
            assert!(!t.definition.contains("  "), "{}", t.word);
        }
    }
}
