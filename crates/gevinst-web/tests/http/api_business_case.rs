//! The business-case JSON API through the real server: hand-checked results, versions,
//! bad input, roles and tenants, simulations and the tenant's economic settings.

use crate::helpers::{
    field_codes, json_of, pair, seed_tenant_for_case, send_json, spawn_app, SeededTenant, TestApp,
};
use gevinst_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The case path of the seeded potential.
fn case_path(t: &SeededTenant) -> String {
    format!("/api/v1/potentials/{}/business-case", t.potential.id)
}

/// The simulate path of the seeded potential.
fn simulate_path(t: &SeededTenant) -> String {
    format!("{}/simulate", case_path(t))
}

/// A case that can be checked by hand, with discount rate 0 and the default economics
/// (500,000 kr. per årsværk, 1,924 hours, so 500000/1924 = 259.875259875… kr. an hour):
///
/// | t (year) | investering | besparelse | 100 freed hours |
/// |---|---|---|---|
/// | 0 (2025) | 100,000 | 0 | 0 |
/// | 1 (2026) | 0 | 60,000 | 25,987.53 |
/// | 2 (2027) | 0 | 60,000 | 25,987.53 |
///
/// - net: −100,000; 85,987.53; 85,987.53 (100 h × 259.875259875… = 25,987.5259875…)
/// - NPV (r = 0, so the plain sum): −100,000 + 2 × 85,987.5259875… = 71,975.0519… → "71975.05"
/// - cumulative: −100,000; −14,012.47; 71,975.05 → payback 2027
/// - full effect (final year, all but investering): 60,000 + 25,987.53 → "85987.53"
/// - hjemtagbar full effect: only the besparelse is hjemtagbar → "60000"
/// - risk pool: 0.5 × (0 + 4 × 10,000 + 20,000) / 6 = 0.5 × 10,000 → "5000.0" (the scale
///   of p = 0.5 carries into the product); NPV after risk
///   (r = 0, undiscounted) 71,975.05 − 5,000 → "66975.05"
fn hand_case() -> Value {
    json!({
        "start_year": 2025,
        "horizon": 3,
        "discount_rate": 0,
        "lines": [
            {"kind": "investering", "label": "Robot og opsætning", "amounts": [100000, 0, 0],
             "low": 0.9, "high": 1.3},
            {"kind": "direkte_besparelse", "label": "Porto", "amounts": [0, 60000, 60000],
             "low": 0.7, "high": 1.1, "hjemtagbar": true},
            {"kind": "frigjorte_timer", "label": "Sagsbehandling", "amounts": [0, 100, 100],
             "low": 0.5, "high": 1.2},
        ],
        "risks": [
            {"description": "Leverandøren er forsinket", "probability": 0.5,
             "min": 0, "likely": 10000, "max": 20000, "year": 1},
        ],
    })
}

