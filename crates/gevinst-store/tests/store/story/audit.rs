//! Versions, the audit log (append-only), and batches that are all or nothing.

use super::*;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(
    versions_and_audit,
    audit_log_is_append_only,
    batch_is_all_or_nothing
);

async fn versions_and_audit(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, me) = (w.a.id, Some(w.a_user));
    let created = s.potential(a, w.a_pot).await.unwrap();
    assert_eq!(
        (created.version, created.status, created.submitted_by),
        (1, Status::Ide, Some(w.a_user))
    );
    assert_eq!(created.created_at, created.updated_at);

    // Create entry: every non-null field from null, no bookkeeping fields.
    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    let e = &log[0];
    assert_eq!(
        (e.action, e.user_id, e.user_name.as_deref(), e.tenant_id),
        (AuditAction::Create, me, Some("Anna"), a)
    );
    assert!(e.changes.contains(&FieldChange {
        field: "title".into(),
        before: json!(null),
        after: json!("Robot A")
    }));
    assert!(e.changes.contains(&FieldChange {
        field: "status".into(),
        before: json!(null),
        after: json!("ide")
    }));
    assert!(!e
        .changes
        .iter()
        .any(|c| ["id", "version", "created_at"].contains(&c.field.as_str())));

    // Update with the right version.
    let edited = ValidPotential {
        title: "Robot til journalisering".into(),
        tags: vec!["RPA".into(), "Jobcenter".into()],
        ..gevinst_testkit::valid_potential("", w.a_unit)
    };
    let after_model = created.with(&edited);
    let audit = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.a_pot.0,
        action: AuditAction::Update,
        user_id: me,
        actor: None,
        changes: gevinst_domain::audit::changes(&created, &after_model),
        reason: None,
    };
    assert_eq!(audit.changes.len(), 2, "title and tags");
    let v2 = s
        .update_potential(a, w.a_pot, 1, &edited, &audit)
        .await
        .unwrap();
    assert_eq!(
        (v2.version, v2.title.as_str()),
        (2, "Robot til journalisering")
    );
    assert_eq!(v2.tags, ["RPA", "Jobcenter"]);
    assert!(v2.updated_at >= created.updated_at);
    assert_eq!(v2.created_at, created.created_at);
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);

    // A stale version changes nothing, not even the audit log.
    let stale = ValidPotential {
        title: "Stale write".into(),
        ..edited.clone()
    };
    assert_eq!(
        kind(s.update_potential(a, w.a_pot, 1, &stale, &audit).await),
        ErrorKind::Conflict
    );
    assert_eq!(
        kind(s.update_potential(a, w.a_pot, 3, &stale, &audit).await),
        ErrorKind::Conflict
    );
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);
    assert_eq!(
        s.audit_for(a, EntityKind::Potential, w.a_pot.0)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        kind(s.potential(a, PotentialId(987_654)).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(
            s.update_potential(a, PotentialId(987_654), 1, &stale, &audit)
                .await
        ),
        ErrorKind::NotFound
    );

    // Status changes: stale version, wrong `from`, then a good one.
    let to_vur =
        |v: i64, from: Status| s.change_status(a, me, w.a_pot, v, from, Status::Vurderet, None);
    assert_eq!(kind(to_vur(1, Status::Ide).await), ErrorKind::Conflict);
    assert_eq!(kind(to_vur(2, Status::Parkeret).await), ErrorKind::Conflict);
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);
    assert!(s.status_history(a, w.a_pot).await.unwrap().is_empty());
    let v3 = to_vur(2, Status::Ide).await.unwrap();
    assert_eq!(
        (v3.version, v3.status, v3.title.as_str()),
        (3, Status::Vurderet, "Robot til journalisering")
    );
    let v4 = s
        .change_status(
            a,
            me,
            w.a_pot,
            3,
            Status::Vurderet,
            Status::Parkeret,
            Some("Afventer budget 2026"),
        )
        .await
        .unwrap();
    assert_eq!((v4.version, v4.status), (4, Status::Parkeret));

    let hist = s.status_history(a, w.a_pot).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(
        (hist[0].from, hist[0].to, hist[0].reason.as_deref()),
        (Status::Ide, Status::Vurderet, None)
    );
    assert_eq!(
        (
            hist[1].from,
            hist[1].to,
            hist[1].reason.as_deref(),
            hist[1].user_id
        ),
        (
            Status::Vurderet,
            Status::Parkeret,
            Some("Afventer budget 2026"),
            me
        )
    );
    assert_eq!(hist[1].potential_id, w.a_pot);
    assert!(hist[0].at <= hist[1].at);
    // The tenant's latest changes: newest first, limited, and none of tenant B's.
    let recent = s.recent_status_changes(a, 10).await.unwrap();
    assert_eq!(recent, hist.iter().rev().cloned().collect::<Vec<_>>());
    assert_eq!(
        s.recent_status_changes(a, 1).await.unwrap(),
        [hist[1].clone()]
    );
    assert!(s
        .recent_status_changes(w.b.id, 10)
        .await
        .unwrap()
        .is_empty());

    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::StatusChange,
            AuditAction::StatusChange
        ]
    );
    assert!(
        log.windows(2)
            .all(|p| p[0].id < p[1].id && p[0].at <= p[1].at),
        "oldest first"
    );
    assert_eq!(
        log[1].changes,
        vec![
            FieldChange {
                field: "tags".into(),
                before: json!([]),
                after: json!(["RPA", "Jobcenter"])
            },
            FieldChange {
                field: "title".into(),
                before: json!("Robot A"),
                after: json!("Robot til journalisering")
            },
        ]
    );
    assert_eq!(
        log[3].changes,
        vec![FieldChange {
            field: "status".into(),
            before: json!("vurderet"),
            after: json!("parkeret")
        }]
    );
    assert_eq!(log[3].reason.as_deref(), Some("Afventer budget 2026"));
    assert_eq!(log[3].user_name.as_deref(), Some("Anna"));

    // append_audit, e.g. for an export; system actor has no name.
    let extra = AuditDraft {
        action: AuditAction::Revoke,
        user_id: None,
        actor: None,
        changes: vec![],
        ..audit.clone()
    };
    db.concrete().append_audit(a, &extra).await.unwrap();
    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(
        (log[4].action, log[4].user_id, log[4].user_name.as_deref()),
        (AuditAction::Revoke, None, None)
    );
    // B's audit is separate.
    assert_eq!(
        s.audit_for(w.b.id, EntityKind::Potential, w.b_pot.0)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn audit_log_is_append_only(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let before = db.raw_count("SELECT COUNT(*) FROM audit_log").await;
    assert!(
        before >= 8,
        "tenants, units, users and potentials were audited, got {before}"
    );
    assert!(db
        .raw_execute("UPDATE audit_log SET reason = 'tampered'")
        .await
        .is_err());
    assert!(db
        .raw_execute(&format!(
            "UPDATE audit_log SET user_id = NULL WHERE tenant_id = {}",
            w.a.id
        ))
        .await
        .is_err());
    assert!(db.raw_execute("DELETE FROM audit_log").await.is_err());
    assert!(db
        .raw_execute(&format!(
            "DELETE FROM audit_log WHERE entity_id = {}",
            w.a_pot
        ))
        .await
        .is_err());
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM audit_log").await, before);
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE reason = 'tampered'")
            .await,
        0
    );
    // An entry outside the hash chain is refused; appending through the store works.
    assert!(db
        .raw_execute(&format!(
            "INSERT INTO audit_log (tenant_id, entity, entity_id, action, at, changes) \
             VALUES ({}, 'potential', 1, 'update', '2024-01-01T00:00:00+00:00', '[]')",
            w.a.id
        ))
        .await
        .is_err());
    let extra = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.a_pot.0,
        action: AuditAction::Update,
        user_id: None,
        actor: None,
        changes: vec![],
        reason: Some("appended".into()),
    };
    db.concrete().append_audit(w.a.id, &extra).await.unwrap();
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        before + 1
    );
}

