//! The login flow on a real SQLite store: throttling (also under parallel attempts),
//! deactivated users, sessions with idle and absolute timeouts, tokens with expiry, own
//! password changes, and the audit entries of signing in and out.

use chrono::{Duration, Utc};
use gevinst_app::auth;
use gevinst_app::AppError;
use gevinst_domain::login_throttle::{FREE_PAIR_FAILURES, MAX_ACCOUNT_FAILURES};
use gevinst_domain::{AuditAction, EntityKind};
use gevinst_domain::{NewUserDraft, Slug};
use gevinst_store::prelude::*;

const PW: &str = "rigtig-adgangskode";
const EMAIL: &str = "anna@eksempel.dk";

async fn setup() -> (DynStore, tempfile::TempDir) {
    let (store, dir) = gevinst_testkit::sqlite_store().await;
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

async fn login_at(
    store: &DynStore,
    password: &str,
    client: Option<&str>,
    at: chrono::DateTime<Utc>,
) -> Result<(auth::Principal, auth::NewSession), AppError> {
    gevinst_app::App::new(store.clone())
        .auth()
        .login("eksempel", EMAIL, password, client, at)
        .await
}

/// The actions of the sign-in audit entries of user `id` (0: unknown e-mails).
async fn session_events(
    store: &DynStore,
    tenant: gevinst_domain::TenantId,
    id: i64,
) -> Vec<AuditAction> {
    store
        .audit_for(tenant, EntityKind::Session, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn login_works_case_insensitively_and_sessions_end() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, session) = gevinst_app::App::new(store.clone())
        .auth()
        .login(" Eksempel ", "ANNA@eksempel.dk ", PW, Some("10.0.0.1"), now)
        .await
        .unwrap();
    assert_eq!(who.user.name, "Anna");
    let (again, csrf) = gevinst_app::App::new(store.clone())
        .auth()
        .from_session(&session.cookie_value, now)
        .await
        .unwrap();
    assert_eq!(again.user.id, who.user.id);
    assert_eq!(csrf, session.csrf_token);

    // Used every 20 minutes, the session lives until its absolute end.
    let mut t = now;
    let end = now + Duration::hours(auth::SESSION_HOURS);
    while t + Duration::minutes(20) < end {
        t += Duration::minutes(20);
        assert!(
            gevinst_app::App::new(store.clone())
                .auth()
                .from_session(&session.cookie_value, t)
                .await
                .is_ok(),
            "alive at {t}"
        );
    }
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&session.cookie_value, end + Duration::minutes(1))
            .await,
        Err(AppError::Unauthenticated)
    ));

    // Left alone for longer than the idle timeout, a session ends.
    let (_, idle) = login_at(&store, PW, Some("10.0.0.1"), now).await.unwrap();
    let after_idle = now + Duration::minutes(auth::SESSION_IDLE_MINUTES) + Duration::seconds(1);
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&idle.cookie_value, after_idle)
            .await,
        Err(AppError::Unauthenticated)
    ));
    // ... and stays ended.
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&idle.cookie_value, now)
            .await,
        Err(AppError::Unauthenticated)
    ));

    // Logout ends a session, and is audited like the logins.
    let (_, third) = login_at(&store, PW, Some("10.0.0.2"), now).await.unwrap();
    gevinst_app::App::new(store.clone())
        .auth()
        .logout(&third.cookie_value, Some("10.0.0.2"))
        .await
        .unwrap();
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&third.cookie_value, now)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert_eq!(
        session_events(&store, who.tenant.id, who.user.id.0).await,
        [
            AuditAction::Login,
            AuditAction::Login,
            AuditAction::Login,
            AuditAction::Logout
        ]
    );
}

