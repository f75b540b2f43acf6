//! `gevinst export` and `gevinst import`, and an import killed midway.

use super::*;
use gevinst_testkit::PgDatabase;

/// The cells of one sheet of an .xlsx file, as calamine reads them.
fn xlsx_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("open the export");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn cell_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn export_writes_xlsx_and_csv() {
    let db = Db::temp();
    // The demo loads only into an empty database, so it comes first.
    let server = Server::start(&db, &["--demo"]);
    server.stop();
    db.ok(&["tenant", "add", "--slug", "tom", "--name", "Tom Kommune"]);

    // An empty tenant: CSV on stdout is the byte-order mark and the header alone.
    let out = db.run_with_stdin(&["export", "--tenant", "tom", "-"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let header = "Id;Titel;Beskrivelse;Status;Enhed;Enhedssti;Fagområde;Teknologi;Kilde;\
Gevinstejer;Gevinstejer e-mail;Digital agent;Digital agent e-mail;Indsendt af;\
Indsendt af e-mail;Tags;Oprettet;Ændret;Version;Startår;Horisont (år);Diskonteringsrente;\
Kontaktperson\r\n";
    let mut want = b"\xEF\xBB\xBF".to_vec();
    want.extend_from_slice(header.as_bytes());
    assert_eq!(out.stdout, want);

    // Bad input is a clear error, never a panic.
    db.fails(
        &["export", "--tenant", "ingen", "-"],
        None,
        1,
        "unknown tenant \"ingen\"",
    );
    db.fails(
        &["export", "--tenant", "tom", "--format", "xlsx", "-"],
        None,
        1,
        "cannot go to standard output",
    );
    db.fails(
        &["export", "--tenant", "tom", "--format", "ods", "x.ods"],
        None,
        2,
        "invalid value 'ods'",
    );
    db.fails(
        &["export", "--tenant", "tom", "--simulate", "0", "x.xlsx"],
        None,
        1,
        "--simulate must be 1-1000000",
    );

    // The demo tenant: 331 potentials, with business cases, simulated.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("portefølje.xlsx");
    let out = db.run_with_stdin(
        &[
            "export",
            "--tenant",
            "eksempel",
            "--simulate",
            "200",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("exported 331 potentials of eksempel"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    let potentials = xlsx_rows(&xlsx, "Potentialer");
    assert_eq!(potentials.len(), 1 + 331);
    assert_eq!(cell_text(&potentials[0][0]), "Id");
    assert_eq!(cell_text(&potentials[0][1]), "Titel");
    // Sorted by id.
    let ids: Vec<f64> = potentials[1..]
        .iter()
        .map(|r| match r[0] {
            calamine::Data::Float(x) => x,
            ref other => panic!("id is not a number: {other:?}"),
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let lines = xlsx_rows(&xlsx, "Business cases");
    assert_eq!(cell_text(&lines[0][0]), "Potentiale-id");
    assert!(lines.len() > 1, "the demo has business cases");
    for row in &lines[1..] {
        assert!(ids.contains(&match row[0] {
            calamine::Data::Float(x) => x,
            ref other => panic!("{other:?}"),
        }));
    }
    let keys = xlsx_rows(&xlsx, "Nøgletal");
    assert!(keys.len() > 1);
    assert_eq!(cell_text(&keys[0][15]), "NPV P10 (kr.)");
    assert_eq!(cell_text(&keys[0][17]), "NPV P90 (kr.)");
    assert!(matches!(keys[1][15], calamine::Data::Float(_)));
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["portefølje.xlsx"]);

    // The same tenant as CSV to a file, chosen by the extension.
    let csv = dir.path().join("portefølje.csv");
    db.ok(&["export", "--tenant", "eksempel", csv.to_str().unwrap()]);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFId;Titel;"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains(";Idé;") || text.contains(";Besluttet;"),
        "{text}"
    );
}

#[test]
fn import_previews_refuses_errors_and_commits_valid_rows() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "imp", "--name", "Import Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("potentialer.csv");
    std::fs::write(
        &csv,
        "Titel;Enhed;Forventet gevinst;Startår\n\
Robot til post;Borgerservice;250.000 kr.;2025\n\
;Borgerservice;;\n\
Chatbot;Borgerservice;1,5 mio.;2026\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();

    // The unit is unknown: every row is an error, and a dry run says so with exit code 1.
    let out = db.run_with_stdin(&["import", "--tenant", "imp", "--dry-run", file], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Nye: 0, opdateringer: 0, dubletter: 0, fejl: 3, advarsler: 0\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Række 2: Enheden «Borgerservice» findes ikke. Vælg en eksisterende enhed, eller lad importen oprette den.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("Tørkørsel: intet er gemt.\n"), "{stdout}");

    // With --create-missing one row is still an error: nothing is imported.
    let out = db.run_with_stdin(
        &["import", "--tenant", "imp", "--create-missing", file],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("Nye: 2, opdateringer: 0, dubletter: 0, fejl: 1, advarsler: 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Række 3: Kolonne «Titel»: Rækken har ingen titel. Udfyld titlen, eller slet rækken.\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Opretter enhed: Borgerservice\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 række har fejl, så intet er importeret"),
        "{stderr}"
    );
    assert!(!db
        .ok(&["unit", "list", "--tenant", "imp"])
        .contains("Borgerservice"));
    let help = db.ok(&["import", "--help"]);
    assert!(
        help.contains("--only-valid") && help.contains("--dry-run"),
        "{help}"
    );

    // --only-valid imports the two valid rows, with their business cases.
    let report = dir.path().join("fejl.xlsx");
    let out = db.ok(&[
        "import",
        "--tenant",
        "imp",
        "--create-missing",
        "--only-valid",
        "--error-report",
        report.to_str().unwrap(),
        file,
    ]);
    assert!(
        out.contains("Importeret: 2 nye, 0 opdateret, 2 business cases, 1 sprunget over"),
        "{out}"
    );
    let rows = xlsx_rows(&report, "Fejlrapport");
    // Row 3 has the error, row 4 the warning that "1,5 mio." was read as 1.500.000 kr.
    let outcomes: Vec<(calamine::Data, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), cell_text(&r[1])))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (calamine::Data::Float(3.0), "Fejl".to_owned()),
            (calamine::Data::Float(4.0), "Advarsel".to_owned()),
        ]
    );
    assert!(db
        .ok(&["unit", "list", "--tenant", "imp"])
        .contains("Borgerservice"));

    // Again: the rows exist already and are duplicates.
    let out = db.ok(&[
        "import",
        "--tenant",
        "imp",
        "--dry-run",
        "--only-valid",
        file,
    ]);
    assert!(
        out.contains("Nye: 0, opdateringer: 0, dubletter: 2, fejl: 1, advarsler: 0\n"),
        "{out}"
    );

    // Round trip through the CLI: export, and import into an empty tenant.
    let xlsx = dir.path().join("eksport.xlsx");
    db.ok(&["export", "--tenant", "imp", xlsx.to_str().unwrap()]);
    db.ok(&["tenant", "add", "--slug", "kopi", "--name", "Kopi Kommune"]);
    let out = db.ok(&[
        "import",
        "--tenant",
        "kopi",
        "--create-missing",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.contains("(ark: Potentialer) (gevinst-eksport)"),
        "{out}"
    );
    assert!(
        out.contains("Importeret: 2 nye, 0 opdateret, 2 business cases, 0 sprunget over"),
        "{out}"
    );

    // Bad input is a clear error, never a panic.
    db.fails(
        &["import", "--tenant", "ingen", file],
        None,
        1,
        "unknown tenant \"ingen\"",
    );
    db.fails(
        &["import", "--tenant", "imp", "/nonexistent/x.csv"],
        None,
        1,
        "cannot read /nonexistent/x.csv",
    );
    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not really a zip").unwrap();
    db.fails(
        &["import", "--tenant", "imp", junk.to_str().unwrap()],
        None,
        1,
        "Filen kan ikke importeres",
    );
}

#[test]
fn import_uses_a_saved_mapping_file() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "map", "--name", "Map Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ark.csv");
    std::fs::write(&csv, "Navnet;Afd.\nRobot;Borgerservice\n").unwrap();
    let mapping = dir.path().join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"columns":[{"header":"Navnet","target":{"field":"title"}},{"header":"Afd.","target":{"field":"unit"}}]}"#,
    )
    .unwrap();
    let (csv, mapping) = (csv.to_str().unwrap(), mapping.to_str().unwrap());

    // Without the mapping there is no title column.
    let out = db.run_with_stdin(&["import", "--tenant", "map", "--dry-run", csv], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains("Kolonneopsætning: Vælg den kolonne, der indeholder potentialernes titel.\n"),
        "{stdout}"
    );

    let out = db.ok(&[
        "import",
        "--tenant",
        "map",
        "--mapping",
        mapping,
        "--create-missing",
        csv,
    ]);
    assert!(
        out.contains("Nye: 1, opdateringer: 0, dubletter: 0, fejl: 0, advarsler: 0\n"),
        "{out}"
    );
    assert!(
        out.contains("Importeret: 1 ny, 0 opdateret, 0 business cases, 0 sprunget over"),
        "{out}"
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ikke json").unwrap();
    db.fails(
        &[
            "import",
            "--tenant",
            "map",
            "--mapping",
            bad.to_str().unwrap(),
            csv,
        ],
        None,
        1,
        "Den gemte kolonneopsætning kan ikke læses",
    );
}

