//! Browser test of the import (same skip rule as `browser.rs`): a porteføljeleder uploads
//! the messy workbook of `pages_import` in headless Chromium, keeps the suggested columns,
//! lets the unknown unit be created, masks the CPR number, imports only the valid rows
//! and finds the imported potentials in the list.

use crate::browser::{browser, finish, login, wait_body, webdriver_url};
use crate::helpers::{seed_tenant, spawn_app, TestApp};
use crate::pages_import::messy_workbook;
use fantoccini::{Client, Locator};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn click(c: &Client, css: &str) -> Res {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

/// The current value of the form field at `css`.
async fn value_of(c: &Client, css: &str) -> Res<Option<String>> {
    Ok(c.find(Locator::Css(css)).await?.prop("value").await?)
}

/// Saves a screenshot to `$GEVINST_SCREENSHOTS/import-NAME.png` when that variable is set.
async fn shot(c: &Client, name: &str) -> Res {
    crate::browser::shot(c, &format!("import-{name}")).await
}

async fn story(c: &Client, app: &TestApp, file: &std::path::Path) -> Res {
    login(c, app, "portefoljeleder@delta.dk").await?;
    c.goto(&app.url("/")).await?;
    click(c, "nav a[href='/import']").await?;
    wait_body(c, "Importér potentialer").await?;
    shot(c, "1-upload").await?;
    c.find(Locator::Css("#fil"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    click(c, "form.import-upload button[type='submit']").await?;
    wait_body(c, "Vælg kolonner").await?;
    shot(c, "2-kolonner").await?;
    // The suggestion is pre-selected.
    let title = value_of(c, "#kolonne_0").await?;
    assert_eq!(title.as_deref(), Some("felt:title"));
    click(c, "form[action$='/kolonner'] button[type='submit']").await?;
    wait_body(c, "Genkend værdier").await?;
    shot(c, "3-vaerdier").await?;
    let unit = value_of(c, "#vaerdi_0").await?;
    assert_eq!(unit.as_deref(), Some("opret"));
    click(c, "form[action$='/vaerdier'] button[type='submit']").await?;
    wait_body(c, "Forhåndsvisning").await?;
    wait_body(c, "CPR-numre i filen").await?;
    shot(c, "4-forhaandsvisning").await?;
    // "Importér alle" is disabled while rows have errors.
    let all = c.find(Locator::Css("button[value='alle']")).await?;
    assert!(!all.is_enabled().await?);
    click(c, "form[action$='/maskering'] button").await?;
    wait_body(c, "CPR-numre er maskeret som XXXXXX-XXXX.").await?;
    click(c, "button[value='gyldige']").await?;
    wait_body(c, "Importen er gennemført").await?;
    wait_body(c, "Vejbump-app").await?;
    shot(c, "5-resultat").await?;
    click(c, "a[href='/potentialer']").await?;
    wait_body(c, "Robot til journalisering").await?;
    wait_body(c, "Chatbot").await?;
    Ok(())
}

#[tokio::test]
async fn a_portfolio_manager_imports_a_workbook_in_the_browser() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    seed_tenant(&app.store, "delta").await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("potentialer.xlsx");
    std::fs::write(&file, messy_workbook("delta")).expect("write workbook");
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &file).await;
    finish(c, result, "browser import story").await;
}