/// PUTs `body` as `token` with `If-None-Match: *`, asserting success; returns the view.
async fn create_case(app: &TestApp, t: &SeededTenant, token: &str, body: &Value) -> Value {
    let res = send_json(
        app,
        Method::PUT,
        token,
        &case_path(t),
        &[("If-None-Match", "*")],
        Some(body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "create case");
    assert_eq!(res.headers()["etag"], "\"1\"");
    json_of(res).await
}

/// The stored state of the seeded potential's case, read through the API: (version, case).
async fn stored(app: &TestApp, t: &SeededTenant) -> (Value, Value) {
    let res = app.api_get(t.token(Role::Admin), &case_path(t)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v = json_of(res).await;
    (v["version"].clone(), v["case"].clone())
}

#[tokio::test]
async fn put_and_get_give_hand_computed_results() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);

    // No case yet: 200 with case null, no ETag.
    let res = app.api_get(agent, &case_path(&t)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("etag").is_none());
    let empty = json_of(res).await;
    assert_eq!(empty["potential_id"], json!(t.potential.id));
    assert_eq!(empty["case"], Value::Null);
    assert_eq!(empty["version"], Value::Null);
    assert_eq!(empty["evaluation"], Value::Null);
    assert_eq!(empty["sensitivity"], json!([]));
    assert_eq!(empty["economics"]["annual_cost_per_fte"], "500000");

    // Create without any version (allowed for the first case).
    let res = app
        .api_send(Method::PUT, agent, &case_path(&t), &hand_case())
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let put = json_of(res).await;

    let res = app.api_get(agent, &case_path(&t)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let got = json_of(res).await;
    assert_eq!(got, put, "the PUT answers with the same view as the GET");
    assert_eq!(got["version"], 1);
    assert_eq!(got["case"]["horizon"], 3);
    // Request numbers come back as exact decimal strings.
    assert_eq!(
        got["case"]["lines"][0]["amounts"],
        json!(["100000", "0", "0"])
    );
    assert_eq!(got["case"]["lines"][1]["low"], "0.7");

    // See `hand_case` for the arithmetic. Amounts are rust_decimal strings: integral results
    // keep scale 0 ("60000"), results that went through the hourly rate (a 28-digit
    // quotient) are rounded to øre and so show 2 decimals ("71975.05").
    let e = &got["evaluation"];
    assert_eq!(e["npv"], "71975.05");
    assert_eq!(e["payback_year"], 2027);
    assert_eq!(e["full_effect"], "85987.53");
    assert_eq!(e["hjemtagbar_full_effect"], "60000");
    // p = 0.5 carries one decimal into the product, and rust_decimal keeps the scale.
    assert_eq!(e["risk_pool"], "5000.0");
    assert_eq!(e["npv_after_risk"], "66975.05");
    assert_eq!(e["hourly_rate"], "259.88");
    assert_eq!(e["discount_rate"], "0");
    let years: Vec<(i64, String, String)> = e["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            (
                y["year"].as_i64().unwrap(),
                y["net"].as_str().unwrap().to_owned(),
                y["cumulative"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        years,
        vec![
            (2025, "-100000".into(), "-100000".into()),
            (2026, "85987.53".into(), "-14012.47".into()),
            (2027, "85987.53".into(), "71975.05".into()),
        ]
    );
    // The tornado has a bar per line and risk, largest swing first. The besparelse swings
    // most: 120,000 kr. × (1.1 − 0.7) = 48,000 (scale 2 from the NPVs at the one-decimal
    // multipliers, subtracted).
    let bars = got["sensitivity"].as_array().unwrap();
    assert_eq!(bars.len(), 4);
    assert_eq!(bars[0]["label"], "Porto");
    assert_eq!(bars[0]["swing"], "48000.00");

    // An update with If-Match bumps the version; an identical one keeps it.
    let mut changed = hand_case();
    changed["lines"][1]["amounts"] = json!([0, 70000, 70000]);
    let res = send_json(
        &app,
        Method::PUT,
        agent,
        &case_path(&t),
        &[("If-Match", "\"1\"")],
        Some(&changed),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let v = json_of(res).await;
    assert_eq!(
        v["evaluation"]["npv"], "91975.05",
        "20,000 kr. more over two years"
    );
    let mut same = changed.clone();
    same["version"] = json!(2);
    let res = app
        .api_send(Method::PUT, agent, &case_path(&t), &same)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["etag"],
        "\"2\"",
        "nothing changed, same version"
    );
}

#[tokio::test]
async fn versions_stale_missing_and_create_rules() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);
    create_case(&app, &t, agent, &hand_case()).await;
    let (version, case) = stored(&app, &t).await;

    let mut changed = hand_case();
    changed["horizon"] = json!(2);
    changed["lines"] = json!([
        {"kind": "drift", "label": "Licens", "amounts": [1, 1]},
    ]);
    changed["risks"] = json!([]);

    // Stale version, by header and by body: 409, nothing saved.
    for (headers, body_version) in [
        (vec![("If-Match", "\"7\"")], None),
        (vec![], Some(7)),
        (vec![("If-None-Match", "*")], None),
        (vec![], Some(0)),
    ] {
        let mut body = changed.clone();
        if let Some(v) = body_version {
            body["version"] = json!(v);
        }
        let res = send_json(
            &app,
            Method::PUT,
            agent,
            &case_path(&t),
            &headers,
            Some(&body),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::CONFLICT,
            "{headers:?} {body_version:?}"
        );
        assert_eq!(json_of(res).await["error"]["code"], "version_conflict");
        assert_eq!(stored(&app, &t).await, (version.clone(), case.clone()));
    }

    // No version while a case exists: 428, nothing saved.
    let res = app
        .api_send(Method::PUT, agent, &case_path(&t), &changed)
        .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(json_of(res).await["error"]["code"], "version_required");
    assert_eq!(stored(&app, &t).await, (version.clone(), case.clone()));

    // Header and body disagree, or If-None-Match with a version: 422.
    let mut body = changed.clone();
    body["version"] = json!(2);
    for headers in [[("If-Match", "\"1\"")], [("If-None-Match", "*")]] {
        let res = send_json(
            &app,
            Method::PUT,
            agent,
            &case_path(&t),
            &headers,
            Some(&body),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(res).await, vec![pair("version", "mismatch")]);
    }
    assert_eq!(stored(&app, &t).await, (version, case));

    // The current version saves.
    let res = send_json(
        &app,
        Method::PUT,
        agent,
        &case_path(&t),
        &[("If-Match", "\"1\"")],
        Some(&changed),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v = json_of(res).await;
    assert_eq!(
        (v["version"].clone(), v["case"]["horizon"].clone()),
        (json!(2), json!(2))
    );
}

#[tokio::test]
async fn every_kind_of_bad_input_is_a_field_error_and_saves_nothing() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);

    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "wrong number of yearly values",
            |c| c["lines"][0]["amounts"] = json!([100000, 0]),
            "lines[0].amounts",
            "wrong_length",
        ),
        (
            "low above 1",
            |c| c["lines"][1]["low"] = json!(1.2),
            "lines[1].low",
            "out_of_range",
        ),
        (
            "high below 1",
            |c| c["lines"][1]["high"] = json!(0.9),
            "lines[1].high",
            "out_of_range",
        ),
        (
            "negative hours",
            |c| c["lines"][2]["amounts"] = json!([0, -100, 100]),
            "lines[2].amounts[1]",
            "negative",
        ),
        (
            "p above 1",
            |c| c["risks"][0]["probability"] = json!(1.5),
            "risks[0].probability",
            "out_of_range",
        ),
        (
            "p below 0",
            |c| c["risks"][0]["probability"] = json!(-0.1),
            "risks[0].probability",
            "out_of_range",
        ),
        (
            "min > likely",
            |c| c["risks"][0]["min"] = json!(15000),
            "risks[0].likely",
            "order",
        ),
        (
            "likely > max",
            |c| c["risks"][0]["likely"] = json!(25000),
            "risks[0].likely",
            "order",
        ),
        (
            "horizon 0",
            |c| c["horizon"] = json!(0),
            "horizon",
            "out_of_range",
        ),
        (
            "horizon 21",
            |c| c["horizon"] = json!(21),
            "horizon",
            "out_of_range",
        ),
        (
            "negative horizon",
            |c| c["horizon"] = json!(-3),
            "horizon",
            "out_of_range",
        ),
        (
            "amount beyond 10^13",
            |c| c["lines"][0]["amounts"] = json!([2e13, 0, 0]),
            "lines[0].amounts[0]",
            "out_of_range",
        ),
        (
            "risk beyond 10^13",
            |c| c["risks"][0]["max"] = json!(-1.1e13),
            "risks[0].max",
            "out_of_range",
        ),
    ];

    // On creation: nothing saved, the potential still has no case.
    for (what, edit, field, code) in &cases {
        let mut body = hand_case();
        edit(&mut body);
        let res = app
            .api_send(Method::PUT, agent, &case_path(&t), &body)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let fields = field_codes(res).await;
        assert!(fields.contains(&pair(field, code)), "{what}: {fields:?}");
        assert_eq!(stored(&app, &t).await, (Value::Null, Value::Null), "{what}");
    }

    // On update: the stored case and version are unchanged.
    create_case(&app, &t, agent, &hand_case()).await;
    let before = stored(&app, &t).await;
    for (what, edit, field, code) in &cases {
        let mut body = hand_case();
        edit(&mut body);
        body["version"] = json!(1);
        let res = app
            .api_send(Method::PUT, agent, &case_path(&t), &body)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let fields = field_codes(res).await;
        assert!(fields.contains(&pair(field, code)), "{what}: {fields:?}");
        assert_eq!(stored(&app, &t).await, before, "{what}");
    }

    // Numbers JSON cannot hold (1e400 overflows a float; NaN is not JSON at all): 400, not 500.
    let raw = serde_json::to_string(&hand_case()).unwrap();
    for bad in [
        raw.replace("100000,0,0", "1e400,0,0"),
        raw.replace("100000,0,0", "NaN,0,0"),
        raw.replace("\"probability\":0.5", "\"probability\":Infinity"),
    ] {
        assert_ne!(bad, raw, "the replacement applied");
        let res = app
            .client
            .put(app.url(&case_path(&t)))
            .bearer_auth(agent)
            .header("Content-Type", "application/json")
            .header("If-Match", "\"1\"")
            .body(bad.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json_of(res).await["error"]["code"], "invalid_json");
        assert_eq!(stored(&app, &t).await, before);
    }

    // Wrong types and unknown fields are 422 too. (A decimal string such as "100000" is
    // not a wrong type: amounts are decimal strings, or numbers.)
    let mut body = hand_case();
    body["lines"][0]["amounts"] = json!([true, 0, 0]);
    body["version"] = json!(1);
    let res = app
        .api_send(Method::PUT, agent, &case_path(&t), &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut body = hand_case();
    body["npv"] = json!(1);
    body["version"] = json!(1);
    let res = app
        .api_send(Method::PUT, agent, &case_path(&t), &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&app, &t).await, before);
}

