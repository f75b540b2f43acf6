//! Tampering with the audit log (finding 1 of the review) and acting invisibly as another
//! user from the command line (finding 2).
//!
//! - SQLite: `REPLACE INTO audit_log … SELECT` over 12 rows is refused; with the triggers
//!   dropped, an `UPDATE` or a `DELETE` is found by `gevinst audit verify` (exit 1, naming
//!   the entry) and shown to the admin on `/admin/revisionsspor`.
//! - PostgreSQL with a schema owner and a separate app role (`migrate --grant-to`): the app
//!   role cannot update, delete, truncate or disable triggers, yet `serve` and the other
//!   commands work; the owner's trigger-disable-and-update is found.
//! - CLI changes are recorded as `cli:USER@HOST`, never as the tenant user.

use super::support::{gevinst, post_login, Db, Server, PASSWORD};
use std::process::Output;

const SLUG: &str = "angreb";

const COLS: &str = "id, tenant_id, entity, entity_id, action, user_id, actor, at, changes, \
                    reason, seq, prev_hash, hash";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Seeds the tenant and creates `tokens` API tokens for its admin from the CLI.
fn seed_with_tokens(db: &Db, tokens: usize) {
    db.seed(SLUG);
    for i in 0..tokens {
        let name = format!("t{i}");
        let email = format!("admin@{SLUG}.dk");
        let token = db.ok(
            &[
                "token", "create", "--tenant", SLUG, "--email", &email, "--name", &name,
            ],
            None,
        );
        assert!(!token.trim().is_empty());
    }
}

/// Runs raw SQL on a SQLite database file (as someone with the file would).
fn sqlite_exec(rt: &tokio::runtime::Runtime, db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    rt.block_on(async {
        let store = gevinst_store::sqlite::SqliteStore::open(&db.url())
            .await
            .expect("open sqlite");
        let r = sqlx::query(sql).execute(store.pool()).await;
        store.pool().close().await;
        r.map(|r| r.rows_affected())
    })
}

fn sqlite_i64(rt: &tokio::runtime::Runtime, db: &Db, sql: &str) -> i64 {
    rt.block_on(async {
        let store = gevinst_store::sqlite::SqliteStore::open(&db.url())
            .await
            .expect("open sqlite");
        let v = sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(store.pool())
            .await
            .expect(sql);
        store.pool().close().await;
        v
    })
}

/// `gevinst audit verify` on `db`: (success, stdout).
fn verify(db: &Db) -> (bool, String) {
    let out = db.run(&["audit", "verify"], None);
    (out.status.success(), stdout(&out))
}

/// The admin's view of `/admin/revisionsspor`, and the porteføljeleder's status there.
fn audit_page(rt: &tokio::runtime::Runtime, server: &Server) -> (String, u16) {
    rt.block_on(async {
        let admin = server.client();
        let r = post_login(
            &admin,
            &server.base,
            SLUG,
            &format!("admin@{SLUG}.dk"),
            PASSWORD,
        )
        .await;
        assert!(r.status().is_redirection(), "admin login: {}", r.status());
        let page = admin
            .get(format!("{}/admin/revisionsspor", server.base))
            .send()
            .await
            .expect("GET revisionsspor");
        assert_eq!(page.status(), 200);
        let page = page.text().await.expect("page");
        let pl = server.client();
        post_login(&pl, &server.base, SLUG, &format!("pl@{SLUG}.dk"), PASSWORD).await;
        let status = pl
            .get(format!("{}/admin/revisionsspor", server.base))
            .send()
            .await
            .expect("GET as pl")
            .status()
            .as_u16();
        (page, status)
    })
}

