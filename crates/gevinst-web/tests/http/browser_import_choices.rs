//! Browser test of the preview's row choices (same skip rule as `browser.rs`): a
//! porteføljeleder ticks «Importér alligevel» for a possible duplicate, keeps the suggested
//! reason for the parked row, and imports every row.

use crate::browser::{browser, finish, login, wait_body, webdriver_url};
use crate::helpers::{seed_tenant, spawn_app, TestApp};
use crate::pages_import_choices::CHOICES_CSV;
use fantoccini::{Client, Locator};
use gevinst_domain::{PotentialQuery, Status};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn click(c: &Client, css: &str) -> Res {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn story(c: &Client, app: &TestApp, file: &std::path::Path) -> Res {
    login(c, app, "portefoljeleder@epsilon.dk").await?;
    c.goto(&app.url("/import")).await?;
    wait_body(c, "Importér potentialer").await?;
    c.find(Locator::Css("#fil"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    click(c, "form.import-upload button[type='submit']").await?;
    wait_body(c, "Vælg kolonner").await?;
    click(c, "form[action$='/kolonner'] button[type='submit']").await?;
    wait_body(c, "Genkend værdier").await?;
    click(c, "form[action$='/vaerdier'] button[type='submit']").await?;
    wait_body(c, "Forhåndsvisning").await?;
    wait_body(c, "Mulige dubletter").await?;
    crate::browser::shot(c, "import-valg-1-foer").await?;
    // The reason field offers the suggested text; the duplicate is skipped until ticked.
    let reason = c
        .find(Locator::Css("#begrundelse"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        reason.as_deref(),
        Some("Importeret fra regneark uden begrundelse")
    );
    let all = c.find(Locator::Css("button[value='alle']")).await?;
    assert!(!all.is_enabled().await?, "row 3 blocks «Importér alle»");
    click(c, "input[name='behold'][value='4']").await?;
    click(c, "form#import-valg button[type='submit']").await?;
    wait_body(c, "importeres som nyt potentiale efter dit valg").await?;
    crate::browser::shot(c, "import-valg-2-efter").await?;
    let checked = c
        .find(Locator::Css("input[name='behold'][value='4']"))
        .await?
        .prop("checked")
        .await?;
    assert_eq!(checked.as_deref(), Some("true"));
    click(c, "button[value='alle']").await?;
    wait_body(c, "Importen er gennemført").await?;
    crate::browser::shot(c, "import-valg-3-resultat").await?;
    Ok(())
}

#[tokio::test]
async fn a_possible_duplicate_is_kept_and_one_reason_given_in_the_browser() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "epsilon").await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("liste.csv");
    std::fs::write(&file, CHOICES_CSV).expect("write file");
    let profile = tempfile::tempdir().expect("profile dir");
    let c = browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = story(&c, &app, &file).await;
    finish(c, result, "browser import choices").await;
    let q = PotentialQuery {
        per_page: 100,
        ..Default::default()
    };
    let items = app
        .store
        .list_potentials(t.tenant.id, &q)
        .await
        .expect("list")
        .items;
    assert_eq!(items.len(), 4);
    let parked = items.iter().find(|p| p.status == Status::Parkeret).unwrap();
    let history = app
        .store
        .status_history(t.tenant.id, parked.id)
        .await
        .unwrap();
    assert_eq!(
        history[0].reason.as_deref(),
        Some("Importeret fra regneark uden begrundelse")
    );
}
