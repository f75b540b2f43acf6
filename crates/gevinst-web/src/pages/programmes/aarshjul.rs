//! `GET /aarshjul`: the measurements as tasks, one compact table of benefit × month for a
//! year (`?aar=2026`, the current year by default), filtered by owner (`ejer`), unit
//! (`enhed`, with its sub-units) and state (`status=due|overdue|done`). A porteføljeleder
//! or an admin sees all plans; anyone else the benefits they own.
//!
//! Each open measurement links to the plan page's form pre-filled with the benefit and
//! period (`?linje=…&periode=…#registrer-titel`); a done one to the recorded actuals. In
//! the current year a first column lists what is still overdue from earlier years.

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use gevinst_app::measurements::{MeasurementTask, TaskState};
use gevinst_app::potentials::TenantLists;
use gevinst_domain::danish::format_date;
use gevinst_domain::programme::{Period, MAX_YEAR, MIN_YEAR};
use gevinst_domain::{Permission, PotentialId, UnitId, UserId};
use std::collections::BTreeMap;

const MONTHS: [(&str, &str); 12] = [
    ("Jan", "Januar"),
    ("Feb", "Februar"),
    ("Mar", "Marts"),
    ("Apr", "April"),
    ("Maj", "Maj"),
    ("Jun", "Juni"),
    ("Jul", "Juli"),
    ("Aug", "August"),
    ("Sep", "September"),
    ("Okt", "Oktober"),
    ("Nov", "November"),
    ("Dec", "December"),
];

/// One measurement in a cell.
struct Item {
    href: String,
    state: &'static str,
    label: &'static str,
    period: String,
    due: String,
}

/// One benefit: its row of cells (earlier years first, then the 12 months).
struct Row {
    potential: i64,
    title: String,
    benefit: String,
    owner: String,
    unit: String,
    earlier: Vec<Item>,
    months: Vec<Vec<Item>>,
}

/// An `<option>`.
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "aarshjul.html")]
struct AarshjulPage {
    layout: Layout,
    year: i32,
    previous: Option<i32>,
    next: Option<i32>,
    all: bool,
    owners: Vec<Opt>,
    units: Vec<Opt>,
    states: Vec<Opt>,
    filtered: bool,
    rows: Vec<Row>,
    months: Vec<(&'static str, &'static str, bool)>,
    with_earlier: bool,
    overdue_count: usize,
    due_count: usize,
    done_count: usize,
}

/// The filters as given in the query; unknown values are ignored.
#[derive(Default)]
struct Filters {
    year: Option<i32>,
    owner: Option<UserId>,
    unit: Option<UnitId>,
    state: Option<TaskState>,
}

impl Filters {
    fn parse(query: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> = query
            .and_then(|q| serde_urlencoded::from_str(q).ok())
            .unwrap_or_default();
        let mut f = Filters::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "aar" => f.year = v.parse().ok().filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y)),
                "ejer" => f.owner = v.parse().ok().map(UserId),
                "enhed" => f.unit = v.parse().ok().map(UnitId),
                "status" => f.state = TaskState::parse(v),
                _ => {}
            }
        }
        f
    }
}

fn item(t: &MeasurementTask) -> Item {
    let href = match t.state {
        TaskState::Done => format!("/potentialer/{}/gevinstplan#maalinger", t.potential_id.0),
        TaskState::Due | TaskState::Overdue => record_href(t.potential_id, t.line, t.period),
    };
    Item {
        href,
        state: t.state.as_str(),
        label: t.state.label(),
        period: t.period.label(),
        due: format_date(t.due),
    }
}

/// The period as the form's field accepts it: `2026` or `2026-K2`.
fn period_param(p: Period) -> String {
    p.short()
}

/// Where one measurement is recorded: the plan page's form, pre-filled with the benefit
/// (its line) and the period. The årshjul and the front page's task list link here.
pub(crate) fn record_href(potential: PotentialId, line: usize, period: Period) -> String {
    format!(
        "/potentialer/{}/gevinstplan?linje={}&periode={}#registrer-titel",
        potential.0,
        line,
        period_param(period)
    )
}

fn rows(tasks: &[MeasurementTask], year: i32, lists: &TenantLists) -> Vec<Row> {
    let mut by_benefit: BTreeMap<(String, PotentialId, usize), Row> = BTreeMap::new();
    for t in tasks {
        let row = by_benefit
            .entry((t.title.clone(), t.potential_id, t.line))
            .or_insert_with(|| Row {
                potential: t.potential_id.0,
                title: t.title.clone(),
                benefit: t.label.clone(),
                owner: lists
                    .user_name(t.owner)
                    .unwrap_or("Ingen gevinstejer")
                    .to_owned(),
                unit: lists.units.display_path(t.unit_id),
                earlier: Vec::new(),
                months: (0..12).map(|_| Vec::new()).collect(),
            });
        if t.due.year() < year {
            row.earlier.push(item(t));
        } else {
            row.months[t.due.month0() as usize].push(item(t));
        }
    }
    by_benefit.into_values().collect()
}

