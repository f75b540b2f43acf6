//! The four-eyes approval of flagged actuals.
//!
//! - `POST /potentials/{id}/actuals/{actual_id}/approval`: a porteføljeleder or an admin
//!   other than the person who recorded the actual approves or rejects it.
//! - `GET /programmes/{id}/pending-actuals`: the actuals awaiting approval among the
//!   programme's potentials.
//!
//! The rule that flags an actual is in [`gevinst_domain::programme::approval`]; the checks
//! in [`gevinst_app::actuals::decide_actual`].

use super::extract::{ApiJson, ApiPath};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use gevinst_app::programmes::PendingActual;
use gevinst_app::programmes::StoredActual;
use gevinst_domain::programme::ApprovalDecision;
use gevinst_domain::{PotentialId, ProgrammeId};
use serde::Deserialize;

/// A decision on a flagged actual.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// `approve` or `reject`.
    pub decision: ApprovalDecision,
    /// Why; required for `reject`.
    #[serde(default)]
    pub note: String,
}

/// Approves or rejects a flagged actual (*afventer godkendelse*).
///
/// Only a porteføljeleder or an admin may decide, and never on an actual they recorded
/// themselves. An approved actual counts as realised and harvested from then on; a
/// rejected one never does. Audited (`approve` or `update` with the note as reason).
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/actuals/{actual_id}/approval",
    tag = "benefits realisation",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("actual_id" = i64, Path, description = "Actual id"),
    ),
    request_body(content = ApprovalRequest, description = "`{\"decision\": \"approve\"}` or \
        `{\"decision\": \"reject\", \"note\": \"…\"}`"),
    responses(
        (status = 200, description = "Decided; the actual with its new `approval` state", body = StoredActual),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Not a porteføljeleder or an admin", body = ErrorBody),
        (status = 404, description = "No such potential or actual in your tenant", body = ErrorBody),
        (status = 409, description = "Decided by someone else meanwhile", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Nothing saved: `decision` with code `own_actual` (you \
            recorded it; another porteføljeleder or admin must decide) or `not_pending` (not \
            awaiting approval); `note` `required` for a rejection", body = ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath((id, actual_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ApprovalRequest>,
) -> Result<Json<StoredActual>, ApiError> {
    let app = &state.app;
    let decided = app
        .programmes()
        .decide_actual(&who, PotentialId(id), actual_id, body.decision, &body.note)
        .await?;
    Ok(Json(decided))
}

/// The actuals awaiting approval among a programme's potentials, oldest first. Anyone in
/// the tenant may read them.
#[utoipa::path(
    get,
    path = "/api/v1/programmes/{id}/pending-actuals",
    tag = "benefits realisation",
    params(("id" = i64, Path, description = "Programme id")),
    responses(
        (status = 200, description = "Flagged actuals with the potential's title and the benefit's label", body = Vec<PendingActual>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such programme in your tenant", body = ErrorBody),
    )
)]
pub async fn pending(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<PendingActual>>, ApiError> {
    Ok(Json(
        state
            .app
            .programmes()
            .pending_actuals(&who, ProgrammeId(id))
            .await?,
    ))
}
