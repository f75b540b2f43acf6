//! The server-rendered Danish UI.
//!
//! Conventions every page follows (WCAG 2.1 AA):
//! - one `<h1>`; the layout adds a skip link, landmarks and the menu;
//! - every input has a `<label for>`; a field with an error gets `aria-invalid="true"` and
//!   `aria-describedby` pointing at a `<p class="field-error" id="FIELD-fejl">` right below it;
//! - a form with errors starts with an error summary (`role="alert"`) linking to each field,
//!   and keeps what the user typed;
//! - after a successful POST the handler redirects (303) to a GET page (no double submits);
//! - everything works without JavaScript.

mod account;
mod admin;
mod auth;
mod business_case;
mod calendar;
mod form_input;
mod front;
mod glossary;
mod import;
pub mod layout;
mod overview;
mod potentials;
mod programmes;
mod reports;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// Routes of the HTML UI.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .merge(front::routes())
        .merge(potentials::routes())
        .merge(business_case::routes())
        .merge(admin::routes())
        .merge(account::routes())
        .merge(calendar::routes())
        .merge(programmes::routes())
        .merge(reports::routes())
        .merge(import::routes())
        .merge(glossary::routes())
}
