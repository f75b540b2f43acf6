//! Similar names: which existing unit, fagområde or technology a name in a file most
//! likely means, so an import suggests it (web) or maps to it (CLI `--create-missing`)
//! instead of creating a near-copy.
//!
//! How two names are compared:
//!
//! 1. **Alternatives.** A known name written with slashes, such as "Chatbot/AI-assistent"
//!    or "Administration/tværgående", is read as the whole name and as each part
//!    ("Chatbot", "AI-assistent"); the best of them counts.
//! 2. **Tokens.** Each name is split into words at spaces and punctuation; each word goes
//!    through [`normalise_key`] (case, accents, æ/ø/å). Filler words ("og", "i", "for",
//!    "til", "af", "med", "på", "and", "of", "the") are dropped.
//! 3. **Stems.** Generic organisational endings of compound words are cut ("Skole*afdelingen*",
//!    "Job*centret*", "Familie*afdeling*": -afdeling(en), -enhed(en), -kontor(et),
//!    -center/-centret/-centre, -sektion(en), -team(et)), and a word that is only such a
//!    word is dropped when others remain. Then one Danish inflection ending is cut
//!    (-erne, -ene, -en, -et, -er, -e, -r), keeping at least three letters, so "Skoler",
//!    "Skole" and "Skoleafdelingen" all become `skol`, "Sygeplejen" and "Sygepleje"
//!    become `sygeplej`.
//! 4. **Word match.** Two stems match when they are equal, or, for stems of five letters
//!    or more, at most one edit apart (two edits from eight letters). Prefixes alone do
//!    not match, so "Skolesundhed" is not "Skoler".
//! 5. **Score.** A file name is similar to an alternative when every one of its words
//!    matches a word of the alternative: the file's name says less than (or as much as)
//!    the known one, as "Sygeplejen" says less than "Sygepleje og Rehabilitering". The
//!    score is the share of the alternative's words covered (100 = the same words). A
//!    file name with a word the known name lacks ("Hjemmeplejen Vest" against
//!    "Hjemmeplejen") is a different thing and not similar.
//!
//! [`closest`] picks the one best-scoring name, or reports a tie; [`similar_names`]
//! lists every similar name, best first, for the suggestions the web pre-selects.
//!
//! ```
//! use gevinst_sheets::import::similar::{closest, Closest};
//! let known = vec!["Chatbot/AI-assistent".to_owned(), "RPA/softwarerobot".to_owned()];
//! assert_eq!(closest("Chatbot", &known), Closest::One("Chatbot/AI-assistent".to_owned()));
//! assert_eq!(closest("Droner", &known), Closest::None);
//! ```

use super::values::{edit_distance, normalise_key};

/// Words that carry no meaning of their own in a name.
const FILLER: &[&str] = &[
    "og", "i", "for", "til", "af", "med", "paa", "and", "of", "the",
];

/// Generic organisational words that end compound unit names, longest first.
const GENERIC: &[&str] = &[
    "afdelingerne",
    "afdelingen",
    "afdeling",
    "sektionen",
    "sektion",
    "kontoret",
    "kontor",
    "centeret",
    "centret",
    "centre",
    "center",
    "enheden",
    "enhed",
    "teamet",
    "team",
];

/// Danish inflection endings, longest first.
const ENDINGS: &[&str] = &["erne", "ene", "en", "et", "er", "e", "r"];

/// The shortest stem a cut may leave.
const MIN_STEM: usize = 3;

fn cut_suffix<'a>(word: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|s| {
        word.strip_suffix(s)
            .filter(|rest| rest.chars().count() >= MIN_STEM)
    })
}

/// The stems of a name (steps 2 and 3 of the module doc), without repeats.
fn stems(name: &str) -> Vec<String> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .map(normalise_key)
        .filter(|w| !w.is_empty() && !FILLER.contains(&w.as_str()))
        .collect();
    let meaningful = words.iter().any(|w| !GENERIC.contains(&w.as_str()));
    let mut out: Vec<String> = Vec::new();
    for w in &words {
        if meaningful && GENERIC.contains(&w.as_str()) {
            continue;
        }
        let base = cut_suffix(w, GENERIC).unwrap_or(w);
        let stem = cut_suffix(base, ENDINGS).unwrap_or(base).to_owned();
        if !out.contains(&stem) {
            out.push(stem);
        }
    }
    out
}

