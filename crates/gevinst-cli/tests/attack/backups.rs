//! Backups: `gevinst backup` copies the SQLite database while the server runs, into a file
//! only its owner can read, and never over an existing file; `gevinst restore` refuses
//! files that are not intact gevinst databases and an existing database without
//! `--force`, and brings back every row, the audit log byte for byte. PostgreSQL is
//! pointed to `pg_dump`.

use super::support::{post_login, Db, Server, PASSWORD};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::Path;

/// Every table's rows as SQL literals (`quote()`), in rowid order.
async fn dump(file: &Path) -> BTreeMap<String, Vec<String>> {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("open the database");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut out = BTreeMap::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query(&format!("PRAGMA table_info(\"{table}\")"))
            .fetch_all(&mut conn)
            .await
            .expect("columns")
            .iter()
            .map(|r| format!("quote(\"{}\")", r.get::<String, _>("name")))
            .collect();
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT {} FROM \"{table}\" ORDER BY rowid",
            columns.join(" || '|' || ")
        ))
        .fetch_all(&mut conn)
        .await
        .expect("rows");
        out.insert(table, rows);
    }
    out
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_backup_taken_while_serving_restores_every_row() {
    let db = Db::sqlite();
    db.seed("roskilde");
    let Db::Sqlite(dir) = &db else {
        unreachable!("a SQLite database")
    };
    let live = dir.path().join("gevinst.db");
    let server = Server::start(&db, &[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // A sign-in writes to the audit log while the server runs.
    runtime.block_on(async {
        let client = server.client();
        let res = post_login(
            &client,
            &server.base,
            "roskilde",
            "admin@roskilde.dk",
            PASSWORD,
        )
        .await;
        assert!(res.status().is_redirection(), "{}", res.status());
    });

    let backups = tempfile::tempdir().expect("temp dir");
    let out = backups.path().join("gevinst-backup.db");
    let out_arg = out.to_str().expect("utf-8 path");
    let said = db.ok(&["backup", out_arg], None);
    assert!(said.contains("backup written to"), "{said}");
    #[cfg(unix)]
    assert_eq!(mode(&out), 0o600);
    let saved = runtime.block_on(dump(&out));
    assert!(!saved["audit_log"].is_empty(), "the audit log has entries");
    assert!(saved["tenants"].iter().any(|t| t.contains("'roskilde'")));

    // An existing file is never overwritten.
    let again = db.run(&["backup", out_arg], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr_of(&again).contains("exists already"),
        "{}",
        stderr_of(&again)
    );

    // A change after the backup, then the server stops.
    db.ok(
        &[
            "tenant",
            "add",
            "--slug",
            "efter",
            "--name",
            "Efter Kommune",
        ],
        None,
    );
    drop(server);

    // Without --force the existing database is kept, and the message says what to do.
    let refused = db.run(&["restore", out_arg], None);
    assert_eq!(refused.status.code(), Some(1));
    let why = stderr_of(&refused);
    assert!(
        why.contains("stop the server") && why.contains("--force"),
        "{why}"
    );

    let said = db.ok(&["restore", "--force", out_arg], None);
    assert!(said.contains("restored"), "{said}");
    let restored = runtime.block_on(dump(&live));
    assert_eq!(
        restored["audit_log"], saved["audit_log"],
        "audit log byte for byte"
    );
    assert_eq!(restored, saved, "every table as it was at the backup");
    // The restored audit log's hash chain verifies.
    let verified = db.ok(&["audit", "verify"], None);
    assert!(verified.starts_with("OK "), "{verified}");
    assert!(!db.ok(&["tenant", "list"], None).contains("efter"));
    #[cfg(unix)]
    assert_eq!(mode(&live), 0o600);

    // Into a new place, no --force is needed; the folder is created owner-only.
    let fresh = tempfile::tempdir().expect("temp dir");
    let target = fresh.path().join("ny").join("gevinst.db");
    let fresh_url = format!("sqlite://{}", target.display());
    let out = super::support::gevinst()
        .args(["restore", out_arg, "--database-url", &fresh_url])
        .output()
        .expect("run restore");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(runtime.block_on(dump(&target)), saved);
    #[cfg(unix)]
    assert_eq!(mode(&fresh.path().join("ny")), 0o700);
}

#[test]
fn restore_refuses_files_that_are_not_gevinst_databases() {
    let db = Db::sqlite();
    db.seed("greve");
    let files = tempfile::tempdir().expect("temp dir");
    let text = files.path().join("noter.txt");
    std::fs::write(&text, "ikke en database\n".repeat(100)).expect("write");
    let missing = files.path().join("findes-ikke.db");
    for (file, needle) in [
        (&text, "is not a gevinst backup"),
        (&missing, "is not a file"),
    ] {
        let out = db.run(&["restore", "--force", file.to_str().expect("utf-8")], None);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr_of(&out).contains(needle), "{}", stderr_of(&out));
    }
    // The database is untouched.
    assert!(db.ok(&["tenant", "list"], None).contains("greve"));
}

#[test]
fn postgres_backups_point_to_pg_dump() {
    let url = "postgres://gevinst:hemmelig@127.0.0.1:1/gevinst";
    for args in [vec!["backup", "ud.db"], vec!["restore", "ind.db"]] {
        let out = super::support::gevinst()
            .args(&args)
            .args(["--database-url", url])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let why = stderr_of(&out);
        assert!(
            why.contains("pg_dump") && why.contains("pg_restore"),
            "{why}"
        );
        assert!(!why.contains("hemmelig"), "the password is not echoed");
    }
}
