//! The tamper-evident audit log, on SQLite and PostgreSQL: the hash chain grows with every
//! change and verifies; tampering by hand (with the append-only triggers out of the way)
//! is found and named; inserts that reuse an id are refused; concurrent writers never fork
//! a chain; entries written before the chain existed are chained by `migrate`; and changes
//! without a tenant user name the operator. Events without a record of their own (sign-ins,
//! token use, exports) are written by store operations named for them, in one transaction
//! with what they record.

use gevinst_domain::audit_chain::{ChainProblem, ChainReport};
use gevinst_domain::{AuditAction, AuditDraft, EntityKind, FieldChange, TenantId};
use gevinst_store::{FailedLogin, SessionRecord};
use gevinst_testkit::{tenant_with_manager, valid_potential, TestDb};
use serde_json::json;

gevinst_testkit::on_both_databases!(
    chain_grows_and_verifies,
    an_altered_entry_is_named,
    a_deleted_entry_is_a_gap,
    deleted_newest_entries_are_found,
    ids_cannot_be_reused,
    the_operator_is_the_actor,
    concurrent_writers_keep_one_chain,
    events_are_written_by_the_store,
);

fn draft(entity_id: i64, reason: &str) -> AuditDraft {
    AuditDraft {
        entity: EntityKind::Tenant,
        entity_id,
        action: AuditAction::Update,
        user_id: None,
        actor: None,
        changes: vec![gevinst_domain::FieldChange {
            field: "note".into(),
            before: serde_json::json!({"z": 1, "a": [1.5, "x"], "ø": null}),
            after: serde_json::json!(reason),
        }],
        reason: Some(reason.into()),
    }
}

/// A tenant with a handful of audited changes; returns it and its entry count.
async fn busy_tenant(db: &TestDb, slug: &str) -> (TenantId, i64) {
    let s = db.store();
    let (tenant, unit, user) = tenant_with_manager(s, slug).await;
    for i in 0..3 {
        s.create_potential(
            tenant,
            Some(user),
            &valid_potential(&format!("P{i}"), unit),
            gevinst_domain::Status::Ide,
            None,
        )
        .await
        .unwrap();
    }
    for i in 0..3 {
        db.concrete()
            .append_audit(tenant, &draft(tenant.0, &format!("note {i}")))
            .await
            .unwrap();
    }
    let report = s.verify_audit_chain(tenant).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    (tenant, i64::try_from(report.entries).unwrap())
}

/// The id of the tenant's entry with this seq.
async fn id_at(db: &TestDb, tenant: TenantId, seq: i64) -> i64 {
    db.raw_count(&format!(
        "SELECT id FROM audit_log WHERE tenant_id = {tenant} AND seq = {seq}"
    ))
    .await
}

/// Takes the append-only triggers away, as someone with full rights on the database file
/// or the table owner could.
async fn remove_guards(db: &TestDb) {
    let sql: &[&str] = match db {
        TestDb::Sqlite { .. } => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        TestDb::Postgres { .. } => &["ALTER TABLE audit_log DISABLE TRIGGER USER"],
    };
    for s in sql {
        db.raw_execute(s).await.unwrap();
    }
}

fn broken(r: &ChainReport) -> (i64, Option<i64>, ChainProblem) {
    let b = r.broken.clone().expect("a broken chain");
    (b.id, b.seq, b.problem)
}

async fn chain_grows_and_verifies(db: &TestDb) {
    let s = db.store();
    let (a, n) = busy_tenant(db, "kaede-a").await;
    let (b, m) = busy_tenant(db, "kaede-b").await;
    // Every entry of each tenant is in its own chain, numbered 1..=n.
    assert_eq!(
        n,
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {a}"
        ))
        .await
    );
    assert_eq!(
        db.raw_count(&format!(
            "SELECT MAX(seq) FROM audit_log WHERE tenant_id = {b}"
        ))
        .await,
        m
    );
    let r = s.verify_audit_chain(a).await.unwrap();
    let head = id_at(db, a, n).await;
    assert_eq!(
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE id = {head} AND hash = '{}'",
            r.head_hash
        ))
        .await,
        1,
        "the head hash is the newest entry's hash"
    );
    // Another tenant's writes do not touch this chain.
    db.concrete()
        .append_audit(b, &draft(b.0, "b only"))
        .await
        .unwrap();
    assert_eq!(s.verify_audit_chain(a).await.unwrap(), r);
    assert!(s.verify_audit_chain(TenantId(999_999)).await.is_err());
}

