//! A potential's benefits realisation plan (`/benefit-plan`, its `derive`) and its
//! `/actuals`. Rules and versions as in [`super`].

use super::super::extract::{ApiJson, ApiPath, ApiQuery};
use super::super::versions::{expected_record, record_version_required, tagged, Expect, Record};
use super::super::{missing_record, require_potential};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gevinst_app::programmes::{RecordIntent, Recorded, StoredActual, StoredBenefitPlan};
use gevinst_app::AppError;
use gevinst_domain::programme::{
    ActualDraft, Benefit, BenefitPlan, MeasurementFrequency, MAX_YEAR, MIN_YEAR,
};
use gevinst_domain::{FieldErrors, PotentialId};
use serde::Deserialize;
use utoipa::IntoParams;

// ---------------------------------------------------------------- bodies and helpers

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

/// Query of `POST /api/v1/potentials/{id}/benefit-plan/derive`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeriveParams {
    /// `yearly` (default) or `quarterly`.
    #[param(value_type = Option<MeasurementFrequency>)]
    pub frequency: Option<String>,
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
    match raw.map(str::trim) {
        None | Some("yearly") => Ok(MeasurementFrequency::Yearly),
        Some("quarterly") => Ok(MeasurementFrequency::Quarterly),
        Some(_) => Err(ApiError::invalid(FieldErrors::single(
            "frequency",
            "invalid",
            "Målefrekvensen skal være yearly (årlig) eller quarterly (kvartalsvis).",
        ))),
    }
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
        (status = 413, description = "Body too large", body = ErrorBody),
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
    ApiJson(body): ApiJson<BenefitPlanUpdate>,
) -> Result<Response, ApiError> {
    let potential = PotentialId(id);
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
///
/// A second actual for the same benefit and period is refused with 409
/// `duplicate_actual`, unless `mode=correction` (a new version replacing the current one,
/// or the one named by `replaces`; both stay recorded and audited, only the new one
/// counts) or `mode=additional` (a deliberate extra actual; both count). A harvest
/// (hjemtaget) that makes the benefit and period harvest more than they realise is
/// refused with 409 `harvest_above_realised` unless `confirm_harvest=true`.
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/actuals",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Potential id"), RecordParams),
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
        (status = 409, description = "`duplicate_actual`: an actual for the same benefit and \
            period is already recorded (field `period`, code `duplicate`; nothing saved): send \
            `mode=correction` or `mode=additional`; `harvest_above_realised`: the benefit and \
            period would harvest (hjemtaget) more kr. than they realise (field `harvested`, \
            code `above_realised`; nothing saved): send `confirm_harvest=true` to record it \
            anyway; `version_conflict`: the actual to correct was replaced or withdrawn \
            meanwhile", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields, nothing saved: `line` (unknown), \
            `period` (outside the plan's years), `harvested` (negative), `harvested_on`, \
            `budget_reference`, `invisible_hours`, `mode` (unknown), `replaces` (`mismatch`: \
            another benefit or period; `not_found`: nothing to correct)", body = ErrorBody),
    )
)]
pub async fn record_actual(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<RecordParams>,
    ApiJson(draft): ApiJson<ActualDraft>,
) -> Result<Response, ApiError> {
    let potential = PotentialId(id);
    let intent = params.intent()?;
    if params.confirm_harvest != Some(true) {
        let warning = state
            .app
            .programmes()
            .harvest_warning(&who, potential, &draft, intent)
            .await;
        match warning {
            Ok(Some(w)) => {
                return Err(ApiError {
                    fields: FieldErrors::single("harvested", "above_realised", w.message()),
                    ..ApiError::new(
                        StatusCode::CONFLICT,
                        "harvest_above_realised",
                        format!(
                            "the benefit and period would harvest {} kr. but realise {} kr.; \
                             send confirm_harvest=true to record it anyway",
                            w.harvested, w.realised
                        ),
                    )
                })
            }
            Ok(None) => {}
            Err(e) => return Err(missing_record(&state, &who, potential, e, no_plan).await),
        }
    }
    match state
        .app
        .programmes()
        .record_actual_as(&who, potential, &draft, intent)
        .await
    {
        Ok(Recorded::Added(actual)) => Ok((StatusCode::CREATED, Json(actual)).into_response()),
        Ok(Recorded::Duplicate(existing)) => Err(ApiError {
            fields: gevinst_app::actuals::duplicate_error(),
            ..ApiError::new(
                StatusCode::CONFLICT,
                "duplicate_actual",
                format!(
                    "actual {} is already recorded for this benefit and period; send \
                     mode=correction to replace it or mode=additional to add another",
                    existing.id
                ),
            )
        }),
        Err(e) => Err(missing_record(&state, &who, potential, e, no_plan).await),
    }
}

/// Query of `POST /api/v1/potentials/{id}/actuals`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// `new` (default: refuse a duplicate), `correction` or `additional`.
    pub mode: Option<String>,
    /// With `mode=correction`: the id of the actual it replaces (default: the current
    /// actual of the same benefit and period).
    pub replaces: Option<i64>,
    /// `true` records a harvest above what the benefit and period realise, which is
    /// otherwise refused with 409 `harvest_above_realised`.
    pub confirm_harvest: Option<bool>,
}

impl RecordParams {
    fn intent(&self) -> Result<RecordIntent, ApiError> {
        let refuse =
            |field: &str, msg: &str| ApiError::invalid(FieldErrors::single(field, "invalid", msg));
        let intent = match self.mode.as_deref() {
            None | Some("new") => RecordIntent::New,
            Some("additional") => RecordIntent::Additional,
            Some("correction") => RecordIntent::Correction(self.replaces),
            Some(_) => {
                return Err(refuse(
                    "mode",
                    "mode skal være new, correction eller additional.",
                ))
            }
        };
        if self.replaces.is_some() && !matches!(intent, RecordIntent::Correction(_)) {
            return Err(refuse(
                "replaces",
                "replaces bruges kun med mode=correction.",
            ));
        }
        Ok(intent)
    }
}

/// Body of `POST /api/v1/potentials/{id}/actuals/{actual_id}/withdrawal`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequest {
    /// Why the actual is withdrawn (required).
    #[serde(default)]
    pub reason: String,
}

/// Withdraws an actual with a reason: it stays recorded (and in the audit log) but no
/// longer counts as realised or harvested. For whoever may record an actual of its benefit.
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/actuals/{actual_id}/withdrawal",
    tag = "benefits realisation",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("actual_id" = i64, Path, description = "Actual id"),
    ),
    request_body(content = WithdrawalRequest, description = "`{\"reason\": \"…\"}`"),
    responses(
        (status = 200, description = "Withdrawn; the actual with `withdrawn_at`, `withdrawn_by` and `withdrawal_reason`", body = StoredActual),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Not the benefit's owner, a porteføljeleder or an admin", body = ErrorBody),
        (status = 404, description = "No such potential or actual in your tenant", body = ErrorBody),
        (status = 409, description = "Already replaced by a correction or withdrawn", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "`reason` `required`; nothing saved", body = ErrorBody),
    )
)]
pub async fn withdraw_actual(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath((id, actual_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<WithdrawalRequest>,
) -> Result<Json<StoredActual>, ApiError> {
    Ok(Json(
        state
            .app
            .programmes()
            .withdraw_actual(&who, PotentialId(id), actual_id, &body.reason)
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn frequency() {
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
            parse_frequency(Some("")).unwrap_err().fields.0[0].field,
            "frequency"
        );
    }
}
