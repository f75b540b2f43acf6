//! The import's second pass, end to end: a generated messy municipal list
//! ([`gevinst_testkit::messy_workbook`]: a merged title, blank rows, a totals row, a hidden
//! sheet, Danish money formats, forvaltning and enhed columns, a re-numbered duplicate,
//! status words people write, near-copy catalogue values, two CPR numbers, afvist and
//! parkeret rows with and without a reason, "Ansvarlig" names that match no user) goes
//! into a fresh demo tenant on the CLI's default path,
//! `gevinst import --create-missing --accept-suggestions`.
//!
//! Everything is compared with the generator's expected outcome, and checked through the
//! CLI's export, the error report and the database itself, not through message wording
//! (except the words the issue gives: "mulig dublet af række N").

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::*;
use gevinst_testkit::{
    messy_workbook, MessyExpected, MessyRow, Owner, PgDatabase, DEFAULT_REASON, DEFAULT_ROWS,
};

const TENANT: &str = "eksempel";
const SEED: u64 = 12;

/// The option that gives afvist/parkeret rows without a reason one reason for all; without
/// a value it is the issue's «Importeret fra regneark uden begrundelse» ([`DEFAULT_REASON`]).
const DEFAULT_REASON_FLAG: &str = "--default-reason";

/// A fresh database with the demo tenant.
fn demo_db(db: &Db) {
    Server::start(db, &["--demo"]).stop();
}

/// Lower case, single spaces: how two titles are the same.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every way the file's CPR numbers could be written out in clear text.
fn cpr_forms(e: &MessyExpected) -> Vec<String> {
    e.cpr_numbers
        .iter()
        .flat_map(|c| {
            let digits: String = c.chars().filter(char::is_ascii_digit).collect();
            let (date, serial) = digits.split_at(6);
            [
                digits.clone(),
                format!("{date}-{serial}"),
                format!("{date} {serial}"),
            ]
        })
        .collect()
}

fn assert_no_cpr(what: &str, haystack: &[u8], e: &MessyExpected) {
    let text = String::from_utf8_lossy(haystack);
    for form in cpr_forms(e) {
        assert!(!text.contains(&form), "{what} holds the CPR number {form}");
    }
}

// ---------------------------------------------------------------------------------------
// The CLI's export, as a table

struct Export {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Export {
    fn read(db: &Db) -> Export {
        let out = db.run_with_stdin(
            &["export", "--tenant", TENANT, "--format", "csv", "-"],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8 export");
        let mut records = parse_csv(text.trim_start_matches('\u{feff}'));
        let header = records.remove(0);
        // The potentials come first; business cases and risks follow after an empty line.
        let rows = records
            .into_iter()
            .take_while(|r| r.iter().any(|f| !f.is_empty()))
            .collect();
        Export { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// The rows whose title is `title` (compared normalised).
    fn titled(&self, title: &str) -> Vec<&Vec<String>> {
        let t = self.col("Titel");
        self.rows
            .iter()
            .filter(|r| norm(&r[t]) == norm(title))
            .collect()
    }
}

/// Semicolon-separated values with quoted fields (`""` inside quotes), CRLF or LF lines.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ';') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

// ---------------------------------------------------------------------------------------
// The database itself

/// Where the database lives, to look into it directly.
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    fn of(db: &Db) -> Target {
        match db {
            Db::Dir(d) => Target::Sqlite(d.path().join("gevinst.db")),
            Db::Url(u) => Target::Postgres(u.clone()),
        }
    }

    /// Runs a query of text columns (cast in the SQL) and returns its rows.
    fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::Row;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // The same query on either pool; the row types differ, so a macro, not a fn.
        macro_rules! fetch {
            ($pool:expr) => {{
                let pool = $pool;
                let rows = sqlx::query(sql).fetch_all(&pool).await.expect(sql);
                pool.close().await;
                rows.iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| r.get::<Option<String>, _>(i))
                            .collect()
                    })
                    .collect()
            }};
        }
        rt.block_on(async {
            match self {
                Target::Sqlite(path) => {
                    let url = format!("sqlite:{}?mode=rw", path.display());
                    fetch!(sqlx::SqlitePool::connect(&url).await.expect("open sqlite"))
                }
                Target::Postgres(url) => {
                    fetch!(sqlx::PgPool::connect(url).await.expect("open postgres"))
                }
            }
        })
    }

    /// The tenant's unit paths, fagområder and technology types.
    fn lists(&self) -> Lists {
        let units = self.texts(&format!(
            "SELECT CAST(id AS TEXT), CAST(parent_id AS TEXT), name FROM units \
             WHERE tenant_id = (SELECT id FROM tenants WHERE slug = '{TENANT}')"
        ));
        let by_id: HashMap<String, (Option<String>, String)> = units
            .into_iter()
            .map(|r| {
                let mut r = r.into_iter();
                let id = r.next().flatten().expect("id");
                let parent = r.next().flatten();
                let name = r.next().flatten().expect("name");
                (id, (parent, name))
            })
            .collect();
        let path = |id: &String| {
            let mut out = Vec::new();
            let mut at = Some(id.clone());
            while let Some(i) = at {
                let (parent, name) = &by_id[&i];
                out.insert(0, name.clone());
                at = parent.clone();
            }
            out
        };
        let names = |table: &str| -> BTreeSet<String> {
            self.texts(&format!(
                "SELECT name FROM {table} \
                 WHERE tenant_id = (SELECT id FROM tenants WHERE slug = '{TENANT}')"
            ))
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect()
        };
        Lists {
            units: by_id.keys().map(path).collect(),
            fagomraader: names("fagomraader"),
            technologies: names("technologies"),
        }
    }

    /// The reasons recorded in the status history of a potential.
    fn reasons(&self, potential_id: &str) -> Vec<String> {
        self.texts(&format!(
            "SELECT reason FROM status_changes WHERE potential_id = {potential_id} \
             AND tenant_id = (SELECT id FROM tenants WHERE slug = '{TENANT}')"
        ))
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect()
    }

    /// Everything the database holds, as bytes: the SQLite file with its WAL and
    /// journal, or every row of every PostgreSQL table as text.
    fn all_bytes(&self) -> Vec<u8> {
        match self {
            Target::Sqlite(path) => {
                let mut out = std::fs::read(path).expect("read the database file");
                for suffix in ["-wal", "-journal", "-shm"] {
                    let side = PathBuf::from(format!("{}{suffix}", path.display()));
                    if let Ok(bytes) = std::fs::read(&side) {
                        out.extend_from_slice(&bytes);
                    }
                }
                out
            }
            Target::Postgres(_) => {
                let tables = self.texts(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                );
                let mut out = Vec::new();
                for t in tables.into_iter().filter_map(|r| r[0].clone()) {
                    let dump = self.texts(&format!(
                        "SELECT string_agg(t::text, E'\\n') FROM \"{t}\" t"
                    ));
                    if let Some(Some(text)) =
                        dump.into_iter().next().and_then(|r| r.into_iter().next())
                    {
                        out.extend_from_slice(text.as_bytes());
                    }
                }
                out
            }
        }
    }
}

