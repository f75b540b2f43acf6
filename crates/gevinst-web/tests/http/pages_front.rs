//! The front page per role (issue 11, §1): the porteføljeleder's and the admin's steering
//! page (programme figures equal to the programme page's, the cached forecast only, the
//! traffic lights, the week's changes), the leder's tasks, plans and units, the digital
//! agent's ideas and potentials without a business case, and the læser's summary.

use crate::helpers::{
    add_user, get_text, login_role, post_form, row_cells, seed_programme, seed_tenant, spawn_app,
    spawn_app_with_forecasts, AllowAll, ProgrammeFixture, SeededTenant, TestApp,
};
use gevinst_domain::{PotentialDraft, Role, Status};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The text of an HTML fragment without its tags, no-break spaces read as spaces.
pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            '\u{a0}' if !in_tag => out.push(' '),
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A page's HTML with `&` unescaped in attributes (askama writes `&#38;`), for matching
/// links.
async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let (status, html) = get_text(client, app, path).await;
    (status, html.replace("&#38;", "&").replace("&amp;", "&"))
}

/// The part of `html` from the element with `id` on.
fn from_id<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("id=\"{id}\"");
    html.find(&needle)
        .map(|at| &html[at..])
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// The part of `html` from the element with `id` to the end of the section it opens.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let rest = from_id(html, id);
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The cells (as text) of the row headed `label` in the table with `id`.
fn cells(html: &str, id: &str, label: &str) -> Vec<String> {
    let rest = from_id(html, id);
    let table = &rest[..rest.find("</table>").unwrap_or(rest.len())];
    row_cells(table, label).iter().map(|c| text(c)).collect()
}

/// The years of the front page's figure table `id`, from its column headers
/// ("2026 (i år)", "2027 (frist)").
fn header_years(html: &str, id: &str) -> Vec<i32> {
    let rest = from_id(html, id);
    let head = &rest[..rest.find("</thead>").unwrap_or(rest.len())];
    head.split("<th scope=\"col\" class=\"num\">")
        .skip(1)
        .map(|h| h[..4].parse().expect("a year"))
        .collect()
}

