//! A potential's business case: results with SVG charts, the editor, and the simulation.
//!
//! - `GET /potentialer/{id}/business-case`: results (when a case exists), the editor (for
//!   users who may edit the potential) and the simulation form.
//! - `POST /potentialer/{id}/business-case`: the editor. The pressed button's `action`
//!   decides: `save` validates and saves (303 on success, 422 with errors, 409 on a stale
//!   version); every other action (`add_line`, `remove_line:N`, `add_risk`,
//!   `remove_risk:N`, `fill:N`, `refresh`) re-renders the form without saving, keeping
//!   all input.
//! - `POST /potentialer/{id}/business-case/simuler`: runs the Monte Carlo and shows its
//!   results (anyone in the tenant may).
//! - `GET /assets/bc-editor.js`: the editor's small progressive script (fields by line
//!   kind, the line being edited); the editor works without it.
//!
//! Every editor button lands on what it touched (see [`landing`]). A potential before
//! status *business case* shows why it has no editor yet ([`gevinst_domain::lifecycle`]).

mod form;
mod landing;
mod view;

use super::form_input::{field, form_pairs, merge_errors, potential_id as parse_id};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use form::{adapt_errors, Action, CaseForm};
use gevinst_app::auth::Principal;
use gevinst_app::business_cases::BusinessCaseView;
use gevinst_app::compute::MAX_INTERACTIVE_ITERATIONS;
use gevinst_app::AppError;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::danish::parse_number;
use gevinst_domain::lifecycle;
use gevinst_domain::{FieldErrors, Potential, PotentialId};
use view::{EditorView, Results, SimForm, SimView};

pub(crate) use view::Summary;

/// Routes of the business-case pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/potentialer/{id}/business-case", get(show).post(submit))
        .route("/potentialer/{id}/business-case/simuler", post(simulate))
        .route("/assets/bc-editor.js", get(script))
}

/// The editor's script: progressive only, no third-party code.
async fn script() -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../assets/bc-editor.js"),
    )
        .into_response()
}

/// The page.
#[derive(Template)]
#[template(path = "business_case.html")]
struct CasePage {
    layout: Layout,
    id: i64,
    potential_title: String,
    flash: Option<&'static str>,
    /// The id of the flash message, a landing place.
    flash_id: &'static str,
    /// The save was refused because someone else saved first.
    conflict: bool,
    results: Option<Results>,
    editor: Option<EditorView>,
    /// Why there is no editor although the user may edit: the status is too early.
    too_early: Option<String>,
    sim_form: Option<SimForm>,
    sim: Option<SimView>,
}

/// What to show besides the stored case.
#[derive(Default)]
struct Extra {
    flash: Option<&'static str>,
    /// The line or risk a save just landed on.
    saved: Option<String>,
    form: Option<(CaseForm, FieldErrors)>,
    conflict: bool,
    sim_form: Option<(String, String, FieldErrors)>,
    sim: Option<gevinst_domain::business_case::Simulation>,
}

fn render(
    who: &PageUser,
    p: &Potential,
    v: &BusinessCaseView,
    extra: Extra,
    status: StatusCode,
) -> Response {
    let results = v
        .evaluation
        .as_ref()
        .zip(v.case.as_ref())
        .map(|(ev, case)| Results::new(case, ev, &v.economics, &v.sensitivity));
    let too_early = (v.may_edit && v.case.is_none())
        .then(|| lifecycle::check_case_created(p.status).err())
        .flatten()
        .map(|e| e.to_string());
    let editor = (v.may_edit && too_early.is_none()).then(|| {
        let (form, errors) = extra.form.unwrap_or_else(|| {
            let f = match &v.case {
                Some(c) => CaseForm::from_case(c),
                None => CaseForm::blank(chrono::Utc::now().year()),
            };
            (f, FieldErrors::new())
        });
        EditorView::new(
            &form,
            errors,
            v.version,
            &v.economics,
            extra.saved.as_deref(),
            format!("/potentialer/{}/business-case", p.id.0),
        )
    });
    let sim_form = v.case.as_ref().map(|_| {
        let (iterations, seed, errors) = extra
            .sim_form
            .unwrap_or_else(|| ("10.000".to_owned(), "1".to_owned(), FieldErrors::new()));
        SimForm::new(iterations, seed, errors)
    });
    let page = CasePage {
        layout: Layout::new(who, format!("Business case: {}", p.title), "potentialer"),
        id: p.id.0,
        potential_title: p.title.clone(),
        flash: extra.flash,
        flash_id: landing::SAVED,
        conflict: extra.conflict,
        results,
        editor,
        too_early,
        sim_form,
        sim: extra.sim.as_ref().map(SimView::new),
    };
    (status, Page(page)).into_response()
}

/// `GET /potentialer/{id}/business-case`.
async fn show(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let app = &state.app;
    let p = app.potentials().get(&who.principal, id).await?;
    let v = app.business_cases().get(&who.principal, id).await?;
    let query = query.unwrap_or_default();
    let saved = query.split('&').any(|p| p == "besked=gemt");
    let extra = Extra {
        flash: saved.then_some("Business casen er gemt."),
        saved: saved.then(|| landing::from_query(&query)).flatten(),
        ..Extra::default()
    };
    Ok(render(&who, &p, &v, extra, StatusCode::OK))
}

/// All errors of a form that is to be saved: the texts that are not numbers, then the
/// domain's rules on the rest (so everything is reported at once).
async fn all_errors(
    app: &gevinst_app::App,
    who: &Principal,
    form: &CaseForm,
) -> Result<
    Option<(
        FieldErrors,
        gevinst_domain::business_case::BusinessCaseDraft,
    )>,
    PageError,
