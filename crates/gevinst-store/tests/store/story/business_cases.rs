//! Business cases and the economics settings, and the backend-independent checks of
//! `connect`.

use super::*;
use gevinst_testkit::{dec, sample_business_case, TestDb};

gevinst_testkit::on_both_databases!(
    business_case_round_trip,
    business_case_conflicts_and_isolation,
    economics_settings
);

// ---------------------------------------------------------------- backend-independent

#[tokio::test]
async fn connect_picks_backend_by_scheme() {
    for bad in [
        "mysql://u:secret@h/db",
        "sqlit:/tmp/x.db",
        "/tmp/gevinst.db",
        "",
    ] {
        let e = match gevinst_store::connect(bad, true).await {
            Ok(_) => panic!("{bad} must be refused"),
            Err(e) => e,
        };
        assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        assert!(!e.to_string().contains("secret"), "password redacted: {e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/new/folder/g.db", dir.path().display());
    let store = gevinst_store::connect(&url, true).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    assert!(store.is_empty().await.unwrap());
    assert!(dir.path().join("new/folder/g.db").exists());
    // Running the migrations again is a no-op.
    let again = gevinst_store::connect(&url, true).await.unwrap();
    assert!(again.is_empty().await.unwrap());
}

#[tokio::test]
async fn postgres_is_configured_when_required() {
    if gevinst_testkit::postgres_required() {
        let url = std::env::var("GEVINST_TEST_POSTGRES_URL").unwrap_or_default();
        assert!(
            !url.trim().is_empty(),
            "CI / GEVINST_REQUIRE_POSTGRES=1 need GEVINST_TEST_POSTGRES_URL"
        );
    }
}

// ---------------------------------------------------------------- business cases

fn case_audit(potential: PotentialId, action: AuditAction, who: UserId) -> AuditDraft {
    AuditDraft {
        entity: EntityKind::BusinessCase,
        entity_id: potential.0,
        action,
        user_id: Some(who),
        actor: None,
        changes: vec![FieldChange {
            field: "horizon".into(),
            before: serde_json::Value::Null,
            after: json!(3),
        }],
        reason: None,
    }
}

async fn business_case_round_trip(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, p) = (w.a.id, w.a_pot);
    assert_eq!(s.business_case(a, p).await.unwrap(), None);
    assert!(s.list_business_cases(a).await.unwrap().is_empty());
    // A potential without a case has an empty business-case history.
    assert!(s
        .audit_for(a, EntityKind::BusinessCase, p.0)
        .await
        .unwrap()
        .is_empty());

    let case = sample_business_case();
    let created = s
        .put_business_case(
            a,
            Some(w.a_user),
            p,
            None,
            &case,
            &case_audit(p, AuditAction::Create, w.a_user),
        )
        .await
        .unwrap();
    assert_eq!(created.potential_id, p);
    assert_eq!(created.version, 1);
    assert_eq!(created.case, case);

    // Read back exactly: equal values, and the same decimal text (scale included).
    let read = s.business_case(a, p).await.unwrap().expect("stored case");
    assert_eq!(read, created);
    assert_eq!(
        serde_json::to_string(&read.case).unwrap(),
        serde_json::to_string(&case).unwrap()
    );
    assert_eq!(read.case.lines[0].amounts[0].to_string(), "1234567.89");
    assert_eq!(read.case.lines[2].amounts[2].to_string(), "0.1");
    assert_eq!(read.case.lines[1].amounts[1].to_string(), "40000.10");
    assert_eq!(
        read.case.lines[4].amounts[2].to_string(),
        "9999999999999.99"
    );
    assert_eq!(read.case.risks[0].probability, dec("0.1"));
    assert_eq!(s.list_business_cases(a).await.unwrap(), vec![read.clone()]);

    // Update with the version read.
    let mut changed = case.clone();
    changed.horizon = 2;
    changed.discount_rate = None;
    for l in &mut changed.lines {
        l.amounts.truncate(2);
    }
    let updated = s
        .put_business_case(
            a,
            Some(w.a_user),
            p,
            Some(1),
            &changed,
            &case_audit(p, AuditAction::Update, w.a_user),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.case, changed);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(updated.clone()));

    // Both writes are in the audit log, in order, with their field changes.
    let log = s.audit_for(a, EntityKind::BusinessCase, p.0).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(log[1].user_id, Some(w.a_user));
    assert_eq!(log[1].user_name.as_deref(), Some("Anna"));
    assert_eq!(log[0].changes[0].field, "horizon");
    // The potential's own history is untouched.
    assert_eq!(
        s.audit_for(a, EntityKind::Potential, p.0)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn business_case_conflicts_and_isolation(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, b, p) = (w.a.id, w.b.id, w.a_pot);
    let case = sample_business_case();
    let create = case_audit(p, AuditAction::Create, w.a_user);
    let update = case_audit(p, AuditAction::Update, w.a_user);

    // Replacing a case that does not exist yet is a conflict, and writes nothing.
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), p, Some(1), &case, &update)
                .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(s.business_case(a, p).await.unwrap(), None);
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE entity = 'business_case'")
            .await,
        0
    );

    let stored = s
        .put_business_case(a, Some(w.a_user), p, None, &case, &create)
        .await
        .unwrap();

    // Creating again, or replacing with a stale or future version: conflict, nothing changes.
    let mut other = case.clone();
    other.start_year = 2030;
    for (expected, audit) in [(None, &create), (Some(0), &update), (Some(2), &update)] {
        assert_eq!(
            kind(
                s.put_business_case(a, Some(w.a_user), p, expected, &other, audit)
                    .await
            ),
            ErrorKind::Conflict,
            "{expected:?}"
        );
    }
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(stored.clone()));
    assert_eq!(
        s.audit_for(a, EntityKind::BusinessCase, p.0)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM business_cases").await, 1);

    // Tenant B's potential through tenant A: NotFound for reads and writes.
    let nf = ErrorKind::NotFound;
    assert_eq!(kind(s.business_case(a, w.b_pot).await), nf);
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), w.b_pot, None, &case, &create)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), w.b_pot, Some(1), &case, &update)
                .await
        ),
        nf
    );
    assert_eq!(kind(s.business_case(a, PotentialId(987_654)).await), nf);
    assert_eq!(
        kind(s.audit_for(a, EntityKind::BusinessCase, w.b_pot.0).await),
        nf
    );
    // An acting user of another tenant cannot be recorded on A's case.
    let mut foreign = update.clone();
    foreign.user_id = Some(w.b_user);
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.b_user), p, Some(1), &other, &foreign)
                .await
        ),
        nf
    );
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(stored.clone()));

    // B's own case is invisible to A; each tenant lists only its own.
    let b_case = s
        .put_business_case(
            b,
            Some(w.b_user),
            w.b_pot,
            None,
            &other,
            &case_audit(w.b_pot, AuditAction::Create, w.b_user),
        )
        .await
        .unwrap();
    assert_eq!(s.list_business_cases(a).await.unwrap(), vec![stored]);
    assert_eq!(s.list_business_cases(b).await.unwrap(), vec![b_case]);
    assert_eq!(kind(s.business_case(a, w.b_pot).await), nf);
}