#[test]
fn sqlite_replace_into_is_refused_and_an_update_is_found() {
    let db = Db::sqlite();
    seed_with_tokens(&db, 10);
    let rt = runtime();
    let before = sqlite_i64(&rt, &db, "SELECT COUNT(*) FROM audit_log");
    assert!(before >= 12, "{before} entries");

    // The review's statement: REPLACE's implicit delete fires no delete trigger.
    let replace = format!(
        "REPLACE INTO audit_log ({COLS}) SELECT {COLS} FROM audit_log ORDER BY id LIMIT 12"
    );
    assert!(sqlite_exec(&rt, &db, &replace).is_err());
    let or_replace = format!(
        "INSERT OR REPLACE INTO audit_log ({COLS}) SELECT {COLS} FROM audit_log WHERE seq = 2"
    );
    assert!(sqlite_exec(&rt, &db, &or_replace).is_err());
    assert_eq!(
        sqlite_i64(&rt, &db, "SELECT COUNT(*) FROM audit_log"),
        before
    );
    let (ok, out) = verify(&db);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("OK {SLUG}: {before} entries, head ")),
        "{out}"
    );

    // The CLI acted as the operator, not as the admin whose token it created.
    let token_by_user = sqlite_i64(
        &rt,
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'api_token' AND user_id IS NOT NULL",
    );
    let token_by_cli = sqlite_i64(
        &rt,
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'api_token' AND user_id IS NULL \
         AND actor LIKE 'cli:%@%'",
    );
    assert_eq!((token_by_user, token_by_cli), (0, 10));

    let server = Server::start(&db, &[]);
    let (page, pl_status) = audit_page(&rt, &server);
    // The admin's sign-in to see the page is itself an audit entry.
    let signed_in = before + 1;
    assert!(
        page.contains(&format!("Revisionssporet er intakt ({signed_in} poster)")),
        "{page}"
    );
    assert_eq!(pl_status, 403);

    // Someone with the database file drops the trigger and rewrites an entry.
    sqlite_exec(&rt, &db, "DROP TRIGGER audit_log_no_update").unwrap();
    let target = sqlite_i64(&rt, &db, "SELECT id FROM audit_log WHERE seq = 5");
    sqlite_exec(
        &rt,
        &db,
        &format!("UPDATE audit_log SET actor = 'cli:nobody@nowhere' WHERE id = {target}"),
    )
    .unwrap();
    let (ok, out) = verify(&db);
    assert!(!ok, "verify must exit 1: {out}");
    assert!(
        out.contains(&format!(
            "BROKEN {SLUG}: entry id {target} (seq 5): altered"
        )),
        "{out}"
    );
    let (page, _) = audit_page(&rt, &server);
    assert!(page.contains("Revisionssporet er brudt"), "{page}");
    assert!(
        page.contains(&format!("Post nr. 5 (id {target})")),
        "{page}"
    );
}

#[test]
fn sqlite_a_deleted_middle_entry_is_found() {
    let db = Db::sqlite();
    seed_with_tokens(&db, 3);
    let rt = runtime();
    sqlite_exec(&rt, &db, "DROP TRIGGER audit_log_no_delete").unwrap();
    let next = sqlite_i64(&rt, &db, "SELECT id FROM audit_log WHERE seq = 4");
    sqlite_exec(&rt, &db, "DELETE FROM audit_log WHERE seq = 3").unwrap();
    let (ok, out) = verify(&db);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "BROKEN {SLUG}: entry id {next} (seq 4): missing entry: expected seq 3"
        )),
        "{out}"
    );
}

/// A login role on the test server, dropped (after the database) at the end.
struct AppRole {
    admin_url: String,
    name: String,
}

