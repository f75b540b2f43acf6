//! `gevinst import` decides values: `--accept-suggestions` (status words such as "BC" and
//! "godkendt"), `--values FILE`, `--mapping NAME` (a mapping saved in the web, with its
//! value decisions) and `--show-mapping`, on a workbook generated here.

use super::Db;
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

/// A workbook with header synonyms, a header that begins with a synonym, a second title
/// column, a column no field fits, and status words instead of gevinst's labels.
fn workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Potentialer").unwrap();
    let header = [
        "Nr.",
        "Potentialets navn",
        "Enhed",
        "Fase",
        "Investering (kr.)",
        "Forventet gevinst",
        "Titel",
        "Bemærkninger",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, Option<f64>, Option<f64>); 4] = [
        ("Robot til post", "BC", Some(50_000.0), Some(250_000.0)),
        ("Chatbot", "godkendt", Some(100_000.0), Some(400_000.0)),
        ("Skærmbesøg", "I gang", None, Some(300_000.0)),
        ("Ny idé", "forslag", None, None),
    ];
    for (i, (title, status, invest, gain)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, f64::from(r)).unwrap();
        ws.write_string(r, 1, *title).unwrap();
        ws.write_string(r, 2, "Borgerservice").unwrap();
        ws.write_string(r, 3, *status).unwrap();
        if let Some(v) = invest {
            ws.write_number(r, 4, *v).unwrap();
        }
        if let Some(v) = gain {
            ws.write_number(r, 5, *v).unwrap();
        }
    }
    let path = dir.join("potentialer.xlsx");
    wb.save(&path).unwrap();
    path
}

/// The stored status label of each potential, by title, from `gevinst export` (CSV).
fn statuses(db: &Db, tenant: &str) -> Vec<(String, String)> {
    let out = db.run_with_stdin(&["export", "--tenant", tenant, "-"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows: Vec<(String, String)> = text
        .split("\r\n")
        .skip(1)
        // The potentials end at the first empty line; business cases and risks follow it.
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1].to_owned(), f[3].to_owned())
        })
        .collect();
    rows.sort();
    rows
}

/// Runs an import that must exit with code 1 (rows with errors) and returns its stdout.
fn refused(db: &Db, args: &[&str]) -> String {
    let out = db.run_with_stdin(args, None);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    stdout
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn accept_suggestions_takes_the_status_words_the_web_pre_selects() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "ord", "--name", "Ord Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let file = workbook(dir.path());
    let file = file.to_str().unwrap();

    // Without the flag the words block their rows, and the summary says what they mean.
    let stdout = refused(
        &db,
        &[
            "import",
            "--tenant",
            "ord",
            "--create-missing",
            "--dry-run",
            file,
        ],
    );
    assert!(stdout.contains("fejl: 4,"), "{stdout}");
    assert!(
        stdout.contains("Række 3: Status «godkendt» kendes ikke. Den betyder nok «Besluttet»."),
        "{stdout}"
    );
    assert!(!stdout.contains("Forslag taget"), "{stdout}");

    let out = db.ok(&[
        "import",
        "--tenant",
        "ord",
        "--create-missing",
        "--accept-suggestions",
        file,
    ]);
    assert!(
        out.contains("Nye: 4, opdateringer: 0, dubletter: 0, fejl: 0,"),
        "{out}"
    );
    assert!(
        out.contains("Forslag taget: 4 (status «BC» → Business case; status «godkendt» → Besluttet; status «I gang» → I implementering; status «forslag» → Idé)\n"),
        "{out}"
    );
    assert!(out.contains("Importeret: 4 nye"), "{out}");
    assert_eq!(
        statuses(&db, "ord"),
        pairs(&[
            ("Robot til post", "Business case"),
            ("Chatbot", "Besluttet"),
            ("Skærmbesøg", "I implementering"),
            ("Ny idé", "Idé"),
        ])
    );

    let help = db.ok(&["import", "--help"]);
    for flag in [
        "--values <FILE>",
        "--accept-suggestions",
        "--show-mapping",
        "--mapping <FILE|NAME>",
    ] {
        assert!(help.contains(flag), "{flag} missing in {help}");
    }
}

