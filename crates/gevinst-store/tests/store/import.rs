//! The import story: one transaction for a whole import, and saved column mappings, run on
//! SQLite always and on PostgreSQL when `GEVINST_TEST_POSTGRES_URL` is set (see `main.rs`).

use std::sync::Mutex;

use gevinst_domain::business_case::{BusinessCase, Line, LineKind};
use gevinst_domain::{
    AuditAction, EntityKind, FagomraadeId, PotentialId, Status, TechnologyId, TenantId, UnitId,
    UserId, ValidPotential,
};
use gevinst_store::prelude::*;
use gevinst_store::{ErrorKind, ImportAction, ImportBatch, ImportNewUnit, ImportRow, StoreError};
use gevinst_testkit::{dec, TestDb};

gevinst_testkit::on_both_databases!(all_or_nothing, tenant_isolation, saved_mappings);

fn kind<T: std::fmt::Debug>(r: Result<T, StoreError>) -> StoreError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

struct Side {
    tenant: TenantId,
    user: UserId,
    unit: UnitId,
    pot: PotentialId,
}

fn valid(title: &str, unit: UnitId) -> ValidPotential {
    ValidPotential {
        description: "Fra regnearket".into(),
        tags: vec!["import".into()],
        ..gevinst_testkit::valid_potential(title, unit)
    }
}

async fn side(s: &dyn Store, slug: &str) -> Side {
    let (tenant, unit, user) = gevinst_testkit::tenant_with_manager(s, slug).await;
    let pot = s
        .create_potential(
            tenant,
            Some(user),
            &valid("Robot til post", unit),
            Status::Vurderet,
            Some(user),
        )
        .await
        .unwrap()
        .id;
    Side {
        tenant,
        user,
        unit,
        pot,
    }
}

/// Row `row` updating potential `id` (read at `expected_version`) to `potential`, with no
/// new reference values.
fn update_row(
    row: u32,
    potential: ValidPotential,
    id: PotentialId,
    expected_version: i64,
    case: Option<BusinessCase>,
) -> ImportRow {
    ImportRow {
        row,
        potential,
        new_unit: None,
        new_fagomraade: None,
        new_technology: None,
        action: ImportAction::Update {
            id,
            expected_version,
        },
        business_case: case.map(|c| (c, None)),
    }
}

fn case(gain: &str) -> BusinessCase {
    BusinessCase {
        start_year: 2025,
        horizon: 2,
        discount_rate: None,
        lines: vec![
            Line::certain(
                LineKind::Investering,
                "Investering",
                vec![dec("100000"), dec("0")],
            ),
            Line::certain(
                LineKind::DirekteBesparelse,
                "Gevinst",
                vec![dec(gain), dec(gain)],
            ),
        ],
        risks: vec![],
    }
}

const TABLES: [&str; 6] = [
    "units",
    "fagomraader",
    "technologies",
    "potentials",
    "business_cases",
    "audit_log",
];

async fn counts(db: &TestDb) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(db.raw_count(&format!("SELECT COUNT(*) FROM {t}")).await);
    }
    out
}

fn batch(a: &Side, stale_row: bool) -> ImportBatch {
    let mut new_row = ImportRow {
        row: 2,
        potential: valid("Chatbot i jobcentret", a.unit),
        new_unit: Some(0),
        new_fagomraade: Some(0),
        new_technology: Some(0),
        action: ImportAction::Create {
            status: Status::Besluttet,
            submitted_by: Some(a.user),
            status_change: None,
        },
        business_case: Some((case("250000.50"), None)),
    };
    new_row.potential.benefit_owner = Some(a.user);
    let mut rows = vec![
        new_row,
        update_row(
            3,
            valid("Robot til post og scanning", a.unit),
            a.pot,
            1,
            Some(case("40000")),
        ),
    ];
    if stale_row {
        // The row before moved the potential to version 2: this row is stale.
        rows.push(update_row(4, valid("Robot igen", a.unit), a.pot, 1, None));
        rows.push(ImportRow {
            row: 5,
            potential: valid("Efter fejlen", a.unit),
            new_unit: None,
            new_fagomraade: None,
            new_technology: None,
            action: ImportAction::Create {
                status: Status::Ide,
                submitted_by: None,
                status_change: None,
            },
            business_case: None,
        });
    }
    ImportBatch {
        batch_id: "b-1".into(),
        new_units: vec![
            ImportNewUnit {
                name: "Jobcenter".into(),
                parent: Some(a.unit),
                new_parent: None,
            },
            ImportNewUnit {
                name: "Ungeenheden".into(),
                parent: None,
                new_parent: Some(0),
            },
        ],
        new_fagomraader: vec!["Borgerrådgivning".into()],
        new_technologies: vec!["Dronefoto".into()],
        rows,
    }
}

