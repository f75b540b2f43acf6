//! The business-case grid editor in headless Chromium (issue 11 §3), at 1366×900 and on a
//! phone (390×844): a person saves a case with the keyboard only, adds a line, types
//! "1,5 mio.", presses Enter and lands on that line, which shows "1.500.000" and "Gemt";
//! the page never overflows sideways on the phone. Skipped without a WebDriver (see
//! `browser.rs`).

use crate::browser::{browser, finish, login, shot, wait_body, webdriver_url};
use crate::helpers::{seed_tenant_for_case, spawn_app, SeededTenant, TestApp};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use gevinst_domain::Role;
use std::time::{Duration, Instant};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn js(c: &Client, script: &str) -> Res<serde_json::Value> {
    Ok(c.execute(script, vec![]).await?)
}

/// Waits until the URL ends with `suffix` and the page has loaded.
async fn wait_url(c: &Client, suffix: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let url = c.current_url().await?;
        if url.as_str().ends_with(suffix)
            && js(c, "return document.readyState").await? == "complete"
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out waiting for a URL ending in {suffix}").into())
}

/// The id of the focused element.
async fn focused(c: &Client) -> Res<String> {
    Ok(js(
        c,
        "return document.activeElement && document.activeElement.id || ''",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_owned())
}

/// Sends one key to the focused element.
async fn press(c: &Client, key: Key) -> Res {
    c.active_element()
        .await?
        .send_keys(&key.to_string())
        .await?;
    Ok(())
}

/// Fails with `what` unless `script` returns true.
async fn holds(c: &Client, script: &str, what: &str) -> Res {
    if js(c, script).await? == serde_json::Value::Bool(true) {
        Ok(())
    } else {
        Err(format!("not so: {what}").into())
    }
}

/// Whether the element `id` is at least partly in the viewport.
async fn in_view(c: &Client, id: &str) -> Res<bool> {
    let script = format!(
        "var r = document.getElementById('{id}').getBoundingClientRect(); \
         return r.bottom > 0 && r.top < window.innerHeight;"
    );
    Ok(js(c, &script).await? == serde_json::Value::Bool(true))
}

/// The page's width beyond the viewport, in CSS pixels (0 when nothing overflows).
async fn overflow(c: &Client) -> Res<i64> {
    let v = js(
        c,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await?;
    Ok(v.as_i64().unwrap_or(i64::MAX))
}

/// Creates the case on an open "Opret business case" editor with the keyboard only: the
/// first line's text, Tab through its years in order (1.234.567,50 in the first), Enter
/// saves and the page lands on the line with "Business casen er gemt.".
pub(crate) async fn create_case_with_keyboard(c: &Client) -> Res {
    c.find(Locator::Id("line_label_0")).await?.click().await?;
    press(c, Key::Tab).await?;
    // Chromium may put focus on the kind select first when the click landed on it.
    for t in 0..5 {
        assert_eq!(focused(c).await?, format!("line_amount_0_{t}"), "Tab order");
        c.active_element()
            .await?
            .send_keys(if t == 0 { "1.234.567,50" } else { "0" })
            .await?;
        press(c, Key::Tab).await?;
    }
    // The cell is wide enough for 1.234.567,50.
    holds(c, "var e = document.getElementById('line_amount_0_0'); return e.scrollWidth <= e.clientWidth;", "cell fits 1.234.567,50").await?;
    c.find(Locator::Id("line_label_0"))
        .await?
        .send_keys("Licens")
        .await?;
    press(c, Key::Enter).await?;
    wait_url(c, "#linje-1").await?;
    wait_body(c, "Business casen er gemt.").await
}

/// Adds a direct saving (*direkte besparelse*) to the case in the open editor: "Tilføj
/// linje" lands on the new line with focus in it, the kind's own fields appear without a
/// reload, `amount` goes into the second year (or every year when `every_year`), and
/// Enter saves and lands on the line, marked "Gemt". Returns the line's number (1-based).
pub(crate) async fn add_saving_line(
    c: &Client,
    label: &str,
    amount: &str,
    every_year: bool,
) -> Res<usize> {
    let lines = js(
        c,
        "return document.querySelectorAll('[id^=line_label_]').length",
    )
    .await?
    .as_u64()
    .unwrap_or(0) as usize;
    let (i, n) = (lines, lines + 1);
    c.find(Locator::Css("button[value='add_line']"))
        .await?
        .click()
        .await?;
    wait_url(c, &format!("#linje-{n}")).await?;
    assert!(
        in_view(c, &format!("linje-{n}")).await?,
        "line {n} in view after adding"
    );
    holds(
        c,
        &format!("return document.getElementById('linje-{n}').contains(document.activeElement)"),
        &format!("focus on line {n}"),
    )
    .await?;
    c.find(Locator::Id(&format!("line_kind_{i}")))
        .await?
        .select_by_value("direkte_besparelse")
        .await?;
    // The kind's own fields appear without a reload: a saving may be hjemtagbar.
    holds(
        c,
        &format!(
            "return !document.querySelector('#linje-{n} [data-show=benefit]').hidden \
             && document.querySelector('#linje-{n} [data-show=channels]').hidden"
        ),
        "shown",
    )
    .await?;
    c.find(Locator::Id(&format!("line_label_{i}")))
        .await?
        .send_keys(label)
        .await?;
    let years = js(
        c,
        &format!("return document.querySelectorAll('[id^=line_amount_{i}_]').length"),
    )
    .await?
    .as_u64()
    .unwrap_or(0) as usize;
    let cells: Vec<usize> = if every_year {
        (0..years).collect()
    } else {
        vec![1]
    };
    for t in &cells {
        let cell = c.find(Locator::Id(&format!("line_amount_{i}_{t}"))).await?;
        cell.clear().await?;
        cell.send_keys(amount).await?;
    }
    let last = cells.last().copied().unwrap_or(1);
    c.find(Locator::Id(&format!("line_amount_{i}_{last}")))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_url(c, &format!("?besked=gemt&linje={n}#linje-{n}")).await?;
    assert!(
        in_view(c, &format!("linje-{n}")).await?,
        "lands on the saved line"
    );
    let saved = c
        .find(Locator::Css(&format!("#linje-{n} .bc-saved")))
        .await?
        .text()
        .await?;
    assert_eq!(saved, "Gemt");
    Ok(n)
}

async fn story(c: &Client, app: &TestApp, t: &SeededTenant) -> Res {
    c.set_window_size(1366, 900).await?;
    login(
        c,
        app,
        &format!("{}@editor.dk", Role::Portefoljeleder.as_str()),
    )
    .await?;
    let page = app.url(&format!("/potentialer/{}/business-case", t.potential.id.0));
    c.goto(&page).await?;
    wait_body(c, "Opret business case").await?;

    // Keyboard only: the line's text, then Tab through its years in order; Enter saves.
    create_case_with_keyboard(c).await?;
    shot(c, "bc-1-gemt").await?;

    // Add a line: the page lands on it, its first field focused; "1,5 mio." is saved.
    assert_eq!(add_saving_line(c, "Porto", "1,5 mio.", false).await?, 2);
    let value = c
        .find(Locator::Id("line_amount_1_1"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(value.as_deref(), Some("1.500.000"));
    let first = c
        .find(Locator::Id("line_amount_0_0"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(first.as_deref(), Some("1.234.567,50"));
    shot(c, "bc-2-linje-2").await?;

    // A failed save lands on the error summary, focused.
    let cell = c.find(Locator::Id("line_amount_1_2")).await?;
    cell.send_keys("mange").await?;
    cell.send_keys(&Key::Enter.to_string()).await?;
    wait_url(c, "#bc-fejl").await?;
    assert_eq!(focused(c).await?, "bc-fejl");
    assert!(in_view(c, "bc-fejl").await?);
    shot(c, "bc-3-fejl").await?;
    assert_eq!(overflow(c).await?, 0, "no sideways overflow at 1366 px");

    // Phone: viewing and editing without the page overflowing sideways.
    c.set_window_size(390, 844).await?;
    c.goto(&page).await?;
    wait_body(c, "Linjer").await?;
    let over = overflow(c).await?;
    shot(c, "bc-4-telefon").await?;
    assert_eq!(over, 0, "no sideways overflow at 390 px");
    js(
        c,
        "document.getElementById('linje-2').scrollIntoView(); return true",
    )
    .await?;
    shot(c, "bc-5-telefon-linje").await?;
    holds(
        c,
        "var a = document.getElementById('line_amount_0_0').getBoundingClientRect(); \
         var b = document.getElementById('line_amount_0_1').getBoundingClientRect(); \
         return b.top > a.bottom - 1;",
        "years stacked on a phone",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_person_edits_a_business_case_in_the_grid_with_the_keyboard_and_on_a_phone() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant_for_case(&app.store, "editor").await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &t).await;
    finish(c, result, "business-case editor story").await;
}
