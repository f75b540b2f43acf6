//! Use cases on business cases and on the tenant's economic settings.
//!
//! - Anyone in the tenant may read a potential's business case with its results
//!   ([`get`](BusinessCases::get)) and run a simulation on it ([`simulate`](BusinessCases::simulate)); reading the economic settings
//!   ([`economics`](BusinessCases::economics)) is open too, since every result shows the rates it used.
//! - Saving a business case ([`put`](BusinessCases::put)) needs the right to edit the potential
//!   ([`Permission::EditPotential`] of its unit); changing the economic settings
//!   ([`set_economics`](BusinessCases::set_economics)) needs the admin role.
//! - Both writes carry the version the user read; a stale version is
//!   [`AppError::Conflict`] and saves nothing. Both are audited field by field.
//! - The calculations are pure but can be CPU-heavy (a simulation of a million
//!   iterations, a tornado over a hundred lines), so they run on tokio's blocking pool and
//!   never stall the async workers that serve other requests.

use crate::auth::Principal;
use crate::common::{blocking, check_iterations, document_entry, units};
use crate::compute::MAX_INTERACTIVE_ITERATIONS;
use crate::BusinessCases;
use crate::{AppError, Result};
use chrono::{DateTime, Utc};
use gevinst_domain::access::Permission;
use gevinst_domain::business_case::{
    evaluate, sensitivity, BusinessCase, BusinessCaseDraft, Decimal, Economics, EconomicsDraft,
    Evaluation, Simulation, SimulationSettings, TornadoBar,
};
use gevinst_domain::lifecycle;
use gevinst_domain::{EntityKind, FieldErrors, Potential, PotentialId, UnitTree};
use gevinst_store::StoredBusinessCase;
use serde::Serialize;

/// A potential's business case as the UI and the API show it: the stored case (if any),
/// the tenant's economics it is valued with, and the deterministic results.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BusinessCaseView {
    /// The potential the case belongs to.
    pub potential_id: PotentialId,
    /// The stored case, or `None` when the potential has none yet.
    pub case: Option<BusinessCase>,
    /// The stored case's version, to send back when saving; `None` when there is no case
    /// (save with no version to create it).
    pub version: Option<i64>,
    /// When the case was last saved.
    pub updated_at: Option<DateTime<Utc>>,
    /// The tenant's economic settings used for the results.
    pub economics: Economics,
    /// Deterministic results (cash flows, NPV, payback …), when there is a case.
    pub evaluation: Option<Evaluation>,
    /// The tornado, largest swing first; empty when there is no case.
    pub sensitivity: Vec<TornadoBar>,
    /// Whether the principal may save this case.
    pub may_edit: bool,
}

/// The tenant's economic settings with their version (0 while the defaults apply).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EconomicsSettings {
    /// The settings.
    pub economics: Economics,
    /// Version to send back when saving; 0 means none saved yet.
    pub version: i64,
    /// The hourly rate in force: the override, or annual cost ÷ hours (rounded to øre).
    #[schema(value_type = gevinst_domain::json_number::DecimalSchema)]
    pub hourly_rate: Decimal,
}

impl EconomicsSettings {
    fn new(economics: Economics, version: i64) -> Self {
        let hourly_rate = economics.hourly_rate().round_dp(2);
        EconomicsSettings {
            economics,
            version,
            hourly_rate,
        }
    }
}

fn may_edit(who: &Principal, p: &Potential, units: &UnitTree) -> bool {
    who.actor.may(Permission::EditPotential(p.unit_id), units)
}

/// Builds the view, evaluating the case off the async workers.
async fn view(
    potential: PotentialId,
    stored: Option<StoredBusinessCase>,
    economics: Economics,
    may_edit: bool,
) -> Result<BusinessCaseView> {
    blocking("calculation", move || -> Result<BusinessCaseView> {
        let (evaluation, bars) = match &stored {
            Some(s) => (
                Some(evaluate(&s.case, &economics)?),
                sensitivity(&s.case, &economics)?,
            ),
            None => (None, Vec::new()),
        };
        let (case, version, updated_at) = match stored {
            Some(s) => (Some(s.case), Some(s.version), Some(s.updated_at)),
            None => (None, None, None),
        };
        Ok(BusinessCaseView {
            potential_id: potential,
            case,
            version,
            updated_at,
            economics,
            evaluation,
            sensitivity: bars,
            may_edit,
        })
    })
    .await?
}

