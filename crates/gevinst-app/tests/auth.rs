//! The login flow on a real SQLite store: throttling, deactivated users, sessions, tokens.

use chrono::{Duration, Utc};
use gevinst_app::auth::{self, MAX_FAILURES_PER_ACCOUNT};
use gevinst_app::AppError;
use gevinst_domain::{NewUserDraft, Slug};
use gevinst_store::DynStore;

mod common;

const PW: &str = "rigtig-adgangskode";

async fn setup() -> (DynStore, tempfile::TempDir) {
    let (store, dir) = common::sqlite_store().await;
    let t = store
        .create_tenant(&Slug::parse("eksempel").unwrap(), "Eksempel Kommune")
        .await
        .unwrap();
    let draft = NewUserDraft {
        email: "anna@eksempel.dk".into(),
        name: "Anna".into(),
        role: "leder".into(),
        units: vec![],
    };
    let valid = draft.validate(|_| true).unwrap();
    store
        .create_user(t.id, None, &valid, &auth::hash_password(PW).unwrap())
        .await
        .unwrap();
    (store, dir)
}

#[tokio::test]
async fn login_works_case_insensitively_and_creates_a_session() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, session) = auth::login(
        store.as_ref(),
        " Eksempel ",
        "ANNA@eksempel.dk ",
        PW,
        Some("10.0.0.1"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(who.user.name, "Anna");
    let (again, csrf) = auth::from_session(store.as_ref(), &session.cookie_value, now)
        .await
        .unwrap();
    assert_eq!(again.user.id, who.user.id);
    assert_eq!(csrf, session.csrf_token);
    // The session expires.
    let later = now + Duration::hours(auth::SESSION_HOURS) + Duration::minutes(1);
    assert!(matches!(
        auth::from_session(store.as_ref(), &session.cookie_value, later).await,
        Err(AppError::Unauthenticated)
    ));
    // Logout ends it.
    auth::logout(store.as_ref(), &session.cookie_value)
        .await
        .unwrap();
    assert!(matches!(
        auth::from_session(store.as_ref(), &session.cookie_value, now).await,
        Err(AppError::Unauthenticated)
    ));
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_account() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    for i in 0..MAX_FAILURES_PER_ACCOUNT {
        let r = auth::login(
            store.as_ref(),
            "eksempel",
            "anna@eksempel.dk",
            "forkert",
            Some(&format!("10.0.0.{i}")),
            now,
        )
        .await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "attempt {i}");
    }
    // Even the right password is refused while throttled, from any address.
    let r = auth::login(
        store.as_ref(),
        "eksempel",
        "anna@eksempel.dk",
        PW,
        Some("10.9.9.9"),
        now,
    )
    .await;
    assert!(matches!(r, Err(AppError::Throttled)));
    // After the window it works again, and success clears the count.
    let later = now + Duration::minutes(auth::THROTTLE_WINDOW_MINUTES + 1);
    assert!(auth::login(
        store.as_ref(),
        "eksempel",
        "anna@eksempel.dk",
        PW,
        None,
        later
    )
    .await
    .is_ok());
    // Unknown users and tenants fail the same way as wrong passwords.
    for (slug, email) in [
        ("eksempel", "ukendt@eksempel.dk"),
        ("ukendt", "anna@eksempel.dk"),
    ] {
        let r = auth::login(store.as_ref(), slug, email, PW, None, later).await;
        assert!(
            matches!(r, Err(AppError::Unauthenticated)),
            "{slug} {email}"
        );
    }
}

