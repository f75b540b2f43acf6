//! Organisation columns read as a unit path (forvaltning › afdeling › enhed), matched by
//! path and created under their parent; `--create-missing` maps near-copies of units and
//! catalogue values to the existing ones. Run on SQLite and on PostgreSQL.

use super::*;
use gevinst_domain::UnitTree;
use gevinst_testkit::TestDb;

struct Org {
    store: DynStore,
    tenant: Tenant,
    admin: Principal,
    nord: UnitId,
    sygepleje: UnitId,
    skoler: UnitId,
    boern: UnitId,
    boern_sekretariat: UnitId,
    hjemmeplejen: UnitId,
}

/// A part of the demo's organisation, with "Sekretariat" under two forvaltninger.
async fn org(store: DynStore) -> Org {
    let t = tenant(&store, "sti").await;
    let unit = |parent: Option<UnitId>, name: &'static str| {
        let store = store.clone();
        async move {
            store
                .create_unit(t.id, None, parent, name)
                .await
                .unwrap()
                .id
        }
    };
    let social = unit(None, "Social, Sundhed og Ældre").await;
    let hjemmeplejen = unit(Some(social), "Hjemmeplejen").await;
    let nord = unit(Some(hjemmeplejen), "Hjemmeplejen Nord").await;
    let sygepleje = unit(Some(social), "Sygepleje og Rehabilitering").await;
    unit(Some(social), "Sekretariat").await;
    let boern = unit(None, "Børn og Unge").await;
    let skoler = unit(Some(boern), "Skoler").await;
    unit(Some(boern), "Sundhedsplejen").await;
    let boern_sekretariat = unit(Some(boern), "Sekretariat").await;
    let admin = principal(&store, t.id, "admin@sti.dk", Role::Admin, vec![]).await;
    Org {
        store,
        tenant: t,
        admin,
        nord,
        sygepleje,
        skoler,
        boern,
        boern_sekretariat,
        hjemmeplejen,
    }
}

const HIERARCHY: &str = "Titel;Forvaltning;Afdeling;Enhed;Teknologi;Fagområde\n\
Robot A;Social, Sundhed og Ældre;Hjemmeplejen;Hjemmeplejen Nord;RPA;Administration\n\
Chatbot B;Børn og Unge;;Sekretariat;Chatbot;Tværgående\n\
Sensor C;Social, Sundhed og Ældre;;Sygeplejen;IoT;\n\
Skole D;Børn og Unge;;Skoleafdelingen;;\n\
Vej E;Teknik og Miljø;Vej og Park;Vejteam Nord;Droner;\n\
Pleje F;Social, Sundhed og Ældre;Hjemmeplejen;Hjemmeplejen Vest;;\n\
Forvaltning G;Børn og Unge;;;;\n";

