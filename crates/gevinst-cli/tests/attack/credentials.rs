//! Credentials from the command line: guessable passwords are refused, and tokens can be
//! made to expire.

use super::support::{Db, Server};
use reqwest::StatusCode;

#[test]
fn the_cli_refuses_guessable_passwords() {
    let db = Db::sqlite();
    db.seed("svag");
    for weak in ["aaaaaaaaaa", "1234567890", "Sommer2024!", "svag123456"] {
        let out = db.run(
            &[
                "user",
                "add",
                "--tenant",
                "svag",
                "--email",
                "ny@svag.dk",
                "--name",
                "Ny",
                "--role",
                "laeser",
                "--password-stdin",
            ],
            Some(weak),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{weak}: {stderr}");
        assert!(stderr.contains("too easy to guess"), "{weak}: {stderr}");
    }
}

#[tokio::test]
async fn cli_tokens_can_expire() {
    let db = Db::sqlite();
    db.seed("udloeb");
    let token = |days: &str| {
        db.ok(
            &[
                "token",
                "create",
                "--tenant",
                "udloeb",
                "--email",
                "pl@udloeb.dk",
                "--expires-days",
                days,
            ],
            None,
        )
        .trim()
        .to_owned()
    };
    let live = token("30");
    assert!(live.starts_with("gvt_"));
    for bad in ["0", "731", "nej"] {
        let out = db.run(
            &[
                "token",
                "create",
                "--tenant",
                "udloeb",
                "--email",
                "pl@udloeb.dk",
                "--expires-days",
                bad,
            ],
            None,
        );
        assert_ne!(out.status.code(), Some(0), "{bad}");
    }
    let server = Server::start(&db, &[]);
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/potentials", server.base))
        .bearer_auth(&live)
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::OK);
}
