//! Import uploads kept in the database between the steps of an import, and the purge that
//! runs on one app server at a time.

use chrono::{Duration, Utc};
use gevinst_app::auth::Principal;
use gevinst_app::import::uploads::FailureKind;
use gevinst_app::AppError;
use gevinst_domain::Role;
use gevinst_sheets::import::Limits;
use gevinst_store::prelude::*;
use gevinst_store::ImportUploadChange;

const CSV: &[u8] = "Titel;Enhed\nDigital post;Social\nRobot i løn;Social\n".as_bytes();

/// A store with tenant `aa`, its porteføljeleder, and an upload of [`CSV`] by them.
async fn uploaded() -> (DynStore, tempfile::TempDir, Principal, String) {
    let (store, dir) = gevinst_testkit::sqlite_store().await;
    let t = store
        .create_tenant(&gevinst_domain::Slug::parse("aa").unwrap(), "A")
        .await
        .unwrap();
    let pl =
        gevinst_testkit::principal(&store, t.id, "pl@aa.dk", Role::Portefoljeleder, vec![]).await;
    let id = gevinst_app::App::new(store.clone())
        .uploads()
        .create(&pl, "liste.csv", CSV)
        .await
        .unwrap();
    (store, dir, pl, id)
}

#[tokio::test]
async fn an_upload_is_its_users_alone_and_its_commit_runs_once() {
    let (store, _dir, pl, id) = uploaded().await;
    let t = pl.tenant.id;
    store.create_unit(t, None, None, "Social").await.unwrap();
    let other =
        gevinst_testkit::principal(&store, t, "x@aa.dk", Role::Portefoljeleder, vec![]).await;
    assert_eq!(id.len(), 32);
    let upload = gevinst_app::App::new(store.clone())
        .uploads()
        .get(&pl, &id)
        .await
        .unwrap();
    assert_eq!(
        (&*upload.bytes, upload.filename.as_str()),
        (CSV, "liste.csv")
    );
    let r = gevinst_app::App::new(store.clone())
        .uploads()
        .get(&other, &id)
        .await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    for bad in ["", "../x", &id[..31], "' OR 1=1 --"] {
        let r = gevinst_app::App::new(store.clone())
            .uploads()
            .get(&pl, bad)
            .await;
        assert!(matches!(r, Err(AppError::NotFound)), "{bad}: {r:?}");
    }
    // Choices survive the round trip through the database.
    let mut choices = upload.choices.clone();
    choices.mask_cpr = true;
    gevinst_app::App::new(store.clone())
        .uploads()
        .set_choices(&pl, &id, &choices)
        .await
        .unwrap();
    let upload = gevinst_app::App::new(store.clone())
        .uploads()
        .get(&pl, &id)
        .await
        .unwrap();
    assert!(upload.choices.mask_cpr);
    // The commit runs once; a second start (another click, another app server) does not.
    let job = gevinst_app::App::new(store.clone())
        .uploads()
        .start_commit(&pl, upload.clone(), false, Limits::default())
        .await
        .unwrap()
        .expect("started");
    let again = gevinst_app::App::new(store.clone())
        .uploads()
        .start_commit(&pl, upload, false, Limits::default())
        .await
        .unwrap();
    assert!(again.is_none());
    job.await.unwrap();
    let done = gevinst_app::App::new(store.clone())
        .uploads()
        .status(&pl, &id)
        .await
        .unwrap();
    assert!(!done.committing);
    assert!(done.bytes.is_empty());
    let outcome = done.outcome.expect("outcome");
    assert_eq!((outcome.created, outcome.potentials.len()), (2, 2));
}

#[tokio::test]
async fn a_commit_whose_server_stopped_is_reported_as_interrupted() {
    let (store, _dir, pl, id) = uploaded().await;
    let (tid, uid) = (pl.tenant.id, pl.user.id);
    // Started by an app server that said nothing since, and runs nowhere here.
    let long_ago = Utc::now() - Duration::minutes(2);
    let start = ImportUploadChange::StartCommit(long_ago);
    assert!(store
        .change_import_upload(tid, uid, &id, start)
        .await
        .unwrap());
    let now = gevinst_app::App::new(store.clone())
        .uploads()
        .status(&pl, &id)
        .await
        .unwrap();
    assert!(!now.committing);
    let failure = now.failure.clone().expect("failure");
    assert_eq!(failure.kind, FailureKind::Interrupted);
    assert!(failure.messages[0].starts_with("Importen blev afbrudt"));
    // Shown once, and then a new commit may start.
    let taken = gevinst_app::App::new(store.clone())
        .uploads()
        .take_failure(&pl, &now)
        .await
        .unwrap();
    assert_eq!(taken, Some(failure));
    assert_eq!(
        gevinst_app::App::new(store.clone())
            .uploads()
            .take_failure(&pl, &now)
            .await
            .unwrap(),
        None
    );
    // A commit that reported recently is still running (on another app server).
    let start = ImportUploadChange::StartCommit(Utc::now());
    assert!(store
        .change_import_upload(tid, uid, &id, start)
        .await
        .unwrap());
    let running = gevinst_app::App::new(store.clone())
        .uploads()
        .status(&pl, &id)
        .await
        .unwrap();
    assert!(running.committing && running.failure.is_none());
}

#[tokio::test]
async fn the_purge_runs_once_per_interval_and_deletes_expired_uploads() {
    let (store, _dir, pl, id) = uploaded().await;
    let now = Utc::now();
    let first = gevinst_app::App::new(store.clone())
        .maintenance()
        .purge_if_due(now)
        .await
        .unwrap();
    assert_eq!(first.map(|p| p.uploads), Some(0));
    // Another app server a few minutes later: not due.
    let soon = now + Duration::minutes(5);
    assert_eq!(
        gevinst_app::App::new(store.clone())
            .maintenance()
            .purge_if_due(soon)
            .await
            .unwrap(),
        None
    );
    // Three hours later the upload has expired, and the purge is due again.
    let later = now + Duration::hours(3);
    let purged = gevinst_app::App::new(store.clone())
        .maintenance()
        .purge_if_due(later)
        .await
        .unwrap();
    assert_eq!(purged.map(|p| p.uploads), Some(1));
    let gone = gevinst_app::App::new(store.clone())
        .uploads()
        .get(&pl, &id)
        .await;
    assert!(matches!(gone, Err(AppError::NotFound)));
}
