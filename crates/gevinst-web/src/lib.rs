//! The HTTP layer of gevinst: a JSON API under `/api/v1` (with an OpenAPI document) and a
//! server-rendered, accessible Danish UI. All assets are served from the binary.
//!
//! - [`AppState`]: the shared state (store and settings).
//! - [`app`]: builds the router, so tests can call it with `oneshot`.
//! - [`serve`]: runs the router on a bound listener until `shutdown` resolves.
#![deny(missing_docs)]

use axum::Router;
use gevinst_store::DynStore;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Set the `Secure` flag on cookies (serve over TLS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings { secure_cookies: false, max_body_bytes: 2 * 1024 * 1024 }
    }
}

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: DynStore,
    /// Settings.
    pub settings: Arc<WebSettings>,
}

impl AppState {
    /// Builds the state.
    pub fn new(store: DynStore, settings: WebSettings) -> Self {
        AppState { store, settings: Arc::new(settings) }
    }
}

/// The whole application router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    match state.store.health().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Serves the app on `listener` until `shutdown` resolves, then drains connections.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
