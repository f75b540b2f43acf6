//! Measurements as tasks, through the real server on SQLite or PostgreSQL
//! (`GEVINST_HTTP_DATABASE`): the årshjul as a filterable benefit × month table whose
//! items open the pre-filled form, the confirmation before a duplicate, corrections as
//! new versions, withdrawals with a reason, the API's 409, and that only current actuals
//! count in the programme's realised and harvested sums and in the forecast.
//!
//! The fixture ([`seed_programme`]): a plan 2025–2027, measured yearly, with Porto
//! (direkte besparelse, line 1) and Sagsbehandling (frigjorte timer, line 2), both owned
//! by the leder.

use crate::helpers::{
    error_code, get_text, json_of, login_role, post_text, ProgrammeFixture, SeededTenant, TestApp,
};
use crate::pages_programmes::{actual_form, actual_path, plan_path, world};
use gevinst_domain::{AuditAction, EntityKind, Role};
use gevinst_testkit::store::StoredActual;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn actuals(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> Vec<StoredActual> {
    app.store
        .list_actuals(t.tenant.id, f.potential)
        .await
        .expect("actuals")
}

/// Realised and harvested kr. of 2025 in the programme overview (API), as strings.
async fn realised_2025(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> (String, String) {
    let o: Value = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/programmes/{}/overview", f.programme),
        )
        .await
        .json()
        .await
        .expect("json");
    let fig = &o["years"][0]["figures"];
    assert_eq!(o["years"][0]["year"], 2025);
    let s = |v: &Value| v.as_str().expect("decimal string").to_owned();
    (s(&fig["realised_kr"]), s(&fig["harvested_kr"]))
}

/// The forecast's 2025 gain (min, max): 2025 is before `as_of_year`, so it is the
/// counted actuals in every iteration.
async fn forecast_2025(app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> (f64, f64) {
    let url = format!(
        "/api/v1/programmes/{}/forecast?iterations=500&seed=3&as_of_year=2026",
        f.programme
    );
    let v: Value = app
        .api_get(t.token(Role::Laeser), &url)
        .await
        .json()
        .await
        .expect("json");
    let g = &v["years"][0]["gain_kr"];
    (
        g["min"].as_f64().expect("min"),
        g["max"].as_f64().expect("max"),
    )
}

/// A form POST that should redirect (303): the page it redirects to.
async fn post_then_follow(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let res = crate::helpers::post_form(c, app, path, form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "POST {path}");
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = get_text(c, app, &to).await;
    assert_eq!(status, StatusCode::OK);
    html
}

fn number(s: &str) -> f64 {
    s.parse().expect("number")
}

#[tokio::test]
async fn a_duplicate_asks_first_and_a_correction_replaces_the_old_version() {
    let (app, t, f) = world("dublet").await;
    let (c, csrf) = login_role(&app, "dublet", Role::Leder).await;
    post_then_follow(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2025", "40000", ""),
    )
    .await;
    assert_eq!(actuals(&app, &t, &f).await.len(), 1);

    // The same benefit and period again: a confirmation step, nothing saved.
    let second = actual_form(&csrf, "2025", "50000", "");
    let (status, html) = post_text(&c, &app, &actual_path(&f), &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Der er allerede en måling for denne gevinst og periode"));
    assert!(html.contains("Porto, 2025: registreret"));
    assert!(html.contains("realiseret værdi 40.000 kr."));
    assert!(html.contains("name=\"intent\" value=\"correction\""));
    assert!(html.contains("name=\"intent\" value=\"additional\""));
    // What the user typed is kept for the confirmation.
    assert!(html.contains("value=\"50000\""));
    assert_eq!(actuals(&app, &t, &f).await.len(), 1);

    // Confirmed as a correction: a new version replacing the old; both stay.
    let mut correction = second.clone();
    correction.push(("intent", "correction"));
    let html = post_then_follow(&c, &app, &actual_path(&f), &correction).await;
    assert!(html.contains("Rettelsen er registreret"));
    let all = actuals(&app, &t, &f).await;
    assert_eq!(all.len(), 2);
    let (old, new) = (&all[0], &all[1]);
    assert_eq!(old.superseded_by, Some(new.id));
    assert_eq!(new.replaces, Some(old.id));
    assert!(!old.is_current() && new.is_current());
    assert!(html.contains(&format!("Erstattet af rettelse (måling {})", new.id)));
    assert!(html.contains(&format!("Rettelse af måling {}.", old.id)));
    // Only the current version counts: 50.000, not 90.000.
    assert_eq!(
        realised_2025(&app, &t, &f).await.0.parse::<f64>().unwrap(),
        50000.0
    );
    assert_eq!(forecast_2025(&app, &t, &f).await, (50000.0, 50000.0));
    // The audit log records both versions.
    let new_log = app
        .store
        .audit_for(t.tenant.id, EntityKind::Actual, new.id)
        .await
        .unwrap();
    assert_eq!(new_log.len(), 1);
    assert_eq!(new_log[0].action, AuditAction::Create);
    let expected = format!("Rettelse af måling {}", old.id);
    assert_eq!(new_log[0].reason.as_deref(), Some(expected.as_str()));
    let old_log = app
        .store
        .audit_for(t.tenant.id, EntityKind::Actual, old.id)
        .await
        .unwrap();
    assert_eq!(
        old_log.iter().map(|e| e.action).collect::<Vec<_>>(),
        [AuditAction::Create, AuditAction::Update]
    );
    assert_eq!(old_log[1].changes[0].field, "superseded_by");
}

#[tokio::test]
async fn an_additional_actual_counts_beside_the_first_and_a_withdrawal_stops_counting() {
    let (app, t, f) = world("ekstra").await;
    let (c, csrf) = login_role(&app, "ekstra", Role::Leder).await;
    post_then_follow(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2025", "40000", ""),
    )
    .await;
    let mut extra = actual_form(&csrf, "2025", "10000", "");
    extra.push(("intent", "additional"));
    post_then_follow(&c, &app, &actual_path(&f), &extra).await;
    assert_eq!(number(&realised_2025(&app, &t, &f).await.0), 50000.0);

    // Withdrawing needs a reason.
    let all = actuals(&app, &t, &f).await;
    let path = format!("{}/maaling/{}/tilbagetraek", plan_path(&f), all[1].id);
    let (status, html) = post_text(&c, &app, &path, &[("_csrf", &csrf), ("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Skriv hvorfor målingen trækkes tilbage."));
    assert!(actuals(&app, &t, &f).await[1].is_current());
    // Without the CSRF token: refused.
    let (status, _) = post_text(&c, &app, &path, &[("reason", "Fejl")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let html = post_then_follow(
        &c,
        &app,
        &path,
        &[("_csrf", &csrf), ("reason", "Tastefejl i økonomiudtrækket")],
    )
    .await;
    assert!(html.contains("Målingen er trukket tilbage"));
    assert!(html.contains("Tastefejl i økonomiudtrækket. Tæller ikke med."));
    let after = actuals(&app, &t, &f).await;
    assert_eq!(after[1].withdrawal_reason, "Tastefejl i økonomiudtrækket");
    assert!(after[1].withdrawn_at.is_some());
    assert_eq!(number(&realised_2025(&app, &t, &f).await.0), 40000.0);
    assert_eq!(forecast_2025(&app, &t, &f).await, (40000.0, 40000.0));
    let log = app
        .store
        .audit_for(t.tenant.id, EntityKind::Actual, after[1].id)
        .await
        .unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, AuditAction::Revoke);
    assert_eq!(last.reason.as_deref(), Some("Tastefejl i økonomiudtrækket"));
    // A withdrawn actual cannot be withdrawn again.
    let (status, _) = post_text(&c, &app, &path, &[("_csrf", &csrf), ("reason", "Igen")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A læser may not withdraw.
    let (l, lcsrf) = login_role(&app, "ekstra", Role::Laeser).await;
    let path0 = format!("{}/maaling/{}/tilbagetraek", plan_path(&f), after[0].id);
    let (status, _) = post_text(&l, &app, &path0, &[("_csrf", &lcsrf), ("reason", "X")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(actuals(&app, &t, &f).await[0].is_current());
}

#[tokio::test]
async fn the_api_refuses_a_duplicate_with_409_unless_told_otherwise() {
    let (app, t, f) = world("apidublet").await;
    let path = format!("/api/v1/potentials/{}/actuals", f.potential);
    let token = t.token(Role::Leder);
    let body = json!({"line": 1, "period": {"year": 2025}, "kr": "40000", "harvested": "10000",
        "budget_reference": "Budget 2025", "harvested_on": "2025-06-01"});
    let res = app.api_send(Method::POST, token, &path, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let first = json_of(res).await;
    let res = app.api_send(Method::POST, token, &path, &body).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err = json_of(res).await;
    assert_eq!(err["error"]["code"], "duplicate_actual");
    assert_eq!(err["error"]["fields"][0]["field"], "period");
    assert_eq!(err["error"]["fields"][0]["code"], "duplicate");
    assert_eq!(actuals(&app, &t, &f).await.len(), 1);

    let res = app
        .api_send(Method::POST, token, &format!("{path}?mode=whatever"), &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .api_send(Method::POST, token, &format!("{path}?replaces=1"), &body)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A correction of the wrong period is refused.
    let other = json!({"line": 1, "period": {"year": 2026}, "kr": "1"});
    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?mode=correction&replaces={}", first["id"]),
            &other,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A correction with nothing to correct is refused.
    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?mode=correction"),
            &other,
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let corrected = json!({"line": 1, "period": {"year": 2025}, "kr": "45000", "harvested": "5000",
        "budget_reference": "Budget 2025", "harvested_on": "2025-06-01"});
    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?mode=correction"),
            &corrected,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let second = json_of(res).await;
    assert_eq!(second["replaces"], first["id"]);
    let (realised, harvested) = realised_2025(&app, &t, &f).await;
    assert_eq!((number(&realised), number(&harvested)), (45000.0, 5000.0));
    // Correcting the replaced version again is a conflict.
    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?mode=correction&replaces={}", first["id"]),
            &corrected,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(res).await, "version_conflict");

    let res = app
        .api_send(
            Method::POST,
            token,
            &format!("{path}?mode=additional"),
            &corrected,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let third = json_of(res).await;
    let (realised, harvested) = realised_2025(&app, &t, &f).await;
    assert_eq!((number(&realised), number(&harvested)), (90000.0, 10000.0));

    // Withdrawal through the API.
    let w = format!("{path}/{}/withdrawal", third["id"]);
    let res = app.api_send(Method::POST, token, &w, &json!({})).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .api_send(
            Method::POST,
            t.token(Role::Laeser),
            &w,
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .api_send(
            Method::POST,
            token,
            &w,
            &json!({"reason": "Dobbelt registreret"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v = json_of(res).await;
    assert_eq!(v["withdrawal_reason"], "Dobbelt registreret");
    let res = app
        .api_send(Method::POST, token, &w, &json!({"reason": "Igen"}))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (realised, _) = realised_2025(&app, &t, &f).await;
    assert_eq!(number(&realised), 45000.0);
    // The history is all there.
    let list = json_of(app.api_get(token, &path).await).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    // The OpenAPI document has the withdrawal.
    let doc = json_of(app.api_get(token, "/api/v1/openapi.json").await).await;
    assert!(
        doc["paths"]["/api/v1/potentials/{id}/actuals/{actual_id}/withdrawal"]["post"].is_object()
    );
}

#[tokio::test]
async fn the_aarshjul_is_a_filterable_table_whose_items_open_the_prefilled_form() {
    let (app, t, f) = world("hjul").await;
    let (c, csrf) = login_role(&app, "hjul", Role::Leder).await;
    let (status, html) = get_text(&c, &app, "/aarshjul?aar=2025").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Årshjul 2025</h1>"));
    assert!(html.contains("href=\"/aarshjul?aar=2024\""));
    assert!(html.contains("href=\"/aarshjul?aar=2026\""));
    assert!(html.contains("id=\"aarshjul\""));
    // Both benefits are due 31.12.2025 and overdue: their December cells link to the form.
    let porto = format!(
        "href=\"/potentialer/{}/gevinstplan?linje=1&#38;periode=2025#registrer-titel\"",
        f.potential.0
    );
    assert!(html.contains(&porto), "{html}");
    assert_eq!(html.matches(">Overskredet</strong>").count(), 2);
    assert!(html.contains("2 overskredet"));
    // A leder has no owner filter (they see only their own benefits); the unit filter is there.
    assert!(!html.contains("id=\"ejer\""));
    assert!(html.contains("id=\"enhed\""));

    // The link opens the form pre-filled, showing the quantity Porto measures (kr.) and
    // folding away the others.
    let (status, html) =
        get_text(&c, &app, &format!("{}?linje=1&periode=2025", plan_path(&f))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<option value=\"1\" selected>Porto</option>"));
    assert!(html.contains("id=\"period\" name=\"period\" value=\"2025\""));
    let form = &html[html.find("id=\"registrer-titel\"").unwrap()..];
    let folded = &form[form.find("other-quantities").expect("folded inputs")..];
    let shown = &form[..form.find("other-quantities").unwrap()];
    assert!(shown.contains("id=\"kr\""));
    assert!(shown.contains("id=\"harvested\""));
    assert!(!shown.contains("id=\"hours\""));
    assert!(folded.contains("id=\"hours\""));
    assert!(folded.contains("id=\"fte\""));
    // Sagsbehandling measures hours.
    let (_, html) = get_text(&c, &app, &format!("{}?linje=2&periode=2025", plan_path(&f))).await;
    let form = &html[html.find("id=\"registrer-titel\"").unwrap()..];
    let shown = &form[..form.find("other-quantities").unwrap()];
    assert!(shown.contains("id=\"hours\"") && !shown.contains("id=\"kr\""));

    // Recorded: the item is done.
    post_then_follow(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2025", "40000", ""),
    )
    .await;
    let (_, html) = get_text(&c, &app, "/aarshjul?aar=2025&status=done").await;
    assert_eq!(
        html.matches("class=\"flag-done\">Registreret</span>")
            .count(),
        1
    );
    assert!(!html.contains(">Overskredet</strong>"));
    let (_, html) = get_text(&c, &app, "/aarshjul?aar=2025&status=overdue").await;
    assert_eq!(html.matches(">Overskredet</strong>").count(), 1);
    assert!(html.contains("1 overskredet</strong> · 0 forfalder · 1 registreret"));
    // A unit outside the potential's: nothing.
    let (_, html) = get_text(
        &c,
        &app,
        &format!("/aarshjul?aar=2025&enhed={}", t.other.id.0),
    )
    .await;
    assert!(html.contains("id=\"ingen-maalinger\""));
    let (_, html) = get_text(
        &c,
        &app,
        &format!("/aarshjul?aar=2025&enhed={}", t.forvaltning.id.0),
    )
    .await;
    assert!(html.contains("id=\"aarshjul\""));

    // The porteføljeleder filters by owner.
    let (pl, _) = login_role(&app, "hjul", Role::Portefoljeleder).await;
    let leder = t.user(Role::Leder).id.0;
    let (_, html) = get_text(&pl, &app, &format!("/aarshjul?aar=2025&ejer={leder}")).await;
    assert!(html.contains("id=\"ejer\""));
    assert!(html.contains(&format!("<option value=\"{leder}\" selected>")));
    assert_eq!(html.matches("<th scope=\"row\">").count(), 2);
    let admin = t.user(Role::Admin).id.0;
    let (_, html) = get_text(&pl, &app, &format!("/aarshjul?aar=2025&ejer={admin}")).await;
    assert!(html.contains("id=\"ingen-maalinger\""));
    // Bad filter values are ignored, never a 500.
    let (status, _) = get_text(&pl, &app, "/aarshjul?aar=x&ejer=y&enhed=z&status=%FF").await;
    assert_eq!(status, StatusCode::OK);
}

// ---------------------------------------------------------------- e-mail reminders

/// The test SMTP server (`GEVINST_TEST_SMTP=HOST:PORT`) and the directory where it writes
/// each mail as JSON (`GEVINST_TEST_SMTP_DIR`), both set by `scripts/test`. `None` skips
/// the test, unless `GEVINST_REQUIRE_SMTP=1` or `CI` is set: then it fails.
fn smtp_server() -> Option<(String, u16, std::path::PathBuf)> {
    let addr = std::env::var("GEVINST_TEST_SMTP")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let dir = std::env::var("GEVINST_TEST_SMTP_DIR").ok();
    match (addr, dir) {
        (Some(a), Some(d)) => {
            let (host, port) = a.rsplit_once(':').expect("GEVINST_TEST_SMTP is HOST:PORT");
            Some((host.to_owned(), port.parse().expect("port"), d.into()))
        }
        _ => {
            let required = std::env::var("GEVINST_REQUIRE_SMTP").is_ok_and(|v| v == "1")
                || std::env::var_os("CI").is_some();
            assert!(
                !required,
                "GEVINST_TEST_SMTP and GEVINST_TEST_SMTP_DIR are not set, but SMTP tests are required"
            );
            eprintln!("skipped: no SMTP server (set GEVINST_TEST_SMTP and GEVINST_TEST_SMTP_DIR)");
            None
        }
    }
}

fn mailer(host: &str, port: u16) -> gevinst_app::reminders::Mailer {
    gevinst_app::reminders::Mailer::new(&gevinst_domain::reminder::SmtpSettings {
        host: host.to_owned(),
        port,
        from: "gevinst <gevinst@example.dk>".to_owned(),
        tls: gevinst_domain::reminder::SmtpTls::None,
        credentials: None,
    })
    .expect("mailer")
}

/// The mails the test server received for `to`, oldest first (the files are named by
/// the time they arrived).
fn mails_to(dir: &std::path::Path, to: &str) -> Vec<Value> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("mail dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| -> Value {
            serde_json::from_str(&std::fs::read_to_string(p).expect("mail")).expect("json")
        })
        .filter(|v| {
            v["rcpt_tos"]
                .as_array()
                .is_some_and(|r| r.iter().any(|a| a == to))
        })
        .collect()
}

/// Whether a run composed a digest for `to`.
fn run_a_sent_to(r: &gevinst_app::reminders::DigestReport, to: &str) -> bool {
    r.digests.iter().any(|(rcpt, _)| rcpt == to)
}

/// 20 December 2026: the fixture's 2025 measurements are overdue, the 2026 ones due
/// within 14 days.
fn monday_run(instance: &str) -> gevinst_app::reminders::DigestRun {
    gevinst_app::reminders::DigestRun {
        now: "2026-12-20T08:00:00Z".parse().unwrap(),
        instance: instance.to_owned(),
        link: "http://gevinst.test/aarshjul".to_owned(),
        dry_run: false,
    }
}

/// A port where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn the_weekly_digest_reaches_the_owner_once_even_from_two_instances() {
    let Some((host, port, dir)) = smtp_server() else {
        return;
    };
    let (app, t, _f) = world("digest").await;
    let to = t.user(Role::Leder).email.as_str().to_owned();
    // The server's directory may hold mails of earlier runs: count only new ones.
    let before = mails_to(&dir, &to).len();
    let m = mailer(&host, port);
    // Two app instances on one database run at the same time.
    let (a, b) = (
        gevinst_app::App::new(app.store.clone()),
        gevinst_app::App::new(app.store.clone()),
    );
    let (run_a, run_b) = (monday_run("a"), monday_run("b"));
    let (ma, mb) = (a.maintenance(), b.maintenance());
    let (ra, rb) = tokio::join!(
        ma.send_digests(Some(&m), &run_a),
        mb.send_digests(Some(&m), &run_b),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 1, "{ra:?} {rb:?}");
    assert_eq!(ra.skipped + rb.skipped, 1);
    // Again in the same week: nothing more.
    let again = a
        .maintenance()
        .send_digests(Some(&m), &monday_run("a"))
        .await
        .unwrap();
    assert_eq!((again.sent, again.skipped), (0, 1));
    let mails = mails_to(&dir, &to);
    assert_eq!(mails.len(), before + 1, "{mails:?}");
    let mail = mails.last().unwrap();
    assert_eq!(
        mail["subject"],
        "Gevinstopfølgning: 2 målinger er overskredet, 2 målinger forfalder snart"
    );
    assert!(mail["to"].as_str().unwrap().contains(&to));
    assert_eq!(mail["mail_from"], "gevinst@example.dk");
    let body = mail["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.starts_with(&format!("Hej {}\n", t.user(Role::Leder).name)),
        "{body}"
    );
    assert!(
        body.contains("Overskredet:\n- Robot til journalisering: Porto, 2025 (frist 31.12.2025)\n"),
        "{body}"
    );
    assert!(body.contains("- Robot til journalisering: Sagsbehandling, 2026 (frist 31.12.2026)"));
    assert!(body.contains("http://gevinst.test/aarshjul"));
    // Nobody else owns a benefit: no mail to the porteføljeleder, for example.
    let pl = t.user(Role::Portefoljeleder).email.as_str().to_owned();
    assert!(!run_a_sent_to(&ra, &pl) && !run_a_sent_to(&rb, &pl));
    // The admin sees it.
    let (c, _) = login_role(&app, "digest", Role::Admin).await;
    let (status, html) = get_text(&c, &app, "/admin/paamindelser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<dt>Sendte påmindelser</dt><dd>1</dd>"));
    assert!(html.contains(&to));
    assert!(!html.contains("id=\"smtp-fejl\""));
    // Only the admin.
    let (l, _) = login_role(&app, "digest", Role::Leder).await;
    let (status, _) = get_text(&l, &app, "/admin/paamindelser").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_mail_server_that_is_down_is_retried_with_backoff_and_shown_to_the_admin() {
    let Some((host, port, dir)) = smtp_server() else {
        return;
    };
    let (app, t, _f) = world("nedbrud").await;
    let to = t.user(Role::Leder).email.as_str().to_owned();
    let before = mails_to(&dir, &to).len();
    let a = gevinst_app::App::new(app.store.clone());
    let down = mailer("127.0.0.1", closed_port());
    let first = a
        .maintenance()
        .send_digests(Some(&down), &monday_run("a"))
        .await;
    let first = first.expect("a failed send does not fail the run");
    assert_eq!((first.sent, first.failed), (0, 1));
    // The rest of the app works meanwhile.
    let (c, _) = login_role(&app, "nedbrud", Role::Admin).await;
    let (status, html) = get_text(&c, &app, "/admin/paamindelser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"smtp-fejl\""), "{html}");
    assert!(html.contains("Mailserveren har ikke modtaget 1 påmindelse"));
    assert!(html.contains("<dt>Venter på nyt forsøg</dt><dd>1</dd>"));
    // First retry after 1 minute (Danish time: 09.01).
    assert!(
        html.contains("Næste forsøg: 20.12.2026 kl. 09.01."),
        "{html}"
    );
    // Before the retry is due, nothing is tried.
    let mut early = monday_run("a");
    early.now += chrono::Duration::seconds(30);
    let up = mailer(&host, port);
    let r = a
        .maintenance()
        .send_digests(Some(&up), &early)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed, r.skipped), (0, 0, 1));
    // Still down at the retry: the next wait is longer (5 minutes).
    let mut retry = monday_run("b");
    retry.now += chrono::Duration::minutes(2);
    let r = a
        .maintenance()
        .send_digests(Some(&down), &retry)
        .await
        .unwrap();
    assert_eq!(r.failed, 1);
    let (_, html) = get_text(&c, &app, "/admin/paamindelser").await;
    assert!(
        html.contains("Næste forsøg: 20.12.2026 kl. 09.07."),
        "{html}"
    );
    assert_eq!(mails_to(&dir, &to).len(), before);
    // The server is back: the digest goes out once.
    retry.now += chrono::Duration::minutes(10);
    let r = a
        .maintenance()
        .send_digests(Some(&up), &retry)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (1, 0));
    assert_eq!(mails_to(&dir, &to).len(), before + 1);
    let (_, html) = get_text(&c, &app, "/admin/paamindelser").await;
    assert!(!html.contains("id=\"smtp-fejl\""));
    assert!(html.contains("<dt>Sendte påmindelser</dt><dd>1</dd>"));
    // A dry run composes but sends and records nothing.
    let mut dry = monday_run("c");
    dry.dry_run = true;
    dry.now += chrono::Duration::days(7);
    let r = a.maintenance().send_digests(None, &dry).await.unwrap();
    assert_eq!(r.digests.len(), 1);
    assert_eq!((r.sent, r.failed), (0, 0));
    assert_eq!(mails_to(&dir, &to).len(), before + 1);
}

// ---------------------------------------------------------------- calendar feed

/// The feed's path from the page that shows it once.
fn feed_path(html: &str) -> String {
    let at = html.find("/kalender/gvk_").expect("feed link");
    let rest = &html[at..];
    rest[..rest.find(".ics").expect("ics") + 4].to_owned()
}

#[tokio::test]
async fn the_calendar_feed_is_rfc_5545_behind_a_revocable_token() {
    let (app, t, f) = world("kalender").await;
    let (c, csrf) = login_role(&app, "kalender", Role::Leder).await;
    let (status, html) = get_text(&c, &app, "/konto").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/konto/kalender\""));
    let (_, html) = get_text(&c, &app, "/konto/kalender").await;
    assert!(html.contains("Du har ikke noget kalenderlink."));
    let res = crate::helpers::post_form(&c, &app, "/konto/kalender", &[("_csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let path = feed_path(&html);
    // The token is random and long; the page shown later does not repeat it.
    assert!(path.len() > "/kalender/gvk_.ics".len() + 60, "{path}");
    let (_, later) = get_text(&c, &app, "/konto/kalender").await;
    assert!(!later.contains(&path));
    assert!(later.contains("Du har et kalenderlink, oprettet"));

    // No login needed: the token is the key.
    let res = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let unfolded = ics.replace("\r\n ", "");
    // Both benefits, 2025 to 2027: six measurements, each with UID and DTSTAMP.
    assert_eq!(
        unfolded.matches("BEGIN:VEVENT\r\n").count(),
        6,
        "{unfolded}"
    );
    assert_eq!(unfolded.matches("\r\nDTSTAMP:").count(), 6);
    let uid = format!(
        "UID:maaling-{}-{}-1-2025@gevinst\r\n",
        t.tenant.id.0, f.potential.0
    );
    assert!(unfolded.contains(&uid), "{unfolded}");
    assert!(unfolded.contains("DTSTART;VALUE=DATE:20251231\r\n"));
    assert!(unfolded.contains("SUMMARY:Måling: Robot til journalisering: Porto\\, 2025\r\n"));
    // Recorded: the event says so.
    post_then_follow(
        &c,
        &app,
        &actual_path(&f),
        &actual_form(&csrf, "2025", "40000", ""),
    )
    .await;
    let ics = app
        .client
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ics
        .replace("\r\n ", "")
        .contains("SUMMARY:Måling registreret: Robot til journalisering: Porto\\, 2025\r\n"));

    // Unknown tokens and other names: 404.
    for bad in ["/kalender/gvk_0000.ics", &path.replace(".ics", ".txt")] {
        let res = app.client.get(app.url(bad)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    // A new link replaces the old one.
    let res = crate::helpers::post_form(&c, &app, "/konto/kalender", &[("_csrf", &csrf)]).await;
    let newer = feed_path(&res.text().await.unwrap());
    assert_ne!(newer, path);
    let res = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Revoked: 404, and audited on the user.
    let html = post_then_follow(&c, &app, "/konto/kalender/tilbagekald", &[("_csrf", &csrf)]).await;
    assert!(html.contains("Kalenderlinket er tilbagekaldt"));
    let res = app.client.get(app.url(&newer)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let log = app
        .store
        .audit_for(t.tenant.id, EntityKind::User, t.user(Role::Leder).id.0)
        .await
        .unwrap();
    let feed: Vec<_> = log
        .iter()
        .filter(|e| e.changes.iter().any(|c| c.field == "calendar_feed"))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        feed,
        [
            AuditAction::Create,
            AuditAction::Create,
            AuditAction::Revoke
        ]
    );
    // Without the CSRF token nothing is made.
    let (status, _) = post_text(&c, &app, "/konto/kalender", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
