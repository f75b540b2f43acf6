//! Downloading the list of potentials as .xlsx and CSV: filters, tenant isolation, roles,
//! headers, the links on the list page, and bad input.

use crate::helpers::{login_role, seed_programme, seed_tenant, spawn_app, AllowAll, TestApp};
use calamine::{Data, Reader, Xlsx};
use gevinst_domain::{PotentialDraft, Role, Status, UnitId};
use reqwest::{Client, StatusCode};
use std::io::Cursor;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Tenant `aby` with three potentials (the seed's idé in Hjemmeplejen, the programme
/// fixture's besluttet robot with a business case, and an idé in Teknik og Miljø owned by
/// the leder), and tenant `bby` with its own seed potential.
struct World {
    app: TestApp,
    other_unit: UnitId,
}

async fn world() -> World {
    let app = spawn_app().await;
    let a = seed_tenant(&app.store, "aby").await;
    seed_programme(&app.store, &a).await;
    let draft = PotentialDraft {
        title: "Vejbelysning med sensorer".into(),
        description: "Lyset dæmpes, når ingen færdes på vejen.".into(),
        unit_id: Some(a.other.id),
        benefit_owner: Some(a.user(Role::Leder).id),
        tags: vec!["IoT".into(), "Energi".into()],
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid");
    app.store
        .create_potential(a.tenant.id, None, &valid, Status::Ide, None)
        .await
        .expect("potential");
    seed_tenant(&app.store, "bby").await;
    World {
        other_unit: a.other.id,
        app,
    }
}

async fn login(app: &TestApp, role: Role) -> Client {
    login_role(app, "aby", role).await.0
}

async fn download(client: &Client, app: &TestApp, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.expect("GET")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii header").to_owned())
        .unwrap_or_default()
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = wb.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn titles(rows: &[Vec<Data>]) -> Vec<String> {
    rows[1..]
        .iter()
        .map(|r| match &r[1] {
            Data::String(s) => s.clone(),
            other => panic!("title is not text: {other:?}"),
        })
        .collect()
}

fn s(x: &str) -> Data {
    Data::String(x.into())
}

#[tokio::test]
async fn xlsx_with_a_status_filter_holds_only_the_matching_potentials() {
    let w = world().await;
    // A læser may download what the list shows.
    let client = login(&w.app, Role::Laeser).await;
    let res = download(
        &client,
        &w.app,
        "/potentialer/eksport.xlsx?status=besluttet",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), XLSX);
    let disposition = header(&res, "content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"potentialer-aby-20")
            && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    assert_eq!(header(&res, "cache-control"), "no-store");
    let bytes = res.bytes().await.expect("body");

    let p = sheet(&bytes, "Potentialer");
    assert_eq!(titles(&p), ["Robot til journalisering"]);
    let robot = &p[1];
    assert_eq!(robot[3], s("Besluttet"));
    assert_eq!(robot[4], s("Hjemmeplejen"));
    assert_eq!(robot[5], s("Social og Sundhed › Hjemmeplejen"));
    assert_eq!(robot[8], s("Medarbejderforslag"));
    assert!(matches!(robot[16], Data::DateTime(_)), "{:?}", robot[16]);
    assert_eq!(robot[19], Data::Float(2025.0));
    assert_eq!(robot[20], Data::Float(3.0));

    // 3 lines × 3 years.
    let lines = sheet(&bytes, "Business cases");
    assert_eq!(lines.len(), 1 + 9);
    let porto_2026 = &lines[5];
    assert_eq!(porto_2026[3], s("Direkte besparelse"));
    assert_eq!(porto_2026[4], s("Porto"));
    assert_eq!(porto_2026[5], s("Ja"));
    assert_eq!(porto_2026[9], Data::Float(2026.0));
    assert_eq!(porto_2026[10], Data::Float(60000.0));
    assert_eq!(porto_2026[14], Data::Float(0.7));
    assert_eq!(porto_2026[15], Data::Float(1.1));

    // Rate 0, default economics (500,000 kr. / 1,924 hours): NPV = -100,000
    // + 2 × 60,000 + 200 × 500,000/1,924 = 71,975.051975… → 71,975.05 kr.
    let keys = sheet(&bytes, "Nøgletal");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1][4], Data::Float(71975.05));
    // Cumulative: 2025 -100,000; 2026 -14,012.47; 2027 +71,975.05 → payback in 2027.
    assert_eq!(keys[1][6], Data::Float(2027.0));
    // Full effect in 2027: 60,000 + 100 × 259.875259… = 85,987.53 kr.
    assert_eq!(keys[1][7], Data::Float(85987.53));
    assert_eq!(keys[1][8], Data::Float(60000.0));
}

#[tokio::test]
async fn unfiltered_export_has_every_potential_of_the_tenant_and_no_other() {
    let w = world().await;
    let client = login(&w.app, Role::Portefoljeleder).await;
    let res = download(
        &client,
        &w.app,
        "/potentialer/eksport.xlsx?sort=title&order=asc",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("body");
    let p = sheet(&bytes, "Potentialer");
    assert_eq!(
        titles(&p),
        [
            "Robot til journalisering",
            "Skærmbesøg i aby",
            "Vejbelysning med sensorer",
        ]
    );
    let vej = &p[3];
    assert_eq!(vej[2], s("Lyset dæmpes, når ingen færdes på vejen."));
    assert_eq!(vej[4], s("Teknik og Miljø"));
    assert_eq!(vej[9], s("Leder aby"));
    assert_eq!(vej[10], s("leder@aby.dk"));
    assert_eq!(vej[15], s("IoT; Energi"));
    assert_eq!(vej[19], Data::Empty);
    // Only the robot has a business case.
    assert_eq!(sheet(&bytes, "Nøgletal").len(), 2);
}

#[tokio::test]
async fn csv_with_text_and_unit_filters() {
    let w = world().await;
    let client = login(&w.app, Role::Laeser).await;
    let res = download(&client, &w.app, "/potentialer/eksport.csv?q=sk%C3%A6rm").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), "text/csv; charset=utf-8");
    let disposition = header(&res, "content-disposition");
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let bytes = res.bytes().await.expect("body");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    let records: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(records.len(), 2, "{text}");
    assert!(records[0].starts_with("Id;Titel;Beskrivelse;Status;Enhed;"));
    assert!(
        records[1].contains(";Skærmbesøg i aby;Aftenbesøg via video.;Idé;Hjemmeplejen;Social og Sundhed › Hjemmeplejen;"),
        "{}",
        records[1]
    );
    assert!(!text.contains("bby"), "{text}");

    let path = format!("/potentialer/eksport.csv?unit={}", w.other_unit.0);
    let text = download(&client, &w.app, &path)
        .await
        .text()
        .await
        .expect("body");
    let records: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(records.len(), 2, "{text}");
    assert!(records[1].contains(";Vejbelysning med sensorer;"), "{text}");
}

