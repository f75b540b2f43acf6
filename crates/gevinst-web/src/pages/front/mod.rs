//! The front page ("Oversigt"): the page each role steers by.
//!
//! - `GET /`: the porteføljeleder and the admin see every programme's target, decided,
//!   realised and harvested figures in kr. and årsværk for this year and each deadline, the
//!   forecast's probabilities, a traffic light per distribution-key share, the largest
//!   gaps and what changed in the last seven days. A leder sees their benefit plans, their
//!   measurements due and overdue (each with a "Registrér" link to the measurement form),
//!   and their units' potentials by status. A digital agent sees the ideas in their units
//!   and the potentials without a business case. A læser sees the programmes' summary.
//!   Everyone has the counts by status, forvaltning, fagområde, technology and unit, folded
//!   at the bottom. Every figure links to the list or page behind it.
//! - The page never runs a Monte Carlo: it shows a forecast only when one is cached for the
//!   current data (the programme page's settings). Otherwise it says "beregnes …", and
//!   `assets/front.js` fetches `GET /forside/prognose/{id}`, a fragment that computes the
//!   forecast under the app's compute limiter. Without JavaScript, the button "Beregn"
//!   posts to `POST /forside/prognose/{id}`, which computes it and returns to the page.

mod view;

use super::overview::{count_tables, CountTables};
use super::programmes::{target_texts, FORECAST};
use crate::error::PageError;
use crate::pages::form_input::programme_id;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use gevinst_app::front::{FrontRole, TASK_DAYS_AHEAD};
use gevinst_domain::danish::format_local_date;
use view::{ChangeGroup, Line, ProgrammeView, Task, UnitRow};

/// Routes of the front page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(show)).route(
        "/forside/prognose/{id}",
        get(forecast_fragment).post(compute_forecast),
    )
}

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    layout: Layout,
    /// `portfolio`, `leder`, `agent` or `reader`.
    role: &'static str,
    programmes: Vec<ProgrammeView>,
    /// "siden 26. november 2026" for the changes.
    since: String,
    changes: Vec<ChangeGroup>,
    tasks: Vec<Task>,
    overdue: usize,
    task_days: u64,
    plans: Vec<Line>,
    statuses: Vec<&'static str>,
    units: Vec<UnitRow>,
    ideas: Vec<Line>,
    without_case: Vec<Line>,
    shown: usize,
    counts: CountTables,
    /// Whether a programme's forecast is not cached (then the page loads `front.js`).
    needs_forecast: bool,
    /// The legend under the traffic lights, the glossary's rule (as on the programme page).
    lights_legend: &'static str,
}

/// The forecast's probabilities of one programme, alone (the fragment the page fetches).
#[derive(Template)]
#[template(path = "_front_chances.html")]
struct ChancesFragment {
    chances: Vec<String>,
}

/// `GET /`: the front page for the user's role.
async fn show(State(state): State<AppState>, who: PageUser) -> Result<Response, PageError> {
    let app = &state.app;
    let p = &who.principal;
    let now = chrono::Utc::now();
    // The UTC date, as the programme page and the årshjul use it.
    let today = now.date_naive();
    let this_year = today.year();
    let steering = app.front().steering(p, today, now, FORECAST).await?;
    let lists = app.potentials().lists(p).await?;
    let programmes: Vec<ProgrammeView> = steering
        .programmes
        .iter()
        .map(|s| view::programme(s, &lists, this_year, target_texts(&s.programme)))
        .collect();
    let (since, changes) = match &steering.changes {
        Some(c) => (
            format!("siden {}", format_local_date(c.since)),
            view::changes(c, &lists),
        ),
        None => (String::new(), Vec::new()),
    };
    let (tasks, plans, units) = match &steering.leder {
        Some(w) => (
            view::tasks(&w.tasks, today),
            view::plans(w),
            view::unit_rows(w),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let (ideas, without_case) = match &steering.agent {
        Some(w) => view::agent(w, &lists),
        None => (Vec::new(), Vec::new()),
    };
    let needs_forecast = programmes_need_forecast(&programmes);
    let page = FrontPage {
        lights_legend: gevinst_domain::glossary::TRAFIKLYS.definition,
        layout: Layout::new(&who, "Oversigt", "oversigt"),
        role: match steering.role {
            FrontRole::Portfolio => "portfolio",
            FrontRole::Leder => "leder",
            FrontRole::Agent => "agent",
            FrontRole::Reader => "reader",
        },
        programmes,
        since,
        changes,
        overdue: tasks.iter().filter(|t| t.overdue).count(),
        tasks,
        task_days: TASK_DAYS_AHEAD,
        plans,
        statuses: view::status_labels(),
        units,
        ideas,
        without_case,
        shown: view::SHOWN,
        counts: count_tables(&steering.counts, &lists),
        needs_forecast,
    };
    Ok(Page(page).into_response())
}

fn programmes_need_forecast(programmes: &[ProgrammeView]) -> bool {
    programmes.iter().any(|p| p.chances.is_none())
}

/// `GET /forside/prognose/{id}`: computes (or reuses) the programme's forecast under the
/// compute limiter and answers its probabilities as an HTML fragment.
async fn forecast_fragment(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let year = chrono::Utc::now().year();
    let app = &state.app;
    let p = &who.principal;
    let stored = app.programmes().get(p, id).await?;
    let forecast = app
        .programmes()
        .forecast_cached(p, id, FORECAST, year)
        .await?;
    let this_year = gevinst_domain::programme::steering_year(&stored.programme, year);
    Ok(Page(ChancesFragment {
        chances: view::chances(&forecast, this_year),
    })
    .into_response())
}

/// `POST /forside/prognose/{id}`: computes (or reuses) the forecast, then 303 back to the
/// programme on the front page.
async fn compute_forecast(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let year = chrono::Utc::now().year();
    state
        .app
        .programmes()
        .forecast_cached(&who.principal, id, FORECAST, year)
        .await?;
    Ok(Redirect::to(&format!("/#program-{}", id.0)).into_response())
}