struct Lists {
    units: BTreeSet<Vec<String>>,
    fagomraader: BTreeSet<String>,
    technologies: BTreeSet<String>,
}

// ---------------------------------------------------------------------------------------
// The error report

/// A row of the error report: `(row, outcome, messages, every cell as text)`.
type ReportRow = (u32, String, String, Vec<String>);

/// The report's rows, with its header.
fn report_rows(path: &Path) -> (Vec<String>, Vec<ReportRow>) {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("open the report");
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    };
    let mut all: Vec<Vec<String>> = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        all.extend(range.rows().map(|r| r.iter().map(text).collect::<Vec<_>>()));
    }
    let header = all.remove(0);
    let rows = all
        .into_iter()
        .filter(|r| r.len() > 2)
        .filter_map(|r| {
            let row: u32 = r[0].parse::<f64>().ok()? as u32;
            Some((row, r[1].clone(), r[2].clone(), r))
        })
        .collect();
    (header, rows)
}

/// The report's cells (the .xlsx file itself is compressed, so its bytes say nothing).
fn assert_report_has_no_cpr(path: &Path, e: &MessyExpected) {
    let (header, rows) = report_rows(path);
    let mut cells = header.join("\n");
    for r in rows {
        cells.push('\n');
        cells.push_str(&r.3.join("\n"));
    }
    assert_no_cpr("the error report", cells.as_bytes(), e);
}

// ---------------------------------------------------------------------------------------
// The stories

struct Setup {
    dir: tempfile::TempDir,
    file: PathBuf,
    expected: MessyExpected,
}

fn setup(db: &Db) -> Setup {
    demo_db(db);
    let w = messy_workbook(SEED, DEFAULT_ROWS);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("potentialeliste.xlsx");
    std::fs::write(&file, &w.bytes).expect("write the workbook");
    // The generated titles must not repeat the demo's, or the register check would
    // rightly catch them.
    let demo = Export::read(db);
    for r in w.expected.potentials() {
        assert!(demo.titled(&r.title).is_empty(), "demo has {}", r.title);
    }
    Setup {
        dir,
        file,
        expected: w.expected,
    }
}

fn import(db: &Db, extra: &[&str], file: &Path) -> Output {
    let mut args = vec![
        "import",
        "--tenant",
        TENANT,
        "--create-missing",
        "--accept-suggestions",
    ];
    args.extend_from_slice(extra);
    args.push(file.to_str().expect("utf-8 path"));
    db.run_with_stdin(&args, None)
}