#[tokio::test]
async fn deactivated_users_cannot_log_in_or_use_tokens() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, session) = auth::login(
        store.as_ref(),
        "eksempel",
        "anna@eksempel.dk",
        PW,
        None,
        now,
    )
    .await
    .unwrap();
    let (token, _) = auth::create_token(store.as_ref(), &who, "BI-værktøj")
        .await
        .unwrap();
    assert!(auth::from_api_token(store.as_ref(), &token, now)
        .await
        .is_ok());
    let draft = NewUserDraft {
        email: "anna@eksempel.dk".into(),
        name: "Anna".into(),
        role: "leder".into(),
        units: vec![],
    };
    let valid = draft.validate(|_| true).unwrap();
    store
        .update_user(
            who.tenant.id,
            None,
            who.user.id,
            who.user.version,
            &valid,
            false,
        )
        .await
        .unwrap();
    assert!(matches!(
        auth::from_api_token(store.as_ref(), &token, now).await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        auth::from_session(store.as_ref(), &session.cookie_value, now).await,
        Err(AppError::Unauthenticated)
    ));
    let r = auth::login(
        store.as_ref(),
        "eksempel",
        "anna@eksempel.dk",
        PW,
        None,
        now,
    )
    .await;
    assert!(matches!(r, Err(AppError::Unauthenticated)));
}

#[tokio::test]
async fn revoked_and_malformed_tokens_fail() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, _) = auth::login(
        store.as_ref(),
        "eksempel",
        "anna@eksempel.dk",
        PW,
        None,
        now,
    )
    .await
    .unwrap();
    let (token, info) = auth::create_token(store.as_ref(), &who, "Test")
        .await
        .unwrap();
    assert!(matches!(
        auth::create_token(store.as_ref(), &who, "  ").await,
        Err(AppError::Invalid(_))
    ));
    auth::revoke_token(store.as_ref(), &who, info.id)
        .await
        .unwrap();
    assert!(matches!(
        auth::from_api_token(store.as_ref(), &token, now).await,
        Err(AppError::Unauthenticated)
    ));
    for bad in ["", "gvt_", "nope", &"gvt_x".repeat(100)] {
        assert!(
            matches!(
                auth::from_api_token(store.as_ref(), bad, now).await,
                Err(AppError::Unauthenticated)
            ),
            "{bad}"
        );
    }
    assert!(auth::csrf_matches("abc", "abc"));
    assert!(!auth::csrf_matches("abc", "abd"));
    assert!(!auth::csrf_matches("", ""));
}

#[tokio::test]
async fn expired_sessions_and_old_failures_are_purged() {
    let (store, _dir) = setup().await;
    let s = store.as_ref();
    let t0 = Utc::now();
    // Two sessions: one logged in 11 hours before `now` (expired), one just now.
    let (_, old) = auth::login(s, "eksempel", "anna@eksempel.dk", PW, None, t0)
        .await
        .unwrap();
    let now = t0 + Duration::hours(auth::SESSION_HOURS) + Duration::hours(1);
    let (_, fresh) = auth::login(s, "eksempel", "anna@eksempel.dk", PW, None, now)
        .await
        .unwrap();
    // Failed logins: one 20 minutes ago (outside the window), two a minute ago.
    for (at, n) in [
        (now - Duration::minutes(20), 1),
        (now - Duration::minutes(1), 2),
    ] {
        for _ in 0..n {
            assert!(auth::login(
                s,
                "eksempel",
                "anna@eksempel.dk",
                "forkert",
                Some("10.0.0.9"),
                at
            )
            .await
            .is_err());
        }
    }
    assert_eq!(auth::purge_expired(s, now).await.unwrap(), (1, 2));
    // The live session and the recent failures are kept.
    assert!(auth::from_session(s, &fresh.cookie_value, now)
        .await
        .is_ok());
    assert!(matches!(
        auth::from_session(s, &old.cookie_value, t0).await,
        Err(AppError::Unauthenticated)
    ));
    // Nothing left to purge now; the four recent failure rows (two logins, counted per
    // account and per client) go only once they are older than the window.
    assert_eq!(auth::purge_expired(s, now).await.unwrap(), (0, 0));
    let later = now + Duration::minutes(auth::THROTTLE_WINDOW_MINUTES);
    assert_eq!(auth::purge_expired(s, later).await.unwrap(), (0, 4));
}