async fn all_or_nothing(db: &TestDb) {
    let s = db.store();
    let a = side(s, "aarhus").await;
    let before = counts(db).await;

    // A stale row in the middle: nothing at all is written.
    let seen = Mutex::new(Vec::new());
    let progress = |n: usize| seen.lock().unwrap().push(n);
    let e = kind(
        s.commit_import(a.tenant, Some(a.user), &batch(&a, true), Some(&progress))
            .await,
    );
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("row 4"), "{e}");
    assert_eq!(counts(db).await, before);
    assert_eq!(*seen.lock().unwrap(), vec![1, 2]);
    let p = s.potential(a.tenant, a.pot).await.unwrap();
    assert_eq!((p.title.as_str(), p.version), ("Robot til post", 1));
    assert_eq!(s.business_case(a.tenant, a.pot).await.unwrap(), None);

    // A taken fagområde name (created by the tenant's defaults or earlier) also rolls back.
    let mut dup = batch(&a, false);
    dup.new_fagomraader = vec!["Borgerrådgivning".into(), "Borgerrådgivning".into()];
    assert_eq!(
        kind(s.commit_import(a.tenant, Some(a.user), &dup, None).await).kind(),
        ErrorKind::Duplicate
    );
    assert_eq!(counts(db).await, before);

    // Without the stale row it all goes in.
    seen.lock().unwrap().clear();
    let out = s
        .commit_import(a.tenant, Some(a.user), &batch(&a, false), Some(&progress))
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![1, 2]);
    assert_eq!((out.created, out.updated, out.business_cases), (1, 1, 2));
    assert_eq!(out.units.len(), 2);
    assert_eq!(out.units[0].name, "Jobcenter");
    assert_eq!(out.units[0].parent_id, Some(a.unit));
    assert_eq!(out.units[1].name, "Ungeenheden");
    assert_eq!(out.units[1].parent_id, Some(out.units[0].id));
    assert_eq!(out.fagomraader[0].name, "Borgerrådgivning");
    assert_eq!(out.technologies[0].name, "Dronefoto");
    assert_eq!(out.potentials.len(), 2);
    assert_eq!(out.potentials[1], a.pot);
    let after = counts(db).await;
    // units +2, fagområder +1, technologies +1, potentials +1, business cases +2, and
    // 4 + 2 + 2 audit entries (records, potentials, business cases).
    let expected: Vec<i64> = before
        .iter()
        .zip([2, 1, 1, 1, 2, 8])
        .map(|(b, d)| b + d)
        .collect();
    assert_eq!(after, expected);

    let created = s.potential(a.tenant, out.potentials[0]).await.unwrap();
    assert_eq!(created.title, "Chatbot i jobcentret");
    assert_eq!(created.unit_id, out.units[0].id);
    assert_eq!(
        created.fagomraade_id,
        Some(FagomraadeId(out.fagomraader[0].id))
    );
    assert_eq!(
        created.technology_id,
        Some(TechnologyId(out.technologies[0].id))
    );
    assert_eq!(created.status, Status::Besluttet);
    assert_eq!(created.submitted_by, Some(a.user));
    assert_eq!(created.benefit_owner, Some(a.user));
    let stored = s
        .business_case(a.tenant, created.id)
        .await
        .unwrap()
        .expect("case");
    assert_eq!(stored.case, case("250000.50"));
    assert_eq!(stored.version, 1);

    let updated = s.potential(a.tenant, a.pot).await.unwrap();
    assert_eq!(updated.title, "Robot til post og scanning");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.status, Status::Vurderet);

    let log = s
        .audit_for(a.tenant, EntityKind::Potential, a.pot.0)
        .await
        .unwrap();
    let last = log.last().expect("audit entry");
    assert_eq!(last.action, AuditAction::Update);
    assert_eq!(last.reason.as_deref(), Some("Import b-1"));
    assert_eq!(last.user_id, Some(a.user));
    assert!(last.changes.iter().any(|c| c.field == "title"));
    let case_log = s
        .audit_for(a.tenant, EntityKind::BusinessCase, created.id.0)
        .await
        .unwrap();
    assert_eq!(case_log.len(), 1);
    assert_eq!(case_log[0].reason.as_deref(), Some("Import b-1"));

    // Replacing a stored case needs its version; a missing version is a conflict.
    let mut again = ImportBatch {
        batch_id: "b-2".into(),
        rows: vec![update_row(
            2,
            valid("Robot til post og scanning", a.unit),
            a.pot,
            2,
            Some(case("45000")),
        )],
        ..Default::default()
    };
    let mid = counts(db).await;
    assert_eq!(
        kind(s.commit_import(a.tenant, Some(a.user), &again, None).await).kind(),
        ErrorKind::Conflict
    );
    assert_eq!(counts(db).await, mid);
    again.rows[0].business_case = Some((case("45000"), Some(1)));
    let out = s
        .commit_import(a.tenant, Some(a.user), &again, None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated, out.business_cases), (0, 1, 1));
    let stored = s.business_case(a.tenant, a.pot).await.unwrap().unwrap();
    assert_eq!((stored.case.clone(), stored.version), (case("45000"), 2));
}

