//! The programme story: programmes, benefit plans and actuals, run on SQLite always and on
//! PostgreSQL when `GEVINST_TEST_POSTGRES_URL` is set (see `main.rs`).

use chrono::NaiveDate;
use gevinst_domain::business_case::LineKind;
use gevinst_domain::programme::{
    Actual, ApprovalReason, ApprovalState, Benefit, BenefitPlan, BenefitYear, MeasurementFrequency,
    Period, Programme, StatusProbabilities, Target, TargetKind,
};
use gevinst_domain::{AuditAction, AuditDraft, EntityKind, PotentialId, Status, TenantId, UserId};
use gevinst_store::prelude::*;
use gevinst_store::{ErrorKind, StoreError};
use gevinst_testkit::{dec, TestDb};

gevinst_testkit::on_both_databases!(
    programmes,
    benefit_plans_and_actuals,
    actual_approval,
    forecast_probabilities
);

fn kind<T: std::fmt::Debug>(r: Result<T, StoreError>) -> ErrorKind {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind(),
    }
}

struct Side {
    tenant: TenantId,
    user: UserId,
    pot: PotentialId,
}

async fn side(s: &dyn Store, slug: &str) -> Side {
    let (tenant, unit, user) = gevinst_testkit::tenant_with_manager(s, slug).await;
    let pot = s
        .create_potential(
            tenant,
            Some(user),
            &gevinst_testkit::valid_potential("Robot", unit),
            Status::Besluttet,
            Some(user),
        )
        .await
        .unwrap()
        .id;
    Side { tenant, user, pot }
}

fn programme(name: &str, potentials: Vec<PotentialId>) -> Programme {
    Programme {
        name: name.into(),
        first_year: 2024,
        last_year: 2027,
        targets: vec![Target {
            kind: TargetKind::KrPerYear,
            amount: dec("20000000.50"),
            deadline_year: 2027,
            milestones: vec![],
        }],
        potentials,
        distribution_keys: vec![],
    }
}

fn plan(potential: PotentialId, owner: UserId) -> BenefitPlan {
    BenefitPlan {
        potential,
        first_year: 2025,
        last_year: 2026,
        frequency: MeasurementFrequency::Quarterly,
        based_on_case_version: Some(3),
        benefits: vec![Benefit {
            line: 1,
            kind: LineKind::FrigjorteTimer,
            label: "Færre kørsler".into(),
            hjemtagbar: true,
            owner: Some(owner),
            kpi: "Timer".into(),
            measurement_method: "Tidsregistrering".into(),
            baseline: Some(dec("1200.25")),
            baseline_note: String::new(),
            targets: vec![
                BenefitYear {
                    year: 2025,
                    amount: dec("500"),
                    kr: dec("175000.10"),
                },
                BenefitYear {
                    year: 2026,
                    amount: dec("1000"),
                    kr: dec("350000.20"),
                },
            ],
        }],
    }
}

fn plan_audit(p: PotentialId, action: AuditAction, who: UserId) -> AuditDraft {
    AuditDraft {
        entity: EntityKind::BenefitPlan,
        entity_id: p.0,
        action,
        user_id: Some(who),
        actor: None,
        changes: vec![],
        reason: None,
    }
}

fn actual(period: Period) -> Actual {
    Actual {
        line: 1,
        period,
        hours: dec("120.5"),
        kr: dec("0"),
        fte: dec("0"),
        invisible_hours: dec("3"),
        harvested: dec("40000.01"),
        budget_reference: "Konto 5.32".into(),
        harvested_on: NaiveDate::from_ymd_opt(2025, 4, 1),
        note: String::new(),
        approval: Default::default(),
        approval_reasons: vec![],
    }
}

