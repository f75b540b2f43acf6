//! The account page (`/konto`) through real HTTP: changing one's own password, API token
//! lifetimes, and what a refused login looks like.

use crate::helpers::{
    get_text, login_role, post_text, role_email, seed_tenant, spawn_app, try_login, PASSWORD,
};
use gevinst_domain::Role;
use reqwest::StatusCode;

const SLUG: &str = "konto";

#[tokio::test]
async fn users_change_their_own_password() {
    let app = spawn_app().await;
    let seed = seed_tenant(&app.store, SLUG).await;
    let email = role_email(Role::Leder, SLUG);
    let (client, csrf) = login_role(&app, SLUG, Role::Leder).await;
    let (elsewhere, _) = login_role(&app, SLUG, Role::Leder).await;
    let (_, page) = get_text(&client, &app, "/konto").await;
    assert!(page.contains("Skift adgangskode"));

    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        let (client, csrf, app) = (client.clone(), csrf.clone(), &app);
        async move {
            post_text(
                &client,
                app,
                "/konto/adgangskode",
                &[
                    ("_csrf", csrf.as_str()),
                    ("current_password", current),
                    ("password", new),
                    ("password_repeat", repeat),
                ],
            )
            .await
        }
    };
    for (current, new, repeat, message) in [
        (
            "forkert-kode",
            "et-helt-nyt-kodeord-her",
            "et-helt-nyt-kodeord-her",
            "Den nuværende adgangskode er forkert.",
        ),
        (
            PASSWORD,
            "1234567890",
            "1234567890",
            "Adgangskoden er for let at gætte",
        ),
        (
            PASSWORD,
            "et-helt-nyt-kodeord-her",
            "et-helt-nyt-kodeord-hex",
            "De to nye adgangskoder er ikke ens.",
        ),
    ] {
        let (status, body) = change(current, new, repeat).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(body.contains(message), "{message}");
        assert!(!body.contains(new), "a password is never echoed");
    }
    let done = crate::helpers::post_form(
        &client,
        &app,
        "/konto/adgangskode",
        &[
            ("_csrf", csrf.as_str()),
            ("current_password", PASSWORD),
            ("password", "et-helt-nyt-kodeord-her"),
            ("password_repeat", "et-helt-nyt-kodeord-her"),
        ],
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], "/konto?ok=adgangskode");
    // This session goes on.
    let (_, page) = get_text(&client, &app, "/konto?ok=adgangskode").await;
    assert!(page.contains("Din adgangskode er ændret."));
    // The other session has ended; the old password no longer works; the new one does.
    let (status, _) = get_text(&elsewhere, &app, "/konto").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        try_login(&app, SLUG, &email, PASSWORD, "/konto")
            .await
            .err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert!(
        try_login(&app, SLUG, &email, "et-helt-nyt-kodeord-her", "/konto")
            .await
            .is_ok()
    );
    drop(seed);
}

#[tokio::test]
async fn token_lifetimes_are_chosen_and_shown() {
    let app = spawn_app().await;
    seed_tenant(&app.store, SLUG).await;
    let (client, csrf) = login_role(&app, SLUG, Role::Laeser).await;
    let (_, page) = get_text(&client, &app, "/konto").await;
    assert!(page.contains("<option value=\"90\" selected>90 dage</option>"));
    for (days, shown) in [("30", "Aktiv til "), ("ingen", "Aktiv, udløber ikke")] {
        let (status, body) = post_text(
            &client,
            &app,
            "/konto/noegler",
            &[
                ("_csrf", csrf.as_str()),
                ("name", "Rapport"),
                ("expires_in_days", days),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, page) = get_text(&client, &app, "/konto").await;
        assert!(page.contains(shown), "{days}: {shown}");
    }
    let (status, body) = post_text(
        &client,
        &app,
        "/konto/noegler",
        &[
            ("_csrf", csrf.as_str()),
            ("name", "Rapport"),
            ("expires_in_days", "9999"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Udløb skal være mellem 1 og 730 dage"));
}

#[tokio::test]
async fn a_throttled_login_says_how_long_to_wait() {
    let app = spawn_app().await;
    seed_tenant(&app.store, SLUG).await;
    let email = role_email(Role::Admin, SLUG);
    for _ in 0..3 {
        assert_eq!(
            try_login(&app, SLUG, &email, "forkert-kode", "/")
                .await
                .err(),
            Some(StatusCode::UNAUTHORIZED)
        );
    }
    let (_, res) = crate::helpers::post_login_form(&app, SLUG, &email, PASSWORD, "/").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    let body = res.text().await.expect("body");
    assert!(body.contains("For mange mislykkede forsøg. Vent 2 sekunder, og prøv igen."));
}
