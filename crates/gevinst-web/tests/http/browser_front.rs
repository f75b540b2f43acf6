//! Browser test of the front page (see `browser.rs` for how it is run and skipped), at a
//! laptop's 1366×900 and a phone's 390×844: the porteføljeleder's forecast is filled in by
//! the page's script (it was not cached), a traffic light's unit and a figure drill down to
//! the list and the programme page, nothing overflows sideways on the phone, and the
//! leder's "Registrér" opens the measurement form of the plan.

use crate::browser::{browser, finish, login, wait_body, webdriver_url};
use crate::helpers::{
    seed_programme, seed_tenant, spawn_app, ProgrammeFixture, SeededTenant, TestApp,
};
use fantoccini::{Client, Locator};

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The two window sizes of the issue: a laptop and a phone.
const SIZES: [(u32, u32, &str); 2] = [(1366, 900, "laptop"), (390, 844, "telefon")];

/// A screenshot at the current size when `GEVINST_SCREENSHOTS` is set.
async fn shot(c: &Client, name: &str) -> Res {
    crate::browser::shot(c, &format!("forside-{name}")).await
}

/// Fails if the page is wider than the window (sideways scrolling).
async fn assert_no_sideways_overflow(c: &Client, what: &str) -> Res {
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await?;
    let pair: Vec<i64> = serde_json::from_value(widths)?;
    if pair[0] > pair[1] {
        return Err(format!(
            "{what}: the page is {} px wide in a {} px window",
            pair[0], pair[1]
        )
        .into());
    }
    Ok(())
}

async fn click(c: &Client, css: &str) -> Res {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn portfolio(c: &Client, app: &TestApp, t: &SeededTenant, f: &ProgrammeFixture) -> Res {
    login(c, app, "portefoljeleder@foran.dk").await?;
    let id = f.programme.0;
    for (w, h, name) in SIZES {
        c.set_window_size(w, h).await?;
        c.goto(&app.url("/")).await?;
        // Not cached on the first load: the script fills it in from the fragment.
        wait_body(c, "Sandsynligheden for at nå målene ifølge prognosen").await?;
        wait_body(c, "Målet på 100.000 kr. i 2027").await?;
        assert_no_sideways_overflow(c, &format!("front page, {name}")).await?;
        shot(c, &format!("portefoljeleder-{name}")).await?;

        // Drill down from a traffic light to the unit's list.
        let unit = t.forvaltning.id;
        click(
            c,
            &format!("table.lights a[href='/potentialer?unit={unit}']"),
        )
        .await?;
        wait_body(c, "Robot til journalisering").await?;
        let url = c.current_url().await?;
        assert!(
            url.as_str().ends_with(&format!("/potentialer?unit={unit}")),
            "{url}"
        );
        assert_no_sideways_overflow(c, &format!("list, {name}")).await?;

        // And from a figure to the programme page's table behind it.
        c.back().await?;
        wait_body(c, "Realiseret mod mål").await?;
        click(
            c,
            &format!("#forside-{id}-kr a[href='/programmer/{id}#aar-kr']"),
        )
        .await?;
        wait_body(c, "År for år").await?;
        let url = c.current_url().await?;
        assert!(
            url.as_str().ends_with(&format!("/programmer/{id}#aar-kr")),
            "{url}"
        );
    }
    Ok(())
}

async fn leder(c: &Client, app: &TestApp, f: &ProgrammeFixture) -> Res {
    login(c, app, "leder@foran.dk").await?;
    for (w, h, name) in SIZES {
        c.set_window_size(w, h).await?;
        c.goto(&app.url("/")).await?;
        wait_body(c, "Mine målinger").await?;
        assert_no_sideways_overflow(c, &format!("leder's front page, {name}")).await?;
        shot(c, &format!("leder-{name}")).await?;
        click(c, "table.tasks a.record").await?;
        wait_body(c, "Registrér måling").await?;
        let url = c.current_url().await?;
        assert!(
            url.as_str().contains(&format!(
                "/potentialer/{}/gevinstplan?linje=",
                f.potential.0
            )),
            "{url}"
        );
        assert!(url.as_str().ends_with("#registrer-titel"), "{url}");
    }
    Ok(())
}

#[tokio::test]
async fn front_page_drills_down_and_fits_a_phone() {
    let Some(url) = webdriver_url() else { return };
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "foran").await;
    let f = seed_programme(&app.store, &t).await;
    for who in ["portefoljeleder", "leder"] {
        let profile = tempfile::tempdir().expect("profile dir");
        let c = browser(&url, profile.path())
            .await
            .expect("start Chromium through WebDriver");
        let result = match who {
            "portefoljeleder" => portfolio(&c, &app, &t, &f).await,
            _ => leder(&c, &app, &f).await,
        };
        finish(c, result, &format!("front page as {who}")).await;
    }
}
