//! Attacks on the login: a burst that exhausted memory, parallel guesses that slipped
//! past the throttle, lockouts behind a proxy, and redirects after login to another site.

use super::support::{login_csrf, post_login, Db, Server, PASSWORD};
use futures::future::join_all;
use reqwest::StatusCode;

/// A client that has fetched the login form, ready to post it at once.
struct Armed {
    client: reqwest::Client,
    csrf: String,
}

async fn arm(server: &Server, n: usize) -> Vec<Armed> {
    join_all((0..n).map(|_| async {
        let client = server.client();
        let csrf = login_csrf(&client, &server.base).await;
        Armed { client, csrf }
    }))
    .await
}

/// Posts the login form; `forwarded_for` goes in `X-Forwarded-For`.
async fn fire(
    server: &Server,
    armed: &Armed,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = armed.client.post(format!("{}/login", server.base)).form(&[
        ("_csrf", armed.csrf.as_str()),
        ("tenant", "angreb"),
        ("email", email),
        ("password", password),
        ("next", "/"),
    ]);
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.expect("POST /login")
}

fn retry_after(r: &reqwest::Response) -> Option<u64> {
    r.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_burst_stays_bounded_in_memory_and_the_owner_gets_in() {
    let db = Db::sqlite();
    db.seed("angreb");
    // Behind a trusted proxy every attacker has an address of its own, so no per-client
    // limit steps in: the password-check gate alone must hold.
    let server = Server::start(&db, &["--trusted-proxies", "127.0.0.1"]);
    let (rss_before, _) = server.memory_kib();
    let armed = arm(&server, 300).await;
    let responses = join_all(armed.iter().enumerate().map(|(i, a)| {
        let email = format!("ukendt{i}@angreb.dk");
        let from = format!("198.51.{}.{}", i / 250, i % 250 + 1);
        let server = &server;
        async move {
            let r = fire(server, a, &email, "forkert-gæt", Some(&from)).await;
            (r.status(), retry_after(&r))
        }
    }))
    .await;
    let (rss_after, peak) = server.memory_kib();
    let refused = responses
        .iter()
        .filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    for (status, retry) in &responses {
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE].contains(status),
            "unexpected {status}"
        );
        if *status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(retry.is_some_and(|s| s >= 1), "503 without Retry-After");
        }
    }
    eprintln!(
        "login burst: 300 parallel, {refused} refused with 503; RSS {} MiB before, {} MiB after, peak {} MiB",
        rss_before / 1024,
        rss_after / 1024,
        peak / 1024
    );
    // Without the gate this burst took 300 × 19 MiB ≈ 5.6 GiB; with it, a few checks at
    // a time in reused buffers.
    assert!(
        peak < rss_before + 256 * 1024,
        "peak memory grew by {} MiB",
        (peak - rss_before) / 1024
    );
    assert!(refused > 0, "a burst of 300 must find the queue full");
    // The owner signs in right after.
    let owner = server.client();
    let r = post_login(&owner, &server.base, "angreb", "pl@angreb.dk", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn parallel_guesses(db: Db) {
    db.seed("angreb");
    let server = Server::start(&db, &[]);
    let armed = arm(&server, 25).await;
    let started = std::time::Instant::now();
    let statuses = join_all(armed.iter().enumerate().map(|(i, a)| {
        let server = &server;
        async move {
            let pw = if i == 24 { PASSWORD } else { "forkert-gæt" };
            let r = fire(server, a, "pl@angreb.dk", pw, None).await;
            (r.status(), retry_after(&r))
        }
    }))
    .await;
    // On a loaded machine the burst may be spread over seconds, and the doubling delay
    // (2 s, 4 s, 8 s … after the third failure) then rightly lets a guess through now and
    // then. Allow exactly what the schedule allows in the time the burst took.
    let took = started.elapsed().as_secs_f64();
    let mut allowed = 3;
    let mut waited = 0.0;
    for delay in [2.0, 4.0, 8.0, 16.0, 32.0, 64.0] {
        waited += delay;
        if waited <= took {
            allowed += 1;
        }
    }
    let checked = statuses
        .iter()
        .filter(|(s, _)| [StatusCode::UNAUTHORIZED, StatusCode::SEE_OTHER].contains(s))
        .count();
    let throttled: Vec<_> = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(
        checked <= allowed,
        "{checked} of 25 parallel guesses in {took:.1} s had their password checked \
         (at most {allowed} may be): {statuses:?}"
    );
    assert_eq!(checked + throttled.len(), 25, "{statuses:?}");
    assert!(throttled.iter().all(|(_, r)| r.is_some_and(|s| s >= 1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_slip_past_the_throttle_on_sqlite() {
    parallel_guesses(Db::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_slip_past_the_throttle_on_postgres() {
    let Some(db) = Db::postgres() else { return };
    parallel_guesses(db).await;
}

/// Three wrong guesses from `from`, then the owner's right password from `owner_from`.
async fn guess_then_owner(server: &Server, from: &str, owner_from: &str) -> StatusCode {
    let armed = arm(server, 4).await;
    for a in &armed[..3] {
        let r = fire(server, a, "admin@angreb.dk", "forkert-gæt", Some(from)).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    fire(
        server,
        &armed[3],
        "admin@angreb.dk",
        PASSWORD,
        Some(owner_from),
    )
    .await
    .status()
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let db = Db::sqlite();
    db.seed("angreb");
    // Not trusted: the header is ignored, everyone is the proxy's address, and the
    // attacker's guesses delay the owner too.
    let plain = Server::start(&db, &[]);
    assert_eq!(
        guess_then_owner(&plain, "203.0.113.66", "10.0.0.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    drop(plain);
    // Trusted: the attacker is slowed, the owner is not.
    let db = Db::sqlite();
    db.seed("angreb");
    let proxied = Server::start(&db, &["--trusted-proxies", "127.0.0.0/8"]);
    assert_eq!(
        guess_then_owner(&proxied, "203.0.113.66", "10.0.0.7").await,
        StatusCode::SEE_OTHER
    );
    // A client cannot pick its own address by sending the header through the proxy:
    // the proxy appends the real one, and that is what counts.
    let armed = arm(&proxied, 1).await;
    let r = fire(
        &proxied,
        &armed[0],
        "admin@angreb.dk",
        "forkert-gæt",
        Some("10.0.0.7, 203.0.113.66"),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "still the attacker"
    );
}

#[tokio::test]
async fn redirects_after_login_never_leave_the_site() {
    let db = Db::sqlite();
    db.seed("angreb");
    let server = Server::start(&db, &[]);
    // In the query string, and as the form field carries it once decoded.
    for (vector, decoded) in [
        ("/%09/evil.example/phish", "/\t/evil.example/phish"),
        ("/%0a", "/\n"),
        ("/%01", "/\u{1}"),
        ("/%0d%0aSet-Cookie:%20x=y", "/\r\nSet-Cookie: x=y"),
        ("//evil.example", "//evil.example"),
        ("/%5Cevil.example", "/\\evil.example"),
        ("https://evil.example", "https://evil.example"),
        ("/ok//evil.example", "/ok//evil.example"),
    ] {
        let client = server.client();
        let page = client
            .get(format!("{}/login?next={vector}", server.base))
            .send()
            .await
            .expect("GET /login");
        assert_eq!(page.status(), StatusCode::OK, "{vector}");
        let html = page.text().await.expect("page");
        assert_eq!(
            super::support::hidden_input(&html, "next").as_deref(),
            Some("/"),
            "{vector}"
        );
        let csrf = super::support::hidden_input(&html, "_csrf").expect("csrf");
        // Posted directly, past the form.
        let r = client
            .post(format!("{}/login", server.base))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("tenant", "angreb"),
                ("email", "pl@angreb.dk"),
                ("password", PASSWORD),
                ("next", decoded),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{vector}");
        assert_eq!(
            r.headers().get("location").map(|v| v.as_bytes()),
            Some(&b"/"[..]),
            "{vector}"
        );
    }
    // A path on the site is followed.
    let client = server.client();
    let csrf = login_csrf(&client, &server.base).await;
    let r = client
        .post(format!("{}/login", server.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tenant", "angreb"),
            ("email", "pl@angreb.dk"),
            ("password", PASSWORD),
            ("next", "/potentialer?status=ide"),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(
        r.headers().get("location").map(|v| v.as_bytes()),
        Some(&b"/potentialer?status=ide"[..])
    );
}
