//! The programme pages through the real server: the Monday overview with hand-computed
//! figures, the forecast only on request, recording actuals (rights, CSRF, bad input),
//! plan edits with optimistic concurrency, the årshjul and the programme form.
//!
//! Figures of the fixture ([`seed_programme`]), with the default economics (500.000 kr.
//! and 1.924 hours per årsværk, so 259,875... kr. per hour):
//! planned gain 2026 and 2027 = 60.000 + 100 × 500.000 / 1.924 = 85.987,53 kr. ("85.988
//! kr."), 2025 = 0 kr. (the investment is not part of the annual gain); årsværk 2026 =
//! 100 / 1.924 = 0,05.

use crate::helpers::{
    get_text, login_role, post_text, row_cells, seed_programme, seed_tenant, spawn_app,
    ProgrammeFixture, SeededTenant, TestApp,
};
use gevinst_domain::Role;
use reqwest::StatusCode;

pub(crate) async fn world(slug: &str) -> (TestApp, SeededTenant, ProgrammeFixture) {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, slug).await;
    let f = seed_programme(&app.store, &t).await;
    (app, t, f)
}

pub(crate) fn overview_path(f: &ProgrammeFixture) -> String {
    format!("/programmer/{}", f.programme.0)
}

pub(crate) fn plan_path(f: &ProgrammeFixture) -> String {
    format!("/potentialer/{}/gevinstplan", f.potential.0)
}

/// Where the plan page's form records an actual.
pub(crate) fn actual_path(f: &ProgrammeFixture) -> String {
    format!("{}/maaling", plan_path(f))
}

pub(crate) fn actual_form<'a>(
    csrf: &'a str,
    period: &'a str,
    kr: &'a str,
    harvested: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("line", "1"),
        ("period", period),
        ("hours", ""),
        ("kr", kr),
        ("fte", ""),
        ("invisible_hours", ""),
        ("harvested", harvested),
        ("budget_reference", ""),
        ("harvested_on", ""),
        ("note", "Målt i økonomisystemet"),
    ]
}

/// The fixture's benefit plan as stored.
pub(crate) async fn stored_plan(
    app: &TestApp,
    t: &SeededTenant,
    f: &ProgrammeFixture,
) -> gevinst_testkit::store::StoredBenefitPlan {
    app.store
        .benefit_plan(t.tenant.id, f.potential)
        .await
        .expect("plan")
        .expect("some plan")
}

