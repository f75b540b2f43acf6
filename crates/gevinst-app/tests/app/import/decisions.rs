//! Decisions the user makes for single rows, on SQLite and PostgreSQL: possible
//! duplicates under another external id (skipped unless kept), and the reasons the
//! lifecycle rules ask for (from a column, or one reason for all).

use super::*;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(
    renumbered_duplicates_are_skipped_unless_kept,
    statuses_that_need_a_reason_take_it_from_the_file_or_the_choice,
);

struct Side {
    store: DynStore,
    tenant: Tenant,
    admin: Principal,
    jobcenter: UnitId,
}

async fn side(db: &TestDb) -> Side {
    let store = db.shared();
    let t = tenant(&store, "dubletter").await;
    let jobcenter = store
        .create_unit(t.id, None, None, "Jobcenter")
        .await
        .unwrap()
        .id;
    let admin = principal(&store, t.id, "admin@dubletter.dk", Role::Admin, vec![]).await;
    Side {
        store,
        tenant: t,
        admin,
        jobcenter,
    }
}

async fn preview(s: &Side, csv: &str, choices: &ImportChoices) -> import::ImportPreview {
    let limits = Limits::default();
    gevinst_app::App::new(s.store.clone())
        .import()
        .preview(
            Importer::User(&s.admin),
            &input(csv.as_bytes(), &limits),
            choices,
        )
        .await
        .unwrap()
}

async fn commit(s: &Side, csv: &str, choices: &ImportChoices) -> import::CommitOutcome {
    let limits = Limits::default();
    gevinst_app::App::new(s.store.clone())
        .import()
        .commit(
            Importer::User(&s.admin),
            &input(csv.as_bytes(), &limits),
            choices,
            false,
            None,
        )
        .await
        .unwrap()
}

/// Rows 3 and 5 are the same potential under two numbers (title in other case and
/// spacing); row 4 is another potential.
const RENUMBERED: &str = "Nr.;Titel;Enhed;Forventet gevinst;Startår\n\
11;Chatbot til borgere;Jobcenter;1,2 mio.;2026\n\
12;Robot til ydelser;Jobcenter;;\n\
13;chatbot  til Borgere;Jobcenter;1,2 mio.;2026\n";

async fn renumbered_duplicates_are_skipped_unless_kept(db: &TestDb) {
    let s = side(db).await;
    // A title line above the header; "Nr." is the external id. By default the repeat is
    // skipped.
    let p = preview(
        &s,
        &format!("Liste\n{RENUMBERED}"),
        &ImportChoices::default(),
    )
    .await;
    assert_eq!(
        actions(&p),
        vec![
            (3, RowAction::New),
            (4, RowAction::New),
            (5, RowAction::Duplicate)
        ]
    );
    let dup = &p.rows[2];
    assert!(dup.possible_duplicate);
    assert!(
        dup.reason
            .starts_with("Mulig dublet af række 3: samme titel og enhed"),
        "{}",
        dup.reason
    );
    assert_eq!((p.counts.possible_duplicate, p.counts.duplicate), (1, 1));

    // Committed: two potentials; "1,2 mio." is stored exactly, without a trailing zero.
    let out = commit(
        &s,
        &format!("Liste\n{RENUMBERED}"),
        &ImportChoices::default(),
    )
    .await;
    assert_eq!((out.created, out.duplicates), (2, 1));
    let ps = all_potentials(&s.store, s.tenant.id).await;
    assert_eq!(ps.len(), 2);
    let case = s
        .store
        .business_case(s.tenant.id, ps[0].id)
        .await
        .unwrap()
        .unwrap()
        .case;
    assert_eq!(case.lines[0].amounts[0].to_string(), "1200000");

    // Against the register: the same title and unit under a new number is a possible
    // duplicate of the stored potential, which keeps its own number.
    let again = "Nr.;Titel;Enhed\n21;Chatbot til borgere;Jobcenter\n22;Ny idé;Jobcenter\n";
    let p = preview(&s, again, &ImportChoices::default()).await;
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Duplicate), (3, RowAction::New)]
    );
    assert_eq!(
        p.rows[0].reason.split(':').next(),
        Some(format!("Mulig dublet af potentiale #{}", ps[0].id).as_str())
    );
    assert_eq!(p.rows[0].potential, Some(ps[0].id));

    // The same number is the same potential: an update or an unchanged duplicate, never
    // a possible duplicate.
    let same = "Nr.;Titel;Enhed\n11;Chatbot til borgere;Jobcenter\n";
    let p = preview(&s, same, &ImportChoices::default()).await;
    assert_eq!(actions(&p), vec![(2, RowAction::Duplicate)]);
    assert!(!p.rows[0].possible_duplicate);

    // Kept by row: a new potential with a warning, not an update of #id.
    let keep_row = ImportChoices {
        keep_duplicate_rows: vec![2],
        ..ImportChoices::default()
    };
    let p = preview(&s, again, &keep_row).await;
    assert_eq!(actions(&p), vec![(2, RowAction::New), (3, RowAction::New)]);
    assert!(p.rows[0].possible_duplicate);
    assert!(p.rows[0].warnings[0].starts_with("Mulig dublet af potentiale #"));
    // Kept all (the CLI's --keep-duplicates): the file's own repeat comes in too.
    let keep_all = ImportChoices {
        keep_duplicates: true,
        ..ImportChoices::default()
    };
    let out = commit(&s, &format!("Liste\n{RENUMBERED}"), &keep_all).await;
    assert_eq!(out.created, 1, "{:?}", actions(&out.preview));
    let out = commit(&s, again, &keep_all).await;
    assert_eq!((out.created, out.duplicates), (2, 0));
    let titles: Vec<String> = all_potentials(&s.store, s.tenant.id)
        .await
        .into_iter()
        .map(|p| p.title.to_lowercase())
        .filter(|t| t.starts_with("chatbot"))
        .collect();
    assert_eq!(titles.len(), 3);
    assert_eq!(s.jobcenter, ps[0].unit_id);
}

