//! Attacks on the JSON API through HTTP: tenant isolation, role rules, authentication and
//! hostile input. Every expected value is worked out by hand from the seed data.

use crate::helpers::{error_code, json_of, pair, seed_tenant, spawn_app, SeededTenant, TestApp};
use gevinst_domain::{NewUserDraft, Role};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn first_field(res: reqwest::Response) -> (String, String) {
    let body = json_of(res).await;
    let f = &body["error"]["fields"][0];
    (
        f["field"].as_str().unwrap_or("-").to_owned(),
        f["code"].as_str().unwrap_or("-").to_owned(),
    )
}

/// A PUT of the seeded fields with a new title, `If-Match: "version"`.
async fn put_title(
    app: &TestApp,
    token: &str,
    id: i64,
    unit: i64,
    version: i64,
    title: &str,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/potentials/{id}")))
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"title": title, "unit_id": unit}))
        .send()
        .await
        .expect("request")
}

async fn set_status(
    app: &TestApp,
    token: &str,
    id: i64,
    to: &str,
    reason: Option<&str>,
    version: i64,
) -> reqwest::Response {
    app.api_send(
        Method::POST,
        token,
        &format!("/api/v1/potentials/{id}/status"),
        &json!({"status": to, "reason": reason, "version": version}),
    )
    .await
}

/// Creates a potential as the admin with a status; returns `(id, version)`.
async fn potential_at(app: &TestApp, t: &SeededTenant, unit: i64, status: &str) -> (i64, i64) {
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Admin),
            "/api/v1/potentials",
            &json!({"title": format!("Sag i {status}"), "unit_id": unit, "status": status}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let p = json_of(res).await;
    (p["id"].as_i64().unwrap(), p["version"].as_i64().unwrap())
}

