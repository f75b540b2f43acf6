//! The security review's findings on headers, strict request bodies and compute abuse:
//! `Cache-Control: no-store` and HSTS, unknown fields and broken UTF-8 on the simulate
//! endpoint, and simulations beyond the per-tenant cap (503 `busy` with `Retry-After`).

use crate::helpers::{
    error_code, login_role, seed_programme, seed_tenant, serve_with_settings, spawn_app,
    ProgrammeFixture, SeededTenant, TestApp,
};
use gevinst_app::compute::{ComputeLimiter, ComputeLimits};
use gevinst_domain::Role;
use gevinst_web::{AppState, WebSettings};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, STRICT_TRANSPORT_SECURITY};
use reqwest::StatusCode;
use std::time::Duration;

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn pages_and_api_answers_are_never_stored_while_assets_stay_cacheable() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "odense").await;
    let token = t.token(Role::Laeser);
    let (browser, _) = login_role(&app, "odense", Role::Laeser).await;
    let checks = [
        (app.client.get(app.url("/login")), "no-store"),
        (browser.get(app.url("/")), "no-store"),
        (browser.get(app.url("/potentialer")), "no-store"),
        (browser.get(app.url("/findes-ikke")), "no-store"),
        (
            app.client
                .get(app.url("/api/v1/potentials"))
                .bearer_auth(token),
            "no-store",
        ),
        (app.client.get(app.url("/api/v1/potentials")), "no-store"),
        (app.client.get(app.url("/api/v1/findes-ikke")), "no-store"),
        (
            app.client.get(app.url("/assets/app.css")),
            "public, max-age=3600",
        ),
        (
            app.client.get(app.url("/assets/print.css")),
            "public, max-age=3600",
        ),
    ];
    for (req, expected) in checks {
        let res = req.send().await.unwrap();
        let url = res.url().to_string();
        assert_eq!(
            header(&res, CACHE_CONTROL).as_deref(),
            Some(expected),
            "{url}"
        );
        assert_eq!(header(&res, STRICT_TRANSPORT_SECURITY), None, "{url}");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_cookies_are_secure() {
    let app = spawn_app().await;
    let secure = serve_with_settings(
        &app,
        WebSettings {
            secure_cookies: true,
            ..WebSettings::default()
        },
    )
    .await;
    for path in ["/login", "/api/v1/potentials", "/assets/app.css"] {
        let res = app
            .client
            .get(format!("{secure}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(&res, STRICT_TRANSPORT_SECURITY).as_deref(),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

/// Seeds the programme fixture in `t`; returns the simulate path of its potential (which
/// has a business case) and the fixture.
async fn simulate_path(app: &TestApp, t: &SeededTenant) -> (String, ProgrammeFixture) {
    let f = seed_programme(&app.store, t).await;
    (
        format!("/api/v1/potentials/{}/business-case/simulate", f.potential),
        f,
    )
}

/// POSTs raw bytes as JSON.
async fn post_raw(
    app: &TestApp,
    base: &str,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn simulate_refuses_unknown_fields_and_broken_utf8() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "aarhus").await;
    let (path, _) = simulate_path(&app, &t).await;
    let token = t.token(Role::Laeser);
    let ok = post_raw(
        &app,
        &app.base,
        token,
        &path,
        br#"{"iterations": 100, "seed": 1}"#.to_vec(),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);

    let unknown = post_raw(
        &app,
        &app.base,
        token,
        &path,
        br#"{"iterations": 100, "iteration": 5}"#.to_vec(),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(unknown).await, "validation_failed");

    let mut broken = br#"{"iterations": 100, "note": ""#.to_vec();
    broken.extend_from_slice(&[0xff, 0xfe]);
    broken.extend_from_slice(br#""}"#);
    let res = post_raw(&app, &app.base, token, &path, broken).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let code = error_code(res).await;
    assert!(
        code == "invalid_json" || code == "validation_failed",
        "{code}"
    );

    // Iterations above the interactive cap are refused with a message naming it.
    let res = post_raw(
        &app,
        &app.base,
        token,
        &path,
        br#"{"iterations": 100001}"#.to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Antal gennemløb skal være et helt tal fra 1 til 100.000."
    );
}

#[tokio::test]
async fn simulations_beyond_the_tenant_cap_are_503_busy_with_retry_after() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "vejle").await;
    let other = seed_tenant(&app.store, "kolding").await;
    let (path, f) = simulate_path(&app, &t).await;
    let (other_path, _) = simulate_path(&app, &other).await;
    let limits = ComputeLimits {
        workers: 2,
        per_tenant: 1,
        queue: 0,
        max_wait: Duration::from_millis(100),
    };
    // The app's limiter is shared by its clones: hold vejle's only place from here.
    let gevinst = gevinst_app::App::with_compute_limits(app.store.clone(), limits);
    let state = AppState::new(gevinst, WebSettings::default());
    let limiter: ComputeLimiter = state.app.compute().clone();
    let base = serve_state_base(state).await;
    let held = limiter.admit(t.tenant.id).await.unwrap();

    let body = br#"{"iterations": 1000}"#.to_vec();
    let token = t.token(Role::Laeser);
    let res = post_raw(&app, &base, token, &path, body.clone()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&res, RETRY_AFTER).as_deref(), Some("5"));
    assert_eq!(error_code(res).await, "busy");

    // Another tenant is not held up by vejle's calculations.
    let res = post_raw(
        &app,
        &base,
        other.token(Role::Laeser),
        &other_path,
        body.clone(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // The page says so in Danish, with the same status and header.
    let (browser, csrf) = login_role(&app, "vejle", Role::Laeser).await;
    let res = browser
        .post(format!(
            "{base}/potentialer/{}/business-case/simuler",
            f.potential
        ))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("iterations", "1.000"),
            ("seed", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&res, RETRY_AFTER).as_deref(), Some("5"));
    let page = res.text().await.unwrap();
    assert!(page.contains("Travlt lige nu"), "{page}");
    assert!(page.contains("Vent 5 sekunder"), "{page}");

    // The programme forecast shares the cap.
    let res = app
        .client
        .get(format!(
            "{base}/api/v1/programmes/{}/forecast?iterations=100",
            f.programme
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(res).await, "busy");

    // Once the place is free, the simulation runs.
    drop(held);
    let res = post_raw(&app, &base, token, &path, body).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// Serves `state` on a fresh port; returns its base URL.
async fn serve_state_base(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(gevinst_web::serve(listener, state, std::future::pending()));
    format!("http://{addr}")
}
