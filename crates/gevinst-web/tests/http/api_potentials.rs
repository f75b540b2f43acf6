//! The JSON API on potentials, through the real server: create, read, update with
//! optimistic concurrency, the status lifecycle, history, listing and bad input.

use crate::helpers::{field_codes, json_of, pair, seed_tenant, spawn_app, SeededTenant, TestApp};
use gevinst_domain::{PotentialId, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Sends `body` with `If-Match: "<version>"` (when given) and a bearer token.
async fn send_if_match(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(v) = if_match {
        req = req.header("If-Match", v);
    }
    req.send().await.expect("request")
}

/// Moves a potential to `to` as `token`, sending the version in the body; returns the reply.
async fn move_status(
    app: &TestApp,
    token: &str,
    id: i64,
    to: &str,
    reason: Option<&str>,
    version: i64,
) -> reqwest::Response {
    let body = json!({"status": to, "reason": reason, "version": version});
    app.api_send(
        Method::POST,
        token,
        &format!("/api/v1/potentials/{id}/status"),
        &body,
    )
    .await
}

fn editable(p: &Value) -> Value {
    json!({
        "title": p["title"], "description": p["description"], "unit_id": p["unit_id"],
        "fagomraade_id": p["fagomraade_id"], "technology_id": p["technology_id"],
        "source": p["source"], "benefit_owner": p["benefit_owner"],
        "digital_agent": p["digital_agent"], "tags": p["tags"],
    })
}

#[tokio::test]
async fn create_get_update_and_stale_update_is_refused() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);

    let res = app
        .api_send(
            Method::POST,
            agent,
            "/api/v1/potentials",
            &json!({
                "title": "  Robot til journalisering ",
                "description": "Breve journaliseres i dag i hånden.",
                "unit_id": t.enhed.id,
                "source": "workshop",
                "tags": ["RPA", "rpa", "Journal"],
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = {
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(res.headers()["etag"], "\"1\"");
        let p = json_of(res).await;
        assert_eq!(location, format!("/api/v1/potentials/{}", p["id"]));
        assert_eq!(p["title"], "Robot til journalisering", "title is trimmed");
        assert_eq!(
            p["tags"],
            json!(["RPA", "Journal"]),
            "duplicate tag dropped"
        );
        assert_eq!(p["status"], "ide");
        assert_eq!(p["source"], "workshop");
        assert_eq!(p["version"], 1);
        assert_eq!(p["submitted_by"], json!(t.user(Role::DigitalAgent).id));
        assert_eq!(p["tenant_id"], json!(t.tenant.id));
        p["id"].as_i64().unwrap()
    };
    let path = format!("/api/v1/potentials/{id}");

    let res = app.api_get(agent, &path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"1\"");
    assert_eq!(res.headers()["content-type"], "application/json");
    let read = json_of(res).await;
    assert_eq!(read["title"], "Robot til journalisering");

    // Update with the right version in If-Match.
    let mut body = editable(&read);
    body["title"] = json!("Robot til journalisering af breve");
    let res = send_if_match(&app, Method::PUT, agent, &path, Some("\"1\""), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let v2 = json_of(res).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["title"], "Robot til journalisering af breve");

    // Another client still holds version 1: 409 and nothing saved.
    let mut stale = editable(&read);
    stale["title"] = json!("Overskrevet af en gammel kopi");
    stale["tags"] = json!([]);
    let res = send_if_match(&app, Method::PUT, agent, &path, Some("\"1\""), &stale).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(json_of(res).await["error"]["code"], "version_conflict");
    // The same with the version in the body.
    stale["version"] = json!(1);
    let res = send_if_match(&app, Method::PUT, agent, &path, None, &stale).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let stored = app
        .store
        .potential(t.tenant.id, PotentialId(id))
        .await
        .unwrap();
    assert_eq!(stored.title, "Robot til journalisering af breve");
    assert_eq!(stored.tags, vec!["RPA", "Journal"]);
    assert_eq!(stored.version, 2);

    // No version at all: 428 with a clear code; nothing saved.
    let res = send_if_match(&app, Method::PUT, agent, &path, None, &editable(&v2)).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(json_of(res).await["error"]["code"], "version_required");
    // Header and body disagree: 422.
    let mut both = editable(&v2);
    both["version"] = json!(1);
    let res = send_if_match(&app, Method::PUT, agent, &path, Some("\"2\""), &both).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("version", "mismatch")]);
    // `*` does not say which version was read.
    let res = send_if_match(&app, Method::PUT, agent, &path, Some("*"), &editable(&v2)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("If-Match", "invalid")]);

    // The body's version works as the alternative; PUT is a full replace.
    let mut body = editable(&v2);
    body["version"] = json!(2);
    body["tags"] = json!([]);
    body["source"] = Value::Null;
    let res = send_if_match(&app, Method::PUT, agent, &path, None, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v3 = json_of(res).await;
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["tags"], json!([]));
    assert_eq!(
        v3["source"], "employee_proposal",
        "an omitted source is the default"
    );
    assert_eq!(
        app.store
            .potential(t.tenant.id, PotentialId(id))
            .await
            .unwrap()
            .version,
        3
    );
}