async fn actual_count(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> usize {
    app.store
        .list_actuals(t.tenant.id, f.potential)
        .await
        .expect("actuals")
        .len()
}

#[tokio::test]
async fn overview_shows_hand_computed_figures_in_danish() {
    let (app, t, f) = world("mandag").await;
    let (c, _) = login_role(&app, "mandag", Role::Laeser).await;
    let (status, html) = get_text(&c, &app, &overview_path(&f)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Digitalisering 2025–2027</h1>"));
    assert!(html.contains("100.000 kr. pr. år senest i 2027"));
    assert!(html.contains("0,50 årsværk senest i 2027"));
    // The kr. table comes first.
    assert_eq!(row_cells(&html, "Mål"), ["–", "–", "100.000 kr."]);
    assert_eq!(
        row_cells(&html, "Planlagt"),
        ["0 kr.", "85.988 kr.", "85.988 kr."]
    );
    assert_eq!(
        row_cells(&html, "heraf besluttet"),
        ["0 kr.", "85.988 kr.", "85.988 kr."]
    );
    assert_eq!(
        row_cells(&html, "Besluttet"),
        ["0 kr.", "85.988 kr.", "85.988 kr."]
    );
    assert_eq!(row_cells(&html, "Realiseret"), ["0 kr.", "0 kr.", "0 kr."]);
    assert_eq!(row_cells(&html, "Hjemtaget"), ["0 kr.", "0 kr.", "0 kr."]);
    // Gaps in words, not signs (issue 11 replaced "(+ = bagud)" and "(+ = mangler)").
    assert_eq!(
        row_cells(&html, "Realiseret i forhold til mål"),
        [
            "–",
            "–",
            "<span class=\"gap-behind\">100.000 kr. bagud</span>"
        ]
    );
    // 100.000 − 85.987,53 = 14.012,47 kr. of the 2027 target is not yet decided.
    assert_eq!(
        row_cells(&html, "Besluttede i forhold til mål"),
        [
            "–",
            "–",
            "<span class=\"gap-behind\">14.012 kr. bagud</span>"
        ]
    );
    // The årsværk table.
    let fte = &html[html.find("id=\"aar-aarsvaerk\"").expect("fte table")..];
    assert_eq!(
        row_cells(fte, "Planlagt"),
        ["0,00 årsværk", "0,05 årsværk", "0,05 årsværk"]
    );
    assert_eq!(row_cells(fte, "Mål"), ["–", "–", "0,50 årsværk"]);
    // Distribution key: 60 % of 100.000 kr. to the forvaltning, which carries the whole
    // plan (85.987,53 kr.), so its decided cases exceed its share by 25.987,53 kr.
    let key = &html[html.find("id=\"fordelingsnoegle\"").expect("key table")..];
    let forv = row_cells(key, &t.forvaltning.name);
    assert_eq!(
        forv,
        [
            "60.000 kr.",
            "85.988 kr.",
            "85.988 kr.",
            "0 kr.",
            "<span class=\"gap-ahead\">25.988 kr. foran</span>"
        ]
    );
    let other = row_cells(key, &t.other.name);
    assert_eq!(
        other,
        [
            "40.000 kr.",
            "0 kr.",
            "0 kr.",
            "0 kr.",
            "<span class=\"gap-behind\">40.000 kr. bagud</span>"
        ]
    );
    // Links to the report and the Excel export.
    assert!(html.contains(&format!("href=\"/programmer/{}/rapport\"", f.programme.0)));
    assert!(html.contains(&format!(
        "href=\"/programmer/{}/eksport.xlsx\"",
        f.programme.0
    )));
    // A læser sees no edit link.
    assert!(!html.contains("/rediger\""));
}

#[tokio::test]
async fn forecast_is_computed_only_on_request() {
    use chrono::Datelike;
    let (app, cache) = crate::helpers::spawn_app_with_forecasts().await;
    let t = seed_tenant(&app.store, "prognose").await;
    let f = seed_programme(&app.store, &t).await;
    let principal = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Laeser), chrono::Utc::now(), None)
        .await
        .expect("principal");
    let settings = gevinst_domain::business_case::SimulationSettings {
        iterations: 10_000,
        seed: 0,
    };
    let year = chrono::Utc::now().year();
    let programmes = cache.programmes();
    let cached = || programmes.cached_forecast(&principal, f.programme, settings, year);
    let (c, csrf) = login_role(&app, "prognose", Role::Laeser).await;
    for _ in 0..2 {
        let (_, html) = get_text(&c, &app, &overview_path(&f)).await;
        assert!(html.contains("Prognosen er ikke beregnet for de nuværende data."));
        assert!(html.contains("Beregn prognose"));
        assert!(!html.contains("Sandsynlighed for at nå målet"));
        assert!(!html.contains("fan-chart"));
        assert!(cached().await.expect("cache").is_none());
    }
    let (status, _) = post_text(
        &c,
        &app,
        &format!("/programmer/{}/prognose", f.programme.0),
        &[("_csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let forecast = cached()
        .await
        .expect("cache")
        .expect("computed by the POST");
    assert_eq!(forecast.iterations, 10_000);
    assert_eq!(forecast.targets[0].probability, 0.0);
    let (_, html) = get_text(&c, &app, &overview_path(&f)).await;
    assert!(!html.contains("Prognosen er ikke beregnet"));
    // Even with every multiplier at its high end the 2027 gain is at most
    // 60.000 × 1,1 + 25.987,53 × 1,2 = 97.185 kr. < 100.000 kr., and
    // 100 × 1,2 / 1.924 = 0,06 årsværk < 0,5: neither target can be reached.
    // One wording for a chance (danish::format_chance): whole percent.
    assert!(html.contains("Sandsynlighed for at nå målet på 100.000 kr. i 2027: 0 %"));
    assert!(html.contains("Sandsynlighed for at nå målet på 0,50 årsværk i 2027: 0 %"));
    assert_eq!(html.matches("class=\"chart fan-chart\"").count(), 2);
    assert!(html.contains("Mål 2027: 100.000 kr."));
    assert!(html.contains("Beregnet med 10.000 gennemløb."));
    // Without CSRF the forecast is refused.
    let (status, _) = post_text(
        &c,
        &app,
        &format!("/programmer/{}/prognose", f.programme.0),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn owner_records_an_actual_and_the_overview_changes() {
    let (app, t, f) = world("maaling").await;
    let (c, csrf) = login_role(&app, "maaling", Role::Leder).await;
    let (status, html) = get_text(&c, &app, &plan_path(&f)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Registrér måling"));
    assert!(html.contains("Der er ikke registreret nogen målinger endnu."));
    assert!(html.contains("Udtræk fra fagsystemet"));
    // The 2025 measurements (due 31.12.2025) are missing for both benefits.
    assert!(html.contains(
        "<th scope=\"row\">2025</th><td>31.12.2025</td><td><strong class=\"flag-overdue\">Overskredet</strong> mangler: Porto, Sagsbehandling</td>"
    ));
    assert!(html.contains("<td class=\"num\">60.000 kr.</td>"));
    assert!(html.contains("<td class=\"num\">100 timer (25.988 kr.)</td>"));
    let (status, _) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2026", "50.000", ""),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(actual_count(&app, &t, &f).await, 1);
    let (_, html) = get_text(&c, &app, &format!("{}?besked=maaling", plan_path(&f))).await;
    assert!(html.contains("Målingen er registreret."));
    let porto = &html[html.find("id=\"maalinger\"").expect("actuals table")..];
    assert!(porto.contains("<th scope=\"row\">Porto</th><td>2026</td>"));
    // Hours, kr., årsværk, invisible work, realised value, hjemtaget, freed but reinvested.
    let cells = [
        "0,00",
        "50.000 kr.",
        "0,00",
        "0,00",
        "50.000 kr.",
        "0 kr.",
        "50.000 kr.",
    ]
    .map(|c| format!("<td class=\"num\">{c}</td>"))
    .concat();
    assert!(porto.contains(&format!("<td>2026</td>{cells}")));
    assert!(porto.contains("Målt i økonomisystemet"));
    let (_, overview) = get_text(&c, &app, &overview_path(&f)).await;
    assert_eq!(
        row_cells(&overview, "Realiseret"),
        ["0 kr.", "50.000 kr.", "0 kr."]
    );
    assert_eq!(
        row_cells(&overview, "Frigjort, ikke hjemtaget"),
        ["0 kr.", "50.000 kr.", "0 kr."]
    );
}

#[tokio::test]
async fn laeser_and_digital_agent_may_not_record_and_csrf_is_required() {
    let (app, t, f) = world("ingenadgang").await;
    for role in [Role::Laeser, Role::DigitalAgent] {
        let (c, csrf) = login_role(&app, "ingenadgang", role).await;
        let (_, html) = get_text(&c, &app, &plan_path(&f)).await;
        assert!(!html.contains("Registrér måling"), "{role:?} sees no form");
        let (status, _) = post_text(
            &c,
            &app,
            &actual_path(&f),
            &actual_form(&csrf, "2026", "50.000", ""),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
    }
    let (c, _) = login_role(&app, "ingenadgang", Role::Leder).await;
    let mut form = actual_form("forkert", "2026", "50.000", "");
    form.remove(0);
    let (status, _) = post_text(&c, &app, &actual_path(&f), &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(actual_count(&app, &t, &f).await, 0);
}

#[tokio::test]
async fn bad_actual_input_gives_danish_errors_and_keeps_input() {
    let (app, t, f) = world("fejl").await;
    let (c, csrf) = login_role(&app, "fejl", Role::Leder).await;
    let (status, html) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2030", "12.345", "-5"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Målingen er ikke registreret. Ret følgende:"));
    assert!(html.contains("Perioden 2030 ligger uden for planens år (2025-2027)."));
    assert!(html.contains("Det hjemtagne beløb kan ikke være negativt."));
    assert!(html.contains("id=\"period\" name=\"period\" value=\"2030\""));
    assert!(html.contains("id=\"kr\" name=\"kr\" value=\"12.345\""));
    assert!(html.contains("id=\"harvested\" name=\"harvested\" value=\"-5\""));
    assert!(html.contains("href=\"#harvested\""));
    // Harvested without budget reference and date.
    let (status, html) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2026", "", "1.000"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Angiv datoen for hjemtagningen."));
    assert!(html.contains("Angiv hvilket budget beløbet er hjemtaget fra."));
    // Text that is not a number.
    let (status, html) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2026", "mange", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Realiseret i kr. skal være et tal"));
    assert_eq!(actual_count(&app, &t, &f).await, 0);
}

pub(crate) fn plan_form<'a>(
    csrf: &'a str,
    version: &'a str,
    owner: &'a str,
    kpi: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("version", version),
        ("frequency", "yearly"),
        ("benefits[0].owner", owner),
        ("benefits[0].kpi", kpi),
        ("benefits[0].measurement_method", "Udtræk fra fagsystemet"),
        ("benefits[0].baseline", "120.000"),
        ("benefits[0].baseline_note", "Porto 2024"),
        ("benefits[0].targets[2025]", "0"),
        ("benefits[0].targets[2026]", "60.000"),
        ("benefits[0].targets[2027]", "70.000"),
        ("benefits[1].owner", owner),
        ("benefits[1].kpi", "Sagsbehandling pr. år"),
        ("benefits[1].measurement_method", "Udtræk fra fagsystemet"),
        ("benefits[1].baseline", ""),
        ("benefits[1].baseline_note", ""),
        ("benefits[1].targets[2025]", "0"),
        ("benefits[1].targets[2026]", "100"),
        ("benefits[1].targets[2027]", "100"),
    ]
}

