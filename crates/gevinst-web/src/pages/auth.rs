//! Login and logout pages.

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::ClientAddr;
use crate::session::{secure_cookie, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use gevinst_app::auth;
use gevinst_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    /// When the installation has exactly one tenant, its slug and name (no need to type it).
    single_tenant: Option<(String, String)>,
    tenant: String,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    tenant: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Only same-site paths are followed after login (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

async fn single_tenant(state: &AppState) -> Result<Option<(String, String)>, PageError> {
    let tenants = state.store.list_tenants().await?;
    Ok(match tenants.as_slice() {
        [t] => Some((t.slug.to_string(), t.name.clone())),
        _ => None,
    })
}

#[allow(clippy::too_many_arguments)]
async fn render_login(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    tenant: String,
    email: String,
    next: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let token = auth::random_secret();
    let jar = jar.add(secure_cookie(
        LOGIN_CSRF_COOKIE,
        token.clone(),
        state.settings.secure_cookies,
        3600,
    ));
    let page = LoginPage {
        layout: Layout {
            csrf: token,
            ..Layout::anonymous("Log ind")
        },
        single_tenant: single_tenant(state).await?,
        tenant,
        email,
        next,
        error,
    };
    Ok((status, jar, Page(page)).into_response())
}

pub(crate) async fn login_form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    render_login(
        &state,
        jar,
        StatusCode::OK,
        String::new(),
        String::new(),
        next,
        None,
    )
    .await
}

pub(crate) async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(&form.next);
    let result = auth::login(
        state.store.as_ref(),
        &form.tenant,
        &form.email,
        &form.password,
        client.as_deref(),
        chrono::Utc::now(),
    )
    .await;
    match result {
        Ok((_, session)) => {
            let max_age = (session.expires_at - chrono::Utc::now()).num_seconds();
            let jar = jar
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/").build())
                .add(secure_cookie(
                    SESSION_COOKIE,
                    session.cookie_value,
                    state.settings.secure_cookies,
                    max_age,
                ));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        Err(AppError::Unauthenticated) => {
            let msg = "Forkert kommune, e-mail eller adgangskode.".to_owned();
            render_login(
                &state,
                jar,
                StatusCode::UNAUTHORIZED,
                form.tenant,
                form.email,
                next,
                Some(msg),
            )
            .await
        }
        Err(AppError::Throttled) => {
            let msg = "For mange mislykkede forsøg. Vent et kvarter, og prøv igen.".to_owned();
            render_login(
                &state,
                jar,
                StatusCode::TOO_MANY_REQUESTS,
                form.tenant,
                form.email,
                next,
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        auth::logout(state.store.as_ref(), c.value()).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_never_offsite() {
        assert_eq!(
            super::safe_next("/potentialer?status=ide"),
            "/potentialer?status=ide"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "/login?next=/x",
        ] {
            assert_eq!(super::safe_next(bad), "/", "{bad}");
        }
    }
}