#[tokio::test]
async fn status_lifecycle_with_reasons_and_history() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "beta").await;
    let agent = t.token(Role::DigitalAgent);
    let boss = t.token(Role::Portefoljeleder);

    let p = json_of(
        app.api_send(
            Method::POST,
            agent,
            "/api/v1/potentials",
            &json!({"title": "Sensorer i plejeboliger", "unit_id": t.enhed.id}),
        )
        .await,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    let path = format!("/api/v1/potentials/{id}");
    let mut body = editable(&p);
    body["title"] = json!("Faldsensorer i plejeboliger");
    let res = send_if_match(&app, Method::PUT, agent, &path, Some("\"1\""), &body).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Skipping stages and rejecting without a reason are field errors; nothing changes.
    let res = move_status(&app, boss, id, "besluttet", None, 2).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("status", "not_allowed")]);
    let res = move_status(&app, boss, id, "afvist", Some("   "), 2).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("reason", "required")]);
    let res = move_status(&app, boss, id, "på_vej", None, 2).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("status", "invalid")]);
    let res = app
        .api_send(
            Method::POST,
            boss,
            &format!("{path}/status"),
            &json!({"version": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("status", "required")]);
    let res = move_status(&app, boss, id, "vurderet", None, 1).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "stale version");
    let res = app
        .api_send(
            Method::POST,
            boss,
            &format!("{path}/status"),
            &json!({"status": "vurderet"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    let stored = app
        .store
        .potential(t.tenant.id, PotentialId(id))
        .await
        .unwrap();
    assert_eq!((stored.status.as_str(), stored.version), ("ide", 2));

    // Park it, resume, and walk the main path to the end.
    let steps = [
        ("parkeret", Some("Afventer budget 2026")),
        ("vurderet", Some("Budgettet er på plads")),
        ("business_case", None),
        ("besluttet", Some("Besluttet i direktionen")),
        ("i_implementering", None),
        ("i_drift", None),
        ("gevinst_realiseret", Some("Færre fald målt over et år")),
    ];
    let mut version = 2;
    for (to, reason) in steps {
        // The first step sends the version as If-Match instead of in the body.
        let res = if to == "parkeret" {
            send_if_match(
                &app,
                Method::POST,
                boss,
                &format!("{path}/status"),
                Some(&format!("\"{version}\"")),
                &json!({"status": to, "reason": reason}),
            )
            .await
        } else {
            move_status(&app, boss, id, to, reason, version).await
        };
        assert_eq!(res.status(), StatusCode::OK, "to {to}");
        assert_eq!(
            res.headers()["etag"].to_str().unwrap(),
            format!("\"{}\"", version + 1)
        );
        let p = json_of(res).await;
        assert_eq!(p["status"], to);
        assert_eq!(p["version"], version + 1);
        version += 1;
    }
    // Final: nothing further.
    let res = move_status(&app, boss, id, "ide", Some("igen"), version).await;
    assert_eq!(field_codes(res).await, vec![pair("status", "not_allowed")]);

    let res = app
        .api_get(t.token(Role::Laeser), &format!("{path}/history"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = json_of(res).await;
    let audit = h["audit"].as_array().unwrap();
    assert_eq!(
        audit.len(),
        2 + steps.len(),
        "create, update and one entry per status change"
    );
    assert_eq!(audit[0]["action"], "create");
    assert_eq!(audit[0]["user_id"], json!(t.user(Role::DigitalAgent).id));
    assert_eq!(audit[1]["action"], "update");
    assert_eq!(audit[1]["user_id"], json!(t.user(Role::DigitalAgent).id));
    assert_eq!(audit[1]["user_name"], "Digital agent beta");
    assert_eq!(
        audit[1]["changes"],
        json!([{"field": "title", "before": "Sensorer i plejeboliger", "after": "Faldsensorer i plejeboliger"}])
    );
    assert_eq!(audit[2]["action"], "status_change");
    assert_eq!(audit[2]["user_name"], "Porteføljeleder beta");
    assert_eq!(audit[2]["reason"], "Afventer budget 2026");
    assert_eq!(
        audit[2]["changes"],
        json!([{"field": "status", "before": "ide", "after": "parkeret"}])
    );
    let sc = h["status_changes"].as_array().unwrap();
    let moves: Vec<(&str, &str)> = sc
        .iter()
        .map(|c| (c["from"].as_str().unwrap(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("ide", "parkeret"),
            ("parkeret", "vurderet"),
            ("vurderet", "business_case"),
            ("business_case", "besluttet"),
            ("besluttet", "i_implementering"),
            ("i_implementering", "i_drift"),
            ("i_drift", "gevinst_realiseret"),
        ]
    );
    assert_eq!(sc[0]["reason"], "Afventer budget 2026");
    assert_eq!(sc[2]["reason"], Value::Null);
    assert!(sc
        .iter()
        .all(|c| c["user_id"] == json!(t.user(Role::Portefoljeleder).id)));
}

/// Creates a potential as the admin (who may set any status); returns its id.
async fn create_as_admin(app: &TestApp, t: &SeededTenant, body: Value) -> i64 {
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Admin),
            "/api/v1/potentials",
            &body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{body}");
    json_of(res).await["id"].as_i64().unwrap()
}

async fn list(app: &TestApp, t: &SeededTenant, query: &str) -> Value {
    let res = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/potentials?{query}"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    json_of(res).await
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "gamma").await;
    let fag: Value = json_of(
        app.api_get(t.token(Role::Laeser), "/api/v1/fagomraader")
            .await,
    )
    .await;
    let tech: Value = json_of(
        app.api_get(t.token(Role::Laeser), "/api/v1/technologies")
            .await,
    )
    .await;
    let (f0, f1) = (
        fag[0]["id"].as_i64().unwrap(),
        fag[1]["id"].as_i64().unwrap(),
    );
    let t0 = tech[0]["id"].as_i64().unwrap();

    // 12 plain rows (index i = 0..12, title number i+1): unit cycles enhed/forvaltning/
    // other, status cycles idé/vurderet/business case/vurderet, fagområde f0 for even i and
    // f1 for odd i, technology t0 when i is a multiple of 3.
    let units = [t.enhed.id, t.forvaltning.id, t.other.id];
    let statuses = ["ide", "vurderet", "business_case", "vurderet"];
    for i in 0..12 {
        create_as_admin(
            &app,
            &t,
            json!({
                "title": format!("Potentiale {:02}", i + 1),
                "unit_id": units[i % 3],
                "status": statuses[i % 4],
                "fagomraade_id": if i % 2 == 0 { f0 } else { f1 },
                "technology_id": if i % 3 == 0 { Some(t0) } else { None },
            }),
        )
        .await;
    }
    create_as_admin(
        &app,
        &t,
        json!({"title": "Ældreplejens ruteplanlægning", "description": "Kørsel på Østerbro og i Århusgade", "unit_id": t.other.id}),
    )
    .await;
    create_as_admin(&app, &t, json!({"title": "Hjælpemidler", "unit_id": t.other.id, "tags": ["Velfærdsteknologi", "ØKONOMI"]})).await;
    // Plus the seeded potential: "Skærmbesøg i gamma", enhed, idé. 15 in all.

    let all = list(&app, &t, "").await;
    assert_eq!(all["total"], 15);
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 50);
    assert_eq!(all["items"].as_array().unwrap().len(), 15);

    // Status: rows 1,5,9 are idé (+ the seed and the two text rows); 2,4,6,8,10,12 vurderet.
    assert_eq!(list(&app, &t, "status=ide").await["total"], 6);
    assert_eq!(
        list(&app, &t, "status=vurderet,business_case").await["total"],
        9
    );
    assert_eq!(list(&app, &t, "status=besluttet").await["total"], 0);

    // Unit: forvaltning includes enhed below it. enhed: rows 1,4,7,10 + seed; forvaltning
    // itself: rows 2,5,8,11.
    let under = list(&app, &t, &format!("unit={}", t.forvaltning.id)).await;
    assert_eq!(under["total"], 9);
    assert_eq!(
        list(&app, &t, &format!("unit={}", t.enhed.id)).await["total"],
        5
    );
    assert_eq!(
        list(&app, &t, &format!("unit={}", t.other.id)).await["total"],
        6
    );

    assert_eq!(
        list(&app, &t, &format!("fagomraade={f0}")).await["total"],
        6
    );
    assert_eq!(
        list(&app, &t, &format!("technology={t0}")).await["total"],
        4
    );
    // Combined: vurderet in f1 (odd rows, index 1,3,5,7,9,11 → all vurderet) under other.
    let combo = list(
        &app,
        &t,
        &format!("status=vurderet&fagomraade={f1}&unit={}", t.other.id),
    )
    .await;
    assert_eq!(
        titles(&combo),
        ["Potentiale 12", "Potentiale 06"],
        "default sort: newest change first"
    );

    // Text search is case-insensitive with æ, ø and å, in title, description and tags.
    assert_eq!(
        titles(&list(&app, &t, "q=%C3%86LDREPLEJEN").await),
        ["Ældreplejens ruteplanlægning"]
    );
    assert_eq!(
        titles(&list(&app, &t, "q=%C3%B8sterbro").await),
        ["Ældreplejens ruteplanlægning"]
    );
    assert_eq!(
        titles(&list(&app, &t, "q=%C3%85rhus").await),
        ["Ældreplejens ruteplanlægning"]
    );
    assert_eq!(
        titles(&list(&app, &t, "q=%C3%B8konomi").await),
        ["Hjælpemidler"]
    );
    assert_eq!(
        titles(&list(&app, &t, "q=sk%C3%A6rmbes%C3%B8g").await),
        ["Skærmbesøg i gamma"]
    );
    assert_eq!(list(&app, &t, "q=findes+ikke").await["total"], 0);

    // Sort and page.
    let p2 = list(
        &app,
        &t,
        "q=potentiale&sort=title&order=asc&per_page=5&page=2",
    )
    .await;
    assert_eq!(p2["total"], 12);
    assert_eq!(
        (p2["page"].as_u64(), p2["per_page"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(
        titles(&p2),
        [
            "Potentiale 06",
            "Potentiale 07",
            "Potentiale 08",
            "Potentiale 09",
            "Potentiale 10"
        ]
    );
    let p3 = list(
        &app,
        &t,
        "q=potentiale&sort=title&order=asc&per_page=5&page=3",
    )
    .await;
    assert_eq!(titles(&p3), ["Potentiale 11", "Potentiale 12"]);
    let desc = list(&app, &t, "q=potentiale&sort=title&order=desc&per_page=3").await;
    assert_eq!(
        titles(&desc),
        ["Potentiale 12", "Potentiale 11", "Potentiale 10"]
    );
    let beyond = list(&app, &t, "q=potentiale&per_page=5&page=9").await;
    assert_eq!(
        (
            beyond["total"].as_u64(),
            beyond["items"].as_array().unwrap().len()
        ),
        (Some(12), 0)
    );
    // Status sorts in lifecycle order: idé first, business case last among these.
    let by_status = list(&app, &t, "q=potentiale&sort=status&order=asc").await;
    let st: Vec<&str> = by_status["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(st.first(), Some(&"ide"));
    assert_eq!(st.last(), Some(&"business_case"));
    let by_unit = list(&app, &t, "sort=unit&order=asc").await;
    let first_unit = by_unit["items"][0]["unit_id"].clone();
    assert_eq!(
        first_unit,
        json!(t.enhed.id),
        "Hjemmeplejen sorts before Social og Sundhed and Teknik og Miljø"
    );
}

#[tokio::test]
async fn bad_list_parameters_are_field_errors() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "delta").await;
    let token = t.token(Role::Laeser);
    let cases = [
        ("status=nonsense", "status", "invalid"),
        ("status=ide,NOPE", "status", "invalid"),
        ("per_page=0", "per_page", "invalid"),
        ("per_page=201", "per_page", "invalid"),
        ("per_page=-1", "per_page", "invalid"),
        ("page=0", "page", "invalid"),
        ("page=x", "page", "invalid"),
        ("sort=price", "sort", "invalid"),
        ("order=sideways", "order", "invalid"),
        ("unit=abc", "unit", "invalid"),
        ("unit=999999", "unit", "unknown"),
        ("fagomraade=1.5", "fagomraade", "invalid"),
        ("technology=%00", "technology", "invalid"),
    ];
    for (query, field, code) in cases {
        let res = app
            .api_get(token, &format!("/api/v1/potentials?{query}"))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let body = json_of(res).await;
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
        assert_eq!(body["error"]["fields"][0]["code"], code, "{query}");
    }
    let long = "x".repeat(201);
    let res = app
        .api_get(token, &format!("/api/v1/potentials?q={long}"))
        .await;
    assert_eq!(field_codes(res).await, vec![pair("q", "too_long")]);
    // A repeated key is a malformed query string: still a 422 in the JSON format.
    let res = app.api_get(token, "/api/v1/potentials?page=1&page=2").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("query", "invalid")]);
}

#[tokio::test]
async fn bad_input_on_create_gives_field_codes_and_saves_nothing() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "epsilon").await;
    let token = t.token(Role::Portefoljeleder);
    let unit = t.enhed.id;
    let cases: Vec<(Value, Vec<(String, String)>)> = vec![
        (
            json!({"title": "", "unit_id": unit}),
            vec![pair("title", "required")],
        ),
        (
            json!({"title": "   ", "unit_id": unit}),
            vec![pair("title", "required")],
        ),
        (
            json!({"title": "ab", "unit_id": unit}),
            vec![pair("title", "too_short")],
        ),
        (
            json!({"title": "x".repeat(201), "unit_id": unit}),
            vec![pair("title", "too_long")],
        ),
        (
            json!({"title": "Uden enhed"}),
            vec![pair("unit_id", "required")],
        ),
        (
            json!({"title": "Ukendt enhed", "unit_id": 999_999}),
            vec![pair("unit_id", "unknown")],
        ),
        (
            json!({"title": "Borgerhenvendelser", "description": "Borgeren 010203-1234 ringer dagligt", "unit_id": unit}),
            vec![pair("description", "cpr")],
        ),
        (
            json!({"title": "CPR 0102031234 i titlen", "unit_id": unit}),
            vec![pair("title", "cpr")],
        ),
        (
            json!({"title": "Kilde", "unit_id": unit, "source": "rygte"}),
            vec![pair("source", "invalid")],
        ),
        (
            json!({"title": "Ejer", "unit_id": unit, "benefit_owner": 999_999}),
            vec![pair("benefit_owner", "unknown")],
        ),
        (
            json!({"title": "Fag", "unit_id": unit, "fagomraade_id": 999_999}),
            vec![pair("fagomraade_id", "unknown")],
        ),
        (
            json!({"title": "Tags", "unit_id": unit, "tags": ["y".repeat(41)]}),
            vec![pair("tags", "too_long")],
        ),
        (
            json!({"title": "Status", "unit_id": unit, "status": "færdig"}),
            vec![pair("status", "invalid")],
        ),
        (
            json!({"title": "", "description": "010203-1234", "unit_id": 999_999}),
            vec![
                pair("title", "required"),
                pair("description", "cpr"),
                pair("unit_id", "unknown"),
            ],
        ),
        // Wrong types and unknown fields: 422 on the body.
        (
            json!({"title": 5, "unit_id": unit}),
            vec![pair("body", "invalid")],
        ),
        (
            json!({"title": "Typer", "unit_id": "enhed"}),
            vec![pair("body", "invalid")],
        ),
        (
            json!({"title": "Ekstra", "unit_id": unit, "budget": 100}),
            vec![pair("body", "invalid")],
        ),
        (
            json!({"title": "Version", "unit_id": unit, "version": 1}),
            vec![pair("body", "invalid")],
        ),
        (json!(["title"]), vec![pair("body", "invalid")]),
    ];
    for (body, expected) in cases {
        let res = app
            .api_send(Method::POST, token, "/api/v1/potentials", &body)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_codes(res).await, expected, "{body}");
    }
    let all = list(&app, &t, "").await;
    assert_eq!(all["total"], 1, "only the seeded potential");

    // The same validation on update, and nothing saved.
    let path = format!("/api/v1/potentials/{}", t.potential.id);
    let res = send_if_match(
        &app,
        Method::PUT,
        token,
        &path,
        Some("\"1\""),
        &json!({"title": "", "unit_id": 999_999}),
    )
    .await;
    assert_eq!(
        field_codes(res).await,
        vec![pair("title", "required"), pair("unit_id", "unknown")]
    );
    let res = send_if_match(
        &app,
        Method::PUT,
        token,
        &path,
        Some("\"1\""),
        &json!({"title": "Ny", "unit_id": unit, "status": "ide"}),
    )
    .await;
    assert_eq!(
        field_codes(res).await,
        vec![pair("body", "invalid")],
        "status is not an editable field"
    );
    let stored = app
        .store
        .potential(t.tenant.id, t.potential.id)
        .await
        .unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.version),
        (t.potential.title.as_str(), 1)
    );
}

