//! The columns page shows a sheet's organisation columns as a unit path, lets the user
//! change its levels, and a saved mapping keeps them.

use crate::helpers::{get_text, login_role, post_form, seed_tenant, spawn_app};
use crate::pages_import::{location, selected, upload};
use gevinst_domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn the_columns_page_shows_and_changes_the_unit_path() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "sti").await;
    let (client, csrf) = login_role(&app, "sti", Role::Portefoljeleder).await;

    // Forvaltning and enhed: a path of two levels, suggested.
    let csv = "Titel;Forvaltning;Enhed\nRobot til pleje;Social og Sundhed;Hjemmeplejen\n";
    let res = upload(&client, &app, Some(&csrf), "sti.csv", csv.as_bytes()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let first = location(&res);
    let (_, html) = get_text(&client, &app, &first).await;
    assert_eq!(selected(&html, "kolonne_1"), "niveau:1");
    assert_eq!(selected(&html, "kolonne_2"), "felt:unit");
    assert!(
        html.contains("<strong>Enhedssti:</strong> Forvaltning › Enhed."),
        "{html}"
    );
    assert!(html.contains("<option value=\"niveau:2\">Enhedssti, niveau 2 (fx afdeling)</option>"));

    // "Område" is read as fagområde; here it is the forvaltning, so the user says so.
    let csv = "Titel;Område;Enhed\nVejrobot;Teknik og Miljø;Vejteamet\n";
    let res = upload(&client, &app, Some(&csrf), "omraade.csv", csv.as_bytes()).await;
    let second = location(&res);
    let (_, html) = get_text(&client, &app, &second).await;
    assert_eq!(selected(&html, "kolonne_1"), "felt:fagomraade");
    assert!(!html.contains("<strong>Enhedssti:</strong>"));
    let form = [
        ("_csrf", csrf.as_str()),
        ("kolonne_0", "felt:title"),
        ("kolonne_1", "niveau:1"),
        ("kolonne_2", "felt:unit"),
        ("gem_som", "Områder"),
    ];
    let res = post_form(&client, &app, &format!("{second}/kolonner"), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The values page offers to create the enhed under its forvaltning.
    let (_, html) = get_text(&client, &app, &location(&res)).await;
    assert!(html.contains("Teknik og Miljø › Vejteamet"), "{html}");

    // Two columns on one level is a Danish error on the page.
    let twice = [
        ("_csrf", csrf.as_str()),
        ("kolonne_0", "felt:title"),
        ("kolonne_1", "niveau:1"),
        ("kolonne_2", "niveau:1"),
    ];
    let res = post_form(&client, &app, &format!("{second}/kolonner"), &twice).await;
    let (_, html) = match res.status() {
        StatusCode::SEE_OTHER => get_text(&client, &app, &location(&res)).await,
        _ => (res.status(), res.text().await.unwrap()),
    };
    assert!(
        html.contains(
            "«Enhedssti, niveau 1 (øverst, fx forvaltning)» er valgt til 2 kolonner; vælg én."
        ),
        "{html}"
    );

    // The saved mapping keeps the level for the next file.
    let res = upload(&client, &app, Some(&csrf), "igen.csv", csv.as_bytes()).await;
    let third = location(&res);
    let res = post_form(
        &client,
        &app,
        &format!("{third}/opsaetning"),
        &[("_csrf", &csrf), ("navn", "Områder")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&client, &app, &location(&res)).await;
    assert_eq!(selected(&html, "kolonne_1"), "niveau:1");
    assert!(
        html.contains("<strong>Enhedssti:</strong> Område › Enhed."),
        "{html}"
    );
}
