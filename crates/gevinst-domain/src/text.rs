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

/// Letters that list searches fold to a plain spelling, so that text written without æ, ø
/// and å finds text written with them, and the other way round: "skaermbesoeg" finds
/// "skærmbesøg", and "å" finds "aa". Applied after lower-casing. The migration that
/// backfilled stored search text (`0017_search_fold.sql`) repeats this table in SQL; a
/// store test keeps the two equal.
pub const SEARCH_FOLDS: [(char, &str); 10] = [
    ('æ', "ae"),
    ('ø', "oe"),
    ('å', "aa"),
    ('ä', "ae"),
    ('ö', "oe"),
    ('ü', "ue"),
    ('é', "e"),
    ('è', "e"),
    ('á', "a"),
    ('ó', "o"),
];

/// The folded form that list searches compare: [`search_key`] (lower case, single spaces)
/// with every letter of [`SEARCH_FOLDS`] replaced by its plain spelling. The same function
/// is applied to the stored text and to the query, so "skaermbesoeg", "skærmbesøg" and
/// "SKÆRMBESØG" all fold to "skaermbesoeg", the same on SQLite and PostgreSQL.
pub fn search_fold(input: &str) -> String {
    let key = search_key(input);
    let mut out = String::with_capacity(key.len() + 8);
    for c in key.chars() {
        match SEARCH_FOLDS.iter().find(|(from, _)| *from == c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
    }
    out
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

/// A key for matching names, headers and status words: lower case, æ/ø/å and accents
/// folded (`æ`→`ae`, `ø`→`oe`, `å`→`aa`, `é`→`e`), everything but letters and digits
/// removed. `"I drift"`, `"i-drift"` and `"IDRIFT"` all give `"idrift"`; `"Idé"` gives
/// `"ide"`; `"På hold!"` gives `"paahold"`.
pub fn match_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ü' | 'ú' | 'ù' => out.push('u'),
            'ó' | 'ò' | 'ô' => out.push('o'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
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
    fn match_key_folds_case_punctuation_and_danish_letters() {
        assert_eq!(match_key("I drift"), "idrift");
        assert_eq!(match_key("i-drift"), "idrift");
        assert_eq!(match_key("Idé"), "ide");
        assert_eq!(match_key("På hold!"), "paahold");
        assert_eq!(match_key("PAA HOLD"), "paahold");
        assert_eq!(match_key("Ældre/Sø"), "aeldresoe");
        assert_eq!(match_key(" - "), "");
    }

    #[test]
    fn search_key_lowercases_danish() {
        assert_eq!(search_key("ÆBLE  Øst\nÅen"), "æble øst åen");
    }

    #[test]
    fn search_fold_meets_words_written_without_danish_letters() {
        assert_eq!(search_fold("Skærmbesøg"), "skaermbesoeg");
        assert_eq!(search_fold("skaermbesoeg"), "skaermbesoeg");
        assert_eq!(
            search_fold("SKÆRMBESØG  i  Ældreplejen"),
            "skaermbesoeg i aeldreplejen"
        );
        // Both directions: "aa" and "å" fold alike, as do "oe"/"ø" and "ae"/"æ".
        assert_eq!(search_fold("Århus"), search_fold("Aarhus"));
        assert_eq!(search_fold("Sø"), search_fold("soe"));
        assert_eq!(search_fold("Æble"), search_fold("aeble"));
        assert_eq!(search_fold("idé"), "ide");
        assert!(search_fold("borgerens skærmbesøg").contains(&search_fold("skaermbesoeg")));
        assert_eq!(search_fold("RPA/softwarerobot"), "rpa/softwarerobot");
    }
}
