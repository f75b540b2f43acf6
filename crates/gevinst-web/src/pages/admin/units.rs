//! `/admin/enheder`: the organisation tree; add, rename, move and (de)activate units.

use super::{admin_data, admin_notice, parse_id, read_form, FormErrors};
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
use gevinst_domain::{FieldErrors, UnitId, UnitTree};
use serde::Deserialize;

/// The deepest indentation the tree shows; deeper units share the last step.
const MAX_INDENT: usize = 6;

/// A unit in the indented tree.
struct TreeRow {
    id: i64,
    name: String,
    indent: usize,
    active: bool,
}

/// A unit as a choice of parent.
struct ParentChoice {
    id: i64,
    label: String,
    active: bool,
    selected: bool,
}

fn parent_choices(tree: &UnitTree, selected: &str) -> Vec<ParentChoice> {
    tree.flatten()
        .into_iter()
        .map(|(_, u)| ParentChoice {
            id: u.id.0,
            label: tree.display_path(u.id),
            active: u.active,
            selected: u.id.0.to_string() == selected.trim(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    rows: Vec<TreeRow>,
    /// The add form: what was typed, and its errors.
    name: String,
    parents: Vec<ParentChoice>,
    errors: FormErrors,
}

/// The fields of the add and edit forms.
#[derive(Deserialize, Default)]
pub(crate) struct UnitForm {
    #[serde(default)]
    name: String,
    /// A unit id, or empty for the top level.
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    active: Option<String>,
}

impl UnitForm {
    /// The chosen parent: `Ok(None)` for the top level, an error for anything that is not
    /// a unit id (which the select never sends).
    fn parent(&self) -> Result<Option<UnitId>, FieldErrors> {
        let raw = self.parent_id.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse().map(|id| Some(UnitId(id))).map_err(|_| {
            FieldErrors::single("parent_id", "unknown", "Den overordnede enhed findes ikke.")
        })
    }
}

fn list_page(
    who: &PageUser,
    tree: &UnitTree,
    name: String,
    parent: &str,
    errors: FormErrors,
) -> ListPage {
    let rows = tree
        .flatten()
        .into_iter()
        .map(|(depth, u)| TreeRow {
            id: u.id.0,
            name: u.name.clone(),
            indent: depth.min(MAX_INDENT),
            active: u.active,
        })
        .collect();
    ListPage {
        layout: Layout::new(who, "Organisation", "admin"),
        notice: None,
        rows,
        name,
        parents: parent_choices(tree, parent),
        errors,
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let mut page = list_page(
        &who,
        &data.lists.units,
        String::new(),
        "",
        FormErrors::none(),
    );
    page.notice = admin_notice(&query);
    Ok(Page(page).into_response())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    who: PageUser,
    form: Result<Form<UnitForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let form = read_form(form)?;
    let result = match form.parent() {
        Ok(parent) => {
            state
                .app
                .admin()
                .create_unit(&who.principal, parent, &form.name)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/enheder?ok=enhed").into_response()),
        Err(AppError::Invalid(e)) => {
            let errors = FormErrors::from_fields(&e, "ny-");
            let page = list_page(&who, &data.lists.units, form.name, &form.parent_id, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_unit_edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    name: String,
    active: bool,
    /// The saved path, for the heading's context.
    path: String,
    parents: Vec<ParentChoice>,
    errors: FormErrors,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let tree = &data.lists.units;
    let unit = tree
        .get(UnitId(parse_id(&id)?))
        .ok_or(PageError(AppError::NotFound))?;
    let parent = unit.parent_id.map(|p| p.0.to_string()).unwrap_or_default();
    let page = EditPage {
        layout: Layout::new(&who, format!("Enhed: {}", unit.name), "admin"),
        id: unit.id.0,
        name: unit.name.clone(),
        active: unit.active,
        path: tree.display_path(unit.id),
        parents: parent_choices(tree, &parent),
        errors: FormErrors::none(),
    };
    Ok(Page(page).into_response())
}

pub(crate) async fn update(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    form: Result<Form<UnitForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let tree = &data.lists.units;
    let unit = tree
        .get(UnitId(parse_id(&id)?))
        .ok_or(PageError(AppError::NotFound))?;
    let form = read_form(form)?;
    let active = form.active.is_some();
    let result = match form.parent() {
        Ok(parent) => {
            state
                .app
                .admin()
                .update_unit(&who.principal, unit.id, parent, &form.name, active)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/enheder?ok=enhed-gemt").into_response()),
        Err(AppError::Invalid(e)) => {
            let page = EditPage {
                layout: Layout::new(&who, format!("Enhed: {}", unit.name), "admin"),
                id: unit.id.0,
                name: form.name.clone(),
                active,
                path: tree.display_path(unit.id),
                parents: parent_choices(tree, &form.parent_id),
                errors: FormErrors::from_fields(&e, ""),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
