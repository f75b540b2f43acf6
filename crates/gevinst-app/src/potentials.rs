//! Use cases on potentials: submit, edit, change status, list, overview and history.
//!
//! Every function takes the authenticated [`Principal`] and checks the domain's access
//! rules against stored data before the store is asked to change anything.

use crate::auth::Principal;
use crate::Potentials;
use crate::{AppError, Result};
use gevinst_domain::access::Permission;
use gevinst_domain::lifecycle;
use gevinst_domain::potential::References;
use gevinst_domain::{
    audit, AuditAction, AuditDraft, AuditEntry, CatalogueItem, EntityKind, FagomraadeId,
    FieldErrors, Page, Potential, PotentialDraft, PotentialId, PotentialQuery, SortKey, Status,
    StatusChange, StatusChangeError, TechnologyId, UnitId, UnitTree, User, UserId,
};
use gevinst_store::prelude::*;
pub use gevinst_store::{Catalogue, PotentialCounts};
use serde::Deserialize;

/// A tenant's reference data: organisation, lists and users. Loaded once per request
/// that needs it; it answers the domain's [`References`] questions.
#[derive(Debug, Clone)]
pub struct TenantLists {
    /// The organisation.
    pub units: UnitTree,
    /// Fagområder.
    pub fagomraader: Vec<CatalogueItem>,
    /// Technology types.
    pub technologies: Vec<CatalogueItem>,
    /// Users (for owner and agent pickers and names in history).
    pub users: Vec<User>,
}

impl TenantLists {
    /// Loads a tenant's lists without a principal (the operator's export, an import).
    pub(crate) async fn load_for(store: &dyn Store, t: gevinst_domain::TenantId) -> Result<Self> {
        Ok(TenantLists {
            units: UnitTree::new(store.list_units(t).await?),
            fagomraader: store.list_catalogue(t, Catalogue::Fagomraader).await?,
            technologies: store.list_catalogue(t, Catalogue::Technologies).await?,
            users: store.list_users(t).await?,
        })
    }

    /// A fagområde's name.
    pub fn fagomraade_name(&self, id: Option<FagomraadeId>) -> Option<&str> {
        let id = id?;
        self.fagomraader
            .iter()
            .find(|f| f.id == id.0)
            .map(|f| f.name.as_str())
    }

    /// A technology type's name.
    pub fn technology_name(&self, id: Option<TechnologyId>) -> Option<&str> {
        let id = id?;
        self.technologies
            .iter()
            .find(|f| f.id == id.0)
            .map(|f| f.name.as_str())
    }

    /// A user's name.
    pub fn user_name(&self, id: Option<UserId>) -> Option<&str> {
        let id = id?;
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
    }
}

impl References for TenantLists {
    fn unit(&self, id: UnitId) -> bool {
        self.units.get(id).is_some_and(|u| u.active)
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        self.fagomraader.iter().any(|f| f.id == id.0)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        self.technologies.iter().any(|f| f.id == id.0)
    }
    fn user(&self, id: UserId) -> bool {
        self.users.iter().any(|u| u.id == id && u.active)
    }
}

/// Accepts references that the potential already had even if they have since been
/// deactivated, so editing an old potential's title does not fail on its old unit.
struct KeepExisting<'a> {
    lists: &'a TenantLists,
    current: &'a Potential,
}

impl References for KeepExisting<'_> {
    fn unit(&self, id: UnitId) -> bool {
        self.lists.unit(id) || (id == self.current.unit_id && self.lists.units.contains(id))
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        self.lists.fagomraade(id)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        self.lists.technology(id)
    }
    fn user(&self, id: UserId) -> bool {
        self.lists.user(id)
            || ((Some(id) == self.current.benefit_owner || Some(id) == self.current.digital_agent)
                && self.lists.users.iter().any(|u| u.id == id))
    }
}