async fn programmes(db: &TestDb) {
    let s = db.store();
    let a = side(s, "alpha").await;
    let b = side(s, "beta").await;
    let nf = ErrorKind::NotFound;

    let first = programme("Digitalisering 2024-2027", vec![a.pot]);
    let a_before = s.data_version(a.tenant).await.unwrap();
    let b_before = s.data_version(b.tenant).await.unwrap();
    let created = s
        .create_programme(a.tenant, Some(a.user), &first)
        .await
        .unwrap();
    // Every audited change moves the tenant's data version, and only that tenant's.
    assert!(s.data_version(a.tenant).await.unwrap() > a_before);
    assert_eq!(s.data_version(b.tenant).await.unwrap(), b_before);
    assert_eq!(created.version, 1);
    assert_eq!(created.programme, first);
    let read = s.programme(a.tenant, created.id).await.unwrap();
    assert_eq!(read, created);
    assert_eq!(read.programme.targets[0].amount.to_string(), "20000000.50");

    // Another tenant's potential cannot be included; nothing is created.
    assert_eq!(
        kind(
            s.create_programme(a.tenant, Some(a.user), &programme("X", vec![b.pot]))
                .await
        ),
        nf
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM programmes").await, 1);

    // Update with the right version; stale versions change nothing.
    let mut second = first.clone();
    second.name = "Digitalisering og effektivisering".into();
    second.last_year = 2028;
    let updated = s
        .update_programme(a.tenant, Some(a.user), created.id, 1, &second)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    for stale in [0, 1, 3] {
        assert_eq!(
            kind(
                s.update_programme(a.tenant, Some(a.user), created.id, stale, &first)
                    .await
            ),
            ErrorKind::Conflict
        );
    }
    assert_eq!(s.programme(a.tenant, created.id).await.unwrap(), updated);

    // Tenant isolation: B sees nothing of A's programme.
    assert_eq!(kind(s.programme(b.tenant, created.id).await), nf);
    assert_eq!(
        kind(
            s.update_programme(b.tenant, Some(b.user), created.id, 2, &first)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.audit_for(b.tenant, EntityKind::Programme, created.id.0)
                .await
        ),
        nf
    );
    assert!(s.list_programmes(b.tenant).await.unwrap().is_empty());
    assert_eq!(s.list_programmes(a.tenant).await.unwrap(), vec![updated]);
    // A's acting user cannot be recorded on B's programme, and vice versa.
    let b_prog = s
        .create_programme(b.tenant, Some(b.user), &programme("B", vec![b.pot]))
        .await
        .unwrap();
    assert_eq!(
        kind(
            s.update_programme(b.tenant, Some(a.user), b_prog.id, 1, &first)
                .await
        ),
        nf
    );
    assert_eq!(s.programme(b.tenant, b_prog.id).await.unwrap(), b_prog);

    // Audited: the creation with every field, the update with the changed ones.
    let log = s
        .audit_for(a.tenant, EntityKind::Programme, created.id.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(log[0].user_id, Some(a.user));
    assert_eq!(log[1].action, AuditAction::Update);
    let fields: Vec<&str> = log[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["last_year", "name"]);
}

async fn benefit_plans_and_actuals(db: &TestDb) {
    let s = db.store();
    let a = side(s, "alpha").await;
    let b = side(s, "beta").await;
    let nf = ErrorKind::NotFound;
    let create = plan_audit(a.pot, AuditAction::Create, a.user);
    let update = plan_audit(a.pot, AuditAction::Update, a.user);

    assert_eq!(s.benefit_plan(a.tenant, a.pot).await.unwrap(), None);
    assert_eq!(kind(s.benefit_plan(a.tenant, b.pot).await), nf);
    // No plan yet: actuals are refused.
    assert_eq!(
        kind(
            s.add_actual(
                a.tenant,
                Some(a.user),
                a.pot,
                &actual(Period::of_year(2025).unwrap())
            )
            .await
        ),
        nf
    );
    assert!(s.list_actuals(a.tenant, a.pot).await.unwrap().is_empty());

    let p1 = plan(a.pot, a.user);
    let stored = s
        .put_benefit_plan(a.tenant, Some(a.user), a.pot, None, &p1, &create)
        .await
        .unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.plan, p1);
    assert_eq!(
        s.benefit_plan(a.tenant, a.pot).await.unwrap(),
        Some(stored.clone())
    );

    // Create again, stale or future versions: conflict, nothing changes, no audit.
    let mut p2 = p1.clone();
    p2.benefits[0].kpi = "Timer pr. uge".into();
    for (expected, audit) in [(None, &create), (Some(0), &update), (Some(2), &update)] {
        assert_eq!(
            kind(
                s.put_benefit_plan(a.tenant, Some(a.user), a.pot, expected, &p2, audit)
                    .await
            ),
            ErrorKind::Conflict
        );
    }
    assert_eq!(
        s.benefit_plan(a.tenant, a.pot).await.unwrap(),
        Some(stored.clone())
    );
    let v2 = s
        .put_benefit_plan(a.tenant, Some(a.user), a.pot, Some(1), &p2, &update)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(
        s.list_benefit_plans(a.tenant).await.unwrap(),
        vec![v2.clone()]
    );
    assert!(s.list_benefit_plans(b.tenant).await.unwrap().is_empty());
    let log = s
        .audit_for(a.tenant, EntityKind::BenefitPlan, a.pot.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);

    // Another tenant's potential: NotFound for plans and actuals.
    assert_eq!(
        kind(
            s.put_benefit_plan(a.tenant, Some(a.user), b.pot, None, &p1, &create)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.add_actual(
                a.tenant,
                Some(a.user),
                b.pot,
                &actual(Period::of_year(2025).unwrap())
            )
            .await
        ),
        nf
    );
    assert_eq!(kind(s.list_actuals(a.tenant, b.pot).await), nf);
    assert_eq!(
        kind(
            s.audit_for(a.tenant, EntityKind::BenefitPlan, b.pot.0)
                .await
        ),
        nf
    );

    // Actuals are appended, read back exactly, oldest first, each audited.
    let q1 = actual(Period::of_quarter(2025, 1).unwrap());
    let y = actual(Period::of_year(2026).unwrap());
    let id1 = s
        .add_actual(a.tenant, Some(a.user), a.pot, &q1)
        .await
        .unwrap();
    let id2 = s.add_actual(a.tenant, None, a.pot, &y).await.unwrap();
    assert!(id2 > id1);
    let list = s.list_actuals(a.tenant, a.pot).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].id, &list[0].actual), (id1, &q1));
    assert_eq!(list[0].recorded_by, Some(a.user));
    assert_eq!(
        (list[1].id, &list[1].actual, list[1].recorded_by),
        (id2, &y, None)
    );
    assert_eq!(list[0].actual.harvested.to_string(), "40000.01");
    let log = s
        .audit_for(a.tenant, EntityKind::Actual, id1)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, AuditAction::Create);
    assert!(log[0].changes.iter().any(|c| c.field == "harvested"));
    assert_eq!(
        kind(s.audit_for(b.tenant, EntityKind::Actual, id1).await),
        nf
    );

    // A user of another tenant cannot be recorded on A's actual; nothing is added.
    assert_eq!(
        kind(s.add_actual(a.tenant, Some(b.user), a.pot, &q1).await),
        nf
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM actuals").await, 2);
    assert!(s.list_actuals(b.tenant, b.pot).await.unwrap().is_empty());
    // All of a tenant's actuals at once: A's two, none for B.
    assert_eq!(s.list_tenant_actuals(a.tenant).await.unwrap(), list);
    assert!(s.list_tenant_actuals(b.tenant).await.unwrap().is_empty());
}

