//! A harvest (hjemtaget) above what is realised for the benefit and period is asked about
//! before it is saved, through the real server on SQLite or PostgreSQL
//! (`GEVINST_HTTP_DATABASE`): the form shows a warning with a confirm button (409,
//! nothing saved) and keeps a confirmed duplicate's choice; the API answers 409
//! `harvest_above_realised` (field `harvested`, code `above_realised`) unless
//! `confirm_harvest=true`.

use crate::helpers::{json_of, login_role, post_form, post_text};
use crate::pages_programmes::{actual_path, world};
use gevinst_domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn harvest_form<'a>(
    csrf: &'a str,
    kr: &'a str,
    harvested: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("_csrf", csrf),
        ("line", "1"),
        ("period", "2025"),
        ("kr", kr),
        ("harvested", harvested),
        ("budget_reference", "Budget 2025, ramme 3.22"),
        ("harvested_on", "01.06.2025"),
        ("note", ""),
    ];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn the_form_asks_before_a_harvest_above_realised_and_keeps_the_duplicate_choice() {
    let (app, t, f) = world("hjemtaget").await;
    let (c, csrf) = login_role(&app, "hjemtaget", Role::Leder).await;
    let count = || {
        let store = app.store.clone();
        let (tenant, potential) = (t.tenant.id, f.potential);
        async move {
            store
                .list_actuals(tenant, potential)
                .await
                .expect("actuals")
                .len()
        }
    };

    // 30.000 kr. harvested of 10.000 kr. realised: a warning, nothing saved.
    let (status, html) = post_text(
        &c,
        &app,
        &actual_path(&f),
        &harvest_form(&csrf, "10000", "30000", &[]),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("Hjemtaget er større end realiseret"),
        "{html}"
    );
    assert!(html.contains(
        "Hjemtaget (30.000 kr.) er større end realiseret (10.000 kr.) for denne gevinst og periode."
    ));
    assert!(html.contains("name=\"harvest_confirmed\" value=\"1\""));
    assert!(html.contains("value=\"30000\""), "what was typed is kept");
    assert_eq!(count().await, 0);

    // Harvesting no more than is realised records at once.
    let res = post_form(
        &c,
        &app,
        &actual_path(&f),
        &harvest_form(&csrf, "10000", "10000", &[]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, 1);

    // An extra actual for the same period: the duplicate is asked about first, then the
    // harvest (10.000 + 5.000 realised, 10.000 + 20.000 harvested), keeping the choice.
    let second = harvest_form(&csrf, "5000", "20000", &[]);
    let (status, html) = post_text(&c, &app, &actual_path(&f), &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Der er allerede en måling for denne gevinst og periode"));
    assert!(!html.contains("Hjemtaget er større end realiseret"));
    let additional = harvest_form(&csrf, "5000", "20000", &[("intent", "additional")]);
    let (status, html) = post_text(&c, &app, &actual_path(&f), &additional).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains(
        "Hjemtaget (30.000 kr.) er større end realiseret (15.000 kr.) for denne gevinst og periode."
    ));
    assert!(html.contains("<input type=\"hidden\" name=\"intent\" value=\"additional\">"));
    assert_eq!(count().await, 1);

    // Confirmed: recorded as the extra actual.
    let confirmed = harvest_form(
        &csrf,
        "5000",
        "20000",
        &[("intent", "additional"), ("harvest_confirmed", "1")],
    );
    let res = post_form(&c, &app, &actual_path(&f), &confirmed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let all = app
        .store
        .list_actuals(t.tenant.id, f.potential)
        .await
        .expect("actuals");
    assert_eq!(all.len(), 2);
    assert!(
        all.iter().all(|a| a.is_current()),
        "an extra actual, not a correction"
    );
}

#[tokio::test]
async fn the_api_refuses_a_harvest_above_realised_unless_confirmed() {
    let (app, t, f) = world("apihjemtaget").await;
    let path = format!("/api/v1/potentials/{}/actuals", f.potential);
    let token = t.token(Role::Leder);
    let body = json!({"line": 1, "period": {"year": 2025}, "kr": "-49313", "harvested": "78000",
        "budget_reference": "Budget 2025", "harvested_on": "2025-06-01"});
    let res = app.api_send(Method::POST, token, &path, &body).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err = json_of(res).await;
    assert_eq!(err["error"]["code"], "harvest_above_realised");
    assert_eq!(err["error"]["fields"][0]["field"], "harvested");
    assert_eq!(err["error"]["fields"][0]["code"], "above_realised");
    assert_eq!(
        err["error"]["fields"][0]["message"],
        "Hjemtaget (78.000 kr.) er større end realiseret (-49.313 kr.) for denne gevinst og periode."
    );
    assert!(app
        .store
        .list_actuals(t.tenant.id, f.potential)
        .await
        .expect("actuals")
        .is_empty());

    // A reader may not even learn that: the permission comes first.
    let res = app
        .api_send(Method::POST, t.token(Role::Laeser), &path, &body)
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?confirm_harvest=true"),
            &body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved = json_of(res).await;
    assert_eq!(saved["actual"]["harvested"], "78000");
}
