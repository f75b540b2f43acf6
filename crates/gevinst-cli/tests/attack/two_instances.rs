//! Two app servers on one PostgreSQL database, as behind a load balancer without sticky
//! sessions: every request may reach either. What one server knows, the other must know
//! too: sessions, unfinished imports, failed logins, and the versions of potentials.

use super::support::{hidden_input, post_login, Db, Server, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const CSV: &str = "Titel;Enhed\nDigital post;Social\nRobot i løn;Social\n";

/// Two servers on one fresh PostgreSQL database with tenant `to`, or `None` (skip). Made
/// outside any async runtime: the database helper blocks on a runtime of its own.
fn two_servers() -> Option<(Db, Server, Server)> {
    let db = Db::postgres()?;
    db.seed("to");
    let a = Server::start(&db, &[]);
    let b = Server::start(&db, &[]);
    Some((db, a, b))
}

/// Runs a story to its end on a runtime of its own.
fn block_on<F: std::future::Future>(story: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(story)
}

/// A client whose cookies (the session) go to both servers: cookies do not depend on
/// the port, as with one host name behind a load balancer.
fn shared_client(a: &Server) -> Client {
    a.client()
}

async fn get(client: &Client, url: String) -> (StatusCode, String) {
    let res = client.get(&url).send().await.expect("GET");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

async fn post_form(client: &Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(&url).form(form).send().await.expect("POST")
}

/// A new API token of `admin@to.dk`.
fn admin_token(db: &Db) -> String {
    let args = [
        "token",
        "create",
        "--tenant",
        "to",
        "--email",
        "admin@to.dk",
    ];
    db.ok(&args, None).trim().to_owned()
}

/// `GET url` with a bearer token; the answer's JSON.
async fn get_json(client: &Client, url: String, token: &str) -> Value {
    let res = client
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    assert!(res.status().is_success(), "GET {url}: {}", res.status());
    res.json().await.expect("json")
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A `multipart/form-data` body with one file field `fil`.
fn multipart(filename: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gevinst-to-servere-7d1f";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn a_session_and_an_import_move_freely_between_two_servers() {
    if let Some((db, a, b)) = two_servers() {
        block_on(session_and_import(&db, &a, &b));
    }
}

async fn session_and_import(db: &Db, a: &Server, b: &Server) {
    let client = shared_client(a);
    // Signed in on A, and known on B.
    let res = post_login(&client, &a.base, "to", "admin@to.dk", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, page) = get(&client, format!("{}/import", b.base)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = hidden_input(&page, "_csrf").expect("csrf on B's page");
    // Uploaded on A…
    let (ct, body) = multipart("liste.csv", CSV.as_bytes());
    let res = client
        .post(format!("{}/import?_csrf={csrf}", a.base))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    assert!(path.starts_with("/import/"), "{path}");
    // …mapped on B, the unknown unit decided on A, previewed on B…
    let (status, page) = get(&client, format!("{}{path}", b.base)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("liste.csv"), "{page}");
    let (status, page) = get(&client, format!("{}{path}/vaerdier", b.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Social"), "{page}");
    let decide = [
        ("_csrf", csrf.as_str()),
        ("antal", "1"),
        ("art_0", "unit"),
        ("raw_0", "Social"),
        ("vaerdi_0", "opret"),
    ];
    let res = post_form(&client, format!("{}{path}/vaerdier", a.base), &decide).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, page) = get(&client, format!("{}{path}/forhaandsvisning", b.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ny enhed: Social"), "{page}");
    // …committed on B, the result read on A; a second commit on A does not run again.
    let all = [("_csrf", csrf.as_str()), ("valg", "alle")];
    let res = post_form(&client, format!("{}{path}/importer", b.base), &all).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}/resultat"));
    let (status, result) = get(&client, format!("{}{path}/resultat", a.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        result.contains("Digital post") || result.contains("/potentialer/"),
        "{result}"
    );
    let res = post_form(&client, format!("{}{path}/importer", a.base), &all).await;
    assert_eq!(location(&res), format!("{path}/resultat"));
    let token = admin_token(db);
    let list: Value = get_json(
        &client,
        format!("{}/api/v1/potentials", a.base),
        token.trim(),
    )
    .await;
    assert_eq!(list["total"], json!(2), "{list}");
    // Someone else on B does not see the upload.
    let other = b.client();
    let res = post_login(&other, &b.base, "to", "pl@to.dk", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = get(&other, format!("{}{path}/resultat", b.base)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn failed_logins_on_two_servers_count_together() {
    if let Some((_db, a, b)) = two_servers() {
        block_on(failed_logins(&a, &b));
    }
}

async fn failed_logins(a: &Server, b: &Server) {
    let servers = [a, b];
    let mut refused_at = None;
    for attempt in 1..=12 {
        let server = servers[attempt % 2];
        let client = server.client();
        let res = post_login(&client, &server.base, "to", "pl@to.dk", "forkert-kodeord").await;
        match res.status() {
            StatusCode::TOO_MANY_REQUESTS => {
                refused_at = Some(attempt);
                break;
            }
            s => assert!(s.is_client_error(), "attempt {attempt}: {s}"),
        }
    }
    let refused_at = refused_at.expect("wrong passwords were never refused");
    assert!(refused_at <= 10, "refused only at attempt {refused_at}");
    // Now refused on both servers, even with the right password.
    for server in servers {
        let client = server.client();
        let res = post_login(&client, &server.base, "to", "pl@to.dk", PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            server.base
        );
    }
}

/// The editable fields of a potential as read from the API, for a `PUT`.
fn editable(p: &Value, title: &str) -> Value {
    json!({
        "title": title, "description": p["description"], "unit_id": p["unit_id"],
        "fagomraade_id": p["fagomraade_id"], "technology_id": p["technology_id"],
        "source": p["source"], "benefit_owner": p["benefit_owner"],
        "digital_agent": p["digital_agent"], "tags": p["tags"],
    })
}

#[test]
fn concurrent_edits_through_two_servers_lose_nothing() {
    if let Some((db, a, b)) = two_servers() {
        block_on(concurrent_edits(&db, &a, &b));
    }
}

async fn concurrent_edits(db: &Db, a: &Server, b: &Server) {
    let token = admin_token(db);
    let api = Client::new();
    // The tenant needs a unit: made by an import through the operator's CLI.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("liste.csv");
    std::fs::write(&file, CSV).expect("write csv");
    db.ok(
        &[
            "import",
            "--tenant",
            "to",
            "--create-missing",
            file.to_str().expect("path"),
        ],
        None,
    );
    let list: Value = get_json(&api, format!("{}/api/v1/potentials", a.base), &token).await;
    let id = list["items"][0]["id"].as_i64().expect("a potential");
    let url = |s: &Server| format!("{}/api/v1/potentials/{id}", s.base);
    let first: Value = get_json(&api, url(a), &token).await;
    let v0 = first["version"].as_i64().expect("version");
    let (mut ok, mut conflicts) = (0i64, 0i64);
    for round in 0..5 {
        // Ten clients read the same version, then all write at once, half through each.
        let current: Value = get_json(&api, url(b), &token).await;
        let version = current["version"].as_i64().expect("version");
        let writes = (0..10).map(|c| {
            let target = if c % 2 == 0 { url(a) } else { url(b) };
            let body = editable(&current, &format!("Runde {round}, klient {c}"));
            let (api, token) = (api.clone(), token.clone());
            tokio::spawn(async move {
                api.put(target)
                    .bearer_auth(token)
                    .header("if-match", format!("\"{version}\""))
                    .json(&body)
                    .send()
                    .await
                    .expect("PUT")
                    .status()
            })
        });
        let mut round_ok = 0;
        for w in writes.collect::<Vec<_>>() {
            let status = w.await.expect("task");
            match status {
                s if s.is_success() => round_ok += 1,
                StatusCode::CONFLICT => conflicts += 1,
                s => panic!("round {round}: {s}"),
            }
        }
        assert_eq!(round_ok, 1, "round {round}: exactly one write wins");
        ok += round_ok;
    }
    let last: Value = get_json(&api, url(a), &token).await;
    assert_eq!(last["version"].as_i64(), Some(v0 + ok));
    assert_eq!(conflicts, 45);
    assert!(last["title"]
        .as_str()
        .is_some_and(|t| t.starts_with("Runde 4,")));
}
