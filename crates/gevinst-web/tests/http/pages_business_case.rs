//! The business-case pages through the real server: saving with Danish numbers, results
//! and charts, the no-JavaScript actions (add line, phase-in), field errors, conflicts,
//! roles, tenant isolation, simulation and escaping.

use crate::helpers::{
    get_text, login_role, post_form, post_text, seed_tenant_for_case, spawn_app, SeededTenant,
    TestApp,
};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::Role;
use reqwest::StatusCode;

fn path(t: &SeededTenant) -> String {
    format!("/potentialer/{}/business-case", t.potential.id.0)
}

/// Saves the valid case of [`case_fields`] with the first line labelled `label` (a new
/// case: no version) and checks the redirect.
async fn save_case(
    client: &reqwest::Client,
    app: &TestApp,
    t: &SeededTenant,
    csrf: &str,
    label: &str,
) {
    let res = post_form(client, app, &path(t), &case_fields(csrf, label, "")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// A valid case: 1.234.567,50 kr. invested in 2025, 1.000.000 kr. saved in 2026 and
/// 2027, discounted at 10 %.
fn case_fields<'a>(csrf: &'a str, label: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("version", version),
        ("start_year", "2025"),
        ("horizon", "3"),
        ("discount_rate", "10"),
        ("line_kind_0", "investering"),
        ("line_label_0", label),
        ("line_amount_0_0", "1.234.567,50"),
        ("line_amount_0_1", ""),
        ("line_amount_0_2", "0"),
        ("line_low_0", "1"),
        ("line_high_0", "1,2"),
        ("line_kind_1", "direkte_besparelse"),
        ("line_label_1", "Porto"),
        ("line_amount_1_0", "0"),
        ("line_amount_1_1", "1.000.000"),
        ("line_amount_1_2", "1000000"),
        ("line_low_1", "0,8"),
        ("line_high_1", "1"),
        ("line_hjemtagbar_1", "on"),
        ("risk_description_0", "Forsinket levering"),
        ("risk_probability_0", "20"),
        ("risk_min_0", "10.000"),
        ("risk_likely_0", "50.000"),
        ("risk_max_0", "200.000"),
        ("risk_year_0", "1"),
        ("action", "save"),
    ]
}

async fn saved_case(
    app: &TestApp,
    t: &SeededTenant,
) -> Option<gevinst_testkit::store::StoredBusinessCase> {
    app.store
        .business_case(t.tenant.id, t.potential.id)
        .await
        .expect("read case")
}

#[tokio::test]
async fn saving_with_danish_numbers_stores_the_case_and_shows_the_npv() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "aarhus").await;
    let (client, csrf) = login_role(&app, "aarhus", Role::Admin).await;
    let (status, page) = get_text(&client, &app, &path(&t)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Opret business case"));
    assert!(page.contains("endnu ingen business case"));

    save_case(&client, &app, &t, &csrf, "Licens").await;

    let stored = saved_case(&app, &t).await.expect("saved");
    let case = &stored.case;
    assert_eq!(case.horizon, 3);
    assert_eq!(case.discount_rate, Some(Decimal::new(1, 1)));
    assert_eq!(case.lines[0].amounts[0], Decimal::new(12_345_675, 1));
    assert_eq!(case.lines[0].amounts[1], Decimal::ZERO);
    assert_eq!(case.lines[0].high, Decimal::new(12, 1));
    assert!(case.lines[1].hjemtagbar);
    assert_eq!(case.risks[0].probability, Decimal::new(2, 1));
    assert_eq!(case.risks[0].year, 1);

    let (status, page) = get_text(&client, &app, &format!("{}?besked=gemt", path(&t))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Business casen er gemt."));
    // 1.000.000/1,1 + 1.000.000/1,21 − 1.234.567,50 = 500.969,69.
    assert!(page.contains("500.970 kr."), "NPV in Danish format");
    assert!(page.contains("Tilbagebetalingsår"));
    assert!(page.contains("<dd><span class=\"bc-value\">2027</span>"));
    assert!(page.contains("Bruttogevinst over horisonten"));
    assert!(page.contains("2.000.000 kr."));
    assert!(page.contains("Usynligt arbejde i procent af bruttogevinsten"));
    assert_eq!(
        page.matches("role=\"img\"").count(),
        2,
        "cash flow and tornado"
    );
    assert!(page.contains("<title id=\"pengestroem-titel\">"));
    assert!(page.contains("Tilbagebetalt 2027"));
    assert!(page.contains("Vis tallene bag grafen som tabel"));
    // The form shows the stored values the Danish way, with their øre (issue 11: not
    // "1.234.567,5").
    assert!(page.contains("value=\"1.234.567,50\""));

    // The potential's page links to the case with key figures.
    let (_, detail) = get_text(&client, &app, &format!("/potentialer/{}", t.potential.id.0)).await;
    assert!(detail.contains(&format!("href=\"{}\"", path(&t))));
    assert!(detail.contains("500.970 kr."));
}

#[tokio::test]
async fn add_line_and_refresh_re_render_without_saving() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "odense").await;
    let (client, csrf) = login_role(&app, "odense", Role::Admin).await;
    let mut form = case_fields(&csrf, "Min særlige linje", "");
    form.retain(|(k, _)| *k != "action");
    form.push(("action", "add_line"));
    let (status, page) = post_text(&client, &app, &path(&t), &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"Min særlige linje\""));
    assert!(page.contains("value=\"1.234.567,50\""));
    assert!(page.contains("Linje 3"));
    assert!(page.contains("id=\"line_kind_2\""));
    assert!(saved_case(&app, &t).await.is_none(), "nothing saved");

    // A longer horizon adds year columns on re-render.
    let mut form = case_fields(&csrf, "Licens", "");
    form.retain(|(k, _)| *k != "action" && *k != "horizon");
    form.push(("horizon", "5"));
    form.push(("action", "refresh"));
    let (status, page) = post_text(&client, &app, &path(&t), &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"line_amount_1_4\""));
    assert!(page.contains("<label for=\"line_amount_0_4\">2029</label>"));
    assert!(saved_case(&app, &t).await.is_none());
}

