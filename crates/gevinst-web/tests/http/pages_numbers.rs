//! Numbers that always agree (issue 11, §4) and the programme page (§6): each check here
//! would have caught a mismatch a controller found, on SQLite and on PostgreSQL.

use crate::helpers::{
    get_text, login_role, post_text, row_cells, seed_programme, seed_tenant, spawn_app, AllowAll,
    ProgrammeFixture, SeededTenant, TestApp,
};
use calamine::{open_workbook_from_rs, Reader, Xlsx};
use gevinst_app::auth::Principal;
use gevinst_domain::business_case::BusinessCaseDraft;
use gevinst_domain::glossary::{FRIGJORT, HJEMTAGET, REALISERET, TERMS};
use gevinst_domain::programme::{
    ActualDraft, Milestone, Period, ProgrammeDraft, TargetDraft, TargetKind,
};
use gevinst_domain::{PotentialDraft, PotentialId, Role, Status};
use reqwest::StatusCode;
use std::io::Cursor;

async fn admin(app: &TestApp, t: &SeededTenant) -> Principal {
    gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin principal")
}

/// A besluttet potential in `enhed` with the business case `case` (API JSON).
async fn potential_with_case(
    app: &TestApp,
    t: &SeededTenant,
    who: &Principal,
    title: &str,
    case: serde_json::Value,
) -> PotentialId {
    let draft = PotentialDraft {
        title: title.into(),
        description: "Til kontrol af tallene.".into(),
        unit_id: Some(t.enhed.id),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid potential");
    let id = app
        .store
        .create_potential(t.tenant.id, None, &valid, Status::Besluttet, None)
        .await
        .expect("potential")
        .id;
    let case: BusinessCaseDraft = serde_json::from_value(case).expect("case draft");
    gevinst_app::App::new(app.store.clone())
        .business_cases()
        .put(who, id, None, &case)
        .await
        .expect("business case");
    id
}

/// The fixture's programme plus a second potential whose case plans 60.000 kr. in 2025
/// but records nothing, a 2025 delmål of 60.000 kr., and a recorded 2025 actual of
/// 50.000 kr. on the fixture's "Porto". Returns the new programme's id.
async fn closed_year_world(
    app: &TestApp,
    t: &SeededTenant,
    f: &ProgrammeFixture,
) -> gevinst_domain::ProgrammeId {
    let who = admin(app, t).await;
    let planned = potential_with_case(
        app,
        t,
        &who,
        "Digital post planlagt fra 2024",
        serde_json::json!({
            "start_year": 2024, "horizon": 3, "discount_rate": 0,
            "lines": [{"kind": "direkte_besparelse", "label": "Porto",
                       "amounts": [60000, 60000, 60000], "low": 1, "high": 1}],
            "risks": [],
        }),
    )
    .await;
    let gevinst = gevinst_app::App::new(app.store.clone());
    let programmes = gevinst.programmes();
    let draft = ProgrammeDraft {
        name: "Lukkede år 2025–2027".into(),
        first_year: Some(2025),
        last_year: Some(2027),
        targets: vec![TargetDraft {
            kind: Some(TargetKind::KrPerYear),
            amount: Some("100000".parse().unwrap()),
            deadline_year: Some(2027),
            milestones: vec![Milestone {
                year: 2025,
                amount: "60000".parse().unwrap(),
            }],
        }],
        potentials: vec![f.potential, planned],
        distribution_keys: vec![],
    };
    let id = programmes.create(&who, &draft).await.expect("programme").id;
    let actual = ActualDraft {
        line: Some(1),
        period: Some(Period::of_year(2025).unwrap()),
        kr: Some("50000".parse().unwrap()),
        ..Default::default()
    };
    programmes
        .record_actual(&who, f.potential, &actual)
        .await
        .expect("actual");
    id
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx")
}

/// The 2025: realised 6,0 mio. but a fan P50 of 9 mio. and a 92 % chance of the
/// 8 mio. delmål. A closed year is its recorded actuals on the page, in the report and in
/// the workbook, even where a potential planned a gain and recorded none.
#[tokio::test]
async fn a_closed_year_is_its_recorded_actuals_everywhere() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "lukket").await;
    let f = seed_programme(&app.store, &t).await;
    let id = closed_year_world(&app, &t, &f).await;
    let (c, csrf) = login_role(&app, "lukket", Role::Portefoljeleder).await;
    let page = format!("/programmer/{}", id.0);
    let (status, _) = post_text(&c, &app, &format!("{page}/prognose"), &[("_csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "back to the page");
    let (_, html) = get_text(&c, &app, &page).await;
    let table = &html[html.find("id=\"aar-kr\"").expect("year table")..];
    assert_eq!(row_cells(table, "Realiseret")[0], "50.000 kr.");
    // The fan's 2025: P10, P50, P90 and the actuals are all the recorded 50.000 kr.
    let fan = &html[html.find("id=\"prognose\"").expect("forecast")..];
    assert_eq!(row_cells(fan, "2025"), ["50.000 kr."; 4]);
    // The delmål of 60.000 kr. was missed: certain, in the one wording.
    assert!(
        html.contains("60.000 kr. i 2025: 0 %"),
        "{}",
        &fan[..fan.len().min(3000)]
    );
    assert!(
        html.contains("År før "),
        "the page says how past years are treated"
    );
    // The report says the same.
    let (_, report) = get_text(&c, &app, &format!("{page}/rapport")).await;
    let probs = &report[report
        .find("id=\"sandsynligheder\"")
        .expect("probabilities")..];
    assert_eq!(row_cells(probs, "Delmål: 60.000 kr. i 2025"), ["0 %"]);
    let fan = &report[report
        .find("id=\"prognose-titel\"")
        .expect("report forecast")..];
    assert_eq!(row_cells(fan, "2025"), ["50.000 kr."; 4]);
    assert!(report.contains("er et faktum og ikke en prognose") || report.contains("et faktum"));
    // And the workbook.
    let res = c
        .get(app.url(&format!("{page}/eksport.xlsx")))
        .send()
        .await
        .expect("download");
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    let sheet = wb.worksheet_range("Prognose").expect("Prognose");
    let texts: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(texts.iter().any(|t| t == "0 %"), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains('.') && t.ends_with('%')));
}

/// No sign puzzles: gaps are words with a colour class on the page, the report and in
/// the distribution key; "(+ = …)" is gone.
#[tokio::test]
async fn gaps_are_words_with_colour() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "ord").await;
    let f = seed_programme(&app.store, &t).await;
    let (c, _) = login_role(&app, "ord", Role::Laeser).await;
    let (_, html) = get_text(&c, &app, &format!("/programmer/{}", f.programme.0)).await;
    assert!(!html.contains("(+ ="));
    // The year table and the distribution key in words: see
    // pages_programmes::overview_shows_hand_computed_figures_in_danish.
    // The traffic lights say it in words too.
    let lights = &html[html.find("id=\"trafiklys\"").expect("lights")..];
    let end = lights.find("</table>").unwrap();
    // The words of the one rule (gevinst_domain::programme::Light), as on the front page.
    assert!(lights[..end].contains("Grøn: dækket af besluttede"));
    assert!(lights[..end].contains("Rød: ikke dækket af planen"));
    assert!(lights[..end].contains("<span class=\"gap-ahead\">25.988 kr. foran</span>"));
    assert!(lights[..end].contains("<span class=\"gap-behind\">40.000 kr. bagud</span>"));
    let (_, report) = get_text(&c, &app, &format!("/programmer/{}/rapport", f.programme.0)).await;
    assert!(!report.contains("positiv betyder bagud"));
    assert!(report.contains("100.000 kr. bagud"));
}