#[tokio::test]
async fn a_guesser_is_slowed_per_client_and_the_owner_is_not() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let attacker = Some("203.0.113.66");
    for i in 0..FREE_PAIR_FAILURES {
        let r = login_at(&store, "forkert", attacker, now).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "attempt {i}");
    }
    // The next guess from the same client must wait, and is not even checked: the right
    // password is refused too.
    let r = login_at(&store, PW, attacker, now).await;
    let Err(AppError::Throttled { retry_after_secs }) = r else {
        panic!("not throttled: {r:?}");
    };
    assert_eq!(retry_after_secs, 2);
    // The owner, on their own machine, signs in as usual meanwhile.
    assert!(login_at(&store, PW, Some("10.0.0.5"), now).await.is_ok());
    // After the delay the attacker may guess once more; then the delay doubles.
    let t = now + Duration::seconds(2);
    assert!(matches!(
        login_at(&store, "forkert", attacker, t).await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        login_at(&store, "forkert", attacker, t + Duration::seconds(3)).await,
        Err(AppError::Throttled {
            retry_after_secs: 1
        })
    ));

    // The failures and the start of the delay are in the tenant's audit log.
    let tenant = store.tenant_by_slug("eksempel").await.unwrap();
    let anna = store.user_credentials(tenant.id, EMAIL).await.unwrap().user;
    let events = session_events(&store, tenant.id, anna.id.0).await;
    assert_eq!(
        events
            .iter()
            .filter(|a| **a == AuditAction::LoginFailed)
            .count(),
        4
    );
    assert_eq!(
        events
            .iter()
            .filter(|a| **a == AuditAction::Lockout)
            .count(),
        1
    );
    // Unknown e-mails are audited under user 0, unknown tenants nowhere, and both fail
    // as a wrong password does.
    for (slug, email) in [("eksempel", "ukendt@eksempel.dk"), ("ukendt", EMAIL)] {
        let r = gevinst_app::App::new(store.clone())
            .auth()
            .login(slug, email, PW, None, now)
            .await;
        assert!(
            matches!(r, Err(AppError::Unauthenticated)),
            "{slug} {email}"
        );
    }
    assert_eq!(
        session_events(&store, tenant.id, 0).await,
        [AuditAction::LoginFailed]
    );
}

#[tokio::test]
async fn guessing_from_many_clients_is_capped_per_account() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    for i in 0..MAX_ACCOUNT_FAILURES {
        let client = format!("198.51.100.{i}");
        let r = login_at(&store, "forkert", Some(&client), now).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "attempt {i}");
    }
    let r = login_at(&store, PW, Some("10.9.9.9"), now).await;
    assert!(matches!(r, Err(AppError::Throttled { retry_after_secs }) if retry_after_secs > 800));
    // After the window it works again.
    let later = now + Duration::minutes(auth::THROTTLE_WINDOW_MINUTES + 1);
    assert!(login_at(&store, PW, None, later).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_slip_past_the_limit() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    // 25 parallel attempts from one client; the last one has the right password.
    let tasks: Vec<_> = (0..25)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let pw = if i == 24 { PW } else { "forkert" };
                login_at(&store, pw, Some("203.0.113.7"), now).await
            })
        })
        .collect();
    let mut checked = 0;
    let mut throttled = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) | Err(AppError::Unauthenticated) => checked += 1,
            Err(AppError::Throttled { .. }) => throttled += 1,
            other => panic!("unexpected {:?}", other.err()),
        }
    }
    assert!(
        checked <= FREE_PAIR_FAILURES,
        "{checked} passwords were checked; at most {FREE_PAIR_FAILURES} may be"
    );
    assert_eq!(checked + throttled, 25);
}

#[tokio::test]
async fn deactivated_users_cannot_log_in_or_use_tokens() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, session) = login_at(&store, PW, None, now).await.unwrap();
    let (token, _) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&who, "BI-værktøj", None)
        .await
        .unwrap();
    assert!(gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(&token, now, None)
        .await
        .is_ok());
    let draft = NewUserDraft {
        email: EMAIL.into(),
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
        gevinst_app::App::new(store.clone())
            .auth()
            .from_api_token(&token, now, None)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&session.cookie_value, now)
            .await,
        Err(AppError::Unauthenticated)
    ));
    let r = login_at(&store, PW, None, now).await;
    assert!(matches!(r, Err(AppError::Unauthenticated)));
}

