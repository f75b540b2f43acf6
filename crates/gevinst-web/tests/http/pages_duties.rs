//! Separation of duties on the pages: a digital agent cannot choose the gevinstejer on the
//! plan form, a large actual is shown *afventer godkendelse* on the plan page and the
//! Monday page and is not counted, the recorder gets no approve button and is refused,
//! and a second porteføljeleder approves it. Every download is audited as an export.

use crate::helpers::{add_user, get_text, login_role, post_text, row_cells};
use crate::pages_programmes::{
    actual_form, actual_path, overview_path, plan_form, plan_path, stored_plan, world,
};
use gevinst_domain::programme::ApprovalState;
use gevinst_domain::{AuditAction, EntityKind, Role};
use reqwest::StatusCode;

#[tokio::test]
async fn a_digital_agent_cannot_choose_the_owner_on_the_plan_form() {
    let (app, t, f) = world("ejer").await;
    let (c, csrf) = login_role(&app, "ejer", Role::DigitalAgent).await;
    let stored = stored_plan(&app, &t, &f).await;
    let v = stored.version.to_string();
    let me = t.user(Role::DigitalAgent).id.0.to_string();
    let edit = format!("{}/rediger", plan_path(&f));
    // The form shows the agent the owner without a choice ...
    let (status, form) = get_text(&c, &app, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!form.contains("name=\"benefits[0].owner\">"));
    assert!(form.contains("type=\"hidden\" name=\"benefits[0].owner\""));
    // ... and a leder of the unit the choice.
    let (leder, _) = login_role(&app, "ejer", Role::Leder).await;
    let (_, form) = get_text(&leder, &app, &edit).await;
    assert!(form.contains("<select id=\"benefits-0-owner\" name=\"benefits[0].owner\">"));
    // Sending an owner anyway is refused.
    let (status, html) = post_text(&c, &app, &edit, &plan_form(&csrf, &v, &me, "Porto")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(
        "Kun en leder af enheden, porteføljelederen eller en administrator kan vælge gevinstejer."
    ));
    let after = stored_plan(&app, &t, &f).await;
    assert_eq!(after.version, stored.version);
    assert_eq!(after.plan.benefits[0].owner, Some(t.user(Role::Leder).id));
    // With the owner left as it is, the agent's KPI edit is saved.
    let owner = t.user(Role::Leder).id.0.to_string();
    let (status, _) = post_text(&c, &app, &edit, &plan_form(&csrf, &v, &owner, "Porto")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_large_actual_waits_for_a_second_portefoljeleder() {
    let (app, t, f) = world("fireoejne").await;
    // The porteføljeleder records 5 mio. kr. on the plan page.
    let (pl, pl_csrf) = login_role(&app, "fireoejne", Role::Portefoljeleder).await;
    let res = pl
        .post(app.url(&actual_path(&f)))
        .form(&actual_form(&pl_csrf, "2026", "5.000.000", ""))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().expect("location");
    assert!(location.ends_with("?besked=afventer"), "{location}");
    let (_, html) = get_text(&pl, &app, location).await;
    assert!(html.contains("afventer godkendelse"));
    let actuals = app
        .store
        .list_actuals(t.tenant.id, f.potential)
        .await
        .expect("actuals");
    assert_eq!(actuals.len(), 1);
    assert_eq!(actuals[0].actual.approval, ApprovalState::Pending);
    let id = actuals[0].id;
    let cell = format!("id=\"godkendelse-{id}\"");
    let table = &html[html.find(&cell).expect("approval cell")..];
    let cell_html = &table[..table.find("</td>").expect("cell end")];
    assert!(cell_html.contains("Afventer godkendelse"));
    assert!(cell_html.contains("Beløbet er 500.000 kr. eller mere"));
    // The recorder gets no buttons, and posting anyway is refused in Danish.
    assert!(!cell_html.contains("Godkend"));
    let decide = format!("{}/maaling/{id}/godkendelse", plan_path(&f));
    let approve = [("_csrf", pl_csrf.as_str()), ("decision", "approve")];
    let (status, html) = post_text(&pl, &app, &decide, &approve).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Du kan ikke selv godkende en måling, du har registreret."));

    // The Monday page lists it apart and does not count it.
    let (_, overview) = get_text(&pl, &app, &overview_path(&f)).await;
    assert!(overview.contains("Målinger der afventer godkendelse (1)"));
    assert_eq!(
        row_cells(&overview, "Realiseret"),
        ["0 kr.", "0 kr.", "0 kr."]
    );
    assert_eq!(
        row_cells(&overview, "Afventer godkendelse (ikke talt med)"),
        ["0 kr.", "5.000.000 kr.", "0 kr."]
    );

    // The owner (a leder) may not approve.
    let (leder, leder_csrf) = login_role(&app, "fireoejne", Role::Leder).await;
    let (status, _) = post_text(
        &leder,
        &app,
        &decide,
        &[("_csrf", leder_csrf.as_str()), ("decision", "approve")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A second porteføljeleder sees the buttons and approves.
    add_user(&app.store, &t, Role::Portefoljeleder, "pl2").await;
    let (pl2, pl2_csrf) = app.login("fireoejne", "pl2@fireoejne.dk").await;
    let (_, html) = get_text(&pl2, &app, &plan_path(&f)).await;
    let table = &html[html.find(&cell).expect("approval cell")..];
    assert!(table[..table.find("</td>").expect("cell end")].contains("Godkend"));
    let res = pl2
        .post(app.url(&decide))
        .form(&[("_csrf", pl2_csrf.as_str()), ("decision", "approve")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&pl2, &app, &format!("{}?besked=godkendt", plan_path(&f))).await;
    assert!(html.contains("Målingen er godkendt og tæller nu med."));
    assert!(html.contains("class=\"flag-approved\">Godkendt</span>"));
    let (_, overview) = get_text(&pl2, &app, &overview_path(&f)).await;
    assert!(!overview.contains("Målinger der afventer godkendelse"));
    assert_eq!(
        row_cells(&overview, "Realiseret"),
        ["0 kr.", "5.000.000 kr.", "0 kr."]
    );
}

/// Every download from the pages writes an Export audit entry naming what, how many rows
/// and who, and none of them changes the data version (cached forecasts stay valid).
#[tokio::test]
async fn every_download_is_audited_as_an_export() {
    let (app, t, f) = world("udtraek").await;
    let (c, _) = login_role(&app, "udtraek", Role::Laeser).await;
    let before = app.store.data_version(t.tenant.id).await.expect("version");
    let (p, pot) = (f.programme.0, f.potential.0);
    let downloads = [
        (
            "/potentialer/eksport.csv?status=besluttet".to_owned(),
            "potentials",
        ),
        ("/potentialer/eksport.xlsx".to_owned(), "potentials"),
        (
            format!("/programmer/{p}/eksport.xlsx"),
            "programme_workbook",
        ),
        (format!("/programmer/{p}/rapport"), "programme_report"),
        (
            format!("/potentialer/{pot}/gevinstplan.xlsx"),
            "benefit_plan_workbook",
        ),
        (
            format!("/potentialer/{pot}/gevinstrapport"),
            "potential_report",
        ),
    ];
    for (path, _) in &downloads {
        let res = c.get(app.url(path)).send().await.expect("GET");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    assert_eq!(
        app.store.data_version(t.tenant.id).await.expect("version"),
        before
    );
    let log = app
        .store
        .audit_for(t.tenant.id, EntityKind::Export, t.tenant.id.0)
        .await
        .expect("audit");
    assert_eq!(log.len(), downloads.len());
    let laeser = t.user(Role::Laeser).id;
    for (e, (path, what)) in log.iter().zip(&downloads) {
        assert_eq!((e.action, e.user_id), (AuditAction::Export, Some(laeser)));
        let after = |field: &str| {
            e.changes
                .iter()
                .find(|c| c.field == field)
                .map(|c| c.after.clone())
                .unwrap_or_default()
        };
        assert_eq!(after("what"), *what, "{path}");
        assert!(after("rows").is_u64(), "{path}");
    }
    // The list export names its filter and counts its rows.
    let first = &log[0].changes;
    let filter = first.iter().find(|c| c.field == "filter").expect("filter");
    assert_eq!(filter.after["status"], "besluttet");
    let rows = first.iter().find(|c| c.field == "rows").expect("rows");
    assert_eq!(rows.after, 1);
}