async fn an_altered_entry_is_named(db: &TestDb) {
    let s = db.store();
    let (a, _) = busy_tenant(db, "aendret").await;
    remove_guards(db).await;
    let target = id_at(db, a, 4).await;
    db.raw_execute(&format!(
        "UPDATE audit_log SET reason = 'forfalsket' WHERE id = {target}"
    ))
    .await
    .unwrap();
    let r = s.verify_audit_chain(a).await.unwrap();
    assert_eq!(broken(&r), (target, Some(4), ChainProblem::Altered));
    assert_eq!(r.entries, 3);
}

async fn a_deleted_entry_is_a_gap(db: &TestDb) {
    let s = db.store();
    let (a, _) = busy_tenant(db, "slettet").await;
    remove_guards(db).await;
    let gone = id_at(db, a, 3).await;
    let next = id_at(db, a, 4).await;
    db.raw_execute(&format!("DELETE FROM audit_log WHERE id = {gone}"))
        .await
        .unwrap();
    let r = s.verify_audit_chain(a).await.unwrap();
    assert_eq!(
        broken(&r),
        (next, Some(4), ChainProblem::Missing { expected: 3 })
    );
}

async fn deleted_newest_entries_are_found(db: &TestDb) {
    let s = db.store();
    let (a, n) = busy_tenant(db, "hale").await;
    remove_guards(db).await;
    db.raw_execute(&format!(
        "DELETE FROM audit_log WHERE tenant_id = {a} AND seq >= {}",
        n - 1
    ))
    .await
    .unwrap();
    let r = s.verify_audit_chain(a).await.unwrap();
    assert_eq!(broken(&r).2, ChainProblem::Truncated { head_seq: n });
}

async fn ids_cannot_be_reused(db: &TestDb) {
    let s = db.store();
    let (a, n) = busy_tenant(db, "genbrug").await;
    let cols = "id, tenant_id, entity, entity_id, action, user_id, actor, at, changes, reason, \
                seq, prev_hash, hash";
    let attempts: Vec<String> = match db {
        TestDb::Sqlite { .. } => vec![
            format!(
                "REPLACE INTO audit_log ({cols}) SELECT {cols} FROM audit_log WHERE tenant_id = {a}"
            ),
            format!(
                "INSERT OR REPLACE INTO audit_log ({cols}) SELECT {cols} FROM audit_log \
                 WHERE tenant_id = {a} AND seq = 2"
            ),
            format!(
                "INSERT INTO audit_log ({cols}) SELECT {cols} FROM audit_log \
                 WHERE tenant_id = {a} AND seq = 2 \
                 ON CONFLICT (id) DO UPDATE SET reason = 'forfalsket'"
            ),
        ],
        TestDb::Postgres { .. } => vec![
            format!(
                "INSERT INTO audit_log ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM audit_log \
                 WHERE tenant_id = {a} AND seq = 2 \
                 ON CONFLICT (id) DO UPDATE SET reason = 'forfalsket'"
            ),
            format!(
                "INSERT INTO audit_log ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM audit_log \
                 WHERE tenant_id = {a} AND seq = 2 ON CONFLICT DO NOTHING"
            ),
        ],
    };
    for sql in &attempts {
        let r = db.raw_execute(sql).await;
        // ON CONFLICT DO NOTHING may "succeed" only by inserting nothing.
        assert!(matches!(r, Err(_) | Ok(0)), "{sql}: {r:?}");
    }
    assert_eq!(
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {a}"
        ))
        .await,
        n
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE reason = 'forfalsket'")
            .await,
        0
    );
    assert!(s.verify_audit_chain(a).await.unwrap().is_intact());
}

