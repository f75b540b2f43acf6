//! Acting on the rows ticked in the list, and the list's saved views.
//!
//! - `POST /potentialer/masse`: a bulk action on the ticked rows (`id`, repeated):
//!   `action=status` (with `status` and one `reason`), `action=programme` (with
//!   `programme`), or `action=xlsx`/`csv` (a download of the selection). The status and
//!   programme actions need [`Permission::BulkEdit`](gevinst_domain::access::Permission),
//!   checked by the app; the page lists each row's outcome, in Danish.
//! - `POST /potentialer/visninger`: saves the list's query string under a name.
//! - `POST /potentialer/visninger/{id}/slet`: deletes one of the user's views.

use super::{field, form_pairs};
use crate::error::PageError;
use crate::pages::form_input::{fields, path_number};
use crate::pages::layout::Layout;
use crate::render::{download, Page};
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::bulk::RowOutcome;
use gevinst_app::export::ExportFormat;
use gevinst_app::AppError;
use gevinst_domain::{FieldErrors, PotentialId, ProgrammeId, Status};

/// One row of the result.
struct ResultRow {
    id: i64,
    title: Option<String>,
    ok: bool,
    message: String,
}

/// The outcome of a bulk action.
#[derive(Template)]
#[template(path = "potential_bulk_result.html")]
struct ResultPage {
    layout: Layout,
    rows: Vec<ResultRow>,
    done: usize,
    failed: usize,
    total: usize,
    back: String,
}

/// Asks for the reason a bulk move to a decided status needs when a selected row has no
/// business case (the single potential's form asks the same), keeping the selection.
#[derive(Template)]
#[template(path = "potential_bulk_reason.html")]
struct ReasonPage {
    layout: Layout,
    message: String,
    ids: Vec<i64>,
    status: &'static str,
    status_label: String,
    back: String,
}

/// The refusal of [`check_decided_with_cases`](gevinst_app::bulk) as a page that asks for
/// the reason (422); any other error as it is.
fn ask_for_reason(
    who: &PageUser,
    e: AppError,
    ids: &[PotentialId],
    to: Status,
    back: &str,
) -> Result<Response, PageError> {
    let code = gevinst_domain::lifecycle::LifecycleError::CaseOrReasonRequired(to).code();
    let message = match &e {
        AppError::Invalid(f) => {
            f.0.iter()
                .find(|f| f.field == "reason" && f.code == code)
                .map(|f| f.message.clone())
        }
        _ => None,
    };
    let Some(message) = message else {
        return Err(PageError(e));
    };
    let page = Page(ReasonPage {
        layout: Layout::new(who, "Begrundelse mangler", "potentialer"),
        message,
        ids: ids.iter().map(|i| i.0).collect(),
        status: to.as_str(),
        status_label: to.label().to_lowercase(),
        back: back.to_owned(),
    });
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn invalid(field: &str, message: &str) -> PageError {
    PageError(AppError::Invalid(FieldErrors::single(
        field, "invalid", message,
    )))
}

/// The ticked ids; a value that is not an id is a field error.
fn selected(pairs: &[(String, String)]) -> Result<Vec<PotentialId>, PageError> {
    fields(pairs, "id")
        .iter()
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map(PotentialId)
                .map_err(|_| invalid("id", "Et af de valgte potentialer er ugyldigt."))
        })
        .collect()
}

/// Keeps a list query string for the link back, dropping anything that is not one.
fn back_query(raw: &str) -> String {
    let raw = raw.trim().trim_start_matches('?');
    match serde_urlencoded::from_str::<Vec<(String, String)>>(raw) {
        Ok(pairs) => serde_urlencoded::to_string(pairs).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

fn result_page(who: &PageUser, title: &str, outcomes: Vec<RowOutcome>, back: String) -> Response {
    let total = outcomes.len();
    let done = outcomes.iter().filter(|o| o.ok()).count();
    let rows = outcomes
        .into_iter()
        .map(|o| ResultRow {
            id: o.id.0,
            ok: o.result.is_ok(),
            message: o.result.err().unwrap_or_default(),
            title: o.title,
        })
        .collect();
    Page(ResultPage {
        layout: Layout::new(who, title, "potentialer"),
        rows,
        done,
        failed: total - done,
        total,
        back,
    })
    .into_response()
}

/// `POST /potentialer/masse`.
pub(super) async fn act(
    State(state): State<AppState>,
    who: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let pairs = form_pairs(&body)?;
    let ids = selected(&pairs)?;
    let back = back_query(&field(&pairs, "back"));
    let app = &state.app;
    match field(&pairs, "action").trim() {
        "status" => {
            let to = Status::parse(field(&pairs, "status").trim())
                .ok_or_else(|| invalid("status", "Vælg den nye status."))?;
            let reason = field(&pairs, "reason");
            let reason = Some(reason.as_str()).filter(|r| !r.trim().is_empty());
            let outcomes = match app
                .potentials()
                .bulk_status(&who.principal, &ids, to, reason)
                .await
            {
                Ok(o) => o,
                Err(e) => return ask_for_reason(&who, e, &ids, to, &back),
            };
            let title = format!("Status ændret til {}", to.label().to_lowercase());
            Ok(result_page(&who, &title, outcomes, back))
        }
        "programme" => {
            let id = field(&pairs, "programme")
                .trim()
                .parse::<i64>()
                .map(ProgrammeId)
                .map_err(|_| invalid("programme", "Vælg et program."))?;
            let outcomes = app.programmes().bulk_add(&who.principal, id, &ids).await?;
            Ok(result_page(&who, "Tilføjet til program", outcomes, back))
        }
        action @ ("xlsx" | "csv") => {
            let format = ExportFormat::parse(action).unwrap_or(ExportFormat::Xlsx);
            let file = app
                .export()
                .export_selection(&who.principal, &ids, format)
                .await?;
            Ok(download(
                file.format.content_type(),
                &file.filename,
                file.bytes,
            ))
        }
        _ => Err(invalid("action", "Vælg en handling.")),
    }
}

/// `POST /potentialer/visninger`.
pub(super) async fn save_view(
    State(state): State<AppState>,
    who: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let pairs = form_pairs(&body)?;
    let query = back_query(&field(&pairs, "query"));
    let view = state
        .app
        .potentials()
        .save_view(&who.principal, &field(&pairs, "view_name"), &query)
        .await?;
    let to = if view.query.is_empty() {
        "/potentialer".to_owned()
    } else {
        format!("/potentialer?{}", view.query)
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /potentialer/visninger/{id}/slet`.
pub(super) async fn delete_view(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = path_number(&raw)?;
    state
        .app
        .potentials()
        .delete_view(&who.principal, id)
        .await?;
    Ok(Redirect::to("/potentialer").into_response())
}
