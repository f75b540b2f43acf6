//! The tenant's forecast probabilities per status (`/settings/status-probabilities`) and
//! the reminders of due measurements (`/reminders`, the årshjul). Versions as in [`super`].

use super::super::extract::{ApiJson, ApiQuery};
use super::super::versions::{expected_version, tagged};
use super::today;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use gevinst_app::programmes::Reminder;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::programme::StatusProbabilities;
use gevinst_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

// ---------------------------------------------------------------- bodies and views

/// The tenant's forecast probabilities per status and their version (0 while the defaults
/// apply).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusProbabilitiesView {
    /// The probability that a potential in each status takes part, 0–1, as decimal strings.
    pub probabilities: StatusProbabilities,
    /// Version for optimistic concurrency; 0 while the defaults apply.
    pub version: i64,
}

/// Body of `PUT /api/v1/settings/status-probabilities`: every probability (a full
/// replace), each a decimal string in [0, 1] such as `"0.8"`, plus optionally the version
/// it is based on.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusProbabilitiesUpdate {
    /// Idé.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub ide: Option<Decimal>,
    /// Vurderet.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub vurderet: Option<Decimal>,
    /// Business case.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub business_case: Option<Decimal>,
    /// Besluttet.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub besluttet: Option<Decimal>,
    /// I implementering.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub i_implementering: Option<Decimal>,
    /// I drift.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub i_drift: Option<Decimal>,
    /// Gevinst realiseret.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub gevinst_realiseret: Option<Decimal>,
    /// Afvist.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub afvist: Option<Decimal>,
    /// Parkeret.
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub parkeret: Option<Decimal>,
    /// The version the change is based on (0 while the defaults apply), if not sent as
    /// `If-Match`.
    pub version: Option<i64>,
}

impl IntoResponse for StatusProbabilitiesView {
    /// The view as JSON with `ETag: "<version>"`.
    fn into_response(self) -> Response {
        tagged(StatusCode::OK, self.version, self)
    }
}

impl StatusProbabilitiesUpdate {
    /// The probabilities, or a `required` field error for every one missing.
    fn probabilities(&self) -> Result<StatusProbabilities, ApiError> {
        let mut errors = FieldErrors::new();
        let mut take = |field: &str, v: Option<Decimal>| {
            if v.is_none() {
                errors.add(field, "required", "Angiv en sandsynlighed mellem 0 og 1.");
            }
            v.unwrap_or_default()
        };
        let p = StatusProbabilities {
            ide: take("ide", self.ide),
            vurderet: take("vurderet", self.vurderet),
            business_case: take("business_case", self.business_case),
            besluttet: take("besluttet", self.besluttet),
            i_implementering: take("i_implementering", self.i_implementering),
            i_drift: take("i_drift", self.i_drift),
            gevinst_realiseret: take("gevinst_realiseret", self.gevinst_realiseret),
            afvist: take("afvist", self.afvist),
            parkeret: take("parkeret", self.parkeret),
        };
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(ApiError::invalid(errors))
        }
    }
}

/// Query of `GET /api/v1/reminders`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderParams {
    /// The day to look from, `YYYY-MM-DD` (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub today: Option<String>,
}

/// Parses the reminders' day (default today).
fn parse_day(raw: Option<&str>) -> Result<NaiveDate, ApiError> {
    match raw.map(str::trim) {
        None => Ok(today()),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(FieldErrors::single(
                "today",
                "invalid",
                "Datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-03-31.",
            ))
        }),
    }
}

// ---------------------------------------------------------------- handlers

/// The tenant's forecast probabilities per status. Anyone in the tenant may read them.
#[utoipa::path(
    get,
    path = "/api/v1/settings/status-probabilities",
    tag = "benefits realisation",
    responses(
        (status = 200, description = "The probabilities (decimal strings) and their version",
            body = StatusProbabilitiesView,
            headers(("ETag" = String, description = "The version in quotes; send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn get_status_probabilities(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Response, ApiError> {
    let (probabilities, version) = state.app.programmes().status_probabilities(&who).await?;
    Ok(StatusProbabilitiesView {
        probabilities,
        version,
    }
    .into_response())
}

/// Replaces the tenant's forecast probabilities (porteføljeleder or admin), if still at
/// the version read.
#[utoipa::path(
    put,
    path = "/api/v1/settings/status-probabilities",
    tag = "benefits realisation",
    params(
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"0\"`; or send `version` in the body"),
    ),
    request_body = StatusProbabilitiesUpdate,
    responses(
        (status = 200, description = "Saved (or unchanged)", body = StatusProbabilitiesView,
            headers(("ETag" = String, description = "The new version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Only a porteføljeleder or an admin may change them", body = ErrorBody),
        (status = 409, description = "`version_conflict`: changed since you read them; nothing saved", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A probability missing or outside [0, 1]; the field is the status, e.g. `besluttet`", body = ErrorBody),
        (status = 428, description = "`version_required`: neither If-Match nor version sent", body = ErrorBody),
    )
)]
pub async fn put_status_probabilities(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StatusProbabilitiesUpdate>,
) -> Result<Response, ApiError> {
    let expected = expected_version(&headers, body.version)?;
    let probabilities = body.probabilities()?;
    let app = &state.app;
    let version = app
        .programmes()
        .set_status_probabilities(&who, expected, &probabilities)
        .await?;
    Ok(StatusProbabilitiesView {
        probabilities,
        version,
    }
    .into_response())
}

/// Measurements due on or before `today` and not yet recorded (the årshjul), oldest
/// first: for a porteføljeleder or an admin every plan of the tenant, for anyone else the
/// benefits they own.
#[utoipa::path(
    get,
    path = "/api/v1/reminders",
    tag = "benefits realisation",
    params(ReminderParams),
    responses(
        (status = 200, description = "Due and overdue measurements", body = Vec<Reminder>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 422, description = "`today` is not a date `YYYY-MM-DD`", body = ErrorBody),
    )
)]
pub async fn reminders(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(params): ApiQuery<ReminderParams>,
) -> Result<Json<Vec<Reminder>>, ApiError> {
    let day = parse_day(params.today.as_deref())?;
    Ok(Json(state.app.programmes().reminders(&who, day).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day() {
        assert_eq!(
            parse_day(Some("2026-03-31")).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
        assert_eq!(parse_day(Some(" ")).unwrap_err().fields.0[0].field, "today");
        assert_eq!(
            parse_day(Some("31-03-2026")).unwrap_err().fields.0[0].field,
            "today"
        );
    }

    #[test]
    fn missing_probability_is_a_field_error() {
        let body = StatusProbabilitiesUpdate {
            ide: Some(Decimal::ONE),
            ..Default::default()
        };
        let e = body.probabilities().unwrap_err();
        assert_eq!(e.fields.0.len(), 8);
        assert_eq!(e.fields.0[0].field, "vurderet");
    }
}
