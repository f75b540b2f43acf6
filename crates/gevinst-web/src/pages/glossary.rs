//! `GET /ordliste`: the glossary, one definition of every word the figures use, taken
//! from [`gevinst_domain::glossary`] like the programme page, the report and the workbook.

use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gevinst_domain::glossary::{Term, TERMS};

/// Routes of the glossary page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/ordliste", get(page))
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage {
    layout: Layout,
    terms: &'static [Term],
}

async fn page(who: PageUser) -> Response {
    Page(GlossaryPage {
        layout: Layout::new(&who, "Ordliste", "ordliste"),
        terms: TERMS,
    })
    .into_response()
}
