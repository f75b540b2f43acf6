//! Pages about potentials: the filterable list, the form for a new idea, and a potential's
//! own page with facts, edit form, status change and history.
//!
//! - `GET /potentialer`: [`list`]
//! - `GET|POST /potentialer/ny`: [`new`]
//! - `POST /potentialer/masse`, `POST /potentialer/visninger`,
//!   `POST /potentialer/visninger/{id}/slet`: [`bulk`]
//! - `GET /potentialer/eksport.xlsx`, `GET /potentialer/eksport.csv`: [`export`]
//! - `GET /potentialer/{id}`, `POST /potentialer/{id}/rediger`, `POST /potentialer/{id}/status`:
//!   [`detail`]
//!
//! Form input arrives as text and stays text until the use case has accepted it, so that a
//! form with errors can be shown again exactly as the user typed it.

mod bulk;
mod detail;
mod export;
mod form;
mod history;
mod list;
mod list_columns;
mod new;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

use super::form_input::{field, form_pairs, merge_errors, potential_id as parse_id};

/// Routes of this part of the UI.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/potentialer", get(list::show))
        .route("/potentialer/ny", get(new::form).post(new::submit))
        .route("/potentialer/masse", post(bulk::act))
        .route("/potentialer/visninger", post(bulk::save_view))
        .route("/potentialer/visninger/{id}/slet", post(bulk::delete_view))
        .route("/potentialer/eksport.xlsx", get(export::xlsx))
        .route("/potentialer/eksport.csv", get(export::csv))
        .route("/potentialer/{id}", get(detail::show))
        .route("/potentialer/{id}/rediger", post(detail::edit))
        .route("/potentialer/{id}/status", post(detail::change_status))
}

/// One `<option>` of a `<select>`.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    /// The submitted value.
    pub value: String,
    /// The visible text.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

impl Choice {
    fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        let selected = value == current.trim();
        Choice {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// Text indentation for a unit `depth` levels down, for `<option>` labels (no-break spaces,
/// which screen readers skip).
fn indent(depth: usize) -> String {
    "\u{a0}\u{a0}\u{a0}".repeat(depth.min(8))
}
