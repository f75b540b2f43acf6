//! The engine's edges as a client sees them: the channel-shift size limit, bounded
//! economic settings (and 422, never 500, for settings saved before the bounds), half-øre
//! rounding and the payback year.

use crate::helpers::{
    field_codes, json_of, seed_tenant_for_case, send_json, spawn_app, SeededTenant,
};
use gevinst_domain::business_case::{ChannelCosts, Decimal, Economics};
use gevinst_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn case_path(t: &SeededTenant) -> String {
    format!("/api/v1/potentials/{}/business-case", t.potential.id)
}

async fn put_case(
    app: &crate::helpers::TestApp,
    t: &SeededTenant,
    body: &Value,
) -> reqwest::Response {
    send_json(
        app,
        Method::PUT,
        t.token(Role::DigitalAgent),
        &case_path(t),
        &[("If-None-Match", "*")],
        Some(body),
    )
    .await
}

#[tokio::test]
async fn channel_shift_is_limited_by_its_own_channels() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let econ = Economics {
        channel_costs: ChannelCosts {
            in_person: Decimal::from(1000),
            ..Default::default()
        },
        ..Economics::default()
    };
    app.store
        .set_economics(t.tenant.id, Some(t.user(Role::Admin).id), 0, &econ)
        .await
        .expect("settings");
    // 8·10¹⁰ enquiries × 995 kr. = 7.96·10¹³ kr.
    let body = json!({
        "start_year": 2025, "horizon": 1,
        "lines": [{"kind": "kanalomlaegning", "label": "Borgerservice til selvbetjening",
                   "amounts": [8e10], "from_channel": "in_person", "to_channel": "digital"}],
    });
    let res = put_case(&app, &t, &body).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(res).await,
        [("lines[0].amounts[0]".to_owned(), "out_of_range".to_owned())]
    );
}

#[tokio::test]
async fn implausible_settings_are_refused_and_old_ones_give_422_not_500() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    let admin = t.token(Role::Admin);
    let settings = json!({
        "annual_cost_per_fte": 500000, "hours_per_fte": 1e-9, "discount_rate": 0.035,
        "channel_costs": {"digital": 5, "telephone": 50, "in_person": 100, "written": 120},
        "version": 0,
    });
    let res = app
        .api_send(Method::PUT, admin, "/api/v1/settings/economics", &settings)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json_of(res).await;
    assert_eq!(body["error"]["fields"][0]["field"], "hours_per_fte");
    assert!(body["error"]["fields"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("mellem 100 og 8.760")));

    // A large case under the defaults, then settings saved before the bounds existed.
    let body = json!({
        "start_year": 2025, "horizon": 3,
        "lines": [{"kind": "frigjorte_timer", "label": "Sagsbehandling",
                   "amounts": [1e10, 1e10, 1e10], "low": 0.5, "high": 2}],
    });
    assert_eq!(put_case(&app, &t, &body).await.status(), StatusCode::OK);
    let legacy = Economics {
        hours_per_fte: Decimal::new(1, 15),
        ..Economics::default()
    };
    app.store
        .set_economics(t.tenant.id, Some(t.user(Role::Admin).id), 0, &legacy)
        .await
        .expect("legacy settings");
    let res = app.api_get(admin, &case_path(&t)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(res).await,
        [("economics".to_owned(), "overflow".to_owned())]
    );
    let res = app
        .api_send(
            Method::POST,
            admin,
            &format!("{}/simulate", case_path(&t)),
            &json!({"iterations": 100, "seed": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn half_ore_and_payback_as_the_api_shows_them() {
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "alfa").await;
    // 32,971.25 kr. in 2026 at 4 %: exactly 31,703.125 kr. today. The year 2025 nets to 0
    // before the investment of 2026 is spent; the investment stays recovered from 2027.
    let body = json!({
        "start_year": 2025, "horizon": 3, "discount_rate": 0.04,
        "lines": [
            {"kind": "investering", "label": "Udvikling", "amounts": [0, 10000, 0]},
            {"kind": "direkte_besparelse", "label": "Porto", "amounts": [0, 0, 20000]},
        ],
    });
    let res = put_case(&app, &t, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await["evaluation"]["payback_year"], 2027);

    let t = seed_tenant_for_case(&app.store, "beta").await;
    let body = json!({
        "start_year": 2025, "horizon": 2, "discount_rate": 0.04,
        "lines": [{"kind": "direkte_besparelse", "label": "Porto", "amounts": [0, 32971.25]}],
    });
    let res = put_case(&app, &t, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await["evaluation"]["npv"], "31703.13");
}