/// The output of a run, checked for CPR numbers and panics.
fn clean_output(what: &str, out: &Output, e: &MessyExpected) -> String {
    assert_no_cpr(&format!("stdout of {what}"), &out.stdout, e);
    assert_no_cpr(&format!("stderr of {what}"), &out.stderr, e);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    format!("{}{stderr}", String::from_utf8_lossy(&out.stdout))
}

/// The dry run on the default path: the blocked rows and the duplicate are reported, no
/// CPR number is printed or written to the report, and years, hours and numbers in the
/// report are written without thousands separators.
fn dry_run_reports_blocked_rows_and_the_duplicate(db: &Db, s: &Setup) {
    let e = &s.expected;
    let report = s.dir.path().join("fejlrapport.xlsx");
    let out = import(
        db,
        &[
            "--dry-run",
            "--show-mapping",
            "--error-report",
            report.to_str().unwrap(),
        ],
        &s.file,
    );
    let printed = clean_output("the dry run", &out, e);
    // Rows are blocked (the totals row, CPR numbers, missing reasons): exit code 1.
    assert_eq!(out.status.code(), Some(1), "{printed}");
    // --show-mapping names every mapped column of the file before the counts.
    let counts_at = printed.find("Nye:").unwrap_or(printed.len());
    for h in ["Forvaltning", "Enhed", "Status", "Begrundelse", "Ansvarlig"] {
        assert!(printed[..counts_at].contains(h), "{h} not shown: {printed}");
    }

    assert_report_has_no_cpr(&report, e);
    let (header, rows) = report_rows(&report);

    let blocked: BTreeSet<u32> = rows.iter().filter(|r| r.1 == "Fejl").map(|r| r.0).collect();
    assert_eq!(
        blocked,
        e.blocked_rows(false, false),
        "rows reported as errors"
    );
    for r in e.potentials().filter(|r| r.needs_reason()) {
        assert!(blocked.contains(&r.row), "row {} needs a reason", r.row);
    }

    let dup = e.duplicate();
    let original = dup.duplicate_of.expect("the duplicate's original");
    let reported = rows
        .iter()
        .find(|r| r.0 == dup.row)
        .unwrap_or_else(|| panic!("duplicate row {} not in the report", dup.row));
    assert!(
        !["Fejl", "Advarsel", "Ny"].contains(&reported.1.as_str()),
        "the duplicate is skipped, not {}",
        reported.1
    );
    assert!(
        reported
            .2
            .to_lowercase()
            .contains(&format!("mulig dublet af række {original}")),
        "{}",
        reported.2
    );
    // The original itself is imported, not reported as a duplicate.
    assert!(rows.iter().all(|r| r.0 != original || r.1 == "Advarsel"));

    // Years, hours and numbers as the file has them, never "2.026" or "1.924".
    for name in ["Startår", "Timer pr. år", "Nr."] {
        let Some(c) = header.iter().position(|h| h == name) else {
            continue;
        };
        for r in &rows {
            let cell = r.3.get(c).map(String::as_str).unwrap_or("");
            let grouped = cell.len() >= 5
                && cell.as_bytes()[cell.len() - 4] == b'.'
                && cell
                    .chars()
                    .filter(|ch| *ch != '.')
                    .all(|ch| ch.is_ascii_digit());
            assert!(!grouped, "{name} of row {} shows as {cell:?}", r.0);
        }
    }
}

