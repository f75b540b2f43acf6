//! The Monday route (issue 11, "Done when"), one browser test per demo role, in headless
//! Chromium at 1366×900 on the demo data (see `browser.rs` for how it is run and skipped):
//!
//! 1. the front page;
//! 2. a drill-down: click a figure, land on the list or page behind it, and find the same
//!    figure there;
//! 3. the list with money columns and totals ([`list_story`]);
//! 4. edit a business case in the grid editor ([`add_saving_line`],
//!    [`create_case_with_keyboard`]);
//! 5. record a measurement from the årshjul ([`open_from_aarshjul`], [`submit_amount`]);
//! 6. back to the front page, which shows the change.
//!
//! A role that may not do a step is not offered it (the test asserts the absence), and the
//! direct request gives the Danish 403 page; the route then goes on with the next step.
//! axe-core (WCAG 2.1 A and AA, `axe.rs`) checks the page at every step and expects zero
//! violations. The læser may change nothing, so a porteføljeleder records a measurement
//! meanwhile, and the læser's front page shows it.

use crate::axe::{Axe, Res};
use crate::browser::{browser, change_status, finish, shot, wait_body, webdriver_url};
use crate::browser_bc_editor::{add_saving_line, create_case_with_keyboard};
use crate::browser_list::{list_story, login_with};
use crate::browser_measure::{open_from_aarshjul, submit_amount};
use crate::helpers::{post_text, spawn_app, try_login, TestApp};
use fantoccini::{Client, Locator};
use gevinst_domain::Role;
use std::time::Instant;

/// What the route needs to know about the demo.
struct Demo {
    slug: String,
    password: String,
    /// (e-mail, role label) of the demo users.
    logins: Vec<(String, String)>,
    /// The demo programme.
    programme: i64,
    /// A decided potential of the programme with a benefit plan owned by the leder, in
    /// the leder's (and the digital agent's) units.
    planned: i64,
    /// The business-case line of its first benefit the leder owns.
    line: usize,
    /// Its unit, to filter the årshjul by.
    unit: i64,
    /// A period of its plan that is due this year and not measured yet (`2026-K3`).
    period: String,
    /// The year of that period's due date.
    due_year: i32,
}

impl Demo {
    fn email(&self, role: Role) -> &str {
        self.logins
            .iter()
            .find(|(_, label)| label.starts_with(role.label()))
            .map(|(e, _)| e.as_str())
            .unwrap_or_else(|| panic!("no demo {role:?}"))
    }
}

/// Loads the demo into the empty database of `app` and finds what the route uses.
async fn load(app: &TestApp) -> Demo {
    let report = gevinst_demo::load_demo(&*app.store)
        .await
        .expect("demo")
        .expect("empty database");
    let store = &app.store;
    let tenant = store.tenant_by_slug(&report.tenant_slug).await.expect("t");
    let programme = store.list_programmes(tenant.id).await.expect("programmes")[0].id;
    let in_programme = store
        .programme(tenant.id, programme)
        .await
        .expect("programme")
        .programme
        .potentials;
    let users = store.list_users(tenant.id).await.expect("users");
    let leder = users.iter().find(|u| u.role == Role::Leder).expect("leder");
    let measured: Vec<_> = store
        .list_tenant_actuals(tenant.id)
        .await
        .expect("actuals")
        .into_iter()
        .map(|a| (a.potential_id, a.actual.period))
        .collect();
    let today = chrono::Utc::now().date_naive();
    let mut found = None;
    for stored in store.list_benefit_plans(tenant.id).await.expect("plans") {
        let p = store
            .potential(tenant.id, stored.potential_id)
            .await
            .expect("potential");
        let owned = stored
            .plan
            .benefits
            .iter()
            .find(|b| b.owner == Some(leder.id));
        let Some(line) = owned.map(|b| b.line) else {
            continue;
        };
        if !leder.units.contains(&p.unit_id) || !in_programme.contains(&p.id) {
            continue;
        }
        let due = stored.plan.due_dates().into_iter().find(|(period, due)| {
            chrono::Datelike::year(due) == chrono::Datelike::year(&today)
                && !measured.contains(&(p.id, *period))
        });
        if let Some((period, due)) = due {
            found = Some((p.id.0, line, p.unit_id.0, period.short(), due));
            break;
        }
    }
    let (planned, line, unit, period, due) =
        found.expect("a planned potential of the leder with a measurement due this year");
    Demo {
        slug: report.tenant_slug.clone(),
        password: report.password.clone(),
        logins: report.logins.clone(),
        programme: programme.0,
        planned,
        line,
        unit,
        period,
        due_year: chrono::Datelike::year(&due),
    }
}

