//! The front page's use case on the demo data: the programme figures are the programme
//! overview's, the forecast is only ever read from the cache, the week's changes look back
//! seven days, and each role gets its own part.

use gevinst_testkit::{principal, sqlite_store};

use chrono::{Duration, Utc};
use gevinst_app::front::FrontRole;
use gevinst_app::App;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::{Role, Status};
use gevinst_store::prelude::*;

/// The principal of an existing user, resolved through a fresh bearer token.
async fn as_user(store: &DynStore, user: &gevinst_domain::User) -> gevinst_app::auth::Principal {
    let (token, hash) = gevinst_app::auth::new_api_token();
    store
        .create_api_token(user.tenant_id, Some(user.id), user.id, "test", &hash, None)
        .await
        .expect("token");
    App::new(store.clone())
        .auth()
        .from_api_token(&token, Utc::now(), None)
        .await
        .expect("principal")
}

/// A SQLite store with the demo loaded, its tenant and an app on it.
async fn demo() -> (DynStore, tempfile::TempDir, gevinst_domain::Tenant, App) {
    let (store, dir) = sqlite_store().await;
    gevinst_demo::load_demo(store.as_ref())
        .await
        .expect("demo")
        .expect("empty database");
    let tenant = store
        .tenant_by_slug(gevinst_demo::DEMO_TENANT_SLUG)
        .await
        .expect("tenant");
    let app = App::new(store.clone());
    (store, dir, tenant, app)
}

const SETTINGS: SimulationSettings = SimulationSettings {
    iterations: 2_000,
    seed: 7,
};

#[tokio::test]
async fn steering_on_the_demo_agrees_with_the_programme_overview_and_never_simulates() {
    let (store, _dir, tenant, app) = demo().await;
    let pl = principal(
        &store,
        tenant.id,
        "pl2@eksempel.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let now = Utc::now();
    let today = now.date_naive();

    let s = app
        .front()
        .steering(&pl, today, now, SETTINGS)
        .await
        .expect("steering");
    assert_eq!(s.role, FrontRole::Portfolio);
    assert_eq!(s.programmes.len(), 1);
    let p = &s.programmes[0];
    let overview = app
        .programmes()
        .overview(&pl, p.id)
        .await
        .expect("overview");
    assert_eq!(
        p.overview, overview,
        "the same figures as the programme page"
    );
    assert!(p.forecast.is_none(), "nothing cached, nothing computed");
    use chrono::Datelike;
    assert!(app
        .programmes()
        .cached_forecast(&pl, p.id, SETTINGS, today.year())
        .await
        .expect("cache")
        .is_none());
    // The demo was loaded just now: every potential and actual is this week's news.
    let week = s.changes.as_ref().expect("the week's changes");
    assert_eq!(week.new_potentials.len(), gevinst_demo::DEMO_POTENTIALS);
    assert!(!week.new_actuals.is_empty());
    assert_eq!(s.counts.total, gevinst_demo::DEMO_POTENTIALS as u64);

    // Computed once (as the page's fragment does), the forecast is then shown.
    app.programmes()
        .forecast_cached(&pl, p.id, SETTINGS, today.year())
        .await
        .expect("forecast");
    let s = app
        .front()
        .steering(&pl, today, now, SETTINGS)
        .await
        .expect("steering");
    assert!(s.programmes[0].forecast.is_some());

    // Eight days later none of it is news any more.
    let later = now + Duration::days(8);
    let s = app
        .front()
        .steering(&pl, today, later, SETTINGS)
        .await
        .expect("steering");
    let week = s.changes.expect("changes");
    assert!(week.new_potentials.is_empty() && week.new_actuals.is_empty());
    assert!(week.status_changes.is_empty());
}

#[tokio::test]
async fn each_role_gets_its_own_part_of_the_front_page() {
    let (store, _dir, tenant, app) = demo().await;
    let by_email = |email: &'static str| {
        let store = store.clone();
        async move {
            let users = store.list_users(tenant.id).await.expect("users");
            users
                .into_iter()
                .find(|u| u.email.as_str() == email)
                .expect("demo user")
        }
    };
    let now = Utc::now();
    let today = now.date_naive();

    // The demo leder owns benefits of decided potentials in their units.
    let leder_user = by_email("leder@eksempel.dk").await;
    let leder = as_user(&store, &leder_user).await;
    let s = app
        .front()
        .steering(&leder, today, now, SETTINGS)
        .await
        .expect("steering");
    assert_eq!(s.role, FrontRole::Leder);
    assert!(s.programmes.is_empty() && s.changes.is_none() && s.agent.is_none());
    let work = s.leder.expect("leder's work");
    assert!(!work.plans.is_empty(), "the demo leder owns benefits");
    assert!(work
        .plans
        .iter()
        .all(|p| p.owned > 0 && p.owned <= p.benefits));
    assert!(work.tasks.iter().all(|t| t.owner == Some(leder_user.id)));
    // A leder who owns nothing has no plans and no tasks, but the same units.
    let other = principal(
        &store,
        tenant.id,
        "leder2@eksempel.dk",
        Role::Leder,
        leder_user.units.clone(),
    )
    .await;
    let s = app
        .front()
        .steering(&other, today, now, SETTINGS)
        .await
        .expect("steering");
    let none = s.leder.expect("leder's work");
    assert!(none.plans.is_empty() && none.tasks.is_empty());
    assert_eq!(none.units, work.units);
    assert_eq!(work.units.len(), leder_user.units.len());
    let in_units: u64 = work
        .units
        .iter()
        .flat_map(|u| u.by_status.iter().map(|(_, n)| *n))
        .sum();
    assert!(in_units > 0);

    let agent_user = by_email("digitalagent@eksempel.dk").await;
    let agent = as_user(&store, &agent_user).await;
    let s = app
        .front()
        .steering(&agent, today, now, SETTINGS)
        .await
        .expect("steering");
    let work = s.agent.expect("agent's work");
    assert!(!work.ideas.is_empty());
    assert!(work.ideas.iter().all(|p| p.status == Status::Ide));
    let cases: std::collections::HashSet<_> = store
        .list_business_cases(tenant.id)
        .await
        .expect("cases")
        .into_iter()
        .map(|c| c.potential_id)
        .collect();
    assert!(work.without_case.iter().all(|p| !cases.contains(&p.id)
        && p.status != Status::Ide
        && p.status != Status::Afvist
        && p.status != Status::Parkeret));

    let laeser = principal(&store, tenant.id, "l2@eksempel.dk", Role::Laeser, vec![]).await;
    let s = app
        .front()
        .steering(&laeser, today, now, SETTINGS)
        .await
        .expect("steering");
    assert_eq!(s.role, FrontRole::Reader);
    assert_eq!(s.programmes.len(), 1);
    assert!(s.changes.is_none() && s.leder.is_none() && s.agent.is_none());
}
