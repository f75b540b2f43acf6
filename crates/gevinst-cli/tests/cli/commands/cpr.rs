//! `gevinst import` never prints, logs or reports a CPR number in clear text, with or
//! without `--mask-cpr`, on SQLite and PostgreSQL: stdout, stderr with every log line
//! (`RUST_LOG=trace`), and the error report read back.

use super::*;
use gevinst_testkit::PgDatabase;

/// Every CPR number in [`CSV`], as written and with or without its dash; none may be seen.
/// (Not just their last four digits: a log line's timings may hold any four digits.)
const CPRS: [&str; 9] = [
    "150485-7391",
    "1504857391",
    "2903928264",
    "290392-8264",
    "311299 5173",
    "3112995173",
    "311299-5173",
    "01 02 03 9428",
    "0102039428",
];

/// Titles and descriptions with CPR numbers as `ddmmyy-xxxx`, `ddmmyyxxxx` and with spaces.
const CSV: &str = "Titel;Beskrivelse;Enhed;Startår;Timer pr. år\n\
Robot for 150485-7391;Journalisering.;Hjemmeplejen;2026;1924\n\
Chatbot;Borgeren 2903928264 ringer tit.;Hjemmeplejen;2026;1924\n\
Skærmbesøg;Borger 311299 5173 har spurgt.;Hjemmeplejen;2026;1924\n\
Sensorer;Sagen om 01 02 03 9428 viser behovet.;Hjemmeplejen;2026;1924\n\
Selvbetjening;Ingen personoplysninger her.;Hjemmeplejen;2026;1924\n";

fn assert_no_cpr(what: &str, text: &str) {
    for cpr in CPRS {
        assert!(!text.contains(cpr), "{what} shows a CPR number: {text}");
    }
}

/// Runs `gevinst` with every log line on stderr; returns (success, stdout, stderr).
fn traced(db: &Db, args: &[&str]) -> (bool, String, String) {
    let out = db
        .cmd(args)
        .env("RUST_LOG", "trace")
        .output()
        .expect("run gevinst");
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_no_cpr(&format!("stdout of {args:?}"), &o);
    assert_no_cpr(&format!("stderr of {args:?}"), &e);
    (out.status.success(), o, e)
}

fn no_cpr_leaves_the_cli(db: &Db) {
    db.ok(&["tenant", "add", "--slug", "cpr", "--name", "CPR Kommune"]);
    db.ok(&[
        "tenant",
        "add",
        "--slug",
        "maske",
        "--name",
        "Maske Kommune",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("borgere 150485-7391.csv");
    std::fs::write(&file, CSV).unwrap();
    let report = dir.path().join("fejl 2903928264.xlsx");
    let (file, report_arg) = (file.to_str().unwrap(), report.to_str().unwrap());

    // A dry run with the error report: four rows are errors (exit 1), nothing in clear.
    let (ok, stdout, stderr) = traced(
        db,
        &[
            "import",
            "--tenant",
            "cpr",
            "--create-missing",
            "--dry-run",
            "--error-report",
            report_arg,
            file,
        ],
    );
    assert!(!ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("fejl: 4"), "{stdout}");
    assert!(stdout.contains("XXXXXX-XXXX"), "{stdout}");
    assert!(stdout.contains("tegnsæt: UTF-8"), "{stdout}");
    assert!(
        stderr.contains("TRACE") || stderr.contains("DEBUG"),
        "the log is on: {stderr}"
    );
    let cells: Vec<String> = {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&report).expect("the report");
        let range = wb.worksheet_range("Fejlrapport").expect("sheet");
        range.rows().flatten().map(|c| c.to_string()).collect()
    };
    assert_no_cpr("the error report", &cells.join("|"));
    assert!(cells.iter().any(|c| c.contains("XXXXXX-XXXX")), "{cells:?}");
    assert!(cells.iter().any(|c| c == "2026") && cells.iter().any(|c| c == "1924"));
    assert!(
        !cells.iter().any(|c| c == "2.026" || c == "1.924"),
        "{cells:?}"
    );

    // Only the valid rows, unmasked: one row written.
    let (ok, stdout, stderr) = traced(
        db,
        &[
            "import",
            "--tenant",
            "cpr",
            "--create-missing",
            "--only-valid",
            file,
        ],
    );
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("Importeret: 1 ny"), "{stdout}");

    // Masked: all five rows are written, masked.
    let (ok, stdout, stderr) = traced(
        db,
        &[
            "import",
            "--tenant",
            "maske",
            "--create-missing",
            "--mask-cpr",
            file,
        ],
    );
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("Importeret: 5 nye"), "{stdout}");
    let export = db.ok(&["export", "--tenant", "maske", "--format", "csv", "-"]);
    assert_no_cpr("the export", &export);
    assert!(export.contains("Robot for XXXXXX-XXXX"), "{export}");
    db.ok(&["audit", "verify"]);
}

#[test]
fn no_cpr_number_leaves_the_cli_in_clear_text_on_sqlite() {
    no_cpr_leaves_the_cli(&Db::temp());
}

#[test]
fn no_cpr_number_leaves_the_cli_in_clear_text_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    no_cpr_leaves_the_cli(&Db::Url(pg.url.clone()));
}

#[test]
fn a_csv_round_trip_through_the_cli_keeps_business_cases() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "rund", "--name", "Rund Kommune"]);
    db.ok(&["tenant", "add", "--slug", "tur", "--name", "Tur Kommune"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tal.csv");
    std::fs::write(
        &file,
        "Titel;Enhed;Forventet gevinst (kr.);Startår\nRobot;Borgerservice;250000;2026\n",
    )
    .unwrap();
    let out = db.ok(&[
        "import",
        "--tenant",
        "rund",
        "--create-missing",
        file.to_str().unwrap(),
    ]);
    assert!(out.contains("1 business cases"), "{out}");
    let csv = dir.path().join("rund.csv");
    db.ok(&["export", "--tenant", "rund", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("\r\nBusiness cases\r\n"), "{text}");
    let out = db.ok(&[
        "import",
        "--tenant",
        "tur",
        "--create-missing",
        csv.to_str().unwrap(),
    ]);
    assert!(out.contains("gevinst-eksport"), "{out}");
    assert!(
        out.contains("Importeret: 1 ny, 0 opdateret, 1 business cases"),
        "{out}"
    );
    // The same lines come back (the potential's id differs between the tenants).
    let again = db.ok(&["export", "--tenant", "tur", "--format", "csv", "-"]);
    let lines = |t: &str| -> Vec<String> {
        let section = t.split("Business cases\r\n").nth(1).unwrap_or_default();
        section
            .lines()
            .map(|l| l.split_once(';').map_or("", |(_, rest)| rest).to_owned())
            .collect()
    };
    assert_eq!(lines(&text).len(), 6, "the header and five years: {text}");
    assert_eq!(lines(&again), lines(&text));
}
