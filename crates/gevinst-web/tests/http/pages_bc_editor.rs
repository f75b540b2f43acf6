//! The business-case editor of issue 11 through the real server: amounts typed as in a
//! spreadsheet, shown back with their øre, buttons that land on what they touched, fields by
//! line kind, and the lifecycle rules (a case from status *business case* onwards; besluttet
//! needs a case or a recorded reason) alike in the pages, the API and the import.
//! Runs on SQLite, and on PostgreSQL with `GEVINST_HTTP_DATABASE=postgres`.

use crate::helpers::{
    field_codes, get_text, json_of, login_role, pair, post_form, post_text, seed_tenant,
    seed_tenant_for_case, spawn_app, SeededTenant,
};
use crate::pages_import::{location, outcome, row_text, upload};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn path(t: &SeededTenant) -> String {
    format!("/potentialer/{}/business-case", t.potential.id.0)
}

/// A one-year case with one line of `kind` and the amount `amount`, plus a second line.
fn fields<'a>(csrf: &'a str, kind: &'a str, amount: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("version", ""),
        ("start_year", "2026"),
        ("horizon", "4"),
        ("discount_rate", ""),
        ("line_kind_0", "investering"),
        ("line_label_0", "Licens"),
        ("line_amount_0_0", "1.234.567,50"),
        ("line_amount_0_1", "kr. 250.000"),
        ("line_amount_0_2", "250 t.kr."),
        ("line_amount_0_3", "0"),
        ("line_low_0", "1"),
        ("line_high_0", "1"),
        ("line_kind_1", kind),
        ("line_label_1", "Besparelse"),
        ("line_amount_1_0", "0"),
        ("line_amount_1_1", amount),
        ("line_amount_1_2", "2 mio. kr."),
        ("line_amount_1_3", "1.000.000,-"),
        ("line_low_1", "1"),
        ("line_high_1", "1"),
        ("action", "save"),
    ]
}

