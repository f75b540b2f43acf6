//! `/admin/indstillinger`: the tenant's name and its two lists, fagområder and
//! technology types (add, rename, (de)activate).

use super::form::parse_version;
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
use gevinst_app::potentials::Catalogue;
use gevinst_app::potentials::TenantLists;
use gevinst_app::AppError;
use gevinst_domain::{CatalogueItem, FieldErrors};
use serde::Deserialize;

/// The two lists as they appear in URLs, with their Danish wording and id prefix.
const LISTS: [(&str, Catalogue, &str, &str); 2] = [
    ("fagomraader", Catalogue::Fagomraader, "Fagområder", "fag"),
    (
        "teknologier",
        Catalogue::Technologies,
        "Teknologityper",
        "tek",
    ),
];

fn catalogue(slug: &str) -> Result<Catalogue, PageError> {
    LISTS
        .iter()
        .find(|l| l.0 == slug)
        .map(|l| l.1)
        .ok_or(PageError(AppError::NotFound))
}

/// One entry with its own small form.
struct ItemRow {
    id: i64,
    saved_name: String,
    name: String,
    active: bool,
    errors: FormErrors,
}

/// One of the two lists.
struct ListSection {
    slug: &'static str,
    title: &'static str,
    prefix: &'static str,
    items: Vec<ItemRow>,
    new_name: String,
    new_errors: FormErrors,
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsPage {
    layout: Layout,
    notice: Option<&'static str>,
    slug: String,
    tenant_name: String,
    version: i64,
    conflict: bool,
    tenant_errors: FormErrors,
    lists: Vec<ListSection>,
}

/// Which form failed, with what the admin typed, so the page can show it again.
enum Failed {
    Tenant {
        name: String,
        errors: FieldErrors,
        conflict: bool,
    },
    Add {
        which: Catalogue,
        name: String,
        errors: FieldErrors,
    },
    Item {
        which: Catalogue,
        id: i64,
        name: String,
        active: bool,
        errors: FieldErrors,
    },
}

fn build(who: &PageUser, lists: &TenantLists, failed: Option<Failed>) -> SettingsPage {
    let tenant = &who.principal.tenant;
    let mut page = SettingsPage {
        layout: Layout::new(who, "Indstillinger", "admin"),
        notice: None,
        slug: tenant.slug.to_string(),
        tenant_name: tenant.name.clone(),
        version: tenant.version,
        conflict: false,
        tenant_errors: FormErrors::none(),
        lists: LISTS
            .iter()
            .map(|(slug, which, title, prefix)| {
                let items: &[CatalogueItem] = match which {
                    Catalogue::Fagomraader => &lists.fagomraader,
                    Catalogue::Technologies => &lists.technologies,
                };
                ListSection {
                    slug,
                    title,
                    prefix,
                    items: items
                        .iter()
                        .map(|i| ItemRow {
                            id: i.id,
                            saved_name: i.name.clone(),
                            name: i.name.clone(),
                            active: i.active,
                            errors: FormErrors::none(),
                        })
                        .collect(),
                    new_name: String::new(),
                    new_errors: FormErrors::none(),
                }
            })
            .collect(),
    };
    let section = |page: &mut SettingsPage, which: Catalogue| {
        let slug = LISTS
            .iter()
            .find(|l| l.1 == which)
            .map(|l| l.0)
            .unwrap_or_default();
        page.lists.iter().position(|s| s.slug == slug)
    };
    match failed {
        None => {}
        Some(Failed::Tenant {
            name,
            errors,
            conflict,
        }) => {
            page.tenant_name = name;
            page.conflict = conflict;
            page.tenant_errors = FormErrors::from_fields(&errors, "tenant-");
        }
        Some(Failed::Add {
            which,
            name,
            errors,
        }) => {
            if let Some(i) = section(&mut page, which) {
                let s = &mut page.lists[i];
                s.new_errors = FormErrors::from_fields(&errors, &format!("{}-ny-", s.prefix));
                s.new_name = name;
            }
        }
        Some(Failed::Item {
            which,
            id,
            name,
            active,
            errors,
        }) => {
            if let Some(i) = section(&mut page, which) {
                let s = &mut page.lists[i];
                let prefix = format!("{}-{id}-", s.prefix);
                if let Some(row) = s.items.iter_mut().find(|r| r.id == id) {
                    row.name = name;
                    row.active = active;
                    row.errors = FormErrors::from_fields(&errors, &prefix);
                }
            }
        }
    }
    page
}

pub(crate) async fn page(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let mut page = build(&who, &data.lists, None);
    page.notice = admin_notice(&query);
    Ok(Page(page).into_response())
}

/// The fields of the forms on this page.
#[derive(Deserialize, Default)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    active: Option<String>,
}

pub(crate) async fn rename_tenant(
    State(state): State<AppState>,
    who: PageUser,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let form = read_form(form)?;
    let version = parse_version(&form.version);
    let (status, errors, conflict) = match state
        .app
        .admin()
        .rename_tenant(&who.principal, version, &form.name)
        .await
    {
        Ok(_) => return Ok(Redirect::to("/admin/indstillinger?ok=navn").into_response()),
        Err(AppError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e, false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(e) => return Err(e.into()),
    };
    let page = build(
        &who,
        &data.lists,
        Some(Failed::Tenant {
            name: form.name,
            errors,
            conflict,
        }),
    );
    Ok((status, Page(page)).into_response())
}

pub(crate) async fn add_item(
    State(state): State<AppState>,
    who: PageUser,
    Path(list): Path<String>,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let which = catalogue(&list)?;
    let form = read_form(form)?;
    match state
        .app
        .admin()
        .add_catalogue_item(&who.principal, which, &form.name)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/indstillinger?ok=tilfoejet").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(
                &who,
                &data.lists,
                Some(Failed::Add {
                    which,
                    name: form.name,
                    errors,
                }),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn update_item(
    State(state): State<AppState>,
    who: PageUser,
    Path((list, id)): Path<(String, String)>,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let data = admin_data(&state, &who.principal).await?;
    let which = catalogue(&list)?;
    let id = parse_id(&id)?;
    let form = read_form(form)?;
    let active = form.active.is_some();
    match state
        .app
        .admin()
        .update_catalogue_item(&who.principal, which, id, &form.name, active)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/indstillinger?ok=punkt").into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = build(
                &who,
                &data.lists,
                Some(Failed::Item {
                    which,
                    id,
                    name: form.name,
                    active,
                    errors,
                }),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
