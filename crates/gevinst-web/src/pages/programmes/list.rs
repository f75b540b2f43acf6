//! `GET /programmer`: the tenant's programmes.

use super::overview::target_texts;
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use gevinst_domain::Permission;

struct Row {
    id: i64,
    name: String,
    period: String,
    targets: Vec<String>,
    potentials: usize,
}

#[derive(Template)]
#[template(path = "programme_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    may_manage: bool,
    flash: Option<&'static str>,
}

/// `GET /programmer`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let p = &who.principal;
    let rows = state
        .app
        .programmes()
        .list(p)
        .await?
        .into_iter()
        .map(|s| Row {
            id: s.id.0,
            name: s.programme.name.clone(),
            period: format!("{}–{}", s.programme.first_year, s.programme.last_year),
            targets: target_texts(&s.programme),
            potentials: s.programme.potentials.len(),
        })
        .collect();
    let flash = match query.as_deref() {
        Some("besked=sandsynligheder") => Some("Sandsynlighederne er gemt."),
        _ => None,
    };
    let page = ListPage {
        layout: Layout::new(&who, "Programmer", "programmer"),
        rows,
        may_manage: p.actor.may_tenant_wide(Permission::ManagePortfolio),
        flash,
    };
    Ok(Page(page).into_response())
}
