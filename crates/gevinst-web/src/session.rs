//! Browser sessions, CSRF protection and API authentication.
//!
//! - The session cookie (`gevinst_session`) holds a random secret; the store keeps only its
//!   SHA-256. The cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when
//!   [`crate::WebSettings::secure_cookies`] is on.
//! - [`session_layer`] resolves the session once per request and, for every state-changing
//!   request outside the API, checks the `_csrf` form field (or the `X-CSRF-Token` header)
//!   against the session's token before any handler runs. A form cannot forget it. A file
//!   upload (`multipart/form-data`) sends the token as `?_csrf=` in the form's action
//!   instead, so that its (large) body is read only by the upload handler.
//! - The login form, which has no session yet, uses a double-submit cookie.
//! - The API authenticates with personal bearer tokens only ([`ApiUser`]).

use crate::error::{error_page, ApiError};
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use gevinst_app::auth::{self, Principal};
use gevinst_app::AppError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "gevinst_session";
/// Name of the login form's double-submit CSRF cookie.
pub const LOGIN_CSRF_COOKIE: &str = "gevinst_login";
/// Name of the CSRF form field.
pub const CSRF_FIELD: &str = "_csrf";

/// The logged-in user of an HTML page, with the session's CSRF token for forms.
#[derive(Debug, Clone)]
pub struct PageUser {
    /// Who.
    pub principal: Principal,
    /// The token every form must send back as `_csrf`.
    pub csrf: String,
}

/// Builds a cookie with gevinst's security attributes.
pub fn secure_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(time_duration(max_age_secs))
        .build()
}

fn time_duration(secs: i64) -> time::Duration {
    time::Duration::seconds(secs)
}

fn is_exempt(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/assets/") || path == "/healthz"
}

/// The value of `name` in an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Resolves the session and enforces CSRF on state-changing page requests.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if is_exempt(&path) {
        return next.run(req).await;
    }
    let jar = CookieJar::from_headers(req.headers());
    let now = chrono::Utc::now();
    let session = match jar.get(SESSION_COOKIE) {
        Some(c) => match state.app.auth().from_session(c.value(), now).await {
            Ok(s) => Some(s),
            Err(AppError::Unauthenticated) => None,
            Err(e) => return crate::error::PageError(e).into_response(),
        },
        None => None,
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method {
        let expected = if path == "/login" {
            jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned())
        } else {
            match &session {
                Some((_, csrf)) => Some(csrf.clone()),
                None => return Redirect::to("/login").into_response(),
            }
        };
        let header_token = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // A file upload (multipart/form-data) sends the token in the query string
        // (`?_csrf=…`): its body is left unread for the handler and its own size limit.
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
            });
        let submitted = if multipart {
            header_token
                .or_else(|| {
                    req.uri()
                        .query()
                        .and_then(|q| form_field(q.as_bytes(), CSRF_FIELD))
                })
                .unwrap_or_default()
        } else {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, state.settings.max_body_bytes).await {
                Ok(b) => b,
                Err(_) => {
                    return error_page(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "For meget data",
                        "Det indsendte var for stort. Gør teksten kortere, og prøv igen.",
                    )
                }
            };
            let submitted = header_token
                .or_else(|| form_field(&bytes, CSRF_FIELD))
                .unwrap_or_default();
            req = Request::from_parts(parts, Body::from(bytes));
            submitted
        };
        let ok = expected
            .as_deref()
            .is_some_and(|e| auth::csrf_matches(e, &submitted));
        if !ok {
            return error_page(
                StatusCode::FORBIDDEN,
                "Formularen er udløbet",
                "Sikkerhedstjekket for formularen fejlede, fx fordi siden var åben for længe. Gå tilbage, genindlæs siden og prøv igen.",
            );
        }
    }
    let who = session.map(|(principal, csrf)| PageUser { principal, csrf });
    if let Some(w) = &who {
        req.extensions_mut().insert(w.clone());
    }
    let res = next.run(req).await;
    match &who {
        Some(w) => crate::error::with_navigation(res, w),
        None => res,
    }
}

/// Rejection for pages without a session: a redirect to the login page that comes back.
pub struct LoginRedirect(String);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        let target = if self.0 == "/" || self.0.is_empty() {
            "/login".to_owned()
        } else {
            format!("/login?next={}", urlencode(&self.0))
        };
        Redirect::to(&target).into_response()
    }
}

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = LoginRedirect;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<PageUser>().cloned().ok_or_else(|| {
            LoginRedirect(
                parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
    }
}

/// The user of an API request, authenticated by `Authorization: Bearer gvt_…`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Principal);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let client = client_of(parts, state);
        let principal = state
            .app
            .auth()
            .from_api_token(token, chrono::Utc::now(), client.as_deref())
            .await?;
        Ok(ApiUser(principal))
    }
}

/// The client's IP address, when the server knows it: the TCP peer, or the address a
/// trusted reverse proxy names ([`crate::client_addr`]).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

fn client_of(parts: &Parts, state: &AppState) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| {
            crate::client_addr::client_ip(c.0.ip(), &parts.headers, &state.settings.trusted_proxies)
                .to_string()
        })
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_of(parts, state)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_field_finds_csrf() {
        assert_eq!(
            form_field(b"a=1&_csrf=abc%20d&b=2", "_csrf").as_deref(),
            Some("abc d")
        );
        assert_eq!(form_field(b"a=1", "_csrf"), None);
        assert_eq!(form_field(&[0xff, 0xfe], "_csrf"), None);
    }

    #[test]
    fn urlencode_encodes() {
        assert_eq!(
            urlencode("/potentialer?status=ide&q=æ"),
            "%2Fpotentialer%3Fstatus%3Dide%26q%3D%C3%A6"
        );
    }
}
