//! Helpers shared by the admin and account forms: field errors as the templates show
//! them, fixed confirmation messages, ids from the path, and lenient form parsing.

use crate::error::PageError;
use axum::extract::RawQuery;
use axum_extra::extract::{Form, FormRejection};
use gevinst_domain::FieldErrors;

/// One error as a form shows it: next to its field, and as a link in the summary.
#[derive(Debug, Clone)]
pub(crate) struct ErrorItem {
    /// The field name as the use case reports it, e.g. `email`.
    pub field: String,
    /// The `id` of the input the summary links to.
    pub anchor: String,
    /// The Danish message.
    pub message: String,
}

/// The errors of one form. Empty when the form is shown for the first time.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormErrors {
    items: Vec<ErrorItem>,
}

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        Self::default()
    }

    /// Errors of a form whose input ids are `{prefix}{field}`.
    pub fn from_fields(errors: &FieldErrors, prefix: &str) -> Self {
        let items = errors
            .0
            .iter()
            .map(|e| ErrorItem {
                field: e.field.clone(),
                anchor: format!("{prefix}{}", e.field),
                message: e.message.clone(),
            })
            .collect();
        FormErrors { items }
    }

    /// The first message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether a field has an error (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// True when the form has no errors.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All errors, for the summary.
    pub fn items(&self) -> &[ErrorItem] {
        &self.items
    }
}

/// Maps `?ok=KEY` to a fixed message through `messages`. The query's text itself is never
/// shown, so a crafted link cannot put words on the page.
pub(crate) fn notice(
    query: &RawQuery,
    messages: impl Fn(&str) -> Option<&'static str>,
) -> Option<&'static str> {
    let raw = query.0.as_deref()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).ok()?;
    pairs
        .iter()
        .find(|(k, _)| k == "ok")
        .and_then(|(_, v)| messages(v))
}

/// Parses an id from the path. Anything that is not a number names nothing: 404.
pub(crate) use crate::pages::form_input::path_number as parse_id;

/// Unwraps a form body. A body that cannot be read as the form (which the browser never
/// sends) is answered with the Danish 422 page rather than a plain-text rejection.
pub(crate) fn read_form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, PageError> {
    match form {
        Ok(Form(value)) => Ok(value),
        Err(rejection) => {
            tracing::debug!(%rejection, "unreadable form body");
            Err(FieldErrors::single(
                "form",
                "unreadable",
                "Formularen kunne ikke læses. Genindlæs siden, og prøv igen.",
            )
            .into())
        }
    }
}

/// Parses a hidden `version` field; a missing or garbled one can only be stale.
pub(crate) fn parse_version(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_only_knows_fixed_keys() {
        let map = |k: &str| (k == "gemt").then_some("Gemt.");
        assert_eq!(
            notice(&RawQuery(Some("ok=gemt".into())), map),
            Some("Gemt.")
        );
        assert_eq!(
            notice(&RawQuery(Some("a=1&ok=gemt".into())), map),
            Some("Gemt.")
        );
        assert_eq!(notice(&RawQuery(Some("ok=%3Cscript%3E".into())), map), None);
        assert_eq!(notice(&RawQuery(None), map), None);
    }

    #[test]
    fn errors_anchor_to_prefixed_ids() {
        let mut fe = FieldErrors::single("name", "required", "Navnet skal udfyldes.");
        fe.add("name", "too_long", "For langt.");
        let e = FormErrors::from_fields(&fe, "fag-ny-");
        assert_eq!(e.get("name"), Some("Navnet skal udfyldes."));
        assert!(!e.has("email"));
        assert_eq!(e.items()[0].anchor, "fag-ny-name");
        assert_eq!(e.items().len(), 2);
    }

    #[test]
    fn ids_and_versions() {
        assert_eq!(parse_id("42").ok(), Some(42));
        assert!(parse_id("x").is_err());
        assert_eq!(parse_version("7"), 7);
        assert_eq!(parse_version(""), -1);
    }
}
