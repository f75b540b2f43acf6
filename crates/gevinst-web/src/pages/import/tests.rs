//! Unit tests of the import's pages.

use super::*;
use gevinst_app::import::Field;
use gevinst_domain::{Role, Slug};
use gevinst_testkit::store::{DynStore, ImportUploadChange};
use upload_form::{checked_file, Refusal};

/// A porteføljeleder of a fresh tenant in a private in-memory database, and the store,
/// which plays another app server below.
async fn page_user() -> (AppState, PageUser, DynStore) {
    let store = gevinst_testkit::memory_store().await;
    let tenant = store
        .create_tenant(&Slug::parse("test").unwrap(), "Test")
        .await
        .unwrap();
    let principal = gevinst_testkit::principal(
        &store,
        tenant.id,
        "pl@test.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let who = PageUser {
        principal,
        csrf: "x".into(),
    };
    let app = gevinst_app::App::new(store.clone());
    (
        AppState::new(app, crate::WebSettings::default()),
        who,
        store,
    )
}

#[tokio::test]
async fn a_running_commit_shows_a_page_that_refreshes_itself() {
    let (state, who, store) = page_user().await;
    let app = &state.app;
    let (t, u) = (who.principal.tenant.id, who.principal.user.id);
    let id = app
        .uploads()
        .create(&who.principal, "stor.xlsx", b"x")
        .await
        .unwrap();
    // A commit that runs on another app server and said it has written 7 rows.
    let now = chrono::Utc::now();
    let change = |c| store.change_import_upload(t, u, &id, c);
    assert!(change(ImportUploadChange::StartCommit(now)).await.unwrap());
    assert!(change(ImportUploadChange::Progress(7, now)).await.unwrap());
    let res = result_page(State(state.clone()), who.clone(), Path(id.clone()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::REFRESH], "1");
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        html.contains("stor.xlsx bliver importeret. 7 rækker er skrevet indtil videre."),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"/import/{id}/resultat\">Opdatér nu</a>")));
    // Done without an outcome (refused): back to the preview, which says why.
    let failure = Failure::of(AppError::Conflict);
    let json = serde_json::to_string(&failure).unwrap();
    let finish = ImportUploadChange::FinishCommit {
        outcome: None,
        failure: Some(&json),
    };
    assert!(change(finish).await.unwrap());
    let res = result_page(State(state.clone()), who.clone(), Path(id.clone()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        format!("/import/{id}/forhaandsvisning").as_str()
    );
    let upload = app.uploads().status(&who.principal, &id).await.unwrap();
    assert_eq!(
        upload.failure.as_ref().map(failure_status),
        Some(StatusCode::CONFLICT)
    );
}

#[test]
fn targets_round_trip_through_form_values() {
    for f in Field::ALL {
        let t = Target::Field(f);
        assert_eq!(parse_target(&target_key(t)), Some(t));
    }
    assert_eq!(
        target_key(Target::Field(Field::StartYear)),
        "felt:start_year"
    );
    for t in [Target::Tag, Target::Note, Target::Ignore] {
        assert_eq!(parse_target(&target_key(t)), Some(t));
    }
    assert_eq!(parse_target("felt:nope"), None);
    assert_eq!(parse_target("x"), None);
}

#[test]
fn unit_levels_round_trip_through_form_values() {
    for l in 1..=3 {
        let t = Target::UnitLevel(l);
        assert_eq!(parse_target(&target_key(t)), Some(t));
    }
    assert_eq!(target_key(Target::UnitLevel(2)), "niveau:2");
    assert_eq!(parse_target("niveau:0"), None);
    assert_eq!(parse_target("niveau:4"), None);
    assert_eq!(parse_target("niveau:x"), None);
}

#[test]
fn value_answers_become_decisions() {
    assert_eq!(
        decision(ValueKind::Unit, "Jobcentret".into(), "e:Jobcenter"),
        Some(ValueDecision {
            kind: ValueKind::Unit,
            raw: "Jobcentret".into(),
            choice: ValueChoice::Existing {
                name: "Jobcenter".into()
            }
        })
    );
    assert_eq!(
        decision(ValueKind::Unit, "X".into(), "opret").map(|d| d.choice),
        Some(ValueChoice::Create { parent: None })
    );
    assert_eq!(decision(ValueKind::Status, "X".into(), "opret"), None);
    assert_eq!(decision(ValueKind::Unit, "X".into(), "tom"), None);
    assert_eq!(
        decision(ValueKind::Technology, "X".into(), "tom").map(|d| d.choice),
        Some(ValueChoice::Skip)
    );
    assert_eq!(decision(ValueKind::Unit, "X".into(), ""), None);
    for k in [
        ValueKind::Unit,
        ValueKind::Fagomraade,
        ValueKind::Status,
        ValueKind::Technology,
    ] {
        assert_eq!(parse_kind(kind_key(k)), Some(k));
    }
}

#[test]
fn uploaded_files_are_checked() {
    assert_eq!(
        checked_file(Some("C:\\x\\liste.CSV"), b"a;b".to_vec()),
        Ok(("liste.CSV".to_owned(), b"a;b".to_vec()))
    );
    assert_eq!(
        checked_file(Some("mappe/ æ.ods "), b"x".to_vec()),
        Ok(("æ.ods".to_owned(), b"x".to_vec()))
    );
    assert_eq!(
        checked_file(Some("%221%22.xlsx"), b"x".to_vec()),
        Ok(("\"1\".xlsx".to_owned(), b"x".to_vec()))
    );
    let err = |r: Result<(String, Vec<u8>), Refusal>| r.err();
    let refused = |m: &str| Some((StatusCode::UNPROCESSABLE_ENTITY, m.to_owned()));
    assert_eq!(
        err(checked_file(Some("notat.pdf"), b"x".to_vec())),
        refused("«notat.pdf» kan ikke importeres. Vælg et regneark (.xlsx, .xls eller .ods) eller en CSV-fil (.csv).")
    );
    assert_eq!(
        err(checked_file(None, b"a;b".to_vec())),
        refused("«» kan ikke importeres. Vælg et regneark (.xlsx, .xls eller .ods) eller en CSV-fil (.csv).")
    );
    assert_eq!(
        err(checked_file(Some(""), Vec::new())),
        refused("Vælg en fil.")
    );
    assert_eq!(err(checked_file(None, Vec::new())), refused("Vælg en fil."));
    assert_eq!(
        err(checked_file(Some("tom.csv"), Vec::new())),
        refused("«tom.csv» er tom.")
    );
}
