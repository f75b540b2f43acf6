//! Measurements as tasks: every measurement of the benefit plans (benefit × period) with
//! its state (due, overdue or done), for the årshjul, the reminders and the calendar feed.
//!
//! A porteføljeleder or an admin sees every plan of the tenant; anyone else only the
//! benefits they own (the rule of [`Programmes::reminders`]).

use crate::auth::Principal;
use crate::{Programmes, Result};
use chrono::NaiveDate;
use gevinst_domain::programme::{ApprovalState, Period};
use gevinst_domain::{Permission, Potential, PotentialId, UnitId, UserId};
use gevinst_store::StoredActual;
use std::collections::{HashMap, HashSet};

/// Where a measurement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Not recorded, due later than today (or today).
    Due,
    /// Not recorded, and its due date has passed.
    Overdue,
    /// Recorded (a current actual that is not rejected; a whole-year actual covers the
    /// year's quarters).
    Done,
}

impl TaskState {
    /// Every state.
    pub const ALL: [TaskState; 3] = [TaskState::Due, TaskState::Overdue, TaskState::Done];

    /// Stable name, used in URLs (`?status=`) and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Due => "due",
            TaskState::Overdue => "overdue",
            TaskState::Done => "done",
        }
    }

    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Due => "Forfalder",
            TaskState::Overdue => "Overskredet",
            TaskState::Done => "Registreret",
        }
    }

    /// Parses [`TaskState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        TaskState::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One measurement of one benefit in one period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MeasurementTask {
    /// The potential whose plan it belongs to.
    pub potential_id: PotentialId,
    /// The potential's title.
    pub title: String,
    /// The potential's unit.
    pub unit_id: UnitId,
    /// The benefit line.
    pub line: usize,
    /// The benefit's label.
    pub label: String,
    /// The benefit's owner.
    pub owner: Option<UserId>,
    /// The period to measure.
    pub period: Period,
    /// When the measurement is due (the period's last day).
    pub due: NaiveDate,
    /// Where it stands on `today`.
    pub state: TaskState,
    /// The actual that covers it, when done.
    pub actual_id: Option<i64>,
}

impl Programmes<'_> {
    /// The measurements due from `from` to `to` (inclusive) of the plans the principal
    /// follows (all plans for a porteføljeleder or an admin, else the benefits they own),
    /// with their state on `today`, ordered by due date, potential and line.
    pub async fn measurement_tasks(
        &self,
        who: &Principal,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<MeasurementTask>> {
        let all = who.actor.may_tenant_wide(Permission::ManagePortfolio);
        let owner = (!all).then_some(who.user.id);
        collect_tasks(self.app.store(), who.tenant.id, owner, (from, to), today).await
    }
}

/// The measurements due in `from..=to` of the tenant's plans (of the benefits `owner`
/// owns, or all), with their state on `today`, ordered by due date, potential and line.
pub(crate) async fn collect_tasks(
    store: &dyn gevinst_store::Store,
    t: gevinst_domain::TenantId,
    owner: Option<UserId>,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<Vec<MeasurementTask>> {
    let mut actuals = current_actuals(store, t).await?;
    for list in actuals.values_mut() {
        list.retain(|a| a.actual.approval != ApprovalState::Rejected);
    }
    let plans: Vec<_> = store
        .list_benefit_plans(t)
        .await?
        .into_iter()
        .filter(|s| {
            s.plan
                .benefits
                .iter()
                .any(|b| owner.is_none() || b.owner == owner)
        })
        .collect();
    let ids: Vec<PotentialId> = plans.iter().map(|s| s.potential_id).collect();
    let potentials = potentials_by_id(store, t, &ids).await?;
    let mut out = Vec::new();
    for stored in &plans {
        let plan = &stored.plan;
        let mine: Vec<_> = plan
            .benefits
            .iter()
            .filter(|b| owner.is_none() || b.owner == owner)
            .collect();
        // A plan whose potential is gone has no measurements to take.
        let Some(potential) = potentials.get(&stored.potential_id) else {
            continue;
        };
        let recorded = actuals
            .get(&stored.potential_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (period, due) in plan.due_dates() {
            if due < from || due > to {
                continue;
            }
            for b in &mine {
                let covering = recorded.iter().find(|a| {
                    a.actual.line == b.line
                        && (a.actual.period == period || a.actual.period == period.whole_year())
                });
                let state = match covering {
                    Some(_) => TaskState::Done,
                    None if due < today => TaskState::Overdue,
                    None => TaskState::Due,
                };
                out.push(MeasurementTask {
                    potential_id: stored.potential_id,
                    title: potential.title.clone(),
                    unit_id: potential.unit_id,
                    line: b.line,
                    label: b.label.clone(),
                    owner: b.owner,
                    period,
                    due,
                    state,
                    actual_id: covering.map(|a| a.id),
                });
            }
        }
    }
    out.sort_by_key(|m| (m.due, m.potential_id, m.line));
    Ok(out)
}

/// The tenant's current actuals (not replaced by a correction, not withdrawn) by
/// potential, oldest first: one query for every plan of a page, not one per plan.
pub(crate) async fn current_actuals(
    store: &dyn gevinst_store::Store,
    t: gevinst_domain::TenantId,
) -> Result<HashMap<PotentialId, Vec<StoredActual>>> {
    let mut out: HashMap<PotentialId, Vec<StoredActual>> = HashMap::new();
    for a in store.list_tenant_actuals(t).await? {
        if a.is_current() {
            out.entry(a.potential_id).or_default().push(a);
        }
    }
    Ok(out)
}

/// The potentials `ids` by id (those that are gone are left out): all of the tenant's
/// potentials read page by page, a constant number of queries however many plans a
/// page lists.
pub(crate) async fn potentials_by_id(
    store: &dyn gevinst_store::Store,
    t: gevinst_domain::TenantId,
    ids: &[PotentialId],
) -> Result<HashMap<PotentialId, Potential>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: HashSet<PotentialId> = ids.iter().copied().collect();
    let tenant = store.tenant(t).await?;
    let query = gevinst_domain::PotentialQuery {
        sort: gevinst_domain::SortKey::Created,
        descending: false,
        ..Default::default()
    };
    Ok(crate::export::all_pages(store, &tenant, &query, None)
        .await?
        .into_iter()
        .filter(|p| wanted.contains(&p.id))
        .map(|p| (p.id, p))
        .collect())
}
