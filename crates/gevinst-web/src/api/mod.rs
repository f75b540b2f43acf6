//! The JSON API under `/api/v1`.

use crate::AppState;
use axum::Router;

/// Routes of the API, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
}
