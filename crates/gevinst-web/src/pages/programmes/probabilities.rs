//! `GET|POST /programmer/sandsynligheder`: the tenant's forecast probabilities per status,
//! in %, editable by a porteføljeleder or an admin.

use super::{field, form_pairs, summary, ErrorItem};
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
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{format_input, parse_number};
use gevinst_domain::programme::StatusProbabilities;
use gevinst_domain::{FieldErrors, Permission, Status};

struct Row {
    name: &'static str,
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "programme_probabilities.html")]
struct ProbPage {
    layout: Layout,
    rows: Vec<Row>,
    version: i64,
    may_edit: bool,
    conflict: bool,
    errors: FieldErrors,
    summary: Vec<ErrorItem>,
}

impl ProbPage {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }
}

fn set(p: &mut StatusProbabilities, s: Status, v: Decimal) {
    match s {
        Status::Ide => p.ide = v,
        Status::Vurderet => p.vurderet = v,
        Status::BusinessCase => p.business_case = v,
        Status::Besluttet => p.besluttet = v,
        Status::IImplementering => p.i_implementering = v,
        Status::IDrift => p.i_drift = v,
        Status::GevinstRealiseret => p.gevinst_realiseret = v,
        Status::Afvist => p.afvist = v,
        Status::Parkeret => p.parkeret = v,
    }
}

fn rows_of(p: &StatusProbabilities) -> Vec<Row> {
    Status::ALL
        .iter()
        .map(|s| Row {
            name: s.as_str(),
            label: s.label(),
            value: format_input(p.get(*s) * Decimal::ONE_HUNDRED),
        })
        .collect()
}

fn render(
    who: &PageUser,
    rows: Vec<Row>,
    version: i64,
    errors: FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> Response {
    let page = ProbPage {
        layout: Layout::new(who, "Sandsynligheder pr. status", "programmer"),
        rows,
        version,
        may_edit: who
            .principal
            .actor
            .may_tenant_wide(Permission::ManagePortfolio),
        conflict,
        summary: summary(&errors),
        errors,
    };
    (status, Page(page)).into_response()
}

/// `GET /programmer/sandsynligheder`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let (p, version) = state
        .app
        .programmes()
        .status_probabilities(&who.principal)
        .await?;
    Ok(render(
        &who,
        rows_of(&p),
        version,
        FieldErrors::new(),
        false,
        StatusCode::OK,
    ))
}

/// `POST /programmer/sandsynligheder`.
pub(crate) async fn save(
    State(state): State<AppState>,
    who: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    if !who
        .principal
        .actor
        .may_tenant_wide(Permission::ManagePortfolio)
    {
        return Err(AppError::Forbidden.into());
    }
    let app = &state.app;
    let pairs = form_pairs(&body)?;
    let (current, current_version) = app
        .programmes()
        .status_probabilities(&who.principal)
        .await?;
    let version = field(&pairs, "version").trim().parse::<i64>().unwrap_or(-1);
    let mut probs = current.clone();
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    for s in Status::ALL {
        let raw = field(&pairs, s.as_str());
        match parse_number(&raw) {
            Ok(v) if v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED => {
                set(&mut probs, s, v / Decimal::ONE_HUNDRED)
            }
            _ => errors.add(
                s.as_str(),
                "out_of_range",
                format!(
                    "Sandsynligheden for \"{}\" skal være et tal fra 0 til 100 %.",
                    s.label()
                ),
            ),
        }
        rows.push(Row {
            name: s.as_str(),
            label: s.label(),
            value: raw,
        });
    }
    if !errors.is_empty() {
        return Ok(render(
            &who,
            rows,
            version,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    match app
        .programmes()
        .set_status_probabilities(&who.principal, version, &probs)
        .await
    {
        Ok(_) => Ok(Redirect::to("/programmer?besked=sandsynligheder").into_response()),
        Err(AppError::Conflict) => Ok(render(
            &who,
            rows,
            current_version,
            FieldErrors::new(),
            true,
            StatusCode::CONFLICT,
        )),
        Err(AppError::Invalid(e)) => Ok(render(
            &who,
            rows,
            version,
            e,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}
