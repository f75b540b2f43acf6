//! `/potentials/{id}/business-case` and `/settings/economics`: a potential's business case
//! with its deterministic results, its Monte Carlo simulation, and the tenant's economic
//! settings that value hours, årsværk and enquiries in kr.
//!
//! ## Numbers
//!
//! Every exact amount (kr., hours, multipliers, rates) is a **decimal string**, e.g.
//! `"20000"` or `"71975.05"`, in requests and responses (see [`gevinst_domain::json_number`]):
//! responses use rust_decimal's string form (as many decimals as the value has, reported
//! money rounded to øre), and requests may also send JSON numbers
//! (`"amounts": [100000, 0, 0]`). Simulation statistics are approximations and are JSON
//! numbers. JSON cannot carry NaN or infinity; a number too large for a float (e.g. `1e400`)
//! is broken JSON (400 `invalid_json`), and one beyond ±10^13 is a field error (422).
//!
//! ## Versions of a business case
//!
//! A business case has its own `version` (1 when created, +1 on every change), sent as
//! `ETag: "<version>"` with every response that carries a case. A `PUT` says what it is based
//! on, with the rules of [`super::potentials`] (`If-Match` primary, body `version`
//! alternative, both must agree), extended for the first save:
//!
//! | sent | meaning | if the stored state differs |
//! |---|---|---|
//! | `If-Match: "<v>"` or `version: v` (v ≥ 1) | replace version v | 409 `version_conflict` |
//! | `If-None-Match: *`, or version 0 | create; there was no case | 409 `version_conflict` |
//! | no version at all | create the first case | 428 `version_required` (a case exists: send the version you read) |
//!
//! ## Versions of the economic settings
//!
//! The settings have a version too, 0 while the defaults apply. `PUT /settings/economics`
//! needs it exactly like a potential's `PUT` (428 when missing, 409 when stale).

use super::extract::{ApiJson, ApiPath};
use super::missing_record;
use super::openapi::add_schema_notes;
use super::versions::{
    expected_record, expected_version, record_version_required, tagged, Expect, Record,
};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gevinst_app::business_cases::{BusinessCaseView, EconomicsSettings};
use gevinst_app::AppError;
use gevinst_domain::business_case::{
    BusinessCaseDraft, ChannelCostsDraft, Decimal, EconomicsDraft, LineDraft, RiskDraft,
    Simulation, SimulationSettings,
};
use gevinst_domain::PotentialId;
use serde::Deserialize;
use utoipa::Modify;

/// Body of `PUT /api/v1/potentials/{id}/business-case`: the whole case (a full replace)
/// plus, optionally, the version it is based on. Amounts are decimal strings (or JSON
/// numbers); amounts beyond ±10^13 are refused.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessCaseUpdate {
    /// Calendar year of t = 0, 2000–2100 (required).
    pub start_year: Option<i32>,
    /// Horizon H in years, 1–20 (default 5). Every line has exactly H yearly amounts, and
    /// every risk's `year` is 0 … H-1.
    pub horizon: Option<i64>,
    /// Discount rate overriding the tenant's, 0–0.25 (e.g. 0.035 for 3.5 %); omit or null
    /// to use the tenant's.
    #[serde(
        default,
        deserialize_with = "gevinst_domain::json_number::option_decimal"
    )]
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub discount_rate: Option<Decimal>,
    /// Lines (at most 100). Field errors name them as `lines[<index>].<field>`, e.g.
    /// `lines[0].amounts` (wrong number of years) or `lines[0].amounts[2]` (one value).
    #[serde(default)]
    pub lines: Vec<LineDraft>,
    /// Risks (at most 50), with field errors such as `risks[0].probability`.
    #[serde(default)]
    pub risks: Vec<RiskDraft>,
    /// The version the change is based on, if not sent as `If-Match`; 0 or absent when
    /// creating the first case.
    pub version: Option<i64>,
}

impl BusinessCaseUpdate {
    /// The case as a draft for the use case. A horizon that does not even fit the draft's
    /// type (negative, huge) becomes 0, which validation reports on `horizon`.
    fn draft(&self) -> BusinessCaseDraft {
        BusinessCaseDraft {
            start_year: self.start_year,
            horizon: self.horizon.map(|h| u32::try_from(h).unwrap_or(0)),
            discount_rate: self.discount_rate,
            lines: self.lines.clone(),
            risks: self.risks.clone(),
        }
    }
}