/// Runs axe-core in the page and fails on any WCAG 2.1 A/AA violation; hands back the
/// seconds it took.
async fn accessible(axe: &Axe, c: &Client, step: &str) -> Res<f64> {
    let started = Instant::now();
    let check = axe.check(c).await?;
    if !check.violations.is_empty() {
        return Err(format!("{step}: axe found {:#?}", check.violations).into());
    }
    Ok(started.elapsed().as_secs_f64())
}

/// The text of the first element at `css`.
async fn text_of(c: &Client, css: &str) -> Res<String> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

/// How many elements match `css`.
async fn count(c: &Client, css: &str) -> Res<usize> {
    Ok(c.find_all(Locator::Css(css)).await?.len())
}

/// POSTs `fields` to `path` from the page, with its session and CSRF token, as a page
/// that offered the action would; hands back the status and the body.
async fn post_from_page(c: &Client, path: &str, fields: &[(&str, &str)]) -> Res<(u64, String)> {
    let fields: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    let out = c
        .execute_async(
            "const [path, fields, done] = arguments;\
             const body = new URLSearchParams(fields);\
             body.set('_csrf', document.querySelector('input[name=_csrf]').value);\
             fetch(path, { method: 'POST', body, credentials: 'same-origin', redirect: 'manual' })\
               .then(r => r.text().then(t => done([r.status, t])))\
               .catch(e => done([0, String(e)]));",
            vec![path.into(), fields.into()],
        )
        .await?;
    Ok((
        out[0].as_u64().unwrap_or(0),
        out[1].as_str().unwrap_or_default().to_owned(),
    ))
}

/// Asserts that the direct request is refused with the Danish 403 page.
async fn refused(c: &Client, path: &str, fields: &[(&str, &str)]) -> Res {
    let (status, body) = post_from_page(c, path, fields).await?;
    if status != 403
        || !body.contains("Ingen adgang")
        || !body.contains("Din rolle giver ikke adgang til at gøre dette.")
    {
        return Err(format!("POST {path}: expected the Danish 403, got {status}").into());
    }
    Ok(())
}

/// What the front page shows that the route changes, per role.
async fn front_marks(c: &Client, role: Role, d: &Demo) -> Res<Vec<String>> {
    Ok(match role {
        Role::Admin | Role::Portefoljeleder => vec![
            text_of(c, &format!("#forside-{}-kr", d.programme)).await?,
            text_of(c, "#nye-maalinger h3").await?,
        ],
        Role::Leder => vec![text_of(c, "#opgaver-titel").await?],
        Role::DigitalAgent => vec![text_of(c, "#uden-bc-titel").await?],
        Role::Laeser => vec![text_of(c, &format!("#forside-{}-kr", d.programme)).await?],
    })
}

/// Step 2: click a figure on the front page and find the same figure behind it.
async fn drill_down(c: &Client, role: Role, d: &Demo) -> Res {
    match role {
        Role::Admin | Role::Portefoljeleder | Role::Laeser => {
            // The realised figure of this year, to the programme page's year table.
            let id = d.programme;
            let css = format!("#forside-{id}-kr tr.row-realised td a");
            let figure = text_of(c, &css).await?;
            let year = text_of(c, &format!("#forside-{id}-kr thead th.num")).await?;
            let year = year[..4].to_owned();
            c.find(Locator::Css(&css)).await?.click().await?;
            wait_body(c, "År for år").await?;
            let url = c.current_url().await?;
            assert!(url.as_str().ends_with(&format!("/programmer/{id}#aar-kr")));
            let there = c
                .execute(
                    "const [year] = arguments;\
                     const t = document.getElementById('aar-kr');\
                     const col = [...t.querySelectorAll('thead th')].findIndex(h => h.textContent.trim() === year);\
                     const row = [...t.querySelectorAll('tbody tr')].find(r => r.querySelector('th').textContent.trim() === 'Realiseret');\
                     return row.children[col].textContent.trim();",
                    vec![year.clone().into()],
                )
                .await?;
            assert_eq!(there.as_str(), Some(figure.as_str()), "realised {year}");
        }
        Role::Leder => {
            // A count of my units' potentials by status, to the list it counts.
            let css = "table.unit-statuses td a";
            let cells = c.find_all(Locator::Css(css)).await?;
            let mut clicked = None;
            for cell in cells {
                let n = cell.text().await?;
                if n != "0" {
                    cell.click().await?;
                    clicked = Some(n);
                    break;
                }
            }
            let n = clicked.ok_or("no potentials in the leder's units")?;
            wait_body(c, "matcher filtrene").await?;
            assert_eq!(text_of(c, "#antal strong").await?, n);
        }
        Role::DigitalAgent => {
            // The folded counts: the first figure, to the list it counts.
            c.find(Locator::Css(".front-counts summary"))
                .await?
                .click()
                .await?;
            let value = text_of(c, "ul.figures .figure-value").await?;
            c.find(Locator::Css("ul.figures a")).await?.click().await?;
            wait_body(c, "potentialer").await?;
            assert_eq!(text_of(c, "#antal strong").await?, value);
        }
    }
    Ok(())
}

