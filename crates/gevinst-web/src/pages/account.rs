//! `/konto`: who am I, my password, and my personal API tokens (create with an optional
//! expiry, list, revoke).
//!
//! A new token is shown once, on the page that answers the POST, instead of after a
//! redirect: only its hash is stored, so there is nothing to show later. That page is
//! sent with `Cache-Control: no-store`.

use super::admin::{notice, parse_id, read_form, FormErrors};
use crate::error::PageError;
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
use gevinst_app::AppError;
use gevinst_domain::danish;
use serde::Deserialize;

/// Routes of the account pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/konto", get(page))
        .route("/konto/noegler", post(create_token))
        .route("/konto/noegler/{id}/tilbagekald", post(revoke_token))
        .route("/konto/adgangskode", post(change_password))
}

/// A token in the list.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    /// "Aktiv", "Aktiv til …", "Udløbet" or "Tilbagekaldt".
    state: String,
    revoked: bool,
}

/// The token lifetimes offered, in days; the first is the default. `None`: no expiry.
const TOKEN_LIFETIMES: [(Option<u32>, &str); 4] = [
    (Some(90), "90 dage"),
    (Some(30), "30 dage"),
    (Some(365), "1 år"),
    (None, "Intet udløb (tilbagekald den selv)"),
];

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
    /// The lifetimes offered: (form value, label, selected).
    lifetimes: Vec<(String, &'static str, bool)>,
    /// The change-password form's errors.
    pw_errors: FormErrors,
}

fn account_notice(query: &RawQuery) -> Option<&'static str> {
    notice(query, |key| {
        match key {
        "tilbagekaldt" => Some("Nøglen er tilbagekaldt og virker ikke længere."),
        "adgangskode" => Some(
            "Din adgangskode er ændret. Dine andre sessioner er logget ud; dine API-nøgler virker stadig.",
        ),
        _ => None,
    }
    })
}

fn lifetime_value(days: Option<u32>) -> String {
    days.map_or_else(|| "ingen".to_owned(), |d| d.to_string())
}

async fn account_page(
    state: &AppState,
    who: &PageUser,
    new_token: &TokenForm,
    errors: FormErrors,
) -> Result<AccountPage, PageError> {
    let p = &who.principal;
    let lists = state.app.potentials().lists(p).await?;
    let tokens = state.app.auth().list_tokens(p).await?;
    let now = chrono::Utc::now();
    let chosen = new_token
        .expires_in_days
        .clone()
        .unwrap_or_else(|| lifetime_value(TOKEN_LIFETIMES[0].0));
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
                created: danish::format_datetime(t.created_at),
                last_used: match (&t.last_used_at, &t.last_used_from) {
                    (Some(at), Some(from)) => {
                        format!("{} fra {from}", danish::format_datetime(*at))
                    }
                    (Some(at), None) => danish::format_datetime(*at),
                    (None, _) => "Aldrig".to_owned(),
                },
                state: match t.expires_at {
                    _ if t.revoked => "Tilbagekaldt".to_owned(),
                    Some(at) if at <= now => "Udløbet".to_owned(),
                    Some(at) => format!("Aktiv til {}", danish::format_datetime(at)),
                    None => "Aktiv, udløber ikke".to_owned(),
                },
                revoked: t.revoked || t.expires_at.is_some_and(|at| at <= now),
            })
            .collect(),
        new_name: new_token.name.clone(),
        errors,
        lifetimes: TOKEN_LIFETIMES
            .iter()
            .map(|(days, label)| {
                let value = lifetime_value(*days);
                let selected = value == chosen;
                (value, *label, selected)
            })
            .collect(),
        pw_errors: FormErrors::none(),
    })
}

async fn page(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    let mut page = account_page(&state, &who, &TokenForm::default(), FormErrors::none()).await?;
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
    /// Days, or `ingen` for no expiry.
    #[serde(default)]
    expires_in_days: Option<String>,
}

impl TokenForm {
    /// The chosen lifetime; an unreadable value is a field error.
    fn lifetime(&self) -> Result<Option<u32>, gevinst_domain::FieldErrors> {
        match self.expires_in_days.as_deref().map(str::trim) {
            None | Some("") => Ok(TOKEN_LIFETIMES[0].0),
            Some("ingen") => Ok(None),
            Some(days) => days.parse().map(Some).map_err(|_| {
                gevinst_domain::FieldErrors::single(
                    "expires_in_days",
                    "invalid",
                    "Vælg, hvor længe nøglen skal virke.",
                )
            }),
        }
    }
}

/// The address the browser used, for the `curl` example (escaped like all output).
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
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
    let created = match form.lifetime() {
        Ok(days) => {
            state
                .app
                .auth()
                .create_token(&who.principal, &form.name, days)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match created {
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
            let page =
                account_page(&state, &who, &form, FormErrors::from_fields(&e, "token-")).await?;
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
    state.app.auth().revoke_token(&who.principal, id).await?;
    Ok(Redirect::to("/konto?ok=tilbagekaldt").into_response())
}

/// The change-password form.
#[derive(Deserialize, Default)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    who: PageUser,
    jar: axum_extra::extract::cookie::CookieJar,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = read_form(form)?;
    let result = if form.password != form.password_repeat {
        Err(AppError::Invalid(gevinst_domain::FieldErrors::single(
            "password_repeat",
            "mismatch",
            "De to nye adgangskoder er ikke ens.",
        )))
    } else {
        let session = jar.get(crate::session::SESSION_COOKIE).map(|c| c.value());
        state
            .app
            .auth()
            .change_own_password(
                &who.principal,
                session,
                &form.current_password,
                &form.password,
            )
            .await
    };
    match result {
        Ok(()) => Ok(Redirect::to("/konto?ok=adgangskode").into_response()),
        Err(AppError::Invalid(e)) => {
            let mut page =
                account_page(&state, &who, &TokenForm::default(), FormErrors::none()).await?;
            page.pw_errors = FormErrors::from_fields(&e, "pw-");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
