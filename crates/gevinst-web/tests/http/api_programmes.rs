//! The programme JSON API through the real server: programmes with versions, the
//! overview figures of the fixture checked by hand, benefit plans, the actual-recording
//! rule attacked over HTTP, the forecast and its cache, settings, reminders and tenant
//! isolation.
//!
//! Hand computation for [`seed_programme`] with the default economics (500,000 kr. per
//! årsværk, 1,924 hours per årsværk, so 500,000 / 1,924 = 259.8752598… kr. per hour):
//!
//! | year | Porto (kr.) | Sagsbehandling (100 h × rate) | annual gain kr. | årsværk |
//! |---|---|---|---|---|
//! | 2025 | 0 | 0 | 0 | 0 |
//! | 2026 | 60,000 | 25,987.52598… | 85,987.53 | 100 / 1,924 = 0.0519… → 0.05 |
//! | 2027 | 60,000 | 25,987.52598… | 85,987.53 | 0.05 |
//!
//! (The investering of 2025 is not part of the annual gain.)

use crate::helpers::{
    error_code, seed_programme, seed_tenant, send_json, spawn_app, ProgrammeFixture, SeededTenant,
    TestApp,
};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::{AuditAction, EntityKind, Role};
use gevinst_testkit::dec;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The first field error of an error body: (field, code, message).
fn field_error(body: &Value) -> (String, String, String) {
    let f = &body["error"]["fields"][0];
    (
        f["field"].as_str().unwrap_or_default().to_owned(),
        f["code"].as_str().unwrap_or_default().to_owned(),
        f["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The fixture programme as a request body (decimals as strings).
fn programme_body(t: &SeededTenant, f: &ProgrammeFixture, name: &str) -> Value {
    json!({
        "name": name,
        "first_year": 2025,
        "last_year": 2027,
        "targets": [
            {"kind": "kr_per_year", "amount": "100000", "deadline_year": 2027},
            {"kind": "aarsvaerk", "amount": "0.5", "deadline_year": 2027},
        ],
        "potentials": [f.potential.0],
        "distribution_keys": [{
            "target": 0,
            "basis": "percentages",
            "shares": [
                {"owner": {"unit": t.forvaltning.id.0}, "value": "60"},
                {"owner": {"unit": t.other.id.0}, "value": "40"},
            ],
        }],
    })
}

/// An actual for the Porto line (1) in 2026.
fn porto_actual(kr: &str) -> Value {
    json!({"line": 1, "period": {"year": 2026}, "kr": kr})
}

async fn setup() -> (TestApp, SeededTenant, ProgrammeFixture) {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let f = seed_programme(&app.store, &t).await;
    (app, t, f)
}

async fn actual_count(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> usize {
    let res = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/potentials/{}/actuals", f.potential),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.expect("json");
    list.as_array().expect("array").len()
}

#[tokio::test]
async fn fixture_programme_is_readable_by_the_store() {
    let (app, t, f) = setup().await;
    let stored = app.store.programme(t.tenant.id, f.programme).await.unwrap();
    assert_eq!(stored.programme.potentials, vec![f.potential]);
    let plan = app
        .store
        .benefit_plan(t.tenant.id, f.potential)
        .await
        .unwrap()
        .expect("plan saved");
    assert!(plan
        .plan
        .benefits
        .iter()
        .all(|b| b.owner == Some(t.user(Role::Leder).id)));
}

#[tokio::test]
async fn overview_figures_of_the_fixture_match_the_hand_computation() {
    let (app, t, f) = setup().await;
    let res = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/programmes/{}/overview", f.programme),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let o: Value = res.json().await.expect("json");
    let years = o["years"].as_array().expect("years");
    assert_eq!(
        years
            .iter()
            .map(|y| y["year"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2025, 2026, 2027]
    );
    let planned: Vec<Decimal> = years
        .iter()
        .map(|y| dec(&y["figures"]["planned_kr"]))
        .collect();
    assert_eq!(planned, vec![dec("0"), dec("85987.53"), dec("85987.53")]);
    let planned_fte: Vec<Decimal> = years
        .iter()
        .map(|y| dec(&y["figures"]["planned_fte"]))
        .collect();
    assert_eq!(planned_fte, vec![dec("0"), dec("0.05"), dec("0.05")]);
    // Besluttet: decided equals planned; nothing realised or harvested yet.
    let y2027 = &years[2];
    assert_eq!(dec(&y2027["figures"]["decided_kr"]), dec("85987.53"));
    assert_eq!(dec(&y2027["figures"]["decided_fte"]), dec("0.05"));
    assert_eq!(dec(&y2027["figures"]["realised_kr"]), dec("0"));
    assert_eq!(dec(&y2027["figures"]["harvested_kr"]), dec("0"));
    // Planned by status: all of it besluttet.
    assert_eq!(y2027["planned_by_status"].as_array().unwrap().len(), 1);
    assert_eq!(y2027["planned_by_status"][0]["status"], "besluttet");
    assert_eq!(dec(&y2027["planned_by_status"][0]["kr"]), dec("85987.53"));
    // Targets in the deadline year: 100,000 − 85,987.53 = 14,012.47 not covered by decided
    // cases; 0.5 − 0.05 = 0.45 årsværk.
    let kr = &y2027["targets"][0];
    assert_eq!(kr["kind"], "kr_per_year");
    assert_eq!(dec(&kr["amount"]), dec("100000"));
    assert_eq!(dec(&kr["gap_decided"]), dec("14012.47"));
    assert_eq!(dec(&kr["gap_realised"]), dec("100000"));
    let fte = &y2027["targets"][1];
    assert_eq!(dec(&fte["gap_decided"]), dec("0.45"));
    assert_eq!(dec(&fte["gap_realised"]), dec("0.5"));
    // Before the deadline there is no target (no milestones).
    assert!(years[1]["targets"][0]["amount"].is_null());
    // Distribution key: 60 % of 100,000 = 60,000 for the forvaltning, whose subtree holds
    // the potential (decided 85,987.53, so 25,987.53 over its share); 40,000 for the other
    // forvaltning, which contributes nothing.
    let shares = o["shares"].as_array().expect("shares");
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0]["owner"]["unit"], json!(t.forvaltning.id.0));
    assert_eq!(dec(&shares[0]["share"]), dec("60000"));
    assert_eq!(dec(&shares[0]["decided"]), dec("85987.53"));
    assert_eq!(dec(&shares[0]["gap_decided"]), dec("-25987.53"));
    assert_eq!(shares[1]["owner"]["unit"], json!(t.other.id.0));
    assert_eq!(dec(&shares[1]["share"]), dec("40000"));
    assert_eq!(dec(&shares[1]["decided"]), dec("0"));
    assert_eq!(dec(&shares[1]["gap_decided"]), dec("40000"));
    // Breakdown by unit: one row, the potential's own unit.
    assert_eq!(o["by_unit"].as_array().unwrap().len(), 1);
    assert_eq!(o["by_unit"][0]["key"]["unit"], json!(t.enhed.id.0));
    assert!(o["largest_gaps"].as_array().unwrap().is_empty());

    // An actual: 50,000 kr. of Porto in 2026, 20,000 of it hjemtaget.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{}/actuals", f.potential),
            &json!({
                "line": 1, "period": {"year": 2026}, "kr": "50000", "harvested": "20000",
                "budget_reference": "Budget 2026, ramme 3.22", "harvested_on": "2026-06-01",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let o: Value = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/programmes/{}/overview", f.programme),
        )
        .await
        .json()
        .await
        .expect("json");
    let fig = &o["years"][1]["figures"];
    assert_eq!(dec(&fig["realised_kr"]), dec("50000"));
    assert_eq!(dec(&fig["harvested_kr"]), dec("20000"));
    assert_eq!(dec(&fig["not_harvested_kr"]), dec("30000"));
    // 85,987.53 planned − 50,000 realised.
    let gaps = o["largest_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["year"], 2026);
    assert_eq!(dec(&gaps[0]["gap_kr"]), dec("35987.53"));
}

#[tokio::test]
async fn programmes_are_created_and_updated_with_versions_and_audited() {
    let (app, t, f) = setup().await;
    let admin = t.token(Role::Admin);
    let pl = t.token(Role::Portefoljeleder);

    // Only porteføljeleder and admin create programmes.
    let body = programme_body(&t, &f, "Velfærdsteknologi 2025–2027");
    let res = send_json(
        &app,
        Method::POST,
        t.token(Role::Leder),
        "/api/v1/programmes",
        &[],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = send_json(
        &app,
        Method::POST,
        pl,
        "/api/v1/programmes",
        &[],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let created: Value = res.json().await.expect("json");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["version"], 1);
    assert_eq!(created["programme"]["name"], "Velfærdsteknologi 2025–2027");
    assert_eq!(
        dec(&created["programme"]["targets"][1]["amount"]),
        dec("0.5")
    );
    let path = format!("/api/v1/programmes/{id}");

    let res = app.api_get(t.token(Role::Laeser), &path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");

    // The list holds the fixture and the new one.
    let list: Value = app
        .api_get(admin, "/api/v1/programmes")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Update with If-Match.
    let renamed = programme_body(&t, &f, "Velfærdsteknologi 2025–2027, revideret");
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-Match", "\"1\"")],
        Some(&renamed),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");

    // A stale version is 409 and changes nothing.
    let stale = programme_body(&t, &f, "Forældet navn");
    let res = send_json(
        &app,
        Method::PUT,
        pl,
        &path,
        &[("If-Match", "\"1\"")],
        Some(&stale),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(res).await, "version_conflict");
    // So is a stale version in the body.
    let mut stale_body = stale.clone();
    stale_body["version"] = json!(1);
    let res = send_json(&app, Method::PUT, pl, &path, &[], Some(&stale_body)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // No version at all is 428.
    let res = send_json(&app, Method::PUT, pl, &path, &[], Some(&stale)).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(error_code(res).await, "version_required");
    // A leder may not change it, even with the right version.
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Leder),
        &path,
        &[("If-Match", "\"2\"")],
        Some(&stale),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let now: Value = app.api_get(admin, &path).await.json().await.unwrap();
    assert_eq!(now["version"], 2);
    assert_eq!(
        now["programme"]["name"],
        "Velfærdsteknologi 2025–2027, revideret"
    );

    // The body's version works too.
    let mut again = programme_body(&t, &f, "Velfærdsteknologi");
    again["version"] = json!(2);
    let res = send_json(&app, Method::PUT, pl, &path, &[], Some(&again)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"3\"");

    // Audited: create by the porteføljeleder, then two updates.
    let audit = app
        .store
        .audit_for(t.tenant.id, EntityKind::Programme, id)
        .await
        .unwrap();
    let actions: Vec<AuditAction> = audit.iter().map(|a| a.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Update
        ]
    );
    assert_eq!(audit[0].user_id, Some(t.user(Role::Portefoljeleder).id));
    assert_eq!(audit[1].user_id, Some(t.user(Role::Admin).id));
    assert!(audit[1].changes.iter().any(|c| c.field.contains("name")));
}

#[tokio::test]
async fn bad_input_is_422_with_the_field_and_a_danish_message() {
    let (app, t, f) = setup().await;
    let admin = t.token(Role::Admin);

    // A target without a deadline.
    let mut body = programme_body(&t, &f, "Uden frist");
    body["targets"][0]
        .as_object_mut()
        .unwrap()
        .remove("deadline_year");
    let res = app
        .api_send(Method::POST, admin, "/api/v1/programmes", &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["error"]["code"], "validation_failed");
    assert_eq!(
        field_error(&e),
        (
            "targets[0].deadline_year".to_owned(),
            "required".to_owned(),
            "Målet skal have et årstal for, hvornår det skal være nået.".to_owned()
        )
    );

    // A distribution key of 60 % + 30 %: the message says 10 % is missing.
    let mut body = programme_body(&t, &f, "Skæv nøgle");
    body["distribution_keys"][0]["shares"][1]["value"] = json!("30");
    let res = app
        .api_send(Method::POST, admin, "/api/v1/programmes", &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(
        field_error(&e),
        (
            "distribution_keys[0].shares".to_owned(),
            "does_not_add_up".to_owned(),
            "Fordelingen giver 90 %, mangler 10 %.".to_owned()
        )
    );
    // Nothing was created: still only the fixture.
    let list: Value = app
        .api_get(admin, "/api/v1/programmes")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    // The same on PUT, with the right version: 422 and nothing changed.
    let path = format!("/api/v1/programmes/{}", f.programme);
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-Match", "\"1\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let now: Value = app.api_get(admin, &path).await.json().await.unwrap();
    assert_eq!(now["version"], 1);

    // An actual for a period outside the plan (2025–2027).
    let actuals = format!("/api/v1/potentials/{}/actuals", f.potential);
    let res = app
        .api_send(
            Method::POST,
            admin,
            &actuals,
            &json!({"line": 1, "period": {"year": 2030}, "kr": "1000"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(
        field_error(&e),
        (
            "period".to_owned(),
            "outside_plan".to_owned(),
            "Perioden 2030 ligger uden for planens år (2025-2027).".to_owned()
        )
    );

    // A negative harvested amount.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &actuals,
            &json!({"line": 1, "period": {"year": 2026}, "kr": "1000", "harvested": "-5"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(
        field_error(&e),
        (
            "harvested".to_owned(),
            "out_of_range".to_owned(),
            "Det hjemtagne beløb kan ikke være negativt.".to_owned()
        )
    );
    assert_eq!(actual_count(&app, &t, &f).await, 0);

    // Forecast iterations out of range.
    for q in ["iterations=0", "iterations=100001", "iterations=abc"] {
        let res = app
            .api_get(
                admin,
                &format!("/api/v1/programmes/{}/forecast?{q}", f.programme),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let e: Value = res.json().await.unwrap();
        assert_eq!(field_error(&e).0, "iterations");
        assert_eq!(
            field_error(&e).2,
            "Antal gennemløb skal være et helt tal fra 1 til 100.000."
        );
    }
}

#[tokio::test]
async fn only_the_owner_a_portefoljeleder_or_an_admin_records_actuals() {
    let (app, t, f) = setup().await;
    let beta = seed_tenant(&app.store, "beta").await;
    let path = format!("/api/v1/potentials/{}/actuals", f.potential);
    let plan_path = format!("/api/v1/potentials/{}/benefit-plan", f.potential);

    // The digital agent has edit rights on the potential's unit: it may save the plan
    // (unchanged here, so nothing is written) ...
    let plan: Value = app
        .api_get(t.token(Role::DigitalAgent), &plan_path)
        .await
        .json()
        .await
        .unwrap();
    let mut body = plan["plan"].clone();
    body["version"] = plan["version"].clone();
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::DigitalAgent),
        &plan_path,
        &[],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    // ... but it does not own the benefit, so it may not record an actual.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::DigitalAgent),
            &path,
            &porto_actual("1000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(res).await, "forbidden");
    // A læser may not either.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Laeser),
            &path,
            &porto_actual("1000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Another tenant's admin does not even see the potential.
    let res = app
        .api_send(
            Method::POST,
            beta.token(Role::Admin),
            &path,
            &porto_actual("1000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "not_found");
    // Without a token: 401.
    let res = app
        .client
        .post(app.url(&path))
        .json(&porto_actual("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(actual_count(&app, &t, &f).await, 0);

    // The owner (the leder), the porteføljeleder and the admin may.
    let mut ids = Vec::new();
    for (role, kr) in [
        (Role::Leder, "1000"),
        (Role::Portefoljeleder, "2000"),
        (Role::Admin, "3000"),
    ] {
        // The same benefit and period each time: after the first, added deliberately
        // (issue 11: a duplicate is refused unless the client says so).
        let to = if ids.is_empty() {
            path.clone()
        } else {
            format!("{path}?mode=additional")
        };
        let res = app
            .api_send(Method::POST, t.token(role), &to, &porto_actual(kr))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{role:?}");
        let a: Value = res.json().await.unwrap();
        assert_eq!(dec(&a["actual"]["kr"]), dec(kr));
        assert_eq!(a["recorded_by"], json!(t.user(role).id.0));
        assert_eq!(a["potential_id"], json!(f.potential.0));
        ids.push(a["id"].as_i64().unwrap());
    }
    let list: Value = app
        .api_get(t.token(Role::Laeser), &path)
        .await
        .json()
        .await
        .unwrap();
    let kr: Vec<Decimal> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| dec(&a["actual"]["kr"]))
        .collect();
    assert_eq!(kr, vec![dec("1000"), dec("2000"), dec("3000")]);

    // Every actual is audited, with who recorded it.
    for (id, role) in ids
        .iter()
        .zip([Role::Leder, Role::Portefoljeleder, Role::Admin])
    {
        let audit = app
            .store
            .audit_for(t.tenant.id, EntityKind::Actual, *id)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, AuditAction::Create);
        assert_eq!(audit[0].user_id, Some(t.user(role).id));
    }

    // Refusals after that still save nothing.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::DigitalAgent),
            &path,
            &porto_actual("9"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(actual_count(&app, &t, &f).await, 3);
}

#[tokio::test]
async fn benefit_plans_are_read_derived_and_replaced_with_versions() {
    let (app, t, f) = setup().await;
    let admin = t.token(Role::Admin);
    let path = format!("/api/v1/potentials/{}/benefit-plan", f.potential);

    let res = app.api_get(t.token(Role::Laeser), &path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let stored: Value = res.json().await.unwrap();
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["plan"]["first_year"], 2025);
    assert_eq!(stored["plan"]["last_year"], 2027);
    let lines: Vec<i64> = stored["plan"]["benefits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 2]);

    // Derive proposes a fresh plan and saves nothing.
    let res = send_json(
        &app,
        Method::POST,
        admin,
        &format!("{path}/derive?frequency=quarterly"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let proposal: Value = res.json().await.unwrap();
    assert_eq!(proposal["frequency"], "quarterly");
    assert!(proposal["benefits"][0]["owner"].is_null());
    let porto: Vec<Decimal> = proposal["benefits"][0]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| dec(&y["kr"]))
        .collect();
    assert_eq!(porto, vec![dec("0"), dec("60000"), dec("60000")]);
    let res = send_json(
        &app,
        Method::POST,
        admin,
        &format!("{path}/derive?frequency=monthly"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let still: Value = app.api_get(admin, &path).await.json().await.unwrap();
    assert_eq!(still, stored);

    // Replace with If-Match: a new KPI.
    let mut body = stored["plan"].clone();
    body["benefits"][0]["kpi"] = json!("Portoudgift pr. måned");
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-Match", "\"1\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    // No version while a plan exists: 428. Stale: 409. "Create" over it: 409.
    body["benefits"][0]["kpi"] = json!("Forældet");
    let res = send_json(&app, Method::PUT, admin, &path, &[], Some(&body)).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-Match", "\"1\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-None-Match", "*")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // A plan without an owner is 422.
    body["benefits"][1]["owner"] = Value::Null;
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-Match", "\"2\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "benefits[1].owner");
    // A læser has no edit rights.
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Laeser),
        &path,
        &[("If-Match", "\"2\"")],
        Some(&stored["plan"]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let now: Value = app.api_get(admin, &path).await.json().await.unwrap();
    assert_eq!(now["version"], 2);
    assert_eq!(now["plan"]["benefits"][0]["kpi"], "Portoudgift pr. måned");

    // Audited: the fixture's create, then this update.
    let audit = app
        .store
        .audit_for(t.tenant.id, EntityKind::BenefitPlan, f.potential.0)
        .await
        .unwrap();
    let actions: Vec<AuditAction> = audit.iter().map(|a| a.action).collect();
    assert_eq!(actions, vec![AuditAction::Create, AuditAction::Update]);
    assert_eq!(audit[1].user_id, Some(t.user(Role::Admin).id));

    // A potential without a plan (the seeded idé): 404 no_plan; without a case, derive is
    // 404 no_business_case.
    let other = format!("/api/v1/potentials/{}/benefit-plan", t.potential.id);
    let res = app.api_get(admin, &other).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "no_plan");
    let res = send_json(
        &app,
        Method::POST,
        admin,
        &format!("{other}/derive"),
        &[],
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "no_business_case");
    // Recording an actual there is 404 no_plan.
    let res = app
        .api_send(
            Method::POST,
            admin,
            &format!("/api/v1/potentials/{}/actuals", t.potential.id),
            &porto_actual("1"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "no_plan");
    // Creating a plan for an idé is refused: it is not besluttet.
    let mut idea_plan = now["plan"].clone();
    idea_plan["potential"] = json!(t.potential.id.0);
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &other,
        &[("If-None-Match", "*")],
        Some(&idea_plan),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "status");
}

#[tokio::test]
async fn forecast_is_deterministic_cached_and_invalidated_by_an_actual() {
    let (app, t, f) = setup().await;
    let token = t.token(Role::Laeser);
    let url = format!(
        "/api/v1/programmes/{}/forecast?iterations=2000&seed=7&as_of_year=2027",
        f.programme
    );
    let cached = format!("{url}&cached_only=true");

    // Nothing computed yet.
    let res = app.api_get(token, &cached).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "forecast_not_computed");

    let res = app.api_get(token, &url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["iterations"], 2000);
    assert_eq!(first["seed"], 7);
    assert_eq!(first["actuals_before_year"], 2027);
    assert_eq!(first["years"].as_array().unwrap().len(), 3);
    assert_eq!(first["targets"].as_array().unwrap().len(), 2);
    assert_eq!(dec(&first["targets"][0]["amount"]), dec("100000"));
    // 2025 has no gain in any iteration.
    assert_eq!(first["years"][0]["gain_kr"]["max"], json!(0.0));

    // Now cached; the cached result is the same JSON.
    let res = app.api_get(token, &cached).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), first);
    // A change that does not touch the figures (the programme's name) invalidates the
    // cache; computed afresh, the same seed gives identical JSON.
    let mut renamed = programme_body(&t, &f, "Digitalisering, nyt navn");
    renamed["version"] = json!(1);
    let res = app
        .api_send(
            Method::PUT,
            t.token(Role::Admin),
            &format!("/api/v1/programmes/{}", f.programme),
            &renamed,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.api_get(token, &cached).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let again: Value = app.api_get(token, &url).await.json().await.unwrap();
    assert_eq!(again, first);
    let other_seed: Value = app
        .api_get(token, &url.replace("seed=7", "seed=8"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(other_seed["years"][2], first["years"][2]);

    // Record an actual for 2026: it replaces the plan in 2026 (before as_of_year).
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{}/actuals", f.potential),
            &porto_actual("1000"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // The cache is invalidated ...
    let res = app.api_get(token, &cached).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // ... and the new forecast differs: 2026 is now fixed at the realised 1,000 kr.
    let after: Value = app.api_get(token, &url).await.json().await.unwrap();
    assert_ne!(after, first);
    let y2026 = &after["years"][1]["gain_kr"];
    assert_eq!(
        (y2026["min"].as_f64(), y2026["max"].as_f64()),
        (Some(1000.0), Some(1000.0))
    );

    // That result is now the cached one.
    let res = app.api_get(token, &cached).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), after);
}

#[tokio::test]
async fn status_probabilities_need_a_version_and_a_manager() {
    let (app, t, _f) = setup().await;
    let path = "/api/v1/settings/status-probabilities";
    let res = app.api_get(t.token(Role::Laeser), path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"0\"");
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["version"], 0);
    assert_eq!(dec(&view["probabilities"]["besluttet"]), dec("0.8"));

    let mut body = view["probabilities"].clone();
    body["besluttet"] = json!("0.5");
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Leder),
        path,
        &[("If-Match", "\"0\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Portefoljeleder),
        path,
        &[],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Portefoljeleder),
        path,
        &[("If-Match", "\"0\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let saved: Value = res.json().await.unwrap();
    assert_eq!(dec(&saved["probabilities"]["besluttet"]), dec("0.5"));
    // Stale: 409.
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Admin),
        path,
        &[("If-Match", "\"0\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Out of range: 422 on the status.
    body["i_drift"] = json!("1.5");
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Admin),
        path,
        &[("If-Match", "\"1\"")],
        Some(&body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "i_drift");
    // Missing: 422 required.
    let res = send_json(
        &app,
        Method::PUT,
        t.token(Role::Admin),
        path,
        &[("If-Match", "\"1\"")],
        Some(&json!({"ide": "0.1"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["error"]["fields"].as_array().unwrap().len(), 8);

    let now: Value = app
        .api_get(t.token(Role::Laeser), path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["version"], 1);
    assert_eq!(dec(&now["probabilities"]["i_drift"]), dec("1"));
    let audit = app
        .store
        .audit_for(t.tenant.id, EntityKind::StatusProbabilities, t.tenant.id.0)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
}

#[tokio::test]
async fn reminders_show_the_callers_due_measurements() {
    let (app, t, f) = setup().await;
    let day = "/api/v1/reminders?today=2026-12-31";
    // Yearly measurements of two benefits, due 31 December 2025 and 2026.
    let res = app.api_get(t.token(Role::Leder), day).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.unwrap();
    let due: Vec<(i64, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["due"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        due,
        vec![
            (1, "2025-12-31".to_owned()),
            (2, "2025-12-31".to_owned()),
            (1, "2026-12-31".to_owned()),
            (2, "2026-12-31".to_owned()),
        ]
    );
    assert_eq!(list[0]["potential_id"], json!(f.potential.0));
    // The day before the 2026 measurement is due: only 2025's.
    let earlier: Value = app
        .api_get(t.token(Role::Leder), "/api/v1/reminders?today=2026-12-30")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(earlier.as_array().unwrap().len(), 2);
    // A læser owns nothing; the porteføljeleder sees every plan.
    let none: Value = app
        .api_get(t.token(Role::Laeser), day)
        .await
        .json()
        .await
        .unwrap();
    assert!(none.as_array().unwrap().is_empty());
    let all: Value = app
        .api_get(t.token(Role::Portefoljeleder), day)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 4);
    // Recording 2026 for Porto removes that reminder.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{}/actuals", f.potential),
            &porto_actual("500"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let after: Value = app
        .api_get(t.token(Role::Leder), day)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after.as_array().unwrap().len(), 3);
    // A bad date is 422 on `today`.
    let res = app
        .api_get(t.token(Role::Leder), "/api/v1/reminders?today=31-12-2026")
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "today");
}

#[tokio::test]
async fn another_tenants_ids_are_404_on_every_path() {
    let (app, t, f) = setup().await;
    let beta = seed_tenant(&app.store, "beta").await;
    let intruder = beta.token(Role::Admin);
    let prog = format!("/api/v1/programmes/{}", f.programme);
    let pot = format!("/api/v1/potentials/{}", f.potential);
    let body = programme_body(&t, &f, "Kapret");
    for (method, path, headers, body) in [
        (Method::GET, prog.clone(), vec![], None),
        (
            Method::PUT,
            prog.clone(),
            vec![("If-Match", "\"1\"")],
            Some(body.clone()),
        ),
        (Method::GET, format!("{prog}/overview"), vec![], None),
        (
            Method::GET,
            format!("{prog}/forecast?iterations=10"),
            vec![],
            None,
        ),
        (
            Method::GET,
            format!("{prog}/forecast?iterations=10&cached_only=true"),
            vec![],
            None,
        ),
        (Method::GET, format!("{pot}/benefit-plan"), vec![], None),
        (
            Method::PUT,
            format!("{pot}/benefit-plan"),
            vec![("If-Match", "\"1\"")],
            Some(json!({"first_year": 2025, "last_year": 2027, "benefits": []})),
        ),
        (
            Method::POST,
            format!("{pot}/benefit-plan/derive"),
            vec![],
            None,
        ),
        (Method::GET, format!("{pot}/actuals"), vec![], None),
        (
            Method::POST,
            format!("{pot}/actuals"),
            vec![],
            Some(porto_actual("1")),
        ),
    ] {
        let res = send_json(
            &app,
            method.clone(),
            intruder,
            &path,
            &headers,
            body.as_ref(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(error_code(res).await, "not_found", "{method} {path}");
    }
    // The intruder's lists do not show alfa's programme, and nothing of alfa changed.
    let list: Value = app
        .api_get(intruder, "/api/v1/programmes")
        .await
        .json()
        .await
        .unwrap();
    assert!(list.as_array().unwrap().is_empty());
    // Including alfa's potential in a beta programme is a field error, not a leak.
    let res = app.api_send(Method::POST, intruder, "/api/v1/programmes", &json!({
        "name": "Beta", "first_year": 2025, "last_year": 2027, "potentials": [f.potential.0],
    })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "potentials[0]");
    let stored = app.store.programme(t.tenant.id, f.programme).await.unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(actual_count(&app, &t, &f).await, 0);
    // An id that is not a number is 404 too.
    let res = app.api_get(intruder, "/api/v1/programmes/abc").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_new_path_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/api/v1/programmes", &["get", "post"][..]),
        ("/api/v1/programmes/{id}", &["get", "put"]),
        ("/api/v1/programmes/{id}/overview", &["get"]),
        ("/api/v1/programmes/{id}/forecast", &["get"]),
        ("/api/v1/potentials/{id}/benefit-plan", &["get", "put"]),
        ("/api/v1/potentials/{id}/benefit-plan/derive", &["post"]),
        ("/api/v1/potentials/{id}/actuals", &["get", "post"]),
        (
            "/api/v1/potentials/{id}/actuals/{actual_id}/approval",
            &["post"],
        ),
        ("/api/v1/programmes/{id}/pending-actuals", &["get"]),
        ("/api/v1/settings/status-probabilities", &["get", "put"]),
        ("/api/v1/reminders", &["get"]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} missing");
        }
    }
    let schemas = &doc["components"]["schemas"];
    for name in [
        "StoredProgramme",
        "ProgrammeDraft",
        "ProgrammeUpdate",
        "ProgrammeOverview",
        "Forecast",
        "StoredBenefitPlan",
        "BenefitPlanUpdate",
        "StoredActual",
        "ActualDraft",
        "ApprovalRequest",
        "PendingActual",
        "StatusProbabilitiesView",
        "StatusProbabilitiesUpdate",
        "Reminder",
    ] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
    let params: Vec<&str> = paths["/api/v1/programmes/{id}/forecast"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in ["id", "iterations", "seed", "as_of_year", "cached_only"] {
        assert!(params.contains(&p), "forecast parameter {p}");
    }
}

#[tokio::test]
async fn a_first_plan_is_created_from_a_derived_proposal() {
    let (app, t, f) = setup().await;
    let admin = t.token(Role::Admin);
    // A second besluttet potential with the fixture's business case, through the API:
    // created at business case, given its case, then decided (the lifecycle rule).
    let res = app
        .api_send(
            Method::POST,
            admin,
            "/api/v1/potentials",
            &json!({"title": "Chatbot til borgerhenvendelser", "unit_id": t.enhed.id.0,
                    "status": "business_case"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .api_send(
            Method::PUT,
            admin,
            &format!("/api/v1/potentials/{id}/business-case"),
            &crate::helpers::fixture_case(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .api_send(
            Method::POST,
            admin,
            &format!("/api/v1/potentials/{id}/status"),
            &json!({"status": "besluttet", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let path = format!("/api/v1/potentials/{id}/benefit-plan");
    let res = app.api_get(admin, &path).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let mut plan: Value = send_json(
        &app,
        Method::POST,
        admin,
        &format!("{path}/derive"),
        &[],
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(plan["potential"], json!(id));
    assert_eq!(plan["frequency"], "yearly");
    let owner = t.user(Role::Leder).id.0;
    for b in plan["benefits"].as_array_mut().unwrap() {
        b["owner"] = json!(owner);
        b["measurement_method"] = json!("Månedligt udtræk");
    }
    // The plan must be for the potential in the path.
    let mut wrong = plan.clone();
    wrong["potential"] = json!(f.potential.0);
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-None-Match", "*")],
        Some(&wrong),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "potential");
    assert_eq!(
        app.api_get(admin, &path).await.status(),
        StatusCode::NOT_FOUND
    );

    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-None-Match", "*")],
        Some(&plan),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let stored: Value = res.json().await.unwrap();
    assert_eq!(stored["potential_id"], json!(id));
    assert_eq!(stored["plan"]["benefits"][1]["owner"], json!(owner));
    let audit = app
        .store
        .audit_for(t.tenant.id, EntityKind::BenefitPlan, id)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, AuditAction::Create);
    // Creating again is a conflict.
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        &path,
        &[("If-None-Match", "*")],
        Some(&plan),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Now the owner records an actual against it.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{id}/actuals"),
            // Decimals may be sent as JSON numbers too.
            &json!({"line": 2, "period": {"quarter": [2026, 2]}, "hours": 25.5}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["actual"]["period"], json!({"quarter": [2026, 2]}));
    assert_eq!(dec(&a["actual"]["hours"]), dec("25.5"));
    // A decimal of the wrong type is a 422 on the body, not a 500.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            &format!("/api/v1/potentials/{id}/actuals"),
            &json!({"line": 2, "period": {"year": 2026}, "hours": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = res.json().await.unwrap();
    assert_eq!(field_error(&e).0, "body");
}
