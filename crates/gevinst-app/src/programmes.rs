//! Use cases on programmes, benefits realisation plans and actuals.
//!
//! - Anyone in the tenant may read programmes ([`get`](Programmes::get), [`list`](Programmes::list)), plans ([`plan`](Programmes::plan)),
//!   actuals ([`actuals`](Programmes::actuals)) and the programme overview ([`overview`](Programmes::overview)).
//! - Creating and changing a programme ([`create`](Programmes::create), [`update`](Programmes::update)) needs the role
//!   porteføljeleder or admin.
//! - Saving a potential's plan ([`put_plan`](Programmes::put_plan)) needs the right to edit the potential
//!   ([`Permission::EditPotential`] of its unit), and the potential must be besluttet or
//!   later. [`derive`](Programmes::derive) proposes a plan from the business case without saving anything.
//! - Setting or changing a benefit's owner (gevinstejer) in [`put_plan`](Programmes::put_plan) needs
//!   [`Permission::AssignBenefitOwner`] of the potential's unit (a leder of the unit, the
//!   porteføljeleder or an admin): a digital agent may edit the plan's KPIs and methods,
//!   but an owner change by them is a field error on `benefits[i].owner`
//!   (`owner_change_forbidden`).
//! - Recording an actual ([`record_actual`](Programmes::record_actual)) is for the benefit's owner (the plan's
//!   owner of that benefit line), a porteføljeleder or an admin; everyone else is
//!   [`AppError::Forbidden`], whatever their rights on the potential. Large or
//!   surprising actuals wait for a second person's approval ([`decide_actual`](Programmes::decide_actual)); see
//!   [`crate::actuals`].
//! - The forecast ([`forecast`](Programmes::forecast)) is open to everyone in the tenant; the probabilities per
//!   status it uses ([`status_probabilities`](Programmes::status_probabilities)) are changed by a porteføljeleder or an
//!   admin ([`set_status_probabilities`](Programmes::set_status_probabilities)).
//! - Reminders of measurements that are due and not yet recorded ([`reminders`](Programmes::reminders), the
//!   årshjul) show a porteføljeleder or an admin every plan, anyone else the benefits
//!   they own.
//! - Writes carry the version the user read; a stale version is [`AppError::Conflict`]
//!   and saves nothing. Every change is audited by the store in the same transaction.

use crate::auth::Principal;
use crate::common::{blocking, check_iterations, document_entry, units, valuing_economics};
use crate::compute::MAX_INTERACTIVE_ITERATIONS;
use crate::Programmes;
use crate::{AppError, Result};
use chrono::NaiveDate;
use gevinst_domain::access::Permission;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::programme::{
    counts_as_decided, derive_plan, forecast as run_forecast, overview as build_overview,
    BenefitPlan, Forecast, MeasurementFrequency, Period, Programme, ProgrammeDraft,
    ProgrammeOverview, ProgrammePotential, StatusProbabilities,
};
use gevinst_domain::{EntityKind, FieldErrors, PotentialId};
use gevinst_domain::{ProgrammeId, UserId};
use gevinst_store::prelude::*;
use gevinst_store::StoreError;
use std::collections::HashMap;
use std::sync::Arc;

mod forecast_cache;
mod roadmap;

pub use forecast_cache::ForecastCache;
use forecast_cache::ForecastKey;

pub use crate::actuals::{counted, PendingActual, RecordIntent, Recorded, StoredActual};
pub use gevinst_store::{StoredBenefitPlan, StoredProgramme};

/// A measurement that is due on or before a day and not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reminder {
    /// The potential whose plan it belongs to.
    pub potential_id: PotentialId,
    /// The potential's title.
    pub title: String,
    /// The benefit line.
    pub line: usize,
    /// The benefit's label.
    pub label: String,
    /// The benefit's owner.
    pub owner: Option<UserId>,
    /// The period to measure.
    pub period: Period,
    /// When the measurement was due.
    pub due: NaiveDate,
}

fn may_manage_programmes(who: &Principal) -> bool {
    who.actor.may_tenant_wide(Permission::ManagePortfolio)
}