fn decision(id: i64, action: AuditAction, who: UserId, to: ApprovalState) -> AuditDraft {
    AuditDraft {
        entity: EntityKind::Actual,
        entity_id: id,
        action,
        user_id: Some(who),
        changes: vec![gevinst_domain::FieldChange {
            field: "approval".into(),
            before: "pending".into(),
            after: to.as_str().into(),
        }],
        reason: None,
        actor: None,
    }
}

/// A flagged actual is stored pending with its reasons; a decision changes its state once,
/// with who and when, audited in the same transaction; the approval data version moves.
async fn actual_approval(db: &TestDb) {
    let s = db.store();
    let a = side(s, "alpha").await;
    let b = side(s, "beta").await;
    let create = plan_audit(a.pot, AuditAction::Create, a.user);
    s.put_benefit_plan(
        a.tenant,
        Some(a.user),
        a.pot,
        None,
        &plan(a.pot, a.user),
        &create,
    )
    .await
    .unwrap();
    let mut flagged = actual(Period::of_year(2025).unwrap());
    flagged.approval = ApprovalState::Pending;
    flagged.approval_reasons = vec![ApprovalReason::AboveThreshold];
    let id = s
        .add_actual(a.tenant, Some(a.user), a.pot, &flagged)
        .await
        .unwrap();
    let ordinary = s
        .add_actual(
            a.tenant,
            Some(a.user),
            a.pot,
            &actual(Period::of_year(2026).unwrap()),
        )
        .await
        .unwrap();
    let list = s.list_actuals(a.tenant, a.pot).await.unwrap();
    assert_eq!(list[0].actual, flagged);
    assert_eq!((list[0].decided_by, list[0].decided_at), (None, None));
    assert_eq!(list[1].actual.approval, ApprovalState::NotRequired);

    // Another tenant, another potential or an unknown id: NotFound, nothing changes.
    let approve = decision(id, AuditAction::Approve, a.user, ApprovalState::Approved);
    let nf = ErrorKind::NotFound;
    for (tenant, pot, actual_id) in [
        (b.tenant, a.pot, id),
        (a.tenant, b.pot, id),
        (a.tenant, a.pot, 999_999),
    ] {
        assert_eq!(
            kind(
                s.decide_actual(
                    tenant,
                    Some(a.user),
                    pot,
                    actual_id,
                    ApprovalState::Approved,
                    "",
                    &approve
                )
                .await
            ),
            nf
        );
    }
    // An actual that is not pending: Conflict.
    let other = decision(
        ordinary,
        AuditAction::Approve,
        a.user,
        ApprovalState::Approved,
    );
    assert_eq!(
        kind(
            s.decide_actual(
                a.tenant,
                Some(a.user),
                a.pot,
                ordinary,
                ApprovalState::Approved,
                "",
                &other
            )
            .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(
        s.audit_for(a.tenant, EntityKind::Actual, id)
            .await
            .unwrap()
            .len(),
        1
    );

    let before = s.data_version(a.tenant).await.unwrap();
    let decided = s
        .decide_actual(
            a.tenant,
            Some(a.user),
            a.pot,
            id,
            ApprovalState::Rejected,
            "Dobbelt",
            &approve,
        )
        .await
        .unwrap();
    assert_eq!(decided.actual.approval, ApprovalState::Rejected);
    assert_eq!(
        decided.actual.approval_reasons,
        [ApprovalReason::AboveThreshold]
    );
    assert_eq!(decided.decided_by, Some(a.user));
    assert!(decided.decided_at.is_some());
    assert_eq!(decided.decision_note, "Dobbelt");
    assert_eq!(s.list_actuals(a.tenant, a.pot).await.unwrap()[0], decided);
    assert!(s.data_version(a.tenant).await.unwrap() > before);
    let log = s.audit_for(a.tenant, EntityKind::Actual, id).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].action, AuditAction::Approve);
    // Decided once: a second decision is a Conflict.
    assert_eq!(
        kind(
            s.decide_actual(
                a.tenant,
                Some(a.user),
                a.pot,
                id,
                ApprovalState::Approved,
                "",
                &approve
            )
            .await
        ),
        ErrorKind::Conflict
    );
}

