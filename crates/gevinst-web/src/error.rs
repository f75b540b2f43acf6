//! Errors as HTTP responses: JSON for the API ([`ApiError`]), Danish HTML pages for the UI
//! ([`PageError`]). Internal details are logged, never sent to the client.

use crate::pages::layout::{ErrorPage, Layout};
use crate::render::Page;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::AppError;
use gevinst_domain::FieldErrors;
use serde::Serialize;

/// An API error: a status and a machine-readable body
/// `{"error": {"code": "...", "message": "...", "fields": [...]}}`.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `validation_failed`, `not_found`, `version_conflict`.
    pub code: &'static str,
    /// Human-readable message (English; field messages are Danish for UIs to show).
    pub message: String,
    /// Field errors, for 422.
    pub fields: FieldErrors,
    /// Seconds for the `Retry-After` header (429 and 503).
    pub retry_after: Option<u64>,
}

/// The body of every API error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Detail of an API error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `validation_failed`, `invalid_json`, `unsupported_media_type`,
    /// `payload_too_large`, `unauthenticated`, `forbidden`, `not_found`, `version_conflict`,
    /// `too_many_requests`, `busy`, `internal`. With 429 and 503 the `Retry-After` header
    /// says when to try again.
    pub code: String,
    /// Message.
    pub message: String,
    /// Field errors (may be empty).
    pub fields: FieldErrors,
}

impl ApiError {
    /// Builds an error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: FieldErrors::new(),
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After` of `secs` seconds.
    pub fn retry_after(self, secs: u64) -> Self {
        ApiError {
            retry_after: Some(secs.max(1)),
            ..self
        }
    }

    /// A 422 with field errors.
    pub fn invalid(fields: FieldErrors) -> Self {
        ApiError {
            fields,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "validation failed",
            )
        }
    }

    /// A 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => ApiError::invalid(f),
            AppError::NotFound => ApiError::not_found(),
            AppError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                "the record was changed by someone else; fetch it again and reapply your change",
            ),
            AppError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "your role does not allow this",
            ),
            AppError::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "a valid bearer token is required",
            ),
            AppError::Throttled { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "too many attempts",
            )
            .retry_after(retry_after_secs),
            AppError::Busy { retry_after_secs } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the server is busy with this kind of request; retry after the Retry-After seconds",
            )
            .retry_after(retry_after_secs),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                ApiError::invalid(FieldErrors::single("body", "invalid", e.body_text()))
            }
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", e.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "request body too large",
                )
            }
            other => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        // An id that does not parse names no resource.
        ApiError::not_found()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::invalid(FieldErrors::single("query", "invalid", r.body_text()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                fields: self.fields,
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}

/// An error on an HTML page: a Danish error page with the right status, or a redirect to
/// the login page when the user is not logged in.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<FieldErrors> for PageError {
    fn from(e: FieldErrors) -> Self {
        PageError(AppError::Invalid(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self.0 {
            AppError::Unauthenticated => return Redirect::to("/login").into_response(),
            AppError::Busy { retry_after_secs } => {
                let mut res = error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Travlt lige nu",
                    &format!(
                        "Der kører allerede mange beregninger. Vent {retry_after_secs} sekunder, \
                         og prøv igen."
                    ),
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, retry_after_secs.into());
                return res;
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, "Siden findes ikke", "Vi kunne ikke finde det, du ledte efter. Det kan være slettet, eller adressen er forkert.".to_owned()),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "Ingen adgang", "Din rolle giver ikke adgang til at gøre dette. Kontakt en administrator, hvis du mener, det er en fejl.".to_owned()),
            AppError::Conflict => (StatusCode::CONFLICT, "Ændret af en anden", "Nogen har ændret posten, siden du åbnede den. Dine ændringer er ikke gemt. Gå tilbage, genindlæs siden og prøv igen.".to_owned()),
            AppError::Throttled { retry_after_secs } => {
                let mut page = error_page(StatusCode::TOO_MANY_REQUESTS, "For mange forsøg", &throttled_message(retry_after_secs));
                page.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after_secs.max(1)));
                return page;
            }
            AppError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, "Ugyldige oplysninger", f.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" ")),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Der opstod en fejl", "Der opstod en uventet fejl. Prøv igen om lidt. Fejlen er logget.".to_owned())
            }
        };
        error_page(status, title, &message)
    }
}

/// The Danish message on the login page when password checks are at their limit
/// ([`AppError::Busy`]).
pub const BUSY_MESSAGE: &str =
    "Der er mange i gang med det samme lige nu. Vent et øjeblik, og prøv igen.";

/// The Danish message for a refused login attempt: how long to wait.
pub fn throttled_message(retry_after_secs: u64) -> String {
    let wait = match retry_after_secs {
        0..=1 => "et sekund".to_owned(),
        2..=59 => format!("{retry_after_secs} sekunder"),
        60..=119 => "et minut".to_owned(),
        s => format!("{} minutter", s.div_ceil(60)),
    };
    format!("For mange mislykkede forsøg. Vent {wait}, og prøv igen.")
}

/// Renders the plain error page (used by [`PageError`] and by middleware). The page
/// carries its title and message as an [`ErrorText`] extension, so that
/// [`with_navigation`] can render it again with the logged-in user's menu and name.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::anonymous(title),
        message: message.to_owned(),
    };
    let mut res = (status, Page(page)).into_response();
    res.extensions_mut().insert(ErrorText {
        title: title.to_owned(),
        message: message.to_owned(),
    });
    res
}

/// The title and message of an error page, kept on its response.
#[derive(Debug, Clone)]
pub struct ErrorText {
    title: String,
    message: String,
}

/// An error page answered to a logged-in user keeps the navigation and the user's name
/// (a 403 or 404 is not a dead end): the page is rendered again with their layout, with
/// the same status and headers.
pub fn with_navigation(res: Response, who: &crate::session::PageUser) -> Response {
    let Some(text) = res.extensions().get::<ErrorText>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let page = ErrorPage {
        layout: Layout::new(who, text.title, ""),
        message: text.message,
    };
    let fresh = Page(page).into_response();
    let (fresh_parts, body) = fresh.into_parts();
    if let Some(ct) = fresh_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