async fn create_missing_maps_near_copies_and_creates_under_parents(store: DynStore) {
    let o = org(store).await;
    let t = o.tenant.id;
    let app = gevinst_app::App::new(o.store.clone());
    let limits = Limits::default();
    let inp = input(HIERARCHY.as_bytes(), &limits);
    let who = Importer::User(&o.admin);

    // Without --create-missing, near-copies are suggestions the user confirms.
    let p = app
        .import()
        .preview(who, &inp, &ImportChoices::default())
        .await
        .unwrap();
    let sygeplejen = p
        .unknown
        .iter()
        .find(|u| u.raw == "Social, Sundhed og Ældre › Sygeplejen")
        .unwrap();
    assert_eq!(
        sygeplejen.suggestions,
        vec!["Social, Sundhed og Ældre › Sygepleje og Rehabilitering"]
    );
    assert_eq!(sygeplejen.resolution, "Ikke valgt");
    let chatbot = p.unknown.iter().find(|u| u.raw == "Chatbot").unwrap();
    assert_eq!(chatbot.suggestions, vec!["Chatbot/AI-assistent"]);
    assert_eq!(p.rows[0].action, RowAction::New, "{:?}", p.rows[0]);
    assert_eq!(p.rows[2].action, RowAction::Error);

    let choices = ImportChoices {
        create_missing: true,
        ..Default::default()
    };
    let p = app.import().preview(who, &inp, &choices).await.unwrap();
    assert_eq!(
        p.new_units,
        vec![
            "Teknik og Miljø",
            "Teknik og Miljø › Vej og Park",
            "Teknik og Miljø › Vej og Park › Vejteam Nord",
            "Social, Sundhed og Ældre › Hjemmeplejen › Hjemmeplejen Vest",
        ]
    );
    assert_eq!(p.new_technologies, vec!["Droner"]);
    assert!(p.new_fagomraader.is_empty(), "{:?}", p.new_fagomraader);
    let resolution = |raw: &str| {
        p.unknown
            .iter()
            .find(|u| u.raw == raw)
            .map(|u| u.resolution.clone())
            .unwrap_or_else(|| panic!("{raw} is not reported: {:?}", p.unknown))
    };
    assert_eq!(
        resolution("Social, Sundhed og Ældre › Sygeplejen"),
        "Læses som «Social, Sundhed og Ældre › Sygepleje og Rehabilitering»"
    );
    assert_eq!(
        resolution("Børn og Unge › Skoleafdelingen"),
        "Læses som «Børn og Unge › Skoler»"
    );
    assert_eq!(resolution("RPA"), "Læses som «RPA/softwarerobot»");
    assert_eq!(resolution("IoT"), "Læses som «Sensorer/IoT»");
    assert_eq!(resolution("Chatbot"), "Læses som «Chatbot/AI-assistent»");
    assert_eq!(
        resolution("Administration"),
        "Læses som «Administration/tværgående»"
    );
    assert_eq!(
        resolution("Tværgående"),
        "Læses som «Administration/tværgående»"
    );
    assert_eq!(
        resolution("Social, Sundhed og Ældre › Hjemmeplejen › Hjemmeplejen Vest"),
        "Oprettes under «Social, Sundhed og Ældre › Hjemmeplejen»"
    );
    assert!(p.rows[2].warnings.contains(
        &"Enheden «Social, Sundhed og Ældre › Sygeplejen» findes ikke, men ligner «Social, Sundhed og Ældre › Sygepleje og Rehabilitering»; rækken får den enhed, og der oprettes ingen ny.".to_owned()
    ), "{:?}", p.rows[2].warnings);
    assert!(p.rows[1].warnings.contains(
        &"«Chatbot» ligner teknologien «Chatbot/AI-assistent», som findes; rækken får den, og der oprettes ingen ny.".to_owned()
    ), "{:?}", p.rows[1].warnings);

    let out = app
        .import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!(
        (
            out.created,
            out.units_created,
            out.technologies_created,
            out.fagomraader_created
        ),
        (7, 4, 1, 0)
    );
    let tree = UnitTree::new(o.store.list_units(t).await.unwrap());
    let by_path = |path: &str| {
        tree.flatten()
            .into_iter()
            .find(|(_, u)| tree.display_path(u.id) == path)
            .map(|(_, u)| u.id)
            .unwrap_or_else(|| panic!("no unit {path}"))
    };
    let ps = all_potentials(&o.store, t).await;
    let units: Vec<UnitId> = ps.iter().map(|p| p.unit_id).collect();
    assert_eq!(
        units,
        vec![
            o.nord,
            o.boern_sekretariat,
            o.sygepleje,
            o.skoler,
            by_path("Teknik og Miljø › Vej og Park › Vejteam Nord"),
            by_path("Social, Sundhed og Ældre › Hjemmeplejen › Hjemmeplejen Vest"),
            o.boern,
        ]
    );
    let vest = by_path("Social, Sundhed og Ældre › Hjemmeplejen › Hjemmeplejen Vest");
    assert_eq!(tree.get(vest).unwrap().parent_id, Some(o.hjemmeplejen));
    // No near-copies were made.
    let names: Vec<String> = tree.flatten().iter().map(|(_, u)| u.name.clone()).collect();
    for copy in ["Sygeplejen", "Skoleafdelingen"] {
        assert!(!names.contains(&copy.to_owned()), "{copy} was created");
    }
    let tech = o
        .store
        .list_catalogue(t, Catalogue::Technologies)
        .await
        .unwrap();
    let tech: Vec<&str> = tech.iter().map(|i| i.name.as_str()).collect();
    for copy in ["RPA", "Chatbot", "IoT"] {
        assert!(!tech.contains(&copy), "{copy} was created");
    }
    assert!(tech.contains(&"Droner"));
    let fag = o
        .store
        .list_catalogue(t, Catalogue::Fagomraader)
        .await
        .unwrap();
    assert!(!fag
        .iter()
        .any(|f| f.name == "Administration" || f.name == "Tværgående"));
    let rpa = o
        .store
        .list_catalogue(t, Catalogue::Technologies)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "RPA/softwarerobot")
        .unwrap();
    assert_eq!(ps[0].technology_id.map(|x| x.0), Some(rpa.id));
}

