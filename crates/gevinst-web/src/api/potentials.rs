//! `/potentials`: list, create, read, replace, change status, history.
//!
//! ## Optimistic concurrency
//!
//! Every potential has a `version` that grows by one on each change, and every response
//! carrying a potential sends it as `ETag: "<version>"`. A change (`PUT` or a status
//! change) must say which version it was based on:
//!
//! - **primary:** the `If-Match: "<version>"` header, i.e. the ETag the client read;
//! - **alternative:** a `version` field in the JSON body, for clients that cannot set headers.
//!
//! If both are sent they must agree (else 422, `version` / `mismatch`). If neither is sent
//! the answer is 428 `version_required`. A version that is no longer current is 409
//! `version_conflict`, and nothing is saved. (HTTP would say 412 for a failed `If-Match`;
//! gevinst answers 409 for both ways of sending the version, so clients handle one code.)

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::versions::{created, expected_version, tagged};
use super::{non_blank, query_value};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use gevinst_app::potentials::ListParams;
use gevinst_domain::{
    AuditEntry, FagomraadeId, FieldErrors, Page, Potential, PotentialDraft, PotentialId, Status,
    StatusChange, TechnologyId, UnitId, UserId,
};
use serde::{Deserialize, Serialize};

/// Declares a request body with the editable fields of a potential (those of
/// [`PotentialDraft`]) plus extra fields. The body types are spelled out, rather than
/// flattening a `PotentialDraft`, because serde ignores `deny_unknown_fields` under
/// `flatten`, and an unknown field must be a 422, not silently dropped.
macro_rules! potential_body {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Title, 3–200 characters.
            #[serde(default)]
            pub title: String,
            /// Description, up to 10,000 characters. Must not contain CPR numbers.
            #[serde(default)]
            pub description: String,
            /// Unit where the gain arises (required).
            pub unit_id: Option<UnitId>,
            /// Fagområde (see `GET /api/v1/fagomraader`).
            pub fagomraade_id: Option<FagomraadeId>,
            /// Technology type (see `GET /api/v1/technologies`).
            pub technology_id: Option<TechnologyId>,
            /// Source: `workshop`, `digital_agent`, `employee_proposal` (default),
            /// `catalogue` or `other`.
            pub source: Option<String>,
            /// Benefit owner (gevinstejer), a user id.
            pub benefit_owner: Option<UserId>,
            /// Digital agent, a user id.
            pub digital_agent: Option<UserId>,
            /// Contact person by name, for someone who is not a user (yet), up to 200
            /// characters. Must not contain CPR numbers.
            pub contact_name: Option<String>,
            /// Tags, each 1–40 characters, at most 20.
            #[serde(default)]
            pub tags: Vec<String>,
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            /// The editable fields as a draft for the use case.
            fn draft(&self) -> PotentialDraft {
                PotentialDraft {
                    title: self.title.clone(),
                    description: self.description.clone(),
                    unit_id: self.unit_id,
                    fagomraade_id: self.fagomraade_id,
                    technology_id: self.technology_id,
                    source: self.source.clone(),
                    benefit_owner: self.benefit_owner,
                    digital_agent: self.digital_agent,
                    contact_name: self.contact_name.clone(),
                    tags: self.tags.clone(),
                }
            }
        }
    };
}

potential_body! {
    /// Body of `POST /api/v1/potentials`: a new potential.
    pub struct NewPotential {
        /// Initial status, default `ide`. Anyone may submit an idea; any other status
        /// needs edit rights in the unit (403 otherwise). Besluttet or later is refused
        /// (422 `status`/`business_case_required`): a decided potential needs its business
        /// case first.
        pub status: Option<String>,
    }
}

potential_body! {
    /// Body of `PUT /api/v1/potentials/{id}`: all editable fields (a full replace; an
    /// omitted optional field is cleared). The status is changed with
    /// `POST /api/v1/potentials/{id}/status`.
    pub struct PotentialUpdate {
        /// The version the change is based on, if not sent as `If-Match`.
        pub version: Option<i64>,
    }
}

/// Body of `POST /api/v1/potentials/{id}/status`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    /// The new status, e.g. `vurderet`.
    #[serde(default)]
    pub status: String,
    /// Why; required for `afvist` and `parkeret`, at most 2,000 characters.
    pub reason: Option<String>,
    /// The version the change is based on, if not sent as `If-Match`.
    pub version: Option<i64>,
}

/// A potential's history, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PotentialHistory {
    /// Every create, update and status change, with who, when and field-level before/after.
    pub audit: Vec<AuditEntry>,
    /// The status changes with their reasons.
    pub status_changes: Vec<StatusChange>,
}

/// Parses an optional status name into a field error on `field`.
fn parse_status(field: &str, raw: &str) -> Result<Status, ApiError> {
    Status::parse(raw).ok_or_else(|| {
        ApiError::invalid(FieldErrors::single(
            field,
            "invalid",
            format!("Ukendt status: {}", raw.trim()),
        ))
    })
}

/// A 422 for each typed list parameter sent blank (e.g. `unit=`): the document types it as
/// a number or a name from a list, and blank is neither. (The pages' filter form sends
/// blanks for "all", and [`ListParams::to_query`] reads them so; the API says what it means.)
pub(super) fn reject_blank_filters(params: &ListParams) -> Result<(), ApiError> {
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("unit", &params.unit),
        ("fagomraade", &params.fagomraade),
        ("technology", &params.technology),
        ("sort", &params.sort),
        ("order", &params.order),
        ("page", &params.page),
        ("per_page", &params.per_page),
    ] {
        query_value(&mut errors, field, value.as_deref());
    }
    errors.into_result(()).map_err(ApiError::invalid)
}