#[tokio::test]
async fn reference_lists_overview_and_me() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "zeta").await;
    let token = t.token(Role::Leder);

    let units = json_of(app.api_get(token, "/api/v1/units").await).await;
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 3);
    assert_eq!(units[0]["name"], "Social og Sundhed");
    assert_eq!(units[1]["id"], json!(t.enhed.id));
    assert_eq!(units[1]["parent_id"], json!(t.forvaltning.id));
    assert_eq!(units[1]["depth"], 1);
    assert_eq!(
        units[1]["path"],
        json!(["Social og Sundhed", "Hjemmeplejen"])
    );
    assert_eq!(units[2]["name"], "Teknik og Miljø");
    assert_eq!(units[2]["parent_id"], Value::Null);

    let fag = json_of(app.api_get(token, "/api/v1/fagomraader").await).await;
    let names: Vec<&str> = fag
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, gevinst_domain::DEFAULT_FAGOMRAADER);
    let tech = json_of(app.api_get(token, "/api/v1/technologies").await).await;
    assert_eq!(
        tech.as_array().unwrap().len(),
        gevinst_domain::DEFAULT_TECHNOLOGIES.len()
    );

    let me = json_of(app.api_get(token, "/api/v1/me").await).await;
    assert_eq!(me["role"], "leder");
    assert_eq!(me["user"]["email"], "leder@zeta.dk");
    assert_eq!(me["tenant"]["slug"], "zeta");
    assert_eq!(me["units_in_scope"], json!([t.forvaltning.id, t.enhed.id]));
    assert!(me["user"].get("password_hash").is_none());

    let admin = t.token(Role::Admin);
    create_as_admin(
        &app,
        &t,
        json!({"title": "Vurderet idé", "unit_id": t.other.id, "status": "vurderet"}),
    )
    .await;
    let ov = json_of(app.api_get(admin, "/api/v1/overview").await).await;
    assert_eq!(ov["total"], 2);
    assert_eq!(ov["by_status"].as_array().unwrap().len(), 9);
    assert_eq!(
        ov["by_status"][0],
        json!({"status": "ide", "label": "Idé", "count": 1})
    );
    assert_eq!(
        ov["by_status"][1],
        json!({"status": "vurderet", "label": "Vurderet", "count": 1})
    );
    let by_unit = ov["by_unit"].as_array().unwrap();
    assert!(
        by_unit.contains(&json!({"id": t.other.id, "name": "Teknik og Miljø", "count": 1})),
        "{by_unit:?}"
    );
    assert!(
        by_unit.contains(&json!({"id": t.enhed.id, "name": "Hjemmeplejen", "count": 1})),
        "{by_unit:?}"
    );
}