async fn economics_settings(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, b) = (w.a.id, w.b.id);

    // Nothing saved: the defaults, version 0.
    assert_eq!(s.economics(a).await.unwrap(), (Economics::default(), 0));
    assert_eq!(
        kind(s.economics(TenantId(987_654)).await),
        ErrorKind::NotFound
    );

    let first = Economics {
        annual_cost_per_fte: dec("1234567.89"),
        hourly_rate_override: Some(dec("0.1")),
        ..Economics::default()
    };
    assert_eq!(
        s.set_economics(a, Some(w.a_user), 0, &first).await.unwrap(),
        1
    );
    let (read, v) = s.economics(a).await.unwrap();
    assert_eq!((read.clone(), v), (first.clone(), 1));
    assert_eq!(read.annual_cost_per_fte.to_string(), "1234567.89");
    assert_eq!(read.discount_rate.to_string(), "0.035");

    // Stale versions change nothing and write no audit entry.
    let mut second = first.clone();
    second.discount_rate = dec("0.04");
    second.channel_costs.telephone = dec("55.5");
    for stale in [0, 2, 7] {
        assert_eq!(
            kind(s.set_economics(a, Some(w.a_user), stale, &second).await),
            ErrorKind::Conflict,
            "{stale}"
        );
    }
    assert_eq!(s.economics(a).await.unwrap(), (first.clone(), 1));

    assert_eq!(
        s.set_economics(a, Some(w.a_user), 1, &second)
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.economics(a).await.unwrap(), (second.clone(), 2));

    // The other tenant keeps the defaults; tenant A cannot touch them.
    assert_eq!(s.economics(b).await.unwrap(), (Economics::default(), 0));
    assert_eq!(
        kind(s.audit_for(a, EntityKind::TenantSettings, b.0).await),
        ErrorKind::NotFound
    );

    // Audited with field-level before and after.
    let log = s
        .audit_for(a, EntityKind::TenantSettings, a.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(
        log[0].changes,
        vec![
            FieldChange {
                field: "annual_cost_per_fte".into(),
                before: json!("500000"),
                after: json!("1234567.89"),
            },
            FieldChange {
                field: "hourly_rate_override".into(),
                before: serde_json::Value::Null,
                after: json!("0.1"),
            },
        ]
    );
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(log[1].user_id, Some(w.a_user));
    let fields: Vec<&str> = log[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["channel_costs", "discount_rate"]);
    assert_eq!(log[1].changes[1].before, json!("0.035"));
    assert_eq!(log[1].changes[1].after, json!("0.04"));
}
