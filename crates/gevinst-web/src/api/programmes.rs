//! Programmes and benefits realisation (*gevinstrealisering*): `/programmes` with their
//! overview and forecast, a potential's `/benefit-plan` and `/actuals`,
//! `/settings/status-probabilities` and `/reminders` (the årshjul).
//!
//! Handlers parse input and call the use cases in [`gevinst_app::programmes`], which hold
//! the rules: who may change a programme (porteføljeleder, admin), who may record an actual
//! (the benefit's owner, a porteføljeleder or an admin, nobody else whatever their rights on
//! the potential), and the audit of every change.
//!
//! ## Numbers
//!
//! In responses exact values (kr., årsværk, hours, percentages, probabilities) are
//! **decimal strings**, e.g. `"amount": "100000"` or `"0.5"`, so no client loses precision
//! in a float. Requests may send them as strings (exact) or as JSON numbers
//! (`"amount": 100000`). Forecast statistics are approximations and are JSON numbers.
//!
//! ## Versions
//!
//! A programme, a benefit plan and the status probabilities each have a `version`, sent as
//! `ETag: "<version>"`. Changes say which version they are based on, with the rules of
//! [`super::potentials`] (`If-Match` primary, body `version` alternative; 428 when missing,
//! 409 when stale). A benefit plan is created like a business case: `If-None-Match: *`,
//! version 0 or no version at all (428 if a plan exists and no version was sent).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::add_schema_notes;
use super::versions::{
    created, expected_record, expected_version, record_version_required, tagged, Expect, Record,
};
use super::{missing_record, non_blank, require_potential};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Datelike, NaiveDate};
use gevinst_app::compute::MAX_INTERACTIVE_ITERATIONS;
use gevinst_app::programmes::Reminder;
use gevinst_app::programmes::{StoredActual, StoredBenefitPlan, StoredProgramme};
use gevinst_app::AppError;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::programme::{
    ActualDraft, Benefit, BenefitPlan, DistributionKey, Forecast, MeasurementFrequency,
    ProgrammeDraft, ProgrammeOverview, StatusProbabilities, TargetDraft, MAX_YEAR, MIN_YEAR,
};
use gevinst_domain::{FieldErrors, PotentialId, ProgrammeId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, Modify};

// ---------------------------------------------------------------- bodies and views

/// Body of `PUT /api/v1/programmes/{id}`: the whole programme (a full replace) plus,
/// optionally, the version it is based on. Decimals are strings, e.g. `"100000"`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeUpdate {
    /// Name, 1–200 characters.
    #[serde(default)]
    pub name: String,
    /// First calendar year of the period, 2000–2100.
    pub first_year: Option<i32>,
    /// Last calendar year (inclusive); the period is at most 20 years.
    pub last_year: Option<i32>,
    /// Targets (at most 20); each needs a kind, an amount > 0 and a deadline year within
    /// the period. Field errors name them as `targets[<index>].<field>`.
    #[serde(default)]
    pub targets: Vec<TargetDraft>,
    /// The potentials the programme includes (ids in your tenant, no repeats).
    #[serde(default)]
    pub potentials: Vec<PotentialId>,
    /// Distribution keys (fordelingsnøgler); the shares must add up to the target's amount
    /// or to 100 %. Field errors such as `distribution_keys[0].shares`.
    #[serde(default)]
    pub distribution_keys: Vec<DistributionKey>,
    /// The version the change is based on, if not sent as `If-Match`.
    pub version: Option<i64>,
}

impl ProgrammeUpdate {
    /// The programme as a draft for the use case.
    fn draft(&self) -> ProgrammeDraft {
        ProgrammeDraft {
            name: self.name.clone(),
            first_year: self.first_year,
            last_year: self.last_year,
            targets: self.targets.clone(),
            potentials: self.potentials.clone(),
            distribution_keys: self.distribution_keys.clone(),
        }
    }
}

