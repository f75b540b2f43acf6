//! The potentials list as a spreadsheet (issue 11 §2): money columns and totals that agree
//! with the business-case page, Danish search folding and technology names, bulk actions
//! with per-row outcomes, and saved views per user and tenant. Runs on SQLite, and on
//! PostgreSQL with `GEVINST_HTTP_DATABASE=postgres`.

use crate::helpers::*;
use gevinst_domain::business_case::evaluate;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::format_kr;
use gevinst_domain::{
    EntityKind, PotentialDraft, PotentialId, PotentialQuery, Role, Status, TechnologyId,
};
use reqwest::StatusCode;
use std::collections::HashMap;

/// The `<tbody>` cells of the optional column `key`, by row id.
pub(crate) fn column(html: &str, key: &str) -> Vec<(i64, String)> {
    let body = html.split("<tfoot>").next().unwrap_or(html);
    body.split("<tr data-id=\"")
        .skip(1)
        .filter_map(|row| {
            let id: i64 = row.split('"').next()?.parse().ok()?;
            let marker = format!("data-col=\"{key}\"");
            let at = row.find(&marker)?;
            let cell = &row[at..];
            let text = cell.split('>').nth(1)?.split("</td").next()?;
            Some((id, text.to_owned()))
        })
        .collect()
}

/// The totals row's cell of column `key`.
pub(crate) fn total(html: &str, key: &str) -> Option<String> {
    let foot = html.split("<tfoot>").nth(1)?;
    let at = foot.find(&format!("data-col=\"{key}\""))?;
    Some(
        foot[at..]
            .split('>')
            .nth(1)?
            .split("</td")
            .next()?
            .to_owned(),
    )
}

/// The number of matches the list reports (`<strong>N</strong> potentialer`).
fn count(html: &str) -> u64 {
    let at = html.find("id=\"antal\"><strong>").expect("count") + "id=\"antal\"><strong>".len();
    html[at..]
        .split("</strong>")
        .next()
        .unwrap()
        .replace('.', "")
        .parse()
        .expect("count is a number")
}

/// "1.234.567 kr." → 1234567.
fn kr(text: &str) -> Decimal {
    text.trim_end_matches(" kr.")
        .replace('.', "")
        .replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not an amount: {text}"))
}

/// Loads the demo and logs in its porteføljeleder.
pub(crate) async fn demo(app: &TestApp) -> (reqwest::Client, gevinst_domain::Tenant) {
    let report = gevinst_demo::load_demo(&*app.store)
        .await
        .expect("demo")
        .expect("empty database");
    let email = report
        .logins
        .iter()
        .find(|(_, label)| label == Role::Portefoljeleder.label())
        .map(|(e, _)| e.clone())
        .expect("demo porteføljeleder");
    let (client, _) = try_login(app, &report.tenant_slug, &email, &report.password, "/")
        .await
        .expect("login");
    let tenant = app
        .store
        .list_tenants()
        .await
        .expect("tenants")
        .into_iter()
        .next()
        .expect("demo tenant");
    (client, tenant)
}

pub(crate) const ALL_COLUMNS: &str =
    "cols=npv,full_effect,hjemtagbar,fte,payback,investment,owner,agent";

