//! The front page's use case: what each role steers by ([`Front::steering`]).
//!
//! - A porteføljeleder or an admin ([`FrontRole::Portfolio`]) gets every programme with
//!   its overview and its forecast *if one is cached* (the front page never runs the Monte
//!   Carlo), and what changed in the last seven days: new potentials, status changes and
//!   new actuals.
//! - A leder ([`FrontRole::Leder`]) gets the benefit plans they own a benefit of, their
//!   measurements that are due soon or overdue, and their units' potentials by status.
//! - A digital agent ([`FrontRole::Agent`]) gets the ideas in their units that wait for an
//!   assessment and the potentials in their units that have come past idé without a
//!   business case.
//! - A læser ([`FrontRole::Reader`]) gets the programmes' summary.
//!
//! The programme figures are [`Programmes::overview`](crate::Programmes::overview) itself,
//! so the front page and the programme page cannot disagree. Everything is read within the
//! principal's tenant; anyone in the tenant may read it.

use crate::auth::Principal;
use crate::export::all_matching;
use crate::programmes::{Reminder, StoredActual};
use crate::{Front, Result};
use chrono::{DateTime, Days, NaiveDate, Utc};
use gevinst_domain::access::Permission;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::programme::{counts_as_planned, Forecast, Programme, ProgrammeOverview};
use gevinst_domain::{
    Potential, PotentialId, PotentialQuery, ProgrammeId, Role, SortKey, Status, StatusChange,
    UnitId, UnitTree,
};
use gevinst_store::PotentialCounts;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// How far back "what changed" looks.
pub const CHANGES_DAYS: u64 = 7;

/// How far ahead a leder's task list looks for measurements that fall due.
pub const TASK_DAYS_AHEAD: u64 = 31;

/// Most status changes read for "what changed" (newest first).
pub const MAX_RECENT_STATUS_CHANGES: u32 = 500;

/// Which front page a principal gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontRole {
    /// Porteføljeleder or admin: the programmes, the traffic lights, the gaps and the week.
    Portfolio,
    /// Leder: own benefit plans, measurements and units.
    Leder,
    /// Digital agent: ideas and potentials without a business case in own units.
    Agent,
    /// Læser: the programmes' summary.
    Reader,
}

impl FrontRole {
    /// The front page for a principal.
    pub fn of(who: &Principal) -> FrontRole {
        if who.actor.may_tenant_wide(Permission::ManagePortfolio) {
            return FrontRole::Portfolio;
        }
        match who.user.role {
            Role::Leder => FrontRole::Leder,
            Role::DigitalAgent => FrontRole::Agent,
            _ => FrontRole::Reader,
        }
    }
}

/// One programme as the front page shows it.
#[derive(Debug, Clone)]
pub struct ProgrammeSteering {
    /// Its id.
    pub id: ProgrammeId,
    /// The programme (name, period, targets, distribution keys).
    pub programme: Programme,
    /// Its overview, exactly as the programme page computes it.
    pub overview: ProgrammeOverview,
    /// The forecast for the settings asked for, if it is cached for the current data.
    pub forecast: Option<Arc<Forecast>>,
}

/// A potential named in a list of the front page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named<T> {
    /// What happened, or the record.
    pub item: T,
    /// The potential's title.
    pub title: String,
}

/// What changed in the tenant since [`WeekChanges::since`].
#[derive(Debug, Clone)]
pub struct WeekChanges {
    /// Seven days before now.
    pub since: DateTime<Utc>,
    /// Potentials created since then, newest first.
    pub new_potentials: Vec<Potential>,
    /// Status changes since then, newest first (at most [`MAX_RECENT_STATUS_CHANGES`]).
    pub status_changes: Vec<Named<StatusChange>>,
    /// Actuals recorded since then that count or await approval, newest first.
    pub new_actuals: Vec<Named<StoredActual>>,
}

/// A benefit plan a leder owns a benefit of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPlan {
    /// The potential.
    pub potential_id: PotentialId,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// The benefits of the plan the leder owns.
    pub owned: usize,
    /// All benefits of the plan.
    pub benefits: usize,
}

/// A unit's potentials by status (the unit and everything below it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitStatuses {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Count per status, in [`Status::ALL`] order (zeros included).
    pub by_status: Vec<(Status, u64)>,
}