#[tokio::test]
async fn another_tenants_potentials_never_appear() {
    let w = world().await;
    let client = w
        .app
        .login("bby", &format!("{}@bby.dk", Role::Admin.as_str()))
        .await
        .0;
    let res = download(&client, &w.app, "/potentialer/eksport.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("body");
    assert_eq!(titles(&sheet(&bytes, "Potentialer")), ["Skærmbesøg i bby"]);
    assert_eq!(sheet(&bytes, "Business cases").len(), 1);
    // Aby's unit id is unknown in bby: an error page, not aby's data.
    let path = format!("/potentialer/eksport.csv?unit={}", w.other_unit.0);
    let res = download(&client, &w.app, &path).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.expect("body");
    assert!(body.contains("Enheden findes ikke."), "{body}");
    assert!(!body.contains("Vejbelysning"));
}

#[tokio::test]
async fn not_logged_in_is_sent_to_login() {
    let w = world().await;
    for path in [
        "/potentialer/eksport.xlsx",
        "/potentialer/eksport.csv?status=ide",
    ] {
        let res = w.app.client.get(w.app.url(path)).send().await.expect("GET");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        let location = header(&res, "location");
        assert!(location.starts_with("/login"), "{path}: {location}");
    }
}

#[tokio::test]
async fn invalid_filters_are_a_danish_error_page() {
    let w = world().await;
    let client = login(&w.app, Role::Laeser).await;
    let res = download(
        &client,
        &w.app,
        "/potentialer/eksport.xlsx?status=nej&sort=%00",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let body = res.text().await.expect("body");
    assert!(body.contains("Ukendt status: nej"), "{body}");
    assert!(body.contains("Ukendt sortering."), "{body}");
}

#[tokio::test]
async fn list_page_links_keep_the_filters() {
    let w = world().await;
    let client = login(&w.app, Role::Leder).await;
    let res = download(
        &client,
        &w.app,
        "/potentialer?status=besluttet&page=1&per_page=25",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.expect("body");
    assert!(
        html.contains(
            r#"<a href="/potentialer/eksport.xlsx?status=besluttet" download>Hent som Excel</a>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<a href="/potentialer/eksport.csv?status=besluttet" download>Hent som CSV</a>"#
        ),
        "{html}"
    );
    // Without filters the links export everything.
    let html = download(&client, &w.app, "/potentialer")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains(r#"href="/potentialer/eksport.xlsx" download"#),
        "{html}"
    );
    // An invalid filter is left out of the links, as it is of the list.
    let html = download(&client, &w.app, "/potentialer?status=nej&q=robot")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains(r#"href="/potentialer/eksport.csv?q=robot" download"#),
        "{html}"
    );
}

#[tokio::test]
async fn the_download_reads_back_to_the_stored_potentials_and_cases() {
    use gevinst_domain::PotentialQuery;
    use gevinst_testkit::sheets::read_workbook;
    let w = world().await;
    let client = login(&w.app, Role::Laeser).await;
    let bytes = download(&client, &w.app, "/potentialer/eksport.xlsx")
        .await
        .bytes()
        .await
        .expect("body");
    let back = read_workbook(&bytes).expect("an export reads back");
    let tenant = w.app.store.tenant_by_slug("aby").await.expect("tenant");
    let stored = w
        .app
        .store
        .list_potentials(tenant.id, &PotentialQuery::default())
        .await
        .expect("list")
        .items;
    assert_eq!(back.len(), 3);
    assert_eq!(stored.len(), 3);
    let mut with_case = 0;
    for p in &stored {
        let b = back.iter().find(|b| b.id == p.id.0).expect("exported");
        assert_eq!(b.title, p.title);
        assert_eq!(b.description, p.description);
        assert_eq!(b.status, p.status);
        assert_eq!(b.source, p.source);
        assert_eq!(b.tags, p.tags);
        let case = w
            .app
            .store
            .business_case(tenant.id, p.id)
            .await
            .expect("case")
            .map(|c| c.case);
        with_case += usize::from(case.is_some());
        assert_eq!(b.case, case, "{}", p.title);
    }
    assert_eq!(with_case, 1);
}

#[tokio::test]
async fn simulated_download_adds_the_percentiles() {
    let w = world().await;
    let client = login(&w.app, Role::Laeser).await;
    let html = download(&client, &w.app, "/potentialer?status=besluttet")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains(r#"<a href="/potentialer/eksport.xlsx?status=besluttet&#38;simuler=1" download>Hent som Excel med simulering</a>"#),
        "{html}"
    );
    let res = download(
        &client,
        &w.app,
        "/potentialer/eksport.xlsx?status=besluttet&simuler=1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("body");
    let keys = sheet(&bytes, "Nøgletal");
    assert_eq!(keys[0].len(), 18);
    assert_eq!(keys[0][15], s("NPV P10 (kr.)"));
    assert_eq!(keys[0][17], s("NPV P90 (kr.)"));
    let p = |i: usize| match keys[1][i] {
        Data::Float(x) => x,
        ref other => panic!("not a number: {other:?}"),
    };
    assert!(p(15) < p(16) && p(16) < p(17), "{:?}", &keys[1][15..]);
    // The same seed gives the same file contents.
    let again = download(
        &client,
        &w.app,
        "/potentialer/eksport.xlsx?status=besluttet&simuler=1",
    )
    .await
    .bytes()
    .await
    .expect("body");
    assert_eq!(sheet(&again, "Nøgletal"), keys);

    let res = download(&client, &w.app, "/potentialer/eksport.xlsx?simuler=ja").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.expect("body");
    assert!(
        body.contains("Simulering skal være 1 (til) eller 0 (fra)."),
        "{body}"
    );
}
