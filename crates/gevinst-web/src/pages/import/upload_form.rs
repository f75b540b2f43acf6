//! Reading the upload form's `multipart/form-data` body: the file field `fil`, within the
//! import's size limit, with Danish refusals.

use super::EXTENSIONS;
use crate::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::Multipart;
use axum::http::StatusCode;

/// Why an upload was refused: the status and the Danish message shown on the form.
pub(super) type Refusal = (StatusCode, String);

/// The message for a body that is not a readable `multipart/form-data` form.
const UNREADABLE: &str = "Formularen kunne ikke læses. Gå tilbage, og prøv igen.";

/// The most parts (fields) the upload form's body may have.
const MAX_PARTS: usize = 32;

fn upload_error<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err((StatusCode::UNPROCESSABLE_ENTITY, message.into()))
}

fn too_big(state: &AppState) -> Refusal {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Filen er for stor. Grænsen er {} MB. Del filen op, eller spørg en administrator om at hæve grænsen.",
            state.settings.max_import_bytes / (1024 * 1024)
        ),
    )
}

/// A multipart error while reading the body: the size limit is 413, anything else
/// (a malformed or cut-off body) is the form that cannot be read.
fn read_failure(state: &AppState, e: &MultipartError) -> Refusal {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_big(state)
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, UNREADABLE.to_owned())
    }
}

/// Checks the file field `fil` (its file name as sent, its content): a file name from
/// Windows or a path is cut to its last part, and a quote that a browser sent as `%22`
/// is a quote again.
pub(super) fn checked_file(
    file_name: Option<&str>,
    data: Vec<u8>,
) -> Result<(String, Vec<u8>), Refusal> {
    let name = file_name
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim())
        .map(|n| n.replace("%22", "\""))
        .unwrap_or_default();
    if name.is_empty() && data.is_empty() {
        return upload_error("Vælg en fil.");
    }
    let lower = name.to_lowercase();
    if !EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        return upload_error(format!(
            "«{name}» kan ikke importeres. Vælg et regneark (.xlsx, .xls eller .ods) eller en CSV-fil (.csv)."
        ));
    }
    if data.is_empty() {
        return upload_error(format!("«{name}» er tom."));
    }
    Ok((name, data))
}

/// Reads the whole form and returns the file field `fil` (the first one). The other
/// fields (e.g. a `_csrf` also sent in the body) are read and ignored, so that a body
/// that is malformed after the file is still refused.
pub(super) async fn uploaded_file(
    state: &AppState,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), Refusal> {
    let Ok(mut form) = form else {
        return upload_error(UNREADABLE);
    };
    let mut file: Option<(Option<String>, Vec<u8>)> = None;
    let mut parts = 0usize;
    loop {
        let mut part = match form.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => return Err(read_failure(state, &e)),
        };
        parts += 1;
        if parts > MAX_PARTS {
            return upload_error(UNREADABLE);
        }
        let Some(name) = part.name() else {
            return upload_error(UNREADABLE);
        };
        let wanted = name == "fil" && file.is_none();
        let file_name = part.file_name().map(str::to_owned);
        let mut data = Vec::new();
        loop {
            match part.chunk().await {
                Ok(Some(chunk)) if wanted => data.extend_from_slice(&chunk),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Err(read_failure(state, &e)),
            }
        }
        if wanted {
            file = Some((file_name, data));
        }
    }
    match file {
        Some((file_name, data)) => checked_file(file_name.as_deref(), data),
        None => upload_error("Vælg en fil."),
    }
}
