//! Importing potentials from a spreadsheet, in five steps (issue 5). Every step is a plain
//! form (no JavaScript); every POST answers 303 to the next GET page.
//!
//! 1. `GET|POST /import`: upload a file (.xlsx, .xls, .ods, .csv). The form is
//!    `multipart/form-data`; its CSRF token travels as `?_csrf=` in the form's action
//!    (see [`crate::session`]), and the body is read here with the import's own size
//!    limit ([`crate::WebSettings::max_import_bytes`]) by axum's [`Multipart`]. The file
//!    is kept in the database ([`gevinst_app::import::uploads`]) under a random id, for
//!    this user only, so that any app server can serve the next steps.
//! 2. `GET /import/{id}`: the sheet (`POST …/ark`), the detected header and a column
//!    mapping form with the suggestion pre-selected (`POST …/kolonner`, optionally saved
//!    by name); a saved mapping can be applied (`POST …/opsaetning`).
//! 3. `GET|POST /import/{id}/vaerdier`: unknown units, fagområder, statuses and
//!    technologies, each matched to an existing one (the suggestion pre-selected, e.g.
//!    «Besluttet» for "godkendt") or created. The decisions can be saved in a saved
//!    mapping by name (`gem_vaerdier_som`); applying that mapping takes them again, and
//!    `gevinst import --mapping NAME` uses them too.
//! 4. `GET /import/{id}/forhaandsvisning`: every row's outcome with the reason; CPR
//!    numbers can be masked (`POST …/maskering`); possible duplicates can be imported
//!    anyway and one reason given for rows whose status needs one (`POST …/valg`); the
//!    error report as .xlsx
//!    (`GET …/fejlrapport.xlsx`).
//! 5. `POST /import/{id}/importer` (`valg=alle` or `valg=gyldige`), then
//!    `GET /import/{id}/resultat`. The commit (one database transaction) runs in a
//!    background task; a long one shows a progress page that refreshes itself until the
//!    result, which links to the potentials written. The progress and the result are
//!    kept with the upload, so the page may be served by another app server.
//!
//! Læsere get 403 on every step. What a leder or digital agent may import is decided by
//! [`gevinst_app::import`].

mod form_keys;
mod row_choices;
mod upload_form;
mod views;

use super::form_input::{field, form_pairs};
use crate::error::PageError;
use crate::session::PageUser;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
pub(crate) use form_keys::{kind_key, target_key};
use form_keys::{parse_kind, parse_target};
use gevinst_app::import::uploads::{Failure, FailureKind, Upload};
use gevinst_app::import::{
    self, ImportChoices, ImportPreview, ImportSetup, Importer, Inspection, ValueChoice,
    ValueDecision, ValueKind,
};
use gevinst_app::import::{ColumnMapping, Limits, Mapping, Target};
use gevinst_app::AppError;
use gevinst_domain::{FieldErrors, Permission, UnitId};
use std::time::Duration;
use upload_form::uploaded_file;
use views::*;

/// File name endings the upload accepts.
pub(crate) const EXTENSIONS: [&str; 6] = [".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"];

/// Routes of the import.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import", get(upload_form).post(upload))
        .route("/import/{id}", get(mapping_page))
        .route("/import/{id}/ark", post(choose_sheet))
        .route("/import/{id}/opsaetning", post(apply_saved))
        .route("/import/{id}/kolonner", post(save_columns))
        .route("/import/{id}/vaerdier", get(values_page).post(save_values))
        .route("/import/{id}/forhaandsvisning", get(preview_page))
        .route("/import/{id}/maskering", post(mask_cpr))
        .route("/import/{id}/valg", post(row_choices::save_row_choices))
        .route("/import/{id}/fejlrapport.xlsx", get(error_report))
        .route("/import/{id}/importer", post(commit))
        .route("/import/{id}/resultat", get(result_page))
}

// ------------------------------------------------------------------ helpers

fn may_import(who: &PageUser) -> Result<(), PageError> {
    if !who.principal.actor.may_tenant_wide(Permission::Import) {
        Err(PageError(AppError::Forbidden))
    } else {
        Ok(())
    }
}

fn may_create_lists(who: &PageUser) -> bool {
    who.principal
        .actor
        .may_tenant_wide(Permission::ManagePortfolio)
}

fn limits(state: &AppState) -> Limits {
    Limits {
        max_file_bytes: state.settings.max_import_bytes,
        ..Limits::default()
    }
}