const REASONS: &str = "Titel;Enhed;Status;Begrundelse\n\
Afvist med grund;Jobcenter;Afvist;For dyrt i drift\n\
Afvist uden grund;Jobcenter;Afvist;\n\
Parkeret uden grund;Jobcenter;Parkeret;\n\
Besluttet uden tal;Jobcenter;Besluttet;\n\
Idé;Jobcenter;Idé;\n";

async fn statuses_that_need_a_reason_take_it_from_the_file_or_the_choice(db: &TestDb) {
    let s = side(db).await;
    let p = preview(&s, REASONS, &ImportChoices::default()).await;
    assert_eq!(
        actions(&p),
        vec![
            (2, RowAction::New),
            (3, RowAction::Error),
            (4, RowAction::Error),
            (5, RowAction::Error),
            (6, RowAction::New)
        ]
    );
    assert_eq!(p.counts.missing_reason, 3);
    assert!(p.rows[1].missing_reason);
    assert_eq!(
        p.rows[1].errors,
        vec!["Rækken har status «Afvist», som kræver en begrundelse, men rækken har ingen. Tilføj begrundelsen i filen (fx i en kolonne «Begrundelse» eller «Årsag»), eller giv én begrundelse for alle rækker uden.".to_owned()]
    );
    assert!(p.rows[3].errors[0]
        .starts_with("Rækken har status «Besluttet», men ingen tal til en business case."));

    // One reason for all the rows without one.
    let choices = ImportChoices {
        default_reason: Some(import::DEFAULT_REASON.to_owned()),
        ..ImportChoices::default()
    };
    let out = commit(&s, REASONS, &choices).await;
    assert_eq!(out.created, 5);
    assert_eq!(out.preview.counts.missing_reason, 0);
    let ps = all_potentials(&s.store, s.tenant.id).await;
    let history = |i: usize| {
        let store = s.store.clone();
        let (t, id) = (s.tenant.id, ps[i].id);
        async move { store.status_history(t, id).await.unwrap() }
    };
    let h = history(0).await;
    assert_eq!(h.len(), 1);
    assert_eq!((h[0].from, h[0].to), (Status::Ide, Status::Afvist));
    assert_eq!(h[0].reason.as_deref(), Some("For dyrt i drift"));
    assert_eq!(
        history(1).await[0].reason.as_deref(),
        Some(import::DEFAULT_REASON)
    );
    assert_eq!(ps[2].status, Status::Parkeret);
    let h = history(3).await;
    assert_eq!(
        (h[0].from, h[0].to),
        (Status::BusinessCase, Status::Besluttet)
    );
    assert_eq!(
        h[0].reason.as_deref(),
        Some("Besluttet uden business case: Importeret fra regneark uden begrundelse")
    );
    assert!(history(4).await.is_empty());
    // The reason is in the audit log too, with the import's batch.
    let log = s
        .store
        .audit_for(s.tenant.id, EntityKind::Potential, ps[0].id.0)
        .await
        .unwrap();
    let change = log
        .iter()
        .find(|e| e.action == AuditAction::StatusChange)
        .expect("status change audited");
    assert_eq!(
        change.reason.as_deref(),
        Some(format!("Import {}: For dyrt i drift", out.batch_id).as_str())
    );

    // "Årsag" is mapped as the reason as well; figures before business case still refuse.
    let other = "Titel;Enhed;Status;Årsag;Forventet gevinst\n\
Tidlig;Jobcenter;Vurderet;Tidligt;100.000\n\
På pause;Jobcenter;Parkeret;Afventer nyt system;\n";
    let p = preview(&s, other, &ImportChoices::default()).await;
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Error), (3, RowAction::New)]
    );
    assert!(!p.rows[0].missing_reason);
}