/// Body of `PUT /api/v1/potentials/{id}/benefit-plan`: the whole plan (a full replace),
/// e.g. the `plan` of a GET or the proposal of `…/benefit-plan/derive` with owners, KPIs
/// and measurement methods filled in, plus optionally the version it is based on.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BenefitPlanUpdate {
    /// The potential; optional, and if sent it must be the one in the path.
    pub potential: Option<PotentialId>,
    /// First year of the plan.
    pub first_year: Option<i32>,
    /// Last year of the plan.
    pub last_year: Option<i32>,
    /// `yearly` (default) or `quarterly`.
    #[serde(default)]
    pub frequency: MeasurementFrequency,
    /// One benefit per benefit line; each needs an owner (a user of your tenant), a KPI
    /// and a measurement method. Field errors such as `benefits[0].owner`.
    #[serde(default)]
    pub benefits: Vec<Benefit>,
    /// The version the change is based on, if not sent as `If-Match`; 0 or absent when
    /// creating the first plan.
    pub version: Option<i64>,
    /// The business-case version the plan's targets follow, as returned by `derive`
    /// (keep it when you send a derived plan back).
    #[serde(default)]
    pub based_on_case_version: Option<i64>,
}

impl BenefitPlanUpdate {
    /// The plan for the potential in the path, or field errors for what is missing.
    fn plan(&self, potential: PotentialId) -> Result<BenefitPlan, ApiError> {
        let mut errors = FieldErrors::new();
        if self.potential.is_some_and(|p| p != potential) {
            errors.add(
                "potential",
                "mismatch",
                "Planen hører til et andet potentiale end det i adressen.",
            );
        }
        for (field, value, what) in [
            ("first_year", self.first_year, "første"),
            ("last_year", self.last_year, "sidste"),
        ] {
            match value {
                None => errors.add(field, "required", format!("Angiv planens {what} år.")),
                Some(y) if !(MIN_YEAR..=MAX_YEAR).contains(&y) => errors.add(
                    field,
                    "out_of_range",
                    format!("Året skal ligge mellem {MIN_YEAR} og {MAX_YEAR}."),
                ),
                Some(_) => {}
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        Ok(BenefitPlan {
            potential,
            first_year: self.first_year.unwrap_or_default(),
            last_year: self.last_year.unwrap_or_default(),
            frequency: self.frequency,
            benefits: self.benefits.clone(),
            based_on_case_version: self.based_on_case_version,
        })
    }
}

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
    #[schema(value_type = Option<String>)]
    pub ide: Option<Decimal>,
    /// Vurderet.
    #[schema(value_type = Option<String>)]
    pub vurderet: Option<Decimal>,
    /// Business case.
    #[schema(value_type = Option<String>)]
    pub business_case: Option<Decimal>,
    /// Besluttet.
    #[schema(value_type = Option<String>)]
    pub besluttet: Option<Decimal>,
    /// I implementering.
    #[schema(value_type = Option<String>)]
    pub i_implementering: Option<Decimal>,
    /// I drift.
    #[schema(value_type = Option<String>)]
    pub i_drift: Option<Decimal>,
    /// Gevinst realiseret.
    #[schema(value_type = Option<String>)]
    pub gevinst_realiseret: Option<Decimal>,
    /// Afvist.
    #[schema(value_type = Option<String>)]
    pub afvist: Option<Decimal>,
    /// Parkeret.
    #[schema(value_type = Option<String>)]
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

/// Query of `GET /api/v1/programmes/{id}/forecast`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// Iterations, 1–100,000 (default 10,000).
    #[param(value_type = Option<u32>)]
    pub iterations: Option<String>,
    /// Seed (default 0); the same seed on the same data gives the same result.
    #[param(value_type = Option<u64>)]
    pub seed: Option<String>,
    /// Actuals replace the plan in programme years before this one (default: the current
    /// year), 2000–2100.
    #[param(value_type = Option<i32>)]
    pub as_of_year: Option<String>,
    /// `true`: only return a forecast already computed since the data last changed (404
    /// `forecast_not_computed` if none), never run the simulation. Default `false`.
    #[param(value_type = Option<bool>)]
    pub cached_only: Option<String>,
}

/// The validated forecast query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ForecastQuery {
    settings: SimulationSettings,
    as_of_year: i32,
    cached_only: bool,
}