#[tokio::test]
async fn demo_columns_totals_search_and_the_business_case_page_agree() {
    let app = spawn_app().await;
    let (client, tenant) = demo(&app).await;

    // "RPA" finds every potential of the technology RPA/softwarerobot (62 in the demo),
    // not just those that mention it in their text.
    let techs = app
        .store
        .list_catalogue(tenant.id, gevinst_testkit::store::Catalogue::Technologies)
        .await
        .unwrap();
    let rpa = techs
        .iter()
        .find(|t| t.name == "RPA/softwarerobot")
        .expect("RPA technology");
    let by_technology = app
        .store
        .list_potentials(
            tenant.id,
            &PotentialQuery {
                technology_id: Some(TechnologyId(rpa.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(by_technology, 62, "the demo's RPA potentials");
    let (_, page) = get_text(&client, &app, "/potentialer?q=RPA").await;
    assert!(count(&page) >= 62, "RPA finds at least its technology's 62");
    let (_, page) = get_text(&client, &app, "/potentialer?q=rpa&technology=").await;
    assert!(count(&page) >= 62);

    // Danish folding on the demo: written without æ/ø/å finds the same as with them.
    let (_, with) = get_text(&client, &app, "/potentialer?q=sk%C3%A6rmbes%C3%B8g").await;
    let (_, without) = get_text(&client, &app, "/potentialer?q=skaermbesoeg").await;
    assert!(count(&with) > 0, "the demo has skærmbesøg");
    assert_eq!(count(&with), count(&without));

    // Every column, all 331 rows on two pages; the totals are the exact sums, rounded
    // once, and within half a krone per row of the sum of the rounded rows.
    let mut npv_rows: Vec<(i64, String)> = Vec::new();
    let mut first = String::new();
    for page_no in 1..=2 {
        let (status, page) = get_text(
            &client,
            &app,
            &format!("/potentialer?{ALL_COLUMNS}&per_page=200&page={page_no}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        npv_rows.extend(column(&page, "npv"));
        if page_no == 1 {
            first = page;
        }
    }
    assert_eq!(npv_rows.len(), 331);
    let (economics, _) = app.store.economics(tenant.id).await.unwrap();
    let cases = app.store.list_business_cases(tenant.id).await.unwrap();
    let mut exact = HashMap::new();
    for c in &cases {
        exact.insert(c.potential_id, evaluate(&c.case, &economics).unwrap());
    }
    let exact_npv: Decimal = exact.values().map(|e| e.npv).sum();
    let exact_full: Decimal = exact.values().map(|e| e.full_effect).sum();
    assert_eq!(total(&first, "npv").unwrap(), format_kr(exact_npv));
    assert_eq!(total(&first, "full_effect").unwrap(), format_kr(exact_full));
    let shown: Decimal = npv_rows
        .iter()
        .filter(|(_, t)| t != "–")
        .map(|(_, t)| kr(t))
        .sum();
    let tolerance = Decimal::from(npv_rows.len()) / Decimal::from(2);
    assert!((shown - kr(&total(&first, "npv").unwrap())).abs() <= tolerance);
    assert!(first.contains(&format!(
        "I alt (331 potentialer, {} med business case)",
        cases.len()
    )));
    assert_eq!(
        npv_rows.iter().filter(|(_, t)| t != "–").count(),
        cases.len(),
        "a dash exactly where there is no business case"
    );

    // The list shows the same figures as the potential's business-case page.
    let with_case = cases.first().expect("a case").potential_id;
    let (_, list_row) = npv_rows
        .iter()
        .find(|(id, _)| *id == with_case.0)
        .expect("row of the case");
    let (_, bc) = get_text(
        &client,
        &app,
        &format!("/potentialer/{}/business-case", with_case.0),
    )
    .await;
    let e = &exact[&with_case];
    assert_eq!(list_row, &format_kr(e.npv));
    assert!(
        bc.contains(&format_kr(e.npv)),
        "the page shows the same NPV"
    );
    let full = column(&first, "full_effect");
    if let Some((_, text)) = full.iter().find(|(id, _)| *id == with_case.0) {
        assert_eq!(text, &format_kr(e.full_effect));
        assert!(bc.contains(text.as_str()));
    }

    // Sorting by NPV: largest first, potentials without a case last; then ascending.
    let (_, page) = get_text(&client, &app, "/potentialer?cols=npv&sort=npv&per_page=200").await;
    assert!(page.contains("aria-sort=\"descending\""));
    let values: Vec<Decimal> = column(&page, "npv")
        .iter()
        .filter(|(_, t)| t != "–")
        .map(|(_, t)| kr(t))
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "descending");
    let (_, page) = get_text(
        &client,
        &app,
        "/potentialer?cols=npv&sort=npv&order=asc&per_page=200",
    )
    .await;
    let values: Vec<Decimal> = column(&page, "npv")
        .iter()
        .filter(|(_, t)| t != "–")
        .map(|(_, t)| kr(t))
        .collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "ascending");

    // A filter's totals cover only its rows.
    let (_, page) = get_text(
        &client,
        &app,
        &format!(
            "/potentialer?{ALL_COLUMNS}&technology={}&per_page=200",
            rpa.id
        ),
    )
    .await;
    let rpa_ids: Vec<i64> = column(&page, "npv").iter().map(|(id, _)| *id).collect();
    assert_eq!(rpa_ids.len(), 62);
    let rpa_npv: Decimal = rpa_ids
        .iter()
        .filter_map(|id| exact.get(&PotentialId(*id)))
        .map(|e| e.npv)
        .sum();
    assert_eq!(total(&page, "npv").unwrap(), format_kr(rpa_npv));

    // An unknown column is a Danish field error, and the list still shows.
    let (status, page) = get_text(&client, &app, "/potentialer?cols=npv,bogus").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Ukendt kolonne: bogus"));
}

/// Adds a potential with `title` in the seeded tenant's `enhed`.
async fn add_potential(app: &TestApp, t: &SeededTenant, title: &str) -> PotentialId {
    let draft = PotentialDraft {
        title: title.into(),
        description: "Beskrivelse.".into(),
        unit_id: Some(t.enhed.id),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).unwrap();
    app.store
        .create_potential(t.tenant.id, None, &valid, Status::Ide, None)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn search_folds_danish_letters_both_ways() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "fold").await;
    add_potential(&app, &t, "Aarhus-modellen for genoptræning").await;
    add_potential(&app, &t, "Ældrepleje på Søbakken").await;
    let (client, _) = login_role(&app, "fold", Role::Laeser).await;
    let finds = |q: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            let (status, page) =
                get_text(&client, app, &format!("/potentialer?q={}", urlencode(q))).await;
            assert_eq!(status, StatusCode::OK, "{q}");
            count(&page)
        }
    };
    assert_eq!(finds("skaermbesoeg").await, 1, "seeded 'Skærmbesøg i fold'");
    assert_eq!(finds("SKÆRMBESØG").await, 1);
    assert_eq!(finds("århus").await, 1, "å finds aa");
    assert_eq!(finds("aarhus").await, 1);
    assert_eq!(finds("aeldrepleje").await, 1, "ae finds æ");
    assert_eq!(finds("soebakken").await, 1, "oe finds ø");
    assert_eq!(finds("paa søbakken").await, 1, "aa finds å");
    assert_eq!(finds("genoptraening").await, 1);
    assert_eq!(finds("xyzzy").await, 0);

    // The API list searches the same way.
    let res = app
        .api_get(t.token(Role::Laeser), "/api/v1/potentials?q=skaermbesoeg")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await["total"], 1);
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn bulk_status_change_reports_each_row_and_needs_the_permission() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "masse").await;
    let a = add_potential(&app, &t, "Robot til ydelser").await;
    let b = add_potential(&app, &t, "Chatbot til borgerservice").await;
    let (client, csrf) = login_role(&app, "masse", Role::Portefoljeleder).await;
    let (a_s, b_s, missing) = (a.0.to_string(), b.0.to_string(), "999999".to_owned());

    // Afvist without a reason: nothing changes, and each row says why.
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "afvist"),
            ("id", &a_s),
            ("id", &b_s),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>0</strong> af 2 potentialer er ændret."));
    assert!(page.contains("Skriv en begrundelse, når status ændres til afvist."));
    assert_eq!(
        app.store.potential(t.tenant.id, a).await.unwrap().status,
        Status::Ide
    );

    // With one reason: both change, each with the reason; an unknown id fails alone.
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "afvist"),
            ("reason", "Dækkes af den fælleskommunale løsning"),
            ("id", &a_s),
            ("id", &missing),
            ("id", &b_s),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>2</strong> af 3 potentialer er ændret."));
    assert!(page.contains("<strong>1</strong> kunne ikke ændres"));
    assert!(page.contains("Potentialet findes ikke."));
    for id in [a, b] {
        let p = app.store.potential(t.tenant.id, id).await.unwrap();
        assert_eq!(p.status, Status::Afvist);
        let history = app.store.status_history(t.tenant.id, id).await.unwrap();
        assert_eq!(
            history.last().unwrap().reason.as_deref(),
            Some("Dækkes af den fælleskommunale løsning")
        );
    }

    // A move the lifecycle does not allow fails for that row only.
    let c = add_potential(&app, &t, "Sensorer i plejeboliger").await;
    let (_, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "vurderet"),
            ("id", &a_s),
            ("id", &c.0.to_string()),
        ],
    )
    .await;
    assert!(page.contains("<strong>1</strong> af 2 potentialer er ændret."));
    assert_eq!(
        app.store.potential(t.tenant.id, c).await.unwrap().status,
        Status::Vurderet
    );
    assert_eq!(
        app.store.potential(t.tenant.id, a).await.unwrap().status,
        Status::Afvist
    );

    // Leder, digital agent and læser may not act in bulk, even in their own units; the
    // list shows them no checkboxes.
    for role in [Role::Leder, Role::DigitalAgent, Role::Laeser] {
        let (client, csrf) = login_role(&app, "masse", role).await;
        let (status, _) = post_text(
            &client,
            &app,
            "/potentialer/masse",
            &[
                ("_csrf", &csrf),
                ("action", "status"),
                ("status", "vurderet"),
                ("id", &t.potential.id.0.to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        let (_, list) = get_text(&client, &app, "/potentialer").await;
        assert!(!list.contains("id=\"masse\""), "{role:?}");
    }
    assert_eq!(
        app.store
            .potential(t.tenant.id, t.potential.id)
            .await
            .unwrap()
            .status,
        Status::Ide
    );
    let (_, list) = get_text(&client, &app, "/potentialer").await;
    assert!(
        list.contains("id=\"masse\""),
        "porteføljeleder sees the bulk form"
    );
}

#[tokio::test]
async fn bulk_add_to_programme_and_export_of_the_selection() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "valg").await;
    let fixture = seed_programme(&app.store, &t).await;
    let a = add_potential(&app, &t, "Digital post til borgere").await;
    let b = add_potential(&app, &t, "Talegenkendelse i journalen").await;
    let (client, csrf) = login_role(&app, "valg", Role::Admin).await;
    let programme = fixture.programme.0.to_string();
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "programme"),
            ("programme", &programme),
            ("id", &a.0.to_string()),
            ("id", &fixture.potential.0.to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>1</strong> af 2 potentialer er ændret."));
    assert!(page.contains("Er allerede med i programmet."));
    let stored = app
        .store
        .programme(t.tenant.id, fixture.programme)
        .await
        .unwrap();
    assert!(stored.programme.includes(a));
    assert!(!stored.programme.includes(b));

    let res = post_form(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "csv"),
            ("id", &a.0.to_string()),
            ("id", &b.0.to_string()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.contains("Digital post til borgere"));
    assert!(csv.contains("Talegenkendelse i journalen"));
    assert!(!csv.contains("Skærmbesøg i valg"), "only the selection");

    // Nothing selected is a Danish error, not a 500.
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[("_csrf", &csrf), ("action", "csv")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vælg mindst ét potentiale."));
}

#[tokio::test]
async fn saved_views_belong_to_one_user_in_one_tenant() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "visning").await;
    seed_tenant(&app.store, "andre").await;
    let (pl, csrf) = login_role(&app, "visning", Role::Portefoljeleder).await;
    let res = post_form(
        &pl,
        &app,
        "/potentialer/visninger",
        &[
            ("_csrf", &csrf),
            ("view_name", "Besluttet i SSÆ"),
            ("query", "status=besluttet&cols=npv%2Cfull_effect&sort=npv"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        to,
        "/potentialer?status=besluttet&cols=npv%2Cfull_effect&sort=npv"
    );
    let (_, page) = get_text(&pl, &app, &to).await;
    assert!(page.contains(">Besluttet i SSÆ</a>"));
    assert!(
        page.contains("aria-current=\"true\""),
        "the view is the one shown"
    );
    assert!(
        page.contains("value=\"full_effect\" checked"),
        "the view's columns"
    );

    // Saving under the same name replaces the query; an empty name is a Danish error.
    let res = post_form(
        &pl,
        &app,
        "/potentialer/visninger",
        &[
            ("_csrf", &csrf),
            ("view_name", "Besluttet i SSÆ"),
            ("query", "status=besluttet"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let user = t.user(Role::Portefoljeleder).id;
    let views = app.store.list_views(t.tenant.id, user).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].query, "status=besluttet");
    let (status, page) = post_text(
        &pl,
        &app,
        "/potentialer/visninger",
        &[("_csrf", &csrf), ("view_name", " "), ("query", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Visningens navn skal udfyldes."));

    // Audited: created, then updated.
    let log = app
        .store
        .audit_for(t.tenant.id, EntityKind::ListView, views[0].id)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);

    // Another user of the tenant, and a user of another tenant, see none of it and
    // cannot delete it.
    let (leder, leder_csrf) = login_role(&app, "visning", Role::Leder).await;
    let (_, page) = get_text(&leder, &app, "/potentialer").await;
    assert!(!page.contains("Besluttet i SSÆ"));
    let delete = format!("/potentialer/visninger/{}/slet", views[0].id);
    let (status, _) = post_text(&leder, &app, &delete, &[("_csrf", &leder_csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (other, other_csrf) = login_role(&app, "andre", Role::Portefoljeleder).await;
    let (_, page) = get_text(&other, &app, "/potentialer").await;
    assert!(!page.contains("Besluttet i SSÆ"));
    let (status, _) = post_text(&other, &app, &delete, &[("_csrf", &other_csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.store.list_views(t.tenant.id, user).await.unwrap().len(),
        1
    );

    // The owner deletes it.
    let res = post_form(&pl, &app, &delete, &[("_csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app
        .store
        .list_views(t.tenant.id, user)
        .await
        .unwrap()
        .is_empty());
}
