//! Downloading the list of potentials as a spreadsheet.
//!
//! - `GET /potentialer/eksport.xlsx`: the workbook (Potentialer, Business cases, Risici,
//!   Nøgletal).
//! - `GET /potentialer/eksport.csv`: the Potentialer sheet as `;`-separated UTF-8 CSV
//!   with a byte-order mark.
//!
//! Both take the list page's filters (`status`, `unit`, `fagomraade`, `technology`, `q`,
//! `sort`, `order`) and export every matching potential, not just one page. Anyone logged
//! in may download what the list shows them; invalid filters give the Danish error page
//! (422), never a partial file.

use super::list::read_params;
use crate::error::PageError;
use crate::session::PageUser;
use crate::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use gevinst_app::export::{export, ExportFile, ExportFormat, ExportOptions};

fn download(file: ExportFile) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.filename))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment; filename=\"potentialer\""));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.bytes,
    )
        .into_response()
}

async fn send(
    state: &AppState,
    who: &PageUser,
    raw: Option<&str>,
    format: ExportFormat,
) -> Result<Response, PageError> {
    let params = read_params(raw);
    let file = export(
        state.store.as_ref(),
        &who.principal,
        &params,
        format,
        ExportOptions::default(),
    )
    .await?;
    Ok(download(file))
}

/// `GET /potentialer/eksport.xlsx`.
pub(super) async fn xlsx(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    send(&state, &who, raw.as_deref(), ExportFormat::Xlsx).await
}

/// `GET /potentialer/eksport.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    send(&state, &who, raw.as_deref(), ExportFormat::Csv).await
}
