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

/// Only same-origin paths are followed after login (no open redirect): a single leading
/// `/`, no `//` and no backslash anywhere (browsers read `/\\host` and `/\t/host` as
/// another host), and nothing but visible ASCII (no control characters, spaces or raw
/// non-ASCII: a real path arrives percent-encoded). Anything else, and the login page
/// itself, goes to `/`.
fn safe_next(next: &str) -> String {
    let same_origin = next.starts_with('/')
        && !next.contains("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic())
        && !next.starts_with("/login");
    if same_origin {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

async fn single_tenant(state: &AppState) -> Result<Option<(String, String)>, PageError> {
    let tenants = state.app.auth().tenants().await?;
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
    let result = state
        .app
        .auth()
        .login(
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
        Err(AppError::Throttled { retry_after_secs }) => {
            let msg = crate::error::throttled_message(retry_after_secs);
            let page = render_login(
                &state,
                jar,
                StatusCode::TOO_MANY_REQUESTS,
                form.tenant,
                form.email,
                next,
                Some(msg),
            )
            .await?;
            Ok(with_retry_after(page, retry_after_secs))
        }
        Err(AppError::Busy { retry_after_secs }) => {
            let page = render_login(
                &state,
                jar,
                StatusCode::SERVICE_UNAVAILABLE,
                form.tenant,
                form.email,
                next,
                Some(crate::error::BUSY_MESSAGE.to_owned()),
            )
            .await?;
            Ok(with_retry_after(page, retry_after_secs))
        }
        Err(e) => Err(e.into()),
    }
}

fn with_retry_after(mut page: Response, secs: u64) -> Response {
    page.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(secs.max(1)),
    );
    page
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        state
            .app
            .auth()
            .logout(c.value(), client.as_deref())
            .await?;
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
        assert_eq!(
            super::safe_next("/potentialer/12?q=%C3%A6"),
            "/potentialer/12?q=%C3%A6"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "/login?next=/x",
            // The review's vectors: a tab or newline after the slash, control characters.
            "/\t/evil.example/phish",
            "/\n",
            "/\u{1}",
            "/%09/../x\r\nSet-Cookie: a=b",
            "/ok//evil.example",
            "/a\\b",
            "/ æ",
            "evil.example",
        ] {
            assert_eq!(super::safe_next(bad), "/", "{bad}");
        }
    }
}