/// Lists the tenant's potentials: filtered, sorted and paged.
#[utoipa::path(
    get,
    path = "/api/v1/potentials",
    tag = "potentials",
    params(ListParams),
    responses(
        (status = 200, description = "One page of potentials", body = Page<Potential>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 422, description = "A bad filter, sort or paging value; `fields` names it", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<Potential>>, ApiError> {
    reject_blank_filters(&params)?;
    let app = &state.app;
    let lists = app.potentials().lists(&who).await?;
    let query = params.to_query(&lists).map_err(ApiError::invalid)?;
    Ok(Json(app.potentials().list(&who, &query).await?))
}

/// Submits a new potential.
#[utoipa::path(
    post,
    path = "/api/v1/potentials",
    tag = "potentials",
    request_body = NewPotential,
    responses(
        (status = 201, description = "Created", body = Potential,
            headers(
                ("Location" = String, description = "URL of the new potential"),
                ("ETag" = String, description = "Its version in quotes"),
            )),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "A status other than `ide` without edit rights in the unit", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewPotential>,
) -> Result<Response, ApiError> {
    let status = match non_blank(body.status.as_deref()) {
        Some(s) => Some(parse_status("status", s)?),
        None => None,
    };
    let p = state
        .app
        .potentials()
        .create(&who, &body.draft(), status)
        .await?;
    created(&format!("/api/v1/potentials/{}", p.id), p.version, p)
}

/// One potential.
#[utoipa::path(
    get,
    path = "/api/v1/potentials/{id}",
    tag = "potentials",
    params(("id" = i64, Path, description = "Potential id")),
    responses(
        (status = 200, description = "The potential", body = Potential,
            headers(("ETag" = String, description = "Its version in quotes; send it back as If-Match"))),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let p = state.app.potentials().get(&who, PotentialId(id)).await?;
    Ok(tagged(StatusCode::OK, p.version, p))
}

/// Replaces a potential's editable fields, if it is still at the version the client read.
#[utoipa::path(
    put,
    path = "/api/v1/potentials/{id}",
    tag = "potentials",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("If-Match" = Option<String>, Header,
            description = "Primary way to send the version you read: its ETag, e.g. `\"3\"`. \
                           The body field `version` is the alternative."),
    ),
    request_body = PotentialUpdate,
    responses(
        (status = 200, description = "Saved (or unchanged)", body = Potential,
            headers(("ETag" = String, description = "The new version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "No edit rights in the potential's unit", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
        (status = 409, description = "`version_conflict`: changed since you read it; nothing saved", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 428, description = "`version_required`: neither If-Match nor version sent", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PotentialUpdate>,
) -> Result<Response, ApiError> {
    let version = expected_version(&headers, body.version)?;
    let p = state
        .app
        .potentials()
        .update(&who, PotentialId(id), version, &body.draft())
        .await?;
    Ok(tagged(StatusCode::OK, p.version, p))
}

/// Moves a potential to another status, with a reason where needed.
#[utoipa::path(
    post,
    path = "/api/v1/potentials/{id}/status",
    tag = "potentials",
    params(
        ("id" = i64, Path, description = "Potential id"),
        ("If-Match" = Option<String>, Header,
            description = "The version you read, e.g. `\"3\"`; or send `version` in the body"),
    ),
    request_body = StatusChangeRequest,
    responses(
        (status = 200, description = "The potential in its new status", body = Potential,
            headers(("ETag" = String, description = "The new version in quotes"))),
        (status = 400, description = "Broken JSON", body = ErrorBody),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 403, description = "Your role may not make this change here", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
        (status = 409, description = "`version_conflict`; nothing saved", body = ErrorBody),
        (status = 422, description = "Unknown status, a move outside the lifecycle (`status`/`not_allowed`), a missing reason (`reason`/`required`), or besluttet without a business case and without a reason (`reason`/`business_case_required`; a given reason is recorded as \"Besluttet uden business case: …\")", body = ErrorBody),
        (status = 428, description = "`version_required`", body = ErrorBody),
    )
)]
pub async fn change_status(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StatusChangeRequest>,
) -> Result<Response, ApiError> {
    if body.status.trim().is_empty() {
        return Err(ApiError::invalid(FieldErrors::single(
            "status",
            "required",
            "Vælg en status.",
        )));
    }
    let to = parse_status("status", &body.status)?;
    let version = expected_version(&headers, body.version)?;
    let p = state
        .app
        .potentials()
        .change_status(&who, PotentialId(id), version, to, body.reason.as_deref())
        .await?;
    Ok(tagged(StatusCode::OK, p.version, p))
}

/// A potential's audit trail and status changes, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/potentials/{id}/history",
    tag = "potentials",
    params(("id" = i64, Path, description = "Potential id")),
    responses(
        (status = 200, description = "The history", body = PotentialHistory),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
        (status = 404, description = "No such potential in your tenant", body = ErrorBody),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PotentialHistory>, ApiError> {
    let (audit, status_changes) = state
        .app
        .potentials()
        .history(&who, PotentialId(id))
        .await?;
    Ok(Json(PotentialHistory {
        audit,
        status_changes,
    }))
}
