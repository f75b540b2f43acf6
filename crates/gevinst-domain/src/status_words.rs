//! The words people write for a status in their own spreadsheets.
//!
//! A municipality's list rarely uses gevinst's labels: it says "BC", "godkendt" or "På
//! hold". [`STATUS_WORDS`] is the one table of such words; [`Status::from_word`] reads a
//! word through it. Words are compared by [`match_key`](crate::text::match_key), so case,
//! spaces, punctuation and æ/ø/å spelt as ae/oe/aa do not matter: "på hold", "PAA HOLD"
//! and "På-hold" are one word.
//!
//! The import does not take a word silently: it offers the status as a suggestion that
//! the user can change (the web's values page pre-selects it; `gevinst import
//! --accept-suggestions` takes it), and the preview counts it as a suggestion taken.
//!
//! ```
//! use gevinst_domain::Status;
//! assert_eq!(Status::from_word("BC"), Some(Status::BusinessCase));
//! assert_eq!(Status::from_word("  På hold "), Some(Status::Parkeret));
//! assert_eq!(Status::from_word("godkendt"), Some(Status::Besluttet));
//! assert_eq!(Status::from_word("Gevinst realiseret"), Some(Status::GevinstRealiseret));
//! assert_eq!(Status::from_word("måske"), None);
//! ```

use crate::status::Status;
use crate::text::match_key;

/// Words for each status, besides its label ([`Status::label`]) and API name
/// ([`Status::as_str`]), which [`Status::from_word`] also accepts. Danish first, then the
/// English words that international templates use. No word may stand for two statuses (a
/// unit test checks this, after [`match_key`]).
pub const STATUS_WORDS: &[(Status, &[&str])] = &[
    (
        Status::Ide,
        &[
            "idé",
            "ide",
            "ny idé",
            "forslag",
            "idéforslag",
            "ny",
            "indmeldt",
            "idea",
            "new",
        ],
    ),
    (
        Status::Vurderet,
        &[
            "vurderet",
            "under vurdering",
            "til vurdering",
            "vurdering",
            "screenet",
            "analyseret",
            "assessed",
        ],
    ),
    (
        Status::BusinessCase,
        &[
            "BC",
            "business case",
            "business-case",
            "businesscase",
            "BC under udarbejdelse",
            "BC udarbejdes",
            "forretningscase",
        ],
    ),
    (
        Status::Besluttet,
        &[
            "besluttet",
            "godkendt",
            "vedtaget",
            "bevilget",
            "beslutning truffet",
            "approved",
            "decided",
        ],
    ),
    (
        Status::IImplementering,
        &[
            "i implementering",
            "implementering",
            "under implementering",
            "implementeres",
            "i gang",
            "igangsat",
            "in progress",
        ],
    ),
    (
        Status::IDrift,
        &[
            "i drift",
            "drift",
            "driftsat",
            "idriftsat",
            "taget i brug",
            "in operation",
            "live",
        ],
    ),
    (
        Status::GevinstRealiseret,
        &[
            "gevinst realiseret",
            "realiseret",
            "gevinsten er realiseret",
            "hjemtaget",
            "gevinst hjemtaget",
            "realised",
            "realized",
        ],
    ),
    (
        Status::Afvist,
        &[
            "afvist",
            "droppet",
            "fravalgt",
            "opgivet",
            "annulleret",
            "skrinlagt",
            "rejected",
        ],
    ),
    (
        Status::Parkeret,
        &[
            "parkeret",
            "på hold",
            "sat på hold",
            "sat i bero",
            "i bero",
            "pause",
            "på pause",
            "sat på pause",
            "udskudt",
            "on hold",
        ],
    ),
];

impl Status {
    /// The status a word stands for: its label, its API name or one of its
    /// [`STATUS_WORDS`], compared by [`match_key`]; `None` for any other word.
    pub fn from_word(word: &str) -> Option<Status> {
        let key = match_key(word);
        if key.is_empty() {
            return None;
        }
        Status::ALL
            .into_iter()
            .find(|s| match_key(s.label()) == key || match_key(s.as_str()) == key)
            .or_else(|| {
                STATUS_WORDS
                    .iter()
                    .find(|(_, words)| words.iter().any(|w| match_key(w) == key))
                    .map(|(s, _)| *s)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_words_of_the_issue_are_read() {
        let cases = [
            ("BC", Status::BusinessCase),
            ("business-case", Status::BusinessCase),
            ("Business case", Status::BusinessCase),
            ("godkendt", Status::Besluttet),
            ("Vedtaget", Status::Besluttet),
            ("besluttet", Status::Besluttet),
            ("I gang", Status::IImplementering),
            ("implementeres", Status::IImplementering),
            ("under implementering", Status::IImplementering),
            ("På hold", Status::Parkeret),
            ("sat i bero", Status::Parkeret),
            ("Pause", Status::Parkeret),
            ("drift", Status::IDrift),
            ("i drift", Status::IDrift),
            ("afvist", Status::Afvist),
            ("droppet", Status::Afvist),
            ("fravalgt", Status::Afvist),
            ("idé", Status::Ide),
            ("ide", Status::Ide),
            ("forslag", Status::Ide),
            ("vurderet", Status::Vurderet),
            ("under vurdering", Status::Vurderet),
        ];
        for (word, status) in cases {
            assert_eq!(Status::from_word(word), Some(status), "{word}");
        }
    }

    #[test]
    fn case_punctuation_and_danish_letters_do_not_matter() {
        for word in ["PÅ HOLD", "paa hold", "på-hold", " på  hold. ", "Paa-Hold!"] {
            assert_eq!(Status::from_word(word), Some(Status::Parkeret), "{word}");
        }
        for word in ["IDÉ", "Ide", "idè", "idé."] {
            assert_eq!(Status::from_word(word), Some(Status::Ide), "{word}");
        }
        assert_eq!(Status::from_word("b.c."), Some(Status::BusinessCase));
        assert_eq!(Status::from_word("I-DRIFT"), Some(Status::IDrift));
    }

    #[test]
    fn labels_and_api_names_are_words_too() {
        for s in Status::ALL {
            assert_eq!(Status::from_word(s.label()), Some(s));
            assert_eq!(Status::from_word(s.as_str()), Some(s));
        }
    }

    #[test]
    fn unknown_and_empty_words_are_none() {
        for word in ["", "  ", "-", "måske", "ukendt", "BCD", "hold"] {
            assert_eq!(Status::from_word(word), None, "{word:?}");
        }
    }

    #[test]
    fn every_status_has_words_and_no_word_means_two_statuses() {
        let mut seen: HashMap<String, Status> = HashMap::new();
        for s in Status::ALL {
            seen.insert(match_key(s.label()), s);
            seen.insert(match_key(s.as_str()), s);
        }
        for s in Status::ALL {
            let words = STATUS_WORDS
                .iter()
                .find(|(st, _)| *st == s)
                .map(|(_, w)| *w)
                .unwrap_or(&[]);
            assert!(words.len() >= 3, "{s:?} has too few words");
            for w in words {
                let key = match_key(w);
                assert!(!key.is_empty(), "{w:?}");
                if let Some(other) = seen.insert(key, s) {
                    assert_eq!(other, s, "«{w}» stands for both {other:?} and {s:?}");
                }
            }
        }
    }
}
