//! Text helpers: cleaning user input and normalising text for search.

use crate::validation::FieldErrors;

/// Trims, removes control characters (keeping newlines and tabs in multi-line text) and
/// normalises line endings to `\n`.
pub fn clean(input: &str, multiline: bool) -> String {
    let normalised = input.replace("\r\n", "\n").replace('\r', "\n");
    normalised
        .chars()
        .map(|c| if !multiline && c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() || (multiline && (*c == '\n' || *c == '\t')))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Lower-cases text for case-insensitive search, including æ, ø and å, and folds
/// runs of white space into one space. The same function is applied to stored text and
/// to queries, so matching works the same on SQLite and PostgreSQL.
pub fn search_key(input: &str) -> String {
    let lower = input.to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cleans a one-line name and checks that it is present and at most `max` characters.
/// `subject` starts the Danish messages, e.g. "Navnet" or "Enhedens navn".
pub fn required_name(
    field: &str,
    input: &str,
    max: usize,
    subject: &str,
) -> Result<String, FieldErrors> {
    let name = clean(input, false);
    if name.is_empty() {
        return Err(FieldErrors::single(
            field,
            "required",
            format!("{subject} skal udfyldes."),
        ));
    }
    if char_len(&name) > max {
        return Err(FieldErrors::single(
            field,
            "too_long",
            format!("{subject} må højst være {max} tegn."),
        ));
    }
    Ok(name)
}

/// Number of characters (not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_controls_and_trims() {
        assert_eq!(clean("  hej\u{0}med\u{7}dig \r\n", false), "hejmeddig");
        assert_eq!(clean("a\r\nb\tc", true), "a\nb\tc");
        assert_eq!(clean("a\tb", false), "a b");
    }

    #[test]
    fn required_names() {
        assert_eq!(
            required_name("name", "  Jobcenter ", 10, "Navnet").unwrap(),
            "Jobcenter"
        );
        let e = required_name("name", " \t", 10, "Enhedens navn").unwrap_err();
        assert_eq!(e.message_for("name"), Some("Enhedens navn skal udfyldes."));
        let e = required_name("name", "æøåæøåæøåæø", 10, "Navnet").unwrap_err();
        assert_eq!(e.0[0].code, "too_long");
        assert!(
            required_name("name", "æøåæøåæøåæ", 10, "Navnet").is_ok(),
            "counts characters, not bytes"
        );
    }

    #[test]
    fn search_key_lowercases_danish() {
        assert_eq!(search_key("ÆBLE  Øst\nÅen"), "æble øst åen");
    }
}
