//! Text helpers: cleaning user input and normalising text for search.

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
    fn search_key_lowercases_danish() {
        assert_eq!(search_key("ÆBLE  Øst\nÅen"), "æble øst åen");
    }
}
