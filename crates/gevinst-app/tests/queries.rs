//! Counted queries: the leder's front page and the reminders read the actuals of every
//! plan in one query, not one per plan (N+1).
//!
//! The count is of sqlx's statement events (tracing target `sqlx::query`), caught by a
//! process-wide subscriber; this binary holds this one test so that nothing else runs
//! queries meanwhile.

use chrono::Utc;
use gevinst_app::App;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::Role;
use gevinst_testkit::{principal, sqlite_store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// Counts sqlx's statement events.
struct CountQueries(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The statements `f` runs.
async fn counted<T>(count: &AtomicUsize, f: impl std::future::Future<Output = T>) -> (T, usize) {
    let before = count.load(Ordering::SeqCst);
    let out = f.await;
    (out, count.load(Ordering::SeqCst) - before)
}

#[tokio::test]
async fn the_front_page_and_reminders_read_actuals_once_not_per_plan() {
    let count = Arc::new(AtomicUsize::new(0));
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(CountQueries(count.clone())),
    )
    .expect("the only subscriber of this test binary");

    let (store, _dir) = sqlite_store().await;
    gevinst_demo::load_demo(store.as_ref())
        .await
        .expect("demo")
        .expect("empty database");
    let tenant = store
        .tenant_by_slug(gevinst_demo::DEMO_TENANT_SLUG)
        .await
        .expect("tenant");
    let app = App::new(store.clone());
    let plans = store.list_benefit_plans(tenant.id).await.expect("plans");
    assert!(plans.len() >= 20, "the demo has {} plans", plans.len());
    let now = Utc::now();
    let today = now.date_naive();

    // A porteføljeleder's reminders follow every plan of the tenant.
    let pl = principal(
        &store,
        tenant.id,
        "pl-queries@eksempel.dk",
        Role::Portefoljeleder,
        vec![],
    )
    .await;
    let (reminders, queries) = counted(&count, app.programmes().reminders(&pl, today)).await;
    reminders.expect("reminders");
    eprintln!(
        "reminders of a porteføljeleder over {} plans: {queries} statements",
        plans.len()
    );
    assert!(
        queries <= 8,
        "{queries} statements for {} plans: one query per plan is back",
        plans.len()
    );

    // The demo leder's front page, which lists their plans and tasks.
    let users = store.list_users(tenant.id).await.expect("users");
    let leder_user = users
        .iter()
        .find(|u| u.email.as_str() == "leder@eksempel.dk")
        .expect("the demo leder")
        .clone();
    let (token, hash) = gevinst_app::auth::new_api_token();
    store
        .create_api_token(
            tenant.id,
            Some(leder_user.id),
            leder_user.id,
            "test",
            &hash,
            None,
        )
        .await
        .expect("token");
    let leder = app
        .auth()
        .from_api_token(&token, now, None)
        .await
        .expect("principal");
    let settings = SimulationSettings {
        iterations: 2_000,
        seed: 7,
    };
    let (steering, queries) =
        counted(&count, app.front().steering(&leder, today, now, settings)).await;
    let work = steering.expect("front page").leder.expect("leder's work");
    assert!(!work.plans.is_empty(), "the demo leder owns benefits");
    // A leder of the same units who owns no benefit: the same page without plans.
    let idle = principal(
        &store,
        tenant.id,
        "leder-uden-planer@eksempel.dk",
        Role::Leder,
        leder_user.units.clone(),
    )
    .await;
    let (steering, idle_queries) =
        counted(&count, app.front().steering(&idle, today, now, settings)).await;
    let none = steering.expect("front page").leder.expect("leder's work");
    assert!(none.plans.is_empty());
    eprintln!(
        "the leder's front page with {} plans and {} tasks: {queries} statements; \
         without plans: {idle_queries}",
        work.plans.len(),
        work.tasks.len()
    );
    // The plans add a constant few: the tenant, the potentials' pages (two of 200 on the
    // demo, each with its count) and the tenant's actuals; one query per plan would add
    // at least 12 here.
    assert!(
        queries <= idle_queries + 8,
        "{queries} statements for the leder's front page with {} plans, {idle_queries} \
         without: the plans are read one by one",
        work.plans.len()
    );
}