#[test]
fn a_values_file_decides_values_and_wins_over_suggestions() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "vf", "--name", "Værdi Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let file = workbook(dir.path());
    let values = dir.path().join("vaerdier.json");
    std::fs::write(
        &values,
        r#"{"values":[{"kind":"status","raw":"GODKENDT","choice":{"choice":"existing","name":"Business case"}}]}"#,
    )
    .unwrap();
    let (file, values) = (file.to_str().unwrap(), values.to_str().unwrap());

    // The file decides one word; the rest are still unknown without suggestions taken.
    let stdout = refused(
        &db,
        &[
            "import",
            "--tenant",
            "vf",
            "--create-missing",
            "--values",
            values,
            "--dry-run",
            file,
        ],
    );
    assert!(stdout.contains("fejl: 3,"), "{stdout}");
    assert!(
        stdout.contains("Ukendt status «godkendt» (række 3): Bruger «Business case»\n"),
        "{stdout}"
    );

    // With the suggestions for the rest, the file's decision wins over «Besluttet».
    let out = db.ok(&[
        "import",
        "--tenant",
        "vf",
        "--create-missing",
        "--values",
        values,
        "--accept-suggestions",
        "--show-mapping",
        file,
    ]);
    assert!(out.contains("fejl: 0,"), "{out}");
    assert!(out.contains("Forslag taget: 3 ("), "{out}");
    assert!(
        out.contains(&format!(
            "  status «godkendt» (række 3) → Bruger «Business case»: valgt i {values}\n"
        )),
        "{out}"
    );
    assert_eq!(
        statuses(&db, "vf"),
        pairs(&[
            ("Robot til post", "Business case"),
            ("Chatbot", "Business case"),
            ("Skærmbesøg", "I implementering"),
            ("Ny idé", "Idé"),
        ])
    );

    // A file that is not a setup, or a status that does not exist, is a clear error.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"values":[{"kind":"farve","raw":"x","choice":{"choice":"skip"}}]}"#,
    )
    .unwrap();
    db.fails(
        &[
            "import",
            "--tenant",
            "vf",
            "--values",
            bad.to_str().unwrap(),
            file,
        ],
        None,
        1,
        "Opsætningen kan ikke læses (linje 1",
    );
    let wrong = dir.path().join("wrong.json");
    std::fs::write(
        &wrong,
        r#"{"values":[{"kind":"status","raw":"BC","choice":{"choice":"existing","name":"Færdig"}}]}"#,
    )
    .unwrap();
    let stdout = refused(
        &db,
        &[
            "import",
            "--tenant",
            "vf",
            "--values",
            wrong.to_str().unwrap(),
            "--dry-run",
            file,
        ],
    );
    assert!(
        stdout.contains("Række 2: Den valgte status «Færdig» findes ikke."),
        "{stdout}"
    );
}

