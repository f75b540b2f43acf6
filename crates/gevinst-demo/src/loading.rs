//! Writing the demo into an empty database.

use gevinst_app::{AppError, Result};
use gevinst_domain::business_case::Economics;
use gevinst_domain::{
    audit, potential::References, AuditAction, AuditDraft, EntityKind, FagomraadeId, FieldChange,
    NewUserDraft, PotentialDraft, PotentialId, Slug, Status, TechnologyId, TenantId, UnitId,
    UserId, ValidPotential, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES,
};
use gevinst_store::{Catalogue, Store};
use std::collections::BTreeSet;

use crate::cases::business_case_draft;
use crate::potentials::generate;
use crate::programme::demo_programme;
use crate::{
    DemoData, DemoProgramme, DemoReport, DEMO_PASSWORD, DEMO_POTENTIALS, DEMO_SEED,
    DEMO_TENANT_NAME, DEMO_TENANT_SLUG,
};

/// The ids the store gave the demo's records, for validating the drafts.
struct DemoRefs {
    units: BTreeSet<UnitId>,
    fagomraader: BTreeSet<FagomraadeId>,
    technologies: BTreeSet<TechnologyId>,
    users: BTreeSet<UserId>,
}

impl References for DemoRefs {
    fn unit(&self, id: UnitId) -> bool {
        self.units.contains(&id)
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        self.fagomraader.contains(&id)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        self.technologies.contains(&id)
    }
    fn user(&self, id: UserId) -> bool {
        self.users.contains(&id)
    }
}

/// Ids of a per-tenant list in the order of `names`, matched by name (`None` if missing).
async fn catalogue_ids(
    store: &dyn Store,
    tenant: TenantId,
    which: Catalogue,
    names: &[&str],
) -> Result<Vec<Option<i64>>> {
    let items = store.list_catalogue(tenant, which).await?;
    Ok(names
        .iter()
        .map(|n| items.iter().find(|i| i.name == *n).map(|i| i.id))
        .collect())
}

/// Fills an empty database with the demo tenant. Returns `None`, changing nothing, when
/// the database already holds any tenant.
pub async fn load_demo(store: &dyn Store) -> Result<Option<DemoReport>> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    let data = generate(DEMO_SEED, DEMO_POTENTIALS);
    let slug = Slug::parse(DEMO_TENANT_SLUG)?;
    let tenant = store.create_tenant(&slug, DEMO_TENANT_NAME).await?.id;
    let unit_ids = store_units(store, tenant, &data).await?;
    let (user_ids, logins) = store_users(store, tenant, &data, &unit_ids).await?;
    let created = store_potentials(store, tenant, &data, &unit_ids, &user_ids).await?;
    let (economics, _) = store.economics(tenant).await?;
    let business_cases = store_business_cases(store, tenant, &data, &created, &economics).await?;
    let demo = demo_programme(&data, &unit_ids, &user_ids, &created, &economics)?;
    let actuals = store_programme(store, tenant, &demo).await?;
    Ok(Some(DemoReport {
        tenant_slug: DEMO_TENANT_SLUG.to_owned(),
        logins,
        password: DEMO_PASSWORD.to_owned(),
        potentials: created.len(),
        business_cases,
        benefit_plans: demo.plans.len(),
        actuals,
    }))
}

/// Creates the units, parents first; their ids in the order of `data.units`.
async fn store_units(store: &dyn Store, tenant: TenantId, data: &DemoData) -> Result<Vec<UnitId>> {
    let mut unit_ids: Vec<UnitId> = Vec::with_capacity(data.units.len());
    for u in &data.units {
        let parent = u.parent.map(|p| unit_ids[p]);
        let created = store.create_unit(tenant, None, parent, u.name).await?;
        unit_ids.push(created.id);
    }
    Ok(unit_ids)
}

/// Creates the users with the demo password; their ids in the order of `data.users`, and
/// `(e-mail, role)` for the report.
async fn store_users(
    store: &dyn Store,
    tenant: TenantId,
    data: &DemoData,
    unit_ids: &[UnitId],
) -> Result<(Vec<UserId>, Vec<(String, String)>)> {
    let known_units: BTreeSet<UnitId> = unit_ids.iter().copied().collect();
    let mut user_ids: Vec<UserId> = Vec::with_capacity(data.users.len());
    let mut logins = Vec::with_capacity(data.users.len());
    for u in &data.users {
        let draft = NewUserDraft {
            email: u.email.to_owned(),
            name: u.name.to_owned(),
            role: u.role.as_str().to_owned(),
            units: u.units.iter().map(|i| unit_ids[*i]).collect(),
        };
        let valid = draft.validate(|id| known_units.contains(&id))?;
        let hash = gevinst_app::auth::hash_password(DEMO_PASSWORD)?;
        let created = store.create_user(tenant, None, &valid, &hash).await?;
        user_ids.push(created.id);
        logins.push((u.email.to_owned(), u.role.label().to_owned()));
    }
    Ok((user_ids, logins))
}