#[tokio::test]
async fn plan_edit_with_stale_version_is_a_conflict_and_keeps_input() {
    let (app, t, f) = world("konflikt").await;
    let (c, csrf) = login_role(&app, "konflikt", Role::Admin).await;
    let stored = stored_plan(&app, &t, &f).await;
    let v = stored.version.to_string();
    let owner = t.user(Role::Leder).id.0.to_string();
    let edit = format!("{}/rediger", plan_path(&f));
    let (status, html) = get_text(&c, &app, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("name=\"version\" value=\"{v}\"")));
    // The first save with the version read wins.
    let (status, _) = post_text(
        &c,
        &app,
        &edit,
        &plan_form(&csrf, &v, &owner, "Portoudgift pr. år"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A second save with the same, now stale, version is refused.
    let (status, html) = post_text(
        &c,
        &app,
        &edit,
        &plan_form(&csrf, &v, &owner, "Min egen KPI"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Planen er ikke gemt"));
    assert!(html.contains("value=\"Min egen KPI\""));
    let now = stored_plan(&app, &t, &f).await;
    assert_eq!(now.plan.benefits[0].kpi, "Portoudgift pr. år");
    assert_eq!(
        now.plan.benefits[0].targets[2].amount,
        "70000".parse().expect("dec")
    );
    assert_eq!(
        now.plan.benefits[0].targets[2].kr,
        "70000".parse().expect("dec")
    );
    let new_v = now.version.to_string();
    assert!(html.contains(&format!("name=\"version\" value=\"{new_v}\"")));
    // Sending again with the version shown saves.
    let (status, _) = post_text(
        &c,
        &app,
        &edit,
        &plan_form(&csrf, &new_v, &owner, "Min egen KPI"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get_text(&c, &app, &plan_path(&f)).await;
    assert!(html.contains("Min egen KPI"));
    assert!(html.contains("120.000,00 (Porto 2024)"));
    // A læser may not edit.
    let (l, lcsrf) = login_role(&app, "konflikt", Role::Laeser).await;
    let (status, _) = get_text(&l, &app, &edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post_text(&l, &app, &edit, &plan_form(&lcsrf, &new_v, &owner, "X")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn aarshjul_shows_overdue_measurements_to_the_owner_only() {
    let (app, _t, f) = world("aarshjul").await;
    let (c, _) = login_role(&app, "aarshjul", Role::Leder).await;
    let (status, html) = get_text(&c, &app, "/aarshjul").await;
    assert_eq!(status, StatusCode::OK);
    // The 2025 measurements of both benefits (due 31.12.2025) are overdue: the årshjul is
    // a benefit × month table with a column for what is overdue from earlier years.
    assert!(html.contains(">Tidligere år</th>"));
    assert_eq!(html.matches(">Overskredet</strong>").count(), 2);
    assert!(html.contains("</a>: Porto<br>"));
    assert!(html.contains("</a>: Sagsbehandling<br>"));
    assert_eq!(
        html.matches("2025<span class=\"visually-hidden\"> (frist 31.12.2025)")
            .count(),
        2
    );
    assert!(html.contains(&format!(
        "href=\"/potentialer/{}/gevinstplan\"",
        f.potential.0
    )));
    assert_eq!(
        html.matches("<th scope=\"col\"><abbr title=").count()
            + html.matches("aria-current=\"date\"><abbr").count(),
        12
    );
    let (l, _) = login_role(&app, "aarshjul", Role::Laeser).await;
    let (_, html) = get_text(&l, &app, "/aarshjul").await;
    assert!(!html.contains(">Overskredet</strong>"));
    assert!(!html.contains("Robot til journalisering"));
    // The porteføljeleder sees every plan.
    let (pl, _) = login_role(&app, "aarshjul", Role::Portefoljeleder).await;
    let (_, html) = get_text(&pl, &app, "/aarshjul").await;
    assert_eq!(html.matches(">Overskredet</strong>").count(), 2);
}

#[tokio::test]
async fn programme_form_reports_a_key_that_does_not_add_up() {
    let (app, t, _f) = world("nyprogram").await;
    let (c, csrf) = login_role(&app, "nyprogram", Role::Portefoljeleder).await;
    let (status, html) = get_text(&c, &app, "/programmer").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nyt program"));
    assert!(html.contains("Digitalisering 2025–2027"));
    let (status, html) = get_text(&c, &app, "/programmer/ny").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Robot til journalisering"));
    let forv = format!("targets[0].share[{}]", t.forvaltning.id.0);
    let other = format!("targets[0].share[{}]", t.other.id.0);
    let form = vec![
        ("_csrf", csrf.as_str()),
        ("version", ""),
        ("target_count", "1"),
        ("name", "Velfærdsteknologi"),
        ("first_year", "2025"),
        ("last_year", "2027"),
        ("targets[0].kind", "kr_per_year"),
        ("targets[0].amount", "1.000.000"),
        ("targets[0].deadline_year", "2027"),
        ("targets[0].milestones", "2026: 500.000"),
        ("targets[0].basis", "percentages"),
        (forv.as_str(), "60"),
        (other.as_str(), "35"),
        ("include_decided", "1"),
        ("action", "save"),
    ];
    let (status, html) = post_text(&c, &app, "/programmer/ny", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Fordelingen giver 95 %, mangler 5 %."));
    assert!(html.contains("value=\"35\""));
    assert!(html.contains("value=\"Velfærdsteknologi\""));
    assert!(html.contains("value=\"2026: 500.000\""));
    let count = app
        .store
        .list_programmes(t.tenant.id)
        .await
        .expect("list")
        .len();
    assert_eq!(count, 1);
    // With 65 % it adds up and is saved with the decided potential included.
    let mut ok = form.clone();
    for (k, v) in ok.iter_mut() {
        if *k == other.as_str() {
            *v = "40";
        }
    }
    let (status, _) = post_text(&c, &app, "/programmer/ny", &ok).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let all = app.store.list_programmes(t.tenant.id).await.expect("list");
    let created = all
        .iter()
        .find(|p| p.programme.name == "Velfærdsteknologi")
        .expect("created");
    assert_eq!(created.programme.potentials.len(), 1);
    assert_eq!(created.programme.targets[0].milestones.len(), 1);
    // A læser may not create programmes.
    let (l, lcsrf) = login_role(&app, "nyprogram", Role::Laeser).await;
    let (status, _) = get_text(&l, &app, "/programmer/ny").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut bad = ok.clone();
    bad[0] = ("_csrf", lcsrf.as_str());
    let (status, _) = post_text(&l, &app, "/programmer/ny", &bad).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn probabilities_are_shown_in_percent_and_edited_by_the_portfolio_lead() {
    let (app, t, _f) = world("sandsynlig").await;
    let (l, _) = login_role(&app, "sandsynlig", Role::Laeser).await;
    let (status, html) = get_text(&l, &app, "/programmer/sandsynligheder").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<td class=\"num\">40 %</td>"));
    assert!(!html.contains("Gem sandsynligheder"));
    let (c, csrf) = login_role(&app, "sandsynlig", Role::Portefoljeleder).await;
    let mut form = vec![("_csrf", csrf.as_str()), ("version", "0")];
    let values = ["10", "25", "42,5", "80", "90", "100", "100", "0", "0"];
    for (s, v) in gevinst_domain::Status::ALL.iter().zip(values) {
        form.push((s.as_str(), v));
    }
    let (status, _) = post_text(&c, &app, "/programmer/sandsynligheder", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (p, _) = app
        .store
        .status_probabilities(t.tenant.id)
        .await
        .expect("probs");
    assert_eq!(p.business_case, "0.425".parse().expect("dec"));
    let (_, html) = get_text(&l, &app, "/programmer/sandsynligheder").await;
    assert!(html.contains("<td class=\"num\">42,5 %</td>"));
    // Out of range: Danish error, input kept.
    form[4].1 = "120";
    form[1].1 = "1";
    let (status, html) = post_text(&c, &app, "/programmer/sandsynligheder", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("skal være et tal fra 0 til 100 %"));
    assert!(html.contains("value=\"120\""));
}

#[tokio::test]
async fn a_plan_is_derived_from_the_business_case_and_saved() {
    let (app, t, _f) = world("udled").await;
    let id = crate::helpers::seed_decided_without_plan(&app.store, &t).await;
    let path = format!("/potentialer/{}/gevinstplan", id.0);
    // The idé potential without a case offers no derivation.
    let (c, csrf) = login_role(&app, "udled", Role::Admin).await;
    let (_, html) = get_text(
        &c,
        &app,
        &format!("/potentialer/{}/gevinstplan", t.potential.id.0),
    )
    .await;
    assert!(html.contains("Potentialet har endnu ingen gevinstrealiseringsplan."));
    assert!(!html.contains("Udled plan fra business case"));
    // The potential's own page links to the plan.
    let (_, html) = get_text(&c, &app, &format!("/potentialer/{}", id.0)).await;
    assert!(html.contains(&format!("href=\"{path}\">Gevinstplan</a>")));
    let (_, html) = get_text(&c, &app, &path).await;
    assert!(html.contains(&format!(
        "href=\"{path}/rediger\">Udled plan fra business case</a>"
    )));
    let (status, html) = get_text(&c, &app, &format!("{path}/rediger")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Planen er udledt fra business casen og er ikke gemt endnu."));
    assert!(html.contains("name=\"benefits[0].targets[2026]\" value=\"60.000\""));
    assert!(app
        .store
        .benefit_plan(t.tenant.id, id)
        .await
        .expect("read")
        .is_none());
    // Saving without owners names what is missing.
    let mut form = plan_form(&csrf, "", "", "Porto pr. år");
    let (status, html) = post_text(&c, &app, &format!("{path}/rediger"), &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Gevinsten skal have en gevinstejer."));
    assert!(html.contains("href=\"#benefits-0-owner\""));
    assert!(html.contains("id=\"benefits-0-owner\""));
    let owner = t.user(Role::Leder).id.0.to_string();
    for (k, v) in form.iter_mut() {
        if k.ends_with(".owner") {
            *v = owner.as_str();
        }
    }
    let (status, _) = post_text(&c, &app, &format!("{path}/rediger"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored = app
        .store
        .benefit_plan(t.tenant.id, id)
        .await
        .expect("read")
        .expect("saved");
    assert_eq!(stored.plan.benefits.len(), 2);
    assert_eq!(stored.plan.benefits[0].kpi, "Porto pr. år");
    assert_eq!(stored.plan.benefits[0].owner, Some(t.user(Role::Leder).id));
}

#[tokio::test]
async fn programme_edit_with_stale_version_keeps_input() {
    let (app, t, f) = world("progkonflikt").await;
    let (c, csrf) = login_role(&app, "progkonflikt", Role::Admin).await;
    let edit = format!("/programmer/{}/rediger", f.programme.0);
    let (status, html) = get_text(&c, &app, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Digitalisering 2025–2027\""));
    assert!(html.contains("value=\"100.000\""));
    let v = app
        .store
        .programme(t.tenant.id, f.programme)
        .await
        .expect("programme")
        .version
        .to_string();
    let forv = format!("targets[0].share[{}]", t.forvaltning.id.0);
    let other = format!("targets[0].share[{}]", t.other.id.0);
    let pid = f.potential.0.to_string();
    let form = |name: &'static str, version: &str| -> Vec<(String, String)> {
        [
            ("_csrf", csrf.as_str()),
            ("version", version),
            ("target_count", "2"),
            ("name", name),
            ("first_year", "2025"),
            ("last_year", "2027"),
            ("targets[0].kind", "kr_per_year"),
            ("targets[0].amount", "100.000"),
            ("targets[0].deadline_year", "2027"),
            ("targets[0].milestones", ""),
            ("targets[0].basis", "percentages"),
            (forv.as_str(), "60"),
            (other.as_str(), "40"),
            ("targets[1].kind", "aarsvaerk"),
            ("targets[1].amount", "0,5"),
            ("targets[1].deadline_year", "2027"),
            ("potentials", pid.as_str()),
            ("action", "save"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let send = |body: Vec<(String, String)>| {
        let c = c.clone();
        let url = app.url(&edit);
        async move {
            let res = c.post(url).form(&body).send().await.expect("POST");
            let status = res.status();
            (status, res.text().await.expect("body"))
        }
    };
    let (status, _) = send(form("Digitalisering 2025-2027 (rev.)", &v)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = send(form("Mit navn", &v)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Programmet er ikke gemt"));
    assert!(html.contains("value=\"Mit navn\""));
    let now = app
        .store
        .programme(t.tenant.id, f.programme)
        .await
        .expect("programme");
    assert_eq!(now.programme.name, "Digitalisering 2025-2027 (rev.)");
    assert_eq!(now.programme.targets.len(), 2);
    assert!(html.contains(&format!("name=\"version\" value=\"{}\"", now.version)));
}

#[tokio::test]
async fn other_tenants_and_bad_ids_are_not_found_and_names_are_escaped() {
    let (app, _t, f) = world("hjem").await;
    let other = seed_tenant(&app.store, "ude").await;
    let (c, csrf) = login_role(&app, "ude", Role::Admin).await;
    for p in [
        overview_path(&f),
        plan_path(&f),
        format!("/programmer/{}/rediger", f.programme.0),
        "/programmer/abc".to_owned(),
        "/potentialer/abc/gevinstplan".to_owned(),
    ] {
        let (status, _) = get_text(&c, &app, &p).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    }
    let (status, _) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2026", "1", ""),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A name with markup is shown as text.
    let form = [
        ("_csrf", csrf.as_str()),
        ("version", ""),
        ("target_count", "1"),
        ("name", "<script>alert(1)</script>"),
        ("first_year", "2026"),
        ("last_year", "2028"),
        ("targets[0].kind", "aarsvaerk"),
        ("targets[0].amount", "2"),
        ("targets[0].deadline_year", "2028"),
        ("action", "save"),
    ];
    let (status, _) = post_text(&c, &app, "/programmer/ny", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = app
        .store
        .list_programmes(other.tenant.id)
        .await
        .expect("list")[0]
        .id;
    let (status, html) = get_text(&c, &app, &format!("/programmer/{}", id.0)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("<h1>&#60;script&#62;alert(1)&#60;/script&#62;</h1>"));
    assert!(html.contains("2,00 årsværk senest i 2028"));
    assert!(html.contains("Programmet har ingen fordelingsnøgle."));
}

#[tokio::test]
async fn an_edited_business_case_is_flagged_and_the_plan_can_follow_it() {
    let (app, t, f) = world("foelg").await;
    let (c, csrf) = login_role(&app, "foelg", Role::Admin).await;
    let (_, html) = get_text(&c, &app, &plan_path(&f)).await;
    assert!(!html.contains("Business casen er ændret"));

    // The case's Porto line grows to 65.000 kr. a year (case version 2).
    let admin = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin");
    let mut case = crate::helpers::fixture_case();
    case["lines"][1]["amounts"] = serde_json::json!([0, 65000, 65000]);
    let draft = serde_json::from_value(case).expect("draft");
    gevinst_app::App::new(app.store.clone())
        .business_cases()
        .put(&admin, f.potential, Some(1), &draft)
        .await
        .expect("case v2");

    let (_, html) = get_text(&c, &app, &plan_path(&f)).await;
    assert!(html.contains("Business casen er ændret, siden gevinstplanen blev gemt"));
    let follow = format!("{}/rediger?foelg=1", plan_path(&f));
    let (status, html) = get_text(&c, &app, &follow).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"foelg\" value=\"1\""));
    assert!(
        html.contains("value=\"65.000"),
        "the new target is in the form"
    );
    // Owners are kept in the proposal.
    let leder = t.user(Role::Leder).id.0.to_string();
    assert!(html.contains(&format!("<option value=\"{leder}\" selected>")));

    let stored = stored_plan(&app, &t, &f).await;
    let v = stored.version.to_string();
    let mut form = plan_form(&csrf, &v, &leder, "Porto pr. år");
    form.retain(|(k, _)| !k.starts_with("benefits[0].targets"));
    form.extend([
        ("foelg", "1"),
        ("benefits[0].targets[2025]", "0"),
        ("benefits[0].targets[2026]", "65.000"),
        ("benefits[0].targets[2027]", "65.000"),
    ]);
    let edit = format!("{}/rediger", plan_path(&f));
    let (status, _) = post_text(&c, &app, &edit, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let now = stored_plan(&app, &t, &f).await;
    assert_eq!(now.plan.based_on_case_version, Some(2));
    assert_eq!(
        now.plan.benefits[0].targets[1].amount,
        "65000".parse().expect("dec")
    );
    let (_, html) = get_text(&c, &app, &plan_path(&f)).await;
    assert!(!html.contains("Business casen er ændret"));
}

#[tokio::test]
async fn the_forecast_gives_milestones_their_own_probability() {
    let (app, t, f) = world("delmaal").await;
    let admin = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin");
    // A 2026 milestone of 97.186 kr.: above the most the fixture can give in 2026
    // (60.000 × 1,1 + 25.987,53 × 1,2 = 97.185 kr.), so its probability is 0 %.
    let stored = app
        .store
        .programme(t.tenant.id, f.programme)
        .await
        .expect("programme");
    let mut draft: gevinst_domain::programme::ProgrammeDraft =
        serde_json::from_value(serde_json::to_value(&stored.programme).expect("json"))
            .expect("draft");
    draft.targets[0].milestones = vec![gevinst_domain::programme::Milestone {
        year: 2026,
        amount: "97186".parse().expect("dec"),
    }];
    gevinst_app::App::new(app.store.clone())
        .programmes()
        .update(&admin, f.programme, stored.version, &draft)
        .await
        .expect("milestone saved");
    let (c, csrf) = login_role(&app, "delmaal", Role::Laeser).await;
    let (status, _) = post_text(
        &c,
        &app,
        &format!("/programmer/{}/prognose", f.programme.0),
        &[("_csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get_text(&c, &app, &overview_path(&f)).await;
    assert!(
        html.contains(
            "Sandsynlighed for at nå målet på 100.000 kr. i 2027: 0 % (delmål 97.186 kr. i 2026: 0 %)"
        ),
        "{html}"
    );
    // The fan chart marks the milestone in its year, and its data table lists it.
    assert!(html.contains("<title>Delmål 2026: 97.186 kr.</title>"));
    assert!(html.contains("<li>Delmål 2026: 97.186 kr.</li>"));
    let (_, report) = get_text(&c, &app, &format!("{}/rapport", overview_path(&f))).await;
    assert!(report.contains("Delmål: 97.186 kr. i 2026"));
}