#[tokio::test]
async fn another_tenants_potential_is_not_found() {
    let app = spawn_app().await;
    let a = seed_tenant(&app.store, "aby").await;
    let b = seed_tenant(&app.store, "bby").await;
    let b_id = b.potential.id.0;
    let b_path = format!("/api/v1/potentials/{b_id}");
    // A's admin can do anything in A, so a 404 here is isolation, not a role rule.
    let token = a.token(Role::Admin);

    let unknown = json_of(app.api_get(token, "/api/v1/potentials/999999").await).await;
    assert_eq!(unknown["error"]["code"], "not_found");

    let res = app.api_get(token, &b_path).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json_of(res).await,
        unknown,
        "exactly like an id that does not exist"
    );
    let res = put_title(&app, token, b_id, b.enhed.id.0, 1, "Kapret").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = put_title(&app, token, b_id, a.enhed.id.0, 1, "Kapret").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = set_status(&app, token, b_id, "afvist", Some("Sabotage"), 1).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.api_get(token, &format!("{b_path}/history")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(res).await, "not_found");

    let stored = app
        .store
        .potential(b.tenant.id, b.potential.id)
        .await
        .unwrap();
    assert_eq!(
        (
            stored.title.as_str(),
            stored.status.as_str(),
            stored.version
        ),
        (b.potential.title.as_str(), "ide", 1)
    );
    // B still sees its own potential.
    assert_eq!(
        app.api_get(b.token(Role::Laeser), &b_path).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn another_tenants_references_are_unknown_and_lists_stay_apart() {
    let app = spawn_app().await;
    let a = seed_tenant(&app.store, "aby").await;
    let b = seed_tenant(&app.store, "bby").await;
    let token = a.token(Role::Admin);

    let res = app
        .api_send(
            Method::POST,
            token,
            "/api/v1/potentials",
            &json!({"title": "Snyd", "unit_id": b.enhed.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(first_field(res).await, pair("unit_id", "unknown"));
    let b_fag = json_of(
        app.api_get(b.token(Role::Admin), "/api/v1/fagomraader")
            .await,
    )
    .await[0]["id"]
        .clone();
    let res = app
        .api_send(
            Method::POST,
            token,
            "/api/v1/potentials",
            &json!({"title": "Snyd", "unit_id": a.enhed.id, "fagomraade_id": b_fag}),
        )
        .await;
    assert_eq!(first_field(res).await, pair("fagomraade_id", "unknown"));
    let b_user = b.user(Role::Leder).id;
    let res = app
        .api_send(
            Method::POST,
            token,
            "/api/v1/potentials",
            &json!({"title": "Snyd", "unit_id": a.enhed.id, "benefit_owner": b_user}),
        )
        .await;
    assert_eq!(first_field(res).await, pair("benefit_owner", "unknown"));
    // Moving A's potential into B's unit.
    let res = put_title(&app, token, a.potential.id.0, b.enhed.id.0, 1, "Flyttet").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(first_field(res).await, pair("unit_id", "unknown"));

    // A's list holds A's one potential only, whatever the filter.
    let list = json_of(app.api_get(token, "/api/v1/potentials?per_page=200").await).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], json!(a.potential.id));
    assert_eq!(list["items"][0]["tenant_id"], json!(a.tenant.id));
    let search = json_of(app.api_get(token, "/api/v1/potentials?q=bby").await).await;
    assert_eq!(
        search["total"], 0,
        "B's title 'Skærmbesøg i bby' is not found from A"
    );
    let res = app
        .api_get(
            token,
            &format!("/api/v1/potentials?unit={}", b.forvaltning.id),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(first_field(res).await, pair("unit", "unknown"));
    // Reference lists too.
    let units = json_of(app.api_get(token, "/api/v1/units").await).await;
    let ids: Vec<Value> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            json!(a.forvaltning.id),
            json!(a.enhed.id),
            json!(a.other.id)
        ]
    );
    let ov = json_of(app.api_get(token, "/api/v1/overview").await).await;
    assert_eq!(ov["total"], 1);
}

#[tokio::test]
async fn laeser_reads_and_submits_ideas_but_changes_nothing() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "roller").await;
    let laeser = t.token(Role::Laeser);
    let id = t.potential.id.0;

    let res = put_title(&app, laeser, id, t.enhed.id.0, 1, "Læseren retter").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(res).await, "forbidden");
    let res = set_status(&app, laeser, id, "vurderet", None, 1).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let stored = app
        .store
        .potential(t.tenant.id, t.potential.id)
        .await
        .unwrap();
    assert_eq!((stored.status.as_str(), stored.version), ("ide", 1));

    let res = app
        .api_send(
            Method::POST,
            laeser,
            "/api/v1/potentials",
            &json!({"title": "Idé fra MED-udvalget", "unit_id": t.other.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(json_of(res).await["status"], "ide");
    let res = app
        .api_send(
            Method::POST,
            laeser,
            "/api/v1/potentials",
            &json!({"title": "Allerede vurderet", "unit_id": t.other.id, "status": "vurderet"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "only editors may create with a later status"
    );
}

#[tokio::test]
async fn digital_agent_edits_own_units_but_does_not_decide() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "agent").await;
    let agent = t.token(Role::DigitalAgent);

    // In their units (enhed is below the forvaltning they are assigned to).
    let (own, v) = potential_at(&app, &t, t.enhed.id.0, "business_case").await;
    let res = put_title(&app, agent, own, t.enhed.id.0, v, "Agenten retter").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = set_status(&app, agent, own, "besluttet", None, v + 1).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "besluttet is a decision"
    );
    let res = set_status(&app, agent, own, "afvist", Some("For dyrt"), v + 1).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "afvist is a decision");
    let res = set_status(
        &app,
        agent,
        own,
        "parkeret",
        Some("Afventer leverandør"),
        v + 1,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "parking is not a decision");

    // Outside their units.
    let (foreign, v) = potential_at(&app, &t, t.other.id.0, "ide").await;
    let res = put_title(&app, agent, foreign, t.other.id.0, v, "Agenten retter").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = set_status(&app, agent, foreign, "vurderet", None, v).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nor move their own potential out of their units.
    let res = put_title(&app, agent, t.potential.id.0, t.other.id.0, 1, "Flyttes").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(first_field(res).await, pair("unit_id", "forbidden"));
    let stored = app
        .store
        .potential(t.tenant.id, gevinst_domain::PotentialId(foreign))
        .await
        .unwrap();
    assert_eq!((stored.title.as_str(), stored.version), ("Sag i ide", 1));
}