#[tokio::test]
async fn phase_in_fills_the_years() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "vejle").await;
    let (client, csrf) = login_role(&app, "vejle", Role::Admin).await;
    let form = vec![
        ("_csrf", csrf.as_str()),
        ("version", ""),
        ("start_year", "2025"),
        ("horizon", "4"),
        ("line_kind_0", "frigjorte_timer"),
        ("line_label_0", "Skærmbesøg"),
        ("line_full_0", "400.000"),
        ("line_phase_0", "25, 75, 100"),
        ("action", "fill:0"),
    ];
    let (status, page) = post_text(&client, &app, &path(&t), &form).await;
    assert_eq!(status, StatusCode::OK);
    for (t_, v) in [
        (0, "100.000"),
        (1, "300.000"),
        (2, "400.000"),
        (3, "400.000"),
    ] {
        let needle = format!("id=\"line_amount_0_{t_}\" name=\"line_amount_0_{t_}\" value=\"{v}\"");
        assert!(page.contains(&needle), "{needle}");
    }
    assert!(saved_case(&app, &t).await.is_none());
}

#[tokio::test]
async fn bad_input_is_422_with_danish_messages_and_nothing_saved() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "horsens").await;
    let (client, csrf) = login_role(&app, "horsens", Role::Admin).await;
    let mut form = case_fields(&csrf, "Licens", "");
    for (k, v) in form.iter_mut() {
        match *k {
            "line_low_0" => *v = "1,5",
            "line_amount_1_1" => *v = "en million",
            "risk_probability_0" => *v = "150",
            _ => {}
        }
    }
    let (status, page) = post_text(&client, &app, &path(&t), &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""));
    assert!(page.contains("Business casen er ikke gemt. Ret følgende:"));
    assert!(page.contains("<p class=\"field-error\" id=\"line_low_0-fejl\">Lav-faktoren skal ligge mellem 0 og 1.</p>"));
    assert!(page.contains(
        "<p class=\"field-error\" id=\"line_amount_1_1-fejl\">«en million» er ikke et tal"
    ));
    assert!(page.contains("<p class=\"field-error\" id=\"risk_probability_0-fejl\">Sandsynligheden skal ligge mellem 0 og 100 %.</p>"));
    assert!(page.contains("href=\"#line_low_0\""));
    assert!(page.contains("aria-describedby=\"line_low_0-fejl\""));
    // Input is kept.
    assert!(page.contains("value=\"en million\""));
    assert!(page.contains("value=\"1,5\""));
    assert!(saved_case(&app, &t).await.is_none());
}

#[tokio::test]
async fn a_stale_version_is_409_and_saves_nothing() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "vejen").await;
    let (client, csrf) = login_role(&app, "vejen", Role::Admin).await;
    save_case(&client, &app, &t, &csrf, "Licens").await;
    let before = saved_case(&app, &t).await.expect("saved");
    // Someone read the page before the case existed and now saves "Ny tekst".
    let (status, page) = post_text(
        &client,
        &app,
        &path(&t),
        &case_fields(&csrf, "Ny tekst", ""),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Business casen er ikke gemt"));
    assert!(page.contains("Nogen har gemt business casen"));
    assert!(page.contains("value=\"Ny tekst\""), "input kept");
    assert!(page.contains(&format!("name=\"version\" value=\"{}\"", before.version)));
    let after = saved_case(&app, &t).await.expect("still there");
    assert_eq!(after.version, before.version);
    assert_eq!(after.case.lines[0].label, "Licens");
}

