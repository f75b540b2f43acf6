//! Generic files: errors, updates and duplicates, unknown values, permissions, the CPR
//! guard, saved mappings and spelling variants.

use super::*;

struct World {
    store: DynStore,
    _dir: tempfile::TempDir,
    tenant: Tenant,
    admin: Principal,
    leder: Principal,
    laeser: Principal,
    social: UnitId,
    borgerservice: UnitId,
}

async fn world() -> World {
    let (store, dir) = sqlite_store().await;
    let t = tenant(&store, "eksempel").await;
    let social = store
        .create_unit(t.id, None, None, "Social")
        .await
        .unwrap()
        .id;
    let borgerservice = store
        .create_unit(t.id, None, None, "Borgerservice")
        .await
        .unwrap()
        .id;
    let admin = principal(&store, t.id, "admin@eksempel.dk", Role::Admin, vec![]).await;
    let leder = principal(&store, t.id, "leder@eksempel.dk", Role::Leder, vec![social]).await;
    let laeser = principal(&store, t.id, "laeser@eksempel.dk", Role::Laeser, vec![]).await;
    World {
        store,
        _dir: dir,
        tenant: t,
        admin,
        leder,
        laeser,
        social,
        borgerservice,
    }
}

const MESSY: &str = "Potentialer 2025\n\
Titel;Enhed;Beskrivelse;Forventet gevinst;Investering;Startår\n\
Robot til post;Borgerservice;Scanner post;250.000 kr.;100.000;2025\n\
;Borgerservice;Uden titel;;;\n\
Chatbot;Borgerservice;Svar døgnet rundt;1,5 mio.;;2026\n";

#[tokio::test]
async fn errors_block_everything_unless_only_valid_rows_are_asked_for() {
    let w = world().await;
    let limits = Limits::default();
    let who = Importer::User(&w.admin);
    let inp = input(MESSY.as_bytes(), &limits);
    let choices = ImportChoices::default();
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &choices)
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![
            (3, RowAction::New),
            (4, RowAction::Error),
            (5, RowAction::New)
        ]
    );
    assert_eq!((p.counts.new, p.counts.error), (2, 1));
    assert_eq!(
        p.first_errors(5),
        vec![
            "Række 4: Kolonne «Titel»: Rækken har ingen titel. Udfyld titlen, eller slet rækken."
                .to_owned()
        ]
    );
    assert_eq!(p.rows[0].reason, "Nyt potentiale med business case.");

    // All or nothing: nothing is written.
    let before = w.store.data_version(w.tenant.id).await.unwrap();
    let e = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap_err();
    match e {
        AppError::Invalid(f) => assert_eq!(
            f.message_for("rows"),
            Some("1 række har fejl, så intet er importeret. Ret fejlen, eller vælg kun at importere de gyldige rækker.")
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(all_potentials(&w.store, w.tenant.id).await.is_empty());
    assert_eq!(w.store.data_version(w.tenant.id).await.unwrap(), before);

    // Only the valid rows, on request; progress is reported per row.
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |n: usize| seen.lock().unwrap().push(n);
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &choices, true, Some(&progress))
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![1, 2]);
    assert_eq!(
        (out.created, out.updated, out.skipped, out.business_cases),
        (2, 0, 1, 2)
    );
    let ps = all_potentials(&w.store, w.tenant.id).await;
    let titles: Vec<&str> = ps.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, vec!["Robot til post", "Chatbot"]);
    assert_eq!(ps[0].unit_id, w.borgerservice);
    // A row with figures and no status starts at business case, where a case may exist
    // (the lifecycle rule of issue 11; it was idé before).
    assert_eq!(ps[0].status, Status::BusinessCase);
    assert_eq!(ps[0].submitted_by, Some(w.admin.user.id));
    let case = w
        .store
        .business_case(w.tenant.id, ps[0].id)
        .await
        .unwrap()
        .unwrap()
        .case;
    assert_eq!(
        case,
        BusinessCase {
            start_year: 2025,
            horizon: 5,
            discount_rate: None,
            lines: vec![
                Line::certain(
                    LineKind::DirekteBesparelse,
                    "Forventet gevinst",
                    vec![dec("250000"); 5]
                ),
                Line::certain(
                    LineKind::Investering,
                    "Investering",
                    vec![dec("100000"), dec("0"), dec("0"), dec("0"), dec("0")]
                ),
            ],
            risks: vec![],
        }
    );
    let chat = w
        .store
        .business_case(w.tenant.id, ps[1].id)
        .await
        .unwrap()
        .unwrap()
        .case;
    assert_eq!(chat.start_year, 2026);
    assert_eq!(chat.lines[0].amounts, vec![dec("1500000"); 5]);
    // Audited with the batch id.
    let log = w
        .store
        .audit_for(w.tenant.id, EntityKind::Potential, ps[0].id.0)
        .await
        .unwrap();
    assert_eq!(
        log[0].reason.as_deref(),
        Some(format!("Import {}", out.batch_id).as_str())
    );

    // The outcome's preview still has the skipped row, for the error report (an .xlsx
    // file, i.e. a zip).
    assert_eq!(out.preview.counts.error, 1);
    assert_eq!(out.preview.rows[1].row, 4);
    let report = import::error_report(&out.preview).unwrap();
    assert!(report.starts_with(b"PK"));
}

