//! Browser test of measurements as tasks, keyboard only (see `browser.rs` for how it is
//! run and skipped): the benefit owner opens the årshjul, tabs to the overdue Porto
//! measurement, opens the pre-filled form with Enter, types the amount and submits with
//! Enter; the årshjul then shows it as recorded. Recording it again asks first, and the
//! focused "Ret den eksisterende måling" corrects it.

use crate::browser::{browser, finish, login, wait_body, webdriver_url};
use crate::helpers::{seed_programme, seed_tenant, spawn_app, ProgrammeFixture, TestApp};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Presses Tab until the focused element satisfies `wanted` (its id, href and text), at
/// most 80 times.
async fn tab_to(c: &Client, what: &str, wanted: impl Fn(&str, &str, &str) -> bool) -> Res {
    for _ in 0..80 {
        let e = c.active_element().await?;
        let id = e.attr("id").await?.unwrap_or_default();
        let href = e.attr("href").await?.unwrap_or_default();
        let text = e.text().await.unwrap_or_default();
        if wanted(&id, &href, &text) {
            return Ok(());
        }
        e.send_keys(&Key::Tab.to_string()).await?;
    }
    Err(format!("Tab never reached {what}").into())
}

async fn press(c: &Client, key: Key) -> Res {
    c.active_element()
        .await?
        .send_keys(&key.to_string())
        .await?;
    Ok(())
}

async fn type_text(c: &Client, text: &str) -> Res {
    c.active_element().await?.send_keys(text).await?;
    Ok(())
}

/// Opens the årshjul of `year` (with the query `filters`, e.g. `&enhed=3`, or none), tabs
/// to the measurement whose link contains `link` and opens its pre-filled form with Enter.
pub(crate) async fn open_from_aarshjul(
    c: &Client,
    app: &TestApp,
    (year, filters): (i32, &str),
    link: &str,
) -> Res {
    c.goto(&app.url(&format!("/aarshjul?aar={year}{filters}")))
        .await?;
    wait_body(c, &format!("Årshjul {year}")).await?;
    tab_to(c, &format!("the measurement at {link}"), |_, href, _| {
        href.contains(link)
    })
    .await?;
    press(c, Key::Enter).await?;
    wait_body(c, "Registrér måling").await
}

/// Types `amount` into the form's field `field` (e.g. `kr`) and submits with Enter, all
/// by keyboard.
pub(crate) async fn submit_amount(c: &Client, field: &str, amount: &str) -> Res {
    tab_to(c, &format!("the {field} field"), |id, _, _| id == field).await?;
    type_text(c, amount).await?;
    tab_to(c, "the submit button", |_, _, text| {
        text == "Registrér måling"
    })
    .await?;
    press(c, Key::Enter).await
}

async fn story(c: &Client, app: &TestApp, f: &ProgrammeFixture) -> Res {
    login(c, app, "leder@hjulet.dk").await?;
    let link = format!(
        "/potentialer/{}/gevinstplan?linje=1&periode=2025",
        f.potential.0
    );
    open_from_aarshjul(c, app, (2025, ""), &link).await?;
    let line = c.find(Locator::Css("select#line")).await?;
    assert_eq!(line.prop("value").await?.as_deref(), Some("1"));
    let period = c.find(Locator::Css("#period")).await?;
    assert_eq!(period.prop("value").await?.as_deref(), Some("2025"));
    // Porto is measured in kr.: hours are folded away.
    assert!(!c.find(Locator::Css("#hours")).await?.is_displayed().await?);
    submit_amount(c, "kr", "50.000").await?;
    wait_body(c, "Målingen er registreret.").await?;

    c.goto(&app.url("/aarshjul?aar=2025&status=done")).await?;
    wait_body(c, "1 registreret").await?;
    let done = c.find(Locator::Css("#aarshjul .flag-done")).await?;
    assert_eq!(done.text().await?, "Registreret");

    // The same measurement again: the form asks first, with the correction focused.
    c.goto(&app.url(&link)).await?;
    wait_body(c, "Registrér måling").await?;
    submit_amount(c, "kr", "45.000").await?;
    wait_body(c, "Der er allerede en måling for denne gevinst og periode").await?;
    let focused = c.active_element().await?.text().await?;
    assert_eq!(focused, "Ret den eksisterende måling");
    press(c, Key::Enter).await?;
    wait_body(c, "Rettelsen er registreret.").await?;
    Ok(())
}

#[tokio::test]
async fn owner_records_a_measurement_from_the_aarshjul_with_the_keyboard_only() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "hjulet").await;
    let f = seed_programme(&app.store, &t).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &f).await;
    finish(c, result, "keyboard measurement story").await;
}
