//! Printable reports (gevinstrealiseringsrapport) and .xlsx downloads of programmes and
//! benefit plans.

use crate::AppState;
use axum::Router;

/// Routes of the reports and downloads.
pub fn routes() -> Router<AppState> {
    Router::new()
}
