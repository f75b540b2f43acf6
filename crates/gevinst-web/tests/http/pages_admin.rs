//! The administration pages (`/admin/…`) and the account page (`/konto`) through real
//! HTTP: forms, field errors, role checks and what ends up in the store.

use crate::helpers::{seed_tenant, spawn_app, try_login, SeededTenant, TestApp, PASSWORD};
use gevinst_domain::{Role, UnitId};
use gevinst_testkit::dec;
use reqwest::{Client, StatusCode};

const SLUG: &str = "kommune";

/// Logs in with any password (through `/konto`). `Ok` holds the cookie client and the
/// session's CSRF token; `Err` the status of the refused login.
async fn login_with(
    app: &TestApp,
    email: &str,
    password: &str,
) -> Result<(Client, String), StatusCode> {
    try_login(app, SLUG, email, password, "/konto").await
}

async fn setup() -> (TestApp, SeededTenant) {
    let app = spawn_app().await;
    let seed = seed_tenant(&app.store, SLUG).await;
    (app, seed)
}

/// Logs in as the seeded user with `role` (through `/konto`, so these tests depend only on
/// the pages they test).
async fn as_role(app: &TestApp, seed: &SeededTenant, role: Role) -> (Client, String) {
    login_with(app, seed.user(role).email.as_str(), PASSWORD)
        .await
        .expect("seeded user logs in")
}

async fn get(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let res = client.get(app.url(path)).send().await.expect("get");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// Posts a form (the CSRF token is added) and returns status, `Location` and body.
async fn post(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut body: Vec<(&str, &str)> = vec![("_csrf", csrf)];
    body.extend_from_slice(fields);
    let res = client
        .post(app.url(path))
        .form(&body)
        .send()
        .await
        .expect("post");
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, res.text().await.expect("body"))
}

async fn user_count(app: &TestApp, seed: &SeededTenant) -> usize {
    app.store
        .list_users(seed.tenant.id)
        .await
        .expect("users")
        .len()
}

