//! Browser test of admin pages on a phone (see `browser.rs` for how it is run and
//! skipped): `/admin/revisionsspor` fits 390×844 without sideways scrolling (the long
//! check value wraps).

use crate::browser::{browser, finish, login, shot, wait_body, webdriver_url};
use crate::helpers::{seed_tenant, spawn_app, TestApp};
use fantoccini::Client;

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The page's width and the window's inner width.
async fn widths(c: &Client) -> Res<(i64, i64)> {
    let v = c
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await?;
    let pair: Vec<i64> = serde_json::from_value(v)?;
    Ok((pair[0], pair[1]))
}

async fn audit_on_a_phone(c: &Client, app: &TestApp) -> Res {
    login(c, app, "admin@foran.dk").await?;
    c.set_window_size(390, 844).await?;
    c.goto(&app.url("/admin/revisionsspor")).await?;
    wait_body(c, "Kontroltal for den seneste intakte post").await?;
    shot(c, "revisionsspor-telefon").await?;
    let (page, window) = widths(c).await?;
    if page > window {
        return Err(
            format!("/admin/revisionsspor is {page} px wide in a {window} px window").into(),
        );
    }
    Ok(())
}

#[tokio::test]
async fn audit_page_fits_a_phone() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    seed_tenant(&app.store, "foran").await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = audit_on_a_phone(&c, &app).await;
    finish(c, result, "revisionsspor on a phone").await;
}