/// One definition of Realiseret, Hjemtaget and Frigjort: the programme page, the report,
/// the glossary page, the workbook and the API documentation all use the glossary's.
#[tokio::test]
async fn one_definition_of_every_word() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "ordliste").await;
    let f = seed_programme(&app.store, &t).await;
    let (c, _) = login_role(&app, "ordliste", Role::Laeser).await;
    let (_, page) = get_text(&c, &app, &format!("/programmer/{}", f.programme.0)).await;
    let (_, report) = get_text(&c, &app, &format!("/programmer/{}/rapport", f.programme.0)).await;
    let (status, glossary) = get_text(&c, &app, "/ordliste").await;
    assert_eq!(status, StatusCode::OK);
    assert!(glossary.contains("<title>Ordliste · gevinst</title>"));
    for term in [REALISERET, HJEMTAGET, FRIGJORT] {
        for (name, html) in [
            ("page", &page),
            ("report", &report),
            ("glossary", &glossary),
        ] {
            assert!(
                html.contains(term.definition),
                "{name} lacks the definition of {}",
                term.word
            );
        }
    }
    for term in TERMS {
        assert!(glossary.contains(&format!("id=\"{}\"", term.anchor)));
    }
    assert!(
        page.contains("href=\"/ordliste\""),
        "linked from the footer"
    );
    assert!(!page.contains("frø") && !report.contains("frø"));
    // The workbook's glossary sheet.
    let res = c
        .get(app.url(&format!("/programmer/{}/eksport.xlsx", f.programme.0)))
        .send()
        .await
        .expect("download");
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    let sheet = wb.worksheet_range("Ordliste").expect("Ordliste");
    let defs: Vec<String> = sheet
        .rows()
        .filter_map(|r| r.get(1).map(|c| c.to_string()))
        .collect();
    assert!(defs.iter().any(|d| d == REALISERET.definition));
    // The API documentation of the overview's figures.
    let doc: serde_json::Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    let props = &doc["components"]["schemas"]["Figures"]["properties"];
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (field, term) in [
        ("realised_kr", REALISERET),
        ("harvested_kr", HJEMTAGET),
        ("not_harvested_kr", FRIGJORT),
    ] {
        let described = props[field]["description"].as_str().unwrap_or_default();
        assert_eq!(words(described), words(term.english), "{field}");
    }
}