async fn tenant_isolation(db: &TestDb) {
    let s = db.store();
    let a = side(s, "aarhus").await;
    let b = side(s, "billund").await;
    let before = counts(db).await;

    // B cannot update A's potential.
    let upd = ImportBatch {
        batch_id: "x".into(),
        rows: vec![update_row(7, valid("Kapret", b.unit), a.pot, 1, None)],
        ..Default::default()
    };
    let e = kind(s.commit_import(b.tenant, Some(b.user), &upd, None).await);
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("row 7"), "{e}");

    // B cannot put a potential on A's unit, nor a new unit under A's unit.
    let mut create = batch(&b, false);
    create.rows[0].new_unit = None;
    create.rows[0].potential.unit_id = a.unit;
    create.new_units.clear();
    create.rows[0].new_fagomraade = None;
    create.rows[0].new_technology = None;
    assert_eq!(
        kind(s.commit_import(b.tenant, Some(b.user), &create, None).await).kind(),
        ErrorKind::NotFound
    );
    let mut under = batch(&b, false);
    under.new_units[0].parent = Some(a.unit);
    assert_eq!(
        kind(s.commit_import(b.tenant, Some(b.user), &under, None).await).kind(),
        ErrorKind::NotFound
    );
    // A's user cannot act in B.
    assert_ne!(
        s.commit_import(b.tenant, Some(a.user), &batch(&b, false), None)
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Ok(())
    );
    assert_eq!(counts(db).await, before);
    assert_eq!(
        s.potential(a.tenant, a.pot).await.unwrap().title,
        "Robot til post"
    );
}

async fn saved_mappings(db: &TestDb) {
    let s = db.store();
    let a = side(s, "aarhus").await;
    let b = side(s, "billund").await;
    let json = r#"{"columns":[{"header":"Navn","target":{"field":"title"}}]}"#;
    let json2 = r#"{"columns":[{"header":"Titel","target":{"field":"title"}}]}"#;
    let m = s
        .save_import_mapping(a.tenant, Some(a.user), "Økonomi 2025", json, None)
        .await
        .unwrap();
    assert_eq!(
        (m.name.as_str(), m.mapping.as_str(), m.version),
        ("Økonomi 2025", json, 1)
    );
    assert_eq!(
        kind(
            s.save_import_mapping(a.tenant, Some(a.user), "Økonomi 2025", json2, None)
                .await
        )
        .kind(),
        ErrorKind::Duplicate
    );
    let m2 = s
        .save_import_mapping(a.tenant, Some(a.user), "Økonomi 2025", json2, Some(1))
        .await
        .unwrap();
    assert_eq!((m2.mapping.as_str(), m2.version), (json2, 2));
    assert_eq!(
        kind(
            s.save_import_mapping(a.tenant, Some(a.user), "Økonomi 2025", json, Some(1))
                .await
        )
        .kind(),
        ErrorKind::Conflict
    );
    assert_eq!(
        kind(
            s.save_import_mapping(a.tenant, Some(a.user), "Ukendt", json, Some(1))
                .await
        )
        .kind(),
        ErrorKind::NotFound
    );
    s.save_import_mapping(a.tenant, None, "Anden", json, None)
        .await
        .unwrap();
    let names: Vec<String> = s
        .list_import_mappings(a.tenant)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, vec!["Anden".to_owned(), "Økonomi 2025".to_owned()]);
    // Tenant isolation: B sees none, cannot delete A's, may use the same name.
    assert!(s.list_import_mappings(b.tenant).await.unwrap().is_empty());
    assert_eq!(
        kind(
            s.delete_import_mapping(b.tenant, Some(b.user), "Anden")
                .await
        )
        .kind(),
        ErrorKind::NotFound
    );
    s.save_import_mapping(b.tenant, Some(b.user), "Anden", json2, None)
        .await
        .unwrap();
    s.delete_import_mapping(a.tenant, Some(a.user), "Anden")
        .await
        .unwrap();
    let left = s.list_import_mappings(a.tenant).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0], m2);
    assert_eq!(
        s.list_import_mappings(b.tenant).await.unwrap()[0].mapping,
        json2
    );
    // Audited on the tenant's settings.
    let log = s
        .audit_for(a.tenant, EntityKind::TenantSettings, a.tenant.0)
        .await
        .unwrap();
    let fields: Vec<(&str, AuditAction)> = log
        .iter()
        .map(|e| (e.changes[0].field.as_str(), e.action))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("import_mapping:Økonomi 2025", AuditAction::Create),
            ("import_mapping:Økonomi 2025", AuditAction::Update),
            ("import_mapping:Anden", AuditAction::Create),
            ("import_mapping:Anden", AuditAction::Revoke),
        ]
    );
}