#[tokio::test]
async fn admin_creates_a_user_who_can_then_log_in() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let (status, form) = get(&app, &admin, "/admin/brugere/ny").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(&format!("value=\"{}\"", seed.other.id)),
        "units offered as checkboxes"
    );

    let enhed = seed.enhed.id.to_string();
    let other = seed.other.id.to_string();
    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[
            ("name", "Ny Agent"),
            ("email", "Ny.Agent@Kommune.dk"),
            ("role", "digital_agent"),
            ("units", &other),
            ("units", &enhed),
            ("password", "en-ny-adgangskode-42"),
            ("password_repeat", "en-ny-adgangskode-42"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/brugere?ok=oprettet");

    let users = app.store.list_users(seed.tenant.id).await.expect("users");
    let created = users
        .iter()
        .find(|u| u.email.as_str() == "ny.agent@kommune.dk")
        .expect("user saved, e-mail lower-cased");
    assert_eq!(created.name, "Ny Agent");
    assert_eq!(created.role, Role::DigitalAgent);
    let mut expected = vec![seed.enhed.id, seed.other.id];
    expected.sort();
    assert_eq!(
        created.units, expected,
        "both repeated `units` values saved"
    );

    let (_, list) = get(&app, &admin, "/admin/brugere?ok=oprettet").await;
    assert!(list.contains("Brugeren er oprettet."));
    assert!(list.contains("ny.agent@kommune.dk"));
    assert!(
        list.contains("Social og Sundhed › Hjemmeplejen"),
        "units shown by path"
    );

    assert_eq!(
        login_with(&app, "ny.agent@kommune.dk", PASSWORD)
            .await
            .err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (client, _) = login_with(&app, "ny.agent@kommune.dk", "en-ny-adgangskode-42")
        .await
        .expect("new user logs in");
    let (status, account) = get(&app, &client, "/konto").await;
    assert_eq!(status, StatusCode::OK);
    assert!(account.contains("Ny Agent"));
    assert!(account.contains("Digital agent"));
    assert!(account.contains("Teknik og Miljø"));
}

#[tokio::test]
async fn invalid_new_user_gets_danish_errors_and_keeps_input() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let before = user_count(&app, &seed).await;
    let enhed = seed.enhed.id.to_string();

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[
            ("name", "Bente Bruger"),
            ("email", "ikke-en-mail"),
            ("role", "leder"),
            ("units", &enhed),
            ("password", "kort1"),
            ("password_repeat", "kort1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("role=\"alert\""), "error summary");
    assert!(body.contains("Angiv en gyldig e-mailadresse."));
    assert!(body.contains("Adgangskoden skal være mindst 10 tegn."));
    assert!(
        body.contains("href=\"#email\""),
        "summary links to the field"
    );
    assert!(body.contains("aria-describedby=\"email-fejl\""));
    assert!(body.contains("value=\"Bente Bruger\""), "name kept");
    assert!(body.contains("value=\"ikke-en-mail\""), "e-mail kept");
    assert!(
        body.contains("<option value=\"leder\" selected>"),
        "role kept"
    );
    assert!(
        body.contains(&format!("value=\"{enhed}\" checked")),
        "unit kept"
    );
    assert!(!body.contains("kort1"), "passwords are never echoed");

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[
            ("name", "Bente Bruger"),
            ("email", "bente@kommune.dk"),
            ("role", "leder"),
            ("password", "lang-nok-adgangskode"),
            ("password_repeat", "lang-nok-adgangskodX"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("De to adgangskoder er ikke ens."));
    assert!(body.contains("value=\"bente@kommune.dk\""));
    assert!(
        !body.contains("lang-nok-adgangskode"),
        "passwords are never echoed"
    );
    assert_eq!(user_count(&app, &seed).await, before, "nothing saved");
}

#[tokio::test]
async fn duplicate_email_is_a_field_error() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let before = user_count(&app, &seed).await;
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[
            ("name", "Endnu en leder"),
            ("email", "LEDER@kommune.dk"),
            ("role", "leder"),
            ("password", "lang-nok-adgangskode"),
            ("password_repeat", "lang-nok-adgangskode"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("<p class=\"field-error\" id=\"email-fejl\">Der findes allerede en bruger med denne e-mail.</p>"));
    assert_eq!(user_count(&app, &seed).await, before);
}

#[tokio::test]
async fn only_admins_reach_admin_pages() {
    let (app, seed) = setup().await;
    let me = seed.user(Role::Leder).id.to_string();
    let unit = seed.enhed.id.to_string();
    let fag = app
        .store
        .list_catalogue(
            seed.tenant.id,
            gevinst_testkit::store::Catalogue::Fagomraader,
        )
        .await
        .expect("list")[0]
        .id
        .to_string();
    let gets = [
        "/admin".to_owned(),
        "/admin/brugere".to_owned(),
        "/admin/brugere/ny".to_owned(),
        format!("/admin/brugere/{me}"),
        "/admin/enheder".to_owned(),
        format!("/admin/enheder/{unit}"),
        "/admin/indstillinger".to_owned(),
    ];
    let version = seed.tenant.version.to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/brugere/ny".into(),
            vec![
                ("name", "X"),
                ("email", "x@kommune.dk"),
                ("role", "admin"),
                ("password", "lang-nok-adgangskode"),
                ("password_repeat", "lang-nok-adgangskode"),
            ],
        ),
        (
            format!("/admin/brugere/{me}"),
            vec![
                ("name", "X"),
                ("email", "x@kommune.dk"),
                ("role", "admin"),
                ("active", "1"),
                ("version", "1"),
            ],
        ),
        (
            format!("/admin/brugere/{me}/adgangskode"),
            vec![
                ("password", "lang-nok-adgangskode"),
                ("password_repeat", "lang-nok-adgangskode"),
            ],
        ),
        (
            "/admin/enheder".into(),
            vec![("name", "Ny enhed"), ("parent_id", "")],
        ),
        (
            format!("/admin/enheder/{unit}"),
            vec![("name", "Omdøbt"), ("parent_id", ""), ("active", "1")],
        ),
        (
            "/admin/indstillinger".into(),
            vec![("name", "Overtaget Kommune"), ("version", &version)],
        ),
        (
            "/admin/indstillinger/fagomraader".into(),
            vec![("name", "Nyt fagområde")],
        ),
        (
            format!("/admin/indstillinger/fagomraader/{fag}"),
            vec![("name", "Omdøbt")],
        ),
    ];
    for role in [
        Role::Portefoljeleder,
        Role::Laeser,
        Role::Leder,
        Role::DigitalAgent,
    ] {
        let (client, csrf) = as_role(&app, &seed, role).await;
        for path in &gets {
            let (status, body) = get(&app, &client, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} GET {path}");
            assert!(body.contains("Ingen adgang"), "{role:?} GET {path}");
        }
        for (path, fields) in &posts {
            let (status, _, body) = post(&app, &client, &csrf, path, fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} POST {path}");
            assert!(body.contains("Ingen adgang"), "{role:?} POST {path}");
        }
    }
    // Nothing changed…
    let tenant = app.store.tenant(seed.tenant.id).await.expect("tenant");
    assert_eq!(tenant.name, "kommune Kommune");
    assert_eq!(
        app.store
            .list_users(seed.tenant.id)
            .await
            .expect("users")
            .len(),
        5
    );
    let units = app.store.list_units(seed.tenant.id).await.expect("units");
    assert_eq!(units.len(), 3);
    assert!(units.iter().all(|u| u.name != "Omdøbt"));
    // …and the same pages do open for an admin.
    let (admin, _) = as_role(&app, &seed, Role::Admin).await;
    for path in &gets {
        let (status, _) = get(&app, &admin, path).await;
        assert_eq!(status, StatusCode::OK, "admin GET {path}");
    }
}

