//! Setup shared by the app's integration tests: a store, users with real tokens, and
//! potentials.

#![allow(dead_code)]

use chrono::Utc;
use gevinst_app::auth::{self, Principal};
use gevinst_domain::{
    Email, PotentialId, Role, Source, Status, TenantId, UnitId, ValidPotential, ValidUser,
};
use gevinst_store::prelude::*;

/// A fresh, migrated SQLite store in a temp folder (kept while the folder lives).
pub async fn sqlite_store() -> (DynStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = gevinst_store::connect(&format!("sqlite://{}/g.db", dir.path().display()), true)
        .await
        .unwrap();
    (store, dir)
}

/// A valid potential, an employee's proposal without tags or references.
pub fn valid_potential(title: &str, description: &str, unit: UnitId) -> ValidPotential {
    ValidPotential {
        title: title.into(),
        description: description.into(),
        unit_id: unit,
        fagomraade_id: None,
        technology_id: None,
        source: Source::EmployeeProposal,
        benefit_owner: None,
        digital_agent: None,
        tags: vec![],
    }
}

/// Creates a user and resolves them the way the API does: through a fresh bearer token.
pub async fn principal(
    store: &DynStore,
    tenant: TenantId,
    email: &str,
    role: Role,
    units: Vec<UnitId>,
) -> Principal {
    let user = ValidUser {
        email: Email::parse(email).unwrap(),
        name: email.split('@').next().unwrap().into(),
        role,
        units,
    };
    let u = store
        .create_user(tenant, None, &user, "not-a-real-hash")
        .await
        .unwrap();
    let (token, hash) = auth::new_api_token();
    store
        .create_api_token(tenant, Some(u.id), u.id, "test", &hash, None)
        .await
        .unwrap();
    gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(&token, Utc::now(), None)
        .await
        .unwrap()
}

/// Creates a potential with a status.
pub async fn potential(
    store: &DynStore,
    tenant: TenantId,
    unit: UnitId,
    title: &str,
    status: Status,
) -> PotentialId {
    let v = valid_potential(title, "", unit);
    store
        .create_potential(tenant, None, &v, status, None)
        .await
        .unwrap()
        .id
}

/// A decimal literal.
pub fn dec(s: &str) -> gevinst_domain::business_case::Decimal {
    s.parse().expect("decimal")
}

/// The tenant `eksempel` with the units Social and Ældre (below Social): (tenant,
/// social, ældre).
pub async fn eksempel(store: &DynStore) -> (TenantId, UnitId, UnitId) {
    let t = store
        .create_tenant(
            &gevinst_domain::Slug::parse("eksempel").unwrap(),
            "Eksempel Kommune",
        )
        .await
        .unwrap()
        .id;
    let social = store.create_unit(t, None, None, "Social").await.unwrap().id;
    let aeldre = store
        .create_unit(t, None, Some(social), "Ældre")
        .await
        .unwrap()
        .id;
    (t, social, aeldre)
}
