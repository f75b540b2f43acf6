//! `POST /import/{id}/valg`: the choices the preview offers for single rows: which
//! possible duplicates to import anyway (`behold`, one per row number) and the one reason
//! for every row whose status needs one the file does not give (`begrundelse`).

use super::{see_other, status_of};
use crate::error::PageError;
use crate::pages::form_input::{field, fields, form_pairs};
use crate::session::PageUser;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;

/// The longest reason the form accepts, as the status form.
const MAX_REASON: usize = 2000;

/// Stores the row choices and shows the preview again.
pub(super) async fn save_row_choices(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut upload = status_of(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let mut keep: Vec<u32> = fields(&pairs, "behold")
        .iter()
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    keep.sort_unstable();
    keep.dedup();
    let reason: String = field(&pairs, "begrundelse")
        .trim()
        .chars()
        .take(MAX_REASON)
        .collect();
    let choices = &mut upload.choices;
    choices.keep_duplicate_rows = keep;
    choices.default_reason = Some(reason).filter(|r| !r.is_empty());
    state
        .app
        .uploads()
        .set_choices(&who.principal, &id, choices)
        .await?;
    Ok(see_other(format!("/import/{id}/forhaandsvisning")))
}
