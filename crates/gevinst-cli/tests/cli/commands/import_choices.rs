//! `gevinst import` deciding single rows: possible duplicates under another number are
//! skipped unless `--keep-duplicates`, statuses that need a reason take it from the file
//! or from `--default-reason`, and an «Ansvarlig» who is no user is kept as contact.

use super::*;

/// Rows 2 and 5 are one potential under two numbers; row 4 is parked without a reason.
const LIST: &str = "Nr.;Titel;Enhed;Status;Begrundelse;Ansvarlig;Forventet gevinst;Startår\n\
1;Chatbot til borgere;Jobcenter;Business case;;Jens Hansen;1,2 mio.;2026\n\
2;Robot til ydelser;Jobcenter;Afvist;For dyrt i drift;;;\n\
3;Sensorer i boliger;Jobcenter;Parkeret;;;;\n\
4;chatbot til  borgere;Jobcenter;Business case;;;1,2 mio.;2026\n";

#[test]
fn import_skips_possible_duplicates_and_asks_for_reasons() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "valg", "--name", "Valg Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("liste.csv");
    std::fs::write(&csv, LIST).unwrap();
    let file = csv.to_str().unwrap();

    // By default: the repeat is skipped and reported, the parked row needs a reason.
    let out = db.run_with_stdin(
        &[
            "import",
            "--tenant",
            "valg",
            "--create-missing",
            "--dry-run",
            file,
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Nye: 2, opdateringer: 0, dubletter: 1, fejl: 1, advarsler: 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Mulige dubletter, springes over (brug --keep-duplicates for at importere dem): 1\n  Række 5: Mulig dublet af række 2: samme titel og enhed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Række 4: Rækken har status «Parkeret», som kræver en begrundelse"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 række mangler en begrundelse for status; brug --default-reason for at give én begrundelse for alle.\n"),
        "{stdout}"
    );
    let help = db.ok(&["import", "--help"]);
    assert!(
        help.contains("--keep-duplicates") && help.contains("--default-reason[=<TEXT>]"),
        "{help}"
    );

    // One reason for all: three new potentials, the repeat skipped.
    let out = db.ok(&[
        "import",
        "--tenant",
        "valg",
        "--create-missing",
        "--default-reason",
        file,
    ]);
    assert!(
        out.contains("Importeret: 3 nye, 0 opdateret, 1 business cases, 1 sprunget over"),
        "{out}"
    );
    // The «Ansvarlig» who is no user is the contact person, in the export too.
    let export = db.ok(&["export", "--tenant", "valg", "-"]);
    let chatbot = export
        .lines()
        .find(|l| l.contains("Chatbot til borgere"))
        .expect("exported");
    assert!(chatbot.ends_with(";Jens Hansen"), "{chatbot}");

    // Kept: a new tenant gets all four, with the reason given.
    db.ok(&["tenant", "add", "--slug", "alle", "--name", "Alle Kommune"]);
    let out = db.ok(&[
        "import",
        "--tenant",
        "alle",
        "--create-missing",
        "--keep-duplicates",
        "--default-reason=Sat i bero af direktionen",
        file,
    ]);
    assert!(
        out.contains("Importeret: 4 nye, 0 opdateret, 2 business cases, 0 sprunget over"),
        "{out}"
    );
}
