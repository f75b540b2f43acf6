//! Administration pages: users, units, tenant settings, the economics of business cases
//! and the audit log check (`/admin/…`).
//!
//! Every handler starts by calling an admin use case from [`gevinst_app::admin`], which
//! refuses anyone but an administrator with
//! [`AppError::Forbidden`](gevinst_app::AppError::Forbidden); [`PageError`] turns that into
//! the Danish 403 page. The web layer never decides who is an admin by itself.

mod audit;
mod economics;
mod form;
mod reminders;
mod settings;
mod units;
mod users;

pub(crate) use form::{notice, parse_id, read_form, FormErrors};

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use gevinst_app::auth::Principal;
use gevinst_app::potentials::TenantLists;
use gevinst_domain::User;

/// Routes of the administration pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/revisionsspor", get(audit::page))
        .route("/admin/paamindelser", get(reminders::page))
        .route("/admin/brugere", get(users::list))
        .route(
            "/admin/brugere/ny",
            get(users::new_form).post(users::create),
        )
        .route(
            "/admin/brugere/{id}",
            get(users::edit_form).post(users::update),
        )
        .route("/admin/brugere/{id}/adgangskode", post(users::set_password))
        .route("/admin/enheder", get(units::list).post(units::create))
        .route(
            "/admin/enheder/{id}",
            get(units::edit_form).post(units::update),
        )
        .route(
            "/admin/indstillinger",
            get(settings::page).post(settings::rename_tenant),
        )
        .route(
            "/admin/oekonomi",
            get(economics::page).post(economics::save),
        )
        .route("/admin/indstillinger/{liste}", post(settings::add_item))
        .route(
            "/admin/indstillinger/{liste}/{id}",
            post(settings::update_item),
        )
}

/// The admin's view of the tenant: its users (loaded through the admin use case, which
/// checks the role) and its units and lists.
pub(crate) struct AdminData {
    /// Users, by name.
    pub users: Vec<User>,
    /// Units and per-tenant lists.
    pub lists: TenantLists,
}

/// Loads [`AdminData`], refusing non-admins. Call it first in every admin handler, also
/// before a POST is acted on, so a refused request reveals nothing about the input.
pub(crate) async fn admin_data(state: &AppState, who: &Principal) -> Result<AdminData, PageError> {
    let users = state.app.admin().list_users(who).await?;
    let lists = state.app.potentials().lists(who).await?;
    Ok(AdminData { users, lists })
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    layout: Layout,
    users: usize,
    active_users: usize,
    units: usize,
    fagomraader: usize,
    technologies: usize,
}

async fn home(State(state): State<AppState>, who: PageUser) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let page = HomePage {
        layout: Layout::new(&who, "Administration", "admin"),
        users: data.users.len(),
        active_users: data.users.iter().filter(|u| u.active).count(),
        units: data.lists.units.flatten().len(),
        fagomraader: data.lists.fagomraader.len(),
        technologies: data.lists.technologies.len(),
    };
    Ok(Page(page).into_response())
}

/// The confirmation for `?ok=KEY` on the admin pages; unknown keys show nothing.
pub(crate) fn admin_notice(query: &RawQuery) -> Option<&'static str> {
    notice(query, |key| {
        match key {
        "oprettet" => Some("Brugeren er oprettet."),
        "bruger" => Some("Brugeren er gemt."),
        "adgangskode" => Some(
            "Den nye adgangskode er gemt. Brugeren er logget ud alle steder, og brugerens API-nøgler er tilbagekaldt.",
        ),
        "enhed" => Some("Enheden er oprettet."),
        "enhed-gemt" => Some("Enheden er gemt."),
        "navn" => Some("Kommunens navn er gemt."),
        "tilfoejet" => Some("Punktet er tilføjet listen."),
        "punkt" => Some("Punktet er gemt."),
        "oekonomi" => Some("Økonomiindstillingerne er gemt."),
        _ => None,
    }
    })
}
