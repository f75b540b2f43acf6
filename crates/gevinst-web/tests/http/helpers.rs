//! Test helpers: start the real app on port 0 with a fresh database and seed data.

#![allow(dead_code)]

use gevinst_domain::{PotentialDraft, Role, Status};
use gevinst_testkit::dec;
use gevinst_testkit::store::prelude::*;
use gevinst_web::{AppState, WebSettings};
use std::net::SocketAddr;

pub use gevinst_testkit::{
    add_user, role_email, seed_tenant, seed_tenant_for_case, AllowAll, SeededTenant, PASSWORD,
};

/// A running app.
pub struct TestApp {
    /// Address it listens on.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Direct store access for setup and for checking what was (not) saved.
    pub store: DynStore,
    /// A plain client without cookies.
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// Starts the app on a fresh database: a SQLite file in a temp folder, or a new database
/// on the PostgreSQL test server (see [`gevinst_testkit::http_store`]).
pub async fn spawn_app() -> TestApp {
    spawn_app_with_forecasts().await.0
}

impl TestApp {
    /// A full URL for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A GET with a bearer token.
    pub async fn api_get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// A request with a JSON body and a bearer token.
    pub async fn api_send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A browser-like client with a cookie jar, logged in as `email` of `slug`.
    /// Returns the client and the CSRF token of the session (read from a page's form).
    pub async fn login(&self, slug: &str, email: &str) -> (reqwest::Client, String) {
        try_login(self, slug, email, PASSWORD, "/")
            .await
            .unwrap_or_else(|status| panic!("login should redirect, got {status}"))
    }
}

/// The value of the first `name="_csrf"` hidden input in a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

/// A programme world on top of a [`SeededTenant`], built through the app's use cases:
///
/// - `potential`: "Robot til journalisering", besluttet, in `enhed`, with the business
///   case below (start 2025, 3 years, discount rate 0);
/// - its benefits realisation plan (yearly measurements, 2025–2027), derived from the case:
///   line 1 ("Porto", direkte besparelse 0 / 60,000 / 60,000 kr.) and line 2
///   ("Sagsbehandling", 0 / 100 / 100 frigjorte timer) are both owned by the leder;
/// - `programme`: "Digitalisering 2025–2027" including the potential, with the targets
///   100,000 kr. a year by 2027 (index 0) and 0.5 årsværk by 2027 (index 1), and a
///   distribution key of target 0: 60 % `forvaltning`, 40 % `other`.
pub struct ProgrammeFixture {
    pub potential: gevinst_domain::PotentialId,
    pub programme: gevinst_domain::ProgrammeId,
}

/// The business case of [`ProgrammeFixture`]'s potential, as API JSON.
pub fn fixture_case() -> serde_json::Value {
    serde_json::json!({
        "start_year": 2025,
        "horizon": 3,
        "discount_rate": 0,
        "lines": [
            {"kind": "investering", "label": "Robot og opsætning", "amounts": [100000, 0, 0],
             "low": 0.9, "high": 1.3},
            {"kind": "direkte_besparelse", "label": "Porto", "amounts": [0, 60000, 60000],
             "low": 0.7, "high": 1.1, "hjemtagbar": true},
            {"kind": "frigjorte_timer", "label": "Sagsbehandling", "amounts": [0, 100, 100],
             "low": 0.5, "high": 1.2},
        ],
        "risks": [],
    })
}

/// Builds the [`ProgrammeFixture`] in `t`.
pub async fn seed_programme(store: &DynStore, t: &SeededTenant) -> ProgrammeFixture {
    use gevinst_domain::programme::{
        DistributionKey, KeyBasis, MeasurementFrequency, ProgrammeDraft, Share, ShareOwner,
        TargetDraft, TargetKind,
    };
    let admin = gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin principal");
    let potential = seed_decided_with_case(
        store,
        t,
        &admin,
        "Robot til journalisering",
        "Softwarerobot journaliserer post.",
    )
    .await;
    let mut plan = gevinst_app::App::new(store.clone())
        .programmes()
        .derive(&admin, potential, MeasurementFrequency::Yearly)
        .await
        .expect("derived plan");
    let leder = t.user(Role::Leder).id;
    for b in &mut plan.benefits {
        b.owner = Some(leder);
        if b.kpi.is_empty() {
            b.kpi = format!("{} pr. år", b.label);
        }
        if b.measurement_method.is_empty() {
            b.measurement_method = "Udtræk fra fagsystemet".into();
        }
    }
    gevinst_app::App::new(store.clone())
        .programmes()
        .put_plan(&admin, potential, None, &plan)
        .await
        .expect("plan");
    let programme = ProgrammeDraft {
        name: "Digitalisering 2025–2027".into(),
        first_year: Some(2025),
        last_year: Some(2027),
        targets: vec![
            TargetDraft {
                kind: Some(TargetKind::KrPerYear),
                amount: Some(dec("100000")),
                deadline_year: Some(2027),
                milestones: vec![],
            },
            TargetDraft {
                kind: Some(TargetKind::Aarsvaerk),
                amount: Some(dec("0.5")),
                deadline_year: Some(2027),
                milestones: vec![],
            },
        ],
        potentials: vec![potential],
        distribution_keys: vec![DistributionKey {
            target: 0,
            basis: KeyBasis::Percentages,
            shares: vec![
                Share {
                    owner: ShareOwner::Unit(t.forvaltning.id),
                    value: dec("60"),
                },
                Share {
                    owner: ShareOwner::Unit(t.other.id),
                    value: dec("40"),
                },
            ],
        }],
    };
    let programme = gevinst_app::App::new(store.clone())
        .programmes()
        .create(&admin, &programme)
        .await
        .expect("programme")
        .id;
    ProgrammeFixture {
        potential,
        programme,
    }
}

/// A besluttet potential "Selvbetjening af parkeringstilladelser" in `enhed` with the
/// business case of [`fixture_case`] but no benefits realisation plan yet.
pub async fn seed_decided_without_plan(
    store: &DynStore,
    t: &SeededTenant,
) -> gevinst_domain::PotentialId {
    let admin = gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(t.token(Role::Admin), chrono::Utc::now(), None)
        .await
        .expect("admin principal");
    seed_decided_with_case(
        store,
        t,
        &admin,
        "Selvbetjening af parkeringstilladelser",
        "Borgerne søger selv.",
    )
    .await
}

/// Like [`spawn_app`], and also returns the app's forecast cache (clones share it), so a
/// test can check what the pages did (not) compute.
pub async fn spawn_app_with_forecasts() -> (TestApp, gevinst_app::App) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = gevinst_testkit::http_store(dir.path()).await;
    let state = AppState::new(gevinst_app::App::new(store.clone()), WebSettings::default());
    let forecasts = state.app.clone();
    let addr = serve_state(state).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let app = TestApp {
        addr,
        base: format!("http://{addr}"),
        store,
        client,
        _dir: dir,
    };
    (app, forecasts)
}

