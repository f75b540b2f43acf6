//! The HTTP layer of gevinst: a JSON API under `/api/v1` (with an OpenAPI document at
//! `/api/v1/openapi.json`) and a server-rendered, accessible Danish UI. Every asset is
//! served from the binary; nothing is loaded from a CDN.
//!
//! - [`AppState`]: the shared state (the [`App`] and the settings).
//! - [`app`]: builds the router, so tests can call it with `oneshot`.
//! - [`serve`]: runs the router on a bound listener until `shutdown` resolves.
//!
//! Handlers are thin: they parse input, call a use case in [`gevinst_app`], and render the
//! result. Authorisation and validation live in the app and domain crates.
#![deny(missing_docs)]

pub mod api;
pub mod charts;
pub mod client_addr;
pub mod error;
pub mod headers;
pub mod pages;
pub mod render;
pub mod server;
pub mod session;

pub use ipnet::IpNet;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gevinst_app::App;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Set the `Secure` flag on cookies (serve over TLS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Largest spreadsheet accepted by the import upload (`POST /import`), in bytes.
    pub max_import_bytes: usize,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` headers name the client
    /// ([`client_addr`]). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Timeouts and caps of the connections [`serve`] accepts.
    pub connections: server::ConnectionLimits,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            secure_cookies: false,
            max_body_bytes: 2 * 1024 * 1024,
            max_import_bytes: 50 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            connections: server::ConnectionLimits::default(),
        }
    }
}

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The application: every handler reaches data and calculations through it.
    pub app: App,
    /// Settings.
    pub settings: Arc<WebSettings>,
}

impl AppState {
    /// Builds the state.
    pub fn new(app: App, settings: WebSettings) -> Self {
        AppState {
            app,
            settings: Arc::new(settings),
        }
    }
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// The whole application router.
pub fn app(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/assets/app.css", get(stylesheet))
        .route("/assets/print.css", get(print_stylesheet))
        .route("/assets/front.js", get(front_script))
        .nest("/api/v1", api::router())
        .merge(pages::router())
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::session_layer,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> StatusCode {
    match state.app.health().await {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

async fn stylesheet() -> Response {
    css(include_str!("../assets/app.css"))
}

/// The print stylesheet (A4 reports), linked with `media="print"` from every page.
async fn print_stylesheet() -> Response {
    css(include_str!("../assets/print.css"))
}

/// The front page's script: fills in forecasts that were not cached (progressive
/// enhancement; the page works without it).
async fn front_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../assets/front.js"),
    )
        .into_response()
}

fn css(body: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error::ApiError::not_found().into_response()
    } else {
        error::PageError(gevinst_app::AppError::NotFound).into_response()
    }
}

/// Serves the app on `listener` until `shutdown` resolves, then drains connections, with
/// the timeouts and caps of [`WebSettings::connections`] (see [`server`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = server::ConnectionLimits {
        uncapped_peers: state.settings.trusted_proxies.clone(),
        ..state.settings.connections.clone()
    };
    server::run(listener, app(state), limits, shutdown).await
}