#[tokio::test]
async fn roles_and_tenants() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let other = seed_tenant_for_case(&app.store, "beta").await;
    let laeser = t.token(Role::Laeser);

    // A reader may not save, but may read and simulate.
    let res = app
        .api_send(Method::PUT, laeser, &case_path(&t), &hand_case())
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(stored(&app, &t).await, (Value::Null, Value::Null));
    create_case(&app, &t, t.token(Role::DigitalAgent), &hand_case()).await;
    let res = app.api_get(laeser, &case_path(&t)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v = json_of(res).await;
    assert_eq!(v["evaluation"]["npv"], "71975.05");
    assert_eq!(v["may_edit"], false);
    let res = send_json(
        &app,
        Method::PUT,
        laeser,
        &case_path(&t),
        &[("If-Match", "\"1\"")],
        Some(&hand_case()),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .api_send(
            Method::POST,
            laeser,
            &simulate_path(&t),
            &json!({"iterations": 100, "seed": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Another tenant's potential does not exist for beta's users, whatever their role.
    let stranger = other.token(Role::Admin);
    let res = app.api_get(stranger, &case_path(&t)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(res).await["error"]["code"], "not_found");
    for headers in [vec![], vec![("If-Match", "\"1\"")]] {
        let res = send_json(
            &app,
            Method::PUT,
            stranger,
            &case_path(&t),
            &headers,
            Some(&hand_case()),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = app
        .api_send(
            Method::POST,
            stranger,
            &simulate_path(&t),
            &json!({"iterations": 100, "seed": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(res).await["error"]["code"], "not_found");
    assert_eq!(stored(&app, &t).await.0, json!(1), "alfa's case untouched");

    // Ids that are no potential at all.
    let res = app
        .api_get(laeser, "/api/v1/potentials/999999/business-case")
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .api_get(laeser, "/api/v1/potentials/abc/business-case")
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn simulations_are_reproducible_and_checked() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);

    // No case yet: 404 with its own code.
    let res = app
        .api_send(
            Method::POST,
            agent,
            &simulate_path(&t),
            &json!({"iterations": 100, "seed": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(res).await["error"]["code"], "no_business_case");

    create_case(&app, &t, agent, &hand_case()).await;
    let run = |seed: u64| {
        let app = &app;
        let path = simulate_path(&t);
        async move {
            let res = app
                .api_send(
                    Method::POST,
                    agent,
                    &path,
                    &json!({"iterations": 5000, "seed": seed}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let a = run(42).await;
    let b = run(42).await;
    let c = run(43).await;
    assert_eq!(a, b, "same seed, byte-identical JSON");
    assert_ne!(a, c, "another seed, other draws");

    let s: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(
        (s["iterations"].clone(), s["seed"].clone()),
        (json!(5000), json!(42))
    );
    let npv = &s["npv"];
    let (p10, p50, p90) = (
        npv["p10"].as_f64().unwrap(),
        npv["p50"].as_f64().unwrap(),
        npv["p90"].as_f64().unwrap(),
    );
    assert!(npv["min"].as_f64().unwrap() <= p10 && p10 <= p50 && p50 <= p90);
    assert!(p90 <= npv["max"].as_f64().unwrap());
    // Around the deterministic NPV (71,975 kr.), which lies between P10 and P90.
    assert!(p10 < 71_975.05 && 71_975.05 < p90, "{p10} {p90}");
    let counted: u64 = npv["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 5000);
    let p_neg = s["probability_negative_npv"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p_neg));
    assert!(s["full_effect"]["mean"].is_number());

    // Defaults: an empty object runs 10,000 iterations with seed 0.
    let res = app
        .api_send(Method::POST, agent, &simulate_path(&t), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let d = json_of(res).await;
    assert_eq!(
        (d["iterations"].clone(), d["seed"].clone()),
        (json!(10000), json!(0))
    );

    // Iterations out of range.
    for n in [json!(0), json!(100_001), json!(1_000_000)] {
        let res = app
            .api_send(
                Method::POST,
                agent,
                &simulate_path(&t),
                &json!({"iterations": n, "seed": 1}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        assert_eq!(
            field_codes(res).await,
            vec![pair("iterations", "out_of_range")]
        );
    }
    for n in [json!(-1), json!(1e12), json!("many")] {
        let res = app
            .api_send(
                Method::POST,
                agent,
                &simulate_path(&t),
                &json!({"iterations": n}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{n}");
    }
}

#[tokio::test]
async fn economics_settings_read_by_all_changed_by_admin() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    create_case(&app, &t, t.token(Role::DigitalAgent), &hand_case()).await;

    // Anyone reads the defaults, version 0.
    let res = app
        .api_get(t.token(Role::Laeser), "/api/v1/settings/economics")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"0\"");
    let s = json_of(res).await;
    assert_eq!(s["version"], 0);
    assert_eq!(s["hourly_rate"], "259.88");
    assert_eq!(s["economics"]["discount_rate"], "0.035");
    assert_eq!(s["economics"]["channel_costs"]["telephone"], "50");

    let settings = json!({
        "annual_cost_per_fte": 500000,
        "hours_per_fte": 1924,
        "hourly_rate_override": 300,
        "discount_rate": 0.035,
        "channel_costs": {"digital": 5, "telephone": 50, "in_person": 100, "written": 120},
    });

    // Not an admin: 403, nothing saved.
    for role in [
        Role::Portefoljeleder,
        Role::Leder,
        Role::DigitalAgent,
        Role::Laeser,
    ] {
        let res = send_json(
            &app,
            Method::PUT,
            t.token(role),
            "/api/v1/settings/economics",
            &[("If-Match", "\"0\"")],
            Some(&settings),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
    let admin = t.token(Role::Admin);
    // No version: 428; bad values: 422.
    let res = app
        .api_send(Method::PUT, admin, "/api/v1/settings/economics", &settings)
        .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let mut bad = settings.clone();
    bad["hours_per_fte"] = json!(0);
    bad["channel_costs"]["telephone"] = json!(-1);
    bad["version"] = json!(0);
    let res = app
        .api_send(Method::PUT, admin, "/api/v1/settings/economics", &bad)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = field_codes(res).await;
    assert!(
        fields.iter().any(|(f, _)| f == "hours_per_fte"),
        "{fields:?}"
    );
    assert!(
        fields.iter().any(|(f, _)| f == "channel_costs.telephone"),
        "{fields:?}"
    );
    let res = app.api_get(admin, "/api/v1/settings/economics").await;
    assert_eq!(json_of(res).await["version"], 0, "nothing saved");

    // The admin saves an hourly rate of 300 kr.
    let res = send_json(
        &app,
        Method::PUT,
        admin,
        "/api/v1/settings/economics",
        &[("If-Match", "\"0\"")],
        Some(&settings),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let s = json_of(res).await;
    assert_eq!(
        (s["version"].clone(), s["hourly_rate"].clone()),
        (json!(1), json!("300"))
    );

    // The case is now valued at 300 kr. an hour: 100 h = 30,000 kr. a year, so
    // NPV = −100,000 + 2 × (60,000 + 30,000) = 80,000 and full effect 90,000; all integral,
    // so the strings have no decimals.
    let res = app.api_get(t.token(Role::Laeser), &case_path(&t)).await;
    let v = json_of(res).await;
    assert_eq!(v["economics"]["hourly_rate_override"], "300");
    assert_eq!(v["evaluation"]["hourly_rate"], "300");
    assert_eq!(v["evaluation"]["npv"], "80000");
    assert_eq!(v["evaluation"]["full_effect"], "90000");

    // A stale version: 409, the settings stay.
    let mut stale = settings.clone();
    stale["hourly_rate_override"] = json!(400);
    stale["version"] = json!(0);
    let res = app
        .api_send(Method::PUT, admin, "/api/v1/settings/economics", &stale)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app.api_get(admin, "/api/v1/settings/economics").await;
    assert_eq!(json_of(res).await["hourly_rate"], "300");
}

#[tokio::test]
async fn openapi_lists_the_business_case_endpoints() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc = json_of(res).await;
    let paths = &doc["paths"];
    let case = &paths["/api/v1/potentials/{id}/business-case"];
    assert!(case["get"].is_object() && case["put"].is_object(), "{case}");
    assert!(paths["/api/v1/potentials/{id}/business-case/simulate"]["post"].is_object());
    let econ = &paths["/api/v1/settings/economics"];
    assert!(econ["get"].is_object() && econ["put"].is_object(), "{econ}");
    let schemas = &doc["components"]["schemas"];
    for name in [
        "BusinessCaseView",
        "BusinessCaseUpdate",
        "Evaluation",
        "Simulation",
        "Distribution",
        "TornadoBar",
        "EconomicsSettings",
        "EconomicsUpdate",
        "LineDraft",
        "RiskDraft",
    ] {
        assert!(schemas[name].is_object(), "schema {name} registered");
    }
    let evaluation = schemas["Evaluation"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(evaluation.contains("JSON strings"), "{evaluation}");
    let distribution = schemas["Distribution"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        distribution.contains("10 % of the outcomes fall below"),
        "{distribution}"
    );
}
