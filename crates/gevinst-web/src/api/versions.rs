//! Optimistic concurrency, shared by every module of the API: ETags, the version a change is
//! based on (`If-Match` or the body's `version`, see [`super::potentials`] for the rules),
//! and the create-or-replace `PUT` of a record a potential has at most one of (a business
//! case, a benefit plan), which also takes `If-None-Match: *`.

use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gevinst_app::AppError;
use gevinst_domain::FieldErrors;
use serde::Serialize;

/// Danish: how to send the version that was read.
const SEND_VERSION_DA: &str =
    "Send den version, du har læst: If-Match: \"<version>\" eller feltet version.";

/// English: how to send the version that was read.
const SEND_VERSION_EN: &str =
    "send the version you read, as If-Match: \"<version>\" or a version field in the body";

/// The ETag of a version: the number in double quotes.
fn etag(version: i64) -> HeaderValue {
    // Digits and quotes are always a valid header value.
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A JSON body with a status and `ETag: "<version>"`.
pub(crate) fn tagged<T: Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let tag = etag(version);
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(header::ETAG, tag);
    res
}

/// A 201 for a new record: its JSON, `ETag: "<version>"` and `Location: <location>`.
pub(crate) fn created<T: Serialize>(
    location: &str,
    version: i64,
    body: T,
) -> Result<Response, ApiError> {
    let location = HeaderValue::from_str(location)
        .map_err(|_| ApiError::from(AppError::Internal("bad location".into())))?;
    let mut res = tagged(StatusCode::CREATED, version, body);
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

/// Parses `If-Match: "<version>"`. A bare number and a weak tag `W/"<version>"` are accepted
/// too; `*` and lists are not, as they do not say which version the client read.
fn parse_if_match(value: &HeaderValue) -> Result<i64, ApiError> {
    let bad = || {
        ApiError::invalid(FieldErrors::single(
            "If-Match",
            "invalid",
            "If-Match skal være versionen i anførselstegn, fx \"3\".",
        ))
    };
    let s = value.to_str().map_err(|_| bad())?.trim();
    let s = s.strip_prefix("W/").unwrap_or(s);
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    inner.trim().parse::<i64>().map_err(|_| bad())
}

/// A 428 `version_required` with these messages (field `version`, code `required`).
fn precondition_required(danish: &str, english: &str) -> ApiError {
    ApiError {
        fields: FieldErrors::single("version", "required", danish),
        ..ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "version_required",
            english,
        )
    }
}

/// The version a change is based on, from `If-Match` (primary) or the body's `version`.
pub(crate) fn expected_version(headers: &HeaderMap, body: Option<i64>) -> Result<i64, ApiError> {
    let header = headers
        .get(header::IF_MATCH)
        .map(parse_if_match)
        .transpose()?;
    match (header, body) {
        (Some(h), Some(b)) if h != b => Err(ApiError::invalid(FieldErrors::single(
            "version",
            "mismatch",
            "Versionen i If-Match og i feltet version er forskellige.",
        ))),
        (Some(v), _) | (None, Some(v)) => Ok(v),
        (None, None) => Err(precondition_required(SEND_VERSION_DA, SEND_VERSION_EN)),
    }
}

/// A kind of record a potential has at most one of, named in the messages about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    /// Danish, with the indefinite article: "en business case".
    pub danish: &'static str,
    /// Danish after "der ikke er": "nogen business case".
    pub danish_none: &'static str,
    /// English, with the indefinite article: "a business case".
    pub english: &'static str,
}

/// What a create-or-replace `PUT` of a [`Record`] expects to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Explicitly no record (`If-None-Match: *` or version 0).
    Nothing,
    /// No version sent: create, but a record that exists means the client forgot its version.
    Unspecified,
    /// The record at this version.
    Version(i64),
}

impl Expect {
    /// The version to replace, or `None` to create the record.
    pub(crate) fn version(self) -> Option<i64> {
        match self {
            Expect::Nothing | Expect::Unspecified => None,
            Expect::Version(v) => Some(v),
        }
    }
}

/// Reads the expected state of a record from `If-None-Match`, `If-Match` and the body's
/// `version`: `*` or version 0 is [`Expect::Nothing`], a version v ≥ 1 is
/// [`Expect::Version`], and nothing at all is [`Expect::Unspecified`].
pub(crate) fn expected_record(
    headers: &HeaderMap,
    body: Option<i64>,
    record: Record,
) -> Result<Expect, ApiError> {
    let none_match = match headers.get(header::IF_NONE_MATCH) {
        None => false,
        Some(v) if v.to_str().is_ok_and(|s| s.trim() == "*") => true,
        Some(_) => {
            return Err(ApiError::invalid(FieldErrors::single(
                "If-None-Match",
                "invalid",
                format!(
                    "If-None-Match kan kun være *, når {} oprettes.",
                    record.danish
                ),
            )))
        }
    };
    let version = if headers.contains_key(header::IF_MATCH) || body.is_some() {
        Some(expected_version(headers, body)?)
    } else {
        None
    };
    match (none_match, version) {
        (true, Some(v)) if v != 0 => Err(ApiError::invalid(FieldErrors::single(
            "version",
            "mismatch",
            format!(
                "If-None-Match: * betyder, at der ikke er {}; send ikke samtidig en version.",
                record.danish_none
            ),
        ))),
        (true, _) | (false, Some(0)) => Ok(Expect::Nothing),
        (false, Some(v)) => Ok(Expect::Version(v)),
        (false, None) => Ok(Expect::Unspecified),
    }
}