/// A leder's front page.
#[derive(Debug, Clone)]
pub struct LederWork {
    /// Plans with a benefit the leder owns, by title.
    pub plans: Vec<OwnedPlan>,
    /// Measurements of the leder's benefits due up to [`TASK_DAYS_AHEAD`] days ahead and
    /// not recorded, oldest first; those due before today are overdue.
    pub tasks: Vec<Reminder>,
    /// The leder's units' potentials by status.
    pub units: Vec<UnitStatuses>,
}

/// A digital agent's front page.
#[derive(Debug, Clone)]
pub struct AgentWork {
    /// Ideas (status idé) in the agent's units, oldest first: they wait for an assessment.
    pub ideas: Vec<Potential>,
    /// Potentials in the agent's units past idé and still planned (not afvist or
    /// parkeret) that have no business case, oldest first.
    pub without_case: Vec<Potential>,
}

/// Everything the front page shows a principal.
#[derive(Debug, Clone)]
pub struct Steering {
    /// Which front page.
    pub role: FrontRole,
    /// The day it is for.
    pub today: NaiveDate,
    /// The programmes (porteføljeleder, admin and læser; empty for the others).
    pub programmes: Vec<ProgrammeSteering>,
    /// What changed in the last seven days (porteføljeleder and admin).
    pub changes: Option<WeekChanges>,
    /// A leder's work.
    pub leder: Option<LederWork>,
    /// A digital agent's work.
    pub agent: Option<AgentWork>,
    /// The tenant's counts by status, unit, fagområde and technology.
    pub counts: PotentialCounts,
}