#[tokio::test]
async fn openapi_document_is_public_and_lists_the_api() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.expect("the document parses as JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/potentials", vec!["get", "post"]),
        ("/api/v1/potentials/{id}", vec!["get", "put"]),
        ("/api/v1/potentials/{id}/status", vec!["post"]),
        ("/api/v1/potentials/{id}/history", vec!["get"]),
        ("/api/v1/potentials/{id}/business-case", vec!["get", "put"]),
        (
            "/api/v1/potentials/{id}/business-case/simulate",
            vec!["post"],
        ),
        ("/api/v1/settings/economics", vec!["get", "put"]),
        ("/api/v1/programmes", vec!["get", "post"]),
        ("/api/v1/programmes/{id}", vec!["get", "put"]),
        ("/api/v1/programmes/{id}/overview", vec!["get"]),
        ("/api/v1/programmes/{id}/forecast", vec!["get"]),
        ("/api/v1/potentials/{id}/benefit-plan", vec!["get", "put"]),
        ("/api/v1/potentials/{id}/benefit-plan/derive", vec!["post"]),
        ("/api/v1/potentials/{id}/actuals", vec!["get", "post"]),
        ("/api/v1/potentials/figures", vec!["get"]),
        (
            "/api/v1/potentials/{id}/actuals/{actual_id}/approval",
            vec!["post"],
        ),
        (
            "/api/v1/potentials/{id}/actuals/{actual_id}/withdrawal",
            vec!["post"],
        ),
        ("/api/v1/programmes/{id}/pending-actuals", vec!["get"]),
        ("/api/v1/settings/status-probabilities", vec!["get", "put"]),
        ("/api/v1/reminders", vec!["get"]),
        ("/api/v1/units", vec!["get"]),
        ("/api/v1/fagomraader", vec!["get"]),
        ("/api/v1/technologies", vec!["get"]),
        ("/api/v1/overview", vec!["get"]),
        ("/api/v1/me", vec!["get"]),
        ("/api/v1/openapi.json", vec!["get"]),
    ];
    assert_eq!(paths.len(), expected.len());
    for (path, methods) in &expected {
        for m in methods {
            assert!(paths[*path].get(*m).is_some(), "{m} {path}");
        }
    }
    let schemes = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (schemes["type"].as_str(), schemes["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    assert_eq!(
        paths["/api/v1/openapi.json"]["get"]["security"],
        json!([{}]),
        "the document itself is public"
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in [
        "ErrorBody",
        "Potential",
        "NewPotential",
        "PotentialUpdate",
        "StatusChangeRequest",
        "Status",
    ] {
        assert!(schemas.contains_key(s), "schema {s}");
    }
    // Every schema reference resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "the document uses references");
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .expect("a schema reference");
        assert!(schemas.contains_key(name), "dangling reference {r}");
    }
    let put = &paths["/api/v1/potentials/{id}"]["put"];
    let params: Vec<&str> = put["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(params.contains(&"If-Match"));
    for code in ["409", "428", "422"] {
        assert!(put["responses"].get(code).is_some(), "PUT documents {code}");
    }
    let list_params: Vec<&str> = paths["/api/v1/potentials"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "status",
        "unit",
        "fagomraade",
        "technology",
        "q",
        "sort",
        "order",
        "page",
        "per_page",
    ] {
        assert!(list_params.contains(&p), "list parameter {p}");
    }
}
