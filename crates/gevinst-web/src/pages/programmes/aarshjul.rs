//! `GET /aarshjul`: the user's measurements that are due this year or overdue, as a
//! 12-month calendar of the current year (a porteføljeleder or an admin sees all plans).

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use gevinst_app::potentials::TenantLists;
use gevinst_app::programmes::Reminder;
use gevinst_domain::danish::format_date;
use gevinst_domain::Permission;

const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "Marts",
    "April",
    "Maj",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "December",
];

/// One measurement in the calendar.
struct Item {
    potential: i64,
    title: String,
    label: String,
    period: String,
    due: String,
    owner: String,
    overdue: bool,
}

struct Month {
    name: &'static str,
    id: String,
    current: bool,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "aarshjul.html")]
struct AarshjulPage {
    layout: Layout,
    year: i32,
    all: bool,
    earlier: Vec<Item>,
    months: Vec<Month>,
    overdue_count: usize,
}

fn item(r: &Reminder, today: NaiveDate, lists: &TenantLists) -> Item {
    Item {
        potential: r.potential_id.0,
        title: r.title.clone(),
        label: r.label.clone(),
        period: r.period.label(),
        due: format_date(r.due),
        owner: lists
            .user_name(r.owner)
            .unwrap_or("Ingen gevinstejer")
            .to_owned(),
        overdue: r.due < today,
    }
}

/// `GET /aarshjul`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let app = &state.app;
    let p = &who.principal;
    let today = chrono::Utc::now().date_naive();
    let year = today.year();
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    // Everything due up to the end of this year and not yet recorded.
    let reminders = app.programmes().reminders(p, end).await?;
    let lists = app.potentials().lists(p).await?;
    let earlier: Vec<Item> = reminders
        .iter()
        .filter(|r| r.due.year() < year)
        .map(|r| item(r, today, &lists))
        .collect();
    let months: Vec<Month> = (1..=12u32)
        .map(|m| Month {
            name: MONTHS[(m - 1) as usize],
            id: format!("maaned-{m}"),
            current: m == today.month(),
            items: reminders
                .iter()
                .filter(|r| r.due.year() == year && r.due.month() == m)
                .map(|r| item(r, today, &lists))
                .collect(),
        })
        .collect();
    let overdue_count = reminders.iter().filter(|r| r.due < today).count();
    let page = AarshjulPage {
        layout: Layout::new(&who, format!("Årshjul {year}"), "aarshjul"),
        year,
        all: p.actor.may_tenant_wide(Permission::ManagePortfolio),
        earlier,
        months,
        overdue_count,
    };
    Ok(Page(page).into_response())
}
