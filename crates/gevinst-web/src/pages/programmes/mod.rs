//! Programme pages: the programme list, the programme overview (the director's Monday
//! page) with the forecast, benefit plans and actuals, and the årshjul.

use crate::AppState;
use axum::Router;

/// Routes of the programme pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}