/// Body of `PUT /api/v1/settings/economics`: every setting (a full replace) plus,
/// optionally, the version it is based on. Amounts are decimal strings (or JSON numbers).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EconomicsUpdate {
    /// Annual cost of one årsværk, kr. (> 0).
    #[serde(
        default,
        deserialize_with = "gevinst_domain::json_number::option_decimal"
    )]
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub annual_cost_per_fte: Option<Decimal>,
    /// Working hours in one årsværk (> 0, at most 8,760).
    #[serde(
        default,
        deserialize_with = "gevinst_domain::json_number::option_decimal"
    )]
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub hours_per_fte: Option<Decimal>,
    /// An hourly rate overriding annual cost ÷ hours (> 0), or null for none.
    #[serde(
        default,
        deserialize_with = "gevinst_domain::json_number::option_decimal"
    )]
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub hourly_rate_override: Option<Decimal>,
    /// Yearly discount rate, 0–0.25 (e.g. 0.035 for 3.5 %).
    #[serde(
        default,
        deserialize_with = "gevinst_domain::json_number::option_decimal"
    )]
    #[schema(value_type = Option<gevinst_domain::json_number::DecimalSchema>)]
    pub discount_rate: Option<Decimal>,
    /// Cost per enquiry in each channel, kr. (≥ 0).
    #[serde(default)]
    pub channel_costs: ChannelCostsDraft,
    /// The version the change is based on (0 while the defaults apply), if not sent as
    /// `If-Match`.
    pub version: Option<i64>,
}

impl EconomicsUpdate {
    /// The settings as a draft for the use case.
    fn draft(&self) -> EconomicsDraft {
        EconomicsDraft {
            annual_cost_per_fte: self.annual_cost_per_fte,
            hours_per_fte: self.hours_per_fte,
            hourly_rate_override: self.hourly_rate_override,
            discount_rate: self.discount_rate,
            channel_costs: self.channel_costs.clone(),
        }
    }
}

/// The record a business-case `PUT` creates or replaces, as its messages name it.
const CASE: Record = Record {
    danish: "en business case",
    danish_none: "nogen business case",
    english: "a business case",
};

/// The view as JSON, with `ETag: "<version>"` when there is a case.
fn view_response(view: BusinessCaseView) -> Response {
    match view.version {
        Some(version) => tagged(StatusCode::OK, version, view),
        None => Json(view).into_response(),
    }
}

/// Settings as JSON with `ETag: "<version>"`.
fn settings_response(settings: EconomicsSettings) -> Response {
    tagged(StatusCode::OK, settings.version, settings)
}

