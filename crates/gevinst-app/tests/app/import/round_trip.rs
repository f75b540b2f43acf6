//! An exported tenant imported into an empty tenant comes back exactly.

use super::*;

fn full_case() -> BusinessCase {
    let mut timer = Line::certain(
        LineKind::FrigjorteTimer,
        "Færre manuelle opslag",
        vec![dec("0"), dec("1250.5"), dec("2500.25")],
    );
    timer.low = dec("0.8");
    timer.high = dec("1.25");
    timer.hjemtagbar = true;
    let mut kanal = Line::certain(
        LineKind::Kanalomlaegning,
        "Fra telefon til selvbetjening",
        vec![dec("1000"), dec("2000"), dec("3000")],
    );
    kanal.from_channel = Some(Channel::Telephone);
    kanal.to_channel = Some(Channel::Digital);
    let mut usynligt = Line::certain(
        LineKind::UsynligtArbejde,
        "Rettelser af fejl",
        vec![dec("100"), dec("50"), dec("25")],
    );
    usynligt.category = Some(InvisibleCategory::Oprydning);
    BusinessCase {
        start_year: 2025,
        horizon: 3,
        discount_rate: Some(dec("0.035")),
        lines: vec![
            Line::certain(
                LineKind::Investering,
                "Licens og opsætning",
                vec![dec("1234567.125"), dec("0"), dec("0")],
            ),
            Line::certain(
                LineKind::Drift,
                "Drift",
                vec![dec("0"), dec("85000.5"), dec("85000.5")],
            ),
            timer,
            Line::certain(
                LineKind::FrigjorteAarsvaerk,
                "Årsværk",
                vec![dec("0"), dec("0.5"), dec("1.75")],
            ),
            Line::certain(
                LineKind::DirekteBesparelse,
                "Porto",
                vec![dec("0.1"), dec("20000"), dec("20000")],
            ),
            kanal,
            usynligt,
        ],
        risks: vec![Risk {
            description: "Leverandøren bliver forsinket".into(),
            probability: dec("0.3"),
            min: dec("10000"),
            likely: dec("25000.5"),
            max: dec("60000"),
            year: 1,
        }],
    }
}