impl ForecastParams {
    /// Validates the query; every problem is a field error named after its parameter.
    fn parse(&self, this_year: i32) -> Result<ForecastQuery, ApiError> {
        let mut errors = FieldErrors::new();
        let iterations = match non_blank(self.iterations.as_deref()) {
            None => SimulationSettings::default().iterations,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if (1..=MAX_INTERACTIVE_ITERATIONS).contains(&n) => n,
                _ => {
                    errors.add(
                        "iterations",
                        "out_of_range",
                        "Antal gennemløb skal være et helt tal fra 1 til 100.000.",
                    );
                    0
                }
            },
        };
        let seed = match non_blank(self.seed.as_deref()) {
            None => 0,
            Some(s) => s.parse::<u64>().unwrap_or_else(|_| {
                errors.add(
                    "seed",
                    "invalid",
                    "Seed skal være et helt tal, 0 eller større.",
                );
                0
            }),
        };
        let as_of_year = match non_blank(self.as_of_year.as_deref()) {
            None => this_year,
            Some(s) => match s.parse::<i32>() {
                Ok(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) => y,
                _ => {
                    errors.add(
                        "as_of_year",
                        "out_of_range",
                        format!("Året skal være et årstal mellem {MIN_YEAR} og {MAX_YEAR}."),
                    );
                    this_year
                }
            },
        };
        let cached_only = match non_blank(self.cached_only.as_deref()) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.add(
                    "cached_only",
                    "invalid",
                    "cached_only skal være true eller false.",
                );
                false
            }
        };
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        Ok(ForecastQuery {
            settings: SimulationSettings { iterations, seed },
            as_of_year,
            cached_only,
        })
    }
}

/// Query of `POST /api/v1/potentials/{id}/benefit-plan/derive`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeriveParams {
    /// `yearly` (default) or `quarterly`.
    #[param(value_type = Option<MeasurementFrequency>)]
    pub frequency: Option<String>,
}

/// Query of `GET /api/v1/reminders`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderParams {
    /// The day to look from, `YYYY-MM-DD` (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub today: Option<String>,
}

// ---------------------------------------------------------------- helpers

/// The current calendar year and day of the server.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Keys whose values are exact decimals in the request bodies of this module.
const DECIMAL_KEYS: [&str; 17] = [
    "amount",
    "value",
    "kr",
    "hours",
    "fte",
    "invisible_hours",
    "harvested",
    "baseline",
    "ide",
    "vurderet",
    "business_case",
    "besluttet",
    "i_implementering",
    "i_drift",
    "gevinst_realiseret",
    "afvist",
    "parkeret",
];

/// Turns JSON numbers under [`DECIMAL_KEYS`] into decimal strings, so a client may send
/// `"amount": 100000` as well as `"amount": "100000"`. No other key of these bodies holds
/// a decimal, and integers (years, line and target indexes, ids, versions) stay numbers.
fn numbers_as_decimals(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::Number(n) if DECIMAL_KEYS.contains(&key.as_str()) => {
                        *v = Value::String(n.to_string());
                    }
                    _ => numbers_as_decimals(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(numbers_as_decimals),
        _ => {}
    }
}

/// A request body of this module: decimals as strings or numbers, unknown fields and
/// wrong types a 422 on `body` (as [`ApiJson`] answers for other bodies).
fn decimal_body<T: DeserializeOwned>(mut raw: Value) -> Result<T, ApiError> {
    numbers_as_decimals(&mut raw);
    serde_json::from_value(raw).map_err(|e| {
        ApiError::invalid(FieldErrors::single(
            "body",
            "invalid",
            format!("Failed to deserialize the JSON body into the target type: {e}"),
        ))
    })
}

/// The 404 for a potential without a benefit plan.
fn no_plan() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_plan",
        "the potential has no benefits realisation plan yet; save one with PUT first",
    )
}