/// Hjemmeplejen 2024 in the demo: realised −49.313 kr., harvested 78.000 kr. The page
/// explains a harvest above the realised gain where it happens.
#[tokio::test]
async fn a_harvest_above_the_realised_gain_is_explained() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "hjemtag").await;
    let f = seed_programme(&app.store, &t).await;
    let who = admin(&app, &t).await;
    let actual = ActualDraft {
        line: Some(1),
        period: Some(Period::of_year(2026).unwrap()),
        kr: Some("10000".parse().unwrap()),
        harvested: Some("30000".parse().unwrap()),
        budget_reference: "Budget 2026, ramme 3.22".into(),
        harvested_on: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
        ..Default::default()
    };
    gevinst_app::App::new(app.store.clone())
        .programmes()
        .record_actual(&who, f.potential, &actual)
        .await
        .expect("actual");
    let (c, _) = login_role(&app, "hjemtag", Role::Laeser).await;
    let (_, html) = get_text(&c, &app, &format!("/programmer/{}", f.programme.0)).await;
    let note = &html[html.find("id=\"hjemtaget-over-realiseret\"").expect("note")..];
    assert!(note.contains(&format!(
        "<li>{} 2026: realiseret 10.000 kr., hjemtaget 30.000 kr.</li>",
        t.enhed.name
    )));
    assert!(note.contains("Hjemtaget er det beløb, der er taget ud af budgettet"));
}

/// Potential 180 in the demo: 714.657 kr. of invisible work in the key figures, 714.670
/// kr. in the breakdown by type (hours × the rounded hourly rate). Both are now the
/// rounded sum of the same exact values; and negative årsværk beside a positive full
/// effect (the demo's chatbot) is explained in one line.
#[tokio::test]
async fn invisible_work_adds_up_and_negative_aarsvaerk_are_explained() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "usynlig").await;
    let who = admin(&app, &t).await;
    // 2 × 288,6 hours at 500.000 / 1.924 kr. = exactly 150.000 kr.; at the shown rate of
    // 259,88 kr. it would be 150.004 kr.
    let id = potential_with_case(
        &app,
        &t,
        &who,
        "Chatbot med oprydning",
        serde_json::json!({
            "start_year": 2025, "horizon": 2, "discount_rate": 0,
            "lines": [
                {"kind": "direkte_besparelse", "label": "Færre opkald",
                 "amounts": [500000, 500000], "low": 1, "high": 1},
                {"kind": "usynligt_arbejde", "label": "Rettelser", "category": "oprydning",
                 "amounts": [288.6, 288.6], "low": 1, "high": 1},
            ],
            "risks": [],
        }),
    )
    .await;
    let (c, _) = login_role(&app, "usynlig", Role::Laeser).await;
    let (status, html) = get_text(&c, &app, &format!("/potentialer/{}/business-case", id.0)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<dt>Usynligt arbejde over horisonten</dt><dd>150.000 kr.</dd>"));
    assert_eq!(row_cells(&html, "Oprydningsarbejde"), ["150.000 kr."]);
    let note = &html[html.find("id=\"aarsvaerk-forklaring\"").expect("note")..];
    assert!(
        note.contains("Frigjorte årsværk er -0,15 årsværk"),
        "{}",
        &note[..300]
    );
    assert!(note.contains("Den fulde effekt er alligevel positiv (425.000 kr.)"));
}