#[tokio::test]
async fn amounts_are_read_like_the_importer_and_shown_with_their_ore() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "tal").await;
    let (client, csrf) = login_role(&app, "tal", Role::Portefoljeleder).await;
    let res = post_form(
        &client,
        &app,
        &path(&t),
        &fields(&csrf, "direkte_besparelse", "1,5 mio."),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A new case lands on its first line, which says it is saved.
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, format!("{}?besked=gemt&linje=1#linje-1", path(&t)));
    let stored = app
        .store
        .business_case(t.tenant.id, t.potential.id)
        .await
        .unwrap()
        .expect("saved");
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(
        stored.case.lines[0].amounts,
        vec![d("1234567.50"), d("250000"), d("250000"), d("0")]
    );
    assert_eq!(
        stored.case.lines[1].amounts,
        vec![d("0"), d("1500000"), d("2000000"), d("1000000")]
    );
    let (status, page) = get_text(&client, &app, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="line_amount_0_0" name="line_amount_0_0" value="1.234.567,50""#));
    assert!(page.contains(r#"id="line_amount_1_1" name="line_amount_1_1" value="1.500.000""#));
    assert!(!page.contains("1.234.567,5\""), "never one øre digit");
    let line1 = &page[page.find(r#"id="linje-1""#).expect("line 1")..];
    let line1 = &line1[..line1.find("</tbody>").unwrap()];
    assert!(line1.contains(r#"<span class="bc-saved">Gemt</span>"#));

    // Changing only the second line lands there.
    let mut second = fields(&csrf, "direkte_besparelse", "1,6 mio.");
    second.retain(|(k, _)| *k != "version");
    second.push(("version", "1"));
    let res = post_form(&client, &app, &path(&t), &second).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("?besked=gemt&linje=2#linje-2"));

    // Something that is not an amount is a Danish error that names the accepted forms.
    let mut bad = fields(&csrf, "direkte_besparelse", "halvanden mio");
    bad.retain(|(k, _)| *k != "version");
    bad.push(("version", "2"));
    let (status, page) = post_text(&client, &app, &path(&t), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("«halvanden mio» er ikke et tal"), "{page}");
    assert!(page.contains("1,5 mio., 250 t.kr. eller kr. 250.000"));
}

#[tokio::test]
async fn every_button_lands_on_what_it_touched() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "hop").await;
    let (client, csrf) = login_role(&app, "hop", Role::Admin).await;
    let base = path(&t);
    // Two lines: add lands on line 3, removing line 2 (the last) on line 1, removing
    // line 1 on the line that slides into its place, fill on its own line.
    let mut form = fields(&csrf, "drift", "5");
    form.retain(|(k, _)| *k != "action");
    form.push(("action", "refresh"));
    let (status, page) = post_text(&client, &app, &base, &form).await;
    assert_eq!(status, StatusCode::OK);
    for (value, target) in [
        ("add_line", "linje-3"),
        ("remove_line:0", "linje-1"),
        ("remove_line:1", "linje-1"),
        ("fill:1", "linje-2"),
        ("add_risk", "risiko-1"),
        ("refresh", "bc-forudsaetninger"),
        ("save", "bc-fejl"),
    ] {
        let needle = format!(r#"value="{value}" formaction="{base}#{target}""#);
        assert!(page.contains(&needle), "{needle}");
    }
    for id in ["linje-1", "linje-2", "risici", "bc-forudsaetninger"] {
        assert!(page.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    // Enter in a field presses the form's first submit button: save.
    let form_at = page.find(r#"id="business-case-form""#).unwrap();
    let first_button = &page[form_at..][page[form_at..].find("<button").unwrap()..];
    assert!(first_button.starts_with(r#"<button type="submit" name="action" value="save""#));

    // Adding a line re-renders with line 3, nothing saved.
    form.retain(|(k, _)| *k != "action");
    form.push(("action", "add_line"));
    let (_, page) = post_text(&client, &app, &base, &form).await;
    assert!(page.contains(r#"id="linje-3""#));

    // A failed save: the summary is at the top of the editor, focusable and focused.
    let mut bad = fields(&csrf, "drift", "mange");
    bad.retain(|(k, _)| *k != "line_kind_0");
    bad.push(("line_kind_0", ""));
    let (status, page) = post_text(&client, &app, &base, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = page.find(r#"id="bc-fejl""#).expect("summary");
    assert!(summary < page.find("<legend>Forudsætninger</legend>").unwrap());
    let tag = &page[page[..summary].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    assert!(
        tag.contains(r#"tabindex="-1""#) && tag.contains("autofocus"),
        "{tag}"
    );
    assert!(page.contains(r##"<a href="#line_amount_1_1">"##));
    assert!(app
        .store
        .business_case(t.tenant.id, t.potential.id)
        .await
        .unwrap()
        .is_none());
}

/// The element `<div … data-show="{what}"…>` of line `n` is hidden.
fn hidden(page: &str, n: usize, what: &str) -> bool {
    let at = page.find(&format!(r#"id="linje-{n}""#)).expect("line");
    let line = &page[at..at + page[at..].find("</tbody>").unwrap()];
    let key = format!(r#"data-show="{what}""#);
    let s = line
        .find(&key)
        .unwrap_or_else(|| panic!("{what} in line {n}"));
    let end = s + line[s..].find('>').unwrap();
    line[s..end].contains("hidden")
}

#[tokio::test]
async fn each_line_kind_shows_only_its_fields() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "felter").await;
    let (client, csrf) = login_role(&app, "felter", Role::Admin).await;
    for (kind, benefit, channels, category) in [
        ("kanalomlaegning", false, false, true),
        ("usynligt_arbejde", true, true, false),
        ("frigjorte_timer", false, true, true),
    ] {
        let mut form = fields(&csrf, kind, "5");
        form.retain(|(k, _)| *k != "action");
        form.push(("action", "refresh"));
        let (status, page) = post_text(&client, &app, &path(&t), &form).await;
        assert_eq!(status, StatusCode::OK);
        // Line 1 is an investment: a cost, no channels, no category.
        assert!(hidden(&page, 1, "benefit") && hidden(&page, 1, "channels"));
        assert!(hidden(&page, 1, "category"));
        assert_eq!(hidden(&page, 2, "benefit"), benefit, "{kind}");
        assert_eq!(hidden(&page, 2, "channels"), channels, "{kind}");
        assert_eq!(hidden(&page, 2, "category"), category, "{kind}");
    }
    let (status, js) = get_text(&client, &app, "/assets/bc-editor.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(js.contains("data-show"));
}

#[tokio::test]
async fn a_case_waits_for_status_business_case_in_page_api_and_import() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "tidlig").await;
    let (client, csrf) = login_role(&app, "tidlig", Role::Portefoljeleder).await;
    // Page: an idé has no editor, only the reason and a way to the potential.
    let (status, page) = get_text(&client, &app, &path(&t)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("id=\"business-case-form\""));
    assert!(page.contains("En business case kan først oprettes, når potentialet har status «Business case» (potentialet har status «Idé»)"));
    let res = post_form(&client, &app, &path(&t), &fields(&csrf, "drift", "5")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // API: the same rule, machine-readable.
    let token = t.token(Role::Portefoljeleder);
    let api = format!("/api/v1/potentials/{}/business-case", t.potential.id.0);
    let res = app
        .api_send(Method::PUT, token, &api, &crate::helpers::fixture_case())
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(res).await,
        vec![pair("status", "business_case_too_early")]
    );
    assert!(app
        .store
        .business_case(t.tenant.id, t.potential.id)
        .await
        .unwrap()
        .is_none());

    // Import: figures need status business case; a row without a status gets it.
    let mut csv = b"Titel;Enhed;Status;Forventet gevinst;Start\xe5r\r\n".to_vec();
    csv.extend_from_slice(b"Tidlig robot;Hjemmeplejen;Id\xe9;1,5 mio.;2026\r\n");
    csv.extend_from_slice(b"Besluttet uden tal;Hjemmeplejen;Besluttet;;\r\n");
    csv.extend_from_slice(b"Robot med tal;Hjemmeplejen;;250 t.kr.;2026\r\n");
    let res = upload(&client, &app, Some(&csrf), "liste.csv", &csv).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(
        &client,
        &app,
        &format!("{}/forhaandsvisning", location(&res)),
    )
    .await;
    assert_eq!(outcome(&html, 2), "fejl");
    assert!(
        row_text(&html, 2).contains("Rækken har tal til en business case, men status «Idé»"),
        "{}",
        row_text(&html, 2)
    );
    assert_eq!(outcome(&html, 3), "fejl");
    assert!(row_text(&html, 3)
        .contains("Rækken har status «Besluttet», men ingen tal til en business case"));
    assert_eq!(outcome(&html, 4), "ny");
}

/// A POST of `body` to `path` is a 422 with exactly the field error `(field, code)`.
async fn refused(
    app: &crate::helpers::TestApp,
    token: &str,
    path: &str,
    body: &serde_json::Value,
    (field, code): (&str, &str),
) {
    let res = app.api_send(Method::POST, token, path, body).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    assert_eq!(field_codes(res).await, vec![pair(field, code)]);
}

#[tokio::test]
async fn besluttet_needs_a_case_or_a_recorded_reason_in_page_and_api() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "beslut").await;
    let (client, csrf) = login_role(&app, "beslut", Role::Portefoljeleder).await;
    let status_path = format!("/potentialer/{}/status", t.potential.id.0);
    // Page: no case, no reason: a Danish error on the reason; nothing changes.
    let (status, page) = post_text(
        &client,
        &app,
        &status_path,
        &[("_csrf", &csrf), ("version", "1"), ("status", "besluttet")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Potentialet har ingen business case."),
        "{page}"
    );
    // API: the same, machine-readable.
    let token = t.token(Role::Portefoljeleder);
    let api = format!("/api/v1/potentials/{}/status", t.potential.id.0);
    let body = json!({"status": "besluttet", "version": 1});
    refused(
        &app,
        token,
        &api,
        &body,
        ("reason", "business_case_required"),
    )
    .await;
    // Creating a decided potential without a case is refused too.
    let body = json!({"title": "Allerede besluttet", "unit_id": t.enhed.id, "status": "i_drift"});
    let expected = ("status", "business_case_required");
    refused(&app, token, "/api/v1/potentials", &body, expected).await;
    // With a reason it is decided, and the reason is recorded as such.
    let res = app
        .api_send(
            Method::POST,
            token,
            &api,
            &json!({"status": "besluttet", "version": 1, "reason": "Lovkrav fra 2026"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let history = json_of(
        app.api_get(
            token,
            &format!("/api/v1/potentials/{}/history", t.potential.id.0),
        )
        .await,
    )
    .await;
    let recorded = "Besluttet uden business case: Lovkrav fra 2026";
    let last = history["status_changes"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["reason"], recorded);
    let audit = history["audit"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(audit["reason"], recorded, "{audit}");

    // With a case, no reason is needed (a second potential, through the page).
    let t2 = seed_tenant_for_case(&app.store, "beslut2").await;
    let (client2, csrf2) = login_role(&app, "beslut2", Role::Portefoljeleder).await;
    let res = post_form(&client2, &app, &path(&t2), &fields(&csrf2, "drift", "5")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &client2,
        &app,
        &format!("/potentialer/{}/status", t2.potential.id.0),
        &[("_csrf", &csrf2), ("version", "1"), ("status", "besluttet")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