#[tokio::test]
async fn an_exported_tenant_imported_into_an_empty_tenant_is_reproduced_exactly() {
    let (store, _dir) = sqlite_store().await;
    let src = tenant(&store, "kilde").await;
    let social = store
        .create_unit(src.id, None, None, "Social og Sundhed")
        .await
        .unwrap()
        .id;
    let aeldre = store
        .create_unit(src.id, None, Some(social), "Ældre")
        .await
        .unwrap()
        .id;
    let klima = store
        .add_catalogue_item(src.id, None, Catalogue::Fagomraader, "Klimatilpasning")
        .await
        .unwrap()
        .id;
    let drone = store
        .add_catalogue_item(src.id, None, Catalogue::Technologies, "Dronefoto")
        .await
        .unwrap()
        .id;
    let owner = principal(
        &store,
        src.id,
        "pia@kilde.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let mut first = valid_potential("Robot til journalføring", aeldre);
    first.description = "Robotten læser post.\nÆndrer ingen afgørelser – «kun» sagsgange.".into();
    first.fagomraade_id = Some(gevinst_domain::FagomraadeId(klima));
    first.technology_id = Some(gevinst_domain::TechnologyId(drone));
    first.source = Source::Workshop;
    first.benefit_owner = Some(owner.user.id);
    first.tags = vec!["robot".into(), "Ældre".into()];
    let p1 = store
        .create_potential(src.id, None, &first, Status::Besluttet, Some(owner.user.id))
        .await
        .unwrap();
    let p2 = store
        .create_potential(
            src.id,
            None,
            &valid_potential("Selvbetjening på hjemmesiden", social),
            Status::Ide,
            None,
        )
        .await
        .unwrap();
    let audit = AuditDraft {
        entity: EntityKind::BusinessCase,
        entity_id: p1.id.0,
        action: AuditAction::Create,
        user_id: None,
        actor: None,
        changes: vec![],
        reason: None,
    };
    store
        .put_business_case(src.id, None, p1.id, None, &full_case(), &audit)
        .await
        .unwrap();
    let file = gevinst_app::App::new(store.clone())
        .export()
        .export_tenant(&src, ExportFormat::Xlsx, ExportOptions::default())
        .await
        .unwrap();

    // The file is recognised as a gevinst export.
    let limits = Limits::default();
    let seen = import::inspect(&file.bytes, &file.filename, None, &limits).unwrap();
    assert!(seen.gevinst_export);
    assert_eq!(seen.sheet, "Potentialer");

    // An empty tenant with the same people.
    let dst = tenant(&store, "maal").await;
    principal(
        &store,
        dst.id,
        "pia@kilde.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let choices = ImportChoices {
        create_missing: true,
        ..Default::default()
    };
    let inp = ImportInput {
        bytes: &file.bytes,
        filename: &file.filename,
        sheet: None,
        mapping: None,
        limits: &limits,
    };
    let preview = gevinst_app::App::new(store.clone())
        .import()
        .preview(Importer::Operator(&dst), &inp, &choices)
        .await
        .unwrap();
    assert_eq!(
        actions(&preview),
        vec![(2, RowAction::New), (3, RowAction::New)]
    );
    assert_eq!(
        preview.new_units,
        vec![
            "Social og Sundhed".to_owned(),
            "Social og Sundhed › Ældre".to_owned()
        ]
    );
    assert_eq!(preview.new_fagomraader, vec!["Klimatilpasning".to_owned()]);
    assert_eq!(preview.new_technologies, vec!["Dronefoto".to_owned()]);
    let out = gevinst_app::App::new(store.clone())
        .import()
        .commit(Importer::Operator(&dst), &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated, out.business_cases), (2, 0, 1));
    assert_eq!(out.units_created, 2);

    let src_lists = load_lists(&store, &src).await;
    let dst_lists = load_lists(&store, &dst).await;
    let before = all_potentials(&store, src.id).await;
    let after = all_potentials(&store, dst.id).await;
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a.title, b.title);
        assert_eq!(a.description, b.description);
        assert_eq!(a.status, b.status);
        assert_eq!(a.source, b.source);
        assert_eq!(a.tags, b.tags);
        assert_eq!(
            src_lists.units.path(a.unit_id),
            dst_lists.units.path(b.unit_id)
        );
        assert_eq!(
            src_lists.fagomraade_name(a.fagomraade_id),
            dst_lists.fagomraade_name(b.fagomraade_id)
        );
        assert_eq!(
            src_lists.technology_name(a.technology_id),
            dst_lists.technology_name(b.technology_id)
        );
        let email = |l: &TenantLists, id| {
            l.users
                .iter()
                .find(|u| Some(u.id) == id)
                .map(|u| u.email.to_string())
        };
        assert_eq!(
            email(&src_lists, a.benefit_owner),
            email(&dst_lists, b.benefit_owner)
        );
        assert_eq!(
            email(&src_lists, a.submitted_by),
            email(&dst_lists, b.submitted_by)
        );
        let ca = store.business_case(src.id, a.id).await.unwrap();
        let cb = store.business_case(dst.id, b.id).await.unwrap();
        match (ca, cb) {
            (None, None) => {}
            (Some(ca), Some(cb)) => {
                assert_eq!(ca.case.start_year, cb.case.start_year);
                assert_eq!(ca.case.horizon, cb.case.horizon);
                assert_eq!(ca.case.discount_rate, cb.case.discount_rate);
                assert_eq!(ca.case.lines.len(), cb.case.lines.len());
                for (la, lb) in ca.case.lines.iter().zip(&cb.case.lines) {
                    assert_eq!(la.kind, lb.kind);
                    assert_eq!(la.label, lb.label);
                    assert_eq!(la.amounts, lb.amounts);
                    assert_eq!(la.low, lb.low);
                    assert_eq!(la.high, lb.high);
                    assert_eq!(la.hjemtagbar, lb.hjemtagbar);
                    assert_eq!(la.from_channel, lb.from_channel);
                    assert_eq!(la.to_channel, lb.to_channel);
                    assert_eq!(la.category, lb.category);
                }
                assert_eq!(ca.case, cb.case);
            }
            other => panic!("business cases differ: {other:?}"),
        }
    }
    assert_eq!(after[0].id, out.potentials[0]);
    assert_eq!(after[1].title, p2.title);

    // Importing the same file into the tenant it came from changes nothing.
    let again = gevinst_app::App::new(store.clone())
        .import()
        .preview(Importer::Operator(&src), &inp, &choices)
        .await
        .unwrap();
    assert_eq!(
        actions(&again),
        vec![(2, RowAction::Duplicate), (3, RowAction::Duplicate)]
    );
    assert_eq!(
        again.rows[0].reason,
        format!(
            "Potentiale {} (samme id {}) findes allerede med de samme oplysninger; rækken springes over.",
            p1.id, p1.id
        )
    );

    // The CSV export is recognised too and reproduces the potentials and, from its
    // sections, their business cases exactly.
    let csv = gevinst_app::App::new(store.clone())
        .export()
        .export_tenant(&src, ExportFormat::Csv, ExportOptions::default())
        .await
        .unwrap();
    assert!(
        import::inspect(&csv.bytes, &csv.filename, None, &limits)
            .unwrap()
            .gevinst_export
    );
    let third = tenant(&store, "csvmaal").await;
    principal(
        &store,
        third.id,
        "pia@kilde.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let inp = ImportInput {
        bytes: &csv.bytes,
        filename: &csv.filename,
        sheet: None,
        mapping: None,
        limits: &limits,
    };
    let out = gevinst_app::App::new(store.clone())
        .import()
        .commit(Importer::Operator(&third), &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!(
        (out.created, out.business_cases, out.units_created),
        (2, 1, 2)
    );
    let third_lists = load_lists(&store, &third).await;
    let from_csv = all_potentials(&store, third.id).await;
    for (a, b) in before.iter().zip(&from_csv) {
        let ca = store.business_case(src.id, a.id).await.unwrap();
        let cb = store.business_case(third.id, b.id).await.unwrap();
        assert_eq!(ca.map(|c| c.case), cb.map(|c| c.case), "{}", a.title);
        assert_eq!(
            (&a.title, &a.description, a.status, a.source, &a.tags),
            (&b.title, &b.description, b.status, b.source, &b.tags)
        );
        assert_eq!(
            src_lists.units.path(a.unit_id),
            third_lists.units.path(b.unit_id)
        );
        assert_eq!(
            src_lists.fagomraade_name(a.fagomraade_id),
            third_lists.fagomraade_name(b.fagomraade_id)
        );
        assert_eq!(
            src_lists.technology_name(a.technology_id),
            third_lists.technology_name(b.technology_id)
        );
        assert_eq!(a.benefit_owner.is_some(), b.benefit_owner.is_some());
    }
}

async fn load_lists(store: &DynStore, t: &Tenant) -> TenantLists {
    TenantLists {
        units: gevinst_domain::UnitTree::new(store.list_units(t.id).await.unwrap()),
        fagomraader: store
            .list_catalogue(t.id, Catalogue::Fagomraader)
            .await
            .unwrap(),
        technologies: store
            .list_catalogue(t.id, Catalogue::Technologies)
            .await
            .unwrap(),
        users: store.list_users(t.id).await.unwrap(),
    }
}