#[tokio::test]
async fn admin_cannot_demote_or_deactivate_themselves() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let me = seed.user(Role::Admin);
    let path = format!("/admin/brugere/{}", me.id);
    let version = me.version.to_string();
    let message = "Du kan ikke fjerne din egen administratorrolle eller deaktivere dig selv.";

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("name", &me.name),
            ("email", me.email.as_str()),
            ("role", "laeser"),
            ("active", "1"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(message));
    assert!(
        body.contains("<option value=\"laeser\" selected>"),
        "the attempted role stays in the form"
    );

    // No `active` field: the checkbox was cleared.
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("name", &me.name),
            ("email", me.email.as_str()),
            ("role", "admin"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(message));

    let saved = app.store.user(seed.tenant.id, me.id).await.expect("user");
    assert_eq!((saved.role, saved.active), (Role::Admin, true));

    // A plain rename of oneself works and redirects with a fixed confirmation.
    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("name", "Ada Admin"),
            ("email", me.email.as_str()),
            ("role", "admin"),
            ("active", "1"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{path}?ok=bruger"));
    let (_, page) = get(&app, &admin, &location).await;
    assert!(page.contains("Brugeren er gemt."));
    assert!(page.contains("value=\"Ada Admin\""));
}

#[tokio::test]
async fn stale_user_version_is_a_conflict_and_keeps_input() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let leder = seed.user(Role::Leder);
    let path = format!("/admin/brugere/{}", leder.id);
    let v = leder.version.to_string();
    let fields = |name: &'static str| {
        vec![
            ("name", name),
            ("email", "leder@kommune.dk"),
            ("role", "leder"),
            ("active", "1"),
        ]
    };
    let mut first = fields("Første Navn");
    first.push(("version", &v));
    let (status, _, _) = post(&app, &admin, &csrf, &path, &first).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut second = fields("Andet Navn");
    second.push(("version", &v));
    let (status, _, body) = post(&app, &admin, &csrf, &path, &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("Brugeren er blevet ændret af en anden"));
    assert!(body.contains("value=\"Andet Navn\""), "input kept");
    let current = app
        .store
        .user(seed.tenant.id, leder.id)
        .await
        .expect("user");
    assert_eq!(current.name, "Første Navn");
    assert!(
        body.contains(&format!("name=\"version\" value=\"{}\"", current.version)),
        "saving again overwrites deliberately"
    );
}