/// A potential's business case with its deterministic results and tornado.
///
/// A potential without a case is 200 with `case`, `version` and `evaluation` null, and no
/// ETag: the potential exists, it has just not been costed yet. Exact figures are decimal
/// strings (e.g. `"npv": "71975.05"`).
#[utoipa::path(
    get,
    path = "/api/v1/potentials/{id}/business-case",
    tag = "business cases",
    params(("id" = i64, Path, description = "Potential id")),
    responses(
        (status = 200, description = "The case (or `case: null` when the potential has none yet), \
            the tenant's economics, the deterministic results and the tornado. Money and other \
            exact values are decimal strings.", body = BusinessCaseView,
            headers(("ETag" = String, description = "The case's version in quotes, when there is a case; \
                send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let view = state
        .app
        .business_cases()
        .get(&who, PotentialId(id))
        .await?;
    Ok(view_response(view))
}

/// Creates or replaces a potential's business case.
///
/// Versions: `If-Match: "<v>"` or `version: v` replaces version v; `If-None-Match: *` or
/// version 0 creates; no version at all creates the first case (428 if one exists). A stale
/// version is 409 and saves nothing; so does any invalid field (422, all problems at once).
#[utoipa::path(
    put,
    path = "/api/v1/potentials/{id}/business-case",
    tag = "business cases",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"3\"` (the GET's ETag), to replace the case. \
                           The body field `version` is the alternative; `\"0\"` means there was no case."),
        ("If-None-Match" = Option<String>, Header,
            description = "`*` to create the first case, failing with 409 if one exists."),
    ),
    request_body = BusinessCaseUpdate,
    responses(
        (status = 200, description = "Saved (or unchanged): the same view as the GET", body = BusinessCaseView,
            headers(("ETag" = String, description = "The case's new version in quotes"))),
        (status = 400, description = "Broken JSON, including a number too large for a float such as 1e400", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "No edit rights in the potential's unit", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
        (status = 409, description = "`version_conflict`: the case changed (or was created) since you read it; nothing saved", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, nothing saved. A first case for a potential before status \
            business case is `status`/`business_case_too_early`. Paths such as `horizon`, \
            `lines[0].amounts` (wrong number of yearly values), `lines[0].amounts[1]` (negative, \
            beyond ±10^13), `lines[0].low` (> 1), `lines[0].high` (< 1), `risks[0].probability` \
            (outside [0, 1]), `risks[0].likely` (min ≤ likely ≤ max violated)", body = ErrorBody),
        (status = 428, description = "`version_required`: the potential has a case and no version was sent", body = ErrorBody),
    )
)]
pub async fn put_case(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<BusinessCaseUpdate>,
) -> Result<Response, ApiError> {
    let expect = expected_record(&headers, body.version, CASE)?;
    let saved = state
        .app
        .business_cases()
        .put(&who, PotentialId(id), expect.version(), &body.draft())
        .await;
    match saved {
        Ok(view) => Ok(view_response(view)),
        Err(AppError::Conflict) if expect == Expect::Unspecified => {
            Err(record_version_required(CASE))
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs a Monte Carlo simulation of a potential's saved business case.
///
/// Each iteration draws one Beta-PERT(low, 1, high) multiplier (λ = 4) per line and, per
/// risk, whether it happens and its impact. The same seed gives bit-identical results.
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/business-case/simulate",
    tag = "business cases",
    params(("id" = i64, Path, description = "Potential id")),
    request_body(content = SimulationSettings,
        description = "`iterations` 1–100,000 (default 10,000) and `seed` (default 0); \
            unknown fields are refused"),
    responses(
        (status = 200, description = "Statistics of NPV and full effect in kr., as JSON numbers \
            (floats): mean; P10, P50, P90 in the statistical sense (P10 is the value 10 % of \
            the outcomes fall below, so 90 % of outcomes are above it); min, max, a histogram; \
            and `probability_negative_npv`, the share of outcomes with NPV < 0", body = Simulation),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "`not_found`: no such potential in your tenant; \
            `no_business_case`: the potential has no saved business case to simulate", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`iterations` outside 1–100,000, an unknown field, or a \
            value of the wrong type", body = ErrorBody),
        (status = 503, description = "`busy`: too many simulations are running; retry after the \
            seconds in `Retry-After`", body = ErrorBody),
    )
)]
pub async fn simulate(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(settings): ApiJson<SimulationSettings>,
) -> Result<Json<Simulation>, ApiError> {
    let app = &state.app;
    let potential = PotentialId(id);
    match app
        .business_cases()
        .simulate(&who, potential, settings)
        .await
    {
        Ok(sim) => Ok(Json(sim)),
        Err(e) => Err(missing_record(&state, &who, potential, e, || {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_business_case",
                "the potential has no business case yet; save one with PUT first",
            )
        })
        .await),
    }
}

/// The tenant's economic settings, with the hourly rate in force. Anyone in the tenant may
/// read them.
#[utoipa::path(
    get,
    path = "/api/v1/settings/economics",
    tag = "business cases",
    responses(
        (status = 200, description = "The settings (money and rates as decimal strings) and their \
            version (0 while the defaults apply)", body = EconomicsSettings,
            headers(("ETag" = String, description = "The version in quotes; send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn get_economics(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Response, ApiError> {
    let settings = state.app.business_cases().economics(&who).await?;
    Ok(settings_response(settings))
}

/// Replaces the tenant's economic settings (admin only), if still at the version read.
/// Every business case's results follow the new settings at once.
#[utoipa::path(
    put,
    path = "/api/v1/settings/economics",
    tag = "business cases",
    params(
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"0\"`; or send `version` in the body"),
    ),
    request_body = EconomicsUpdate,
    responses(
        (status = 200, description = "Saved (or unchanged)", body = EconomicsSettings,
            headers(("ETag" = String, description = "The new version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Only an admin may change the settings", body = ErrorBody),
        (status = 409, description = "`version_conflict`: changed since you read them; nothing saved", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, e.g. `hours_per_fte`, `channel_costs.telephone`", body = ErrorBody),
        (status = 428, description = "`version_required`: neither If-Match nor version sent", body = ErrorBody),
    )
)]
pub async fn put_economics(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EconomicsUpdate>,
) -> Result<Response, ApiError> {
    let version = expected_version(&headers, body.version)?;
    let settings = state
        .app
        .business_cases()
        .set_economics(&who, version, &body.draft())
        .await?;
    Ok(settings_response(settings))
}

/// Note added to the simulation's `Distribution` schema.
const PERCENTILE_NOTE: &str = "Values in kr. as JSON numbers (floats: a simulation is an \
    approximation). p10, p50 and p90 are percentiles in the statistical sense: p10 is the \
    value 10 % of the outcomes fall below (90 % lie above it), p50 the median, p90 the value \
    90 % fall below.";

/// An OpenAPI modifier that documents the simulation's statistics: floats, with
/// statistical percentiles. (Exact decimals document themselves: see
/// [`gevinst_domain::json_number::DecimalSchema`].)
pub struct NumberNotes;

impl Modify for NumberNotes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        add_schema_notes(openapi, [("Distribution", PERCENTILE_NOTE)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_that_does_not_fit_is_reported_on_horizon() {
        for h in [-1, 0, 21, i64::MAX] {
            let body = BusinessCaseUpdate {
                start_year: Some(2025),
                horizon: Some(h),
                ..Default::default()
            };
            let e = body
                .draft()
                .validate(&Default::default())
                .expect_err("out of range");
            assert!(e.0.iter().any(|f| f.field == "horizon"), "{h}: {e:?}");
        }
    }
}
