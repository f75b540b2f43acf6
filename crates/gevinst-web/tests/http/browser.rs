//! Browser tests: headless Chromium, driven over WebDriver (ChromeDriver), uses the real
//! server like a person would: log in through the form, submit an idea, move it through
//! statuses, find it in the filtered list and read its history. Also checks the keyboard
//! focus order of the login form.
//!
//! Needs `GEVINST_WEBDRIVER_URL` (e.g. `http://127.0.0.1:9515`, from `chromedriver
//! --port=9515`). Without it the test prints "skipped: no WebDriver" and passes, unless
//! `GEVINST_REQUIRE_BROWSER=1` or `CI` is set: then it fails, so CI cannot skip it silently.
//! `GEVINST_CHROMIUM` overrides the browser binary (default `/usr/bin/chromium`).

use crate::helpers::{seed_tenant, spawn_app, TestApp, PASSWORD};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use gevinst_domain::Role;
use std::time::{Duration, Instant};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The WebDriver URL, or `None` when the test may be skipped.
pub(crate) fn webdriver_url() -> Option<String> {
    match std::env::var("GEVINST_WEBDRIVER_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u.trim().to_owned()),
        _ => {
            let required = std::env::var("GEVINST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
                || std::env::var_os("CI").is_some();
            assert!(
                !required,
                "GEVINST_WEBDRIVER_URL is not set, but browser tests are required (GEVINST_REQUIRE_BROWSER=1 or CI)"
            );
            println!(
                "skipped: no WebDriver (set GEVINST_WEBDRIVER_URL, e.g. http://127.0.0.1:9515)"
            );
            eprintln!(
                "skipped: no WebDriver (set GEVINST_WEBDRIVER_URL, e.g. http://127.0.0.1:9515)"
            );
            None
        }
    }
}

/// Starts a headless Chromium session with a fresh profile in `profile`.
pub(crate) async fn browser(url: &str, profile: &std::path::Path) -> Res<Client> {
    let binary =
        std::env::var("GEVINST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--no-first-run".to_owned(),
        "--window-size=1280,1000".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": binary, "args": args }),
    );
    Ok(ClientBuilder::native()
        .capabilities(caps)
        .connect(url)
        .await?)
}

/// Waits until the element at `css` has exactly `text` (the page may still be loading).
async fn wait_text(c: &Client, css: &str, text: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.trim() == text {
                    return Ok(());
                }
                last = t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out waiting for {css:?} to read {text:?}; last saw {last:?}").into())
}

/// Waits until the page's text contains `needle`.
pub(crate) async fn wait_body(c: &Client, needle: &str) -> Res {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(body) = c.find(Locator::Css("body")).await {
            if body.text().await.is_ok_and(|t| t.contains(needle)) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out waiting for the page to show {needle:?}").into())
}

/// Saves a screenshot to `$GEVINST_SCREENSHOTS/NAME.png` when that variable is set (for
/// looking at the pages; the test does not compare images).
/// Shows the forecast on a programme page: clicks "Beregn prognose" when the page offers
/// it, and then waits for the fan chart. The front page may already have computed and
/// cached the forecast (its script fills in the chances), and then the programme page
/// shows it straight away, without the button.
pub(crate) async fn show_forecast(c: &Client) -> Res {
    if let Ok(button) = c
        .find(Locator::XPath(
            "//button[normalize-space()='Beregn prognose']",
        ))
        .await
    {
        button.click().await?;
    }
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("svg.fan-chart"))
        .await?;
    wait_body(c, "Sandsynlighed for at nå målet").await
}

pub(crate) async fn shot(c: &Client, name: &str) -> Res {
    if let Some(dir) = std::env::var_os("GEVINST_SCREENSHOTS") {
        let png = c.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png)?;
    }
    Ok(())
}

async fn fill(c: &Client, css: &str, text: &str) -> Res {
    let e = c.find(Locator::Css(css)).await?;
    e.clear().await?;
    e.send_keys(text).await?;
    Ok(())
}

async fn id_of_focused(c: &Client) -> Res<String> {
    Ok(c.active_element()
        .await?
        .attr("id")
        .await?
        .unwrap_or_default())
}

/// Ends a browser story: on failure prints the page source, then closes the browser and
/// panics with "`what` failed: …" if the story failed.
pub(crate) async fn finish(c: Client, result: Res, what: &str) {
    if result.is_err() {
        if let Ok(src) = c.source().await {
            eprintln!("page at failure:\n{src}");
        }
    }
    let _ = c.close().await;
    if let Err(e) = result {
        panic!("{what} failed: {e}");
    }
}

/// Tabs through the login form and logs in.
pub(crate) async fn login(c: &Client, app: &TestApp, email: &str) -> Res {
    c.goto(&app.url("/login")).await?;
    wait_text(c, "h1", "Log ind").await?;
    // Keyboard: the skip link comes first, then e-mail → password → the button.
    c.find(Locator::Css("#email")).await?.click().await?;
    assert_eq!(id_of_focused(c).await?, "email");
    c.active_element()
        .await?
        .send_keys(&Key::Tab.to_string())
        .await?;
    assert_eq!(
        id_of_focused(c).await?,
        "password",
        "Tab goes from e-mail to password"
    );
    c.active_element()
        .await?
        .send_keys(&Key::Tab.to_string())
        .await?;
    let focused = c.active_element().await?;
    assert_eq!(
        focused.prop("type").await?.as_deref(),
        Some("submit"),
        "then to the login button"
    );
    fill(c, "#email", email).await?;
    fill(c, "#password", PASSWORD).await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    wait_text(c, "h1", "Oversigt").await?;
    shot(c, "1-oversigt").await
}