async fn the_operator_is_the_actor(db: &TestDb) {
    let s = db.store();
    let (a, unit, user) = tenant_with_manager(s, "operatoer").await;
    let cli = s.acting_as("cli:tester@vaert");
    let created = cli
        .create_potential(
            a,
            None,
            &valid_potential("Fra kommandolinjen", unit),
            gevinst_domain::Status::Ide,
            None,
        )
        .await
        .unwrap();
    let token = cli
        .create_api_token(a, None, user, "cli", "operator-token", None)
        .await
        .unwrap();
    let by_user = s
        .create_potential(
            a,
            Some(user),
            &valid_potential("Fra brugeren", unit),
            gevinst_domain::Status::Ide,
            None,
        )
        .await
        .unwrap();
    let e = &s
        .audit_for(a, EntityKind::Potential, created.id.0)
        .await
        .unwrap()[0];
    assert_eq!(
        (e.user_id, e.actor.as_deref()),
        (None, Some("cli:tester@vaert"))
    );
    let t = &s
        .audit_for(a, EntityKind::ApiToken, token.id)
        .await
        .unwrap()[0];
    assert_eq!(
        (t.user_id, t.actor.as_deref()),
        (None, Some("cli:tester@vaert"))
    );
    assert!(
        t.changes
            .iter()
            .any(|c| c.field == "user_id" && c.after == serde_json::json!(user.0)),
        "the token's owner is named in the changes: {:?}",
        t.changes
    );
    let u = &s
        .audit_for(a, EntityKind::Potential, by_user.id.0)
        .await
        .unwrap()[0];
    assert_eq!((u.user_id, u.actor.as_deref()), (Some(user), None));
    // The store without an operator records the system; an explicit actor wins.
    let mut d = draft(a.0, "demo");
    d.actor = Some("system:demo".into());
    db.concrete().append_audit(a, &d).await.unwrap();
    let entries = s.audit_for(a, EntityKind::Tenant, a.0).await.unwrap();
    assert_eq!(entries[0].actor.as_deref(), Some("system"));
    assert_eq!(
        entries.last().unwrap().actor.as_deref(),
        Some("system:demo")
    );
    assert!(s.verify_audit_chain(a).await.unwrap().is_intact());
}

async fn concurrent_writers_keep_one_chain(db: &TestDb) {
    let s = db.store();
    let (a, _, _) = tenant_with_manager(s, "samtidig").await;
    let (b, _, _) = tenant_with_manager(s, "samtidig-b").await;
    let shared = db.concrete().with_operator("system:test");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = shared.clone();
            let tenant = if i % 4 == 0 { b } else { a };
            tokio::spawn(async move {
                store
                    .append_audit(tenant, &draft(tenant.0, &format!("writer {i}")))
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    for tenant in [a, b] {
        let r = s.verify_audit_chain(tenant).await.unwrap();
        assert!(r.is_intact(), "{r:?}");
        let total = db
            .raw_count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {tenant}"
            ))
            .await;
        assert_eq!(i64::try_from(r.entries).unwrap(), total);
    }
}

// ---------------------------------------------------------------- entries from before the chain

/// Runs the store's full `migrate` (migrations and the chain backfill).
async fn migrate(db: &TestDb) {
    match db {
        TestDb::Sqlite { store, .. } => store.migrate().await,
        TestDb::Postgres { store, .. } => store.migrate().await,
    }
    .unwrap();
}

/// A tenant as the code before the chain wrote it.
const LEGACY_TENANT: &str =
    "INSERT INTO tenants (slug, name, version) VALUES ('gammel', 'Gammel Kommune', 1)";

/// An audit entry as the code before the chain wrote it (`{i}`: 1-9).
const LEGACY_ENTRY: &str =
    "INSERT INTO audit_log (tenant_id, entity, entity_id, action, at, changes, reason) \
     SELECT id, 'tenant', id, 'update', '2024-01-0{i}T10:00:00.123456+00:00', \
     '[{\"field\":\"name\",\"before\":{\"b\":1,\"a\":2},\"after\":\"x{i}\"}]', NULL \
     FROM tenants WHERE slug = 'gammel'";

/// Migrations up to 0005 (before the chain), legacy entries written as the old code
/// wrote them, then the full `migrate`: the entries are chained in id order.
async fn legacy_entries_are_chained(db: &TestDb) {
    db.raw_execute(LEGACY_TENANT).await.unwrap();
    for i in 1..=5 {
        db.raw_execute(&LEGACY_ENTRY.replace("{i}", &i.to_string()))
            .await
            .unwrap();
    }
    migrate(db).await;
    let s = db.store();
    let tenant = TenantId(
        db.raw_count("SELECT id FROM tenants WHERE slug = 'gammel'")
            .await,
    );
    let r = s.verify_audit_chain(tenant).await.unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!(r.entries, 5);
    // New entries continue the chain, and migrating again changes nothing.
    db.concrete()
        .append_audit(tenant, &draft(tenant.0, "ny"))
        .await
        .unwrap();
    migrate(db).await;
    let r = s.verify_audit_chain(tenant).await.unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!(r.entries, 6);
}

