//! Response headers that depend on the settings or on the response itself.
//!
//! - `Cache-Control: no-store` on every response that does not set its own caching: every
//!   page and API answer may carry a tenant's data or a CSRF token, so neither the browser
//!   nor a proxy may keep it. The stylesheets set `public, max-age=3600` and keep it.
//! - `Strict-Transport-Security: max-age=31536000` when cookies are `Secure` (the server
//!   is reached over HTTPS), so browsers never fall back to plain HTTP. Subdomains are
//!   left out: a municipality's other hosts are not gevinst's to govern.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The `Strict-Transport-Security` value: one year.
pub const HSTS: &str = "max-age=31536000";

/// Adds the headers above to every response.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if state.settings.secure_cookies {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    res
}