#[tokio::test]
async fn admin_sets_a_new_password() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let leder = seed.user(Role::Leder);
    let path = format!("/admin/brugere/{}/adgangskode", leder.id);
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("password", "helt-ny-kode-123"),
            ("password_repeat", "helt-ny-kode-124"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("<p class=\"field-error\" id=\"ny-password_repeat-fejl\">De to adgangskoder er ikke ens.</p>"));
    assert!(
        login_with(&app, "leder@kommune.dk", PASSWORD).await.is_ok(),
        "unchanged after the refused form"
    );

    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("password", "helt-ny-kode-123"),
            ("password_repeat", "helt-ny-kode-123"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("/admin/brugere/{}?ok=adgangskode", leder.id)
    );
    assert_eq!(
        login_with(&app, "leder@kommune.dk", PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert!(login_with(&app, "leder@kommune.dk", "helt-ny-kode-123")
        .await
        .is_ok());
}

#[tokio::test]
async fn units_are_added_moved_and_never_under_themselves() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let forvaltning = seed.forvaltning.id.to_string();
    let enhed = seed.enhed.id.to_string();
    let other = seed.other.id.to_string();

    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/enheder",
        &[("name", "Ældreplejen Syd"), ("parent_id", &forvaltning)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/enheder?ok=enhed");
    let (_, page) = get(&app, &admin, &location).await;
    assert!(page.contains("Enheden er oprettet."));
    let at = page.find(">Ældreplejen Syd</a>").expect("new unit listed");
    let li = page[..at].rfind("<li class=\"").expect("in a list item");
    assert!(
        page[li..at].starts_with("<li class=\"lvl-1\""),
        "a child unit is indented one step"
    );

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/enheder",
        &[("name", "  "), ("parent_id", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body
        .contains("<p class=\"field-error\" id=\"ny-name-fejl\">Enhedens navn skal udfyldes.</p>"));

    // The forvaltning under its own child: refused, next to the field.
    let path = format!("/admin/enheder/{forvaltning}");
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("name", "Social og Sundhed"),
            ("parent_id", &enhed),
            ("active", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(
        "<p class=\"field-error\" id=\"parent_id-fejl\">En enhed kan ikke placeres under sig selv eller en af sine underenheder.</p>"
    ));
    assert!(body.contains("aria-invalid=\"true\""));
    let (status, _, _) = post(
        &app,
        &admin,
        &csrf,
        &path,
        &[
            ("name", "Social og Sundhed"),
            ("parent_id", &forvaltning),
            ("active", "1"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not under itself either"
    );

    // A legal move and a deactivation.
    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        &format!("/admin/enheder/{enhed}"),
        &[("name", "Hjemmeplejen Vest"), ("parent_id", &other)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/enheder?ok=enhed-gemt");
    let units = app.store.list_units(seed.tenant.id).await.expect("units");
    let find = |id: UnitId| units.iter().find(|u| u.id == id).expect("unit").clone();
    assert_eq!(find(seed.forvaltning.id).parent_id, None);
    let moved = find(seed.enhed.id);
    assert_eq!(
        (moved.parent_id, moved.name.as_str(), moved.active),
        (Some(seed.other.id), "Hjemmeplejen Vest", false)
    );

    let (status, _) = get(&app, &admin, "/admin/enheder/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, &admin, "/admin/enheder/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fagomraader_are_added_and_duplicates_refused() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger/fagomraader",
        &[("name", "Klima og energi")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/indstillinger?ok=tilfoejet");
    let (_, page) = get(&app, &admin, &location).await;
    assert!(page.contains("Punktet er tilføjet listen."));
    assert!(page.contains("value=\"Klima og energi\""));

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger/fagomraader",
        &[("name", "Klima og energi")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(
        "<p class=\"field-error\" id=\"fag-ny-name-fejl\">Navnet findes allerede på listen.</p>"
    ));
    let fag = app
        .store
        .list_catalogue(
            seed.tenant.id,
            gevinst_testkit::store::Catalogue::Fagomraader,
        )
        .await
        .expect("list");
    assert_eq!(
        fag.iter().filter(|f| f.name == "Klima og energi").count(),
        1
    );
    assert_eq!(fag.len(), 6, "five defaults and the new one");

    // Renaming one entry to another's name is refused next to that entry.
    let first = &fag[0];
    let taken = fag[1].name.clone();
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        &format!("/admin/indstillinger/fagomraader/{}", first.id),
        &[("name", &taken), ("active", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(&format!(
        "id=\"fag-{}-name-fejl\">Navnet findes allerede på listen.",
        first.id
    )));

    // Deactivating a technology type.
    let tech = app
        .store
        .list_catalogue(
            seed.tenant.id,
            gevinst_testkit::store::Catalogue::Technologies,
        )
        .await
        .expect("list");
    let (status, _, _) = post(
        &app,
        &admin,
        &csrf,
        &format!("/admin/indstillinger/teknologier/{}", tech[0].id),
        &[("name", &tech[0].name)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let tech = app
        .store
        .list_catalogue(
            seed.tenant.id,
            gevinst_testkit::store::Catalogue::Technologies,
        )
        .await
        .expect("list");
    assert!(!tech[0].active);
    let (status, _, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger/ukendt",
        &[("name", "X")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tenant_rename_with_stale_version_is_a_conflict() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let stale = seed.tenant.version.to_string();
    let (status, location, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger",
        &[("name", "Ny Kommune"), ("version", &stale)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/indstillinger?ok=navn");

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger",
        &[("name", "Gammel Kommune"), ("version", &stale)],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("Navnet er blevet ændret af en anden"));
    assert!(body.contains("value=\"Gammel Kommune\""), "input kept");
    let tenant = app.store.tenant(seed.tenant.id).await.expect("tenant");
    assert_eq!(tenant.name, "Ny Kommune");
    assert!(body.contains(&format!("name=\"version\" value=\"{}\"", tenant.version)));

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/indstillinger",
        &[("name", ""), ("version", &tenant.version.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("<p class=\"field-error\" id=\"tenant-name-fejl\">Navnet skal udfyldes.</p>")
    );
}

#[tokio::test]
async fn api_token_is_shown_once_works_and_can_be_revoked() {
    let (app, seed) = setup().await;
    let (client, csrf) = as_role(&app, &seed, Role::Laeser).await;
    let me = seed.user(Role::Laeser);

    let (status, _, body) = post(&app, &client, &csrf, "/konto/noegler", &[("name", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Giv nøglen et navn på 1-80 tegn."));

    let (status, _, body) = post(
        &app,
        &client,
        &csrf,
        "/konto/noegler",
        &[("name", "Power BI")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Kopiér nøglen nu."));
    let at = body.find("value=\"gvt_").expect("token shown") + "value=\"".len();
    let token = body[at..at + body[at..].find('"').expect("end")].to_owned();
    let example = format!(
        "curl -H \"Authorization: Bearer {token}\" http://{}/api/v1/potentials",
        app.addr
    );
    assert!(body.contains(&example), "a curl example with the token");

    let hash = gevinst_app::auth::secret_hash(&token);
    let owner = app
        .store
        .use_api_token(&hash, chrono::Utc::now(), None)
        .await
        .expect("token works");
    assert_eq!((owner.tenant_id, owner.user_id), (seed.tenant.id, me.id));

    let (_, account) = get(&app, &client, "/konto").await;
    assert!(account.contains("Power BI"));
    assert!(!account.contains(&token), "the token is never shown again");

    let tokens = app
        .store
        .list_api_tokens(seed.tenant.id, me.id)
        .await
        .expect("tokens");
    let id = tokens
        .iter()
        .find(|t| t.name == "Power BI")
        .expect("listed")
        .id;

    // Someone else cannot revoke it: 404, and it keeps working.
    let (other, other_csrf) = as_role(&app, &seed, Role::Leder).await;
    let path = format!("/konto/noegler/{id}/tilbagekald");
    let (status, _, _) = post(&app, &other, &other_csrf, &path, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app
        .store
        .use_api_token(&hash, chrono::Utc::now(), None)
        .await
        .is_ok());

    let (status, location, _) = post(&app, &client, &csrf, &path, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/konto?ok=tilbagekaldt");
    assert!(
        app.store
            .use_api_token(&hash, chrono::Utc::now(), None)
            .await
            .is_err(),
        "revoked"
    );
    let (_, account) = get(&app, &client, &location).await;
    assert!(account.contains("Nøglen er tilbagekaldt og virker ikke længere."));
    assert!(account.contains("Tilbagekaldt"));
}

#[tokio::test]
async fn user_text_is_escaped_and_notices_are_fixed() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let (status, _, _) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[
            ("name", "<script>alert(1)</script>"),
            ("email", "x@kommune.dk"),
            ("role", "laeser"),
            ("password", "lang-nok-adgangskode"),
            ("password_repeat", "lang-nok-adgangskode"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = get(&app, &admin, "/admin/brugere?ok=%3Cb%3Ehej%3C%2Fb%3E").await;
    assert!(list.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!list.contains("<script>"));
    assert!(!list.contains("hej"), "arbitrary query text is never shown");
    assert!(
        !list.contains("role=\"status\""),
        "an unknown key shows no notice"
    );

    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/brugere/ny",
        &[("units", "abc"), ("role", "laeser")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a garbled unit id is a field error, not a 400"
    );
    assert!(body.contains("En af de valgte enheder findes ikke."));
}

#[tokio::test]
async fn another_tenants_records_are_not_found() {
    let (app, seed) = setup().await;
    let anden = seed_tenant(&app.store, "anden").await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let their_user = anden.user(Role::Leder);
    let their_fag = app
        .store
        .list_catalogue(
            anden.tenant.id,
            gevinst_testkit::store::Catalogue::Fagomraader,
        )
        .await
        .expect("list")[0]
        .clone();

    let (status, _) = get(&app, &admin, &format!("/admin/brugere/{}", their_user.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, &admin, &format!("/admin/enheder/{}", anden.enhed.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let v = their_user.version.to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/admin/brugere/{}", their_user.id),
            vec![
                ("name", "Kapret"),
                ("email", "leder@anden.dk"),
                ("role", "leder"),
                ("active", "1"),
                ("version", &v),
            ],
        ),
        (
            format!("/admin/brugere/{}/adgangskode", their_user.id),
            vec![
                ("password", "kapret-adgangskode"),
                ("password_repeat", "kapret-adgangskode"),
            ],
        ),
        (
            format!("/admin/enheder/{}", anden.enhed.id),
            vec![("name", "Kapret"), ("parent_id", ""), ("active", "1")],
        ),
        (
            format!("/admin/indstillinger/fagomraader/{}", their_fag.id),
            vec![("name", "Kapret"), ("active", "1")],
        ),
    ];
    for (path, fields) in &posts {
        let (status, _, _) = post(&app, &admin, &csrf, path, fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "POST {path}");
    }
    // A unit of another tenant is no parent either.
    let theirs = anden.forvaltning.id.to_string();
    let (status, _, body) = post(
        &app,
        &admin,
        &csrf,
        "/admin/enheder",
        &[("name", "Ny"), ("parent_id", &theirs)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Den overordnede enhed findes ikke."));

    assert_eq!(
        app.store
            .user(anden.tenant.id, their_user.id)
            .await
            .expect("user")
            .name,
        "Leder anden"
    );
    let creds = app
        .store
        .user_credentials(anden.tenant.id, "leder@anden.dk")
        .await
        .expect("credentials");
    assert!(
        gevinst_app::auth::verify_password(PASSWORD, &creds.password_hash),
        "their password unchanged"
    );
    let units = app.store.list_units(anden.tenant.id).await.expect("units");
    assert!(units.iter().all(|u| u.name != "Kapret"));
    let fag = app
        .store
        .list_catalogue(
            anden.tenant.id,
            gevinst_testkit::store::Catalogue::Fagomraader,
        )
        .await
        .expect("list");
    assert_eq!(fag[0].name, their_fag.name);
    assert_eq!(
        app.store
            .list_units(seed.tenant.id)
            .await
            .expect("units")
            .len(),
        3,
        "nothing created"
    );
}

/// The economics form with every field, in Danish notation.
fn economics_form<'a>(version: &'a str, values: [&'a str; 8]) -> Vec<(&'a str, &'a str)> {
    let names = [
        "annual_cost_per_fte",
        "hours_per_fte",
        "hourly_rate_override",
        "discount_rate",
        "channel_digital",
        "channel_telephone",
        "channel_in_person",
        "channel_written",
    ];
    let mut fields = vec![("version", version)];
    fields.extend(names.into_iter().zip(values));
    fields
}

#[tokio::test]
async fn admin_saves_economics_typed_the_danish_way() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let (status, page) = get(&app, &admin, "/admin/oekonomi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"500.000\""), "defaults shown Danish");
    assert!(page.contains("value=\"1.924\""));
    assert!(page.contains("value=\"3,5\""));
    assert!(page.contains("259,88 kr."), "computed hourly rate shown");
    assert!(page.contains("name=\"version\" value=\"0\""));
    let (_, settings) = get(&app, &admin, "/admin/indstillinger").await;
    assert!(
        settings.contains("href=\"/admin/oekonomi\""),
        "linked from settings"
    );

    let fields = economics_form(
        "0",
        [
            "600.000", "1.600", "", "4,25", "4", "55,5", "110", "125 kr.",
        ],
    );
    let (status, location, _) = post(&app, &admin, &csrf, "/admin/oekonomi", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/oekonomi?ok=oekonomi");
    let (econ, version) = app.store.economics(seed.tenant.id).await.expect("econ");
    assert_eq!(version, 1);
    assert_eq!(econ.annual_cost_per_fte, dec("600000"));
    assert_eq!(econ.hours_per_fte, dec("1600"));
    assert_eq!(econ.hourly_rate_override, None);
    assert_eq!(econ.discount_rate, dec("0.0425"));
    assert_eq!(econ.channel_costs.digital, dec("4"));
    assert_eq!(econ.channel_costs.telephone, dec("55.5"));
    assert_eq!(econ.channel_costs.in_person, dec("110"));
    assert_eq!(econ.channel_costs.written, dec("125"));

    let (_, page) = get(&app, &admin, "/admin/oekonomi?ok=oekonomi").await;
    assert!(page.contains("Økonomiindstillingerne er gemt."));
    assert!(page.contains("value=\"4,25\""));
    assert!(page.contains("375 kr."), "600.000 ÷ 1.600");
    assert!(page.contains("name=\"version\" value=\"1\""));

    // An hourly rate overrides the computed one.
    let fields = economics_form(
        "1",
        ["600.000", "1.600", "400", "4,25", "4", "55,5", "110", "125"],
    );
    let (status, _, _) = post(&app, &admin, &csrf, "/admin/oekonomi", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (econ, version) = app.store.economics(seed.tenant.id).await.expect("econ");
    assert_eq!((econ.hourly_rate_override, version), (Some(dec("400")), 2));
}

#[tokio::test]
async fn invalid_economics_get_field_errors_and_keep_input() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let fields = economics_form("0", ["abc", "9.000", "0", "30", "", "-1", "100", "120"]);
    let (status, _, body) = post(&app, &admin, &csrf, "/admin/oekonomi", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Ret venligst følgende"), "error summary");
    for (id, message) in [
        ("annual_cost_per_fte", "ikke et tal"),
        ("hours_per_fte", "8.760"),
        ("hourly_rate_override", "Timeprisen skal være større end 0"),
        ("discount_rate", "mellem 0 og 25 %"),
        ("channel_costs.digital", "Feltet skal udfyldes."),
        ("channel_costs.telephone", "kan ikke være negativ"),
    ] {
        let error = format!("<p class=\"field-error\" id=\"oek-{id}-fejl\">");
        let at = body
            .find(&error)
            .unwrap_or_else(|| panic!("no error next to {id}"));
        assert!(body[at..].contains(message), "{id}: {message}");
        assert!(
            body.contains(&format!("href=\"#oek-{id}\"")),
            "{id} in the summary"
        );
    }
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(body.contains("value=\"abc\""), "input kept");
    assert!(body.contains("value=\"9.000\""));
    assert!(body.contains("value=\"30\""));
    let (econ, version) = app.store.economics(seed.tenant.id).await.expect("econ");
    assert_eq!(version, 0, "nothing saved");
    assert_eq!(econ, gevinst_domain::business_case::Economics::default());
}

#[tokio::test]
async fn only_admins_see_and_change_economics() {
    let (app, seed) = setup().await;
    let fields = economics_form("0", ["1", "1.000", "", "1", "1", "1", "1", "1"]);
    for role in [
        Role::Portefoljeleder,
        Role::Laeser,
        Role::Leder,
        Role::DigitalAgent,
    ] {
        let (client, csrf) = as_role(&app, &seed, role).await;
        let (status, body) = get(&app, &client, "/admin/oekonomi").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} GET");
        assert!(body.contains("Ingen adgang"));
        let (status, _, body) = post(&app, &client, &csrf, "/admin/oekonomi", &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} POST");
        assert!(body.contains("Ingen adgang"));
    }
    let (_, version) = app.store.economics(seed.tenant.id).await.expect("econ");
    assert_eq!(version, 0, "nothing saved");
}

#[tokio::test]
async fn stale_economics_version_is_a_conflict_and_keeps_input() {
    let (app, seed) = setup().await;
    let (admin, csrf) = as_role(&app, &seed, Role::Admin).await;
    let first = economics_form(
        "0",
        ["550.000", "1.924", "", "3,5", "5", "50", "100", "120"],
    );
    let (status, _, _) = post(&app, &admin, &csrf, "/admin/oekonomi", &first).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A second admin tab still holds version 0.
    let stale = economics_form("0", ["700.000", "1.924", "", "2", "5", "50", "100", "120"]);
    let (status, _, body) = post(&app, &admin, &csrf, "/admin/oekonomi", &stale).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("ændret af en anden"));
    assert!(body.contains("value=\"700.000\""), "input kept");
    assert!(body.contains("value=\"2\""));
    assert!(
        body.contains("name=\"version\" value=\"1\""),
        "saving again overwrites knowingly"
    );
    let (econ, version) = app.store.economics(seed.tenant.id).await.expect("econ");
    assert_eq!(version, 1);
    assert_eq!(econ.annual_cost_per_fte, dec("550000"));

    // A missing version can only be stale.
    let mut no_version = stale.clone();
    no_version.retain(|(k, _)| *k != "version");
    let (status, _, _) = post(&app, &admin, &csrf, "/admin/oekonomi", &no_version).await;
    assert_eq!(status, StatusCode::CONFLICT);
}