#[tokio::test]
async fn rows_are_new_updates_or_duplicates() {
    let w = world().await;
    let t = w.tenant.id;
    let robot = w
        .store
        .create_potential(
            t,
            None,
            &ValidPotential {
                description: "gammel".into(),
                ..valid_potential("Robot til post", w.borgerservice)
            },
            Status::Vurderet,
            None,
        )
        .await
        .unwrap();
    let scan = w
        .store
        .create_potential(
            t,
            None,
            &ValidPotential {
                description: "Samme".into(),
                ..valid_potential("Dokumentscanning", w.borgerservice)
            },
            Status::Ide,
            None,
        )
        .await
        .unwrap();
    let csv = "Titel;Enhed;Beskrivelse;Status\n\
robot til  POST;borgerservice;Ny beskrivelse;Besluttet\n\
Chatbot;Borgerservice;Svar;\n\
Chatbot;Borgerservice;Svar igen;\n\
Dokumentscanning;Borgerservice;Samme;\n";
    let limits = Limits::default();
    let who = Importer::User(&w.admin);
    let inp = input(csv.as_bytes(), &limits);
    let choices = ImportChoices::default();
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &choices)
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![
            (2, RowAction::Update),
            (3, RowAction::New),
            (4, RowAction::Duplicate),
            (5, RowAction::Duplicate),
        ]
    );
    assert_eq!(
        p.rows[0].reason,
        format!(
            "Opdaterer potentiale {} «Robot til post» (samme titel og enhed).",
            robot.id
        )
    );
    assert_eq!(
        p.rows[0].warnings,
        vec![
            "Status ændres ikke ved import (potentialet er «Vurderet», filen siger «Besluttet»)."
                .to_owned()
        ]
    );
    assert_eq!(
        p.rows[2].reason,
        "Rækken gentager række 3 og springes over."
    );
    assert_eq!(p.rows[3].potential, Some(scan.id));
    assert_eq!(
        (
            p.counts.new,
            p.counts.update,
            p.counts.duplicate,
            p.counts.error,
            p.counts.warning
        ),
        (1, 1, 2, 0, 1)
    );
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated, out.duplicates), (1, 1, 2));
    let after = w.store.potential(t, robot.id).await.unwrap();
    assert_eq!(after.title, "robot til  POST");
    assert_eq!(after.description, "Ny beskrivelse");
    assert_eq!(after.status, Status::Vurderet);
    assert_eq!(after.version, 2);
    assert_eq!(all_potentials(&w.store, t).await.len(), 3);

    // An external id column: the new potential remembers it and is found by it again.
    let first = "Id;Titel;Enhed\nA-17;Rengøring;Borgerservice\n";
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(
            who,
            &input(first.as_bytes(), &limits),
            &choices,
            false,
            None,
        )
        .await
        .unwrap();
    let id = out.potentials[0];
    assert_eq!(
        w.store.potential(t, id).await.unwrap().tags,
        vec!["ekstern-id:a-17".to_owned()]
    );
    let second = "Id;Titel;Enhed\na-17;Rengøring af biler;Borgerservice\n";
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &input(second.as_bytes(), &limits), &choices)
        .await
        .unwrap();
    assert_eq!(actions(&p), vec![(2, RowAction::Update)]);
    assert_eq!(
        p.rows[0].reason,
        format!("Opdaterer potentiale {id} «Rengøring» (eksternt id «a-17»).")
    );
}

