//! Writing the demo into an empty database.

use gevinst_app::{AppError, Result};
use gevinst_domain::{
    audit, potential::References, AuditAction, AuditDraft, EntityKind, FagomraadeId, NewUserDraft,
    PotentialDraft, Slug, Status, TechnologyId, UnitId, UserId, ValidPotential,
    DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES,
};
use gevinst_store::{Catalogue, Store};
use std::collections::BTreeSet;

use crate::cases::business_case_draft;
use crate::potentials::generate;
use crate::programme::demo_programme;
use crate::{
    DemoReport, DEMO_PASSWORD, DEMO_POTENTIALS, DEMO_SEED, DEMO_TENANT_NAME, DEMO_TENANT_SLUG,
};

// ---------------------------------------------------------------------------------------
// Loading

/// The ids the store gave the demo's records, for validating the drafts.
pub(crate) struct DemoRefs {
    pub(crate) units: BTreeSet<UnitId>,
    pub(crate) fagomraader: BTreeSet<FagomraadeId>,
    pub(crate) technologies: BTreeSet<TechnologyId>,
    pub(crate) users: BTreeSet<UserId>,
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
pub(crate) async fn catalogue_ids(
    store: &dyn Store,
    tenant: gevinst_domain::TenantId,
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
    let tenant = store.create_tenant(&slug, DEMO_TENANT_NAME).await?;

    let mut unit_ids: Vec<UnitId> = Vec::with_capacity(data.units.len());
    for u in &data.units {
        let parent = u.parent.map(|p| unit_ids[p]);
        let created = store.create_unit(tenant.id, None, parent, u.name).await?;
        unit_ids.push(created.id);
    }
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
        let created = store.create_user(tenant.id, None, &valid, &hash).await?;
        user_ids.push(created.id);
        logins.push((u.email.to_owned(), u.role.label().to_owned()));
    }

    let fag = catalogue_ids(
        store,
        tenant.id,
        Catalogue::Fagomraader,
        &DEFAULT_FAGOMRAADER,
    )
    .await?;
    let tech = catalogue_ids(
        store,
        tenant.id,
        Catalogue::Technologies,
        &DEFAULT_TECHNOLOGIES,
    )
    .await?;
    let refs = DemoRefs {
        units: known_units,
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
            tags: p.tags.clone(),
        };
        let valid = draft.validate(&refs).map_err(|e| {
            AppError::Internal(format!("demo potential {:?} is invalid: {e}", p.title))
        })?;
        rows.push((valid, p.status, p.submitted_by.map(|i| user_ids[i])));
    }
    let created = store.create_potentials(tenant.id, None, &rows).await?;

    // Business cases, validated against the tenant's economics like a client's draft.
    let (economics, _) = store.economics(tenant.id).await?;
    let mut business_cases = 0;
    for (p, id) in data.potentials.iter().zip(&created) {
        let Some(case) = &p.business_case else {
            continue;
        };
        let valid = business_case_draft(case)
            .validate(&economics)
            .map_err(|e| {
                AppError::Internal(format!("demo business case {:?} is invalid: {e}", p.title))
            })?;
        let entry = AuditDraft {
            entity: EntityKind::BusinessCase,
            entity_id: id.0,
            action: AuditAction::Create,
            user_id: None,
            actor: None,
            changes: audit::created(&valid),
            reason: None,
        };
        store
            .put_business_case(tenant.id, None, *id, None, &valid, &entry)
            .await?;
        business_cases += 1;
    }

    // The programme with its benefit plans and actuals.
    let demo = demo_programme(&data, &unit_ids, &user_ids, &created, &economics)?;
    let mut actuals = 0;
    for p in &demo.plans {
        let entry = AuditDraft {
            entity: EntityKind::BenefitPlan,
            entity_id: p.potential.0,
            action: AuditAction::Create,
            user_id: None,
            actor: None,
            changes: audit::created(&p.plan),
            reason: None,
        };
        store
            .put_benefit_plan(tenant.id, None, p.potential, None, &p.plan, &entry)
            .await?;
        for a in &p.actuals {
            store.add_actual(tenant.id, None, p.potential, a).await?;
            actuals += 1;
        }
    }
    store
        .create_programme(tenant.id, None, &demo.programme)
        .await?;

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
