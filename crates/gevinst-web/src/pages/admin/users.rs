//! `/admin/brugere`: the tenant's users; create, edit and set a password.

use super::form::parse_version;
use super::{admin_data, admin_notice, parse_id, read_form, AdminData, FormErrors};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use gevinst_app::AppError;
use gevinst_domain::user::validate_password;
use gevinst_domain::{FieldErrors, NewUserDraft, Role, UnitId, UnitTree, User, UserId};
use serde::Deserialize;

/// The deepest indentation the unit lists show; deeper units share the last step.
const MAX_INDENT: usize = 6;

/// A row of the user table.
struct UserRow {
    id: i64,
    name: String,
    email: String,
    role_label: &'static str,
    units: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    rows: Vec<UserRow>,
}

/// The unit names of a user, as one line.
fn unit_names(tree: &UnitTree, units: &[UnitId]) -> String {
    let names: Vec<String> = units
        .iter()
        .map(|u| tree.display_path(*u))
        .filter(|p| !p.is_empty())
        .collect();
    if names.is_empty() {
        "–".to_owned()
    } else {
        names.join("; ")
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    let AdminData { users, lists } = admin_data(&state, &who.principal).await?;
    let rows = users
        .iter()
        .map(|u| UserRow {
            id: u.id.0,
            name: u.name.clone(),
            email: u.email.to_string(),
            role_label: u.role.label(),
            units: unit_names(&lists.units, &u.units),
            active: u.active,
        })
        .collect();
    let page = ListPage {
        layout: Layout::new(&who, "Brugere", "admin"),
        notice: admin_notice(&query),
        rows,
    };
    Ok(Page(page).into_response())
}

/// A unit as a checkbox in the user form.
pub(crate) struct UnitChoice {
    id: i64,
    name: String,
    path: String,
    indent: usize,
    active: bool,
    checked: bool,
}

fn unit_choices(tree: &UnitTree, selected: &[i64]) -> Vec<UnitChoice> {
    tree.flatten()
        .into_iter()
        .map(|(depth, u)| UnitChoice {
            id: u.id.0,
            name: u.name.clone(),
            path: tree.display_path(u.id),
            indent: depth.min(MAX_INDENT),
            active: u.active,
            checked: selected.contains(&u.id.0),
        })
        .collect()
}

/// A role in the role select.
struct RoleChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn role_choices(selected: &str) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            selected: r.as_str() == selected,
        })
        .collect()
}

/// What the user form shows: the record or what the admin typed. Never a password.
struct UserFields {
    name: String,
    email: String,
    role: String,
    active: bool,
    version: i64,
}

#[derive(Template)]
#[template(path = "admin_user_form.html")]
struct FormPage {
    layout: Layout,
    notice: Option<&'static str>,
    /// `None` for a new user.
    user_id: Option<i64>,
    /// Shown above the form on an optimistic-concurrency conflict.
    conflict: bool,
    fields: UserFields,
    roles: Vec<RoleChoice>,
    units: Vec<UnitChoice>,
    errors: FormErrors,
    /// The password form on the edit page.
    password_errors: FormErrors,
}

/// The fields of the create and edit forms. Every field defaults, so a partial body is
/// answered with field errors, not a rejection.
#[derive(Deserialize, Default)]
pub(crate) struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    units: Vec<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    version: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

impl UserForm {
    /// The draft, and whether every unit id was a number (a browser only sends numbers).
    fn draft(&self) -> (NewUserDraft, bool) {
        let parsed: Vec<Option<i64>> = self
            .units
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.trim().parse().ok())
            .collect();
        let all_numbers = parsed.iter().all(Option::is_some);
        let draft = NewUserDraft {
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role.clone(),
            units: parsed.into_iter().flatten().map(UnitId).collect(),
        };
        (draft, all_numbers)
    }

    fn selected_units(&self) -> Vec<i64> {
        self.units
            .iter()
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }

    fn fields(&self, active: bool, version: i64) -> UserFields {
        UserFields {
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role.clone(),
            active,
            version,
        }
    }
}

const UNKNOWN_UNIT: &str = "En af de valgte enheder findes ikke.";

