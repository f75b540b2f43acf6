//! The services' error type. Each variant maps to one HTTP status and one CLI message.

use gevinst_domain::FieldErrors;
use gevinst_store::{ErrorKind, StoreError};

/// What can go wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input failed validation: 422 with field errors.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// Unknown id, or an id of another tenant: 404 (never 403, so nothing leaks).
    #[error("not found")]
    NotFound,
    /// The record changed since it was read: 409.
    #[error("the record was changed by someone else")]
    Conflict,
    /// Logged in, but the role does not allow this: 403.
    #[error("forbidden")]
    Forbidden,
    /// Not logged in, or bad credentials: 401.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Too many failed logins: 429.
    #[error("too many attempts")]
    Throttled,
    /// The server is too busy to do this now (e.g. every simulation worker is taken):
    /// 503 with `Retry-After`.
    #[error("busy; retry after {retry_after_secs} s")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// Anything else: 500, logged with detail, shown generically.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e.kind() {
            ErrorKind::NotFound => AppError::NotFound,
            ErrorKind::Conflict => AppError::Conflict,
            ErrorKind::Duplicate => AppError::Invalid(FieldErrors::single(
                "name",
                "duplicate",
                "Der findes allerede en post med denne værdi.",
            )),
            ErrorKind::Config | ErrorKind::Database => AppError::Internal(e.to_string()),
        }
    }
}