/// After a commit: every imported potential is in its unit path with its status,
/// catalogue values and owner or contact name; nothing else came in; the lists grew by
/// exactly the new units and technology; no CPR number is in the database.
fn check_committed(db: &Db, s: &Setup, imported: &[&MessyRow], before: &Lists, demo_rows: usize) {
    let e = &s.expected;
    let target = Target::of(db);
    let bytes = target.all_bytes();
    assert_no_cpr("the database", &bytes, e);
    // The bytes searched are the data: every imported title is among them.
    let text = String::from_utf8_lossy(&bytes);
    for r in imported {
        assert!(
            text.contains(r.title.as_str()),
            "{} not in the dump",
            r.title
        );
    }

    let export = Export::read(db);
    assert_eq!(
        export.rows.len(),
        demo_rows + imported.len(),
        "potentials after the import"
    );
    let (id, path, status) = (
        export.col("Id"),
        export.col("Enhedssti"),
        export.col("Status"),
    );
    let (title, description) = (export.col("Titel"), export.col("Beskrivelse"));
    let (fag, tech, owner) = (
        export.col("Fagområde"),
        export.col("Teknologi"),
        export.col("Gevinstejer"),
    );
    let mut wrong_units = Vec::new();
    for r in imported {
        let hits = export.titled(&r.title);
        assert_eq!(hits.len(), 1, "{} is stored {} times", r.title, hits.len());
        let got = hits[0];
        let want_path = r.unit_path.join(" › ");
        if got[path] != want_path {
            wrong_units.push(format!("row {}: {} ≠ {want_path}", r.row, got[path]));
        }
        assert_eq!(got[status], r.status.label(), "status of row {}", r.row);
        assert_eq!(
            got[fag],
            r.fagomraade.clone().unwrap_or_default(),
            "fagområde of row {}",
            r.row
        );
        assert_eq!(
            got[tech],
            r.technology.clone().unwrap_or_default(),
            "technology of row {}",
            r.row
        );
        match &r.owner {
            Some(Owner::User(name)) => assert_eq!(&got[owner], name, "owner of row {}", r.row),
            // In a field of its own, not as a note in the description.
            Some(Owner::Contact(name)) => assert!(
                got.iter().enumerate().any(|(i, cell)| i != title
                    && i != description
                    && cell.contains(name.as_str())),
                "the contact name {name} of row {} is kept: {got:?}",
                r.row
            ),
            None => {}
        }
        if r.status.needs_reason() {
            let want = r
                .reason
                .clone()
                .unwrap_or_else(|| DEFAULT_REASON.to_owned());
            let reasons = target.reasons(&got[id]);
            assert!(
                reasons.iter().any(|x| x.contains(&want)),
                "reason of row {}: {reasons:?}",
                r.row
            );
        }
    }
    assert!(
        wrong_units.is_empty(),
        "{} of {} potentials in the wrong unit:\n{}",
        wrong_units.len(),
        imported.len(),
        wrong_units.join("\n")
    );
    // The duplicate, the hidden sheet and the totals row brought nothing.
    let dup = e.duplicate();
    assert_eq!(
        export.titled(&dup.title).len(),
        1,
        "the duplicate is skipped"
    );
    for t in &e.hidden_titles {
        assert!(export.titled(t).is_empty(), "hidden sheet imported: {t}");
    }
    assert!(export.titled("I alt").is_empty());

    // Only what is really new was created: no near-copies.
    let after = target.lists();
    let new_units: BTreeSet<Vec<String>> = after.units.difference(&before.units).cloned().collect();
    let want_units: BTreeSet<Vec<String>> = e.new_units.iter().cloned().collect();
    assert_eq!(new_units, want_units, "units created");
    let new_fag: Vec<_> = after.fagomraader.difference(&before.fagomraader).collect();
    assert!(new_fag.is_empty(), "fagområder created: {new_fag:?}");
    let new_tech: BTreeSet<String> = after
        .technologies
        .difference(&before.technologies)
        .cloned()
        .collect();
    let want_tech: BTreeSet<String> = e.new_technologies.iter().cloned().collect();
    assert_eq!(new_tech, want_tech, "technologies created");
}

/// The default path: the dry run reports, then `--only-valid` commits the rest.
fn default_path(db: &Db) {
    let s = setup(db);
    let e = &s.expected;
    let before = Target::of(db).lists();
    let demo_rows = Export::read(db).rows.len();
    dry_run_reports_blocked_rows_and_the_duplicate(db, &s);

    let report = s.dir.path().join("fejl-commit.xlsx");
    let out = import(
        db,
        &["--only-valid", "--error-report", report.to_str().unwrap()],
        &s.file,
    );
    let printed = clean_output("the import", &out, e);
    assert!(out.status.success(), "{printed}");
    assert_report_has_no_cpr(&report, e);
    let imported = e.imported(false, false);
    check_committed(db, &s, &imported, &before, demo_rows);
}

/// With one reason for all and masked CPR numbers, every potential comes in but the
/// duplicate (the totals row stays an error, so `--only-valid` still skips it).
fn with_default_reason_and_masking(db: &Db) {
    let s = setup(db);
    let e = &s.expected;
    let before = Target::of(db).lists();
    let demo_rows = Export::read(db).rows.len();
    let out = import(
        db,
        &["--only-valid", "--mask-cpr", DEFAULT_REASON_FLAG],
        &s.file,
    );
    let printed = clean_output("the import", &out, e);
    assert!(out.status.success(), "{printed}");
    let imported = e.imported(true, true);
    assert_eq!(imported.len(), e.rows.len() - 1);
    check_committed(db, &s, &imported, &before, demo_rows);
}

#[test]
fn messy_list_on_the_default_path_on_sqlite() {
    default_path(&Db::temp());
}

#[test]
fn messy_list_on_the_default_path_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    default_path(&Db::Url(pg.url.clone()));
}

#[test]
fn messy_list_with_a_default_reason_and_masking_on_sqlite() {
    with_default_reason_and_masking(&Db::temp());
}

#[test]
fn messy_list_with_a_default_reason_and_masking_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    with_default_reason_and_masking(&Db::Url(pg.url.clone()));
}