#[test]
fn show_mapping_says_where_each_column_and_value_went_and_why() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "vis", "--name", "Vis Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let file = workbook(dir.path());
    let out = db.ok(&[
        "import",
        "--tenant",
        "vis",
        "--create-missing",
        "--accept-suggestions",
        "--show-mapping",
        "--dry-run",
        file.to_str().unwrap(),
    ]);
    let columns = [
        "Kolonner:",
        "  A «Nr.» → Eksternt id: overskriften er et synonym for Eksternt id («Nr»)",
        "  B «Potentialets navn» → Titel: overskriften er et synonym for Titel («Potentialets navn»)",
        "  C «Enhed» → Enhed: overskriften er feltets navn",
        "  D «Fase» → Status: overskriften er et synonym for Status («Fase»)",
        "  E «Investering (kr.)» → Investering: overskriften begynder med «Investering»",
        "  F «Forventet gevinst» → Forventet gevinst (kr./år): overskriften er et synonym for Forventet gevinst (kr./år) («Forventet gevinst»)",
        "  G «Titel» → note i beskrivelsen: feltet Titel er allerede taget af kolonnen «Potentialets navn»",
        "  H «Bemærkninger» → note i beskrivelsen: ingen felt passer til overskriften",
        "Værdier:",
    ]
    .map(|l| format!("{l}\n"))
    .concat();
    assert!(out.contains(&columns), "{out}");
    assert!(
        out.contains("  status «godkendt» (række 3) → Bruger «Besluttet»: forslag taget (--accept-suggestions): statusordet «godkendt» betyder «Besluttet»\n"),
        "{out}"
    );
    assert!(
        out.contains("  status «BC» (række 2) → Bruger «Business case»: forslag taget (--accept-suggestions): statusordet «BC» betyder «Business case»\n"),
        "{out}"
    );
    assert!(
        out.contains("  enhed «Borgerservice» (række 2, 3, 4, 5) → "),
        "{out}"
    );
    let (shown, counts) = (out.find("Kolonner:").unwrap(), out.find("Nye: ").unwrap());
    assert!(shown < counts, "the mapping comes before the counts: {out}");

    // Without a suggestion taken, it says how to decide.
    let stdout = refused(
        &db,
        &[
            "import",
            "--tenant",
            "vis",
            "--show-mapping",
            "--dry-run",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        stdout.contains("  status «godkendt» (række 3) → Ikke valgt: forslaget «Besluttet» (statusordet «godkendt» betyder «Besluttet») er ikke taget; brug --accept-suggestions eller --values\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  enhed «Borgerservice» (række 2, 3, 4, 5) → Ikke valgt: intet ligner; vælg med --values, eller opret med --create-missing\n"),
        "{stdout}"
    );
}

#[test]
fn a_mapping_saved_in_the_web_is_used_by_name_with_its_value_decisions() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "web", "--name", "Web Kommune"]);
    let Db::Dir(data) = &db else {
        unreachable!("a temporary data directory")
    };
    // What the web's mapping and values pages save (the store writes it; see the app).
    let setup = r#"{"columns":[{"header":"Navnet","target":{"field":"title"}},{"header":"Afd.","target":{"field":"unit"}},{"header":"Fase","target":{"field":"status"}}],"values":[{"kind":"status","raw":"godkendt","choice":{"choice":"existing","name":"Besluttet"}}]}"#;
    let url = format!("sqlite://{}/gevinst.db", data.path().display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO import_mappings (tenant_id, name, body, version, created_at, updated_at) \
             SELECT id, 'Kommunens liste', ?, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM tenants WHERE slug = 'web'",
        )
        .bind(setup)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("liste.csv");
    std::fs::write(
        &csv,
        "Navnet;Afd.;Fase;Gevinst\nRobot til post;Borgerservice;godkendt;100.000\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    let out = db.ok(&[
        "import",
        "--tenant",
        "web",
        "--mapping",
        "Kommunens liste",
        "--create-missing",
        "--show-mapping",
        csv,
    ]);
    assert!(
        out.contains("  A «Navnet» → Titel: valgt i den gemte opsætning «Kommunens liste»\n"),
        "{out}"
    );
    assert!(
        out.contains("  D «Gevinst» → Forventet gevinst (kr./år): overskriften er et synonym for Forventet gevinst (kr./år) («Gevinst»)\n"),
        "{out}"
    );
    assert!(
        out.contains("  status «godkendt» (række 2) → Bruger «Besluttet»: valgt i den gemte opsætning «Kommunens liste»; statusordet «godkendt» betyder «Besluttet»\n"),
        "{out}"
    );
    assert!(out.contains("Importeret: 1 ny"), "{out}");
    assert_eq!(
        statuses(&db, "web"),
        pairs(&[("Robot til post", "Besluttet")])
    );

    db.fails(
        &["import", "--tenant", "web", "--mapping", "Ingen sådan", csv],
        None,
        1,
        "--mapping Ingen sådan: der er hverken en fil eller en gemt opsætning med det navn.",
    );
}