/// Step 4: edit a business case in the grid, or find it not offered.
async fn edit_case(c: &Client, app: &TestApp, role: Role, d: &Demo) -> Res {
    match role {
        Role::Admin | Role::Portefoljeleder | Role::Leder => {
            let page = format!("/potentialer/{}/business-case", d.planned);
            c.goto(&app.url(&page)).await?;
            wait_body(c, "Rediger business case").await?;
            add_saving_line(c, "Mandag: porto", "100.000", true).await?;
        }
        Role::DigitalAgent => {
            // A potential of mine without a business case: move it on to *business case*
            // (a step I may take), and create the case in the grid.
            c.goto(&app.url("/")).await?;
            c.find(Locator::Css("#uden-business-case li a"))
                .await?
                .click()
                .await?;
            wait_body(c, "Potentialet har endnu ingen business case.").await?;
            let url = c.current_url().await?;
            let potential = url.path().trim_end_matches("/business-case").to_owned();
            c.goto(&app.url(&potential)).await?;
            change_status(c, "business_case", None, "Business case").await?;
            c.goto(&app.url(&format!("{potential}/business-case")))
                .await?;
            wait_body(c, "Opret business case").await?;
            create_case_with_keyboard(c).await?;
        }
        Role::Laeser => {
            let page = format!("/potentialer/{}/business-case", d.planned);
            c.goto(&app.url(&page)).await?;
            wait_body(c, "Nutidsværdi").await?;
            assert_eq!(count(c, "form#business-case-form").await?, 0, "no editor");
            assert_eq!(count(c, "button[value='add_line']").await?, 0);
            refused(c, &page, &[("action", "save"), ("version", "1")]).await?;
        }
    }
    Ok(())
}

/// Step 5: record a measurement from the årshjul, or find it not offered.
/// Hands back the seconds axe took on the form.
async fn measure(c: &Client, (app, axe): (&TestApp, &Axe), role: Role, d: &Demo) -> Res<f64> {
    let mut axe_seconds = 0.0;
    let record = format!("/potentialer/{}/gevinstplan/maaling", d.planned);
    let link = format!("/potentialer/{}/gevinstplan?linje=", d.planned);
    match role {
        Role::Admin | Role::Portefoljeleder | Role::Leder => {
            let filters = format!("&enhed={}", d.unit);
            c.goto(&app.url(&format!("/aarshjul?aar={}{filters}", d.due_year)))
                .await?;
            wait_body(c, "Årshjul").await?;
            // The first open measurement of the period.
            let href = c
                .execute(
                    "const [start, period] = arguments;\
                     const a = [...document.querySelectorAll('#aarshjul a.task-overdue, #aarshjul a.task-due')]\
                       .find(a => a.getAttribute('href').startsWith(start) && a.getAttribute('href').includes('periode=' + period + '#'));\
                     return a ? a.getAttribute('href') : null;",
                    vec![link.clone().into(), d.period.clone().into()],
                )
                .await?;
            let href = href
                .as_str()
                .ok_or_else(|| format!("no open measurement {} in the årshjul", d.period))?
                .to_owned();
            open_from_aarshjul(c, app, (d.due_year, &filters), &href).await?;
            axe_seconds = accessible(axe, c, "the measurement form").await?;
            // A quantity the benefit measures, small (a large one would wait for
            // approval and not count yet): 10 kr. or hours, or 0,01 årsværk.
            let field = c
                .execute(
                    "const ids = [...document.querySelectorAll('form.measure-form > div.field input:not(#period)')].map(i => i.id);\
                     return ids.find(i => i === 'kr') || ids.find(i => i === 'hours') || ids[0];",
                    vec![],
                )
                .await?;
            let field = field.as_str().unwrap_or("kr").to_owned();
            let amount = if field == "fte" { "0,01" } else { "10" };
            submit_amount(c, &field, amount).await?;
            wait_body(c, "Målingen er registreret.").await?;
        }
        Role::DigitalAgent | Role::Laeser => {
            c.goto(&app.url("/aarshjul")).await?;
            wait_body(c, "Årshjul").await?;
            let offered = c
                .execute(
                    "return [...document.querySelectorAll('#aarshjul a.task-overdue, #aarshjul a.task-due')].length;",
                    vec![],
                )
                .await?;
            assert_eq!(offered.as_u64(), Some(0), "no measurement to record");
            refused(
                c,
                &record,
                &[
                    ("line", &d.line.to_string()),
                    ("period", &d.period),
                    ("kr", "10"),
                ],
            )
            .await?;
        }
    }
    Ok(axe_seconds)
}