/// `GET /aarshjul`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let app = &state.app;
    let p = &who.principal;
    let today = chrono::Utc::now().date_naive();
    let f = Filters::parse(query.as_deref());
    let year = f.year.unwrap_or(today.year());
    let current_year = year == today.year();
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    // In the current year, what is still overdue from earlier years comes first.
    let from = if current_year { NaiveDate::MIN } else { start };
    let lists = app.potentials().lists(p).await?;
    let all_tasks = app
        .programmes()
        .measurement_tasks(p, from, end, today)
        .await?;
    let tasks: Vec<MeasurementTask> = all_tasks
        .iter()
        .filter(|t| t.due >= start || t.state == TaskState::Overdue)
        .filter(|t| f.owner.is_none_or(|o| t.owner == Some(o)))
        .filter(|t| {
            f.unit
                .is_none_or(|u| lists.units.subtree(u).contains(&t.unit_id))
        })
        .cloned()
        .collect();
    let count = |s: TaskState| tasks.iter().filter(|t| t.state == s).count();
    let (overdue_count, due_count, done_count) = (
        count(TaskState::Overdue),
        count(TaskState::Due),
        count(TaskState::Done),
    );
    let shown: Vec<MeasurementTask> = tasks
        .into_iter()
        .filter(|t| f.state.is_none_or(|s| t.state == s))
        .collect();
    let rows = rows(&shown, year, &lists);
    let all = p.actor.may_tenant_wide(Permission::ManagePortfolio);
    let mut owner_ids: Vec<UserId> = all_tasks.iter().filter_map(|t| t.owner).collect();
    owner_ids.sort_by_key(|u| u.0);
    owner_ids.dedup();
    let mut owners: Vec<Opt> = owner_ids
        .into_iter()
        .map(|u| Opt {
            value: u.0.to_string(),
            label: lists.user_name(Some(u)).unwrap_or("ukendt").to_owned(),
            selected: f.owner == Some(u),
        })
        .collect();
    owners.sort_by(|a, b| a.label.cmp(&b.label));
    let units = lists
        .units
        .flatten()
        .into_iter()
        .map(|(depth, u)| Opt {
            value: u.id.0.to_string(),
            label: format!("{}{}", "– ".repeat(depth), u.name),
            selected: f.unit == Some(u.id),
        })
        .collect();
    let states = TaskState::ALL
        .into_iter()
        .map(|s| Opt {
            value: s.as_str().to_owned(),
            label: s.label().to_owned(),
            selected: f.state == Some(s),
        })
        .collect();
    let with_earlier = rows.iter().any(|r| !r.earlier.is_empty());
    let page = AarshjulPage {
        layout: Layout::new(&who, format!("Årshjul {year}"), "aarshjul"),
        year,
        previous: (year > MIN_YEAR).then_some(year - 1),
        next: (year < MAX_YEAR).then_some(year + 1),
        all,
        owners,
        units,
        states,
        filtered: f.owner.is_some() || f.unit.is_some() || f.state.is_some(),
        rows,
        months: MONTHS
            .iter()
            .enumerate()
            .map(|(i, (short, long))| (*short, *long, current_year && i as u32 == today.month0()))
            .collect(),
        with_earlier,
        overdue_count,
        due_count,
        done_count,
    };
    Ok(Page(page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_from_the_query() {
        let f = Filters::parse(Some("aar=2025&ejer=7&enhed=3&status=overdue"));
        assert_eq!(f.year, Some(2025));
        assert_eq!(f.owner, Some(UserId(7)));
        assert_eq!(f.unit, Some(UnitId(3)));
        assert_eq!(f.state, Some(TaskState::Overdue));
        let f = Filters::parse(Some("aar=abc&status=maybe&ejer="));
        assert!(f.year.is_none() && f.state.is_none() && f.owner.is_none());
        assert!(Filters::parse(Some("aar=99999")).year.is_none());
    }

    #[test]
    fn periods_as_the_form_reads_them() {
        assert_eq!(period_param(Period::of_year(2026).unwrap()), "2026");
        assert_eq!(
            period_param(Period::of_quarter(2026, 2).unwrap()),
            "2026-K2"
        );
    }
}