/// The record a benefit-plan `PUT` creates or replaces, as its messages name it.
const PLAN: Record = Record {
    danish: "en gevinstrealiseringsplan",
    danish_none: "nogen plan",
    english: "a benefits realisation plan",
};

/// Parses a measurement frequency from the query (default yearly).
fn parse_frequency(raw: Option<&str>) -> Result<MeasurementFrequency, ApiError> {
    match non_blank(raw) {
        None | Some("yearly") => Ok(MeasurementFrequency::Yearly),
        Some("quarterly") => Ok(MeasurementFrequency::Quarterly),
        Some(_) => Err(ApiError::invalid(FieldErrors::single(
            "frequency",
            "invalid",
            "Målefrekvensen skal være yearly (årlig) eller quarterly (kvartalsvis).",
        ))),
    }
}

/// Parses the reminders' day (default today).
fn parse_day(raw: Option<&str>) -> Result<NaiveDate, ApiError> {
    match non_blank(raw) {
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

// ---------------------------------------------------------------- programmes

/// The tenant's programmes, by id. Anyone in the tenant may read them.
#[utoipa::path(
    get,
    path = "/api/v1/programmes",
    tag = "programmes",
    responses(
        (status = 200, description = "Every programme of your tenant with its version; \
            amounts are decimal strings", body = Vec<StoredProgramme>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<StoredProgramme>>, ApiError> {
    Ok(Json(state.app.programmes().list(&who).await?))
}

/// Creates a programme (porteføljeleder or admin).
#[utoipa::path(
    post,
    path = "/api/v1/programmes",
    tag = "programmes",
    request_body = ProgrammeDraft,
    responses(
        (status = 201, description = "Created", body = StoredProgramme,
            headers(
                ("Location" = String, description = "URL of the new programme"),
                ("ETag" = String, description = "Its version in quotes"),
            )),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Only a porteføljeleder or an admin may create programmes", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, nothing saved, e.g. \
            `targets[0].deadline_year` (missing or outside the period), \
            `distribution_keys[0].shares` (`does_not_add_up`, the message says by how much), \
            `potentials[0]` (not in your tenant)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let draft: ProgrammeDraft = decimal_body(raw)?;
    let stored = state.app.programmes().create(&who, &draft).await?;
    created(
        &format!("/api/v1/programmes/{}", stored.id),
        stored.version,
        stored,
    )
}

/// One programme.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}",
    tag = "programmes",
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = StoredProgramme,
            headers(("ETag" = String, description = "Its version in quotes; send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such programme in your tenant", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let stored = state.app.programmes().get(&who, ProgrammeId(id)).await?;
    Ok(tagged(StatusCode::OK, stored.version, stored))
}

/// Replaces a programme (porteføljeleder or admin), if it is still at the version read.
#[utoipa::path(
    put,
    path = "/api/v1/programmes/{id}",
    tag = "programmes",
    params(
        ("id" = i64, Path, description = "Programme id"),
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"3\"` (the GET's ETag); or send `version` in the body"),
    ),
    request_body = ProgrammeUpdate,
    responses(
        (status = 200, description = "Saved (or unchanged)", body = StoredProgramme,
            headers(("ETag" = String, description = "The new version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Only a porteføljeleder or an admin may change programmes", body = ErrorBody),
        (status = 404, description = "No such programme in your tenant", body = ErrorBody),
        (status = 409, description = "`version_conflict`: changed since you read it; nothing saved", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, as for POST", body = ErrorBody),
        (status = 428, description = "`version_required`: neither If-Match nor version sent", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let body: ProgrammeUpdate = decimal_body(raw)?;
    let version = expected_version(&headers, body.version)?;
    let stored = state
        .app
        .programmes()
        .update(&who, ProgrammeId(id), version, &body.draft())
        .await?;
    Ok(tagged(StatusCode::OK, stored.version, stored))
}

/// The programme overview: per programme year the target, planned gain (in total and by
/// status), decided, realised, harvested and the gaps; breakdowns by unit, fagområde and
/// technology; the largest gaps; invisible work; and each distribution-key share against
/// what its owner contributes.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/overview",
    tag = "programmes",
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The overview; kr. rounded to øre and årsværk to 2 \
            decimals, as decimal strings", body = ProgrammeOverview),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such programme in your tenant", body = ErrorBody),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProgrammeOverview>, ApiError> {
    Ok(Json(
        state
            .app
            .programmes()
            .overview(&who, ProgrammeId(id))
            .await?,
    ))
}

/// The programme forecast: a Monte Carlo of the annual gain per programme year (P10, P50,
/// P90) and the probability of reaching each target by its deadline.
///
/// Each included potential takes part with the tenant's probability for its status, and
/// each benefit line varies by its Beta-PERT range. In programme years before `as_of_year`
/// the actuals replace the plan where there are any. A result is kept until the tenant's
/// data changes, so repeating a call is cheap; `cached_only=true` never computes.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/forecast",
    tag = "programmes",
    params(("id" = i64, Path, description = "Programme id"), ForecastParams),
    responses(
        (status = 200, description = "The forecast. Statistics are JSON numbers (floats); p10 \
            is the value 10 % of the outcomes fall below", body = Forecast),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "`not_found`: no such programme in your tenant; \
            `forecast_not_computed`: `cached_only=true` and no forecast with these settings \
            since the data last changed", body = ErrorBody),
        (status = 422, description = "`iterations` outside 1–100,000, a bad `seed`, \
            `as_of_year` or `cached_only`", body = ErrorBody),
        (status = 503, description = "`busy`: too many forecasts and simulations are running; \
            retry after the seconds in `Retry-After`", body = ErrorBody),
    )
)]
pub async fn forecast(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ForecastParams>,
) -> Result<Json<Forecast>, ApiError> {
    let q = params.parse(today().year())?;
    let app = &state.app;
    let id = ProgrammeId(id);
    let result = if q.cached_only {
        app.programmes()
            .cached_forecast(&who, id, q.settings, q.as_of_year)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "forecast_not_computed",
                    "no forecast with these settings has been computed since the data last \
                     changed; call without cached_only to compute one",
                )
            })?
    } else {
        app.programmes()
            .forecast_cached(&who, id, q.settings, q.as_of_year)
            .await?
    };
    Ok(Json(Forecast::clone(&result)))
}

// ---------------------------------------------------------------- benefit plans

/// A potential's benefits realisation plan (gevinstrealiseringsplan).
#[utoipa::path(
    get,
    path = "/api/v1/potentials/{id}/benefit-plan",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Potential id")),
    responses(
        (status = 200, description = "The plan with its version", body = StoredBenefitPlan,
            headers(("ETag" = String, description = "The plan's version in quotes; send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "`not_found`: no such potential in your tenant; \
            `no_plan`: the potential has no plan yet", body = ErrorBody),
    )
)]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let stored = state
        .app
        .programmes()
        .plan(&who, PotentialId(id))
        .await?
        .ok_or_else(no_plan)?;
    Ok(tagged(StatusCode::OK, stored.version, stored))
}

/// Creates or replaces a potential's benefits realisation plan.
///
/// Needs edit rights on the potential, which must be besluttet or later. Versions:
/// `If-Match: "<v>"` or `version: v` replaces version v; `If-None-Match: *`, version 0 or
/// no version at all creates the first plan (428 if one exists and no version was sent).
#[utoipa::path(
    put,
    path = "/api/v1/potentials/{id}/benefit-plan",
    tag = "benefits realisation",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"2\"`, to replace the plan; or send `version` in the body"),
        ("If-None-Match" = Option<String>, Header,
            description = "`*` to create the first plan, failing with 409 if one exists"),
    ),
    request_body = BenefitPlanUpdate,
    responses(
        (status = 200, description = "Replaced (or unchanged)", body = StoredBenefitPlan,
            headers(("ETag" = String, description = "The plan's new version in quotes"))),
        (status = 201, description = "Created", body = StoredBenefitPlan,
            headers(("ETag" = String, description = "The plan's version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "No edit rights on the potential", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
        (status = 409, description = "`version_conflict`: the plan changed (or was created) since you read it; nothing saved", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, nothing saved: `status` (the potential \
            is not besluttet yet), `first_year`, `last_year`, `benefits[0].owner`, \
            `benefits[0].kpi`, `benefits[0].measurement_method`; `benefits[0].owner` with code \
            `owner_change_forbidden` when someone other than a leder of the potential's unit, \
            a porteføljeleder or an admin sets or changes a benefit's owner", body = ErrorBody),
        (status = 428, description = "`version_required`: the potential has a plan and no version was sent", body = ErrorBody),
    )
)]
pub async fn put_plan(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let potential = PotentialId(id);
    let body: BenefitPlanUpdate = decimal_body(raw)?;
    let expect = expected_record(&headers, body.version, PLAN)?;
    // An unknown potential is a 404 before any complaint about the body.
    require_potential(&state, &who, potential).await?;
    let plan = body.plan(potential)?;
    let version = expect.version();
    match state
        .app
        .programmes()
        .put_plan(&who, potential, version, &plan)
        .await
    {
        Ok(stored) => {
            let status = if version.is_none() {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(tagged(status, stored.version, stored))
        }
        Err(AppError::Conflict) if expect == Expect::Unspecified => {
            Err(record_version_required(PLAN))
        }
        Err(e) => Err(e.into()),
    }
}

/// Proposes a plan derived from the potential's business case: one benefit per benefit
/// line with its yearly targets. Saves nothing; fill in owners, KPIs and measurement
/// methods and `PUT` it.
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/benefit-plan/derive",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Potential id"), DeriveParams),
    responses(
        (status = 200, description = "The proposed plan (not saved)", body = BenefitPlan),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "`not_found`: no such potential in your tenant; \
            `no_business_case`: the potential has no business case to derive from", body = ErrorBody),
        (status = 422, description = "`frequency` is not `yearly` or `quarterly`", body = ErrorBody),
    )
)]
pub async fn derive(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<DeriveParams>,
) -> Result<Json<BenefitPlan>, ApiError> {
    let potential = PotentialId(id);
    require_potential(&state, &who, potential).await?;
    let frequency = parse_frequency(params.frequency.as_deref())?;
    match state
        .app
        .programmes()
        .derive(&who, potential, frequency)
        .await
    {
        Ok(plan) => Ok(Json(plan)),
        Err(AppError::NotFound) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_business_case",
            "the potential has no business case yet; save one first",
        )),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- actuals