/// Asserts that every figure of the front page's tables for programme `id` is the same
/// text as the programme page's cell for that year.
async fn assert_figures_equal_programme_page(
    client: &reqwest::Client,
    app: &TestApp,
    front: &str,
    id: i64,
) {
    let (status, page) = get_text(client, app, &format!("/programmer/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let first_year: i32 = {
        let head = from_id(&page, "aar-kr");
        let at = head
            .find("<th scope=\"col\" class=\"num\">")
            .expect("year header")
            + "<th scope=\"col\" class=\"num\">".len();
        head[at..at + 4].parse().expect("year")
    };
    let mut compared = 0;
    for (front_id, page_id, labels) in [
        (
            format!("forside-{id}-kr"),
            "aar-kr",
            &["Mål", "Besluttet", "Realiseret", "Hjemtaget"][..],
        ),
        (
            format!("forside-{id}-aarsvaerk"),
            "aar-aarsvaerk",
            &["Mål", "Besluttet", "Realiseret"][..],
        ),
    ] {
        let years = header_years(front, &front_id);
        assert!(!years.is_empty(), "{front_id} has years");
        for label in labels {
            let on_front = cells(front, &front_id, label);
            let on_page = cells(&page, page_id, label);
            assert_eq!(on_front.len(), years.len(), "{front_id} {label}");
            for (y, value) in years.iter().zip(&on_front) {
                let i = usize::try_from(y - first_year).expect("year in period");
                assert_eq!(
                    Some(value),
                    on_page.get(i),
                    "{label} {y}: front page and programme page differ"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "compared {compared} figures");
}

async fn setup() -> (TestApp, SeededTenant, ProgrammeFixture) {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "front").await;
    let f = seed_programme(&app.store, &t).await;
    (app, t, f)
}

/// Records a 2026 actual of 50.000 kr. (20.000 kr. harvested) on the fixture's benefit 1,
/// as its owner.
async fn record_2026(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) {
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{}/actuals", f.potential),
            &json!({
                "line": 1, "period": {"year": 2026}, "kr": "50000", "harvested": "20000",
                "budget_reference": "Budget 2026", "harvested_on": "2026-06-01",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// A potential in `unit` with `status`, created directly in the store.
async fn add_potential(
    app: &TestApp,
    t: &SeededTenant,
    title: &str,
    unit: gevinst_domain::UnitId,
    status: Status,
) -> i64 {
    let draft = PotentialDraft {
        title: title.into(),
        description: "Beskrivelse.".into(),
        unit_id: Some(unit),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid");
    app.store
        .create_potential(t.tenant.id, None, &valid, status, None)
        .await
        .expect("create")
        .id
        .0
}

#[tokio::test]
async fn portfolio_front_page_has_the_programme_pages_figures_and_no_forecast_run() {
    let (app, t, f) = setup().await;
    record_2026(&app, &t, &f).await;
    let (pl, _) = login_role(&app, "front", Role::Portefoljeleder).await;
    let (status, html) = get_text(&pl, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Oversigt</h1>"));
    let id = f.programme.0;
    assert!(html.contains(&format!(
        "<a href=\"/programmer/{id}\">Digitalisering 2025–2027</a>"
    )));
    assert_figures_equal_programme_page(&pl, &app, &html, id).await;
    // Every figure links to the programme page's table behind it.
    assert!(html.contains(&format!(
        "<a href=\"/programmer/{id}#aar-kr\">50.000\u{a0}kr.</a>"
    )));
    // The gap to the target in words, not a sign.
    let gaps = cells(&html, &format!("forside-{id}-kr"), "Realiseret mod mål");
    assert_eq!(gaps.last().map(String::as_str), Some("100.000 kr. bagud"));
    // A traffic light per share of the key: Teknik og Miljø has no potentials at all.
    let lights = &html[html.find("Trafiklys pr. forvaltning").expect("lights")..];
    let other = &lights[lights
        .find(&format!(
            "<a href=\"/potentialer?unit={}\">Teknik og Miljø</a>",
            t.other.id
        ))
        .expect("Teknik og Miljø links to its list")..];
    let row = &other[..other.find("</tr>").expect("row end")];
    assert!(row.contains("light-red") && row.contains("Rød: ikke dækket af planen"));

    // No forecast was computed: the page says so, and so does the programme page.
    assert!(html.contains("beregnes …"));
    assert!(html.contains(&format!("data-prognose=\"/forside/prognose/{id}\"")));
    assert!(html.contains("<script src=\"/assets/front.js\" defer></script>"));
    let (_, page) = get_text(&pl, &app, &format!("/programmer/{id}")).await;
    assert!(page.contains("Prognosen er ikke beregnet"));

    // The fragment computes it; then both pages show it without computing again.
    let (status, fragment) = get_text(&pl, &app, &format!("/forside/prognose/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        fragment.contains("Målet på 100.000 kr. i 2027: "),
        "{fragment}"
    );
    assert!(
        fragment.contains("Målet på 0,50 årsværk i 2027: "),
        "{fragment}"
    );
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    let (_, html) = get_text(&pl, &app, "/").await;
    assert!(html.contains("Sandsynligheden for at nå målene ifølge prognosen"));
    assert!(!html.contains("data-prognose"));
    assert!(!html.contains("front.js"));
    let (_, page) = get_text(&pl, &app, &format!("/programmer/{id}")).await;
    assert!(!page.contains("Prognosen er ikke beregnet"));

    let js = app
        .client
        .get(app.url("/assets/front.js"))
        .send()
        .await
        .expect("script");
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.text().await.expect("body").contains("data-prognose"));
}

#[tokio::test]
async fn the_forecast_button_works_without_javascript_and_stays_in_the_tenant() {
    let (app, t, f) = setup().await;
    let other = seed_tenant(&app.store, "anden").await;
    let theirs = seed_programme(&app.store, &other).await;
    let (pl, csrf) = login_role(&app, "front", Role::Portefoljeleder).await;
    let id = f.programme.0;
    let res = post_form(
        &pl,
        &app,
        &format!("/forside/prognose/{id}"),
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"].to_str().expect("location"),
        format!("/#program-{id}")
    );
    let (_, html) = get_text(&pl, &app, "/").await;
    assert!(html.contains("Sandsynligheden for at nå målene ifølge prognosen"));
    // Without the CSRF token nothing is computed.
    let res = post_form(&pl, &app, &format!("/forside/prognose/{id}"), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Another tenant's programme is not found, whichever way it is asked for.
    let theirs = theirs.programme.0;
    let (status, _) = get_text(&pl, &app, &format!("/forside/prognose/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = post_form(
        &pl,
        &app,
        &format!("/forside/prognose/{theirs}"),
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, _) = get_text(&pl, &app, "/forside/prognose/abc").await;
    assert!(status.is_client_error(), "{status}");
    assert!(!html.contains("anden"), "only the own tenant's programmes");
    let _ = t;
}

#[tokio::test]
async fn portfolio_sees_what_changed_since_last_week_in_its_own_tenant() {
    let (app, t, f) = setup().await;
    let other = seed_tenant(&app.store, "nabo").await;
    record_2026(&app, &t, &f).await;
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Admin),
            &format!("/api/v1/potentials/{}/status", t.potential.id.0),
            &json!({"status": "vurderet", "version": t.potential.version}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (admin, _) = login_role(&app, "front", Role::Admin).await;
    let (status, html) = page(&admin, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let week = section(&html, "siden-sidste-uge");
    assert!(week.contains("Siden sidste uge"));
    let new = section(&html, "nye-potentialer");
    assert!(
        new.contains("Nye potentialer: <a href=\"/potentialer?sort=created&order=desc\">2</a>"),
        "{new}"
    );
    assert!(new.contains("Robot til journalisering"));
    let changes = section(&html, "statusskift");
    assert!(
        changes.contains(&format!(
            "<a href=\"/potentialer/{}\">Skærmbesøg i front</a>",
            t.potential.id.0
        )),
        "{changes}"
    );
    assert!(changes.contains("Idé → Vurderet"), "{changes}");
    let actuals = section(&html, "nye-maalinger");
    assert!(actuals.contains(&format!(
        "<a href=\"/potentialer/{}/gevinstplan#maalinger\">Robot til journalisering</a>",
        f.potential.0
    )));
    assert!(actuals.contains("2026, registreret"));
    assert!(
        !html.contains(&other.potential.title),
        "no other tenant's news"
    );
    // The counts are still there, folded.
    assert!(html.contains("<details>"));
    assert!(html.contains("Potentialer i alt"));
}

#[tokio::test]
async fn leder_sees_due_measurements_to_record_their_plans_and_their_units() {
    let (app, t, f) = setup().await;
    let (leder, _) = login_role(&app, "front", Role::Leder).await;
    let (status, html) = page(&leder, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let tasks = section(&html, "mine-maalinger");
    // The 2025 measurements were due on 31 December 2025: overdue, one click to record.
    assert!(tasks.contains("Overskredet"), "{tasks}");
    let record = format!("/potentialer/{}/gevinstplan?linje=", f.potential.0);
    assert!(tasks.contains(&record), "{tasks}");
    assert!(tasks.contains("&periode=2025#registrer-titel"), "{tasks}");
    assert!(tasks.contains(">Registrér<span class=\"visually-hidden\">"));
    let plans = section(&html, "mine-gevinstplaner");
    assert!(plans.contains(&format!(
        "<a href=\"/potentialer/{}/gevinstplan\">Robot til journalisering</a>",
        f.potential.0
    )));
    let units = section(&html, "mine-enheder");
    let unit = t.forvaltning.id.0;
    assert!(units.contains(&format!(
        "<a href=\"/potentialer?unit={unit}\">Social og Sundhed</a>"
    )));
    for (status, n) in [("ide", 1), ("besluttet", 1), ("vurderet", 0)] {
        let link = format!("/potentialer?status={status}&unit={unit}\">{n}</a>");
        assert!(units.contains(&link), "{status}: {units}");
    }
    assert!(!html.contains("Siden sidste uge"));
    assert!(!html.contains(&format!("id=\"program-{}\"", f.programme.0)));

    // Another leder owns nothing: no tasks, no plans.
    add_user(&app.store, &t, Role::Leder, "leder2").await;
    let (other, _) = app.login("front", "leder2@front.dk").await;
    let (_, html) = get_text(&other, &app, "/").await;
    assert!(html.contains("Du har ingen målinger, der forfalder."));
    assert!(html.contains("Du ejer ingen gevinster i en gevinstplan endnu."));
}

#[tokio::test]
async fn digital_agent_sees_ideas_and_potentials_without_a_business_case_in_their_units() {
    let (app, t, f) = setup().await;
    let assessed = add_potential(
        &app,
        &t,
        "Digital post til borgere",
        t.enhed.id,
        Status::Vurderet,
    )
    .await;
    add_potential(
        &app,
        &t,
        "Idé i en anden forvaltning",
        t.other.id,
        Status::Ide,
    )
    .await;
    add_potential(
        &app,
        &t,
        "Afvist uden business case",
        t.enhed.id,
        Status::Afvist,
    )
    .await;
    let (agent, _) = login_role(&app, "front", Role::DigitalAgent).await;
    let (status, html) = get_text(&agent, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let ideas = section(&html, "ideer");
    assert!(ideas.contains("Idéer, der venter på dig (1)"), "{ideas}");
    assert!(ideas.contains(&format!(
        "<a href=\"/potentialer/{}\">Skærmbesøg i front</a>",
        t.potential.id.0
    )));
    assert!(!ideas.contains("Idé i en anden forvaltning"));
    let without = section(&html, "uden-business-case");
    assert!(
        without.contains("Potentialer uden business case (1)"),
        "{without}"
    );
    assert!(without.contains(&format!(
        "<a href=\"/potentialer/{assessed}/business-case\">Digital post til borgere</a>"
    )));
    assert!(
        !without.contains("Robot til journalisering"),
        "it has a case"
    );
    assert!(!without.contains("Afvist"), "afvist is not planned");
    assert!(!html.contains("Mine målinger"));
    assert!(!html.contains(&format!("id=\"program-{}\"", f.programme.0)));
}

#[tokio::test]
async fn laeser_sees_the_programme_summary() {
    let (app, _t, f) = setup().await;
    let (laeser, _) = login_role(&app, "front", Role::Laeser).await;
    let (status, html) = get_text(&laeser, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let id = f.programme.0;
    assert!(html.contains(&format!("id=\"program-{id}\"")));
    assert_figures_equal_programme_page(&laeser, &app, &html, id).await;
    assert!(!html.contains("Siden sidste uge"));
    assert!(!html.contains("Mine målinger"));
    assert!(!html.contains("Idéer, der venter på dig"));
}

/// The demo programme (151 potentials, actuals in 2024 and 2025, milestones and two
/// distribution keys): the front page's figures are the programme page's.
#[tokio::test]
async fn front_page_figures_equal_the_programme_page_for_the_demo_programme() {
    let (app, _) = spawn_app_with_forecasts().await;
    let (pl, html, id) = crate::pages_lights::demo_front_page(&app).await;
    assert!(html.contains("Digitalisering og effektivisering 2024–2027"));
    assert_figures_equal_programme_page(&pl, &app, &html, id).await;
    assert!(html.contains("beregnes …"), "no forecast is run on load");
    assert!(html.contains("class=\"light light-"), "traffic lights");
    assert!(html.contains("Største afvigelser fra planen"));
    assert!(html.contains(" bagud</strong>"));
}
