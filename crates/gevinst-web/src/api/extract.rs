//! Extractors whose rejections answer in the API's JSON error format.
//!
//! axum's own `Json`, `Path` and `Query` answer a bad request with plain text. These
//! wrappers run them and turn every rejection into an [`ApiError`], so a client always gets
//! `{"error": {"code", "message", "fields"}}`:
//!
//! | input | status | code |
//! |---|---|---|
//! | broken JSON | 400 | `invalid_json` |
//! | wrong types, unknown or missing fields | 422 | `validation_failed` |
//! | no `Content-Type: application/json` | 415 | `unsupported_media_type` |
//! | body over the limit | 413 | `payload_too_large` |
//! | a path id that is not a number | 404 | `not_found` |
//! | a malformed query string | 422 | `validation_failed` |

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts};

/// A JSON request body; rejections become [`ApiError`]s.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; a value that does not parse is a 404 (it names no resource).
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; a malformed query string is a 422.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