async fn forecast_probabilities(db: &TestDb) {
    let s = db.store();
    let a = side(s, "alpha").await;
    let b = side(s, "beta").await;

    assert_eq!(
        s.status_probabilities(a.tenant).await.unwrap(),
        (StatusProbabilities::default(), 0)
    );
    assert_eq!(
        kind(s.status_probabilities(TenantId(987_654)).await),
        ErrorKind::NotFound
    );
    let first = StatusProbabilities {
        besluttet: dec("0.755"),
        ..StatusProbabilities::default()
    };
    assert_eq!(
        s.set_status_probabilities(a.tenant, Some(a.user), 0, &first)
            .await
            .unwrap(),
        1
    );
    let mut second = first.clone();
    second.ide = dec("0.05");
    for stale in [0, 2] {
        assert_eq!(
            kind(
                s.set_status_probabilities(a.tenant, Some(a.user), stale, &second)
                    .await
            ),
            ErrorKind::Conflict
        );
    }
    let (read, v) = s.status_probabilities(a.tenant).await.unwrap();
    assert_eq!((&read, v), (&first, 1));
    assert_eq!(read.besluttet.to_string(), "0.755");
    assert_eq!(
        s.set_status_probabilities(a.tenant, Some(a.user), 1, &second)
            .await
            .unwrap(),
        2
    );
    // The other tenant keeps its defaults; A's user cannot be recorded on B's settings.
    assert_eq!(
        s.status_probabilities(b.tenant).await.unwrap(),
        (StatusProbabilities::default(), 0)
    );
    assert_eq!(
        kind(
            s.set_status_probabilities(b.tenant, Some(a.user), 0, &second)
                .await
        ),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.status_probabilities(b.tenant).await.unwrap(),
        (StatusProbabilities::default(), 0)
    );
    let log = s
        .audit_for(a.tenant, EntityKind::StatusProbabilities, a.tenant.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].changes.len(), 1);
    assert_eq!(log[0].changes[0].field, "besluttet");
    assert_eq!(log[1].changes[0].field, "ide");
    assert_eq!(
        kind(
            s.audit_for(a.tenant, EntityKind::StatusProbabilities, b.tenant.0)
                .await
        ),
        ErrorKind::NotFound
    );
}