async fn migrator_before_the_chain(dialect: &str) -> sqlx::migrate::Migrator {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    let mut m = sqlx::migrate::Migrator::new(dir).await.unwrap();
    m.migrations = m
        .migrations
        .iter()
        .filter(|m| m.version < 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    m
}

#[tokio::test]
async fn legacy_entries_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/gevinst.db", dir.path().display());
    let store = gevinst_store::sqlite::SqliteStore::open(&url)
        .await
        .unwrap();
    migrator_before_the_chain("sqlite")
        .await
        .run(store.pool())
        .await
        .unwrap();
    let db = TestDb::Sqlite { store, _dir: dir };
    legacy_entries_are_chained(&db).await;
}

#[tokio::test]
async fn legacy_entries_postgres() {
    let Ok(admin) = std::env::var("GEVINST_TEST_POSTGRES_URL") else {
        assert!(
            !gevinst_testkit::postgres_required(),
            "GEVINST_TEST_POSTGRES_URL is required"
        );
        return;
    };
    let url = gevinst_store::postgres::create_test_database(&admin)
        .await
        .unwrap();
    let store = gevinst_store::postgres::PostgresStore::open(&url)
        .await
        .unwrap();
    migrator_before_the_chain("postgres")
        .await
        .run(store.pool())
        .await
        .unwrap();
    let db = TestDb::Postgres {
        store,
        admin_url: admin,
        url,
    };
    legacy_entries_are_chained(&db).await;
    db.cleanup().await;
}

/// Two transactions that lock two tenants' rows in opposite order: PostgreSQL aborts one
/// with a deadlock, which the store reports as a conflict (nothing changed; try again),
/// not as a database failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlock_is_a_conflict() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let TestDb::Postgres { store, .. } = &db else {
        unreachable!("a PostgreSQL test database")
    };
    let (a, _, _) = tenant_with_manager(store, "laas-a").await;
    let (b, _, _) = tenant_with_manager(store, "laas-b").await;
    let touch = |t: TenantId| format!("UPDATE tenants SET name = name WHERE id = {t}");
    let mut first = store.pool().begin().await.unwrap();
    let mut second = store.pool().begin().await.unwrap();
    sqlx::query(&touch(a)).execute(&mut *first).await.unwrap();
    sqlx::query(&touch(b)).execute(&mut *second).await.unwrap();
    let sql_b = touch(b);
    // Each side rolls back as soon as its statement ends: the victim of the deadlock keeps
    // its locks until then, and the other side is waiting for them.
    let waiting = tokio::spawn(async move {
        let r = sqlx::query(&sql_b).execute(&mut *first).await.map(|_| ());
        let _ = first.rollback().await;
        r
    });
    let other = sqlx::query(&touch(a))
        .execute(&mut *second)
        .await
        .map(|_| ());
    let _ = second.rollback().await;
    let one = waiting.await.unwrap();
    let errors: Vec<sqlx::Error> = [one, other].into_iter().filter_map(Result::err).collect();
    assert_eq!(errors.len(), 1, "PostgreSQL aborts exactly one of the two");
    let e = gevinst_store::StoreError::from(errors.into_iter().next().unwrap());
    assert_eq!(e.kind(), gevinst_store::ErrorKind::Conflict, "{e}");
    db.cleanup().await;
}

// ---------------------------------------------------------------- events

fn client_change(before: serde_json::Value, after: &str) -> FieldChange {
    FieldChange {
        field: "client".into(),
        before,
        after: json!(after),
    }
}

