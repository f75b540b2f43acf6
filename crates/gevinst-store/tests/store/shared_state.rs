//! The state several app servers share through the database: import uploads, periodic
//! jobs and the data version that validates cached forecasts. Run on SQLite always and on
//! PostgreSQL when `GEVINST_TEST_POSTGRES_URL` is set (see `main.rs`).

use chrono::{DateTime, Duration, Utc};
use gevinst_domain::{Email, Role, TenantId, UserId, ValidUser};
use gevinst_store::prelude::*;
use gevinst_store::{ErrorKind, ImportUploadChange, NewImportUpload, StoreError, UploadBounds};
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(
    uploads_belong_to_their_user,
    uploads_change_step_by_step,
    uploads_are_bounded_and_purged,
    periodic_jobs_run_once_per_interval,
    data_version_counts_every_commit,
);

fn kind<T: std::fmt::Debug>(r: Result<T, StoreError>) -> ErrorKind {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind(),
    }
}

fn bounds(now: DateTime<Utc>) -> UploadBounds {
    UploadBounds {
        expired_before: now - Duration::hours(2),
        max_per_user: 3,
        max_uploads: 64,
        max_total_bytes: 1_000_000,
    }
}

async fn put(
    s: &dyn Store,
    owner: (TenantId, UserId),
    id: &str,
    bytes: &[u8],
    at: DateTime<Utc>,
    b: &UploadBounds,
) -> u64 {
    s.put_import_upload(
        &NewImportUpload {
            id,
            tenant_id: owner.0,
            user_id: owner.1,
            filename: "liste.csv",
            bytes,
            choices: "{}",
            created_at: at,
        },
        b,
    )
    .await
    .unwrap()
}

fn id(n: u32) -> String {
    format!("{n:032x}")
}

async fn second_user(s: &dyn Store, tenant: TenantId, email: &str) -> UserId {
    s.create_user(
        tenant,
        None,
        &ValidUser {
            email: Email::parse(email).unwrap(),
            name: "Anden".into(),
            role: Role::Portefoljeleder,
            units: vec![],
        },
        "hash",
    )
    .await
    .unwrap()
    .id
}

