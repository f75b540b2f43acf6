//! Browser test of the programme pages in headless Chromium (see `browser.rs` for how it
//! is run and skipped): the benefit owner records an actual for 2025 on the plan page,
//! the programme overview's realised figure changes, and the forecast, computed before and
//! after, changes too (2025 now uses the actual instead of the plan).

use crate::browser::{browser, finish, login, wait_body, webdriver_url};
use crate::helpers::{
    row_cells, seed_programme, seed_tenant, spawn_app, ProgrammeFixture, TestApp,
};
use fantoccini::{Client, Locator};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The cells of the first row headed `label` after `from` in the page source.
fn cells_after(html: &str, from: &str, label: &str) -> Vec<String> {
    html.find(from)
        .map(|start| row_cells(&html[start..], label))
        .unwrap_or_default()
}

/// Saves a full-page screenshot to `$GEVINST_SCREENSHOTS/NAME.png` when that variable is
/// set (for looking at the pages; nothing is compared).
async fn shot(c: &Client, name: &str) -> Res {
    if std::env::var_os("GEVINST_SCREENSHOTS").is_some() {
        c.set_window_size(1280, 4000).await?;
        crate::browser::shot(c, name).await?;
        c.set_window_size(1280, 1000).await?;
    }
    Ok(())
}

async fn compute_forecast(c: &Client) -> Res<String> {
    crate::browser::show_forecast(c).await?;
    c.find(Locator::Css("svg.fan-chart")).await?;
    Ok(c.source().await?)
}

async fn story(c: &Client, app: &TestApp, f: &ProgrammeFixture) -> Res {
    login(c, app, "leder@gamma.dk").await?;
    let overview = app.url(&format!("/programmer/{}", f.programme.0));
    c.goto(&overview).await?;
    wait_body(c, "Prognosen er ikke beregnet").await?;
    let html = c.source().await?;
    let realised_before = cells_after(&html, "id=\"aar-kr\"", "Realiseret");
    assert_eq!(realised_before, ["0 kr.", "0 kr.", "0 kr."]);
    let before = compute_forecast(c).await?;
    // (P10, P50, P90, Realiseret) of the kr. fan in 2025: the plan has no gain that year
    // and nothing is recorded.
    let fan_before = cells_after(&before, "id=\"prognose\"", "2025");
    assert_eq!(fan_before, ["0 kr.", "0 kr.", "0 kr.", "0 kr."]);

    // Record the 2025 measurement of "Porto" on the plan page.
    c.goto(&app.url(&format!("/potentialer/{}/gevinstplan", f.potential.0)))
        .await?;
    wait_body(c, "Registrér måling").await?;
    c.find(Locator::Css("select#line"))
        .await?
        .select_by_value("1")
        .await?;
    c.find(Locator::Css("#period"))
        .await?
        .send_keys("2025")
        .await?;
    c.find(Locator::Css("#kr"))
        .await?
        .send_keys("50.000")
        .await?;
    c.find(Locator::Css(".measure-form button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_body(c, "Målingen er registreret.").await?;
    shot(c, "programme-plan").await?;

    // The overview: realised changed, and the old forecast no longer applies.
    c.goto(&overview).await?;
    wait_body(c, "Prognosen er ikke beregnet").await?;
    let html = c.source().await?;
    let realised_after = cells_after(&html, "id=\"aar-kr\"", "Realiseret");
    assert_eq!(realised_after, ["50.000 kr.", "0 kr.", "0 kr."]);
    assert_ne!(realised_before, realised_after);
    let after = compute_forecast(c).await?;
    let fan_after = cells_after(&after, "id=\"prognose\"", "2025");
    // 2025 is before the current year, so the forecast uses the actual: 50.000 kr. in
    // every iteration, and the actuals series shows it.
    assert_eq!(
        fan_after,
        ["50.000 kr.", "50.000 kr.", "50.000 kr.", "50.000 kr."]
    );
    assert_ne!(fan_before, fan_after);
    shot(c, "programme-overview").await?;
    c.goto(&app.url("/aarshjul")).await?;
    wait_body(c, "Årshjul").await?;
    shot(c, "programme-aarshjul").await?;
    Ok(())
}

#[tokio::test]
async fn owner_records_an_actual_and_sees_overview_and_forecast_change() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "gamma").await;
    let f = seed_programme(&app.store, &t).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &f).await;
    finish(c, result, "browser story").await;
}
