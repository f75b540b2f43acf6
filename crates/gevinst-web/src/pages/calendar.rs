//! The per-user calendar feed of the årshjul.
//!
//! - `GET /konto/kalender`: whether the user has a feed, with "Opret nyt kalenderlink" and
//!   "Tilbagekald kalenderlinket".
//! - `POST /konto/kalender`: makes a new feed (replacing the old) and shows its address
//!   once (only the token's hash is stored), with `Cache-Control: no-store`.
//! - `POST /konto/kalender/tilbagekald`: revokes it (303 back).
//! - `GET /kalender/{token}.ics`: the feed (`text/calendar`), no login: the token is the
//!   key. An unknown or revoked token is 404.

use super::account::base_url;
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
use gevinst_app::AppError;
use gevinst_domain::danish::format_datetime;

/// Routes of the calendar feed.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/konto/kalender", get(page).post(create))
        .route("/konto/kalender/tilbagekald", post(revoke))
        .route("/kalender/{file}", get(feed))
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    notice: Option<&'static str>,
    /// When the current feed was made, if there is one.
    created: Option<String>,
    /// The new feed's address, right after it was made.
    url: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let created = state
        .app
        .programmes()
        .calendar_feed_created(&who.principal)
        .await?;
    let notice = match query.as_deref() {
        Some("ok=tilbagekaldt") => Some("Kalenderlinket er tilbagekaldt og virker ikke længere."),
        _ => None,
    };
    let page = CalendarPage {
        layout: Layout::new(&who, "Kalender med dit årshjul", "konto"),
        notice,
        created: created.map(format_datetime),
        url: None,
    };
    Ok(Page(page).into_response())
}

async fn create(
    State(state): State<AppState>,
    who: PageUser,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let token = state
        .app
        .programmes()
        .create_calendar_feed(&who.principal)
        .await?;
    let page = CalendarPage {
        layout: Layout::new(&who, "Kalender med dit årshjul", "konto"),
        notice: Some("Et nyt kalenderlink er oprettet. Et tidligere link virker ikke længere."),
        created: Some(format_datetime(chrono::Utc::now())),
        url: Some(format!(
            "{}/kalender/{token}.ics",
            base_url(&state, &headers)
        )),
    };
    let mut res = Page(page).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn revoke(State(state): State<AppState>, who: PageUser) -> Result<Response, PageError> {
    state
        .app
        .programmes()
        .revoke_calendar_feed(&who.principal)
        .await?;
    Ok(Redirect::to("/konto/kalender?ok=tilbagekaldt").into_response())
}

/// `GET /kalender/{token}.ics`.
async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return not_found();
    };
    match state
        .app
        .programmes()
        .calendar_feed(token, chrono::Utc::now())
        .await
    {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-cache"),
            ],
            ics,
        )
            .into_response(),
        Err(AppError::NotFound) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Kalenderen kunne ikke hentes.",
            )
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Kalenderlinket findes ikke eller er tilbagekaldt.",
    )
        .into_response()
}