impl Front<'_> {
    /// The front page for `who` on `today`: see the module documentation. `forecast` names
    /// the settings whose cached forecast is shown (the programme page's); nothing is
    /// simulated here.
    pub async fn steering(
        &self,
        who: &Principal,
        today: NaiveDate,
        now: DateTime<Utc>,
        forecast: SimulationSettings,
    ) -> Result<Steering> {
        let role = FrontRole::of(who);
        let counts = self.app.potentials().overview(who).await?;
        let mut out = Steering {
            role,
            today,
            programmes: Vec::new(),
            changes: None,
            leder: None,
            agent: None,
            counts,
        };
        if matches!(role, FrontRole::Portfolio | FrontRole::Reader) {
            out.programmes = self.programmes(who, today, forecast).await?;
        }
        if role == FrontRole::Reader {
            return Ok(out);
        }
        let store = self.app.store();
        let t = who.tenant.id;
        let potentials = all_matching(
            store,
            &who.tenant,
            &PotentialQuery {
                sort: SortKey::Created,
                descending: false,
                ..Default::default()
            },
        )
        .await?;
        let tree = UnitTree::new(store.list_units(t).await?);
        match role {
            FrontRole::Portfolio => {
                out.changes = Some(self.changes(who, &potentials, now).await?);
            }
            FrontRole::Leder => {
                out.leder = Some(self.leder(who, &potentials, &tree, today).await?);
            }
            FrontRole::Agent => {
                out.agent = Some(self.agent(who, potentials, &tree).await?);
            }
            FrontRole::Reader => {}
        }
        Ok(out)
    }

    /// Every programme with its overview and cached forecast, in the store's order.
    async fn programmes(
        &self,
        who: &Principal,
        today: NaiveDate,
        forecast: SimulationSettings,
    ) -> Result<Vec<ProgrammeSteering>> {
        use chrono::Datelike;
        let programmes = self.app.programmes();
        let mut out = Vec::new();
        for stored in programmes.list(who).await? {
            let overview = programmes.overview(who, stored.id).await?;
            let forecast = programmes
                .cached_forecast(who, stored.id, forecast, today.year())
                .await?;
            out.push(ProgrammeSteering {
                id: stored.id,
                programme: stored.programme,
                overview,
                forecast,
            });
        }
        Ok(out)
    }

    /// What changed since seven days before `now`.
    async fn changes(
        &self,
        who: &Principal,
        potentials: &[Potential],
        now: DateTime<Utc>,
    ) -> Result<WeekChanges> {
        let store = self.app.store();
        let t = who.tenant.id;
        let since = now - chrono::Duration::days(CHANGES_DAYS as i64);
        let titles: HashMap<PotentialId, &str> = potentials
            .iter()
            .map(|p| (p.id, p.title.as_str()))
            .collect();
        let named = |id: PotentialId| titles.get(&id).map(|s| (*s).to_owned());
        let mut new_potentials: Vec<Potential> = potentials
            .iter()
            .filter(|p| p.created_at >= since)
            .cloned()
            .collect();
        new_potentials.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        let status_changes = store
            .recent_status_changes(t, MAX_RECENT_STATUS_CHANGES)
            .await?
            .into_iter()
            .filter(|c| c.at >= since)
            .filter_map(|c| named(c.potential_id).map(|title| Named { item: c, title }))
            .collect();
        let mut new_actuals: Vec<Named<StoredActual>> = store
            .list_tenant_actuals(t)
            .await?
            .into_iter()
            .filter(|a| a.recorded_at >= since)
            .filter(|a| {
                a.actual.approval.counts_as_realised()
                    || a.actual.approval == gevinst_domain::programme::ApprovalState::Pending
            })
            .filter_map(|a| named(a.potential_id).map(|title| Named { item: a, title }))
            .collect();
        new_actuals.sort_by(|a, b| {
            b.item
                .recorded_at
                .cmp(&a.item.recorded_at)
                .then(b.item.id.cmp(&a.item.id))
        });
        Ok(WeekChanges {
            since,
            new_potentials,
            status_changes,
            new_actuals,
        })
    }

    /// A leder's plans, tasks and units.
    async fn leder(
        &self,
        who: &Principal,
        potentials: &[Potential],
        tree: &UnitTree,
        today: NaiveDate,
    ) -> Result<LederWork> {
        let store = self.app.store();
        let me = Some(who.user.id);
        let by_id: HashMap<PotentialId, &Potential> =
            potentials.iter().map(|p| (p.id, p)).collect();
        let mut plans: Vec<OwnedPlan> = store
            .list_benefit_plans(who.tenant.id)
            .await?
            .into_iter()
            .filter_map(|s| {
                let owned = s.plan.benefits.iter().filter(|b| b.owner == me).count();
                let p = by_id.get(&s.potential_id)?;
                (owned > 0).then(|| OwnedPlan {
                    potential_id: s.potential_id,
                    title: p.title.clone(),
                    status: p.status,
                    owned,
                    benefits: s.plan.benefits.len(),
                })
            })
            .collect();
        plans.sort_by(|a, b| {
            a.title
                .cmp(&b.title)
                .then(a.potential_id.cmp(&b.potential_id))
        });
        let horizon = today
            .checked_add_days(Days::new(TASK_DAYS_AHEAD))
            .unwrap_or(today);
        let tasks = self
            .app
            .programmes()
            .reminders(who, horizon)
            .await?
            .into_iter()
            .filter(|r| r.owner == me)
            .collect();
        let units = who
            .user
            .units
            .iter()
            .filter_map(|u| tree.get(*u).map(|unit| (*u, unit.name.clone())))
            .map(|(unit, name)| UnitStatuses {
                unit,
                name,
                by_status: statuses_in(potentials, &tree.subtree(unit)),
            })
            .collect();
        Ok(LederWork {
            plans,
            tasks,
            units,
        })
    }

    /// A digital agent's ideas and potentials without a business case.
    async fn agent(
        &self,
        who: &Principal,
        potentials: Vec<Potential>,
        tree: &UnitTree,
    ) -> Result<AgentWork> {
        let store = self.app.store();
        let scope = who.actor.scope(tree);
        let with_case: HashSet<PotentialId> = store
            .list_business_cases(who.tenant.id)
            .await?
            .into_iter()
            .map(|c| c.potential_id)
            .collect();
        let (mut ideas, mut without_case) = (Vec::new(), Vec::new());
        for p in potentials
            .into_iter()
            .filter(|p| scope.contains(&p.unit_id))
        {
            if p.status == Status::Ide {
                ideas.push(p);
            } else if counts_as_planned(p.status) && !with_case.contains(&p.id) {
                without_case.push(p);
            }
        }
        Ok(AgentWork {
            ideas,
            without_case,
        })
    }
}

/// Counts per status (all statuses, in lifecycle order) of the potentials in `units`.
fn statuses_in(
    potentials: &[Potential],
    units: &std::collections::BTreeSet<UnitId>,
) -> Vec<(Status, u64)> {
    let mut counts: BTreeMap<Status, u64> = BTreeMap::new();
    for p in potentials.iter().filter(|p| units.contains(&p.unit_id)) {
        *counts.entry(p.status).or_default() += 1;
    }
    Status::ALL
        .iter()
        .map(|s| (*s, counts.get(s).copied().unwrap_or(0)))
        .collect()
}