#[tokio::test]
async fn unknown_values_are_created_or_mapped_on_request() {
    let w = world().await;
    let t = w.tenant.id;
    let csv = "Titel;Enhed;Fagområde;Teknologi\n\
Ungdomsskolens app;Ungdomsskolen;Klimatilpasning;\n\
Skolebus;Busdrift;;\n";
    let limits = Limits::default();
    let inp = input(csv.as_bytes(), &limits);
    let who = Importer::User(&w.admin);
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &ImportChoices::default())
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Error), (3, RowAction::Error)]
    );
    assert_eq!(
        p.rows[0].errors,
        vec!["Enheden «Ungdomsskolen» findes ikke. Vælg en eksisterende enhed, eller lad importen oprette den.".to_owned()]
    );
    assert_eq!(
        p.unknown[0],
        UnknownValue {
            kind: ValueKind::Unit,
            raw: "Ungdomsskolen".into(),
            suggestions: vec![],
            rows: vec![2],
            resolution: "Ikke valgt".into(),
            suggestion_taken: false,
        }
    );

    // Create one unit under Social, map the other to Borgerservice, create the fagområde.
    let choices = ImportChoices {
        values: vec![
            ValueDecision {
                kind: ValueKind::Unit,
                raw: "ungdomsskolen".into(),
                choice: ValueChoice::Create {
                    parent: Some(w.social),
                },
            },
            ValueDecision {
                kind: ValueKind::Unit,
                raw: "Busdrift".into(),
                choice: ValueChoice::Existing {
                    name: "Borgerservice".into(),
                },
            },
            ValueDecision {
                kind: ValueKind::Fagomraade,
                raw: "Klimatilpasning".into(),
                choice: ValueChoice::Create { parent: None },
            },
        ],
        ..Default::default()
    };
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &choices)
        .await
        .unwrap();
    assert_eq!(actions(&p), vec![(2, RowAction::New), (3, RowAction::New)]);
    assert_eq!(p.new_units, vec!["Ungdomsskolen".to_owned()]);
    assert_eq!(p.new_fagomraader, vec!["Klimatilpasning".to_owned()]);
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!(
        (out.created, out.units_created, out.fagomraader_created),
        (2, 1, 1)
    );
    let units = w.store.list_units(t).await.unwrap();
    let ung = units.iter().find(|u| u.name == "Ungdomsskolen").unwrap();
    assert_eq!(ung.parent_id, Some(w.social));
    let ps = all_potentials(&w.store, t).await;
    assert_eq!(ps[0].unit_id, ung.id);
    assert_eq!(ps[1].unit_id, w.borgerservice);
    let fag = w
        .store
        .list_catalogue(t, Catalogue::Fagomraader)
        .await
        .unwrap();
    let klima = fag.iter().find(|f| f.name == "Klimatilpasning").unwrap();
    assert_eq!(ps[0].fagomraade_id.map(|f| f.0), Some(klima.id));

    // A leder may not create units, and only imports into their own units.
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(Importer::User(&w.leder), &inp, &choices)
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Error), (3, RowAction::Error)]
    );
    assert_eq!(
        p.rows[0].errors[0],
        "Enheden «Ungdomsskolen» findes ikke. Vælg en eksisterende enhed; kun administratorer og porteføljeledere kan oprette enheder."
    );
    // A læser may not import at all.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .import()
            .preview(Importer::User(&w.laeser), &inp, &choices)
            .await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn a_leder_imports_ideas_in_own_units_only() {
    let w = world().await;
    let csv = "Titel;Enhed;Status\n\
Hjemmepleje-app;Social;Vurderet\n\
Kø-system;Borgerservice;\n";
    let limits = Limits::default();
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(
            Importer::User(&w.leder),
            &input(csv.as_bytes(), &limits),
            &ImportChoices::default(),
        )
        .await
        .unwrap();
    // In Social with any status; in Borgerservice only as an idea (allowed, like the UI).
    assert_eq!(actions(&p), vec![(2, RowAction::New), (3, RowAction::New)]);
    let csv = "Titel;Enhed;Status\nKø-system;Borgerservice;Vurderet\n";
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(
            Importer::User(&w.leder),
            &input(csv.as_bytes(), &limits),
            &ImportChoices::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        p.rows[0].errors,
        vec![
            "Du kan kun oprette potentialer med status «Idé» i enheden «Borgerservice».".to_owned()
        ]
    );
}

