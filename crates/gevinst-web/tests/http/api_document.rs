//! The API's number convention and its OpenAPI document: decimals are strings in and out
//! (numbers accepted), the document states the types, ranges and formats the server
//! enforces, and the server rejects what the document rejects.

use crate::helpers::{error_code, field_codes, json_of, pair, seed_tenant_for_case, spawn_app};
use gevinst_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A small case, with every amount spelled as `spell` makes it.
fn case(spell: impl Fn(&str) -> Value) -> Value {
    json!({
        "start_year": 2025,
        "horizon": 2,
        "discount_rate": spell("0.04"),
        "lines": [
            {"kind": "investering", "label": "Robot", "amounts": [spell("100000.5"), spell("0")],
             "low": spell("0.9"), "high": spell("1.3")},
            {"kind": "direkte_besparelse", "label": "Porto",
             "amounts": [spell("0"), spell("150000.25")], "hjemtagbar": true},
        ],
        "risks": [
            {"description": "Forsinkelse", "probability": spell("0.5"),
             "min": spell("0"), "likely": spell("10000"), "max": spell("20000"), "year": 1},
        ],
    })
}

#[tokio::test]
async fn business_case_bodies_take_decimal_strings_and_numbers_alike() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let path = format!("/api/v1/potentials/{}/business-case", t.potential.id);
    let agent = t.token(Role::DigitalAgent);

    let as_string = case(|s| json!(s));
    let res = app.api_send(Method::PUT, agent, &path, &as_string).await;
    assert_eq!(res.status(), StatusCode::OK);
    let from_strings = json_of(res).await;
    assert_eq!(from_strings["case"]["lines"][0]["amounts"][0], "100000.5");
    assert_eq!(from_strings["case"]["discount_rate"], "0.04");

    let mut as_number = case(|s| json!(s.parse::<f64>().unwrap()));
    as_number["version"] = json!(1);
    let res = app.api_send(Method::PUT, agent, &path, &as_number).await;
    assert_eq!(res.status(), StatusCode::OK);
    let from_numbers = json_of(res).await;
    // The same case, so nothing changed: same version, same results.
    assert_eq!(from_numbers["version"], 1);
    assert_eq!(from_numbers["evaluation"], from_strings["evaluation"]);

    let mut bad = case(|s| json!(s));
    bad["lines"][0]["amounts"][0] = json!("hundrede");
    bad["version"] = json!(1);
    let res = app.api_send(Method::PUT, agent, &path, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("body", "invalid")]);
}

#[tokio::test]
async fn economics_take_decimal_strings() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let body = json!({
        "annual_cost_per_fte": "520000.50", "hours_per_fte": "1924",
        "hourly_rate_override": null, "discount_rate": "0.035",
        "channel_costs": {"digital": "5", "telephone": 60, "in_person": "120.5", "written": "80"},
        "version": 0,
    });
    let res = app
        .api_send(
            Method::PUT,
            t.token(Role::Admin),
            "/api/v1/settings/economics",
            &body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let s = json_of(res).await;
    // The settings are validated as numbers, so a trailing zero is not kept.
    assert_eq!(s["economics"]["annual_cost_per_fte"], "520000.5");
    assert_eq!(s["economics"]["channel_costs"]["in_person"], "120.5");
    assert_eq!(s["economics"]["channel_costs"]["telephone"], "60");
}

#[tokio::test]
async fn simulation_iterations_may_be_a_whole_float() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let agent = t.token(Role::DigitalAgent);
    let path = format!("/api/v1/potentials/{}/business-case", t.potential.id);
    let res = app
        .api_send(Method::PUT, agent, &path, &case(|s| json!(s)))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let simulate = format!("{path}/simulate");
    let body = json!({"iterations": 100.0, "seed": 7.0});
    let res = app.api_send(Method::POST, agent, &simulate, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = json!({"iterations": 100.5});
    let res = app.api_send(Method::POST, agent, &simulate, &body).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn blank_typed_query_parameters_are_rejected() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let token = t.token(Role::Portefoljeleder);
    for (path, field) in [
        ("/api/v1/reminders?today=", "today"),
        ("/api/v1/reminders?today=%20", "today"),
        ("/api/v1/potentials?unit=", "unit"),
        ("/api/v1/potentials?per_page=", "per_page"),
        ("/api/v1/programmes/1/forecast?iterations=", "iterations"),
    ] {
        let res = app.api_get(token, path).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(
            field_codes(res).await,
            vec![pair(field, "invalid")],
            "{path}"
        );
    }
    // An absent parameter still takes its default, and `q` may be blank.
    for path in ["/api/v1/reminders", "/api/v1/potentials?q="] {
        assert_eq!(
            app.api_get(token, path).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let res = app
        .api_get(token, "/api/v1/potentials/1/benefit-plan/derive")
        .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(res).await, "method_not_allowed");
}

/// The document as served.
async fn document() -> Value {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    json_of(res).await
}

/// The schema of query parameter `name` of `GET path`.
fn query_schema<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name && p["in"] == "query")
        .map(|p| &p["schema"])
        .unwrap_or_else(|| panic!("{path}: no parameter {name}"))
}

#[tokio::test]
async fn the_document_states_types_ranges_and_formats() {
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];

    let decimal = &schemas["Decimal"];
    assert_eq!(decimal["type"], json!(["string", "number"]));
    assert_eq!(decimal["format"], "decimal");
    assert_eq!(decimal["examples"], json!(["100000.50"]));
    let amount = &schemas["Milestone"]["properties"]["amount"];
    assert_eq!(amount["$ref"], "#/components/schemas/Decimal");
    let low = &schemas["LineDraft"]["properties"]["low"];
    assert!(
        low.to_string().contains("#/components/schemas/Decimal"),
        "{low}"
    );

    let quarter = &schemas["Period"]["oneOf"][0]["properties"]["quarter"];
    assert_eq!(quarter["prefixItems"][0]["type"], "integer");
    assert_eq!(quarter["prefixItems"][1]["maximum"], 4);

    let iterations = query_schema(&doc, "/api/v1/programmes/{id}/forecast", "iterations");
    assert_eq!(
        (&iterations["minimum"], &iterations["maximum"]),
        (&json!(1), &json!(100_000))
    );
    let year = query_schema(&doc, "/api/v1/programmes/{id}/forecast", "as_of_year");
    assert_eq!(
        (&year["minimum"], &year["maximum"]),
        (&json!(2000), &json!(2100))
    );
    let per_page = query_schema(&doc, "/api/v1/potentials", "per_page");
    assert_eq!(per_page["maximum"], 200);
    let sort = query_schema(&doc, "/api/v1/potentials", "sort");
    assert!(sort.to_string().contains("SortKey"), "{sort}");
    assert_eq!(schemas["SortKey"]["enum"].as_array().unwrap().len(), 5);
    assert_eq!(
        query_schema(&doc, "/api/v1/reminders", "today")["format"],
        "date"
    );

    let sim = &schemas["SimulationSettings"]["properties"]["iterations"];
    assert_eq!(
        (&sim["minimum"], &sim["maximum"]),
        (&json!(1), &json!(100_000))
    );

    let put = &doc["paths"]["/api/v1/potentials/{id}"]["put"];
    let if_match = put["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "If-Match")
        .unwrap();
    assert!(if_match["schema"]["pattern"]
        .as_str()
        .unwrap()
        .contains("W/"));
    let status = &doc["paths"]["/api/v1/potentials/{id}/status"]["post"]["responses"];
    for code in ["400", "413", "415", "422", "428"] {
        assert!(
            status.get(code).is_some(),
            "status change: {code} undocumented"
        );
    }
}
