//! The programme JSON API through the real server.

use crate::helpers::{seed_programme, seed_tenant, spawn_app};
use gevinst_domain::Role;

#[tokio::test]
async fn fixture_programme_is_readable_by_the_store() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let f = seed_programme(&app.store, &t).await;
    let stored = app.store.programme(t.tenant.id, f.programme).await.unwrap();
    assert_eq!(stored.programme.potentials, vec![f.potential]);
    let plan = app
        .store
        .benefit_plan(t.tenant.id, f.potential)
        .await
        .unwrap()
        .expect("plan saved");
    assert!(plan
        .plan
        .benefits
        .iter()
        .all(|b| b.owner == Some(t.user(Role::Leder).id)));
}