pub(crate) async fn change_status(
    c: &Client,
    value: &str,
    reason: Option<&str>,
    badge: &str,
) -> Res {
    c.find(Locator::Css("#status"))
        .await?
        .select_by_value(value)
        .await?;
    if let Some(r) = reason {
        fill(c, "#reason", r).await?;
    }
    c.find(Locator::Css(
        "form[action$='/status'] button[type='submit']",
    ))
    .await?
    .click()
    .await?;
    wait_text(c, ".potential-head .badge", badge).await?;
    wait_text(c, ".alert.ok", "Status er ændret.").await
}

async fn story(c: &Client, app: &TestApp, unit_id: i64) -> Res {
    login(
        c,
        app,
        &format!("{}@alfa.dk", Role::Portefoljeleder.as_str()),
    )
    .await?;

    // Submit an idea.
    c.find(Locator::LinkText("Ny idé")).await?.click().await?;
    wait_text(c, "h1", "Ny idé").await?;
    c.find(Locator::Css("form.potential-form button[type='submit']"))
        .await?
        .click()
        .await?;
    wait_text(c, "#title-fejl", "Titlen skal udfyldes.").await?;
    shot(c, "2-ny-fejl").await?;
    fill(c, "#title", "Chatbot til brugere af bibliotekerne").await?;
    fill(
        c,
        "#description",
        "Mange spørgsmål om åbningstider.\nEn chatbot kan svare døgnet rundt.",
    )
    .await?;
    c.find(Locator::Css("#unit_id"))
        .await?
        .select_by_value(&unit_id.to_string())
        .await?;
    fill(c, "#tags", "chatbot, borgerservice").await?;
    c.find(Locator::Css("form.potential-form button[type='submit']"))
        .await?
        .click()
        .await?;
    wait_text(c, ".alert.ok", "Idéen er oprettet.").await?;
    wait_text(c, "h1", "Chatbot til brugere af bibliotekerne").await?;

    // Move it through the lifecycle; rejecting without a reason is refused.
    change_status(c, "vurderet", None, "Vurderet").await?;
    c.find(Locator::Css("#status"))
        .await?
        .select_by_value("afvist")
        .await?;
    c.find(Locator::Css(
        "form[action$='/status'] button[type='submit']",
    ))
    .await?
    .click()
    .await?;
    wait_text(
        c,
        "#reason-fejl",
        "Skriv en begrundelse, når status ændres til afvist.",
    )
    .await?;
    shot(c, "3-statusfejl").await?;
    let reason = c.find(Locator::Css("#reason")).await?;
    assert_eq!(reason.attr("aria-invalid").await?.as_deref(), Some("true"));
    change_status(c, "business_case", None, "Business case").await?;
    // No business case: deciding needs a reason (the lifecycle rule of issue 11).
    change_status(c, "besluttet", Some("Lovkrav fra 2026"), "Besluttet").await?;
    change_status(c, "parkeret", Some("Afventer budget 2027"), "Parkeret").await?;

    // Find it in the list by status and text.
    c.find(Locator::LinkText("Potentialer"))
        .await?
        .click()
        .await?;
    wait_text(c, "h1", "Potentialer").await?;
    c.find(Locator::Css("select#status"))
        .await?
        .select_by_value("parkeret")
        .await?;
    fill(c, "#q", "bibliotekerne").await?;
    c.find(Locator::Css("form.filters button[type='submit']"))
        .await?
        .click()
        .await?;
    wait_body(c, "1 potentiale matcher filtrene").await?;
    let url = c.current_url().await?;
    assert!(
        url.as_str().contains("status=parkeret") && url.as_str().contains("q=bibliotekerne"),
        "{url}"
    );
    let status_filter = c.find(Locator::Css("select#status")).await?;
    assert_eq!(
        status_filter.prop("value").await?.as_deref(),
        Some("parkeret"),
        "the filter is kept"
    );
    shot(c, "5-liste").await?;
    c.find(Locator::LinkText("Chatbot til brugere af bibliotekerne"))
        .await?
        .click()
        .await?;
    wait_text(c, "h1", "Chatbot til brugere af bibliotekerne").await?;

    // The history shows every change, who made it and why.
    let history = c
        .find(Locator::Css("section.history"))
        .await?
        .text()
        .await?;
    for needle in [
        "Vurderet",
        "Business case",
        "Besluttet",
        "Parkeret",
        "Afventer budget 2027",
        "Porteføljeleder alfa",
    ] {
        assert!(
            history.contains(needle),
            "history lacks {needle:?}: {history}"
        );
    }
    shot(c, "4-potentiale").await?;
    let rows = c
        .find_all(Locator::Css("table.status-history tbody tr"))
        .await?;
    assert_eq!(rows.len(), 4, "four status changes");

    // A search that matches nothing says so.
    c.goto(&app.url("/potentialer?status=ide&q=bibliotekerne"))
        .await?;
    wait_body(c, "Ingen potentialer matcher").await?;

    // On a phone-sized window the list still works (the table turns into cards).
    c.set_window_size(390, 844).await?;
    c.goto(&app.url("/potentialer")).await?;
    wait_text(c, "h1", "Potentialer").await?;
    shot(c, "6-telefon-liste").await?;
    c.find(Locator::LinkText("Chatbot til brugere af bibliotekerne"))
        .await?
        .click()
        .await?;
    wait_text(c, "h1", "Chatbot til brugere af bibliotekerne").await?;
    shot(c, "7-telefon-potentiale").await?;
    Ok(())
}

#[tokio::test]
async fn a_person_submits_an_idea_and_follows_it_through_the_lifecycle() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, t.enhed.id.0).await;
    finish(c, result, "browser story").await;
}
