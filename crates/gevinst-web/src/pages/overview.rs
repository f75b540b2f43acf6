//! Pages: overview (being written).

use crate::AppState;
use axum::Router;

/// Routes of this part of the UI.
pub fn routes() -> Router<AppState> {
    Router::new()
}