async fn batch_is_all_or_nothing(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let a = w.a.id;
    let audit_before = db.raw_count("SELECT COUNT(*) FROM audit_log").await;
    let bad_batches = [
        vec![
            (
                gevinst_testkit::valid_potential("Et", w.a_unit),
                Status::Ide,
                None,
            ),
            (
                gevinst_testkit::valid_potential("To", w.a_unit),
                Status::Ide,
                None,
            ),
            (
                gevinst_testkit::valid_potential("B's unit", w.b_unit),
                Status::Ide,
                None,
            ),
        ],
        vec![
            (
                gevinst_testkit::valid_potential("Et", w.a_unit),
                Status::Ide,
                None,
            ),
            (
                gevinst_testkit::valid_potential("Ingen enhed", UnitId(987_654)),
                Status::Ide,
                None,
            ),
        ],
        vec![
            (
                gevinst_testkit::valid_potential("Et", w.a_unit),
                Status::Ide,
                Some(w.a_user),
            ),
            (
                gevinst_testkit::valid_potential("To", w.a_unit),
                Status::Ide,
                Some(w.b_user),
            ),
        ],
    ];
    for batch in &bad_batches {
        assert_eq!(
            kind(s.create_potentials(a, None, batch).await),
            ErrorKind::NotFound
        );
    }
    assert_eq!(
        s.list_potentials(a, &PotentialQuery::default())
            .await
            .unwrap()
            .total,
        1,
        "only the world's one"
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );

    let good: Vec<_> = (1..=120)
        .map(|i| {
            (
                gevinst_testkit::valid_potential(&format!("Import {i:03}"), w.a_unit),
                if i % 2 == 0 {
                    Status::Vurderet
                } else {
                    Status::Ide
                },
                None,
            )
        })
        .collect();
    let ids = s.create_potentials(a, None, &good).await.unwrap();
    assert_eq!(ids.len(), 120);
    assert!(ids.windows(2).all(|p| p[0] < p[1]));
    assert_eq!(s.potential(a, ids[119]).await.unwrap().title, "Import 120");
    assert_eq!(
        s.potential(a, ids[1]).await.unwrap().status,
        Status::Vurderet
    );
    assert_eq!(
        s.list_potentials(a, &PotentialQuery::default())
            .await
            .unwrap()
            .total,
        121
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        audit_before + 120
    );
    assert_eq!(s.create_potentials(a, None, &[]).await.unwrap(), vec![]);
}