/// A potential's recorded actuals, oldest first (empty without a plan). Anyone in the
/// tenant may read them.
#[utoipa::path(
    get,
    path = "/api/v1/potentials/{id}/actuals",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Potential id")),
    responses(
        (status = 200, description = "The actuals; amounts are decimal strings", body = Vec<StoredActual>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
    )
)]
pub async fn list_actuals(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<StoredActual>>, ApiError> {
    Ok(Json(
        state
            .app
            .programmes()
            .actuals(&who, PotentialId(id))
            .await?,
    ))
}

/// Records an actual (realised and harvested gain) for one benefit and period.
///
/// Only the benefit's owner (the plan's owner of that benefit line), a porteføljeleder or
/// an admin may record it: anyone else is 403, also with edit rights on the potential.
/// Large or surprising actuals are stored as pending and need a second person's approval
/// (`POST …/actuals/{actual_id}/approval`).
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/actuals",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Potential id")),
    request_body(content = ActualDraft, description = "`line` (the benefit's line index), \
        `period` (`{\"year\": 2026}` or `{\"quarter\": [2026, 2]}`), and decimal strings \
        `hours`, `kr`, `fte`, `invisible_hours`, `harvested` (with `budget_reference` and \
        `harvested_on` when > 0)"),
    responses(
        (status = 201, description = "Recorded. `actual.approval` is `pending` (afventer \
            godkendelse, with `actual.approval_reasons`) when the actual is 500.000 kr. or more \
            (realised or harvested) or more than 150 % of the plan's target for the benefit and \
            period; it then counts only once another porteføljeleder or admin approves it", body = StoredActual),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Not the benefit's owner, a porteføljeleder or an admin", body = ErrorBody),
        (status = 404, description = "`not_found`: no such potential in your tenant; \
            `no_plan`: the potential has no plan to record against", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, nothing saved: `line` (unknown), \
            `period` (outside the plan's years), `harvested` (negative), `harvested_on`, \
            `budget_reference`, `invisible_hours`", body = ErrorBody),
    )
)]
pub async fn record_actual(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let potential = PotentialId(id);
    let draft: ActualDraft = decimal_body(raw)?;
    match state
        .app
        .programmes()
        .record_actual(&who, potential, &draft)
        .await
    {
        Ok(actual) => Ok((StatusCode::CREATED, Json(actual)).into_response()),
        Err(e) => Err(missing_record(&state, &who, potential, e, no_plan).await),
    }
}