#[tokio::test]
async fn revoked_expired_and_malformed_tokens_fail() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, _) = login_at(&store, PW, None, now).await.unwrap();
    let (token, info) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&who, "Test", None)
        .await
        .unwrap();
    assert_eq!(info.expires_at, None);
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .create_token(&who, "  ", None)
            .await,
        Err(AppError::Invalid(_))
    ));
    for days in [0, auth::MAX_TOKEN_DAYS + 1] {
        assert!(matches!(
            gevinst_app::App::new(store.clone()).auth().create_token(&who, "Udløb", Some(days)).await,
            Err(AppError::Invalid(e)) if e.0[0].field == "expires_in_days"
        ));
    }
    gevinst_app::App::new(store.clone())
        .auth()
        .revoke_token(&who, info.id)
        .await
        .unwrap();
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_api_token(&token, now, None)
            .await,
        Err(AppError::Unauthenticated)
    ));
    for bad in ["", "gvt_", "nope", &"gvt_x".repeat(100)] {
        assert!(
            matches!(
                gevinst_app::App::new(store.clone())
                    .auth()
                    .from_api_token(bad, now, None)
                    .await,
                Err(AppError::Unauthenticated)
            ),
            "{bad}"
        );
    }
    // A token that expires in a day works until then, and not after.
    let (short, info) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&who, "Kort", Some(1))
        .await
        .unwrap();
    let expires = info.expires_at.expect("an expiry");
    assert!(expires > now + Duration::hours(23) && expires < now + Duration::hours(25));
    let before = expires - Duration::minutes(1);
    assert!(gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(&short, before, None)
        .await
        .is_ok());
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_api_token(&short, expires + Duration::seconds(1), None)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert!(auth::csrf_matches("abc", "abc"));
    assert!(!auth::csrf_matches("abc", "abd"));
    assert!(!auth::csrf_matches("", ""));
}

#[tokio::test]
async fn a_token_used_from_a_new_address_is_audited() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, _) = login_at(&store, PW, None, now).await.unwrap();
    let (token, info) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&who, "Power BI", None)
        .await
        .unwrap();
    for client in [
        "10.1.1.1",
        "10.1.1.1",
        "10.1.1.1",
        "192.0.2.99",
        "192.0.2.99",
    ] {
        gevinst_app::App::new(store.clone())
            .auth()
            .from_api_token(&token, now, Some(client))
            .await
            .unwrap();
    }
    let uses: Vec<_> = store
        .audit_for(who.tenant.id, EntityKind::ApiToken, info.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::TokenUse)
        .map(|e| e.changes[0].after.clone())
        .collect();
    assert_eq!(uses, ["10.1.1.1", "192.0.2.99"]);
}

#[tokio::test]
async fn users_change_their_own_password() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let (who, mine) = login_at(&store, PW, None, now).await.unwrap();
    let (_, elsewhere) = login_at(&store, PW, None, now).await.unwrap();
    let (token, _) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&who, "Mit script", None)
        .await
        .unwrap();
    let change = |current: &'static str, new: &'static str| {
        let store = store.clone();
        let who = who.clone();
        let keep = mine.cookie_value.clone();
        async move {
            gevinst_app::App::new(store.clone())
                .auth()
                .change_own_password(&who, Some(&keep), current, new)
                .await
        }
    };
    let field_of = |r: Result<(), AppError>| match r {
        Err(AppError::Invalid(e)) => format!("{}:{}", e.0[0].field, e.0[0].code),
        other => format!("{other:?}"),
    };
    assert_eq!(
        field_of(change("forkert", "ny-lang-og-god-sætning").await),
        "current_password:wrong"
    );
    assert_eq!(
        field_of(change(PW, "1234567890").await),
        "password:too_weak"
    );
    assert_eq!(
        field_of(change(PW, "Eksempel2024").await),
        "password:too_weak"
    );
    assert_eq!(field_of(change(PW, PW).await), "password:unchanged");
    change(PW, "ny-lang-og-god-sætning").await.unwrap();
    // This session and the user's tokens go on; the other session has ended.
    assert!(gevinst_app::App::new(store.clone())
        .auth()
        .from_session(&mine.cookie_value, now)
        .await
        .is_ok());
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&elsewhere.cookie_value, now)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert!(gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(&token, now, None)
        .await
        .is_ok());
    assert!(matches!(
        login_at(&store, PW, None, now).await,
        Err(AppError::Unauthenticated)
    ));
    assert!(login_at(&store, "ny-lang-og-god-sætning", None, now)
        .await
        .is_ok());
}

