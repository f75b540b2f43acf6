//! Tenants, users and tokens from the command line; bad input; help.

use super::*;
use gevinst_testkit::PgDatabase;

fn admin_flow(db: &Db, slug: &str) {
    let out = db.ok(&["tenant", "add", "--slug", slug, "--name", "Testby Kommune"]);
    assert!(out.contains(slug), "{out}");
    assert!(db.ok(&["tenant", "list"]).contains("Testby Kommune"));

    let out = db.ok_with_stdin(
        &[
            "user",
            "add",
            "--tenant",
            slug,
            "--email",
            "Anna@Testby.dk",
            "--name",
            "Anna Andersen",
            "--role",
            "porteføljeleder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
    );
    assert!(out.contains("anna@testby.dk"), "{out}");
    let users = db.ok(&["user", "list", "--tenant", slug]);
    assert!(
        users.contains("anna@testby.dk") && users.contains("portefoljeleder"),
        "{users}"
    );

    let token = db.ok(&[
        "token",
        "create",
        "--tenant",
        slug,
        "--email",
        "anna@testby.dk",
        "--name",
        "rapporter",
    ]);
    let lines: Vec<&str> = token.lines().collect();
    assert_eq!(lines.len(), 1, "only the token is printed: {token:?}");
    assert!(
        lines[0].starts_with("gvt_") && lines[0].len() == 68,
        "{token:?}"
    );
    let second = db.ok(&[
        "token",
        "create",
        "--tenant",
        slug,
        "--email",
        "anna@testby.dk",
    ]);
    assert_ne!(token, second);

    // A duplicate user or tenant is a clear error.
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            slug,
            "--email",
            "anna@testby.dk",
            "--name",
            "Anna",
            "--role",
            "leder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode"),
        1,
        "already exists",
    );
    db.fails(
        &["tenant", "add", "--slug", slug, "--name", "Igen"],
        None,
        1,
        "already exists",
    );
}

#[test]
fn tenant_user_and_token_on_sqlite() {
    let db = Db::temp();
    admin_flow(&db, "testby");
    let Db::Dir(dir) = &db else { unreachable!() };
    assert!(dir.path().join("gevinst.db").exists());
}

#[test]
fn tenant_user_and_token_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let db = Db::Url(pg.url.clone());
    let out = db.ok(&["migrate"]);
    assert!(
        out.contains("postgres") && !out.contains(":gevinst@"),
        "password shown: {out}"
    );
    admin_flow(&db, "testby");
}

#[test]
fn bad_input_gives_a_clear_error() {
    let db = Db::temp();
    db.ok(&[
        "tenant",
        "add",
        "--slug",
        "testby",
        "--name",
        "Testby Kommune",
    ]);
    let add_user = |role: &str, tenant: &str| {
        vec![
            "user",
            "add",
            "--tenant",
            tenant,
            "--email",
            "bo@testby.dk",
            "--name",
            "Bo",
            "--role",
            role,
            "--password-stdin",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<String>>()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    db.fails(
        &["tenant", "add", "--slug", "Ikke Gyldig!", "--name", "X"],
        None,
        1,
        "invalid slug",
    );
    db.fails(
        &["tenant", "add", "--slug", "ok-slug", "--name", "  "],
        None,
        1,
        "invalid tenant name",
    );
    db.fails(
        &args(&add_user("chef", "testby")),
        Some("en-lang-adgangskode\n"),
        1,
        "unknown role \"chef\"",
    );
    db.fails(
        &args(&add_user("leder", "testby")),
        Some("kort\n"),
        1,
        "must be 10-200 characters",
    );
    db.fails(
        &args(&add_user("leder", "testby")),
        Some(""),
        1,
        "no password on standard input",
    );
    db.fails(
        &args(&add_user("leder", "ukendt")),
        Some("en-lang-adgangskode\n"),
        1,
        "unknown tenant \"ukendt\"",
    );
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            "testby",
            "--email",
            "ikke-en-mail",
            "--name",
            "Bo",
            "--role",
            "leder",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
        1,
        "invalid e-mail address",
    );
    db.fails(
        &[
            "user",
            "add",
            "--tenant",
            "testby",
            "--email",
            "bo@testby.dk",
            "--name",
            "Bo",
            "--role",
            "leder",
            "--unit",
            "999",
            "--password-stdin",
        ],
        Some("en-lang-adgangskode\n"),
        1,
        "unknown unit id",
    );
    db.fails(
        &[
            "token",
            "create",
            "--tenant",
            "testby",
            "--email",
            "nobody@testby.dk",
        ],
        None,
        1,
        "no user with the e-mail",
    );
    db.fails(
        &["user", "list", "--tenant", "ukendt"],
        None,
        1,
        "unknown tenant",
    );

    // Usage errors are clap's: exit code 2.
    db.fails(
        &[
            "user", "add", "--tenant", "testby", "--email", "a@b.dk", "--name", "A", "--role",
            "leder",
        ],
        None,
        2,
        "--password-stdin",
    );
    db.fails(
        &["serve", "--listen", "not-an-address"],
        None,
        2,
        "invalid value",
    );
    db.fails(&["frobnicate"], None, 2, "unrecognized subcommand");

    // Database options.
    let out = gevinst()
        .args([
            "migrate",
            "--data-dir",
            "/tmp/x",
            "--database-url",
            "sqlite:/tmp/x.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not both"));
    let out = gevinst()
        .args([
            "migrate",
            "--database-url",
            "mysql://root:hemmelig@localhost/db",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unsupported --database-url") && !stderr.contains("hemmelig"),
        "{stderr}"
    );
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["tenant", "add", "--help"],
        vec!["tenant", "list", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["unit", "list", "--help"],
        vec!["token", "create", "--help"],
    ] {
        let out = gevinst().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Usage:") && text.contains("--data-dir"),
            "{args:?}: {text}"
        );
    }
}