impl AppRole {
    fn create(admin_url: &str) -> AppRole {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!("gevinst_app_{}_{nanos}", std::process::id());
        pg_exec(
            admin_url,
            &format!("CREATE ROLE {name} LOGIN PASSWORD 'app-secret'"),
        )
        .expect("the test server's admin role may create roles (CREATEROLE)");
        AppRole {
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    /// `url` (the owner's) with this role's name and password.
    fn url(&self, url: &str) -> String {
        let at = url.rfind('@').expect("URL with credentials");
        let scheme = url.find("://").expect("URL scheme") + 3;
        format!("{}{}:app-secret{}", &url[..scheme], self.name, &url[at..])
    }
}

impl Drop for AppRole {
    fn drop(&mut self) {
        let _ = pg_exec(
            &self.admin_url,
            &format!("DROP ROLE IF EXISTS {}", self.name),
        );
    }
}

/// Runs one statement on PostgreSQL as the role of `url`.
fn pg_exec(url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    runtime().block_on(async {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        let r = sqlx::query(sql).execute(&mut conn).await;
        let _ = conn.close().await;
        r.map(|r| r.rows_affected())
    })
}

fn pg_i64(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    runtime().block_on(async {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let v = sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut conn)
            .await
            .expect(sql);
        let _ = conn.close().await;
        v
    })
}

/// A `gevinst` command on the database as the role of `url`.
fn as_url(url: &str, args: &[&str]) -> Output {
    gevinst()
        .args(args)
        .arg("--database-url")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run gevinst")
}

#[test]
fn postgres_app_role_cannot_tamper_and_the_owner_is_found_out() {
    // The role guard is declared first so it is dropped after the database.
    let Some(admin_url) = std::env::var("GEVINST_TEST_POSTGRES_URL").ok() else {
        assert!(Db::postgres().is_none());
        return;
    };
    let role = AppRole::create(&admin_url);
    let Some(db) = Db::postgres() else { return };
    let owner = db.url();
    let app = role.url(&owner);

    // Before the owner migrates, the app role gets a clear one-line error.
    let early = as_url(&app, &["tenant", "list"]);
    assert!(!early.status.success());
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(
        err.contains("run `gevinst migrate` as the schema owner"),
        "{err}"
    );

    db.ok(&["migrate", "--grant-to", &role.name], None);
    // Every command now works as the app role, without DDL rights.
    let seeded = as_url(
        &app,
        &["tenant", "add", "--slug", SLUG, "--name", "Angreb Kommune"],
    );
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    db.seed("andet");
    assert!(as_url(&app, &["tenant", "list"]).status.success());
    assert!(pg_exec(&app, "CREATE TABLE sneaky (x int)").is_err());

    // The app role's tampering is refused.
    for sql in [
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_update_delete ON audit_log",
        "DELETE FROM audit_chain",
        "UPDATE audit_chain SET seq = 1",
    ] {
        assert!(pg_exec(&app, sql).is_err(), "the app role could run: {sql}");
    }

    // `serve` runs as the app role and writes audited changes.
    let mut cmd = gevinst();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--database-url", &app]);
    let server = Server::spawn(cmd);
    let rt = runtime();
    rt.block_on(async {
        let c = server.client();
        let r = post_login(&c, &server.base, "andet", "admin@andet.dk", PASSWORD).await;
        assert!(
            r.status().is_redirection(),
            "login as app role: {}",
            r.status()
        );
    });
    drop(server);

    let out = as_url(&app, &["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));

    // The owner can disable the trigger and rewrite an entry, but it shows.
    let target = pg_i64(
        &owner,
        "SELECT a.id FROM audit_log a JOIN tenants t ON t.id = a.tenant_id \
         WHERE t.slug = 'andet' AND a.seq = 2",
    );
    pg_exec(
        &owner,
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
    )
    .unwrap();
    pg_exec(
        &owner,
        &format!("UPDATE audit_log SET user_id = NULL, actor = 'system' WHERE id = {target}"),
    )
    .unwrap();
    let out = as_url(&app, &["audit", "verify"]);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(&format!("BROKEN andet: entry id {target} (seq 2): altered")),
        "{text}"
    );
    assert!(text.contains(&format!("OK {SLUG}: ")), "{text}");
    let only = as_url(&app, &["audit", "verify", "--tenant", SLUG]);
    assert!(only.status.success(), "{}", stdout(&only));
}