async fn events_are_written_by_the_store(db: &TestDb) {
    let s = db.store();
    let (a, _, user) = tenant_with_manager(s, "haendelser").await;
    let (b, _, _) = tenant_with_manager(s, "haendelser-b").await;
    let token = s
        .create_api_token(a, Some(user), user, "cli", "tok-h", None)
        .await
        .unwrap();
    let data_version = s.data_version(a).await.unwrap();
    let now = chrono::Utc::now();
    let session = |hash: &str, tenant: TenantId| SessionRecord {
        token_hash: hash.into(),
        tenant_id: tenant,
        user_id: user,
        csrf_token: "csrf".into(),
        expires_at: now + chrono::Duration::hours(1),
        last_seen_at: now,
    };

    // A login: the session and its entry, by the user, with the client.
    s.create_session(&session("h1", a), Some("10.0.0.1"))
        .await
        .unwrap();
    let log = s.audit_for(a, EntityKind::Session, user.0).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action, log[0].user_id),
        (AuditAction::Login, Some(user))
    );
    assert_eq!(log[0].changes, vec![client_change(json!(null), "10.0.0.1")]);
    // A session for a user of another tenant is refused, and leaves no entry.
    assert!(s.create_session(&session("h2", b), None).await.is_err());
    assert!(s.session("h2", now).await.is_err());
    assert_eq!(
        db.raw_count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {b} AND entity = 'session'"
        ))
        .await,
        0
    );

    // A logout: the session goes, with its entry; ending it again changes nothing.
    s.end_session("h1", now, None).await.unwrap();
    assert!(s.session("h1", now).await.is_err());
    s.end_session("h1", now, None).await.unwrap();
    let log = s.audit_for(a, EntityKind::Session, user.0).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.action).collect::<Vec<_>>(),
        [AuditAction::Login, AuditAction::Logout]
    );
    assert!(
        log[1].changes.is_empty(),
        "no client, no change: {:?}",
        log[1].changes
    );
    // An expired session ends without an entry.
    s.create_session(&session("h3", a), None).await.unwrap();
    s.end_session("h3", now + chrono::Duration::hours(2), None)
        .await
        .unwrap();
    assert!(s.session("h3", now).await.is_err());
    assert_eq!(
        s.audit_for(a, EntityKind::Session, user.0)
            .await
            .unwrap()
            .len(),
        3
    );

    // Failed logins: keyed by the matched user, or 0; a lockout adds its own entry.
    let failure = FailedLogin {
        user: None,
        email: "ukendt@haendelser.dk",
        client: None,
        lockout: true,
    };
    s.record_failed_login(a, &failure).await.unwrap();
    let log = s.audit_for(a, EntityKind::Session, 0).await.unwrap();
    assert_eq!(
        log.iter()
            .map(|e| (e.action, e.user_id))
            .collect::<Vec<_>>(),
        [
            (AuditAction::LoginFailed, None),
            (AuditAction::Lockout, None)
        ]
    );
    let email = FieldChange {
        field: "email".into(),
        before: json!(null),
        after: json!("ukendt@haendelser.dk"),
    };
    assert_eq!(log[0].changes, vec![email.clone()]);
    let failure = FailedLogin {
        user: Some(user),
        client: Some("10.0.0.2"),
        lockout: false,
        ..failure
    };
    s.record_failed_login(a, &failure).await.unwrap();
    let log = s.audit_for(a, EntityKind::Session, user.0).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action, last.user_id),
        (AuditAction::LoginFailed, None)
    );
    assert_eq!(
        last.changes,
        vec![email, client_change(json!(null), "10.0.0.2")]
    );

    // A token used from a new address.
    let used = s
        .use_api_token("tok-h", now, Some("10.0.0.3"))
        .await
        .unwrap();
    s.record_token_use(&used, "10.0.0.3").await.unwrap();
    let log = s
        .audit_for(a, EntityKind::ApiToken, token.id)
        .await
        .unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action, last.user_id),
        (AuditAction::TokenUse, Some(user))
    );
    assert_eq!(last.changes, vec![client_change(json!(null), "10.0.0.3")]);

    // An export, keyed by the tenant.
    let facts = vec![FieldChange {
        field: "what".into(),
        before: json!(null),
        after: json!("potentials"),
    }];
    s.record_export(a, Some(user), facts.clone()).await.unwrap();
    let log = s.audit_for(a, EntityKind::Export, a.0).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action, log[0].user_id, &log[0].changes),
        (AuditAction::Export, Some(user), &facts)
    );

    // None of these events changes data, and the chain holds.
    assert_eq!(s.data_version(a).await.unwrap(), data_version);
    assert!(s.verify_audit_chain(a).await.unwrap().is_intact());
}