impl BusinessCases<'_> {
    /// Whether the potential has a business case. Anyone in the tenant may ask.
    pub async fn has_case(&self, who: &Principal, potential: PotentialId) -> Result<bool> {
        let stored = self
            .app
            .store()
            .business_case(who.tenant.id, potential)
            .await?;
        Ok(stored.is_some())
    }

    /// A potential's business case with its results. Anyone in the tenant may read it; a
    /// potential of another tenant is [`AppError::NotFound`].
    pub async fn get(&self, who: &Principal, potential: PotentialId) -> Result<BusinessCaseView> {
        let store = self.app.store();
        let t = who.tenant.id;
        let p = store.potential(t, potential).await?;
        let stored = store.business_case(t, potential).await?;
        let (economics, _) = store.economics(t).await?;
        let editable = may_edit(who, &p, &units(store, who).await?);
        view(potential, stored, economics, editable).await
    }

    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// business case.
    ///
    /// Checks, in order: the potential is in the tenant ([`AppError::NotFound`]); the
    /// principal may edit it ([`AppError::Forbidden`]); a new case needs the potential at
    /// *business case* or later ([`AppError::Invalid`] on `status` with code
    /// `business_case_too_early`, see [`gevinst_domain::lifecycle`]); the draft is valid against the
    /// tenant's economics ([`AppError::Invalid`], with paths such as `lines[0].amounts`); the
    /// version is current ([`AppError::Conflict`]). A draft equal to the stored case saves
    /// nothing and keeps the version. Otherwise the changed fields (`start_year`, `horizon`,
    /// `discount_rate`, `lines`, `risks`) go into the audit log with the case.
    pub async fn put(
        &self,
        who: &Principal,
        potential: PotentialId,
        expected_version: Option<i64>,
        draft: &BusinessCaseDraft,
    ) -> Result<BusinessCaseView> {
        let store = self.app.store();
        let t = who.tenant.id;
        let p = store.potential(t, potential).await?;
        if !may_edit(who, &p, &units(store, who).await?) {
            return Err(AppError::Forbidden);
        }
        let current = store.business_case(t, potential).await?;
        if current.is_none() {
            lifecycle::check_case_created(p.status).map_err(FieldErrors::from)?;
        }
        let (economics, _) = store.economics(t).await?;
        let case = draft.validate(&economics)?;
        let Some(entry) = document_entry(
            who,
            EntityKind::BusinessCase,
            potential,
            current.as_ref().map(|c| (&c.case, c.version)),
            expected_version,
            &case,
        )?
        else {
            return view(potential, current, economics, true).await;
        };
        let stored = store
            .put_business_case(
                t,
                who.actor_id(),
                potential,
                expected_version,
                &case,
                &entry,
            )
            .await?;
        view(potential, Some(stored), economics, true).await
    }

    /// Runs the Monte Carlo simulation of a potential's stored business case. Anyone in the
    /// tenant may simulate. Iterations must be 1–[`MAX_INTERACTIVE_ITERATIONS`]
    /// ([`AppError::Invalid`] on `iterations`); a potential without a case is
    /// [`AppError::NotFound`]. The calculation runs within `limiter`'s caps
    /// ([`AppError::Busy`] when they are reached). The same seed gives the same result.
    pub async fn simulate(
        &self,
        who: &Principal,
        potential: PotentialId,
        settings: SimulationSettings,
    ) -> Result<Simulation> {
        let store = self.app.store();
        check_iterations(settings, MAX_INTERACTIVE_ITERATIONS)?;
        let t = who.tenant.id;
        let stored = store
            .business_case(t, potential)
            .await?
            .ok_or(AppError::NotFound)?;
        let (economics, _) = store.economics(t).await?;
        let result = self
            .app
            .compute()
            .run(t, "calculation", move || {
                gevinst_domain::business_case::simulate(&stored.case, &economics, settings)
            })
            .await?;
        Ok(result?)
    }

    /// The tenant's economic settings. Anyone in the tenant may read them.
    pub async fn economics(&self, who: &Principal) -> Result<EconomicsSettings> {
        let store = self.app.store();
        let (economics, version) = store.economics(who.tenant.id).await?;
        Ok(EconomicsSettings::new(economics, version))
    }

    /// Changes the tenant's economic settings (admin only). `expected_version` is the version
    /// read (0 while the defaults apply); a stale one is [`AppError::Conflict`]. Invalid values
    /// are [`AppError::Invalid`] with Danish messages (see [`EconomicsDraft::validate`]).
    /// Settings equal to the stored ones save nothing.
    pub async fn set_economics(
        &self,
        who: &Principal,
        expected_version: i64,
        draft: &EconomicsDraft,
    ) -> Result<EconomicsSettings> {
        let store = self.app.store();
        if !who
            .actor
            .may(Permission::Administer, &units(store, who).await?)
        {
            return Err(AppError::Forbidden);
        }
        let economics = draft.validate()?;
        let t = who.tenant.id;
        let (current, version) = store.economics(t).await?;
        if version != expected_version {
            return Err(AppError::Conflict);
        }
        if current == economics {
            return Ok(EconomicsSettings::new(current, version));
        }
        let version = store
            .set_economics(t, who.actor_id(), expected_version, &economics)
            .await?;
        Ok(EconomicsSettings::new(economics, version))
    }
}