// ---------------------------------------------------------------- settings, reminders

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
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A probability missing or outside [0, 1]; the field is the status, e.g. `besluttet`", body = ErrorBody),
        (status = 428, description = "`version_required`: neither If-Match nor version sent", body = ErrorBody),
    )
)]
pub async fn put_status_probabilities(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    headers: HeaderMap,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let body: StatusProbabilitiesUpdate = decimal_body(raw)?;
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

// ---------------------------------------------------------------- OpenAPI notes

/// Component schemas of this module whose exact values are decimal strings.
const DECIMAL_SCHEMAS: [&str; 21] = [
    "StoredProgramme",
    "Programme",
    "ProgrammeDraft",
    "ProgrammeUpdate",
    "Target",
    "TargetDraft",
    "Milestone",
    "DistributionKey",
    "Share",
    "StoredBenefitPlan",
    "BenefitPlan",
    "BenefitPlanUpdate",
    "Benefit",
    "BenefitYear",
    "StoredActual",
    "Actual",
    "ActualDraft",
    "PendingActual",
    "ProgrammeOverview",
    "Figures",
    "StatusProbabilities",
];

/// Note added to the schemas in [`DECIMAL_SCHEMAS`].
const DECIMAL_NOTE: &str = "Exact values (kr., årsværk, hours, percentages, probabilities) \
    are decimals serialised as JSON strings such as \"100000\" or \"0.5\"; parse them as \
    decimals, not floats. Requests may send them as strings or as JSON numbers.";

/// An OpenAPI modifier that documents how the programme schemas put numbers in JSON.
pub struct ProgrammeNumberNotes;

impl Modify for ProgrammeNumberNotes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        add_schema_notes(openapi, DECIMAL_SCHEMAS.map(|name| (name, DECIMAL_NOTE)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(iterations: &str, seed: &str, year: &str, cached: &str) -> ForecastParams {
        let s = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        ForecastParams {
            iterations: s(iterations),
            seed: s(seed),
            as_of_year: s(year),
            cached_only: s(cached),
        }
    }

    #[test]
    fn forecast_query_defaults() {
        let q = params("", "", "", "").parse(2026).unwrap();
        assert_eq!(
            q,
            ForecastQuery {
                settings: SimulationSettings {
                    iterations: 10_000,
                    seed: 0
                },
                as_of_year: 2026,
                cached_only: false
            }
        );
        let q = params("100000", "7", "2030", "true").parse(2026).unwrap();
        assert_eq!(
            (
                q.settings.iterations,
                q.settings.seed,
                q.as_of_year,
                q.cached_only
            ),
            (100_000, 7, 2030, true)
        );
    }

    #[test]
    fn forecast_query_errors_name_the_parameter() {
        for (p, field) in [
            (params("0", "", "", ""), "iterations"),
            (params("100001", "", "", ""), "iterations"),
            (params("-5", "", "", ""), "iterations"),
            (params("", "x", "", ""), "seed"),
            (params("", "", "1999", ""), "as_of_year"),
            (params("", "", "", "yes"), "cached_only"),
        ] {
            let e = p.parse(2026).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e.fields.0.len(), 1);
            assert_eq!(e.fields.0[0].field, field);
        }
    }

    #[test]
    fn plan_expectations() {
        let mut h = HeaderMap::new();
        assert_eq!(
            expected_record(&h, None, PLAN).unwrap(),
            Expect::Unspecified
        );
        assert_eq!(expected_record(&h, Some(0), PLAN).unwrap(), Expect::Nothing);
        assert_eq!(
            expected_record(&h, Some(2), PLAN).unwrap(),
            Expect::Version(2)
        );
        h.insert(
            axum::http::header::IF_NONE_MATCH,
            axum::http::HeaderValue::from_static("*"),
        );
        assert_eq!(expected_record(&h, None, PLAN).unwrap(), Expect::Nothing);
        let e = expected_record(&h, Some(3), PLAN).unwrap_err();
        assert_eq!(
            (e.fields.0[0].code.as_str(), e.fields.0[0].message.as_str()),
            (
                "mismatch",
                "If-None-Match: * betyder, at der ikke er nogen plan; send ikke samtidig en version."
            )
        );
        h.insert(
            axum::http::header::IF_NONE_MATCH,
            axum::http::HeaderValue::from_static("\"1\""),
        );
        assert_eq!(
            expected_record(&h, None, PLAN).unwrap_err().fields.0[0].message,
            "If-None-Match kan kun være *, når en gevinstrealiseringsplan oprettes."
        );
        let e = record_version_required(PLAN);
        assert_eq!(
            (e.message.as_str(), e.fields.0[0].message.as_str()),
            (
                "the potential already has a benefits realisation plan; send the version you \
                 read, as If-Match: \"<version>\" or a version field in the body",
                "Potentialet har allerede en gevinstrealiseringsplan. Send den version, du har \
                 læst: If-Match: \"<version>\" eller feltet version."
            )
        );
    }

    #[test]
    fn frequency_and_day() {
        assert_eq!(parse_frequency(None).unwrap(), MeasurementFrequency::Yearly);
        assert_eq!(
            parse_frequency(Some("quarterly")).unwrap(),
            MeasurementFrequency::Quarterly
        );
        assert_eq!(
            parse_frequency(Some("monthly")).unwrap_err().fields.0[0].field,
            "frequency"
        );
        assert_eq!(
            parse_day(Some("2026-03-31")).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
        assert_eq!(
            parse_day(Some("31-03-2026")).unwrap_err().fields.0[0].field,
            "today"
        );
    }

    #[test]
    fn decimal_numbers_become_strings_and_integers_stay() {
        let mut v = serde_json::json!({
            "first_year": 2025,
            "targets": [{"kind": "aarsvaerk", "amount": 0.5, "deadline_year": 2027,
                         "milestones": [{"year": 2026, "amount": 100000}]}],
            "distribution_keys": [{"target": 0, "basis": "percentages",
                                   "shares": [{"owner": {"unit": 3}, "value": 60}]}],
            "version": 2,
        });
        numbers_as_decimals(&mut v);
        assert_eq!(v["targets"][0]["amount"], "0.5");
        assert_eq!(v["targets"][0]["milestones"][0]["amount"], "100000");
        assert_eq!(v["targets"][0]["milestones"][0]["year"], 2026);
        assert_eq!(v["distribution_keys"][0]["shares"][0]["value"], "60");
        assert_eq!(v["distribution_keys"][0]["target"], 0);
        assert_eq!(v["distribution_keys"][0]["shares"][0]["owner"]["unit"], 3);
        assert_eq!(v["version"], 2);
        let draft: ProgrammeDraft = {
            v.as_object_mut().unwrap().remove("version");
            decimal_body(v).unwrap()
        };
        assert_eq!(draft.targets[0].amount, Some(Decimal::new(5, 1)));
        let e = decimal_body::<ActualDraft>(serde_json::json!({"lin": 1})).unwrap_err();
        assert_eq!(
            (e.status, e.fields.0[0].field.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "body")
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
