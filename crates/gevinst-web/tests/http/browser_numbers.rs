//! Browser test of the programme page (issue 11, §6) in headless Chromium at a laptop's
//! 1366×900 and a phone's 390×844 (see `browser.rs` for how it is run and skipped): the
//! page opens with the target-vs-actual chart, nothing overflows sideways, every chart
//! label lies inside its SVG's viewBox (`getBBox`), and chart text renders at 12 px or
//! more. Ends on the programme page with the forecast computed, so a longer route can
//! chain it.

use crate::browser::{browser, finish, login, shot, wait_body, webdriver_url};
use crate::helpers::{seed_programme, seed_tenant, spawn_app, ProgrammeFixture, TestApp};
use fantoccini::{Client, Locator};
use gevinst_domain::programme::{ActualDraft, Period};
use gevinst_domain::Role;

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Measures the page in the browser: sideways overflow in px, chart texts outside their
/// viewBox, and chart texts rendered below 12 px (each as "chart id: text").
const MEASURE: &str = r#"
const doc = document.documentElement;
const out = { overflow: doc.scrollWidth - doc.clientWidth, outside: [], small: [], charts: 0 };
for (const svg of document.querySelectorAll('svg.chart')) {
  out.charts += 1;
  const vb = svg.viewBox.baseVal;
  const box = svg.getBoundingClientRect();
  const scale = box.width / vb.width;
  const name = svg.getAttribute('aria-labelledby') || '?';
  for (const t of svg.querySelectorAll('text')) {
    const label = name + ': ' + t.textContent;
    if (t.hasAttribute('transform')) {
      // A turned axis title: compare where it is drawn with where the SVG is.
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.outside.push(label);
    } else {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 ||
          b.y + b.height > vb.y + vb.height + 0.5) out.outside.push(label);
    }
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (px < 11.95) out.small.push(label + ' (' + px.toFixed(1) + ' px)');
  }
}
return out;
"#;

async fn check_layout(c: &Client, size: &str) -> Res {
    let v = c.execute(MEASURE, vec![]).await?;
    let charts = v["charts"].as_u64().unwrap_or(0);
    assert!(
        charts >= 3,
        "{size}: target chart and two fan charts, got {charts}"
    );
    assert!(
        v["overflow"].as_f64().unwrap_or(f64::MAX) <= 0.0,
        "{size}: the page overflows sideways by {} px",
        v["overflow"]
    );
    assert_eq!(v["outside"], serde_json::json!([]), "{size}: labels cut");
    assert_eq!(
        v["small"],
        serde_json::json!([]),
        "{size}: text below 12 px"
    );
    Ok(())
}

async fn story(c: &Client, app: &TestApp, f: &ProgrammeFixture) -> Res {
    login(c, app, "portefoljeleder@delta.dk").await?;
    c.set_window_size(1366, 900).await?;
    let page = app.url(&format!("/programmer/{}", f.programme.0));
    c.goto(&page).await?;
    wait_body(c, "Mål og realiseret").await?;
    crate::browser::show_forecast(c).await?;
    // The first thing under the heading is the target-vs-actual chart.
    let first = c
        .find(Locator::Css("main section:first-of-type svg"))
        .await?
        .attr("class")
        .await?;
    assert_eq!(first.as_deref(), Some("chart target-chart"));
    // The recorded actuals are their own series in the fan chart.
    c.find(Locator::Css("svg.fan-chart rect.fan-actual-point"))
        .await?;
    check_layout(c, "1366×900").await?;
    shot(c, "numbers-programme-laptop").await?;
    c.set_window_size(390, 844).await?;
    c.goto(&page).await?;
    wait_body(c, "Mål og realiseret").await?;
    check_layout(c, "390×844").await?;
    shot(c, "numbers-programme-phone").await?;
    Ok(())
}

#[tokio::test]
async fn the_programme_page_fits_and_its_charts_are_readable_at_both_sizes() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "delta").await;
    let f = seed_programme(&app.store, &t).await;
    let admin = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin");
    let actual = ActualDraft {
        line: Some(1),
        period: Some(Period::of_year(2025).unwrap()),
        kr: Some("450000".parse().unwrap()),
        ..Default::default()
    };
    gevinst_app::App::new(app.store.clone())
        .programmes()
        .record_actual(&admin, f.potential, &actual)
        .await
        .expect("actual");
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &f).await;
    finish(c, result, "programme page layout").await;
}