#[tokio::test]
async fn cpr_numbers_block_their_row_until_masked() {
    let w = world().await;
    let csv = "Titel;Enhed;Beskrivelse\n\
Hjælp til borger;Borgerservice;Borger 010203-1234 ringede\n\
Rent potentiale;Borgerservice;Intet personligt\n";
    let limits = Limits::default();
    let inp = input(csv.as_bytes(), &limits);
    let who = Importer::User(&w.admin);
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &ImportChoices::default())
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Error), (3, RowAction::New)]
    );
    assert_eq!(p.rows[0].cpr[0].masked, "Borger XXXXXX-XXXX ringede");
    assert!(gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &ImportChoices::default(), false, None)
        .await
        .is_err());
    assert!(all_potentials(&w.store, w.tenant.id).await.is_empty());
    let masked = ImportChoices {
        mask_cpr_rows: vec![2],
        ..Default::default()
    };
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &masked, false, None)
        .await
        .unwrap();
    assert_eq!(out.created, 2);
    let ps = all_potentials(&w.store, w.tenant.id).await;
    assert_eq!(ps[0].description, "Borger XXXXXX-XXXX ringede");

    // The same guard applies to a potential created through the UI and the API.
    let draft = PotentialDraft {
        title: "Hjælp til borger".into(),
        description: "CPR 0102031234 i teksten".into(),
        unit_id: Some(w.borgerservice),
        ..Default::default()
    };
    match gevinst_app::App::new(w.store.clone()).potentials().create(&w.admin, &draft, None).await {
        Err(AppError::Invalid(f)) => assert_eq!(
            f.message_for("description"),
            Some("Feltet ser ud til at indeholde et CPR-nummer. Fjern eller maskér det: potentialer må ikke indeholde personoplysninger.")
        ),
        other => panic!("expected the CPR guard, got {other:?}"),
    }
}

