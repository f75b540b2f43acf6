//! The tenant's reference data and the caller: `/units`, `/fagomraader`, `/technologies`,
//! `/overview` and `/me`. All read-only and scoped to the caller's tenant.

use crate::error::{ApiError, ErrorBody};
use crate::session::ApiUser;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use gevinst_app::potentials::Catalogue;
use gevinst_domain::{CatalogueItem, Role, Status, Tenant, UnitId, UnitTree, User};
use serde::Serialize;

/// A unit of the organisation, with its place in the tree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitInfo {
    /// Id.
    pub id: UnitId,
    /// Parent unit, `null` for a top-level unit (forvaltning).
    pub parent_id: Option<UnitId>,
    /// Name.
    pub name: String,
    /// Inactive units stay on old potentials but cannot be chosen for new ones.
    pub active: bool,
    /// Depth in the tree, 0 for a top-level unit.
    pub depth: usize,
    /// Names from the top down to this unit.
    pub path: Vec<String>,
}

/// One count in the overview.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CountByStatus {
    /// Status.
    pub status: Status,
    /// Danish label.
    pub label: String,
    /// Number of potentials.
    pub count: u64,
}

/// One count in the overview, by a list entry or a unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CountByEntry {
    /// Id of the fagområde, technology type or unit; `null` for "not set".
    pub id: Option<i64>,
    /// Its name; `null` for "not set".
    pub name: Option<String>,
    /// Number of potentials.
    pub count: u64,
}

/// Counts of the tenant's potentials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// All potentials.
    pub total: u64,
    /// By status, every status listed in lifecycle order.
    pub by_status: Vec<CountByStatus>,
    /// By fagområde.
    pub by_fagomraade: Vec<CountByEntry>,
    /// By technology type.
    pub by_technology: Vec<CountByEntry>,
    /// By the unit a potential is registered on (not rolled up to parents).
    pub by_unit: Vec<CountByEntry>,
}

/// The caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The user (role, assigned units, …).
    pub user: User,
    /// The user's role.
    pub role: Role,
    /// The user's tenant.
    pub tenant: Tenant,
    /// Units where the user has rights: the assigned units and every unit below them.
    /// Empty for roles that are not limited to units.
    pub units_in_scope: Vec<UnitId>,
}

fn unit_infos(tree: &UnitTree) -> Vec<UnitInfo> {
    tree.flatten()
        .into_iter()
        .map(|(depth, u)| UnitInfo {
            id: u.id,
            parent_id: u.parent_id,
            name: u.name.clone(),
            active: u.active,
            depth,
            path: tree.path(u.id).into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

/// The organisation as a flat list in tree order (depth first, children by name).
#[utoipa::path(
    get,
    path = "/api/v1/units",
    tag = "reference",
    responses(
        (status = 200, description = "All units of the tenant", body = Vec<UnitInfo>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn units(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<UnitInfo>>, ApiError> {
    let units = state.app.potentials().units(&who).await?;
    Ok(Json(unit_infos(&UnitTree::new(units))))
}

async fn catalogue(
    state: &AppState,
    who: &ApiUser,
    which: Catalogue,
) -> Result<Vec<CatalogueItem>, ApiError> {
    let items = state.app.potentials().catalogue(&who.0, which).await?;
    Ok(items)
}

/// The tenant's fagområder.
#[utoipa::path(
    get,
    path = "/api/v1/fagomraader",
    tag = "reference",
    responses(
        (status = 200, description = "Fagområder in list order", body = Vec<CatalogueItem>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn fagomraader(
    State(state): State<AppState>,
    who: ApiUser,
) -> Result<Json<Vec<CatalogueItem>>, ApiError> {
    Ok(Json(catalogue(&state, &who, Catalogue::Fagomraader).await?))
}

/// The tenant's technology types.
#[utoipa::path(
    get,
    path = "/api/v1/technologies",
    tag = "reference",
    responses(
        (status = 200, description = "Technology types in list order", body = Vec<CatalogueItem>),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn technologies(
    State(state): State<AppState>,
    who: ApiUser,
) -> Result<Json<Vec<CatalogueItem>>, ApiError> {
    Ok(Json(
        catalogue(&state, &who, Catalogue::Technologies).await?,
    ))
}

/// Counts of the tenant's potentials by status, fagområde, technology type and unit.
#[utoipa::path(
    get,
    path = "/api/v1/overview",
    tag = "reference",
    responses(
        (status = 200, description = "Counts", body = Overview),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<Overview>, ApiError> {
    let app = &state.app;
    let counts = app.potentials().overview(&who).await?;
    let lists = app.potentials().lists(&who).await?;
    let entry = |id: Option<i64>, name: Option<&str>, count: u64| CountByEntry {
        id,
        name: name.map(str::to_owned),
        count,
    };
    Ok(Json(Overview {
        total: counts.total,
        by_status: counts
            .by_status
            .iter()
            .map(|(s, n)| CountByStatus {
                status: *s,
                label: s.label().to_owned(),
                count: *n,
            })
            .collect(),
        by_fagomraade: counts
            .by_fagomraade
            .iter()
            .map(|(id, n)| entry(id.map(|i| i.0), lists.fagomraade_name(*id), *n))
            .collect(),
        by_technology: counts
            .by_technology
            .iter()
            .map(|(id, n)| entry(id.map(|i| i.0), lists.technology_name(*id), *n))
            .collect(),
        by_unit: counts
            .by_unit
            .iter()
            .map(|(id, n)| {
                entry(
                    Some(id.0),
                    lists.units.get(*id).map(|u| u.name.as_str()),
                    *n,
                )
            })
            .collect(),
    }))
}

/// The caller: user, role and tenant.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "reference",
    responses(
        (status = 200, description = "The authenticated user", body = Me),
        (status = 401, description = "No valid bearer token", body = ErrorBody),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<Me>, ApiError> {
    let units_in_scope = if who.user.role.is_unit_scoped() {
        let units = state.app.potentials().units(&who).await?;
        who.actor.scope(&UnitTree::new(units)).into_iter().collect()
    } else {
        Vec::new()
    };
    Ok(Json(Me {
        role: who.user.role,
        user: who.user,
        tenant: who.tenant,
        units_in_scope,
    }))
}
