//! The JSON API under `/api/v1`.
//!
//! Every endpoint except `/openapi.json` needs `Authorization: Bearer gvt_…` (a personal
//! token) and works only on the caller's tenant: another tenant's ids are 404, exactly like
//! ids that do not exist. Handlers parse input, call a use case in
//! [`gevinst_app::potentials`], [`gevinst_app::business_cases`] or
//! [`gevinst_app::programmes`] and return JSON; the
//! rules live in the app and domain crates.
//!
//! Errors always have the body [`crate::error::ErrorBody`]; see [`extract`] for how bad
//! input maps to status codes, and [`potentials`] for optimistic concurrency (`If-Match`),
//! implemented in [`versions`].

pub mod approvals;
pub mod business_case;
pub mod extract;
pub mod openapi;
pub mod potential_figures;
pub mod potentials;
pub mod programmes;
pub mod reference;
pub mod versions;

use crate::error::ApiError;
use crate::AppState;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use gevinst_app::auth::Principal;
use gevinst_app::AppError;

use gevinst_domain::{FieldErrors, PotentialId};

/// Routes of the API, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/potentials",
            get(potentials::list).post(potentials::create),
        )
        .route("/potentials/figures", get(potential_figures::list))
        .route(
            "/potentials/{id}",
            get(potentials::get_one).put(potentials::update),
        )
        .route("/potentials/{id}/status", post(potentials::change_status))
        .route("/potentials/{id}/history", get(potentials::history))
        .route(
            "/potentials/{id}/business-case",
            get(business_case::get_case).put(business_case::put_case),
        )
        .route(
            "/potentials/{id}/business-case/simulate",
            post(business_case::simulate),
        )
        .route(
            "/settings/economics",
            get(business_case::get_economics).put(business_case::put_economics),
        )
        .route(
            "/potentials/{id}/benefit-plan",
            get(programmes::plans::get_plan).put(programmes::plans::put_plan),
        )
        .route(
            "/potentials/{id}/benefit-plan/derive",
            post(programmes::plans::derive),
        )
        .route(
            "/potentials/{id}/actuals",
            get(programmes::plans::list_actuals).post(programmes::plans::record_actual),
        )
        .route(
            "/potentials/{id}/actuals/{actual_id}/approval",
            post(approvals::decide),
        )
        .route(
            "/potentials/{id}/actuals/{actual_id}/withdrawal",
            post(programmes::plans::withdraw_actual),
        )
        .route("/programmes/{id}/pending-actuals", get(approvals::pending))
        .route(
            "/programmes",
            get(programmes::list).post(programmes::create),
        )
        .route(
            "/programmes/{id}",
            get(programmes::get_one).put(programmes::update),
        )
        .route("/programmes/{id}/overview", get(programmes::overview))
        .route("/programmes/{id}/forecast", get(programmes::forecast))
        .route(
            "/settings/status-probabilities",
            get(programmes::settings::get_status_probabilities)
                .put(programmes::settings::put_status_probabilities),
        )
        .route("/reminders", get(programmes::settings::reminders))
        .route("/units", get(reference::units))
        .route("/fagomraader", get(reference::fagomraader))
        .route("/technologies", get(reference::technologies))
        .route("/overview", get(reference::overview))
        .route("/me", get(reference::me))
        .route("/openapi.json", get(openapi::openapi_json))
        .method_not_allowed_fallback(method_not_allowed)
}

/// A known path with a method it does not support: 405 in the API's error format.
async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed for this path",
    )
}

/// Whether a potential exists in the caller's tenant (a 404 `not_found` if not), used to
/// tell "no such potential" from "a potential without a plan or case". Both lookups are
/// scoped to the caller's tenant, so this reveals nothing about other tenants.
pub(crate) async fn require_potential(
    state: &AppState,
    who: &Principal,
    id: PotentialId,
) -> Result<(), ApiError> {
    state.app.potentials().get(who, id).await?;
    Ok(())
}

/// An error of a use case on a potential's business case or plan: its `NotFound` becomes
/// `missing()` (e.g. 404 `no_plan`) when the potential exists and 404 `not_found` when it
/// does not (see [`require_potential`]); any other error stays as it is.
pub(crate) async fn missing_record(
    state: &AppState,
    who: &Principal,
    potential: PotentialId,
    error: AppError,
    missing: impl FnOnce() -> ApiError,
) -> ApiError {
    match error {
        AppError::NotFound => match require_potential(state, who, potential).await {
            Ok(()) => missing(),
            Err(e) => e,
        },
        other => other.into(),
    }
}

/// An optional text input (a query parameter, a body field) trimmed, with blank as absent.
pub(crate) fn non_blank(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// A typed query parameter (a number, a date, one of a list): absent is `None`; present
/// but blank is a field error `invalid` on `field`, since the document gives the parameter
/// a type and blank is none of its values; otherwise the trimmed text.
pub(crate) fn query_value<'a>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&'a str>,
) -> Option<&'a str> {
    let value = raw?.trim();
    if value.is_empty() {
        errors.add(
            field,
            "invalid",
            "Angiv en værdi, eller udelad parameteren.",
        );
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::{non_blank, query_value};
    use gevinst_domain::FieldErrors;

    #[test]
    fn blank_typed_query_values_are_errors() {
        let mut e = FieldErrors::new();
        assert_eq!(query_value(&mut e, "page", None), None);
        assert_eq!(query_value(&mut e, "page", Some(" 2 ")), Some("2"));
        assert!(e.is_empty());
        assert_eq!(query_value(&mut e, "today", Some(" ")), None);
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code.as_str()),
            ("today", "invalid")
        );
    }

    #[test]
    fn blank_input_is_absent() {
        assert_eq!(non_blank(None), None);
        assert_eq!(non_blank(Some("")), None);
        assert_eq!(non_blank(Some("  \t")), None);
        assert_eq!(non_blank(Some(" quarterly ")), Some("quarterly"));
    }
}