#[tokio::test]
async fn mappings_are_saved_and_reused() {
    let w = world().await;
    let who = Importer::User(&w.admin);
    let limits = Limits::default();
    let csv = "Navnet;Afd.\nRobot;Borgerservice\n";
    let seen = import::inspect(csv.as_bytes(), "x.csv", None, &limits).unwrap();
    assert!(!seen.gevinst_export);
    assert_eq!(
        seen.sample,
        vec![vec!["Robot".to_owned(), "Borgerservice".to_owned()]]
    );
    // "Navnet" and "Afd." are not synonyms: choose them by hand and save.
    let mapping = Mapping::from_json(
        r#"{"columns":[{"header":"Navnet","target":{"field":"title"}},{"header":"Afd.","target":{"field":"unit"}}]}"#,
    )
    .unwrap();
    let saved = gevinst_app::App::new(w.store.clone())
        .import()
        .save_mapping(who, " Økonomi ", &mapping, None)
        .await
        .unwrap();
    assert_eq!((saved.name.as_str(), saved.version), ("Økonomi", 1));
    match gevinst_app::App::new(w.store.clone())
        .import()
        .save_mapping(who, "Økonomi", &mapping, None)
        .await
    {
        Err(AppError::Invalid(f)) => assert_eq!(
            f.message_for("name"),
            Some("Der findes allerede en opsætning med det navn.")
        ),
        other => panic!("expected a duplicate name, got {other:?}"),
    }
    let (loaded, version) = gevinst_app::App::new(w.store.clone())
        .import()
        .load_mapping(who, "Økonomi")
        .await
        .unwrap();
    assert_eq!((loaded.clone(), version), (mapping, 1));
    let inp = ImportInput {
        mapping: Some(&loaded),
        ..input(csv.as_bytes(), &limits)
    };
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &ImportChoices::default())
        .await
        .unwrap();
    assert_eq!(actions(&p), vec![(2, RowAction::New)]);
    assert_eq!(p.rows[0].unit.as_deref(), Some("Borgerservice"));
    gevinst_app::App::new(w.store.clone())
        .import()
        .delete_mapping(who, "Økonomi")
        .await
        .unwrap();
    assert!(gevinst_app::App::new(w.store.clone())
        .import()
        .list_mappings(who)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .import()
            .list_mappings(Importer::User(&w.laeser))
            .await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn spelling_variants_of_names_the_import_creates_are_merged() {
    let w = world().await;
    let csv = "Titel;Enhed;Teknologi\n\
Jobrobot;Jobcenter;Dronefoto\n\
Ledighedsapp;Jobcentret;Dronefotos\n";
    let limits = Limits::default();
    let inp = input(csv.as_bytes(), &limits);
    let choices = ImportChoices {
        create_missing: true,
        ..Default::default()
    };
    let who = Importer::User(&w.admin);
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(who, &inp, &choices)
        .await
        .unwrap();
    assert_eq!(p.new_units, vec!["Jobcenter".to_owned()]);
    assert_eq!(p.new_technologies, vec!["Dronefoto".to_owned()]);
    assert_eq!(
        p.rows[1].warnings[0],
        "«Jobcentret» er læst som enheden «Jobcenter», som oprettes ved importen."
    );
    let variant = p.unknown.iter().find(|u| u.raw == "Jobcentret").unwrap();
    assert_eq!(variant.resolution, "Læses som «Jobcenter» (oprettes)");
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!(
        (out.created, out.units_created, out.technologies_created),
        (2, 1, 1)
    );
    let ps = all_potentials(&w.store, w.tenant.id).await;
    assert_eq!(ps[0].unit_id, ps[1].unit_id);
    assert_eq!(ps[0].technology_id, ps[1].technology_id);
}

#[tokio::test]
async fn a_unit_name_several_units_have_is_not_guessed() {
    let w = world().await;
    let t = w.tenant.id;
    let social_adm = w
        .store
        .create_unit(t, None, Some(w.social), "Administration")
        .await
        .unwrap()
        .id;
    w.store
        .create_unit(t, None, Some(w.borgerservice), "Administration")
        .await
        .unwrap();
    let csv = "Titel;Enhed\n\
Fakturarobot;Administration\n\
Lønrobot;Social › Administration\n";
    let limits = Limits::default();
    let p = gevinst_app::App::new(w.store.clone())
        .import()
        .preview(
            Importer::User(&w.admin),
            &input(csv.as_bytes(), &limits),
            &ImportChoices::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        actions(&p),
        vec![(2, RowAction::Error), (3, RowAction::New)]
    );
    assert_eq!(
        p.rows[0].errors,
        vec!["Der er flere enheder med navnet «Administration» (Borgerservice › Administration; Social › Administration). Vælg den rigtige, eller skriv hele stien.".to_owned()]
    );
    let out = gevinst_app::App::new(w.store.clone())
        .import()
        .commit(
            Importer::User(&w.admin),
            &input(csv.as_bytes(), &limits),
            &ImportChoices::default(),
            true,
            None,
        )
        .await
        .unwrap();
    let p = w.store.potential(t, out.potentials[0]).await.unwrap();
    assert_eq!((p.title.as_str(), p.unit_id), ("Lønrobot", social_adm));
}
