//! The people and places of a test: tenants, units, users of every role, potentials.

use chrono::Utc;
use gevinst_app::auth::{self, hash_password, new_api_token, Principal};
use gevinst_domain::{
    Email, FagomraadeId, NewUserDraft, Potential, PotentialDraft, PotentialId, Role, Slug, Source,
    Status, TechnologyId, Tenant, TenantId, Unit, UnitId, User, UserId, ValidPotential, ValidUser,
};
use gevinst_store::postgres::PostgresStore;
use gevinst_store::prelude::*;
use gevinst_store::sqlite::SqliteStore;

/// A store handle the fixtures accept: `&dyn Store` and the concrete stores (the store's
/// own tests) and `&DynStore` (the app's and the web crate's) alike.
pub trait AsStore {
    /// The store.
    fn as_store(&self) -> &dyn Store;
}

impl AsStore for dyn Store {
    fn as_store(&self) -> &dyn Store {
        self
    }
}

impl AsStore for DynStore {
    fn as_store(&self) -> &dyn Store {
        self.as_ref()
    }
}

impl AsStore for SqliteStore {
    fn as_store(&self) -> &dyn Store {
        self
    }
}

impl AsStore for PostgresStore {
    fn as_store(&self) -> &dyn Store {
        self
    }
}

/// The password every user of [`seed_tenant`] and [`add_user`] has.
pub const PASSWORD: &str = "test-adgangskode-123";

/// One seeded tenant (see [`seed_tenant`]): its units, one user per role, and a token per
/// user.
pub struct SeededTenant {
    /// The tenant, "SLUG Kommune".
    pub tenant: Tenant,
    /// A top-level unit (forvaltning), "Social og Sundhed".
    pub forvaltning: Unit,
    /// "Hjemmeplejen", below `forvaltning`.
    pub enhed: Unit,
    /// A second, unrelated forvaltning, "Teknik og Miljø".
    pub other: Unit,
    /// Users by role, with bearer tokens.
    pub users: Vec<(Role, User, String)>,
    /// One potential in `enhed`, status idé (or as seeded).
    pub potential: Potential,
}

impl SeededTenant {
    /// The user with a role.
    pub fn user(&self, role: Role) -> &User {
        &self.seeded(role).1
    }

    /// The bearer token of the user with a role.
    pub fn token(&self, role: Role) -> &str {
        &self.seeded(role).2
    }

    fn seeded(&self, role: Role) -> &(Role, User, String) {
        self.users
            .iter()
            .find(|(r, _, _)| *r == role)
            .expect("role seeded")
    }
}

/// The e-mail of the seeded user with `role` in tenant `slug`: `ROLE@SLUG.dk`.
pub fn role_email(role: Role, slug: &str) -> String {
    format!("{}@{slug}.dk", role.as_str())
}

/// Creates tenant `slug` with units, one user per role ([`role_email`], [`PASSWORD`], a
/// bearer token; the unit-scoped roles in `forvaltning`) and one potential,
/// "Skærmbesøg i SLUG", in `enhed`, at status idé.
pub async fn seed_tenant<S: AsStore + ?Sized>(store: &S, slug: &str) -> SeededTenant {
    seed_tenant_at(store, slug, Status::Ide).await
}

/// [`seed_tenant`] with the potential at status *business case*, where a business case may
/// be created (see `gevinst_domain::lifecycle`).
pub async fn seed_tenant_for_case<S: AsStore + ?Sized>(store: &S, slug: &str) -> SeededTenant {
    seed_tenant_at(store, slug, Status::BusinessCase).await
}

/// [`seed_tenant`] with the potential at `status`.
pub async fn seed_tenant_at<S: AsStore + ?Sized>(
    store: &S,
    slug: &str,
    status: Status,
) -> SeededTenant {
    let store = store.as_store();
    let tenant = store
        .create_tenant(
            &Slug::parse(slug).expect("slug"),
            &format!("{slug} Kommune"),
        )
        .await
        .expect("tenant");
    let forvaltning = store
        .create_unit(tenant.id, None, None, "Social og Sundhed")
        .await
        .expect("unit");
    let enhed = store
        .create_unit(tenant.id, None, Some(forvaltning.id), "Hjemmeplejen")
        .await
        .expect("unit");
    let other = store
        .create_unit(tenant.id, None, None, "Teknik og Miljø")
        .await
        .expect("unit");
    let hash = hash_password(PASSWORD).expect("hash");
    let mut users = Vec::new();
    for role in Role::ALL {
        let name = format!("{} {slug}", role.label());
        let (user, token) = user_with_token(
            store,
            &tenant,
            forvaltning.id,
            role,
            (role.as_str(), &name),
            &hash,
        )
        .await;
        users.push((role, user, token));
    }
    let draft = PotentialDraft {
        title: format!("Skærmbesøg i {slug}"),
        description: "Aftenbesøg via video.".into(),
        unit_id: Some(enhed.id),
        ..Default::default()
    };
    let valid = draft.validate(&AllowAll).expect("valid potential");
    let potential = store
        .create_potential(tenant.id, None, &valid, status, None)
        .await
        .expect("potential");
    SeededTenant {
        tenant,
        forvaltning,
        enhed,
        other,
        users,
        potential,
    }
}

/// Adds a user with `role` (unit-scoped roles in `forvaltning`) and the e-mail
/// `{local}@{slug}.dk` to a seeded tenant, with [`PASSWORD`] and a bearer token (returned).
pub async fn add_user<S: AsStore + ?Sized>(
    store: &S,
    t: &SeededTenant,
    role: Role,
    local: &str,
) -> (User, String) {
    let store = store.as_store();
    let hash = hash_password(PASSWORD).expect("hash");
    let name = format!("{} {local}", role.label());
    user_with_token(
        store,
        &t.tenant,
        t.forvaltning.id,
        role,
        (local, &name),
        &hash,
    )
    .await
}

