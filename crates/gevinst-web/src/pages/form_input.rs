//! Reading hand-parsed form bodies and path ids, shared by the page modules.
//!
//! Pages whose forms repeat fields (tables of lines) read the body as name/value pairs
//! instead of a typed `Form<T>`; these helpers do that, and turn anything unreadable into a
//! Danish 422 (bodies) or a 404 (path ids), never a 500.

use crate::error::PageError;
use gevinst_app::AppError;
use gevinst_domain::{FieldErrors, PotentialId, ProgrammeId};

/// Parses an `application/x-www-form-urlencoded` body into name/value pairs. A body that
/// cannot be read becomes a Danish error page (422), never a 500.
pub(crate) fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, PageError> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(|_| {
        PageError(AppError::Invalid(FieldErrors::single(
            "form",
            "invalid",
            "Formularen kunne ikke læses. Gå tilbage, og prøv igen.",
        )))
    })
}

/// The last value of a form field, or empty.
pub(crate) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of a form field, in order.
pub(crate) fn fields(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A numeric id from the path. Anything that is not a number names nothing: 404.
pub(crate) fn path_number(raw: &str) -> Result<i64, PageError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| PageError(AppError::NotFound))
}

/// A potential id from the path; anything that is not a number names no potential (404).
pub(crate) fn potential_id(raw: &str) -> Result<PotentialId, PageError> {
    path_number(raw).map(PotentialId)
}

/// A programme id from the path; anything else is 404.
pub(crate) fn programme_id(raw: &str) -> Result<ProgrammeId, PageError> {
    path_number(raw).map(ProgrammeId)
}

/// Merges `more` into `errors`, keeping only the first message per field.
pub(crate) fn merge_errors(errors: &mut FieldErrors, more: FieldErrors) {
    for e in more.0 {
        if errors.message_for(&e.field).is_none() {
            errors.0.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_keep_last_value() {
        let pairs = form_pairs(b"title=a&title=b+c&_csrf=x").unwrap();
        assert_eq!(field(&pairs, "title"), "b c");
        assert_eq!(field(&pairs, "missing"), "");
        assert_eq!(
            fields(&pairs, "title"),
            vec!["a".to_string(), "b c".to_string()]
        );
    }

    #[test]
    fn ids_that_are_not_numbers_are_not_found() {
        assert!(matches!(potential_id(" 12 "), Ok(PotentialId(12))));
        assert!(matches!(programme_id("7"), Ok(ProgrammeId(7))));
        for bad in ["abc", "", "1.5", "99999999999999999999"] {
            assert!(matches!(
                path_number(bad),
                Err(PageError(AppError::NotFound))
            ));
        }
    }

    #[test]
    fn merge_keeps_first_message_per_field() {
        let mut e = FieldErrors::single("unit_id", "invalid", "Ugyldig værdi.");
        merge_errors(
            &mut e,
            FieldErrors::single("unit_id", "required", "Vælg en enhed."),
        );
        merge_errors(
            &mut e,
            FieldErrors::single("title", "required", "Titlen skal udfyldes."),
        );
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.message_for("unit_id"), Some("Ugyldig værdi."));
        assert_eq!(e.message_for("title"), Some("Titlen skal udfyldes."));
    }
}
