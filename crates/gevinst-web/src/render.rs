//! Rendering askama templates as responses.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A rendered HTML page. A template that fails to render is logged and answered with a
/// plain 500, never a panic.
pub struct Page<T>(pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.0.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Der opstod en fejl.").into_response()
            }
        }
    }
}