/// The læser may change nothing: a porteføljeleder records a measurement of the planned
/// potential meanwhile (as an extra one, so it never asks about a duplicate).
async fn someone_records(app: &TestApp, d: &Demo) {
    let (pl, csrf) = try_login(
        app,
        &d.slug,
        d.email(Role::Portefoljeleder),
        &d.password,
        "/",
    )
    .await
    .expect("porteføljeleder login");
    let (status, _) = post_text(
        &pl,
        app,
        &format!("/potentialer/{}/gevinstplan/maaling", d.planned),
        &[
            ("_csrf", &csrf),
            ("line", &d.line.to_string()),
            ("period", &d.period),
            ("kr", "10"),
            ("intent", "additional"),
        ],
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::SEE_OTHER, "recorded");
}

/// The whole route for `role`, with axe at every step; prints each step's seconds.
async fn monday(c: &Client, app: &TestApp, axe: &Axe, role: Role, d: &Demo) -> Res {
    let started = Instant::now();
    let mut steps: Vec<(&str, f64)> = Vec::new();
    let lap = |name, steps: &mut Vec<(&str, f64)>| {
        steps.push((name, started.elapsed().as_secs_f64()));
    };
    let mut axe_seconds = 0.0;
    Axe::prepare(c).await?;
    c.set_window_size(1366, 900).await?;
    login_with(c, app, &d.slug, d.email(role), &d.password).await?;

    // 1. The front page.
    c.goto(&app.url("/")).await?;
    wait_body(c, "Oversigt").await?;
    axe_seconds += accessible(axe, c, "the front page").await?;
    let before = front_marks(c, role, d).await?;
    shot(c, &format!("mandag-{}-1-forside", role.as_str())).await?;
    lap("front page", &mut steps);

    // 2. A drill-down.
    drill_down(c, role, d).await?;
    axe_seconds += accessible(axe, c, "the drill-down").await?;
    lap("drill-down", &mut steps);

    // 3. The list with money columns and totals.
    list_story(c, app).await?;
    axe_seconds += accessible(axe, c, "the list").await?;
    lap("list", &mut steps);

    // 4. A business case in the grid.
    edit_case(c, app, role, d).await?;
    axe_seconds += accessible(axe, c, "the business case").await?;
    shot(c, &format!("mandag-{}-4-business-case", role.as_str())).await?;
    lap("business case", &mut steps);

    // 5. A measurement from the årshjul.
    axe_seconds += measure(c, (app, axe), role, d).await?;
    axe_seconds += accessible(axe, c, "after the measurement").await?;
    lap("measurement", &mut steps);

    // 6. The front page shows the change.
    if role == Role::Laeser {
        someone_records(app, d).await;
    }
    c.goto(&app.url("/")).await?;
    wait_body(c, "Oversigt").await?;
    axe_seconds += accessible(axe, c, "the front page again").await?;
    let after = front_marks(c, role, d).await?;
    shot(c, &format!("mandag-{}-6-forside", role.as_str())).await?;
    for (b, a) in before.iter().zip(&after) {
        if a == b {
            return Err(format!("the front page did not change: {a}").into());
        }
    }
    lap("front page again", &mut steps);
    println!(
        "Monday route as {}: seconds since the start after each step {steps:?}, of which axe {axe_seconds:.1}",
        role.as_str()
    );
    Ok(())
}

/// Runs the Monday route for `role` on a fresh demo.
async fn run(role: Role) {
    let Some(url) = webdriver_url() else { return };
    let Some(axe) = Axe::from_env() else { return };
    let app = spawn_app().await;
    let demo = load(&app).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = monday(&c, &app, &axe, role, &demo).await;
    finish(c, result, &format!("the Monday route as {}", role.as_str())).await;
}

#[tokio::test]
async fn monday_route_as_admin() {
    run(Role::Admin).await;
}

#[tokio::test]
async fn monday_route_as_portfolio_manager() {
    run(Role::Portefoljeleder).await;
}

#[tokio::test]
async fn monday_route_as_leder() {
    run(Role::Leder).await;
}

#[tokio::test]
async fn monday_route_as_digital_agent() {
    run(Role::DigitalAgent).await;
}

#[tokio::test]
async fn monday_route_as_reader() {
    run(Role::Laeser).await;
}
