//! Setup shared by the app's integration tests: users with real tokens, and potentials.

use chrono::Utc;
use gevinst_app::auth::{self, Principal};
use gevinst_domain::{
    Email, PotentialId, Role, Source, Status, TenantId, UnitId, ValidPotential, ValidUser,
};
use gevinst_store::DynStore;

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
        .create_api_token(tenant, u.id, "test", &hash)
        .await
        .unwrap();
    auth::from_api_token(store.as_ref(), &token, Utc::now())
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
    let v = ValidPotential {
        title: title.into(),
        description: String::new(),
        unit_id: unit,
        fagomraade_id: None,
        technology_id: None,
        source: Source::EmployeeProposal,
        benefit_owner: None,
        digital_agent: None,
        tags: vec![],
    };
    store
        .create_potential(tenant, None, &v, status, None)
        .await
        .unwrap()
        .id
}
