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
//!
//! The handlers live in three modules: this one (programmes, their overview and forecast),
//! [`plans`] (benefit plans and actuals) and [`settings`] (status probabilities and
//! reminders).

pub mod plans;
pub mod settings;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::query_value;
use super::versions::{created, expected_version, tagged};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use gevinst_app::compute::MAX_INTERACTIVE_ITERATIONS;
use gevinst_app::programmes::StoredProgramme;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::programme::{
    DistributionKey, Forecast, ProgrammeDraft, ProgrammeOverview, TargetDraft, MAX_YEAR, MIN_YEAR,
};
use gevinst_domain::{FieldErrors, PotentialId, ProgrammeId};
use serde::Deserialize;
use utoipa::IntoParams;

// ---------------------------------------------------------------- bodies and queries

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

/// Query of `GET /api/v1/programmes/{id}/forecast`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// Iterations, 1–100,000 (default 10,000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100_000)]
    pub iterations: Option<String>,
    /// Seed (default 0); the same seed on the same data gives the same result.
    #[param(value_type = Option<u64>)]
    pub seed: Option<String>,
    /// Programme years before this one are their recorded actuals; this year is its
    /// actuals so far plus the forecast of its unmeasured quarters (default: the current
    /// year), 2000–2100.
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
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
        let iterations = match query_value(&mut errors, "iterations", self.iterations.as_deref()) {
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
        let seed = match query_value(&mut errors, "seed", self.seed.as_deref()) {
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
        let as_of_year = match query_value(&mut errors, "as_of_year", self.as_of_year.as_deref()) {
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
        let cached_only = match query_value(&mut errors, "cached_only", self.cached_only.as_deref())
        {
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

/// The current calendar year and day of the server.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
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
    ApiJson(draft): ApiJson<ProgrammeDraft>,
) -> Result<Response, ApiError> {
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
    ApiJson(body): ApiJson<ProgrammeUpdate>,
) -> Result<Response, ApiError> {
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
/// each benefit line varies by its Beta-PERT range. Programme years before `as_of_year`
/// are closed: they are the recorded actuals (the overview's `realised_kr`), a fact with
/// no spread. In `as_of_year` a potential with actuals adds them to the forecast of the
/// quarters not yet measured. A result is kept until the tenant's
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

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::business_case::Decimal;
    use gevinst_domain::programme::ActualDraft;

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
            (params(" ", "", "", ""), "iterations"),
        ] {
            let e = p.parse(2026).unwrap_err();
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e.fields.0.len(), 1);
            assert_eq!(e.fields.0[0].field, field);
        }
    }

    #[test]
    fn decimals_read_numbers_and_strings_and_integers_stay() {
        let v = serde_json::json!({
            "first_year": 2025,
            "targets": [{"kind": "aarsvaerk", "amount": 0.5, "deadline_year": 2027,
                         "milestones": [{"year": 2026, "amount": "100000"}]}],
            "distribution_keys": [{"target": 0, "basis": "percentages",
                                   "shares": [{"owner": {"unit": 3}, "value": 60}]}],
            "version": 2,
        });
        let body: ProgrammeUpdate = serde_json::from_value(v).unwrap();
        assert_eq!(body.targets[0].amount, Some(Decimal::new(5, 1)));
        assert_eq!(
            body.targets[0].milestones[0].amount,
            Decimal::new(100_000, 0)
        );
        assert_eq!(body.targets[0].milestones[0].year, 2026);
        assert_eq!(
            body.distribution_keys[0].shares[0].value,
            Decimal::new(60, 0)
        );
        assert_eq!((body.first_year, body.version), (Some(2025), Some(2)));
        let e = serde_json::from_value::<ActualDraft>(serde_json::json!({"lin": 1}));
        assert!(e.is_err());
    }
}