impl Potentials<'_> {
    /// The reference lists of the principal's tenant: organisation, lists and users.
    pub async fn lists(&self, who: &Principal) -> Result<TenantLists> {
        TenantLists::load_for(self.app.store(), who.tenant.id).await
    }

    /// The units of the principal's tenant, as stored. Anyone in the tenant may read them.
    pub async fn units(&self, who: &Principal) -> Result<Vec<gevinst_domain::Unit>> {
        Ok(self.app.store().list_units(who.tenant.id).await?)
    }

    /// One list (fagområder or technology types) of the principal's tenant. Anyone in the
    /// tenant may read it.
    pub async fn catalogue(&self, who: &Principal, which: Catalogue) -> Result<Vec<CatalogueItem>> {
        Ok(self
            .app
            .store()
            .list_catalogue(who.tenant.id, which)
            .await?)
    }

    /// Submits a new potential. Anyone may submit an idea (status idé); creating it with a
    /// later status (registering existing work) needs edit rights in the unit.
    pub async fn create(
        &self,
        who: &Principal,
        draft: &PotentialDraft,
        status: Option<Status>,
    ) -> Result<Potential> {
        let store = self.app.store();
        let lists = TenantLists::load_for(store, who.tenant.id).await?;
        let valid = draft.validate(&lists)?;
        let status = status.unwrap_or(Status::Ide);
        if status != Status::Ide
            && !who
                .actor
                .may_create_with_status(valid.unit_id, &lists.units)
        {
            return Err(AppError::Forbidden);
        }
        lifecycle::check_created(status, false).map_err(FieldErrors::from)?;
        Ok(store
            .create_potential(
                who.tenant.id,
                who.actor_id(),
                &valid,
                status,
                who.actor_id(),
            )
            .await?)
    }

    /// One potential of the principal's tenant.
    pub async fn get(&self, who: &Principal, id: PotentialId) -> Result<Potential> {
        let store = self.app.store();
        Ok(store.potential(who.tenant.id, id).await?)
    }

    /// Edits a potential. `expected_version` is the version the user read; if the potential
    /// changed since, nothing is saved and [`AppError::Conflict`] is returned. Moving a
    /// potential to another unit needs edit rights in both units.
    pub async fn update(
        &self,
        who: &Principal,
        id: PotentialId,
        expected_version: i64,
        draft: &PotentialDraft,
    ) -> Result<Potential> {
        let store = self.app.store();
        let current = store.potential(who.tenant.id, id).await?;
        let lists = TenantLists::load_for(store, who.tenant.id).await?;
        if !may_edit(who, &current, &lists) {
            return Err(AppError::Forbidden);
        }
        let valid = draft.validate(&KeepExisting {
            lists: &lists,
            current: &current,
        })?;
        if valid.unit_id != current.unit_id
            && !who
                .actor
                .may(Permission::EditPotential(valid.unit_id), &lists.units)
        {
            return Err(FieldErrors::single(
                "unit_id",
                "forbidden",
                "Du kan ikke flytte potentialet til en enhed uden for dine enheder.",
            )
            .into());
        }
        if current.version != expected_version {
            return Err(AppError::Conflict);
        }
        let changes = audit::changes(&current, &current.with(&valid));
        if changes.is_empty() {
            return Ok(current);
        }
        let entry = AuditDraft {
            entity: EntityKind::Potential,
            entity_id: id.0,
            action: AuditAction::Update,
            user_id: who.actor_id(),
            actor: None,
            changes,
            reason: None,
        };
        Ok(store
            .update_potential(who.tenant.id, id, expected_version, &valid, &entry)
            .await?)
    }

    /// Moves a potential to another status, with a reason where one is needed.
    pub async fn change_status(
        &self,
        who: &Principal,
        id: PotentialId,
        expected_version: i64,
        to: Status,
        reason: Option<&str>,
    ) -> Result<Potential> {
        let store = self.app.store();
        let current = store.potential(who.tenant.id, id).await?;
        let lists = TenantLists::load_for(store, who.tenant.id).await?;
        if !who
            .actor
            .may(Permission::ChangeStatus(current.unit_id, to), &lists.units)
        {
            return Err(AppError::Forbidden);
        }
        if current.version != expected_version {
            return Err(AppError::Conflict);
        }
        let reason = current.status.transition(to, reason).map_err(|e| match e {
            StatusChangeError::NotAllowed { .. } => {
                FieldErrors::single("status", "not_allowed", e.to_string())
            }
            StatusChangeError::ReasonRequired => FieldErrors::single(
                "reason",
                "required",
                format!(
                    "Skriv en begrundelse, når status ændres til {}.",
                    to.label().to_lowercase()
                ),
            ),
            StatusChangeError::ReasonTooLong => {
                FieldErrors::single("reason", "too_long", e.to_string())
            }
        })?;
        let has_case = store.business_case(who.tenant.id, id).await?.is_some();
        let reason = lifecycle::check_decision(current.status, to, has_case, reason)
            .map_err(FieldErrors::from)?;
        Ok(store
            .change_status(
                who.tenant.id,
                who.actor_id(),
                id,
                expected_version,
                current.status,
                to,
                reason.as_deref(),
            )
            .await?)
    }

    /// A filtered page of the tenant's potentials.
    pub async fn list(&self, who: &Principal, query: &PotentialQuery) -> Result<Page<Potential>> {
        let store = self.app.store();
        Ok(store.list_potentials(who.tenant.id, query).await?)
    }

    /// Counts for the overview page.
    pub async fn overview(&self, who: &Principal) -> Result<PotentialCounts> {
        let store = self.app.store();
        Ok(store.potential_counts(who.tenant.id).await?)
    }

    /// A potential's audit trail and status changes, oldest first.
    pub async fn history(
        &self,
        who: &Principal,
        id: PotentialId,
    ) -> Result<(Vec<AuditEntry>, Vec<StatusChange>)> {
        let store = self.app.store();
        store.potential(who.tenant.id, id).await?;
        let audit = store
            .audit_for(who.tenant.id, EntityKind::Potential, id.0)
            .await?;
        let statuses = store.status_history(who.tenant.id, id).await?;
        Ok((audit, statuses))
    }
}