> {
    let (draft, mut errors) = form.to_draft();
    if errors.is_empty() {
        return Ok(None);
    }
    let econ = app.business_cases().economics(who).await?;
    if let Err(domain) = draft.validate(&econ.economics) {
        merge_errors(&mut errors, adapt_errors(domain));
    }
    Ok(Some((errors, draft)))
}

/// `POST /potentialer/{id}/business-case`.
async fn submit(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let app = &state.app;
    let p = app.potentials().get(&who.principal, id).await?;
    let v = app.business_cases().get(&who.principal, id).await?;
    if !v.may_edit {
        return Err(AppError::Forbidden.into());
    }
    let pairs = form_pairs(&body)?;
    let mut form = CaseForm::from_pairs(&pairs);
    let action = Action::parse(&field(&pairs, "action"));
    if action != Action::Save {
        let errors = form.apply(action);
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let extra = Extra {
            form: Some((form, errors)),
            ..Extra::default()
        };
        return Ok(render(&who, &p, &v, extra, status));
    }
    let invalid = |form: CaseForm, errors: FieldErrors| {
        let extra = Extra {
            form: Some((form, errors)),
            ..Extra::default()
        };
        render(&who, &p, &v, extra, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let version = match field(&pairs, "version").trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = FieldErrors::single(
                    "form",
                    "invalid",
                    "Formularen mangler sit versionsnummer. Genindlæs siden, og prøv igen.",
                );
                return Ok(invalid(form, e));
            }
        },
    };
    if let Some((errors, _)) = all_errors(app, &who.principal, &form).await? {
        return Ok(invalid(form, errors));
    }
    let (draft, _) = form.to_draft();
    match app
        .business_cases()
        .put(&who.principal, id, version, &draft)
        .await
    {
        Ok(saved) => {
            let target = match &saved.case {
                Some(case) => landing::after_save(v.case.as_ref(), case),
                None => landing::SAVED.to_owned(),
            };
            let url = format!(
                "/potentialer/{}/business-case?besked=gemt{}#{target}",
                id.0,
                landing::to_query(&target)
            );
            Ok(Redirect::to(&url).into_response())
        }
        Err(AppError::Invalid(domain)) => Ok(invalid(form, adapt_errors(domain))),
        Err(AppError::Conflict) => {
            let now = app.business_cases().get(&who.principal, id).await?;
            let extra = Extra {
                form: Some((form, FieldErrors::new())),
                conflict: true,
                ..Extra::default()
            };
            Ok(render(&who, &p, &now, extra, StatusCode::CONFLICT))
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the simulation form: iterations (Danish number, whole) and seed.
fn sim_settings(iterations: &str, seed: &str) -> Result<SimulationSettings, FieldErrors> {
    let mut e = FieldErrors::new();
    let whole = |t: &str| {
        parse_number(t)
            .ok()
            .filter(|d| d.fract().is_zero() && !d.is_sign_negative())
            .map(|d| d.trunc().to_string())
    };
    let iterations = match whole(iterations).and_then(|s| s.parse::<u32>().ok()) {
        Some(n) if (1..=MAX_INTERACTIVE_ITERATIONS).contains(&n) => n,
        _ => {
            e.add(
                "iterations",
                "invalid",
                "Antal gennemløb skal være et helt tal fra 1 til 100.000.",
            );
            0
        }
    };
    let seed = match whole(seed).and_then(|s| s.parse::<u64>().ok()) {
        Some(n) => n,
        None => {
            e.add(
                "seed",
                "invalid",
                "Startværdien skal være et helt tal på 0 eller derover.",
            );
            0
        }
    };
    e.into_result(SimulationSettings { iterations, seed })
}

/// `POST /potentialer/{id}/business-case/simuler`.
async fn simulate(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let app = &state.app;
    let p = app.potentials().get(&who.principal, id).await?;
    let v = app.business_cases().get(&who.principal, id).await?;
    if v.case.is_none() {
        return Err(AppError::NotFound.into());
    }
    let pairs = form_pairs(&body)?;
    let (iterations, seed) = (field(&pairs, "iterations"), field(&pairs, "seed"));
    let settings = match sim_settings(&iterations, &seed) {
        Ok(s) => s,
        Err(errors) => {
            let extra = Extra {
                sim_form: Some((iterations, seed, errors)),
                ..Extra::default()
            };
            return Ok(render(
                &who,
                &p,
                &v,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match app
        .business_cases()
        .simulate(&who.principal, id, settings)
        .await
    {
        Ok(sim) => {
            let extra = Extra {
                sim_form: Some((iterations, seed, FieldErrors::new())),
                sim: Some(sim),
                ..Extra::default()
            };
            Ok(render(&who, &p, &v, extra, StatusCode::OK))
        }
        Err(AppError::Invalid(errors)) => {
            let extra = Extra {
                sim_form: Some((iterations, seed, errors)),
                ..Extra::default()
            };
            Ok(render(
                &who,
                &p,
                &v,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Key figures of a potential's business case for the potential's own page, or `None`
/// when it has no case yet.
pub(crate) async fn summary(
    app: &gevinst_app::App,
    who: &Principal,
    id: PotentialId,
) -> Result<Option<Summary>, AppError> {
    let v = app.business_cases().get(who, id).await?;
    Ok(v.evaluation.as_ref().map(Summary::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_settings_accept_danish_numbers() {
        let s = sim_settings("10.000", "1").unwrap();
        assert_eq!((s.iterations, s.seed), (10_000, 1));
        let e = sim_settings("0", "x").unwrap_err();
        assert!(e.message_for("iterations").is_some());
        assert!(e.message_for("seed").is_some());
        assert!(sim_settings("2,5", "1").is_err());
    }
}