#[tokio::test]
async fn an_admin_reset_ends_sessions_and_revokes_tokens() {
    let (store, _dir) = setup().await;
    let now = Utc::now();
    let tenant = store.tenant_by_slug("eksempel").await.unwrap();
    let draft = NewUserDraft {
        email: "admin@eksempel.dk".into(),
        name: "Admin".into(),
        role: "admin".into(),
        units: vec![],
    };
    store
        .create_user(
            tenant.id,
            None,
            &draft.validate(|_| true).unwrap(),
            &auth::hash_password(PW).unwrap(),
        )
        .await
        .unwrap();
    let (admin, _) = gevinst_app::App::new(store.clone())
        .auth()
        .login("eksempel", "admin@eksempel.dk", PW, None, now)
        .await
        .unwrap();
    let (anna, session) = login_at(&store, PW, None, now).await.unwrap();
    let (token, _) = gevinst_app::App::new(store.clone())
        .auth()
        .create_token(&anna, "Script", None)
        .await
        .unwrap();
    assert!(matches!(
        gevinst_app::App::new(store.clone()).admin().set_password(&admin, anna.user.id, "aaaaaaaaaa").await,
        Err(AppError::Invalid(e)) if e.0[0].code == "too_weak"
    ));
    let revoked = gevinst_app::App::new(store.clone())
        .admin()
        .set_password(&admin, anna.user.id, "nulstillet-af-en-administrator")
        .await
        .unwrap();
    assert_eq!(revoked, 1);
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&session.cookie_value, now)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_api_token(&token, now, None)
            .await,
        Err(AppError::Unauthenticated)
    ));
}

#[tokio::test]
async fn expired_sessions_and_old_failures_are_purged() {
    let (store, _dir) = setup().await;
    let _s = store.as_ref();
    let t0 = Utc::now();
    // Two sessions: one logged in 11 hours before `now` (expired), one just now.
    let (_, old) = login_at(&store, PW, None, t0).await.unwrap();
    let now = t0 + Duration::hours(auth::SESSION_HOURS) + Duration::hours(1);
    let (_, fresh) = login_at(&store, PW, None, now).await.unwrap();
    // Failed logins from one client: one 20 minutes ago (outside the window), two a
    // minute ago. Each is counted under three keys (pair, account and client).
    for (at, n) in [
        (now - Duration::minutes(20), 1),
        (now - Duration::minutes(1), 2),
    ] {
        for _ in 0..n {
            assert!(login_at(&store, "forkert", Some("10.0.0.9"), at)
                .await
                .is_err());
        }
    }
    assert_eq!(
        gevinst_app::App::new(store.clone())
            .auth()
            .purge_expired(now)
            .await
            .unwrap(),
        (1, 3)
    );
    // The live session and the recent failures are kept.
    assert!(gevinst_app::App::new(store.clone())
        .auth()
        .from_session(&fresh.cookie_value, now)
        .await
        .is_ok());
    assert!(matches!(
        gevinst_app::App::new(store.clone())
            .auth()
            .from_session(&old.cookie_value, t0)
            .await,
        Err(AppError::Unauthenticated)
    ));
    assert_eq!(
        gevinst_app::App::new(store.clone())
            .auth()
            .purge_expired(now)
            .await
            .unwrap(),
        (0, 0)
    );
    let later = now + Duration::minutes(auth::THROTTLE_WINDOW_MINUTES);
    assert_eq!(
        gevinst_app::App::new(store.clone())
            .auth()
            .purge_expired(later)
            .await
            .unwrap(),
        (0, 6)
    );
}
