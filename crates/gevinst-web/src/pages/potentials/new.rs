//! "Ny idé": any logged-in user may submit an idea.

use super::form::{all_errors, FormView, PotentialForm};
use super::form_pairs;
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::AppError;
use gevinst_domain::Permission;

/// The "Ny idé" page.
#[derive(Template)]
#[template(path = "potential_new.html")]
struct NewPage {
    layout: Layout,
    form: FormView,
}

fn render(who: &PageUser, form: FormView, status: StatusCode) -> Response {
    let page = NewPage {
        layout: Layout::new(who, "Ny idé", "ny"),
        form,
    };
    (status, Page(page)).into_response()
}

fn with_people(who: &PageUser) -> bool {
    who.principal.actor.may_tenant_wide(Permission::Contribute)
}

/// `GET /potentialer/ny`.
pub(super) async fn form(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let lists = state.app.potentials().lists(&who.principal).await?;
    let mut values = PotentialForm::blank();
    // A user assigned to exactly one unit most likely submits for that unit.
    if let [only] = who.principal.user.units.as_slice() {
        if lists.units.get(*only).is_some_and(|u| u.active) {
            values.unit_id = only.to_string();
        }
    }
    let view = FormView::new(values, Default::default(), &lists, with_people(&who), None);
    Ok(render(&who, view, StatusCode::OK))
}

/// `POST /potentialer/ny`: creates the idea and goes to its page, or shows the form again
/// with the input kept and the errors next to their fields.
pub(super) async fn submit(
    State(state): State<AppState>,
    who: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let pairs = form_pairs(&body)?;
    let values = PotentialForm::from_pairs(&pairs);
    let lists = state.app.potentials().lists(&who.principal).await?;
    let people = with_people(&who);
    let (draft, parse_errors) = values.to_draft(people, None);
    let errors = if parse_errors.is_empty() {
        match state
            .app
            .potentials()
            .create(&who.principal, &draft, None)
            .await
        {
            Ok(p) => {
                return Ok(
                    Redirect::to(&format!("/potentialer/{}?besked=oprettet", p.id)).into_response(),
                )
            }
            Err(AppError::Invalid(errors)) => errors,
            Err(e) => return Err(e.into()),
        }
    } else {
        all_errors(parse_errors, &draft, &lists)
    };
    let view = FormView::new(values, errors, &lists, people, None);
    Ok(render(&who, view, StatusCode::UNPROCESSABLE_ENTITY))
}