/// A besluttet potential `title` in `enhed` with the business case of [`fixture_case`],
/// created by `admin`.
async fn seed_decided_with_case(
    store: &DynStore,
    t: &SeededTenant,
    admin: &gevinst_app::auth::Principal,
    title: &str,
    description: &str,
) -> gevinst_domain::PotentialId {
    use gevinst_domain::business_case::BusinessCaseDraft;
    let draft = PotentialDraft {
        title: title.into(),
        description: description.into(),
        unit_id: Some(t.enhed.id),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid potential");
    let potential = store
        .create_potential(t.tenant.id, None, &valid, Status::Besluttet, None)
        .await
        .expect("potential")
        .id;
    let case: BusinessCaseDraft = serde_json::from_value(fixture_case()).expect("case draft");
    gevinst_app::App::new(store.clone())
        .business_cases()
        .put(admin, potential, None, &case)
        .await
        .expect("business case");
    potential
}

/// A cookie client logged in as the seeded user with `role` in `slug`, and its CSRF token.
pub async fn login_role(app: &TestApp, slug: &str, role: Role) -> (reqwest::Client, String) {
    app.login(slug, &role_email(role, slug)).await
}

/// A GET of `path` with `client`: the status and the body text.
pub async fn get_text(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
) -> (reqwest::StatusCode, String) {
    let res = client.get(app.url(path)).send().await.expect("GET");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// A form POST of `form` to `path` with `client`.
pub async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("POST")
}

/// A form POST like [`post_form`]: the status and the body text.
pub async fn post_text(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (reqwest::StatusCode, String) {
    let res = post_form(client, app, path, form).await;
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// The cells of the first table row headed `label` (`<th scope="row">label</th>`).
pub fn row_cells(html: &str, label: &str) -> Vec<String> {
    let head = format!("<th scope=\"row\">{label}</th>");
    let Some(at) = html.find(&head) else {
        return vec![];
    };
    let rest = &html[at + head.len()..];
    let end = rest.find("</tr>").unwrap_or(rest.len());
    rest[..end]
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap_or("").to_owned())
        .collect()
}

/// The JSON body of a response.
pub async fn json_of(res: reqwest::Response) -> serde_json::Value {
    res.json().await.expect("json body")
}

/// The `error.code` of an API error response.
pub async fn error_code(res: reqwest::Response) -> String {
    json_of(res).await["error"]["code"]
        .as_str()
        .expect("error code")
        .to_owned()
}

/// The `(field, code)` pairs of an API error response.
pub async fn field_codes(res: reqwest::Response) -> Vec<(String, String)> {
    let body = json_of(res).await;
    body["error"]["fields"]
        .as_array()
        .expect("fields array")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().expect("field").to_owned(),
                f["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

/// A `(field, code)` pair as [`field_codes`] returns them.
pub fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

/// An API request as `token` with extra headers and an optional JSON body.
pub async fn send_json(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.expect("request")
}

/// Serves `state` on a fresh port of 127.0.0.1 until the test ends; returns the address.
async fn serve_state(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(gevinst_web::serve(listener, state, std::future::pending()));
    addr
}

/// A second server on `app`'s database with other `settings`; returns its base URL
/// (`http://127.0.0.1:PORT`). Cookies do not depend on the port, so a session made on
/// `app` works on it too.
pub async fn serve_with_settings(app: &TestApp, settings: WebSettings) -> String {
    let addr = serve_state(AppState::new(
        gevinst_app::App::new(app.store.clone()),
        settings,
    ))
    .await;
    format!("http://{addr}")
}

/// Posts the login form (after fetching it, for its CSRF cookie) with any password and
/// `next`: the cookie client and the response, unfollowed.
pub async fn post_login_form(
    app: &TestApp,
    slug: &str,
    email: &str,
    password: &str,
    next: &str,
) -> (reqwest::Client, reqwest::Response) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let csrf = extract_csrf(&page).expect("login csrf");
    let res = client
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("tenant", slug),
            ("email", email),
            ("password", password),
            ("next", next),
        ])
        .send()
        .await
        .expect("login");
    (client, res)
}

/// Logs in through the login form with any password and `next`. `Ok` holds the cookie
/// client and the session's CSRF token (read from the page at `next`); `Err` the status of
/// a refused login (anything but a redirect).
pub async fn try_login(
    app: &TestApp,
    slug: &str,
    email: &str,
    password: &str,
    next: &str,
) -> Result<(reqwest::Client, String), reqwest::StatusCode> {
    let (client, res) = post_login_form(app, slug, email, password, next).await;
    if res.status() != reqwest::StatusCode::SEE_OTHER {
        return Err(res.status());
    }
    let page = client
        .get(app.url(next))
        .send()
        .await
        .expect("page after login")
        .text()
        .await
        .expect("body");
    let csrf = extract_csrf(&page).expect("session csrf");
    Ok((client, csrf))
}
