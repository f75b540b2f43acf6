//! `GET /api/v1/potentials/figures` on the demo: the money columns and the totals for a
//! filter are the list page's, figure by figure, and the columns and filters are
//! validated like the page's.

use crate::helpers::*;
use crate::pages_list::{column, demo, total, ALL_COLUMNS};
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::format_kr;
use gevinst_domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashMap;

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string: {v}"))
        .parse()
        .expect("decimal")
}

#[tokio::test]
async fn the_api_gives_the_list_pages_money_columns_and_totals() {
    let app = spawn_app().await;
    let (client, tenant) = demo(&app).await;
    let users = app.store.list_users(tenant.id).await.expect("users");
    let pl = users
        .iter()
        .find(|u| u.role == Role::Portefoljeleder)
        .expect("demo porteføljeleder");
    let (token, hash) = gevinst_app::auth::new_api_token();
    app.store
        .create_api_token(tenant.id, Some(pl.id), pl.id, "test", &hash, None)
        .await
        .expect("token");

    let filter = "status=besluttet,i_implementering&per_page=200";
    let res = app
        .api_get(&token, &format!("/api/v1/potentials/figures?{filter}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let api = json_of(res).await;
    let (_, page) = get_text(
        &client,
        &app,
        &format!("/potentialer?{filter}&{ALL_COLUMNS}"),
    )
    .await;

    let items = api["items"].as_array().expect("items");
    assert!(items.len() > 10, "the demo has decided potentials");
    assert_eq!(api["total"].as_u64(), Some(items.len() as u64));
    let totals = &api["totals"];
    assert_eq!(totals["rows"].as_u64(), Some(items.len() as u64));
    for key in ["npv", "full_effect", "hjemtagbar", "investment"] {
        assert_eq!(
            total(&page, key).as_deref(),
            Some(format_kr(dec(&totals[key])).as_str()),
            "the totals of {key}"
        );
        let cells: HashMap<i64, String> = column(&page, key).into_iter().collect();
        let mut compared = 0;
        for item in items {
            let id = item["potential"]["id"].as_i64().expect("id");
            let Some(figures) = item["figures"].as_object() else {
                continue;
            };
            assert_eq!(
                cells.get(&id).map(String::as_str),
                Some(format_kr(dec(&figures[key])).as_str()),
                "{key} of potential {id}"
            );
            compared += 1;
        }
        assert!(compared > 10, "{key}: {compared} rows with a business case");
    }
    // The totals are the exact sums of the rows.
    let sum: Decimal = items
        .iter()
        .filter_map(|i| i["figures"].as_object())
        .map(|f| dec(&f["npv"]))
        .sum();
    assert_eq!(sum, dec(&totals["npv"]));
    // People by name, as the page shows them.
    let owners: HashMap<i64, String> = column(&page, "owner").into_iter().collect();
    let named = items
        .iter()
        .filter_map(|i| Some((i["potential"]["id"].as_i64()?, i["owner_name"].as_str()?)))
        .inspect(|(id, name)| assert_eq!(owners.get(id).map(String::as_str), Some(*name)))
        .count();
    assert!(named > 0, "decided potentials have owners");

    // Sorting by a column, and paging, as on the page.
    let res = app
        .api_get(
            &token,
            "/api/v1/potentials/figures?status=besluttet,i_implementering&cols=npv&sort=npv&order=desc&per_page=5",
        )
        .await;
    let top = json_of(res).await;
    let npvs: Vec<Decimal> = top["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| dec(&i["figures"]["npv"]))
        .collect();
    assert_eq!(npvs.len(), 5);
    assert!(npvs.windows(2).all(|w| w[0] >= w[1]), "{npvs:?}");
    assert_eq!(
        top["totals"]["npv"], totals["npv"],
        "totals cover every page"
    );

    // An unknown column is a field error.
    let res = app
        .api_get(&token, "/api/v1/potentials/figures?cols=npv,colour")
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_codes(res).await, vec![pair("cols", "invalid")]);
    // Without a token: 401.
    let res = app
        .client
        .get(app.url("/api/v1/potentials/figures"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