/// Whether the principal may edit this potential (for showing or hiding the edit form).
pub fn may_edit(who: &Principal, p: &Potential, lists: &TenantLists) -> bool {
    who.actor
        .may(Permission::EditPotential(p.unit_id), &lists.units)
}

/// The statuses the principal may move this potential to.
pub fn allowed_statuses(who: &Principal, p: &Potential, lists: &TenantLists) -> Vec<Status> {
    p.status
        .allowed_next()
        .iter()
        .copied()
        .filter(|to| {
            who.actor
                .may(Permission::ChangeStatus(p.unit_id, *to), &lists.units)
        })
        .collect()
}

/// List parameters as they arrive from a query string; every field is optional text so
/// that bad values become field errors, not rejections.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Comma-separated statuses, e.g. `ide,vurderet`; blanks around a name and empty parts
    /// are ignored.
    #[param(
        pattern = r"^\s*((ide|vurderet|business_case|besluttet|i_implementering|i_drift|gevinst_realiseret|afvist|parkeret)\s*)?(,\s*((ide|vurderet|business_case|besluttet|i_implementering|i_drift|gevinst_realiseret|afvist|parkeret)\s*)?)*$"
    )]
    pub status: Option<String>,
    /// A unit id; its sub-units are included.
    #[param(value_type = Option<i64>)]
    pub unit: Option<String>,
    /// A fagområde id.
    #[param(value_type = Option<i64>)]
    pub fagomraade: Option<String>,
    /// A technology type id.
    #[param(value_type = Option<i64>)]
    pub technology: Option<String>,
    /// Text to find in title, description and tags, or in the name of the potential's
    /// technology type, at most 200 characters. Written with or without æ, ø and å
    /// ("skaermbesoeg" finds "skærmbesøg").
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `title`, `status`, `created`, `updated` (default) or `unit`.
    #[param(value_type = Option<SortKey>)]
    pub sort: Option<String>,
    /// `asc` or `desc` (default `desc` for dates, `asc` otherwise).
    #[param(pattern = "^(asc|desc)$")]
    pub order: Option<String>,
    /// Page number from 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Rows per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_id<T: std::str::FromStr>(
    e: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
) -> Option<T> {
    let raw = opt(v)?;
    match raw.parse() {
        Ok(x) => Some(x),
        Err(_) => {
            e.add(field, "invalid", "Ugyldig værdi.");
            None
        }
    }
}

impl ListParams {
    /// Validates the parameters into a query. Unit filters include sub-units.
    pub fn to_query(&self, lists: &TenantLists) -> Result<PotentialQuery, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut q = PotentialQuery::default();
        if let Some(s) = opt(&self.status) {
            for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match Status::parse(part) {
                    Some(st) if !q.statuses.contains(&st) => q.statuses.push(st),
                    Some(_) => {}
                    None => {
                        e.add("status", "invalid", format!("Ukendt status: {part}"));
                        break;
                    }
                }
            }
        }
        if let Some(u) = parse_id::<UnitId>(&mut e, "unit", &self.unit) {
            if lists.units.contains(u) {
                q.unit_ids = Some(lists.units.subtree(u).into_iter().collect());
            } else {
                e.add("unit", "unknown", "Enheden findes ikke.");
            }
        }
        q.fagomraade_id = parse_id(&mut e, "fagomraade", &self.fagomraade);
        q.technology_id = parse_id(&mut e, "technology", &self.technology);
        if let Some(text) = opt(&self.q) {
            if text.chars().count() > 200 {
                e.add("q", "too_long", "Søgeteksten må højst være 200 tegn.");
            } else {
                let folded = gevinst_domain::text::search_fold(text);
                // A technology's name finds its potentials ("RPA" → "RPA/softwarerobot").
                q.text_technology_ids = lists
                    .technologies
                    .iter()
                    .filter(|t| gevinst_domain::text::search_fold(&t.name).contains(&folded))
                    .map(|t| TechnologyId(t.id))
                    .collect();
                q.text = Some(folded);
            }
        }
        if let Some(s) = opt(&self.sort) {
            match SortKey::parse(s) {
                Some(k) => q.sort = k,
                None => e.add("sort", "invalid", "Ukendt sortering."),
            }
        }
        q.descending = match opt(&self.order) {
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => {
                e.add("order", "invalid", "Rækkefølgen skal være asc eller desc.");
                false
            }
            None => matches!(q.sort, SortKey::Created | SortKey::Updated),
        };
        if let Some(p) = parse_id::<u32>(&mut e, "page", &self.page) {
            if p == 0 || p > 1_000_000 {
                e.add("page", "invalid", "Sidetallet skal være mindst 1.");
            } else {
                q.page = p;
            }
        }
        if let Some(n) = parse_id::<u32>(&mut e, "per_page", &self.per_page) {
            if n == 0 || n > PotentialQuery::MAX_PER_PAGE {
                e.add("per_page", "invalid", "Antal pr. side skal være 1-200.");
            } else {
                q.per_page = n;
            }
        }
        e.into_result(q)
    }
}