fn stems_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let len = a.chars().count().min(b.chars().count());
    if len < 5 {
        return false;
    }
    let cap = if len >= 8 { 2 } else { 1 };
    edit_distance(a, b, cap) <= cap
}

/// The alternatives of a known name: the whole name, and its `/`-separated parts when
/// there are several.
fn alternatives(known: &str) -> Vec<Vec<String>> {
    let mut out = vec![stems(known)];
    let parts: Vec<&str> = known.split('/').filter(|p| !p.trim().is_empty()).collect();
    if parts.len() > 1 {
        out.extend(parts.iter().map(|p| stems(p)));
    }
    out
}

fn score_stems(raw: &[String], known: &str) -> Option<u32> {
    if raw.is_empty() {
        return None;
    }
    alternatives(known)
        .iter()
        .filter(|alt| !alt.is_empty())
        .filter(|alt| raw.iter().all(|r| alt.iter().any(|a| stems_match(r, a))))
        .map(|alt| {
            let covered = alt
                .iter()
                .filter(|a| raw.iter().any(|r| stems_match(r, a)))
                .count();
            u32::try_from(covered * 100 / alt.len())
                .unwrap_or(100)
                .max(1)
        })
        .max()
}

/// How similar `raw` (a name in a file) is to `known` (an existing name): `None` when it
/// is not, else a score from 1 to 100 (see the module doc). Equal keys score 100.
pub fn similarity(raw: &str, known: &str) -> Option<u32> {
    if normalise_key(raw) == normalise_key(known) && !normalise_key(raw).is_empty() {
        return Some(100);
    }
    score_stems(&stems(raw), known)
}

/// The known names similar to `raw`, best first (ties in the order of `known`).
pub fn similar_names(raw: &str, known: &[String]) -> Vec<String> {
    ranked(raw, known).into_iter().map(|(_, n)| n).collect()
}

fn ranked(raw: &str, known: &[String]) -> Vec<(u32, String)> {
    let key = normalise_key(raw);
    let raw_stems = stems(raw);
    let mut out: Vec<(u32, String)> = known
        .iter()
        .filter_map(|k| {
            // An equal key outranks every other kind of likeness.
            if !key.is_empty() && normalise_key(k) == key {
                return Some((101, k.clone()));
            }
            score_stems(&raw_stems, k).map(|s| (s, k.clone()))
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.0));
    out.dedup_by(|a, b| a.1 == b.1);
    out
}

/// The outcome of [`closest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closest {
    /// Nothing similar exists.
    None,
    /// One name is the most similar.
    One(String),
    /// Several names are equally similar, best first.
    Tied(Vec<String>),
}

