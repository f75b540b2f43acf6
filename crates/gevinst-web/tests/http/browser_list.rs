//! Browser test of the potentials list as a spreadsheet (see `browser.rs` for how it is run
//! and skipped): on the demo at 1366×900 the porteføljeleder sees results above the fold,
//! chooses the money columns, sorts by NPV both ways, reads the totals and saves the view.
//! [`list_story`] takes a logged-in browser, so a longer route can chain it.

use crate::browser::{browser, finish, shot, wait_body, webdriver_url};
use crate::helpers::{spawn_app, TestApp};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use gevinst_domain::Role;
use std::time::{Duration, Instant};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Logs in through the form with a password (the demo's).
pub(crate) async fn login_with(
    c: &Client,
    app: &TestApp,
    slug: &str,
    email: &str,
    password: &str,
) -> Res {
    c.goto(&app.url("/login")).await?;
    c.find(Locator::Css("#email"))
        .await?
        .send_keys(email)
        .await?;
    if let Ok(t) = c.find(Locator::Css("#tenant")).await {
        if t.prop("type").await?.as_deref() != Some("hidden") {
            t.clear().await?;
            t.send_keys(slug).await?;
        }
    }
    let pw = c.find(Locator::Css("#password")).await?;
    pw.send_keys(password).await?;
    pw.send_keys(&Key::Enter.to_string()).await?;
    wait_body(c, "Log ud").await
}

/// The numbers in the NPV column, top to bottom (rows without a case left out).
async fn npv_column(c: &Client) -> Res<Vec<i64>> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('tbody td[data-col=\"npv\"]')]\
               .map(td => td.textContent.trim()).filter(t => t !== '–')\
               .map(t => parseInt(t.replace(' kr.', '').split('.').join(''), 10));",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// Waits until the NPV header has `aria-sort` = `order`.
async fn wait_sorted(c: &Client, order: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(th) = c.find(Locator::Css("thead th[data-col='npv']")).await {
            if th.attr("aria-sort").await?.as_deref() == Some(order) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("NPV never sorted {order}").into())
}

/// The list story for a logged-in porteføljeleder on the demo: choose columns, sort, read
/// the totals, save the view.
pub(crate) async fn list_story(c: &Client, app: &TestApp) -> Res {
    c.set_window_size(1366, 900).await?;
    c.goto(&app.url("/potentialer")).await?;
    wait_body(c, "331 potentialer").await?;
    // Results start above the fold on a laptop.
    let top = c
        .execute(
            "return document.querySelector('table.potentials tbody tr').getBoundingClientRect().top;",
            vec![],
        )
        .await?;
    let top = top.as_f64().unwrap_or(f64::MAX);
    assert!(
        top < 900.0,
        "the first row starts at {top}px, below the fold"
    );
    shot(c, "list-1-compact").await?;

    // Choose NPV and fuld effekt under the folded options, and show.
    c.find(Locator::Css("details.more-filters summary"))
        .await?
        .click()
        .await?;
    for key in ["npv", "full_effect", "owner"] {
        c.find(Locator::Css(&format!("input[name='cols'][value='{key}']")))
            .await?
            .click()
            .await?;
    }
    c.find(Locator::Css("form.filters button[type='submit']"))
        .await?
        .click()
        .await?;
    wait_body(c, "I alt (331 potentialer").await?;
    let total = c
        .find(Locator::Css("tfoot td[data-col='npv']"))
        .await?
        .text()
        .await?;
    assert!(total.ends_with(" kr."), "a total in kroner: {total}");

    // Sort by NPV: the header link sorts largest first, a second click smallest first.
    c.find(Locator::Css("thead th[data-col='npv'] a"))
        .await?
        .click()
        .await?;
    wait_sorted(c, "descending").await?;
    let values = npv_column(c).await?;
    assert!(values.len() > 10);
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "descending: {values:?}"
    );
    shot(c, "list-2-npv-descending").await?;
    c.find(Locator::Css("thead th[data-col='npv'] a"))
        .await?
        .click()
        .await?;
    wait_sorted(c, "ascending").await?;
    let values = npv_column(c).await?;
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "ascending: {values:?}"
    );

    // Save the view and find it among "Mine visninger".
    let name = c.find(Locator::Css("#view_name")).await?;
    name.send_keys("Mine penge").await?;
    name.send_keys(&Key::Enter.to_string()).await?;
    wait_body(c, "Mine penge").await?;
    let current = c
        .find(Locator::Css(".view a[aria-current='true']"))
        .await?
        .text()
        .await?;
    assert_eq!(current, "Mine penge");
    wait_sorted(c, "ascending").await?;
    shot(c, "list-3-saved-view").await?;
    Ok(())
}

#[tokio::test]
async fn portfolio_manager_chooses_money_columns_and_sorts_them() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let report = gevinst_demo::load_demo(&*app.store)
        .await
        .expect("demo")
        .expect("empty database");
    let email = report
        .logins
        .iter()
        .find(|(_, label)| label == Role::Portefoljeleder.label())
        .map(|(e, _)| e.clone())
        .expect("demo porteføljeleder");
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = async {
        login_with(&c, &app, &report.tenant_slug, &email, &report.password).await?;
        list_story(&c, &app).await
    }
    .await;
    finish(c, result, "list browser story").await;
}