/// Adds the field error `unknown` with `message` if a referenced record was not found;
/// any other store error is returned.
fn note_unknown<T>(
    found: std::result::Result<T, StoreError>,
    errors: &mut FieldErrors,
    field: &str,
    message: &str,
) -> Result<()> {
    match found {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == gevinst_store::ErrorKind::NotFound => {
            errors.add(field, "unknown", message);
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Field errors for included potentials that are not in the tenant.
async fn check_potentials(store: &dyn Store, who: &Principal, ids: &[PotentialId]) -> Result<()> {
    let mut errors = FieldErrors::new();
    for (i, id) in ids.iter().enumerate() {
        note_unknown(
            store.potential(who.tenant.id, *id).await,
            &mut errors,
            &format!("potentials[{i}]"),
            "Potentialet findes ikke.",
        )?;
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

impl Programmes<'_> {
    /// Creates a programme (porteføljeleder or admin). The draft is validated by
    /// [`ProgrammeDraft::validate`]; included potentials must be in the tenant.
    pub async fn create(&self, who: &Principal, draft: &ProgrammeDraft) -> Result<StoredProgramme> {
        let store = self.app.store();
        if !may_manage_programmes(who) {
            return Err(AppError::Forbidden);
        }
        let programme = draft.validate()?;
        check_potentials(store, who, &programme.potentials).await?;
        Ok(store
            .create_programme(who.tenant.id, who.actor_id(), &programme)
            .await?)
    }

    /// Replaces a programme (porteføljeleder or admin) if `expected_version` is current.
    /// A draft equal to the stored programme saves nothing and keeps the version.
    pub async fn update(
        &self,
        who: &Principal,
        id: ProgrammeId,
        expected_version: i64,
        draft: &ProgrammeDraft,
    ) -> Result<StoredProgramme> {
        let store = self.app.store();
        let current = store.programme(who.tenant.id, id).await?;
        if !may_manage_programmes(who) {
            return Err(AppError::Forbidden);
        }
        let programme = draft.validate()?;
        check_potentials(store, who, &programme.potentials).await?;
        if current.version != expected_version {
            return Err(AppError::Conflict);
        }
        if current.programme == programme {
            return Ok(current);
        }
        Ok(store
            .update_programme(
                who.tenant.id,
                who.actor_id(),
                id,
                expected_version,
                &programme,
            )
            .await?)
    }

    /// A programme. Anyone in the tenant may read it; another tenant's is
    /// [`AppError::NotFound`].
    pub async fn get(&self, who: &Principal, id: ProgrammeId) -> Result<StoredProgramme> {
        let store = self.app.store();
        Ok(store.programme(who.tenant.id, id).await?)
    }

    /// The tenant's programmes. Anyone in the tenant may read them.
    pub async fn list(&self, who: &Principal) -> Result<Vec<StoredProgramme>> {
        let store = self.app.store();
        Ok(store.list_programmes(who.tenant.id).await?)
    }

    /// A potential's benefits realisation plan, or `None` if it has none yet.
    pub async fn plan(
        &self,
        who: &Principal,
        potential: PotentialId,
    ) -> Result<Option<StoredBenefitPlan>> {
        let store = self.app.store();
        Ok(store.benefit_plan(who.tenant.id, potential).await?)
    }

    /// Proposes a plan derived from the potential's business case ([`derive_plan`]); saves
    /// nothing. A potential without a business case is [`AppError::NotFound`].
    pub async fn derive(
        &self,
        who: &Principal,
        potential: PotentialId,
        frequency: MeasurementFrequency,
    ) -> Result<BenefitPlan> {
        let store = self.app.store();
        let t = who.tenant.id;
        let case = store
            .business_case(t, potential)
            .await?
            .ok_or(AppError::NotFound)?;
        let economics = valuing_economics(store, t).await?;
        let mut plan = derive_plan(potential, &case.case, &economics, frequency);
        plan.based_on_case_version = Some(case.version);
        Ok(plan)
    }

    /// If the potential's business case was edited after its saved plan was derived: the
    /// plan re-derived from the case as it is now, keeping owners, KPIs, methods and baselines
    /// ([`BenefitPlan::follow_case`]), marked as based on the current case version. Saves
    /// nothing. `None` if there is no plan or no case, if the plan was derived from the
    /// current case version (later edits of its targets are the user's to keep), or if the
    /// re-derived plan would be the same.
    pub async fn follow_case(
        &self,
        who: &Principal,
        potential: PotentialId,
    ) -> Result<Option<BenefitPlan>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let Some(stored) = store.benefit_plan(t, potential).await? else {
            return Ok(None);
        };
        let Some(case) = store.business_case(t, potential).await? else {
            return Ok(None);
        };
        if stored.plan.based_on_case_version == Some(case.version) {
            return Ok(None);
        }
        let economics = valuing_economics(store, t).await?;
        let mut next = stored.plan.follow_case(&case.case, &economics);
        if next == stored.plan {
            // An edit that touched no benefit line, years or amounts.
            return Ok(None);
        }
        next.based_on_case_version = Some(case.version);
        Ok(Some(next))
    }

    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// benefits realisation plan.
    ///
    /// Checks, in order: the potential is in the tenant ([`AppError::NotFound`]); the
    /// principal may edit it ([`AppError::Forbidden`]); the potential is besluttet or later,
    /// the plan's years are in order, every benefit has an owner who is a user of the tenant,
    /// a KPI and a measurement method ([`AppError::Invalid`]); the version is current
    /// ([`AppError::Conflict`]). An owner set or changed without
    /// [`Permission::AssignBenefitOwner`] is [`AppError::Invalid`] on `benefits[i].owner`
    /// (`owner_change_forbidden`). The plan is always stored for the potential in the path. A
    /// plan equal to the stored one saves nothing.
    pub async fn put_plan(
        &self,
        who: &Principal,
        potential: PotentialId,
        expected_version: Option<i64>,
        plan: &BenefitPlan,
    ) -> Result<StoredBenefitPlan> {
        let store = self.app.store();
        let t = who.tenant.id;
        let p = store.potential(t, potential).await?;
        let tree = units(store, who).await?;
        if !who.actor.may(Permission::EditPotential(p.unit_id), &tree) {
            return Err(AppError::Forbidden);
        }
        let mut plan = plan.clone();
        plan.potential = potential;
        let current = store.benefit_plan(t, potential).await?;
        let mut errors = plan.validate();
        if !who
            .actor
            .may(Permission::AssignBenefitOwner(p.unit_id), &tree)
        {
            let old = current.as_ref().map(|c| &c.plan);
            for i in owners_changed(old, &plan) {
                errors.add(
                    &format!("benefits[{i}].owner"),
                    "owner_change_forbidden",
                    "Kun en leder af enheden, porteføljelederen eller en administrator kan \
                     vælge gevinstejer.",
                );
            }
        }
        if !counts_as_decided(p.status) {
            errors.add(
                "status",
                "not_decided",
                format!(
                    "Der kan først lægges en gevinstrealiseringsplan, når potentialet er besluttet \
                     (status nu: {}).",
                    p.status.label()
                ),
            );
        }
        if plan.last_year < plan.first_year {
            errors.add(
                "last_year",
                "out_of_range",
                "Planens sidste år må ikke ligge før det første.",
            );
        }
        for (i, b) in plan.benefits.iter().enumerate() {
            if let Some(owner) = b.owner {
                note_unknown(
                    store.user(t, owner).await,
                    &mut errors,
                    &format!("benefits[{i}].owner"),
                    "Gevinstejeren findes ikke.",
                )?;
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let Some(entry) = document_entry(
            who,
            EntityKind::BenefitPlan,
            potential,
            current.as_ref().map(|c| (&c.plan, c.version)),
            expected_version,
            &plan,
        )?
        else {
            // Nothing changed, so a plan is stored and stands.
            return current.ok_or(AppError::Conflict);
        };
        Ok(store
            .put_benefit_plan(
                t,
                who.actor_id(),
                potential,
                expected_version,
                &plan,
                &entry,
            )
            .await?)
    }

    /// The programme overview (target, planned, decided, realised, harvested and gaps per
    /// year, with breakdowns), assembled from the stored potentials, business cases and
    /// actuals and computed by the pure [`gevinst_domain::programme::overview`]. Anyone in the
    /// tenant may read it.
    pub async fn overview(&self, who: &Principal, id: ProgrammeId) -> Result<ProgrammeOverview> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = store.programme(t, id).await?;
        let economics = valuing_economics(store, t).await?;
        let tree = units(store, who).await?;
        let potentials = assemble(store, t, &stored.programme).await?;
        let programme = stored.programme;
        blocking("calculation", move || {
            build_overview(&programme, &potentials, &economics, &tree)
        })
        .await
    }

    /// The tenant's forecast probabilities per status with their version (0 while the
    /// defaults apply). Anyone in the tenant may read them.
    pub async fn status_probabilities(
        &self,
        who: &Principal,
    ) -> Result<(StatusProbabilities, i64)> {
        let store = self.app.store();
        Ok(store.status_probabilities(who.tenant.id).await?)
    }

    /// Changes the tenant's forecast probabilities (porteføljeleder or admin). Each must lie
    /// in [0, 1] ([`AppError::Invalid`], field = the status's API name); a stale
    /// `expected_version` is [`AppError::Conflict`]. Values equal to the stored ones save
    /// nothing. Returns the new version.
    pub async fn set_status_probabilities(
        &self,
        who: &Principal,
        expected_version: i64,
        probabilities: &StatusProbabilities,
    ) -> Result<i64> {
        let store = self.app.store();
        if !may_manage_programmes(who) {
            return Err(AppError::Forbidden);
        }
        let errors = probabilities.validate();
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let t = who.tenant.id;
        let (current, version) = store.status_probabilities(t).await?;
        if version != expected_version {
            return Err(AppError::Conflict);
        }
        if &current == probabilities {
            return Ok(version);
        }
        Ok(store
            .set_status_probabilities(t, who.actor_id(), expected_version, probabilities)
            .await?)
    }

    /// The programme forecast: a Monte Carlo of the annual gain per year and the probability
    /// of reaching each target, with the tenant's probabilities per status. Years before
    /// `current_year` are their recorded actuals; `current_year` adds its actuals so far to
    /// the forecast of the rest ([`gevinst_domain::programme::forecast`]). Iterations must be
    /// 1–[`MAX_INTERACTIVE_ITERATIONS`] ([`AppError::Invalid`] on `iterations`). Anyone in
    /// the tenant may run it, within `limiter`'s caps ([`AppError::Busy`] when they are
    /// reached); the same seed gives the same result.
    pub async fn forecast(
        &self,
        who: &Principal,
        id: ProgrammeId,
        settings: SimulationSettings,
        current_year: i32,
    ) -> Result<Forecast> {
        let store = self.app.store();
        check_iterations(settings, MAX_INTERACTIVE_ITERATIONS)?;
        let t = who.tenant.id;
        let stored = store.programme(t, id).await?;
        let economics = valuing_economics(store, t).await?;
        let (probabilities, _) = store.status_probabilities(t).await?;
        let potentials = assemble(store, t, &stored.programme).await?;
        let programme = stored.programme;
        let result = self
            .app
            .compute()
            .run(t, "calculation", move || {
                run_forecast(
                    &programme,
                    &potentials,
                    &economics,
                    &probabilities,
                    settings,
                    current_year,
                )
            })
            .await?;
        Ok(result?)
    }

    /// The forecast for these settings if one was computed since the tenant's data last
    /// changed; never runs the simulation. Anyone in the tenant may read it.
    pub async fn cached_forecast(
        &self,
        who: &Principal,
        id: ProgrammeId,
        settings: SimulationSettings,
        current_year: i32,
    ) -> Result<Option<Arc<Forecast>>> {
        let store = self.app.store();
        let t = who.tenant.id;
        store.programme(t, id).await?;
        let version = store.data_version(t).await?;
        let key = ForecastKey::new(t, id, settings, current_year);
        Ok(self.app.forecasts().get(&key, version))
    }

    /// The forecast for these settings: from the cache if the tenant's data has not changed
    /// since it was computed, else computed by [`forecast`](Programmes::forecast) and cached.
    pub async fn forecast_cached(
        &self,
        who: &Principal,
        id: ProgrammeId,
        settings: SimulationSettings,
        current_year: i32,
    ) -> Result<Arc<Forecast>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let version = store.data_version(t).await?;
        let key = ForecastKey::new(t, id, settings, current_year);
        if let Some(hit) = self.app.forecasts().get(&key, version) {
            store.programme(t, id).await?;
            return Ok(hit);
        }
        let result = Arc::new(self.forecast(who, id, settings, current_year).await?);
        self.app.forecasts().put(key, version, result.clone());
        Ok(result)
    }

    /// Measurements due on or before `today` and not yet recorded (a whole-year actual covers
    /// the year's quarters), oldest first. A porteføljeleder or an admin sees every plan of
    /// the tenant; anyone else only the benefits they own.
    pub async fn reminders(&self, who: &Principal, today: NaiveDate) -> Result<Vec<Reminder>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let all = may_manage_programmes(who);
        let me = Some(who.user.id);
        let plans: Vec<_> = store
            .list_benefit_plans(t)
            .await?
            .into_iter()
            .filter(|s| all || s.plan.benefits.iter().any(|b| b.owner == me))
            .collect();
        let ids: Vec<PotentialId> = plans.iter().map(|s| s.potential_id).collect();
        let potentials = crate::measurements::potentials_by_id(store, t, &ids).await?;
        let mut actuals = crate::measurements::current_actuals(store, t).await?;
        let mut out = Vec::new();
        for stored in &plans {
            let plan = &stored.plan;
            let Some(potential) = potentials.get(&stored.potential_id) else {
                return Err(AppError::NotFound);
            };
            let actuals: Vec<_> = actuals
                .remove(&stored.potential_id)
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.actual)
                .collect();
            for (line, period, due) in plan.overdue(&actuals, today) {
                let Some(b) = plan.benefits.iter().find(|b| b.line == line) else {
                    continue;
                };
                if !all && b.owner != me {
                    continue;
                }
                out.push(Reminder {
                    potential_id: stored.potential_id,
                    title: potential.title.clone(),
                    line,
                    label: b.label.clone(),
                    owner: b.owner,
                    period,
                    due,
                });
            }
        }
        out.sort_by_key(|r| (r.due, r.potential_id, r.line));
        Ok(out)
    }
}

/// Whether the principal may set or change the owners (gevinstejere) of the potential's
/// benefits ([`Permission::AssignBenefitOwner`]); pages use it to offer the choice,
/// [`put_plan`](Programmes::put_plan) enforces it.
pub fn may_assign_owner(
    who: &Principal,
    p: &gevinst_domain::Potential,
    lists: &crate::potentials::TenantLists,
) -> bool {
    who.actor
        .may(Permission::AssignBenefitOwner(p.unit_id), &lists.units)
}

/// The indexes of the benefits in `next` whose owner differs from the owner of the
/// benefit it continues in `current` ([`BenefitPlan::continued_by`]: same kind and label,
/// else same line and kind, as when a plan follows an edited case); every benefit with an
/// owner when there is no current plan or the benefit is new.
fn owners_changed(current: Option<&BenefitPlan>, next: &BenefitPlan) -> Vec<usize> {
    next.benefits
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            let before = current
                .and_then(|c| c.continued_by(b))
                .and_then(|o| o.owner);
            b.owner != before
        })
        .map(|(i, _)| i)
        .collect()
}