#[tokio::test]
async fn a_reader_sees_results_only_and_may_not_post() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "skive").await;
    let (admin, csrf) = login_role(&app, "skive", Role::Admin).await;
    save_case(&admin, &app, &t, &csrf, "Licens").await;
    let (reader, rcsrf) = login_role(&app, "skive", Role::Laeser).await;
    let (status, page) = get_text(&reader, &app, &path(&t)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("500.970 kr."));
    assert!(!page.contains("business-case-form"));
    assert!(!page.contains("Gem business case"));
    let (status, _) = post_text(&reader, &app, &path(&t), &case_fields(&rcsrf, "Læst", "1")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut add = case_fields(&rcsrf, "Læst", "1");
    add.push(("action", "add_line"));
    let (status, _) = post_text(&reader, &app, &path(&t), &add).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        saved_case(&app, &t).await.expect("case").case.lines[0].label,
        "Licens"
    );
}

#[tokio::test]
async fn another_tenants_potential_is_not_found() {
    let app = spawn_app().await;
    let a = seed_tenant_for_case(&app.store, "aalborg").await;
    let _b = seed_tenant_for_case(&app.store, "randers").await;
    let (client, csrf) = login_role(&app, "randers", Role::Admin).await;
    let (status, _) = get_text(&client, &app, &path(&a)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post_text(&client, &app, &path(&a), &case_fields(&csrf, "X", "")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let sim = format!("{}/simuler", path(&a));
    let (status, _) = post_text(
        &client,
        &app,
        &sim,
        &[("_csrf", &csrf), ("iterations", "100"), ("seed", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(saved_case(&app, &a).await.is_none());
}

/// The simulation results section of a page.
fn sim_section(page: &str) -> &str {
    let start = page.find("bc-sim-results").expect("simulation results");
    let end = page[start..].find("</section>").expect("end") + start;
    &page[start..end]
}

#[tokio::test]
async fn simulation_shows_percentiles_and_is_reproducible() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "viborg").await;
    let (client, csrf) = login_role(&app, "viborg", Role::Admin).await;
    save_case(&client, &app, &t, &csrf, "Licens").await;
    let (reader, rcsrf) = login_role(&app, "viborg", Role::Laeser).await;
    let sim = format!("{}/simuler", path(&t));
    let form = [
        ("_csrf", rcsrf.as_str()),
        ("iterations", "2.000"),
        ("seed", "7"),
    ];
    let (status, first) = post_text(&reader, &app, &sim, &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("Resultat af 2.000 gennemløb (startværdi 7)"));
    assert!(first.contains("P10: 10 % af udfaldene er lavere end dette beløb."));
    assert!(first.contains("P90: 90 % af udfaldene er lavere end dette beløb."));
    assert!(first.contains("Sandsynlighed for negativ nutidsværdi"));
    assert!(first.contains("<title id=\"fordeling-npv-titel\">Fordeling af nutidsværdien</title>"));
    assert!(first.contains("<title id=\"fordeling-fuld-titel\">"));
    assert!(first.contains(">P50</text>"));
    let (_, second) = post_text(&reader, &app, &sim, &form).await;
    assert_eq!(
        sim_section(&first),
        sim_section(&second),
        "same seed, same numbers"
    );

    let (status, bad) = post_text(
        &reader,
        &app,
        &sim,
        &[
            ("_csrf", rcsrf.as_str()),
            ("iterations", "mange"),
            ("seed", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("id=\"iterations-fejl\">Antal gennemløb skal være"));
    assert!(bad.contains("value=\"mange\""));
}

#[tokio::test]
async fn script_in_a_label_is_escaped_in_table_and_svg() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "struer").await;
    let (client, csrf) = login_role(&app, "struer", Role::Admin).await;
    let label = "<script>alert(1)</script>";
    save_case(&client, &app, &t, &csrf, label).await;
    let (_, page) = get_text(&client, &app, &path(&t)).await;
    assert!(!page.contains("<script>"), "no raw script anywhere");
    let svg_start = page
        .find("aria-labelledby=\"tornado-titel")
        .expect("tornado svg");
    let svg_end = page[svg_start..].find("</svg>").expect("end") + svg_start;
    assert!(page[svg_start..svg_end].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // askama writes numeric entities in the page; the chart code named ones.
    assert!(page.contains("<th scope=\"row\">&#60;script&#62;alert(1)&#60;/script&#62;</th>"));
}
