//! Status words ("BC", "godkendt", "I gang" …) are offered as suggestions, taken on request
//! and counted; saved setups carry value decisions. On SQLite and PostgreSQL.

use super::*;
use gevinst_app::import::{accept_suggestions, ImportSetup};
use gevinst_app::App;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(
    status_words_are_suggested_taken_and_counted,
    setups_are_saved_with_their_value_decisions,
);

const WORDS: &str = "Titel;Enhed;Status;Forventet gevinst\n\
Robot til post;Borgerservice;BC;100.000\n\
Chatbot;Borgerservice;godkendt;200.000\n\
Skærmbesøg;Borgerservice;I gang;300.000\n\
Ny idé;Borgerservice;forslag;\n\
Uklar;Borgerservice;måske;\n";

async fn admin_of(store: &DynStore, slug: &str) -> (Tenant, Principal) {
    let t = tenant(store, slug).await;
    store
        .create_unit(t.id, None, None, "Borgerservice")
        .await
        .unwrap();
    let admin = principal(store, t.id, "admin@eksempel.dk", Role::Admin, vec![]).await;
    (t, admin)
}

fn value<'a>(p: &'a import::ImportPreview, raw: &str) -> &'a UnknownValue {
    p.unknown
        .iter()
        .find(|v| v.raw == raw)
        .unwrap_or_else(|| panic!("no unknown value {raw}: {:?}", p.unknown))
}

async fn status_words_are_suggested_taken_and_counted(db: &TestDb) {
    let store = db.shared();
    let (t, admin) = admin_of(&store, "ord").await;
    let app = App::new(store.clone());
    let who = Importer::User(&admin);
    let limits = Limits::default();
    let inp = input(WORDS.as_bytes(), &limits);

    // Without decisions the words are unknown, each with its status as first suggestion.
    let p = app
        .import()
        .preview(who, &inp, &ImportChoices::default())
        .await
        .unwrap();
    assert_eq!(p.counts.error, 5, "{:?}", p.rows);
    for (raw, label) in [
        ("BC", "Business case"),
        ("godkendt", "Besluttet"),
        ("I gang", "I implementering"),
        ("forslag", "Idé"),
    ] {
        let v = value(&p, raw);
        assert_eq!(v.kind, ValueKind::Status);
        assert_eq!(
            v.suggestions.first().map(String::as_str),
            Some(label),
            "{raw}"
        );
        assert_eq!(
            import::suggested_choice(v),
            Some(ValueChoice::Existing { name: label.into() })
        );
        assert!(!v.suggestion_taken);
    }
    assert!(value(&p, "måske").suggestions.is_empty());
    assert!(
        p.rows[1].errors[0].contains("Status «godkendt» kendes ikke. Den betyder nok «Besluttet»."),
        "{:?}",
        p.rows[1].errors
    );
    assert_eq!(p.suggestions_taken().count(), 0);

    // Taking the suggestions resolves all but the word nobody knows, and counts them.
    let mut choices = ImportChoices::default();
    let added = accept_suggestions(&mut choices, &p.unknown);
    assert_eq!(added.len(), 4);
    let p = app.import().preview(who, &inp, &choices).await.unwrap();
    assert_eq!(
        actions(&p),
        vec![
            (2, RowAction::New),
            (3, RowAction::New),
            (4, RowAction::New),
            (5, RowAction::New),
            (6, RowAction::Error),
        ]
    );
    let taken: Vec<&str> = p.suggestions_taken().map(|v| v.raw.as_str()).collect();
    assert_eq!(taken, vec!["BC", "godkendt", "I gang", "forslag"]);
    assert_eq!(value(&p, "godkendt").resolution, "Bruger «Besluttet»");

    // A decision other than the suggestion is the user's own, not a suggestion taken.
    choices.decide([ValueDecision {
        kind: ValueKind::Status,
        raw: "GODKENDT".into(),
        choice: ValueChoice::Existing {
            name: "Business case".into(),
        },
    }]);
    let p = app.import().preview(who, &inp, &choices).await.unwrap();
    assert!(!value(&p, "godkendt").suggestion_taken);
    assert_eq!(p.suggestions_taken().count(), 3);

    // Committed, the statuses are the suggested ones (and the user's own choice).
    let out = app
        .import()
        .commit(who, &inp, &choices, true, None)
        .await
        .unwrap();
    assert_eq!((out.created, out.skipped), (4, 1));
    let stored: Vec<(String, Status)> = all_potentials(&store, t.id)
        .await
        .into_iter()
        .map(|p| (p.title, p.status))
        .collect();
    assert_eq!(
        stored,
        vec![
            ("Robot til post".to_owned(), Status::BusinessCase),
            ("Chatbot".to_owned(), Status::BusinessCase),
            ("Skærmbesøg".to_owned(), Status::IImplementering),
            ("Ny idé".to_owned(), Status::Ide),
        ]
    );
}

async fn setups_are_saved_with_their_value_decisions(db: &TestDb) {
    let store = db.shared();
    let (_, admin) = admin_of(&store, "opsaet").await;
    let app = App::new(store.clone());
    let who = Importer::User(&admin);
    let setup = ImportSetup::from_json(
        r#"{"columns":[{"header":"Navnet","target":{"field":"title"}},{"header":"Fase","target":{"field":"status"}}],
            "values":[{"kind":"status","raw":"godkendt","choice":{"choice":"existing","name":"Besluttet"}}]}"#,
    )
    .unwrap();
    let saved = app
        .import()
        .save_setup(who, "Kommunens liste", &setup, None)
        .await
        .unwrap();
    let (loaded, version) = app
        .import()
        .load_setup(who, "Kommunens liste")
        .await
        .unwrap();
    assert_eq!((&loaded, version), (&setup, saved.version));
    let (mapping, _) = app
        .import()
        .load_mapping(who, "Kommunens liste")
        .await
        .unwrap();
    assert_eq!(mapping, setup.mapping());

    // Saving the columns again (the web's mapping page) keeps the value decisions.
    let mut columns = setup.mapping();
    columns.columns.pop();
    app.import()
        .save_mapping(who, "Kommunens liste", &columns, Some(version))
        .await
        .unwrap();
    let (again, _) = app
        .import()
        .load_setup(who, "Kommunens liste")
        .await
        .unwrap();
    assert_eq!(again.columns, columns.columns);
    assert_eq!(again.values, setup.values);

    // A mapping saved without decisions reads as a setup without values.
    app.import()
        .save_mapping(who, "Kun kolonner", &columns, None)
        .await
        .unwrap();
    let (plain, _) = app.import().load_setup(who, "Kun kolonner").await.unwrap();
    assert!(plain.values.is_empty());
    assert!(matches!(
        app.import().load_setup(who, "Findes ikke").await,
        Err(AppError::NotFound)
    ));
}