/// A potential as the overview and forecast see it.
fn programme_potential(
    p: gevinst_domain::Potential,
    case: Option<gevinst_domain::business_case::BusinessCase>,
    actuals: Vec<gevinst_domain::programme::Actual>,
) -> ProgrammePotential {
    ProgrammePotential {
        id: p.id,
        title: p.title,
        status: p.status,
        unit_id: p.unit_id,
        fagomraade_id: p.fagomraade_id,
        technology_id: p.technology_id,
        case,
        actuals,
    }
}

/// Programmes with more included potentials than this are assembled from bulk queries
/// (all of the tenant's potentials, business cases and actuals) instead of three queries
/// per potential.
const BULK_ASSEMBLY_FROM: usize = 16;

/// The included potentials with their business cases and actuals, for the pure overview
/// and forecast. Included potentials are checked when saved; one that is gone is skipped.
async fn assemble(
    store: &dyn Store,
    t: gevinst_domain::TenantId,
    programme: &Programme,
) -> Result<Vec<ProgrammePotential>> {
    if programme.potentials.len() > BULK_ASSEMBLY_FROM {
        return assemble_in_bulk(store, t, programme).await;
    }
    let mut potentials = Vec::with_capacity(programme.potentials.len());
    for pid in &programme.potentials {
        let p = match store.potential(t, *pid).await {
            Ok(p) => p,
            Err(e) if e.kind() == gevinst_store::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        let case = store.business_case(t, *pid).await?.map(|c| c.case);
        let actuals = crate::actuals::counted(store.list_actuals(t, *pid).await?);
        potentials.push(programme_potential(p, case, actuals));
    }
    Ok(potentials)
}

/// [`assemble`] with three queries in all (plus paging of the potentials).
async fn assemble_in_bulk(
    store: &dyn Store,
    t: gevinst_domain::TenantId,
    programme: &Programme,
) -> Result<Vec<ProgrammePotential>> {
    let tenant = store.tenant(t).await?;
    let all = crate::export::all_matching(
        store,
        &tenant,
        &gevinst_domain::PotentialQuery {
            sort: gevinst_domain::SortKey::Created,
            descending: false,
            ..Default::default()
        },
    )
    .await?;
    let mut by_id: HashMap<PotentialId, gevinst_domain::Potential> =
        all.into_iter().map(|p| (p.id, p)).collect();
    let mut cases: HashMap<PotentialId, gevinst_domain::business_case::BusinessCase> = store
        .list_business_cases(t)
        .await?
        .into_iter()
        .map(|c| (c.potential_id, c.case))
        .collect();
    let mut actuals: HashMap<PotentialId, Vec<gevinst_domain::programme::Actual>> = HashMap::new();
    for a in store.list_tenant_actuals(t).await? {
        if !a.is_current() {
            continue;
        }
        actuals.entry(a.potential_id).or_default().push(a.actual);
    }
    let mut potentials = Vec::with_capacity(programme.potentials.len());
    for pid in &programme.potentials {
        let Some(p) = by_id.remove(pid) else {
            continue;
        };
        potentials.push(programme_potential(
            p,
            cases.remove(pid),
            actuals.remove(pid).unwrap_or_default(),
        ));
    }
    Ok(potentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bulk assembly gives exactly what the per-potential queries give, on the demo
    /// programme (151 potentials with cases, plans and actuals) and on a small one.
    #[test]
    fn owner_changes_are_judged_against_the_benefit_continued() {
        use gevinst_domain::business_case::LineKind;
        use gevinst_domain::programme::Benefit;
        use gevinst_domain::UserId;
        let benefit = |line, kind, label: &str, owner| Benefit {
            line,
            kind,
            label: label.into(),
            hjemtagbar: false,
            owner: Some(UserId(owner)),
            kpi: "k".into(),
            measurement_method: "m".into(),
            baseline: None,
            baseline_note: String::new(),
            targets: vec![],
        };
        let plan = |benefits| BenefitPlan {
            potential: PotentialId(1),
            first_year: 2025,
            last_year: 2025,
            frequency: MeasurementFrequency::Yearly,
            benefits,
            based_on_case_version: None,
        };
        let old = plan(vec![
            benefit(1, LineKind::DirekteBesparelse, "Porto", 7),
            benefit(2, LineKind::FrigjorteTimer, "Tid", 8),
        ]);
        // The case gained a line before Porto: the benefits moved, owners followed.
        let moved = plan(vec![
            benefit(2, LineKind::DirekteBesparelse, "Porto", 7),
            benefit(3, LineKind::FrigjorteTimer, "Tid", 8),
        ]);
        assert!(owners_changed(Some(&old), &moved).is_empty());
        // Swapping the owners, or a new plan with owners, is a change.
        let swapped = plan(vec![
            benefit(1, LineKind::DirekteBesparelse, "Porto", 8),
            benefit(2, LineKind::FrigjorteTimer, "Tid", 8),
        ]);
        assert_eq!(owners_changed(Some(&old), &swapped), [0]);
        assert_eq!(owners_changed(None, &old), [0, 1]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn bulk_and_per_potential_assembly_agree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/demo.db", dir.path().display());
        let store = gevinst_store::connect(&url, true).await.expect("store");
        gevinst_demo::load_demo(store.as_ref())
            .await
            .expect("demo")
            .expect("empty database");
        let tenant = store
            .tenant_by_slug(gevinst_demo::DEMO_TENANT_SLUG)
            .await
            .expect("tenant");
        let stored = store.list_programmes(tenant.id).await.expect("programmes");
        let mut programme = stored[0].programme.clone();
        assert!(programme.potentials.len() > BULK_ASSEMBLY_FROM);
        // A potential that does not exist (any more) is skipped by both.
        programme.potentials.push(PotentialId(999_999));
        let s = store.as_ref();
        let bulk = assemble_in_bulk(s, tenant.id, &programme)
            .await
            .expect("bulk");
        let mut one_by_one = Vec::new();
        for chunk in programme.potentials.chunks(BULK_ASSEMBLY_FROM) {
            let part = Programme {
                potentials: chunk.to_vec(),
                ..programme.clone()
            };
            one_by_one.extend(assemble(s, tenant.id, &part).await.expect("small"));
        }
        assert_eq!(bulk.len(), programme.potentials.len() - 1);
        assert!(bulk.iter().any(|p| !p.actuals.is_empty()));
        assert!(bulk.iter().any(|p| p.case.is_some()));
        assert_eq!(bulk, one_by_one);
    }
}
