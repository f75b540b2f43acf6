//! Separation of duties over the JSON API: the security review's attack (a digital agent
//! makes itself the benefit's owner and books 5 mio. kr. as realised and harvested), the
//! four-eyes approval of large actuals, and what counts in the overview meanwhile.

use crate::helpers::{
    add_user, error_code, field_codes, json_of, pair, seed_programme, seed_tenant, send_json,
    spawn_app,
};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::{AuditAction, EntityKind, Role};
use gevinst_testkit::dec;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// 5 mio. kr. realised and harvested on the Porto line (1) in 2026.
fn millions() -> Value {
    json!({
        "line": 1, "period": {"year": 2026}, "kr": "5000000", "harvested": "5000000",
        "budget_reference": "Budget 2027, ramme 3", "harvested_on": "2026-12-01",
    })
}

#[tokio::test]
async fn a_digital_agent_cannot_make_itself_owner_and_record_millions() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let f = seed_programme(&app.store, &t).await;
    let agent = t.token(Role::DigitalAgent);
    let plan_path = format!("/api/v1/potentials/{}/benefit-plan", f.potential);
    let actuals = format!("/api/v1/potentials/{}/actuals", f.potential);

    // The attack, step 1: the agent (with edit rights on the unit) names itself owner.
    let read = json_of(app.api_get(agent, &plan_path).await).await;
    let mut body = read["plan"].clone();
    body["version"] = read["version"].clone();
    for b in body["benefits"].as_array_mut().unwrap() {
        b["owner"] = json!(t.user(Role::DigitalAgent).id.0);
    }
    let res = send_json(&app, Method::PUT, agent, &plan_path, &[], Some(&body)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body_json = json_of(res).await;
    let fields = body_json["error"]["fields"].as_array().unwrap();
    assert!(!fields.is_empty());
    for f in fields {
        assert_eq!(f["code"], "owner_change_forbidden", "{f}");
        assert!(f["message"].as_str().unwrap().contains("gevinstejer"));
    }
    let after = json_of(app.api_get(agent, &plan_path).await).await;
    assert_eq!(after["version"], read["version"]);
    assert_eq!(
        after["plan"]["benefits"][0]["owner"],
        json!(t.user(Role::Leder).id.0)
    );

    // Step 2: it is not the owner, so recording is 403.
    let res = app
        .api_send(Method::POST, agent, &actuals, &millions())
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(res).await, "forbidden");

    // Even the real owner's 5 mio. is only pending until a second person approves it.
    let res = app
        .api_send(Method::POST, t.token(Role::Leder), &actuals, &millions())
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let a = json_of(res).await;
    assert_eq!(a["actual"]["approval"], "pending");
    assert_eq!(
        a["actual"]["approval_reasons"],
        json!(["above_threshold", "far_above_plan"])
    );
    assert_eq!(a["decided_by"], Value::Null);
    let ov = json_of(
        app.api_get(
            agent,
            &format!("/api/v1/programmes/{}/overview", f.programme),
        )
        .await,
    )
    .await;
    let y2026 = &ov["years"][1]["figures"];
    assert_eq!(dec(&y2026["realised_kr"]), Decimal::ZERO);
    assert_eq!(dec(&y2026["harvested_kr"]), Decimal::ZERO);
    assert_eq!(dec(&y2026["pending_kr"]), Decimal::from(5_000_000));
}

#[tokio::test]
async fn the_recorder_cannot_approve_their_own_actual_a_second_portefoljeleder_can() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let f = seed_programme(&app.store, &t).await;
    let (pl2, pl2_token) = add_user(&app.store, &t, Role::Portefoljeleder, "pl2").await;
    let pl = t.token(Role::Portefoljeleder);
    let actuals = format!("/api/v1/potentials/{}/actuals", f.potential);

    // An ordinary actual needs no approval.
    let small = json!({"line": 1, "period": {"year": 2026}, "kr": "50000"});
    let res = app.api_send(Method::POST, pl, &actuals, &small).await;
    assert_eq!(json_of(res).await["actual"]["approval"], "not_required");

    // A second actual for the same benefit and period, added deliberately (issue 11: a
    // duplicate is refused unless the client says so).
    let res = app
        .api_send(
            Method::POST,
            pl,
            &format!("{actuals}?mode=additional"),
            &millions(),
        )
        .await;
    let id = json_of(res).await["id"].as_i64().unwrap();
    let approval = format!("{actuals}/{id}/approval");
    let approve = json!({"decision": "approve"});

    // The porteføljeleder who recorded it: 422 own_actual, nothing changes.
    let res = app.api_send(Method::POST, pl, &approval, &approve).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, [pair("decision", "own_actual")]);
    // The owner (a leder), the digital agent and the læser: 403.
    for role in [Role::Leder, Role::DigitalAgent, Role::Laeser] {
        let res = app
            .api_send(Method::POST, t.token(role), &approval, &approve)
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
    // Bad input: no decision, an unknown actual, another tenant.
    let res = app
        .api_send(Method::POST, &pl2_token, &approval, &json!({"note": "x"}))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .api_send(
            Method::POST,
            &pl2_token,
            &format!("{actuals}/999999/approval"),
            &approve,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let beta = seed_tenant(&app.store, "beta").await;
    let res = app
        .api_send(
            Method::POST,
            beta.token(Role::Portefoljeleder),
            &approval,
            &approve,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Listed as pending for the programme.
    let pending_path = format!("/api/v1/programmes/{}/pending-actuals", f.programme);
    let pending = json_of(app.api_get(t.token(Role::Laeser), &pending_path).await).await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(pending[0]["actual"]["id"], json!(id));

    // A second porteføljeleder approves: 200, audited, and it counts.
    let res = app
        .api_send(Method::POST, &pl2_token, &approval, &approve)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let a = json_of(res).await;
    assert_eq!(a["actual"]["approval"], "approved");
    assert_eq!(a["decided_by"], json!(pl2.id.0));
    let log = app
        .store
        .audit_for(t.tenant.id, EntityKind::Actual, id)
        .await
        .unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action, last.user_id),
        (AuditAction::Approve, Some(pl2.id))
    );
    let ov = json_of(
        app.api_get(pl, &format!("/api/v1/programmes/{}/overview", f.programme))
            .await,
    )
    .await;
    let y2026 = &ov["years"][1]["figures"];
    assert_eq!(dec(&y2026["harvested_kr"]), Decimal::from(5_000_000));
    assert_eq!(dec(&y2026["pending_kr"]), Decimal::ZERO);
    // Decided once: a second decision is 422 not_pending.
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Admin),
            &approval,
            &json!({"decision": "reject", "note": "for sent"}),
        )
        .await;
    assert_eq!(field_codes(res).await, [pair("decision", "not_pending")]);
    let pending = json_of(app.api_get(pl, &pending_path).await).await;
    assert!(pending.as_array().unwrap().is_empty());
}