/// Creates the potentials, validated like a client's drafts; their ids in the order of
/// `data.potentials`.
async fn store_potentials(
    store: &dyn Store,
    tenant: TenantId,
    data: &DemoData,
    unit_ids: &[UnitId],
    user_ids: &[UserId],
) -> Result<Vec<PotentialId>> {
    let fag = catalogue_ids(store, tenant, Catalogue::Fagomraader, &DEFAULT_FAGOMRAADER).await?;
    let tech = catalogue_ids(
        store,
        tenant,
        Catalogue::Technologies,
        &DEFAULT_TECHNOLOGIES,
    )
    .await?;
    let refs = DemoRefs {
        units: unit_ids.iter().copied().collect(),
        fagomraader: fag.iter().flatten().map(|id| FagomraadeId(*id)).collect(),
        technologies: tech.iter().flatten().map(|id| TechnologyId(*id)).collect(),
        users: user_ids.iter().copied().collect(),
    };
    let mut rows: Vec<(ValidPotential, Status, Option<UserId>)> =
        Vec::with_capacity(data.potentials.len());
    for p in &data.potentials {
        let draft = PotentialDraft {
            title: p.title.clone(),
            description: p.description.clone(),
            unit_id: Some(unit_ids[p.unit]),
            fagomraade_id: fag.get(p.fagomraade).copied().flatten().map(FagomraadeId),
            technology_id: tech.get(p.technology).copied().flatten().map(TechnologyId),
            source: Some(p.source.as_str().to_owned()),
            benefit_owner: p.benefit_owner.map(|i| user_ids[i]),
            digital_agent: p.digital_agent.map(|i| user_ids[i]),
            contact_name: None,
            tags: p.tags.clone(),
        };
        let valid = draft.validate(&refs).map_err(|e| {
            AppError::Internal(format!("demo potential {:?} is invalid: {e}", p.title))
        })?;
        rows.push((valid, p.status, p.submitted_by.map(|i| user_ids[i])));
    }
    Ok(store.create_potentials(tenant, None, &rows).await?)
}

/// Stores the business cases, validated against the tenant's economics like a client's
/// draft; how many.
async fn store_business_cases(
    store: &dyn Store,
    tenant: TenantId,
    data: &DemoData,
    potential_ids: &[PotentialId],
    economics: &Economics,
) -> Result<usize> {
    let mut business_cases = 0;
    for (p, id) in data.potentials.iter().zip(potential_ids) {
        let Some(case) = &p.business_case else {
            continue;
        };
        let valid = business_case_draft(case).validate(economics).map_err(|e| {
            AppError::Internal(format!("demo business case {:?} is invalid: {e}", p.title))
        })?;
        let entry = created_entry(EntityKind::BusinessCase, id.0, audit::created(&valid));
        store
            .put_business_case(tenant, None, *id, None, &valid, &entry)
            .await?;
        business_cases += 1;
    }
    Ok(business_cases)
}

/// Stores the benefit plans with their actuals, then the programme; how many actuals.
async fn store_programme(
    store: &dyn Store,
    tenant: TenantId,
    demo: &DemoProgramme,
) -> Result<usize> {
    let mut actuals = 0;
    for p in &demo.plans {
        let entry = created_entry(
            EntityKind::BenefitPlan,
            p.potential.0,
            audit::created(&p.plan),
        );
        store
            .put_benefit_plan(tenant, None, p.potential, None, &p.plan, &entry)
            .await?;
        for a in &p.actuals {
            store.add_actual(tenant, None, p.potential, a).await?;
            actuals += 1;
        }
    }
    store
        .create_programme(tenant, None, &demo.programme)
        .await?;
    Ok(actuals)
}

/// The audit entry of a record the demo creates, written by the system.
fn created_entry(entity: EntityKind, entity_id: i64, changes: Vec<FieldChange>) -> AuditDraft {
    AuditDraft {
        entity,
        entity_id,
        action: AuditAction::Create,
        user_id: None,
        actor: None,
        changes,
        reason: None,
    }
}
