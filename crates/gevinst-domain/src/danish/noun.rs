//! The Danish nouns that messages put together with a value, in every form a message needs,
//! so no message builds a definite form by appending a suffix ("fagområde" + "en" gave
//! "fagområdeen"; it is "fagområdet").

/// A noun in its forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noun {
    /// Indefinite singular, lower case: `"fagområde"`.
    pub indefinite: &'static str,
    /// Definite singular, lower case: `"fagområdet"`.
    pub definite: &'static str,
    /// The indefinite article: `"en"` (common gender) or `"et"` (neuter).
    pub article: &'static str,
    /// The pronoun that refers back to it: `"den"` or `"det"`.
    pub pronoun: &'static str,
}

impl Noun {
    /// *enhed* (unit).
    pub const ENHED: Noun = Noun {
        indefinite: "enhed",
        definite: "enheden",
        article: "en",
        pronoun: "den",
    };
    /// *fagområde* (sector area).
    pub const FAGOMRAADE: Noun = Noun {
        indefinite: "fagområde",
        definite: "fagområdet",
        article: "et",
        pronoun: "det",
    };
    /// *status*.
    pub const STATUS: Noun = Noun {
        indefinite: "status",
        definite: "statussen",
        article: "en",
        pronoun: "den",
    };
    /// *teknologi* (technology type).
    pub const TEKNOLOGI: Noun = Noun {
        indefinite: "teknologi",
        definite: "teknologien",
        article: "en",
        pronoun: "den",
    };

    /// "valgte" with the definite article: `"den valgte enhed"`, `"det valgte fagområde"`.
    pub fn chosen(self) -> String {
        format!("{} valgte {}", self.pronoun, self.indefinite)
    }

    /// "ny" agreeing with the noun: `"en ny enhed"`, `"et nyt fagområde"`.
    pub fn a_new(self) -> String {
        let new = if self.article == "et" { "nyt" } else { "ny" };
        format!("{} {new} {}", self.article, self.indefinite)
    }

    /// "eksisterende" with the article: `"en eksisterende"`, `"et eksisterende"`.
    pub fn an_existing(self) -> String {
        format!("{} eksisterende", self.article)
    }
}

/// `text` with its first letter in upper case, for a noun form that starts a sentence.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_agree_with_the_gender() {
        assert_eq!(Noun::FAGOMRAADE.definite, "fagområdet");
        assert_eq!(Noun::FAGOMRAADE.chosen(), "det valgte fagområde");
        assert_eq!(Noun::FAGOMRAADE.a_new(), "et nyt fagområde");
        assert_eq!(Noun::TEKNOLOGI.a_new(), "en ny teknologi");
        assert_eq!(Noun::ENHED.an_existing(), "en eksisterende");
        assert_eq!(capitalise(Noun::STATUS.definite), "Statussen");
        assert_eq!(capitalise("ærme"), "Ærme");
    }
}
