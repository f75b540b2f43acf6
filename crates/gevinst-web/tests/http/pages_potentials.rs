//! The HTML pages about potentials, through the real server: overview, list, new idea,
//! the potential's page with edit, status change and history; errors, conflicts, roles,
//! tenant isolation, CSRF and escaping.

use crate::helpers::{
    get_text, login_role, post_form, seed_tenant, spawn_app, AllowAll, SeededTenant, TestApp,
};
use gevinst_domain::{PotentialDraft, PotentialId, Role, Status, UnitId};
use reqwest::StatusCode;

/// The seeded potential as it is stored now.
async fn seeded(app: &TestApp, t: &SeededTenant) -> gevinst_domain::Potential {
    app.store
        .potential(t.tenant.id, t.potential.id)
        .await
        .expect("the seeded potential")
}

/// The value of the first hidden `version` input on a page.
fn version_of(html: &str) -> String {
    let key = "name=\"version\" value=\"";
    let at = html.find(key).expect("version field") + key.len();
    let end = html[at..].find('"').expect("end of value");
    html[at..at + end].to_owned()
}

async fn add_potential(
    app: &TestApp,
    t: &SeededTenant,
    title: &str,
    unit: UnitId,
    status: Status,
) -> PotentialId {
    let draft = PotentialDraft {
        title: title.into(),
        description: "Beskrivelse".into(),
        unit_id: Some(unit),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid");
    app.store
        .create_potential(t.tenant.id, None, &valid, status, None)
        .await
        .expect("create")
        .id
}

#[tokio::test]
async fn overview_shows_counts_by_status_and_unit() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    add_potential(
        &app,
        &t,
        "Chatbot til borgerservice",
        t.other.id,
        Status::Vurderet,
    )
    .await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let (status, html) = get_text(&client, &app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Oversigt</h1>"));
    assert!(html.contains("Potentialer i alt"));
    assert!(
        html.contains(r#"<span class="figure-value">2</span>"#),
        "total of 2"
    );
    assert!(html.contains(r#"<a href="/potentialer?status=vurderet">Vurderet</a>"#));
    assert!(html.contains(&format!(
        r#"<a href="/potentialer?unit={}">Social og Sundhed</a>"#,
        t.forvaltning.id
    )));
    assert!(html.contains("Teknik og Miljø"));
    assert!(
        html.contains("aria-hidden=\"true\""),
        "bars are decorative; the numbers are in the table"
    );
}

#[tokio::test]
async fn new_idea_with_errors_keeps_input_and_explains_in_danish() {
    let app = spawn_app().await;
    let _t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Laeser).await;
    let (status, form) = get_text(&client, &app, "/potentialer/ny").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"<label for="title">"#));
    assert!(
        !form.contains("name=\"benefit_owner\""),
        "a læser is not offered owner and agent"
    );
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[
            ("_csrf", &csrf),
            ("title", "ab"),
            ("description", "Linje et\nlinje to"),
            ("unit_id", ""),
            ("tags", "RPA, jobcenter"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.expect("body");
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains(r##"<a href="#title">Titlen skal være mindst 3 tegn.</a>"##));
    assert!(html.contains(r##"<a href="#unit_id">Vælg en enhed.</a>"##));
    assert!(html
        .contains(r#"<p class="field-error" id="title-fejl">Titlen skal være mindst 3 tegn.</p>"#));
    assert!(html.contains(
        r#"value="ab" maxlength="200" required aria-invalid="true" aria-describedby="title-fejl""#
    ));
    assert!(html.contains("Linje et\nlinje to</textarea>"));
    assert!(html.contains(r#"value="RPA, jobcenter""#));
    assert_eq!(
        app.store
            .potential_counts(_t.tenant.id)
            .await
            .expect("counts")
            .total,
        1,
        "nothing saved"
    );

    // An id that is not a number is a field error, not a rejection.
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[("_csrf", &csrf), ("title", "Robot"), ("unit_id", "abc")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("Vælg en værdi fra listen."));
}

#[tokio::test]
async fn new_idea_is_created_and_confirmed() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::DigitalAgent).await;
    let unit = t.enhed.id.to_string();
    let agent = t.user(Role::DigitalAgent).id.to_string();
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[
            ("_csrf", &csrf),
            ("title", "Robot til sygedagpenge"),
            ("description", "Manuel indtastning.\nTo systemer."),
            ("unit_id", &unit),
            ("source", "workshop"),
            ("tags", "RPA, jobcenter"),
            ("digital_agent", &agent),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("/potentialer/") && location.ends_with("?besked=oprettet"),
        "{location}"
    );
    let (status, html) = get_text(&client, &app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Idéen er oprettet."));
    assert!(html.contains("<h1>Robot til sygedagpenge</h1>"));
    assert!(html.contains("Social og Sundhed › Hjemmeplejen"));
    assert!(html.contains(
        r#"<div class="description">Manuel indtastning.
To systemer.</div>"#
    ));
    assert!(html.contains("Workshop"));
    assert!(
        html.contains("Oprettet</strong> af Digital agent alfa"),
        "history names who created it"
    );
}

#[tokio::test]
async fn stale_edit_shows_conflict_and_saves_nothing() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Portefoljeleder).await;
    let path = format!("/potentialer/{}", t.potential.id);
    let (_, html) = get_text(&client, &app, &path).await;
    let version = version_of(&html);
    let unit = t.enhed.id.to_string();
    let edit = |title: &'static str| {
        [
            ("_csrf", csrf.clone()),
            ("version", version.clone()),
            ("title", title.into()),
            ("unit_id", unit.clone()),
        ]
    };
    let res = client
        .post(app.url(&format!("{path}/rediger")))
        .form(&edit("Først gemt titel"))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client
        .post(app.url(&format!("{path}/rediger")))
        .form(&edit("Min forældede titel"))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.expect("body");
    assert!(html.contains("Nogen har ændret potentialet, siden du åbnede det"));
    assert!(
        html.contains(r#"value="Min forældede titel""#),
        "the user's input is kept"
    );
    assert!(
        html.contains("<h1>Først gemt titel</h1>"),
        "the current values are shown"
    );
    assert_eq!(
        version_of(&html),
        "2",
        "the form now carries the current version"
    );
    let stored = seeded(&app, &t).await;
    assert_eq!(stored.title, "Først gemt titel");
    assert_eq!(stored.version, 2);

    // The history shows the field-level change.
    let (_, html) = get_text(&client, &app, &path).await;
    assert!(html.contains("Skærmbesøg i alfa</span>"));
    assert!(html.contains("Først gemt titel</span>"));
}

#[tokio::test]
async fn edit_with_errors_keeps_input() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Admin).await;
    let path = format!("/potentialer/{}/rediger", t.potential.id);
    let res = post_form(
        &client,
        &app,
        &path,
        &[
            ("_csrf", &csrf),
            ("version", "1"),
            ("title", ""),
            ("description", "Ny tekst"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.expect("body");
    assert!(html.contains("Titlen skal udfyldes."));
    assert!(html.contains("Ny tekst</textarea>"));
    assert!(html.contains("<details class=\"edit\" open>"));
    assert_eq!(seeded(&app, &t).await.version, 1);
}

#[tokio::test]
async fn status_changes_need_a_reason_for_afvist_and_are_shown_in_history() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Portefoljeleder).await;
    let path = format!("/potentialer/{}", t.potential.id);
    let (_, html) = get_text(&client, &app, &path).await;
    assert!(html.contains(r#"<option value="vurderet">Vurderet</option>"#));
    assert!(html.contains("Afvist (kræver begrundelse)"));
    assert!(
        !html.contains(r#"<option value="besluttet">"#),
        "only allowed moves are offered"
    );

    let status_path = format!("{path}/status");
    let res = post_form(
        &client,
        &app,
        &status_path,
        &[
            ("_csrf", &csrf),
            ("version", "1"),
            ("status", "afvist"),
            ("reason", "  "),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.expect("body");
    assert!(html.contains(r#"<p class="field-error" id="reason-fejl">Skriv en begrundelse, når status ændres til afvist.</p>"#));
    assert!(
        html.contains(r#"<option value="afvist" selected>"#),
        "the choice is kept"
    );
    assert_eq!(seeded(&app, &t).await.status, Status::Ide);

    let res = post_form(
        &client,
        &app,
        &status_path,
        &[
            ("_csrf", &csrf),
            ("version", "1"),
            ("status", "vurderet"),
            ("reason", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &client,
        &app,
        &status_path,
        &[
            ("_csrf", &csrf),
            ("version", "2"),
            ("status", "parkeret"),
            ("reason", "Afventer budget 2027"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&client, &app, &format!("{path}?besked=status")).await;
    assert!(html.contains("Status er ændret."));
    assert!(html.contains(r#"<span class="badge s-parkeret">Parkeret</span>"#));
    assert!(html.contains("Afventer budget 2027"));
    assert!(
        html.contains(r#"<td data-label="Fra">Vurderet</td><td data-label="Til">Parkeret</td>"#)
    );
    assert!(html.contains("Status ændret</strong> af Porteføljeleder alfa"));

    // A stale status form: conflict, nothing saved.
    let res = post_form(
        &client,
        &app,
        &status_path,
        &[
            ("_csrf", &csrf),
            ("version", "2"),
            ("status", "ide"),
            ("reason", "Igen"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("Nogen har ændret potentialet"));
    assert_eq!(seeded(&app, &t).await.status, Status::Parkeret);
}

#[tokio::test]
async fn laeser_sees_no_edit_form_and_cannot_post_one() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Laeser).await;
    let path = format!("/potentialer/{}", t.potential.id);
    let (status, html) = get_text(&client, &app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/rediger\""), "no edit form");
    assert!(!html.contains("/status\""), "no status form");
    let res = post_form(
        &client,
        &app,
        &format!("{path}/rediger"),
        &[("_csrf", &csrf), ("version", "1"), ("title", "Hacket")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.expect("body").contains("Ingen adgang"));
    let res = post_form(
        &client,
        &app,
        &format!("{path}/status"),
        &[("_csrf", &csrf), ("version", "1"), ("status", "vurderet")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let stored = seeded(&app, &t).await;
    assert_eq!(
        (stored.title.as_str(), stored.status, stored.version),
        ("Skærmbesøg i alfa", Status::Ide, 1)
    );
}

#[tokio::test]
async fn another_tenants_potential_is_not_found() {
    let app = spawn_app().await;
    let _a = seed_tenant(&app.store, "alfa").await;
    let b = seed_tenant(&app.store, "beta").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Admin).await;
    let path = format!("/potentialer/{}", b.potential.id);
    let (status, html) = get_text(&client, &app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Siden findes ikke"));
    assert!(!html.contains("Skærmbesøg i beta"));
    let res = post_form(
        &client,
        &app,
        &format!("{path}/rediger"),
        &[("_csrf", &csrf), ("version", "1"), ("title", "Overtaget")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/status"),
        &[("_csrf", &csrf), ("version", "1"), ("status", "vurderet")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.store
            .potential(b.tenant.id, b.potential.id)
            .await
            .expect("p")
            .version,
        1
    );
    for bad in ["/potentialer/abc", "/potentialer/999999", "/potentialer/-1"] {
        assert_eq!(
            get_text(&client, &app, bad).await.0,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    // The list never shows the other tenant's potentials.
    let (_, html) = get_text(&client, &app, "/potentialer?q=beta").await;
    assert!(!html.contains("Skærmbesøg i beta"));
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_refused() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, _) = login_role(&app, "alfa", Role::Admin).await;
    let unit = t.enhed.id.to_string();
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[("title", "Uden token"), ("unit_id", &unit)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[
            ("_csrf", "forkert"),
            ("title", "Forkert token"),
            ("unit_id", &unit),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let path = format!("/potentialer/{}/status", t.potential.id);
    let res = post_form(
        &client,
        &app,
        &path,
        &[
            ("_csrf", "forkert"),
            ("version", "1"),
            ("status", "vurderet"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .potential_counts(t.tenant.id)
            .await
            .expect("counts")
            .total,
        1
    );
    assert_eq!(seeded(&app, &t).await.status, Status::Ide);
}

#[tokio::test]
async fn script_in_a_title_is_escaped_everywhere() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let (client, csrf) = login_role(&app, "alfa", Role::Admin).await;
    let unit = t.enhed.id.to_string();
    let evil = "<script>alert(1)</script> \"><img src=x onerror=alert(2)>";
    let res = post_form(
        &client,
        &app,
        "/potentialer/ny",
        &[
            ("_csrf", &csrf),
            ("title", evil),
            ("description", "<b>fed</b>"),
            ("unit_id", &unit),
            ("tags", "<i>tag</i>"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    for path in [location.as_str(), "/potentialer", "/potentialer?q=script"] {
        let (status, html) = get_text(&client, &app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("<script>alert(1)"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&lt;script&gt;alert(1)"),
            "{path}"
        );
    }
    let (_, html) = get_text(&client, &app, &location).await;
    assert!(!html.contains("<b>fed</b>") && !html.contains("<i>tag</i>"));
}

#[tokio::test]
async fn list_filters_searches_and_pages() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    for i in 0..30 {
        add_potential(
            &app,
            &t,
            &format!("Robot nummer {i:02}"),
            t.other.id,
            Status::Vurderet,
        )
        .await;
    }
    add_potential(
        &app,
        &t,
        "Talegenkendelse i hjemmeplejen",
        t.enhed.id,
        Status::Besluttet,
    )
    .await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;

    let (status, html) = get_text(&client, &app, "/potentialer").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>32</strong> potentialer"));
    assert!(html.contains("Side 1 af 1"));

    let (_, html) = get_text(&client, &app, "/potentialer?status=besluttet").await;
    assert!(html.contains("<strong>1</strong> potentiale matcher"));
    assert!(html.contains("Talegenkendelse i hjemmeplejen"));
    assert!(
        html.contains(r#"<option value="besluttet" selected>"#),
        "the filter is kept"
    );

    let (_, html) = get_text(&client, &app, "/potentialer?q=TALEGENKENDELSE").await;
    assert!(html.contains("Talegenkendelse i hjemmeplejen") && !html.contains("Robot nummer"));

    let (_, html) = get_text(
        &client,
        &app,
        &format!("/potentialer?unit={}", t.forvaltning.id),
    )
    .await;
    assert!(
        html.contains("<strong>2</strong> potentialer"),
        "unit filter includes sub-units"
    );

    let (_, html) = get_text(
        &client,
        &app,
        "/potentialer?q=robot&sort=title&order=asc&per_page=25",
    )
    .await;
    assert!(html.contains("<strong>30</strong> potentialer"));
    assert!(html.contains("Side 1 af 2"));
    assert!(
        html.contains("Robot nummer 00")
            && html.contains("Robot nummer 24")
            && !html.contains("Robot nummer 25")
    );
    assert!(html.contains(r#"aria-sort="ascending""#));
    let next = r#"href="/potentialer?q=robot&sort=title&order=asc&per_page=25&page=2" rel="next""#;
    assert!(
        html.replace("&#38;", "&").contains(next),
        "next-page link keeps the filter"
    );
    let (_, html) = get_text(
        &client,
        &app,
        "/potentialer?q=robot&sort=title&order=asc&per_page=25&page=2",
    )
    .await;
    assert!(html.contains("Side 2 af 2"));
    assert!(
        html.contains("Robot nummer 25")
            && html.contains("Robot nummer 29")
            && !html.contains("Robot nummer 24")
    );
}

#[tokio::test]
async fn invalid_filters_are_errors_not_failures() {
    let app = spawn_app().await;
    let _t = seed_tenant(&app.store, "alfa").await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let long = "x".repeat(250);
    let path = format!("/potentialer?status=nonsens&unit=abc&page=0&per_page=5000&sort=pris&order=op&q={long}&status=ide");
    let (status, html) = get_text(&client, &app, &path).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("Ukendt status: nonsens"));
    assert!(html.contains("Ukendt sortering."));
    assert!(html.contains("Søgeteksten må højst være 200 tegn."));
    assert!(html.contains(&long), "the typed search text is kept");
    assert!(
        html.contains("Skærmbesøg i alfa"),
        "the valid rest of the filter still lists potentials"
    );
    let (status, _) = get_text(&client, &app, "/potentialer?unit=999999").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = get_text(&client, &app, "/potentialer?%ff=%ff").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn pages_need_a_login() {
    let app = spawn_app().await;
    let _t = seed_tenant(&app.store, "alfa").await;
    for path in ["/", "/potentialer", "/potentialer/ny", "/potentialer/1"] {
        let res = app.client.get(app.url(path)).send().await.expect("GET");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            res.headers()["location"]
                .to_str()
                .expect("loc")
                .starts_with("/login"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn list_pages_through_5000_potentials() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let statuses = [
        Status::Ide,
        Status::Vurderet,
        Status::BusinessCase,
        Status::Parkeret,
    ];
    for i in 0..5000 {
        let unit = if i % 2 == 0 { t.enhed.id } else { t.other.id };
        add_potential(
            &app,
            &t,
            &format!("Potentiale nummer {i:04}"),
            unit,
            statuses[i % statuses.len()],
        )
        .await;
    }
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    for path in [
        "/",
        "/potentialer",
        "/potentialer?per_page=200&page=25",
        "/potentialer?q=nummer%2049&sort=title&order=desc",
        "/potentialer?status=parkeret&sort=unit&per_page=100&page=7",
    ] {
        let (status, html) = get_text(&client, &app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.len() < 1_000_000,
            "{path} is paged, not everything at once"
        );
    }
    let (_, html) = get_text(&client, &app, "/potentialer").await;
    assert!(html.contains("<strong>5.001</strong> potentialer"));
    assert!(html.contains("Side 1 af 101"));
}