/// The programme page opens with the target-vs-actual chart and the traffic lights,
/// folds the long tables, pivots the breakdowns (unit × year) and has a roadmap.
#[tokio::test]
async fn the_programme_page_steers() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "styr").await;
    let f = seed_programme(&app.store, &t).await;
    let (c, _) = login_role(&app, "styr", Role::Laeser).await;
    let page = format!("/programmer/{}", f.programme.0);
    let (_, html) = get_text(&c, &app, &page).await;
    assert!(html.contains("<title>Digitalisering 2025–2027 · gevinst</title>"));
    let chart = html.find("id=\"maal-og-realiseret-titel\"").expect("chart");
    let years = html.find("id=\"aar-kr\"").expect("year table");
    assert!(chart < years, "the chart opens the page");
    assert!(html.find("id=\"trafiklys\"").expect("lights") < years);
    // Folded sections.
    for id in ["afvigelser", "usynligt", "noegle"] {
        let at = html.find(&format!(
            "<section aria-labelledby=\"{id}-titel\" id=\"{id}\">"
        ));
        let at = at.expect(id);
        let end = at + html[at..].find("</section>").expect("section end");
        assert!(html[at..end].contains("<details class=\"fold\">"), "{id}");
    }
    for id in ["enhed", "fagomraade", "teknologi"] {
        assert!(html.contains(&format!("<details class=\"fold\" id=\"{id}\">")));
    }
    // The unit pivot: one row per unit, one column per year, and the programme's total.
    let pivot = &html[html.find("id=\"enhed\"").expect("pivot")..];
    assert_eq!(
        row_cells(pivot, &t.enhed.name),
        ["0 kr.", "0 kr.", "0 kr."],
        "realised by default"
    );
    let (_, decided) = get_text(&c, &app, &format!("{page}?vis=besluttet")).await;
    let pivot = &decided[decided.find("id=\"enhed\"").expect("pivot")..];
    assert_eq!(
        row_cells(pivot, &t.enhed.name),
        ["0 kr.", "85.988 kr.", "85.988 kr."]
    );
    assert_eq!(
        row_cells(pivot, "Hele programmet"),
        ["0 kr.", "85.988 kr.", "85.988 kr."]
    );
    // A bad ?vis= is no error.
    let (status, _) = get_text(&c, &app, &format!("{page}?vis=%FF&vis")).await;
    assert_eq!(status, StatusCode::OK);
    // The roadmap: the besluttet potential in its implementation year 2025.
    let roadmap = &html[html.find("id=\"tidslinje-tabel\"").expect("roadmap")..];
    let end = roadmap.find("</table>").unwrap();
    assert!(roadmap[..end].contains("<th scope=\"col\">2025</th>"));
    assert!(roadmap[..end].contains(&format!("href=\"/potentialer/{}\"", f.potential.0)));
}

/// A 403 keeps the menu and the user's name: it is not a dead end.
#[tokio::test]
async fn the_403_page_keeps_the_navigation() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "adgang").await;
    let (c, _) = login_role(&app, "adgang", Role::Laeser).await;
    let (status, html) = get_text(&c, &app, "/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("aria-label=\"Hovedmenu\""));
    assert!(html.contains(&t.user(Role::Laeser).name));
    assert!(html.contains("<title>Ingen adgang · gevinst</title>"));
    let (status, html) = get_text(&c, &app, "/findes-ikke").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("aria-label=\"Hovedmenu\""));
}