/// The one known name most similar to `raw`, a tie between several, or none.
pub fn closest(raw: &str, known: &[String]) -> Closest {
    let ranked = ranked(raw, known);
    let Some(best) = ranked.first().map(|r| r.0) else {
        return Closest::None;
    };
    let mut top: Vec<String> = ranked
        .into_iter()
        .take_while(|r| r.0 == best)
        .map(|r| r.1)
        .collect();
    if top.len() == 1 {
        Closest::One(top.remove(0))
    } else {
        Closest::Tied(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The demo's units (Eksempel Kommune), plus "Skolesundhed" for the negative case.
    fn units() -> Vec<String> {
        names(&[
            "Social, Sundhed og Ældre",
            "Hjemmeplejen",
            "Hjemmeplejen Nord",
            "Hjemmeplejen Syd",
            "Plejecentre",
            "Plejecenter Solbakken",
            "Plejecenter Engly",
            "Sygepleje og Rehabilitering",
            "Socialpsykiatri",
            "Børn og Unge",
            "Dagtilbud Øst",
            "Dagtilbud Vest",
            "Skoler",
            "Skolesundhed",
            "Familieafdelingen",
            "Sundhedsplejen",
            "Jobcenter",
            "Økonomi og Administration",
        ])
    }

    fn catalogue() -> Vec<String> {
        names(&[
            "RPA/softwarerobot",
            "Chatbot/AI-assistent",
            "Skærmbesøg/video",
            "Velfærdsteknologi",
            "Sensorer/IoT",
            "Talegenkendelse",
            "Integration/data",
            "Beskæftigelse",
            "Social og sundhed",
            "Administration/tværgående",
        ])
    }

    fn one(s: &str) -> Closest {
        Closest::One(s.to_owned())
    }

    #[test]
    fn catalogue_short_forms_find_their_slashed_names() {
        let c = catalogue();
        assert_eq!(closest("Chatbot", &c), one("Chatbot/AI-assistent"));
        assert_eq!(closest("RPA", &c), one("RPA/softwarerobot"));
        assert_eq!(closest("IoT", &c), one("Sensorer/IoT"));
        assert_eq!(
            closest("Administration", &c),
            one("Administration/tværgående")
        );
        assert_eq!(closest("Tværgående", &c), one("Administration/tværgående"));
        assert_eq!(closest("softwarerobotter", &c), one("RPA/softwarerobot"));
        assert_eq!(closest("Sensor", &c), one("Sensorer/IoT"));
    }

    #[test]
    fn unit_forms_find_their_units() {
        let u = units();
        assert_eq!(closest("Skoleafdelingen", &u), one("Skoler"));
        assert_eq!(closest("Skole", &u), one("Skoler"));
        assert_eq!(
            closest("Sygeplejen", &u),
            one("Sygepleje og Rehabilitering")
        );
        assert_eq!(closest("Jobcentret", &u), one("Jobcenter"));
        assert_eq!(closest("Familieafdeling", &u), one("Familieafdelingen"));
        assert_eq!(closest("hjemmeplejen", &u), one("Hjemmeplejen"));
        // The one name with the same words beats those that only contain them.
        assert_eq!(closest("Plejecenter", &u), one("Plejecentre"));
        assert_eq!(
            similar_names("Plejecenter", &u),
            names(&["Plejecentre", "Plejecenter Solbakken", "Plejecenter Engly"])
        );
    }

    #[test]
    fn different_things_are_not_similar() {
        let u = units();
        // A prefix is not a match: both exist and are different units.
        assert_eq!(similarity("Skoler", "Skolesundhed"), None);
        assert_eq!(similarity("Skolesundhed", "Skoler"), None);
        assert_eq!(closest("Skolesundhed", &u), one("Skolesundhed"));
        // "Sygeplejen" is not "Sundhedsplejen", though both are some "pleje".
        assert_eq!(similarity("Sygeplejen", "Sundhedsplejen"), None);
        // A name with a word the known one lacks is a new, more specific unit.
        assert_eq!(similarity("Hjemmeplejen Vest", "Hjemmeplejen"), None);
        assert_eq!(closest("Hjemmeplejen Vest", &u), Closest::None);
        assert_eq!(closest("Dagtilbud Nord", &u), Closest::None);
        assert_eq!(closest("Socialpsykiatrisk Center Nord", &u), Closest::None);
        assert_eq!(closest("Vej og Park", &u), Closest::None);
        assert_eq!(closest("Droner", &catalogue()), Closest::None);
        assert_eq!(closest("Data", &names(&["Dagtilbud Øst"])), Closest::None);
        assert_eq!(similarity("", "Skoler"), None);
    }

    #[test]
    fn ties_are_reported() {
        let u = names(&["Plejecenter Solbakken", "Plejecenter Engly"]);
        assert_eq!(
            closest("Plejecenter", &u),
            Closest::Tied(names(&["Plejecenter Solbakken", "Plejecenter Engly"]))
        );
        assert_eq!(
            closest("Dagtilbud", &units()),
            Closest::Tied(names(&["Dagtilbud Øst", "Dagtilbud Vest"]))
        );
    }

    #[test]
    fn stems_cut_generic_words_and_endings() {
        assert_eq!(stems("Skoleafdelingen"), vec!["skol"]);
        assert_eq!(
            stems("Sygepleje og Rehabilitering"),
            vec!["sygeplej", "rehabilitering"]
        );
        assert_eq!(stems("Afdeling for Skoler"), vec!["skol"]);
        assert_eq!(stems("IoT"), vec!["iot"]);
        assert_eq!(stems("PPR"), vec!["ppr"]);
    }
}