/// A user `{local}@{slug}.dk` called `name` with `role` (in `unit` when the role is
/// unit-scoped), the password hash `hash`, and a bearer token (returned).
async fn user_with_token(
    store: &dyn Store,
    tenant: &Tenant,
    unit: UnitId,
    role: Role,
    (local, name): (&str, &str),
    hash: &str,
) -> (User, String) {
    let units = if role.is_unit_scoped() {
        vec![unit]
    } else {
        vec![]
    };
    let draft = NewUserDraft {
        email: format!("{local}@{}.dk", tenant.slug),
        name: name.into(),
        role: role.as_str().into(),
        units,
    };
    let valid = draft.validate(|_| true).expect("valid user");
    let user = store
        .create_user(tenant.id, None, &valid, hash)
        .await
        .expect("user");
    let (token, token_hash) = new_api_token();
    store
        .create_api_token(tenant.id, Some(user.id), user.id, "test", &token_hash, None)
        .await
        .expect("token");
    (user, token)
}

/// References that accept every id, for validating drafts in test setup.
pub struct AllowAll;

impl gevinst_domain::References for AllowAll {
    fn unit(&self, _: UnitId) -> bool {
        true
    }
    fn fagomraade(&self, _: FagomraadeId) -> bool {
        true
    }
    fn technology(&self, _: TechnologyId) -> bool {
        true
    }
    fn user(&self, _: UserId) -> bool {
        true
    }
}

/// A tenant `slug` ("Kommune") with the unit "Social" and the porteføljeleder
/// `pl@SLUG.dk` ("Pia"): the common start of the store stories' two sides.
pub async fn tenant_with_manager<S: AsStore + ?Sized>(
    s: &S,
    slug: &str,
) -> (TenantId, UnitId, UserId) {
    let s = s.as_store();
    let tenant = s
        .create_tenant(&Slug::parse(slug).expect("slug"), "Kommune")
        .await
        .expect("tenant")
        .id;
    let unit = s
        .create_unit(tenant, None, None, "Social")
        .await
        .expect("unit")
        .id;
    let user = s
        .create_user(
            tenant,
            None,
            &ValidUser {
                email: Email::parse(&format!("pl@{slug}.dk")).expect("email"),
                name: "Pia".into(),
                role: Role::Portefoljeleder,
                units: vec![],
            },
            "hash",
        )
        .await
        .expect("user")
        .id;
    (tenant, unit, user)
}

/// The tenant `eksempel` ("Eksempel Kommune") with the units Social and Ældre (below
/// Social): (tenant, social, ældre).
pub async fn eksempel<S: AsStore + ?Sized>(store: &S) -> (TenantId, UnitId, UnitId) {
    let store = store.as_store();
    let t = store
        .create_tenant(&Slug::parse("eksempel").expect("slug"), "Eksempel Kommune")
        .await
        .expect("tenant")
        .id;
    let social = store
        .create_unit(t, None, None, "Social")
        .await
        .expect("unit")
        .id;
    let aeldre = store
        .create_unit(t, None, Some(social), "Ældre")
        .await
        .expect("unit")
        .id;
    (t, social, aeldre)
}

/// A valid potential in `unit`: an employee's proposal without description, tags or
/// references.
pub fn valid_potential(title: &str, unit: UnitId) -> ValidPotential {
    ValidPotential {
        title: title.into(),
        description: String::new(),
        unit_id: unit,
        fagomraade_id: None,
        technology_id: None,
        source: Source::EmployeeProposal,
        benefit_owner: None,
        digital_agent: None,
        contact_name: None,
        tags: vec![],
    }
}

/// Creates a [`valid_potential`] with a status, by nobody in particular.
pub async fn potential<S: AsStore + ?Sized>(
    store: &S,
    tenant: TenantId,
    unit: UnitId,
    title: &str,
    status: Status,
) -> PotentialId {
    let store = store.as_store();
    store
        .create_potential(tenant, None, &valid_potential(title, unit), status, None)
        .await
        .expect("potential")
        .id
}

/// A potential "Fremmed" with `status` in the unit "Alt" of another tenant, `andet`
/// ("Anden Kommune"): what no one of [`eksempel`] may see.
pub async fn foreign_potential<S: AsStore + ?Sized>(store: &S, status: Status) -> PotentialId {
    let store = store.as_store();
    let other = store
        .create_tenant(&Slug::parse("andet").expect("slug"), "Anden Kommune")
        .await
        .expect("tenant")
        .id;
    let unit = store
        .create_unit(other, None, None, "Alt")
        .await
        .expect("unit")
        .id;
    potential(store, other, unit, "Fremmed", status).await
}

/// Creates a user (named by the local part of `email`) and resolves them the way the API
/// does: through a fresh bearer token.
pub async fn principal(
    store: &DynStore,
    tenant: TenantId,
    email: &str,
    role: Role,
    units: Vec<UnitId>,
) -> Principal {
    let user = ValidUser {
        email: Email::parse(email).expect("email"),
        name: email.split('@').next().unwrap_or(email).into(),
        role,
        units,
    };
    let u = store
        .create_user(tenant, None, &user, "not-a-real-hash")
        .await
        .expect("user");
    let (token, hash) = auth::new_api_token();
    store
        .create_api_token(tenant, Some(u.id), u.id, "test", &hash, None)
        .await
        .expect("token");
    gevinst_app::App::new(store.clone())
        .auth()
        .from_api_token(&token, Utc::now(), None)
        .await
        .expect("principal")
}