async fn a_single_unit_column_matches_anywhere_and_maps_near_copies(store: DynStore) {
    let o = org(store).await;
    let app = gevinst_app::App::new(o.store.clone());
    let limits = Limits::default();
    let csv = "Titel;Enhed\nPost A;Sygeplejen\nPost B;Sekretariat\nPost C;Hjemmeplejen Nord\nPost D;Skolesundhed\n";
    let inp = input(csv.as_bytes(), &limits);
    let who = Importer::User(&o.admin);
    let choices = ImportChoices {
        create_missing: true,
        ..Default::default()
    };
    let p = app.import().preview(who, &inp, &choices).await.unwrap();
    assert_eq!(
        actions(&p),
        vec![
            (2, RowAction::New),
            (3, RowAction::Error),
            (4, RowAction::New),
            (5, RowAction::New)
        ],
        "{:?}",
        p.rows
    );
    // "Skolesundhed" is nothing like "Skoler" or "Sundhedsplejen": it is created.
    assert_eq!(p.new_units, vec!["Skolesundhed"]);
    let s = p.unknown.iter().find(|u| u.raw == "Sygeplejen").unwrap();
    assert_eq!(s.resolution, "Læses som «Sygepleje og Rehabilitering»");
    assert!(p.rows[1].errors[0].starts_with("Der er flere enheder med navnet «Sekretariat»"));
    app.import()
        .commit(who, &inp, &choices, true, None)
        .await
        .unwrap();
    let ps = all_potentials(&o.store, o.tenant.id).await;
    assert_eq!(ps[0].unit_id, o.sygepleje);
    assert_eq!(ps[1].unit_id, o.nord);
}

/// The web's decisions on a path: the suggested unit, or a new unit under its parent
/// although a similar one exists.
async fn decisions_on_a_path_take_the_suggestion_or_create_under_the_parent(store: DynStore) {
    let o = org(store).await;
    let app = gevinst_app::App::new(o.store.clone());
    let limits = Limits::default();
    let csv = "Titel;Forvaltning;Enhed\nPost A;Social, Sundhed og Ældre;Sygeplejen\nPost B;Børn og Unge;Skoleafdelingen\n";
    let inp = input(csv.as_bytes(), &limits);
    let who = Importer::User(&o.admin);
    let decide = |raw: &str, choice: ValueChoice| ValueDecision {
        kind: ValueKind::Unit,
        raw: raw.to_owned(),
        choice,
    };
    let choices = ImportChoices {
        values: vec![
            decide(
                "Social, Sundhed og Ældre › Sygeplejen",
                ValueChoice::Existing {
                    name: "Social, Sundhed og Ældre › Sygepleje og Rehabilitering".into(),
                },
            ),
            decide(
                "Børn og Unge › Skoleafdelingen",
                ValueChoice::Create { parent: None },
            ),
        ],
        ..Default::default()
    };
    let p = app.import().preview(who, &inp, &choices).await.unwrap();
    assert_eq!(p.new_units, vec!["Børn og Unge › Skoleafdelingen"]);
    app.import()
        .commit(who, &inp, &choices, false, None)
        .await
        .unwrap();
    let ps = all_potentials(&o.store, o.tenant.id).await;
    assert_eq!(ps[0].unit_id, o.sygepleje);
    let units = o.store.list_units(o.tenant.id).await.unwrap();
    let created = units.iter().find(|u| u.name == "Skoleafdelingen").unwrap();
    assert_eq!(created.parent_id, Some(o.boern));
    assert_eq!(ps[1].unit_id, created.id);
}

#[tokio::test]
async fn unit_paths_and_near_copies_on_sqlite() {
    let db = TestDb::sqlite().await;
    create_missing_maps_near_copies_and_creates_under_parents(db.shared()).await;
    let db = TestDb::sqlite().await;
    a_single_unit_column_matches_anywhere_and_maps_near_copies(db.shared()).await;
    let db = TestDb::sqlite().await;
    decisions_on_a_path_take_the_suggestion_or_create_under_the_parent(db.shared()).await;
}

#[tokio::test]
async fn unit_paths_and_near_copies_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    create_missing_maps_near_copies_and_creates_under_parents(db.shared()).await;
    db.cleanup().await;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    a_single_unit_column_matches_anywhere_and_maps_near_copies(db.shared()).await;
    db.cleanup().await;
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    decisions_on_a_path_take_the_suggestion_or_create_under_the_parent(db.shared()).await;
    db.cleanup().await;
}
