//! The list's bulk status change to besluttet follows the lifecycle rule of one
//! potential's status form: rows without a business case need a reason, recorded as
//! «Besluttet uden business case: …». Without it the action is refused as a whole (422,
//! the page asks for the reason and keeps the selection; the app's error is field
//! `reason`, code `business_case_required`), and no row changes.

use crate::helpers::*;
use gevinst_domain::business_case::BusinessCaseDraft;
use gevinst_domain::{PotentialDraft, PotentialId, Role, Status};
use reqwest::StatusCode;

/// A potential `title` at status business case in `enhed`, with the business case of
/// [`fixture_case`] when `with_case`.
async fn at_business_case(
    app: &TestApp,
    t: &SeededTenant,
    title: &str,
    with_case: bool,
) -> PotentialId {
    let draft = PotentialDraft {
        title: title.into(),
        description: "Beskrivelse.".into(),
        unit_id: Some(t.enhed.id),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid");
    let id = app
        .store
        .create_potential(t.tenant.id, None, &valid, Status::BusinessCase, None)
        .await
        .expect("potential")
        .id;
    if with_case {
        let admin = gevinst_app::App::new(app.store.clone())
            .auth()
            .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
            .await
            .expect("admin");
        let case: BusinessCaseDraft = serde_json::from_value(fixture_case()).expect("case");
        gevinst_app::App::new(app.store.clone())
            .business_cases()
            .put(&admin, id, None, &case)
            .await
            .expect("business case");
    }
    id
}

#[tokio::test]
async fn bulk_besluttet_asks_for_the_reason_rows_without_a_case_need() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "besluttet").await;
    let with = at_business_case(&app, &t, "Robot med business case", true).await;
    let without = at_business_case(&app, &t, "Chatbot uden business case", false).await;
    let (client, csrf) = login_role(&app, "besluttet", Role::Portefoljeleder).await;
    let (w, wo) = (with.0.to_string(), without.0.to_string());
    let status_of = |id: PotentialId| {
        let store = app.store.clone();
        let tenant = t.tenant.id;
        async move { store.potential(tenant, id).await.expect("potential").status }
    };

    // No reason: refused as a whole, the page asks for it and keeps the selection.
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "besluttet"),
            ("back", "q=robot"),
            ("id", &w),
            ("id", &wo),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Begrundelse mangler"), "{page}");
    assert!(page.contains(
        "1 af de valgte potentialer har ingen business case: «Chatbot uden business case»."
    ));
    assert!(page.contains("Ingen status er ændret."));
    assert!(!page.contains("«Robot med business case»"));
    assert!(page.contains("<textarea id=\"bulk_reason\" name=\"reason\""));
    assert!(page.contains("aria-invalid=\"true\""));
    for id in [&w, &wo] {
        assert!(page.contains(&format!(
            "<input type=\"hidden\" name=\"id\" value=\"{id}\">"
        )));
    }
    assert!(page.contains("name=\"status\" value=\"besluttet\""));
    assert!(page.contains("name=\"back\" value=\"q=robot\""));
    assert_eq!(status_of(with).await, Status::BusinessCase);
    assert_eq!(status_of(without).await, Status::BusinessCase);

    // A blank reason is no reason.
    let (status, _) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "besluttet"),
            ("reason", "   "),
            ("id", &wo),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(without).await, Status::BusinessCase);

    // The app's refusal is machine-readable.
    let pl = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Portefoljeleder), chrono::Utc::now(), None)
        .await
        .expect("porteføljeleder");
    let err = gevinst_app::App::new(app.store.clone())
        .potentials()
        .bulk_status(&pl, &[with, without], Status::Besluttet, None)
        .await
        .expect_err("refused");
    match err {
        gevinst_app::AppError::Invalid(f) => {
            assert_eq!(f.0.len(), 1);
            assert_eq!(f.0[0].field, "reason");
            assert_eq!(f.0[0].code, "business_case_required");
        }
        other => panic!("expected a field error, got {other:?}"),
    }

    // With the reason: both are decided; the row without a case records why.
    let (status, page) = post_text(
        &client,
        &app,
        "/potentialer/masse",
        &[
            ("_csrf", &csrf),
            ("action", "status"),
            ("status", "besluttet"),
            ("reason", "Politisk prioriteret i budgetaftalen"),
            ("id", &w),
            ("id", &wo),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>2</strong> af 2 potentialer er ændret."));
    let last_reason = |id: PotentialId| {
        let store = app.store.clone();
        let tenant = t.tenant.id;
        async move {
            let h = store.status_history(tenant, id).await.expect("history");
            h.last().expect("a change").reason.clone()
        }
    };
    assert_eq!(status_of(with).await, Status::Besluttet);
    assert_eq!(status_of(without).await, Status::Besluttet);
    assert_eq!(
        last_reason(with).await.as_deref(),
        Some("Politisk prioriteret i budgetaftalen")
    );
    assert_eq!(
        last_reason(without).await.as_deref(),
        Some("Besluttet uden business case: Politisk prioriteret i budgetaftalen")
    );

    // The list's form names the case.
    let (_, list) = get_text(&client, &app, "/potentialer").await;
    assert!(list.contains("Begrundelse (afvist, parkeret, besluttet uden business case)"));
}
