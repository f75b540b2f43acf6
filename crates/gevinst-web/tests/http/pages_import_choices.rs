//! The import preview's choices for single rows: a possible duplicate under another number
//! is skipped unless the user ticks «Importér alligevel», and one reason serves every row
//! whose status needs one. An «Ansvarlig» who is no user becomes the contact person, shown
//! and editable on the potential's page and in the API.

use crate::helpers::{get_text, login_role, post_form, seed_tenant, spawn_app};
use crate::pages_import::{location, outcome, row_text, upload};
use gevinst_domain::{PotentialQuery, Role, Status};
use reqwest::StatusCode;

/// Rows 2 and 4 are one potential under two numbers; row 3 is parked without a reason.
pub(crate) const CHOICES_CSV: &str = "Nr.;Titel;Enhed;Status;Ansvarlig\r\n\
A1;Robot til visitation;Hjemmeplejen;Idé;Jens Hansen\r\n\
A2;Skærmbesøg om natten;Hjemmeplejen;Parkeret;\r\n\
A3;robot til  Visitation;Hjemmeplejen;Idé;\r\n";

#[tokio::test]
async fn the_preview_keeps_a_possible_duplicate_and_gives_one_reason() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "valg").await;
    let (client, csrf) = login_role(&app, "valg", Role::Portefoljeleder).await;
    let res = upload(
        &client,
        &app,
        Some(&csrf),
        "liste.csv",
        CHOICES_CSV.as_bytes(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let preview = format!("{path}/forhaandsvisning");
    let (status, html) = get_text(&client, &app, &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(outcome(&html, 2), "ny");
    assert_eq!(outcome(&html, 3), "fejl");
    assert_eq!(outcome(&html, 4), "dublet");
    assert!(
        row_text(&html, 3).contains("Rækken har status «Parkeret», som kræver en begrundelse"),
        "{}",
        row_text(&html, 3)
    );
    assert!(row_text(&html, 4).contains("Mulig dublet af række 2"));
    // One choice per possible duplicate, and the reason field with the suggested text.
    assert!(html.contains(
        "<input type=\"checkbox\" name=\"behold\" value=\"4\" form=\"import-valg\"> Importér alligevel"
    ));
    assert!(html.contains("value=\"Importeret fra regneark uden begrundelse\""));

    let res = post_form(
        &client,
        &app,
        &format!("{path}/valg"),
        &[
            ("_csrf", &csrf),
            ("behold", "4"),
            ("begrundelse", "Afventer ny leverandør"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), preview);
    let (_, html) = get_text(&client, &app, &preview).await;
    assert_eq!(outcome(&html, 3), "ny");
    assert_eq!(outcome(&html, 4), "ny");
    assert!(row_text(&html, 4).contains("Mulig dublet af række 2; importeres som nyt potentiale"));
    assert!(html.contains("value=\"4\" form=\"import-valg\" checked>"));
    assert!(html.contains("value=\"Afventer ny leverandør\""));

    // Without the token the choice is refused.
    let res = post_form(&client, &app, &format!("{path}/valg"), &[("behold", "4")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "alle")],
    )
    .await;
    assert!(res.status().is_success() || res.status() == StatusCode::SEE_OTHER);
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
    assert_eq!(items.len(), 4, "the seeded potential and three imported");
    let parked = items
        .iter()
        .find(|p| p.status == Status::Parkeret)
        .expect("parked");
    let history = app
        .store
        .status_history(t.tenant.id, parked.id)
        .await
        .expect("history");
    assert_eq!(history[0].reason.as_deref(), Some("Afventer ny leverandør"));

    // The contact person: on the page, in the edit form and in the API.
    let robot = items
        .iter()
        .find(|p| p.title == "Robot til visitation")
        .expect("robot");
    assert_eq!(robot.contact_name.as_deref(), Some("Jens Hansen"));
    let (_, page) = get_text(&client, &app, &format!("/potentialer/{}", robot.id)).await;
    assert!(page.contains("Kontaktperson"), "{page}");
    assert!(page.contains(
        "id=\"contact_name\" name=\"contact_name\" maxlength=\"200\" value=\"Jens Hansen\""
    ));
    let res = app
        .api_get(
            t.token(Role::Portefoljeleder),
            &format!("/api/v1/potentials/{}", robot.id),
        )
        .await;
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["contact_name"], "Jens Hansen", "{body}");
}