/// The 428 for replacing an existing record without saying which version was read.
pub(crate) fn record_version_required(record: Record) -> ApiError {
    precondition_required(
        &format!(
            "Potentialet har allerede {}. {SEND_VERSION_DA}",
            record.danish
        ),
        &format!(
            "the potential already has {}; {SEND_VERSION_EN}",
            record.english
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: Record = Record {
        danish: "en business case",
        danish_none: "nogen business case",
        english: "a business case",
    };

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn if_match(v: &str) -> HeaderMap {
        headers(&[(header::IF_MATCH, v)])
    }

    #[test]
    fn version_from_header_or_body() {
        assert_eq!(expected_version(&if_match("\"3\""), None).unwrap(), 3);
        assert_eq!(expected_version(&if_match("W/\"4\""), None).unwrap(), 4);
        assert_eq!(expected_version(&if_match("5"), None).unwrap(), 5);
        assert_eq!(expected_version(&headers(&[]), Some(6)).unwrap(), 6);
        assert_eq!(expected_version(&if_match("\"7\""), Some(7)).unwrap(), 7);
    }

    #[test]
    fn version_problems() {
        let missing = expected_version(&headers(&[]), None).unwrap_err();
        assert_eq!(
            (missing.status, missing.code),
            (StatusCode::PRECONDITION_REQUIRED, "version_required")
        );
        assert_eq!(
            missing.fields.0[0].message,
            "Send den version, du har læst: If-Match: \"<version>\" eller feltet version."
        );
        let mismatch = expected_version(&if_match("\"1\""), Some(2)).unwrap_err();
        assert_eq!(mismatch.fields.0[0].code, "mismatch");
        for bad in ["*", "\"1\", \"2\"", "\"x\""] {
            let e = expected_version(&if_match(bad), None).unwrap_err();
            assert_eq!(
                (e.status, e.fields.0[0].field.as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, "If-Match"),
                "{bad}"
            );
        }
    }

    #[test]
    fn expected_state_of_a_record() {
        let none = headers(&[]);
        assert_eq!(
            expected_record(&none, None, CASE).unwrap(),
            Expect::Unspecified
        );
        assert_eq!(
            expected_record(&none, Some(0), CASE).unwrap(),
            Expect::Nothing
        );
        assert_eq!(
            expected_record(&none, Some(4), CASE).unwrap(),
            Expect::Version(4)
        );
        let star = headers(&[(header::IF_NONE_MATCH, "*")]);
        assert_eq!(expected_record(&star, None, CASE).unwrap(), Expect::Nothing);
        assert_eq!(
            expected_record(&star, Some(0), CASE).unwrap(),
            Expect::Nothing
        );
        let tag = if_match("\"3\"");
        assert_eq!(
            expected_record(&tag, None, CASE).unwrap(),
            Expect::Version(3)
        );
        assert_eq!(
            expected_record(&tag, Some(3), CASE).unwrap(),
            Expect::Version(3)
        );
        assert_eq!(
            [Expect::Nothing, Expect::Unspecified, Expect::Version(3)].map(Expect::version),
            [None, None, Some(3)]
        );
    }

    #[test]
    fn bad_record_version_combinations() {
        let star = headers(&[(header::IF_NONE_MATCH, "*")]);
        let e = expected_record(&star, Some(2), CASE).unwrap_err();
        assert_eq!(
            (e.status, e.fields.0[0].code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "mismatch")
        );
        assert_eq!(
            e.fields.0[0].message,
            "If-None-Match: * betyder, at der ikke er nogen business case; send ikke samtidig en version."
        );
        let tag = headers(&[(header::IF_NONE_MATCH, "\"1\"")]);
        let e = expected_record(&tag, None, CASE).unwrap_err();
        assert_eq!(
            (e.fields.0[0].field.as_str(), e.fields.0[0].message.as_str()),
            (
                "If-None-Match",
                "If-None-Match kan kun være *, når en business case oprettes."
            )
        );
        let e = expected_record(&if_match("\"1\""), Some(2), CASE).unwrap_err();
        assert_eq!(e.fields.0[0].code, "mismatch");
    }

    #[test]
    fn record_version_required_names_the_record() {
        let e = record_version_required(CASE);
        assert_eq!(
            (e.status, e.code),
            (StatusCode::PRECONDITION_REQUIRED, "version_required")
        );
        assert_eq!(
            e.message,
            "the potential already has a business case; send the version you read, as \
             If-Match: \"<version>\" or a version field in the body"
        );
        assert_eq!(
            e.fields.0[0].message,
            "Potentialet har allerede en business case. Send den version, du har læst: \
             If-Match: \"<version>\" eller feltet version."
        );
    }

    #[test]
    fn created_has_status_etag_and_location() {
        let res = created("/api/v1/programmes/7", 1, "x").unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()[header::ETAG], "\"1\"");
        assert_eq!(res.headers()[header::LOCATION], "/api/v1/programmes/7");
    }
}