/// The caller's upload with its file; anything else (unknown, expired, someone else's)
/// is 404.
async fn load(state: &AppState, who: &PageUser, id: &str) -> Result<Upload, PageError> {
    may_import(who)?;
    Ok(state.app.uploads().get(&who.principal, id).await?)
}

/// As [`load`], without the file.
async fn status_of(state: &AppState, who: &PageUser, id: &str) -> Result<Upload, PageError> {
    may_import(who)?;
    Ok(state.app.uploads().status(&who.principal, id).await?)
}

/// The HTTP status of the page that shows why a commit wrote nothing.
fn failure_status(f: &Failure) -> StatusCode {
    match f.kind {
        FailureKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        FailureKind::Conflict => StatusCode::CONFLICT,
        FailureKind::Forbidden => StatusCode::FORBIDDEN,
        FailureKind::Interrupted | FailureKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The upload's file read with `sheet` (`None`: the first sheet): sheets, header, mapping.
fn inspect(state: &AppState, upload: &Upload, sheet: Option<&str>) -> Result<Inspection, AppError> {
    import::inspect(&upload.bytes, &upload.filename, sheet, &limits(state))
}

/// What importing the upload with its current choices would do, for the user (writes nothing).
async fn preview_of(
    state: &AppState,
    who: &PageUser,
    upload: &Upload,
) -> Result<ImportPreview, AppError> {
    let limits = limits(state);
    state
        .app
        .import()
        .preview(
            Importer::User(&who.principal),
            &upload.input(&limits),
            &upload.choices,
        )
        .await
}

fn see_other(path: String) -> Response {
    Redirect::to(&path).into_response()
}

fn messages(e: &FieldErrors) -> Vec<String> {
    e.0.iter().map(|f| f.message.clone()).collect()
}

// ------------------------------------------------------------------ 1. upload

/// `GET /import`.
async fn upload_form(State(state): State<AppState>, who: PageUser) -> Result<Response, PageError> {
    may_import(&who)?;
    Ok(render_upload(&who, &state, None, StatusCode::OK))
}

/// `POST /import?_csrf=…` (multipart): keeps the file and goes on to the mapping.
///
/// The body is read with the import's own limit (the file plus room for the form's
/// other fields and the multipart framing), not the smaller limit of ordinary forms.
async fn upload(
    State(state): State<AppState>,
    who: PageUser,
    mut request: Request,
) -> Result<Response, PageError> {
    may_import(&who)?;
    let limits = limits(&state);
    let max = state.settings.max_import_bytes.saturating_add(64 * 1024);
    DefaultBodyLimit::max(max).apply(&mut request);
    let form = Multipart::from_request(request, &state).await;
    let (name, data) = match uploaded_file(&state, form).await {
        Ok(f) => f,
        Err((status, msg)) => return Ok(render_upload(&who, &state, Some(msg), status)),
    };
    // Read it once now, so that a corrupt, encrypted or too large file is said at once.
    let checked = import::inspect(&data, &name, None, &limits);
    if let Err(e) = checked {
        return match e {
            AppError::Invalid(f) => Ok(render_upload(
                &who,
                &state,
                Some(messages(&f).join(" ")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            e => Err(PageError(e)),
        };
    }
    let id = state
        .app
        .uploads()
        .create(&who.principal, &name, &data)
        .await?;
    Ok(see_other(format!("/import/{id}")))
}

// ------------------------------------------------------------------ 2. sheet and columns

#[derive(serde::Deserialize)]
struct MappingQuery {
    #[serde(default)]
    besked: String,
}

/// `GET /import/{id}`.
async fn mapping_page(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    Query(q): Query<MappingQuery>,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let message = match q.besked.as_str() {
        "opsaetning" => Some("Den gemte kolonneopsætning er brugt. Kontrollér valgene.".to_owned()),
        _ => None,
    };
    mapping_response(
        &state,
        &who,
        &id,
        &upload,
        None,
        Vec::new(),
        message,
        StatusCode::OK,
    )
    .await
}

/// Renders the mapping page; `chosen` overrides the stored mapping (a form with errors).
#[allow(clippy::too_many_arguments)]
async fn mapping_response(
    state: &AppState,
    who: &PageUser,
    id: &str,
    upload: &Upload,
    chosen: Option<(&Mapping, &str)>,
    errors: Vec<(String, String)>,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let inspection = inspect(state, upload, upload.sheet.as_deref())?;
    let saved = state
        .app
        .import()
        .list_mappings(Importer::User(&who.principal))
        .await?;
    let (mapping, save_name) = match chosen {
        Some((m, name)) => (m.clone(), name.to_owned()),
        None => (
            upload
                .mapping
                .as_ref()
                .map(|m| m.adapt(&inspection.header).mapping)
                .unwrap_or_else(|| inspection.mapping.clone()),
            String::new(),
        ),
    };
    let page = MappingPage::new(
        who,
        id,
        &inspection,
        &mapping,
        &saved,
        save_name,
        errors,
        message,
    );
    Ok((status, crate::render::Page(page)).into_response())
}

/// `POST /import/{id}/ark`: reads another sheet (and forgets the mapping).
async fn choose_sheet(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let sheet = field(&pairs, "ark");
    let inspection = inspect(&state, &upload, None)?;
    if !inspection.sheets.iter().any(|s| s.name == sheet) {
        return Err(PageError(AppError::Invalid(FieldErrors::single(
            "ark",
            "invalid",
            "Vælg et af filens ark.",
        ))));
    }
    // A sheet that cannot be read (e.g. no header row) is said on the page; the sheet
    // read so far stays chosen.
    if let Err(e) = inspect(&state, &upload, Some(&sheet)) {
        return match e {
            AppError::Invalid(f) => {
                let errors = messages(&f)
                    .into_iter()
                    .map(|m| {
                        (
                            "ark".to_owned(),
                            format!("Arket «{sheet}» kan ikke læses: {m}"),
                        )
                    })
                    .collect();
                mapping_response(
                    &state,
                    &who,
                    &id,
                    &upload,
                    None,
                    errors,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            e => Err(PageError(e)),
        };
    }
    state
        .app
        .uploads()
        .choose_sheet(&who.principal, &id, &sheet)
        .await?;
    Ok(see_other(format!("/import/{id}")))
}

/// `POST /import/{id}/opsaetning`: applies a saved mapping to this file.
async fn apply_saved(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut upload = status_of(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let name = field(&pairs, "navn");
    let (setup, _) = state
        .app
        .import()
        .load_setup(Importer::User(&who.principal), &name)
        .await?;
    state
        .app
        .uploads()
        .set_mapping(&who.principal, &id, Some(&setup.mapping()))
        .await?;
    // The value decisions saved with it are taken too (the values page shows them).
    if !setup.values.is_empty() {
        upload.choices.decide(setup.values);
        state
            .app
            .uploads()
            .set_choices(&who.principal, &id, &upload.choices)
            .await?;
    }
    Ok(see_other(format!("/import/{id}?besked=opsaetning")))
}

/// `POST /import/{id}/kolonner`: the column mapping (optionally saved by name).
async fn save_columns(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let inspection = inspect(&state, &upload, upload.sheet.as_deref())?;
    if inspection.gevinst_export {
        state
            .app
            .uploads()
            .set_mapping(&who.principal, &id, None)
            .await?;
        return Ok(see_other(format!("/import/{id}/vaerdier")));
    }
    let mut errors = Vec::new();
    let columns = inspection
        .header
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = field(&pairs, &format!("kolonne_{i}"));
            let target = parse_target(&key).unwrap_or_else(|| {
                errors.push((
                    format!("kolonne_{i}"),
                    "Vælg en af mulighederne.".to_owned(),
                ));
                Target::Ignore
            });
            ColumnMapping {
                header: c.name.clone(),
                target,
            }
        })
        .collect();
    let mapping = Mapping { columns };
    let save_name = field(&pairs, "gem_som");
    let first_column = "kolonne_0".to_owned();
    errors.extend(
        mapping
            .problems()
            .into_iter()
            .map(|p| (first_column.clone(), p)),
    );
    if errors.is_empty() && !save_name.trim().is_empty() {
        let importer = Importer::User(&who.principal);
        let saved = state.app.import().list_mappings(importer).await?;
        let version = saved
            .iter()
            .find(|m| m.name == save_name.trim())
            .map(|m| m.version);
        match state
            .app
            .import()
            .save_mapping(importer, &save_name, &mapping, version)
            .await
        {
            Ok(_) => {}
            Err(AppError::Invalid(f)) => {
                errors.extend(messages(&f).into_iter().map(|m| ("gem_som".to_owned(), m)))
            }
            Err(e) => return Err(PageError(e)),
        }
    }
    if !errors.is_empty() {
        return mapping_response(
            &state,
            &who,
            &id,
            &upload,
            Some((&mapping, &save_name)),
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .app
        .uploads()
        .set_mapping(&who.principal, &id, Some(&mapping))
        .await?;
    Ok(see_other(format!("/import/{id}/vaerdier")))
}

// ------------------------------------------------------------------ 3. values

/// `GET /import/{id}/vaerdier`.
async fn values_page(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let preview = preview_of(&state, &who, &upload).await?;
    let lists = state.app.potentials().lists(&who.principal).await?;
    let page = ValuesPage::new(
        &who,
        &id,
        &preview,
        &upload.choices,
        &lists,
        may_create_lists(&who),
    );
    Ok(crate::render::Page(page).into_response())
}

/// The decision a value select's answer stands for; `None` for no choice.
fn decision(kind: ValueKind, raw: String, answer: &str) -> Option<ValueDecision> {
    let choice = match answer {
        "opret" if kind != ValueKind::Status => ValueChoice::Create { parent: None },
        "tom" if matches!(kind, ValueKind::Fagomraade | ValueKind::Technology) => ValueChoice::Skip,
        other => ValueChoice::Existing {
            name: other.strip_prefix("e:")?.to_owned(),
        },
    };
    Some(ValueDecision { kind, raw, choice })
}

/// `POST /import/{id}/vaerdier`: stores the decisions and goes to the preview.
async fn save_values(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut upload = status_of(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let count: usize = field(&pairs, "antal").parse().unwrap_or(0).min(10_000);
    let mut decisions: Vec<ValueDecision> = Vec::new();
    for i in 0..count {
        let Some(kind) = parse_kind(&field(&pairs, &format!("art_{i}"))) else {
            continue;
        };
        let raw = field(&pairs, &format!("raw_{i}"));
        if let Some(d) = decision(kind, raw, &field(&pairs, &format!("vaerdi_{i}"))) {
            decisions.push(d);
        }
    }
    let default_unit = field(&pairs, "standard_enhed");
    let default_unit = if default_unit.is_empty() {
        None
    } else {
        let lists = state.app.potentials().lists(&who.principal).await?;
        let unit = default_unit
            .parse::<i64>()
            .ok()
            .map(UnitId)
            .filter(|u| lists.units.get(*u).is_some_and(|x| x.active));
        if unit.is_none() {
            return Err(PageError(AppError::Invalid(FieldErrors::single(
                "standard_enhed",
                "invalid",
                "Vælg en af enhederne.",
            ))));
        }
        unit
    };
    let save_as = field(&pairs, "gem_vaerdier_som");
    if !save_as.trim().is_empty() {
        save_decisions(&state, &who, &upload, &save_as, &decisions).await?;
    }
    // Decisions for values this form did not show (another mapping) are kept.
    let choices = &mut upload.choices;
    choices.decide(decisions);
    choices.default_unit = default_unit;
    state
        .app
        .uploads()
        .set_choices(&who.principal, &id, choices)
        .await?;
    Ok(see_other(format!("/import/{id}/forhaandsvisning")))
}

/// Saves the value decisions in the saved mapping `name` (created with this upload's
/// columns when there is none), so that the next file, or `gevinst import --mapping NAME`,
/// makes the same decisions.
async fn save_decisions(
    state: &AppState,
    who: &PageUser,
    upload: &Upload,
    name: &str,
    decisions: &[ValueDecision],
) -> Result<(), PageError> {
    let importer = Importer::User(&who.principal);
    let (mut setup, version) = match state.app.import().load_setup(importer, name).await {
        Ok((setup, version)) => (setup, Some(version)),
        Err(AppError::NotFound) => (
            ImportSetup {
                columns: upload
                    .mapping
                    .as_ref()
                    .map(|m| m.columns.clone())
                    .unwrap_or_default(),
                values: Vec::new(),
            },
            None,
        ),
        Err(e) => return Err(PageError(e)),
    };
    let mut merged = ImportChoices {
        values: std::mem::take(&mut setup.values),
        ..ImportChoices::default()
    };
    merged.decide(decisions.iter().cloned());
    setup.values = merged.values;
    state
        .app
        .import()
        .save_setup(importer, name, &setup, version)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ 4. preview

/// `GET /import/{id}/forhaandsvisning`.
async fn preview_page(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    if upload.outcome.is_some() || upload.committing {
        return Ok(see_other(format!("/import/{id}/resultat")));
    }
    // A commit that ended while the progress page was shown tells why it wrote nothing.
    let (errors, status) = match state
        .app
        .uploads()
        .take_failure(&who.principal, &upload)
        .await?
    {
        Some(f) => (f.messages.clone(), failure_status(&f)),
        None => (Vec::new(), StatusCode::OK),
    };
    preview_response(&state, &who, &id, &upload, errors, status).await
}

async fn preview_response(
    state: &AppState,
    who: &PageUser,
    id: &str,
    upload: &Upload,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let preview = preview_of(state, who, upload).await?;
    let page = PreviewPage::new(who, id, upload, &preview, errors);
    Ok((status, crate::render::Page(page)).into_response())
}

/// `POST /import/{id}/maskering`: masks every CPR-like number and shows the preview again.
async fn mask_cpr(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let mut upload = status_of(&state, &who, &id).await?;
    upload.choices.mask_cpr = true;
    state
        .app
        .uploads()
        .set_choices(&who.principal, &id, &upload.choices)
        .await?;
    Ok(see_other(format!("/import/{id}/forhaandsvisning")))
}

/// `GET /import/{id}/fejlrapport.xlsx`: the rows that are not imported cleanly.
async fn error_report(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let preview = match &upload.outcome {
        Some(o) => o.preview.clone(),
        None => preview_of(&state, &who, &upload).await?,
    };
    let bytes = import::error_report(&preview)?;
    state
        .app
        .export()
        .record_download(
            &who.principal,
            gevinst_app::export::Download::ImportErrorReport,
            preview.rows.len(),
        )
        .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"fejlrapport.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------------ 5. commit

/// How long `POST …/importer` waits for the commit before it shows the progress page.
const COMMIT_WAIT: Duration = Duration::from_secs(2);

/// `POST /import/{id}/importer`: `valg=alle` (refused with errors) or `valg=gyldige`.
///
/// The commit (one database transaction) runs in a background task that reports the rows
/// written. The request waits up to [`COMMIT_WAIT`] for it: a small import answers with
/// the result (or the refusal) at once; a long one goes to the result page, which shows
/// the progress and refreshes itself until the commit is done.
async fn commit(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let upload = load(&state, &who, &id).await?;
    let pairs = form_pairs(&body)?;
    let only_valid = match field(&pairs, "valg").as_str() {
        "alle" => false,
        "gyldige" => true,
        _ => {
            return preview_response(
                &state,
                &who,
                &id,
                &upload,
                vec!["Vælg, om alle rækker eller kun de gyldige skal importeres.".to_owned()],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    // One commit per upload (on any app server): a second click (or tab) goes to the
    // result.
    let job = state
        .app
        .uploads()
        .start_commit(&who.principal, upload.clone(), only_valid, limits(&state))
        .await?;
    let Some(job) = job else {
        return Ok(see_other(format!("/import/{id}/resultat")));
    };
    if tokio::time::timeout(COMMIT_WAIT, job).await.is_err() {
        return Ok(see_other(format!("/import/{id}/resultat")));
    }
    let done = status_of(&state, &who, &id).await?;
    if done.outcome.is_some() {
        return Ok(see_other(format!("/import/{id}/resultat")));
    }
    match state
        .app
        .uploads()
        .take_failure(&who.principal, &done)
        .await?
    {
        Some(f) => {
            let status = failure_status(&f);
            preview_response(&state, &who, &id, &upload, f.messages, status).await
        }
        None => Ok(see_other(format!("/import/{id}/forhaandsvisning"))),
    }
}

/// `GET /import/{id}/resultat`: the result, or the progress while the commit runs (the
/// page refreshes itself every second with a `Refresh` header, no JavaScript). The
/// commit may run on another app server: its progress is read from the database.
async fn result_page(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let upload = status_of(&state, &who, &id).await?;
    if let Some(outcome) = &upload.outcome {
        let page = ResultPage::new(&who, &id, &upload.filename, outcome);
        return Ok(crate::render::Page(page).into_response());
    }
    if upload.committing {
        let written = usize::try_from(upload.progress).unwrap_or(usize::MAX);
        let page = ProgressPage::new(&who, &id, &upload.filename, written);
        return Ok((
            [(header::REFRESH, HeaderValue::from_static("1"))],
            crate::render::Page(page),
        )
            .into_response());
    }
    Ok(see_other(format!("/import/{id}/forhaandsvisning")))
}

#[cfg(test)]
mod tests;