fn form_page(
    who: &PageUser,
    title: &str,
    user_id: Option<i64>,
    fields: UserFields,
    tree: &UnitTree,
    units: &[i64],
) -> FormPage {
    FormPage {
        layout: Layout::new(who, title, "admin"),
        notice: None,
        user_id,
        conflict: false,
        roles: role_choices(&fields.role),
        fields,
        units: unit_choices(tree, units),
        errors: FormErrors::none(),
        password_errors: FormErrors::none(),
    }
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let fields = UserFields {
        name: String::new(),
        email: String::new(),
        role: Role::Laeser.as_str().to_owned(),
        active: true,
        version: 0,
    };
    let page = form_page(&who, "Ny bruger", None, fields, &data.lists.units, &[]);
    Ok(Page(page).into_response())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    who: PageUser,
    form: Result<Form<UserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let form = read_form(form)?;
    let (draft, units_ok) = form.draft();
    let mut errors = FieldErrors::new();
    if form.password != form.password_repeat {
        // Nothing may be saved, so the use case is not called: collect what it would
        // report, plus the mismatch.
        if let Err(e) = draft.validate(|u| data.lists.units.contains(u)) {
            errors.0.extend(e.0);
        }
        let context = [draft.email.as_str(), draft.name.as_str()];
        if let Err(e) = validate_password(&form.password, &context) {
            errors.0.extend(e.0);
        }
        errors.add(
            "password_repeat",
            "mismatch",
            "De to adgangskoder er ikke ens.",
        );
    } else if !units_ok {
        errors.add("units", "unknown", UNKNOWN_UNIT);
    } else {
        match state
            .app
            .admin()
            .create_user(&who.principal, &draft, &form.password)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/admin/brugere?ok=oprettet").into_response()),
            Err(AppError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let mut page = form_page(
        &who,
        "Ny bruger",
        None,
        form.fields(true, 0),
        &data.lists.units,
        &form.selected_units(),
    );
    page.errors = FormErrors::from_fields(&errors, "");
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
}

fn find_user(data: &AdminData, raw_id: &str) -> Result<User, PageError> {
    let id = parse_id(raw_id)?;
    data.users
        .iter()
        .find(|u| u.id == UserId(id))
        .cloned()
        .ok_or(PageError(AppError::NotFound))
}

fn record_fields(user: &User) -> UserFields {
    UserFields {
        name: user.name.clone(),
        email: user.email.to_string(),
        role: user.role.as_str().to_owned(),
        active: user.active,
        version: user.version,
    }
}

fn record_units(user: &User) -> Vec<i64> {
    user.units.iter().map(|u| u.0).collect()
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    query: RawQuery,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let user = find_user(&data, &id)?;
    let mut page = form_page(
        &who,
        &user.name,
        Some(user.id.0),
        record_fields(&user),
        &data.lists.units,
        &record_units(&user),
    );
    page.notice = admin_notice(&query);
    Ok(Page(page).into_response())
}

pub(crate) async fn update(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    form: Result<Form<UserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let user = find_user(&data, &id)?;
    let form = read_form(form)?;
    let (draft, units_ok) = form.draft();
    let active = form.active.is_some();
    let version = parse_version(&form.version);
    let mut shown_version = version;
    let mut conflict = false;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let errors = if !units_ok {
        FieldErrors::single("units", "unknown", UNKNOWN_UNIT)
    } else {
        match state
            .app
            .admin()
            .update_user(&who.principal, user.id, version, &draft, active)
            .await
        {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/admin/brugere/{}?ok=bruger", user.id.0))
                        .into_response(),
                )
            }
            Err(AppError::Invalid(e)) => e,
            Err(AppError::Conflict) => {
                // Keep the admin's input; the form now carries the current version, so
                // saving again deliberately overwrites the other change.
                conflict = true;
                shown_version = user.version;
                status = StatusCode::CONFLICT;
                FieldErrors::new()
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut page = form_page(
        &who,
        &user.name,
        Some(user.id.0),
        form.fields(active, shown_version),
        &data.lists.units,
        &form.selected_units(),
    );
    page.conflict = conflict;
    page.errors = FormErrors::from_fields(&errors, "");
    Ok((status, Page(page)).into_response())
}

pub(crate) async fn set_password(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    form: Result<Form<UserForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let user = find_user(&data, &id)?;
    let form = read_form(form)?;
    let errors = if form.password != form.password_repeat {
        let context = [user.email.as_str(), user.name.as_str()];
        let mut e = validate_password(&form.password, &context)
            .err()
            .unwrap_or_default();
        e.add(
            "password_repeat",
            "mismatch",
            "De to adgangskoder er ikke ens.",
        );
        e
    } else {
        match state
            .app
            .admin()
            .set_password(&who.principal, user.id, &form.password)
            .await
        {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/admin/brugere/{}?ok=adgangskode", user.id.0))
                        .into_response(),
                )
            }
            Err(AppError::Invalid(e)) => e,
            Err(e) => return Err(e.into()),
        }
    };
    let mut page = form_page(
        &who,
        &user.name,
        Some(user.id.0),
        record_fields(&user),
        &data.lists.units,
        &record_units(&user),
    );
    page.password_errors = FormErrors::from_fields(&errors, "ny-");
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
}