/// An import whose process dies in the middle of its transaction (SIGABRT after 20 of 60
/// rows are written) leaves nothing behind: no potentials, no units it was creating, no
/// business cases, and the database still opens and takes the same import afterwards.
fn crash_midway_leaves_nothing(db: &Db) {
    db.ok(&[
        "tenant",
        "add",
        "--slug",
        "crash",
        "--name",
        "Crash Kommune",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mange.csv");
    let mut text = String::from("Titel;Enhed;Forventet gevinst;Startår\n");
    for i in 1..=60 {
        text.push_str(&format!(
            "Potentiale nr. {i};Borgerservice;{i}0.000 kr.;2026\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let file = csv.to_str().unwrap();
    let args = ["import", "--tenant", "crash", "--create-missing", file];

    let out = db
        .cmd(&args)
        .env("GEVINST_FAULT_ABORT_AFTER_ROWS", "20")
        .output()
        .expect("run gevinst");
    assert!(!out.status.success(), "the import was meant to crash");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "killed by SIGABRT: {out:?}");
    }
    let export = db.ok(&["export", "--tenant", "crash", "--format", "csv", "-"]);
    assert_eq!(export.lines().count(), 1, "only the header: {export}");
    assert!(!db
        .ok(&["unit", "list", "--tenant", "crash"])
        .contains("Borgerservice"));

    // The same import afterwards writes all 60 rows.
    let out = db.ok(&args);
    assert!(out.contains("Importeret: 60 nye"), "{out}");
    let export = db.ok(&["export", "--tenant", "crash", "--format", "csv", "-"]);
    // The potentials come first; their business cases follow after an empty line.
    let potentials = export.split("\r\n\r\n").next().unwrap_or_default();
    assert_eq!(potentials.lines().count(), 61);
}

#[test]
fn an_import_killed_midway_leaves_nothing_on_sqlite() {
    crash_midway_leaves_nothing(&Db::temp());
}

#[test]
fn an_import_killed_midway_leaves_nothing_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    crash_midway_leaves_nothing(&Db::Url(pg.url.clone()));
}
