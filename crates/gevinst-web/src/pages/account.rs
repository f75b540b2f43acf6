//! `/konto`: who am I, and my personal API tokens (create, list, revoke).
//!
//! A new token is shown once, on the page that answers the POST, instead of after a
//! redirect: only its hash is stored, so there is nothing to show later. That page is
//! sent with `Cache-Control: no-store`.

use super::admin::{notice, parse_id, read_form, FormErrors};
use crate::error::PageError;
use crate::format;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::{Form, FormRejection};
use gevinst_app::potentials::TenantLists;
use gevinst_app::{auth, AppError};
use serde::Deserialize;

/// Routes of the account pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/konto", get(page))
        .route("/konto/noegler", post(create_token))
        .route("/konto/noegler/{id}/tilbagekald", post(revoke_token))
}

/// A token in the list.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    notice: Option<&'static str>,
    name: String,
    email: String,
    role_label: &'static str,
    units: Vec<String>,
    tenant_name: String,
    tenant_slug: String,
    tokens: Vec<TokenRow>,
    /// The new-token form: what was typed, and its errors.
    new_name: String,
    errors: FormErrors,
}

fn account_notice(query: &RawQuery) -> Option<&'static str> {
    notice(query, |key| match key {
        "tilbagekaldt" => Some("Nøglen er tilbagekaldt og virker ikke længere."),
        _ => None,
    })
}

async fn account_page(
    state: &AppState,
    who: &PageUser,
    new_name: String,
    errors: FormErrors,
) -> Result<AccountPage, PageError> {
    let p = &who.principal;
    let lists = TenantLists::load(state.store.as_ref(), p).await?;
    let tokens = auth::list_tokens(state.store.as_ref(), p).await?;
    Ok(AccountPage {
        layout: Layout::new(who, "Min konto", "konto"),
        notice: None,
        name: p.user.name.clone(),
        email: p.user.email.to_string(),
        role_label: p.user.role.label(),
        units: p
            .user
            .units
            .iter()
            .map(|u| lists.units.display_path(*u))
            .filter(|s| !s.is_empty())
            .collect(),
        tenant_name: p.tenant.name.clone(),
        tenant_slug: p.tenant.slug.to_string(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: format::datetime(&t.created_at),
                last_used: t
                    .last_used_at
                    .as_ref()
                    .map(format::datetime)
                    .unwrap_or_else(|| "Aldrig".to_owned()),
                revoked: t.revoked,
            })
            .collect(),
        new_name,
        errors,
    })
}

async fn page(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    let mut page = account_page(&state, &who, String::new(), FormErrors::none()).await?;
    page.notice = account_notice(&query);
    Ok(Page(page).into_response())
}

#[derive(Template)]
#[template(path = "account_token.html")]
struct TokenCreatedPage {
    layout: Layout,
    name: String,
    token: String,
    /// `http(s)://host` of this installation, for the example.
    base: String,
}

/// The new-token form.
#[derive(Deserialize, Default)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

/// The address the browser used, for the `curl` example (escaped like all output).
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn create_token(
    State(state): State<AppState>,
    who: PageUser,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = read_form(form)?;
    match auth::create_token(state.store.as_ref(), &who.principal, &form.name).await {
        Ok((token, info)) => {
            let page = TokenCreatedPage {
                layout: Layout::new(&who, "Ny API-nøgle", "konto"),
                name: info.name,
                token,
                base: base_url(&state, &headers),
            };
            let mut res = Page(page).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        Err(AppError::Invalid(e)) => {
            let page = account_page(
                &state,
                &who,
                form.name,
                FormErrors::from_fields(&e, "token-"),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    auth::revoke_token(state.store.as_ref(), &who.principal, id).await?;
    Ok(Redirect::to("/konto?ok=tilbagekaldt").into_response())
}