#[tokio::test]
async fn leder_decides_in_own_units_portefoljeleder_everywhere() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "leder").await;
    let leder = t.token(Role::Leder);
    let pfl = t.token(Role::Portefoljeleder);

    let (own, v) = potential_at(&app, &t, t.enhed.id.0, "business_case").await;
    let res = set_status(&app, leder, own, "besluttet", Some("Finansieret"), v).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await["status"], "besluttet");

    let (foreign, v) = potential_at(&app, &t, t.other.id.0, "business_case").await;
    let res = set_status(&app, leder, foreign, "besluttet", None, v).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = set_status(&app, leder, foreign, "afvist", Some("Nej"), v).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = put_title(&app, leder, foreign, t.other.id.0, v, "Lederen retter").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // No business case: deciding needs a reason (the lifecycle rule of issue 11).
    let res = set_status(&app, pfl, foreign, "besluttet", Some("Lovkrav"), v).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (other2, v2) = potential_at(&app, &t, t.other.id.0, "vurderet").await;
    let res = set_status(
        &app,
        pfl,
        other2,
        "afvist",
        Some("Gevinsten er for lille"),
        v2,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put_title(
        &app,
        pfl,
        other2,
        t.enhed.id.0,
        v2 + 1,
        "Flyttet af porteføljelederen",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn assert_unauthenticated(res: reqwest::Response, what: &str) {
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what}");
    assert_eq!(res.headers()["www-authenticate"], "Bearer", "{what}");
    assert_eq!(error_code(res).await, "unauthenticated", "{what}");
}

#[tokio::test]
async fn missing_garbage_revoked_and_deactivated_tokens_are_401() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "token").await;
    let url = app.url("/api/v1/potentials");

    assert_unauthenticated(app.client.get(&url).send().await.unwrap(), "no header").await;
    let forged = format!("gvt_{}", "0".repeat(64));
    for (value, what) in [
        ("Bearer ".to_owned(), "empty"),
        ("Bearer garbage".to_owned(), "garbage"),
        (format!("Bearer {forged}"), "well-formed but unknown"),
        (
            format!("Bearer {}x", t.token(Role::Admin)),
            "a valid token with a byte more",
        ),
        (format!("Bearer gvt_{}", "a".repeat(5000)), "very long"),
        ("Basic YWRtaW46YWRtaW4=".to_owned(), "basic auth"),
        (t.token(Role::Admin).to_owned(), "no scheme"),
    ] {
        assert_unauthenticated(
            app.client
                .get(&url)
                .header("Authorization", value)
                .send()
                .await
                .unwrap(),
            what,
        )
        .await;
    }
    // A session-less POST is refused before the body is looked at.
    let res = app
        .client
        .post(&url)
        .json(&json!({"title": "Uden nøgle", "unit_id": t.enhed.id}))
        .send()
        .await
        .unwrap();
    assert_unauthenticated(res, "post without token").await;

    // Revoked.
    let leder = t.user(Role::Leder);
    assert_eq!(
        app.api_get(t.token(Role::Leder), "/api/v1/me")
            .await
            .status(),
        StatusCode::OK
    );
    let tokens = app
        .store
        .list_api_tokens(t.tenant.id, leder.id)
        .await
        .unwrap();
    app.store
        .revoke_api_token(t.tenant.id, leder.id, tokens[0].id)
        .await
        .unwrap();
    assert_unauthenticated(
        app.api_get(t.token(Role::Leder), "/api/v1/me").await,
        "revoked",
    )
    .await;

    // Deactivated user.
    let agent = t.user(Role::DigitalAgent).clone();
    assert_eq!(
        app.api_get(t.token(Role::DigitalAgent), "/api/v1/me")
            .await
            .status(),
        StatusCode::OK
    );
    let draft = NewUserDraft {
        email: agent.email.as_str().to_owned(),
        name: agent.name.clone(),
        role: agent.role.as_str().to_owned(),
        units: agent.units.clone(),
    };
    let valid = draft.validate(|_| true).unwrap();
    app.store
        .update_user(t.tenant.id, None, agent.id, agent.version, &valid, false)
        .await
        .unwrap();
    assert_unauthenticated(
        app.api_get(t.token(Role::DigitalAgent), "/api/v1/potentials")
            .await,
        "deactivated",
    )
    .await;

    // The OpenAPI document needs no token.
    assert_eq!(
        app.client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn hostile_bodies_get_json_errors_never_500() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "krop").await;
    let token = t.token(Role::Admin);
    let url = app.url("/api/v1/potentials");
    let post = |body: reqwest::Body, ct: Option<&str>| {
        let mut req = app.client.post(&url).bearer_auth(token).body(body);
        if let Some(ct) = ct {
            req = req.header("Content-Type", ct);
        }
        req.send()
    };

    // Over the 2 MiB limit: 413, nothing saved.
    let big =
        json!({"title": "Stor", "unit_id": t.enhed.id, "description": "x".repeat(3 * 1024 * 1024)})
            .to_string();
    let res = post(big.into(), Some("application/json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(res).await, "payload_too_large");

    let res = post("{\"title\": \"Halv".into(), Some("application/json"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "invalid_json");
    let res = post("".into(), Some("application/json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(res).await, "invalid_json");
    let res = post(vec![0xff, 0xfe, 0x00].into(), Some("application/json"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = post(
        format!("{{\"title\": \"Tekst\", \"unit_id\": {}}}", t.enhed.id).into(),
        Some("text/plain"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(res).await, "unsupported_media_type");
    let res = post(
        "title=Form".into(),
        Some("application/x-www-form-urlencoded"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let res = post("{}".into(), None).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let res = post(
        "{\"title\": \"Tal\", \"unit_id\": 99999999999999999999999}".into(),
        Some("application/json"),
    )
    .await
    .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an id beyond i64"
    );
    let res = post("null".into(), Some("application/json")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let list = json_of(app.api_get(token, "/api/v1/potentials").await).await;
    assert_eq!(list["total"], 1, "nothing was created");

    // Odd paths and methods: JSON errors, no 500.
    let cases = [
        (Method::GET, "/api/v1/potentials/abc", StatusCode::NOT_FOUND),
        (
            Method::GET,
            "/api/v1/potentials/99999999999999999999999",
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, "/api/v1/potentials/-1", StatusCode::NOT_FOUND),
        (
            Method::GET,
            "/api/v1/potentials/%00/history",
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, "/api/v1/nothing-here", StatusCode::NOT_FOUND),
        (
            Method::DELETE,
            "/api/v1/potentials/1",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            Method::PATCH,
            "/api/v1/potentials",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (method, path, status) in cases {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{method} {path}");
        assert!(
            json_of(res).await["error"]["code"].is_string(),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn malicious_text_round_trips_as_data() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "xss").await;
    let token = t.token(Role::Leder);
    let title = "<script>alert(1)</script>";
    let description = "\"'><img src=x onerror=alert(1)>\n'; DROP TABLE potentials; --";
    let res = app
        .api_send(
            Method::POST,
            token,
            "/api/v1/potentials",
            &json!({"title": title, "description": description, "unit_id": t.enhed.id, "tags": ["{{ 7*7 }}"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = json_of(res).await["id"].as_i64().unwrap();

    let res = app
        .api_get(token, &format!("/api/v1/potentials/{id}"))
        .await;
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let p = json_of(res).await;
    assert_eq!(p["title"], title);
    assert_eq!(p["description"], description);
    assert_eq!(p["tags"], json!(["{{ 7*7 }}"]));
    // The table is still there, and the text is found as text.
    let found = json_of(
        app.api_get(token, "/api/v1/potentials?q=%3Cscript%3E")
            .await,
    )
    .await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        json_of(app.api_get(token, "/api/v1/potentials").await).await["total"],
        2
    );
}

#[tokio::test]
async fn malicious_text_from_the_api_is_escaped_in_the_html_list() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "html").await;
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Leder),
            "/api/v1/potentials",
            &json!({"title": "<script>alert(1)</script>", "unit_id": t.enhed.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (client, _) = app.login("html", "leder@html.dk").await;
    let res = client.get(app.url("/potentialer")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("alert(1)"), "the potential is listed");
    assert!(
        !page.contains("<script>alert(1)"),
        "and its title is escaped"
    );
}
