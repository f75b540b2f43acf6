//! The server-rendered Danish UI.

mod auth;
pub mod layout;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// Routes of the HTML UI.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
}
