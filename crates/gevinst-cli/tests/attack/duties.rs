//! Separation of duties, against the real binary with the demo tenant: the review's
//! digital agent names itself gevinstejer and books 5 mio. kr. as realised and harvested;
//! a porteføljeleder's own large actual waits for someone else's approval; and the
//! operator's `gevinst export` leaves an audit entry.

use super::support::{Db, Server};
use gevinst_domain::{AuditAction, EntityKind};
use serde_json::{json, Value};

/// A bearer token for a demo user, made with `gevinst token create`.
fn token(db: &Db, email: &str) -> String {
    let args = [
        "token", "create", "--tenant", "eksempel", "--email", email, "--name", "angreb",
    ];
    db.ok(&args, None).trim().to_owned()
}

async fn call(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<&Value>,
) -> (reqwest::StatusCode, Value) {
    let mut req = c.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_digital_agent_cannot_own_a_benefit_or_book_unapproved_millions() {
    use reqwest::{Method, StatusCode};
    let db = Db::sqlite();
    let server = Server::start(&db, &["--demo"]);
    let agent = token(&db, "digitalagent@eksempel.dk");
    let pl = token(&db, "portefoljeleder@eksempel.dk");
    let admin = token(&db, "admin@eksempel.dk");
    let c = reqwest::Client::new();
    let api = |path: &str| format!("{}/api/v1{path}", server.base);

    let (_, programmes) = call(&c, Method::GET, api("/programmes"), &pl, None).await;
    let potentials = programmes[0]["programme"]["potentials"]
        .as_array()
        .expect("programme potentials")
        .clone();
    let me = call(&c, Method::GET, api("/me"), &agent, None).await.1["user"]["id"].clone();

    // The agent names itself owner of every plan it can reach: never saved.
    let mut target = None;
    for id in potentials.iter().take(60) {
        let path = api(&format!("/potentials/{id}/benefit-plan"));
        let (status, read) = call(&c, Method::GET, path.clone(), &agent, None).await;
        if status != StatusCode::OK {
            continue;
        }
        let mut body = read["plan"].clone();
        body["version"] = read["version"].clone();
        for b in body["benefits"].as_array_mut().expect("benefits") {
            b["owner"] = me.clone();
        }
        let (status, err) = call(&c, Method::PUT, path, &agent, Some(&body)).await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::UNPROCESSABLE_ENTITY,
            "potential {id}: {status} {err}"
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            for f in err["error"]["fields"].as_array().expect("fields") {
                assert_eq!(f["code"], "owner_change_forbidden", "{f}");
            }
            target.get_or_insert((id.clone(), read));
        }
    }
    assert!(me.is_i64(), "{me}");
    let (id, plan) = target.expect("a plan in the digital agent's units");

    // Not the owner: it cannot record the 5 mio. kr. either.
    let line = plan["plan"]["benefits"][0]["line"].clone();
    let year = plan["plan"]["first_year"].clone();
    let millions = json!({
        "line": line, "period": {"year": year}, "kr": "5000000", "harvested": "5000000",
        "budget_reference": "Budget, ramme 1", "harvested_on": "2025-01-01",
    });
    let actuals = api(&format!("/potentials/{id}/actuals"));
    let (status, _) = call(&c, Method::POST, actuals.clone(), &agent, Some(&millions)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The porteføljeleder may record it, but it waits and she may not approve it herself.
    let (status, a) = call(&c, Method::POST, actuals.clone(), &pl, Some(&millions)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(a["actual"]["approval"], "pending");
    let approval = format!("{actuals}/{}/approval", a["id"]);
    let approve = json!({"decision": "approve"});
    let (status, err) = call(&c, Method::POST, approval.clone(), &pl, Some(&approve)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["fields"][0]["code"], "own_actual");
    let (status, _) = call(&c, Method::POST, approval.clone(), &agent, Some(&approve)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, done) = call(&c, Method::POST, approval, &admin, Some(&approve)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(done["actual"]["approval"], "approved");
}

#[tokio::test]
async fn the_operators_export_is_audited() {
    let db = Db::sqlite();
    db.seed("eksport");
    let csv = db.ok(
        &["export", "--tenant", "eksport", "--format", "csv", "-"],
        None,
    );
    assert!(!csv.is_empty());
    let store = gevinst_store::connect(&db.url(), false)
        .await
        .expect("store");
    let tenant = store.tenant_by_slug("eksport").await.expect("tenant");
    let log = store
        .audit_for(tenant.id, EntityKind::Export, tenant.id.0)
        .await
        .expect("audit");
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].action, log[0].user_id), (AuditAction::Export, None));
    let field = |name: &str| {
        log[0]
            .changes
            .iter()
            .find(|c| c.field == name)
            .map(|c| c.after.clone())
    };
    assert_eq!(field("channel"), Some(json!("cli")));
    assert_eq!(field("format"), Some(json!("csv")));
    assert_eq!(field("rows"), Some(json!(0)));
}
