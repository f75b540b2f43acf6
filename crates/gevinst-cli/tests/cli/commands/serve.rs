//! `gevinst serve` and `gevinst migrate`.

use super::*;
use gevinst_testkit::PgDatabase;

#[test]
fn serve_demo_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let db = Db::Url(pg.url.clone());
    let server = Server::start(&db, &["--demo"]);
    assert!(server
        .stdout_before_listening
        .join("\n")
        .contains("331 potentials"));
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    server.stop();
    assert_eq!(
        db.ok(&["user", "list", "--tenant", "eksempel"])
            .lines()
            .count(),
        5
    );
}

#[test]
fn serve_demo_answers_healthz_and_loads_the_demo_once() {
    let db = Db::temp();
    let server = Server::start(&db, &["--demo"]);
    let printed = server.stdout_before_listening.join("\n");
    for login in [
        "admin@eksempel.dk",
        "portefoljeleder@eksempel.dk",
        "digitalagent@eksempel.dk",
        "leder@eksempel.dk",
        "laeser@eksempel.dk",
        "demo-gevinst-2024",
        "331 potentials",
    ] {
        assert!(printed.contains(login), "{login} missing from {printed}");
    }
    let response = server.get("/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    server.stop();

    // The second start finds data and changes nothing.
    let server = Server::start(&db, &["--demo"]);
    assert!(
        server
            .stdout_before_listening
            .iter()
            .all(|l| !l.contains("Demo data loaded")),
        "{:?}",
        server.stdout_before_listening
    );
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    server.stop();

    assert_eq!(
        db.ok(&["user", "list", "--tenant", "eksempel"])
            .lines()
            .count(),
        5
    );
    let units = db.ok(&["unit", "list", "--tenant", "eksempel"]);
    assert!(
        units.contains("Hjemmeplejen Nord") && units.contains("Jobcenter"),
        "{units}"
    );
    let token = db.ok(&[
        "token",
        "create",
        "--tenant",
        "eksempel",
        "--email",
        "admin@eksempel.dk",
    ]);
    assert!(token.starts_with("gvt_"));
}

#[test]
fn migrate_creates_the_database() {
    let db = Db::temp();
    let out = db.ok(&["migrate"]);
    assert!(
        out.contains("up to date") && out.contains("sqlite"),
        "{out}"
    );
    let Db::Dir(dir) = &db else { unreachable!() };
    assert!(dir.path().join("gevinst.db").exists());
    // Running it again is harmless.
    db.ok(&["migrate"]);
}