async fn uploads_belong_to_their_user(db: &TestDb) {
    let s = db.store();
    let (ta, _, ua) = gevinst_testkit::tenant_with_manager(s, "aa").await;
    let (tb, _, ub) = gevinst_testkit::tenant_with_manager(s, "bb").await;
    let other = second_user(s, ta, "x@aa.dk").await;
    let now = Utc::now();
    put(s, (ta, ua), &id(1), b"titel;enhed\n", now, &bounds(now)).await;
    let cutoff = now - Duration::hours(2);
    let got = s.import_upload(ta, ua, &id(1), cutoff, true).await.unwrap();
    assert_eq!(got.bytes, b"titel;enhed\n");
    assert_eq!(
        (got.filename.as_str(), got.choices.as_str()),
        ("liste.csv", "{}")
    );
    assert!(!got.committing);
    let light = s
        .import_upload(ta, ua, &id(1), cutoff, false)
        .await
        .unwrap();
    assert!(light.bytes.is_empty());
    // Another user of the tenant, the same user id in another tenant, another tenant.
    for (t, u) in [(ta, other), (tb, ua), (tb, ub)] {
        assert_eq!(
            kind(s.import_upload(t, u, &id(1), cutoff, true).await),
            ErrorKind::NotFound
        );
        let change = ImportUploadChange::Choices("{\"x\":1}");
        assert_eq!(
            kind(s.change_import_upload(t, u, &id(1), change).await),
            ErrorKind::NotFound
        );
    }
    // Expired.
    let later = now + Duration::seconds(1);
    assert_eq!(
        kind(s.import_upload(ta, ua, &id(1), later, true).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.import_upload(ta, ua, &id(1), cutoff, false)
            .await
            .unwrap()
            .choices,
        "{}"
    );
}

async fn uploads_change_step_by_step(db: &TestDb) {
    let s = db.store();
    let (t, _, u) = gevinst_testkit::tenant_with_manager(s, "aa").await;
    let now = Utc::now();
    put(s, (t, u), &id(1), b"x", now, &bounds(now)).await;
    let cutoff = now - Duration::hours(2);
    let key = id(1);
    let change = |c| s.change_import_upload(t, u, &key, c);
    let read = || s.import_upload(t, u, &key, cutoff, false);
    assert!(
        change(ImportUploadChange::Mapping(Some("{\"columns\":[]}")))
            .await
            .unwrap()
    );
    assert!(change(ImportUploadChange::Sheet("Ark2")).await.unwrap());
    let r = read().await.unwrap();
    assert_eq!((r.sheet.as_deref(), r.mapping), (Some("Ark2"), None));
    assert!(change(ImportUploadChange::Choices("{\"mask_cpr\":true}"))
        .await
        .unwrap());
    assert_eq!(read().await.unwrap().choices, "{\"mask_cpr\":true}");
    // Progress without a running commit changes nothing.
    assert!(!change(ImportUploadChange::Progress(5, now)).await.unwrap());
    // One commit at a time: the second start is refused.
    assert!(change(ImportUploadChange::StartCommit(now)).await.unwrap());
    assert!(!change(ImportUploadChange::StartCommit(now)).await.unwrap());
    let at = now + Duration::seconds(3);
    assert!(change(ImportUploadChange::Progress(40, at)).await.unwrap());
    let r = read().await.unwrap();
    assert!(r.committing);
    assert_eq!(r.progress, 40);
    assert_eq!(
        r.progress_at.map(|t| t.timestamp_micros()),
        Some(at.timestamp_micros())
    );
    // A failure: shown once, whoever asks first.
    let failed = ImportUploadChange::FinishCommit {
        outcome: None,
        failure: Some("{\"kind\":\"conflict\"}"),
    };
    assert!(change(failed).await.unwrap());
    let r = read().await.unwrap();
    assert!(!r.committing);
    assert_eq!(r.failure.as_deref(), Some("{\"kind\":\"conflict\"}"));
    assert!(!change(ImportUploadChange::TakeFailure("{\"other\":1}"))
        .await
        .unwrap());
    assert!(
        change(ImportUploadChange::TakeFailure("{\"kind\":\"conflict\"}"))
            .await
            .unwrap()
    );
    assert!(
        !change(ImportUploadChange::TakeFailure("{\"kind\":\"conflict\"}"))
            .await
            .unwrap()
    );
    assert_eq!(read().await.unwrap().failure, None);
    // Again, now with an outcome: then no further commit starts.
    assert!(change(ImportUploadChange::StartCommit(now)).await.unwrap());
    assert_eq!(read().await.unwrap().progress, 0);
    let done = ImportUploadChange::FinishCommit {
        outcome: Some("{\"created\":2}"),
        failure: None,
    };
    assert!(change(done).await.unwrap());
    assert_eq!(
        read().await.unwrap().outcome.as_deref(),
        Some("{\"created\":2}")
    );
    assert!(!change(ImportUploadChange::StartCommit(now)).await.unwrap());
}

async fn uploads_are_bounded_and_purged(db: &TestDb) {
    let s = db.store();
    let (t, _, u) = gevinst_testkit::tenant_with_manager(s, "aa").await;
    let v = second_user(s, t, "x@aa.dk").await;
    let now = Utc::now();
    let b = bounds(now);
    let cutoff = b.expired_before;
    let exists = |owner: (TenantId, UserId), n: u32| async move {
        s.import_upload(owner.0, owner.1, &id(n), cutoff, false)
            .await
            .is_ok()
    };
    // An expired upload goes with the next one.
    put(s, (t, v), &id(9), b"old", now - Duration::hours(3), &b).await;
    assert_eq!(put(s, (t, u), &id(1), b"1", now, &b).await, 1);
    put(s, (t, u), &id(2), b"2", now, &b).await;
    put(s, (t, u), &id(3), b"3", now, &b).await;
    put(s, (t, v), &id(10), b"10", now, &b).await;
    // The oldest commits: it stays, and the next oldest of the user gives way.
    let start = ImportUploadChange::StartCommit(now);
    assert!(s.change_import_upload(t, u, &id(1), start).await.unwrap());
    assert_eq!(put(s, (t, u), &id(4), b"4", now, &b).await, 1);
    assert!(exists((t, u), 1).await);
    assert!(!exists((t, u), 2).await);
    assert!(exists((t, u), 3).await && exists((t, u), 4).await);
    assert!(exists((t, v), 10).await);
    // In all: 4 kept + 1 new > 4, so the oldest that does not commit (3) goes.
    let small = UploadBounds {
        max_uploads: 4,
        ..b
    };
    assert_eq!(put(s, (t, v), &id(11), b"11", now, &small).await, 1);
    assert!(!exists((t, u), 3).await);
    // Bytes: 1 + 2 + 1 + 2 kept and 6 more is 12 > 9: the oldest of all that do not
    // commit (10, then 4) give way until 9 are left.
    let bytes = UploadBounds {
        max_total_bytes: 9,
        ..b
    };
    assert_eq!(put(s, (t, v), &id(12), b"twelve", now, &bytes).await, 2);
    assert!(exists((t, u), 1).await && exists((t, v), 12).await);
    assert!(!exists((t, u), 4).await && !exists((t, v), 10).await);
    // The purge deletes what expired.
    assert_eq!(
        s.purge_import_uploads(now - Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.purge_import_uploads(now + Duration::seconds(1))
            .await
            .unwrap(),
        3
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM import_uploads").await, 0);
}

async fn periodic_jobs_run_once_per_interval(db: &TestDb) {
    let s = db.store();
    let now = Utc::now();
    let hour = Duration::hours(1);
    assert!(s.claim_periodic_job("purge", now, hour).await.unwrap());
    assert!(!s.claim_periodic_job("purge", now, hour).await.unwrap());
    let soon = now + Duration::minutes(59);
    assert!(!s.claim_periodic_job("purge", soon, hour).await.unwrap());
    assert!(s.claim_periodic_job("other", soon, hour).await.unwrap());
    let due = now + hour;
    assert!(s.claim_periodic_job("purge", due, hour).await.unwrap());
    if let TestDb::Postgres { store, .. } = db {
        // While another app server holds the job's advisory lock, the job is not claimed,
        // even when it is due.
        let (ns, key) = gevinst_store::advisory_key("periodic:purge");
        let mut other = store.pool().begin().await.unwrap();
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(ns)
            .bind(key)
            .execute(&mut *other)
            .await
            .unwrap();
        let later = due + hour * 2;
        assert!(!s.claim_periodic_job("purge", later, hour).await.unwrap());
        other.rollback().await.unwrap();
        assert!(s.claim_periodic_job("purge", later, hour).await.unwrap());
    }
}

/// A raw audit entry, to control its transaction. It carries chain columns (the schema
/// refuses unchained entries) with a sequence number of its own; what the hash chain
/// makes of such entries is the audit tests' business, not this story's.
const AUDIT: &str =
    "INSERT INTO audit_log (tenant_id, entity, entity_id, action, at, seq, prev_hash, hash) \
                     VALUES ($1, 'potential', 1, $2, $3, $4, 'raw', 'raw')";

/// Sequence numbers for raw entries, clear of the store's own.
static RAW_SEQ: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1_000_000);

/// Opens a transaction on `pool` that has written an audit entry with `action` for `t`.
macro_rules! audit_tx {
    ($pool:expr, $t:expr, $action:expr) => {{
        let mut tx = $pool.begin().await.unwrap();
        sqlx::query(AUDIT)
            .bind($t.0)
            .bind($action)
            .bind(Utc::now())
            .bind(RAW_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            .execute(&mut *tx)
            .await
            .unwrap();
        tx
    }};
}

/// Writes an audit entry with `action` for `t` in a transaction of its own, committed or
/// rolled back.
async fn audit(db: &TestDb, t: TenantId, action: &str, commit: bool) {
    match db {
        TestDb::Sqlite { store, .. } => {
            let tx = audit_tx!(store.pool(), t, action);
            if commit {
                tx.commit().await
            } else {
                tx.rollback().await
            }
            .unwrap();
        }
        TestDb::Postgres { store, .. } => {
            let tx = audit_tx!(store.pool(), t, action);
            if commit {
                tx.commit().await
            } else {
                tx.rollback().await
            }
            .unwrap();
        }
    }
}

async fn data_version_counts_every_commit(db: &TestDb) {
    let s = db.store();
    let (t, _, _) = gevinst_testkit::tenant_with_manager(s, "aa").await;
    let (other, _, _) = gevinst_testkit::tenant_with_manager(s, "bb").await;
    let v0 = s.data_version(t).await.unwrap();
    let w0 = s.data_version(other).await.unwrap();
    audit(db, t, "update", true).await;
    audit(db, t, "create", true).await;
    let v1 = s.data_version(t).await.unwrap();
    assert_eq!(v1, v0 + 2);
    if let TestDb::Postgres { store, .. } = db {
        // Two writers: the first takes the lower audit id but commits last. A reader
        // between the two commits must see a version that changes again when the first
        // commits (the newest audit id would not change: a cached forecast would miss the
        // first writer's change for good).
        let first = audit_tx!(store.pool(), t, "update");
        let second = audit_tx!(store.pool(), t, "update");
        assert_eq!(s.data_version(t).await.unwrap(), v1);
        second.commit().await.unwrap();
        let v2 = s.data_version(t).await.unwrap();
        assert!(v2 > v1);
        first.commit().await.unwrap();
        assert!(s.data_version(t).await.unwrap() > v2);
    }
    // A rolled-back change and a sign-in change nothing; the other tenant is untouched.
    let v = s.data_version(t).await.unwrap();
    audit(db, t, "update", false).await;
    audit(db, t, "login", true).await;
    assert_eq!(s.data_version(t).await.unwrap(), v);
    assert_eq!(s.data_version(other).await.unwrap(), w0);
}
