//! The values page pre-selects the status a word stands for ("BC" → Business case,
//! "godkendt" → Besluttet, "På hold" → Parkeret); the user may change it, and the preview
//! lists the suggestions taken. The decisions can be saved with the column mapping and
//! come back with it.

use crate::helpers::{get_text, login_role, post_form, seed_tenant, spawn_app};
use crate::pages_import::{location, outcome, selected, upload};
use gevinst_app::import::{Importer, ValueChoice};
use gevinst_domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn the_values_page_pre_selects_status_words_and_the_preview_counts_them() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "ord").await;
    let (client, csrf) = login_role(&app, "ord", Role::Admin).await;
    let csv = "Titel;Enhed;Status;Forventet gevinst\n\
Robot til post;Hjemmeplejen;BC;100.000\n\
Chatbot;Hjemmeplejen;godkendt;200.000\n\
Skærmbesøg;Hjemmeplejen;På hold;\n";
    let res = upload(&client, &app, Some(&csrf), "ord.csv", csv.as_bytes()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/kolonner"),
        &[
            ("_csrf", &csrf),
            ("kolonne_0", "felt:title"),
            ("kolonne_1", "felt:unit"),
            ("kolonne_2", "felt:status"),
            ("kolonne_3", "felt:gain"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let (status, html) = get_text(&client, &app, &format!("{path}/vaerdier")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"raw_0\" value=\"BC\""), "{html}");
    assert!(html.contains("name=\"raw_1\" value=\"godkendt\""), "{html}");
    assert!(html.contains("name=\"raw_2\" value=\"På hold\""), "{html}");
    assert_eq!(selected(&html, "vaerdi_0"), "e:Business case");
    assert_eq!(selected(&html, "vaerdi_1"), "e:Besluttet");
    assert_eq!(selected(&html, "vaerdi_2"), "e:Parkeret");
    assert!(
        html.contains("<option value=\"e:Besluttet\" selected>Besluttet (foreslået)</option>"),
        "{html}"
    );

    // The user keeps two suggestions and changes the third.
    let res = post_form(
        &client,
        &app,
        &format!("{path}/vaerdier"),
        &[
            ("_csrf", &csrf),
            ("antal", "3"),
            ("art_0", "status"),
            ("raw_0", "BC"),
            ("vaerdi_0", "e:Business case"),
            ("art_1", "status"),
            ("raw_1", "godkendt"),
            ("vaerdi_1", "e:Besluttet"),
            ("art_2", "status"),
            ("raw_2", "På hold"),
            ("vaerdi_2", "e:Vurderet"),
            ("standard_enhed", ""),
            ("gem_vaerdier_som", "Kommunens liste"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&client, &app, &format!("{path}/forhaandsvisning")).await;
    assert_eq!(outcome(&html, 2), "ny");
    assert_eq!(outcome(&html, 3), "ny");
    assert_eq!(outcome(&html, 4), "ny");
    assert!(html.contains("<h2>Læst efter forslag (2)</h2>"), "{html}");
    assert!(
        html.contains("<li>status «BC» → Business case</li>"),
        "{html}"
    );
    assert!(
        html.contains("<li>status «godkendt» → Besluttet</li>"),
        "{html}"
    );
    assert!(!html.contains("<li>status «På hold»"), "{html}");

    // Back on the values page, the choices made stay selected.
    let (_, html) = get_text(&client, &app, &format!("{path}/vaerdier")).await;
    assert_eq!(selected(&html, "vaerdi_1"), "e:Besluttet");
    assert_eq!(selected(&html, "vaerdi_2"), "e:Vurderet");

    // The decisions were saved with the columns under the name given, in the format the
    // CLI reads (`gevinst import --mapping "Kommunens liste"`).
    let app_ = gevinst_app::App::new(app.store.clone());
    let (setup, _) = app_
        .import()
        .load_setup(Importer::Operator(&t.tenant), "Kommunens liste")
        .await
        .expect("saved setup");
    assert_eq!(setup.columns.len(), 4);
    let decided: Vec<(&str, &ValueChoice)> = setup
        .values
        .iter()
        .map(|d| (d.raw.as_str(), &d.choice))
        .collect();
    let existing = |n: &str| ValueChoice::Existing { name: n.into() };
    assert_eq!(
        decided,
        vec![
            ("BC", &existing("Business case")),
            ("godkendt", &existing("Besluttet")),
            ("På hold", &existing("Vurderet")),
        ]
    );

    // The next file, with the saved mapping applied, gets the saved decisions selected.
    let res = upload(&client, &app, Some(&csrf), "ord2.csv", csv.as_bytes()).await;
    let next = location(&res);
    let res = post_form(
        &client,
        &app,
        &format!("{next}/opsaetning"),
        &[("_csrf", &csrf), ("navn", "Kommunens liste")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&client, &app, &format!("{next}/vaerdier")).await;
    assert_eq!(selected(&html, "vaerdi_0"), "e:Business case");
    assert_eq!(selected(&html, "vaerdi_2"), "e:Vurderet");
}
