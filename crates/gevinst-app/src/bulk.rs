//! Acting on many potentials at once from the list (*masseredigering*).
//!
//! Porteføljeleder and admin ([`Permission::BulkEdit`]) may change the status of the
//! selected rows (with one reason for afvist or parkeret) or add them to a programme; anyone
//! may export the selection (reading is open, as for the list's own export).
//!
//! Each row's status change is its own transaction through
//! [`change_status`](Potentials::change_status), so a row either changes completely or
//! not at all; a row that fails (not allowed from its status, changed by someone else,
//! deleted) is reported with a Danish reason and the others go ahead. Adding to a
//! programme is one change of the programme, so it is all or nothing.

use crate::auth::Principal;
use crate::export::{build, write, ExportFile, ExportFormat, ExportOptions, ExportRecord};
use crate::potentials::TenantLists;
use crate::{AppError, Exports, Potentials, Programmes, Result};
use chrono::Utc;
use gevinst_domain::access::Permission;
use gevinst_domain::{lifecycle, FieldErrors, PotentialId, PotentialQuery, ProgrammeId, Status};
use std::collections::HashSet;

/// Most rows one bulk action takes.
pub const MAX_BULK_ROWS: usize = 1000;

/// What happened to one selected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// The potential.
    pub id: PotentialId,
    /// Its title, when it was found.
    pub title: Option<String>,
    /// `Ok` when changed; else why not, in Danish.
    pub result: std::result::Result<(), String>,
}

impl RowOutcome {
    /// Whether the row was changed.
    pub fn ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// A use-case error as a Danish sentence for one row of a bulk action.
pub fn row_message(e: &AppError) -> String {
    match e {
        AppError::Invalid(f) => {
            f.0.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ")
        }
        AppError::NotFound => "Potentialet findes ikke.".to_owned(),
        AppError::Conflict => {
            "Potentialet blev ændret af en anden undervejs; prøv igen.".to_owned()
        }
        AppError::Forbidden => "Du har ikke ret til at ændre dette potentiale.".to_owned(),
        _ => "Ændringen kunne ikke gemmes på grund af en fejl på serveren.".to_owned(),
    }
}

/// The selection must hold 1–[`MAX_BULK_ROWS`] rows; duplicates are dropped.
fn selection(ids: &[PotentialId]) -> Result<Vec<PotentialId>> {
    let mut out: Vec<PotentialId> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.is_empty() {
        return Err(FieldErrors::single("id", "required", "Vælg mindst ét potentiale.").into());
    }
    if out.len() > MAX_BULK_ROWS {
        return Err(FieldErrors::single(
            "id",
            "too_many",
            format!("Vælg højst {MAX_BULK_ROWS} potentialer ad gangen."),
        )
        .into());
    }
    Ok(out)
}

fn may_bulk(who: &Principal) -> Result<()> {
    if who.actor.may_tenant_wide(Permission::BulkEdit) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Potentials<'_> {
    /// Moves every selected potential to `to`, each with `reason` (required for afvist
    /// and parkeret, as for one potential). Returns one outcome per row, in the order given.
    ///
    /// A move to besluttet or later without a reason is refused as a whole, before any row
    /// changes, when a selected row has no business case (field `reason`, code
    /// `business_case_required`, naming the rows); with a reason, such rows record it as
    /// «Besluttet uden business case: …» (see [`lifecycle::check_decision`]).
    pub async fn bulk_status(
        &self,
        who: &Principal,
        ids: &[PotentialId],
        to: Status,
        reason: Option<&str>,
    ) -> Result<Vec<RowOutcome>> {
        may_bulk(who)?;
        let ids = selection(ids)?;
        let store = self.app.store();
        let reason = reason.filter(|r| !r.trim().is_empty());
        if reason.is_none() && lifecycle::is_decided(to) {
            self.check_decided_with_cases(who, &ids, to).await?;
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let current = match store.potential(who.tenant.id, id).await {
                Ok(p) => p,
                Err(e) => {
                    let e = AppError::from(e);
                    out.push(RowOutcome {
                        id,
                        title: None,
                        result: Err(row_message(&e)),
                    });
                    continue;
                }
            };
            let result = if current.status == to {
                Err(format!("Står allerede som {}.", to.label().to_lowercase()))
            } else {
                self.change_status(who, id, current.version, to, reason)
                    .await
                    .map(|_| ())
                    .map_err(|e| row_message(&e))
            };
            out.push(RowOutcome {
                id,
                title: Some(current.title),
                result,
            });
        }
        Ok(out)
    }
}

impl Potentials<'_> {
    /// Refuses a bulk move to the decided status `to` without a reason when a selected row
    /// would be decided without a business case (the rule of
    /// [`lifecycle::check_decision`]): field `reason`, code `business_case_required`,
    /// naming the rows, before any row changes. Rows already decided, or not found, are
    /// left to the per-row outcome.
    async fn check_decided_with_cases(
        &self,
        who: &Principal,
        ids: &[PotentialId],
        to: Status,
    ) -> Result<()> {
        let store = self.app.store();
        let t = who.tenant.id;
        let with_case: HashSet<PotentialId> = store
            .list_business_cases(t)
            .await?
            .into_iter()
            .map(|c| c.potential_id)
            .collect();
        let mut without: Vec<String> = Vec::new();
        for id in ids.iter().filter(|id| !with_case.contains(id)) {
            match store.potential(t, *id).await {
                Ok(p) if p.status != to && !lifecycle::is_decided(p.status) => {
                    without.push(format!("«{}»", p.title));
                }
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        if without.is_empty() {
            return Ok(());
        }
        let err = lifecycle::LifecycleError::CaseOrReasonRequired(to);
        let named = if without.len() > MAX_NAMED_ROWS {
            format!(
                "{} og {} flere",
                without[..MAX_NAMED_ROWS].join(", "),
                without.len() - MAX_NAMED_ROWS
            )
        } else {
            without.join(", ")
        };
        Err(FieldErrors::single(
            err.field(),
            err.code(),
            format!(
                "{} af de valgte potentialer har ingen business case: {named}. Skriv i \
                 begrundelsen, hvorfor de besluttes uden (det logges som «besluttet uden \
                 business case: …»). Ingen status er ændret.",
                without.len()
            ),
        )
        .into())
    }
}

/// Most titles a refusal names before it says "og N flere".
const MAX_NAMED_ROWS: usize = 5;

impl Programmes<'_> {
    /// Adds the selected potentials to a programme in one change of the programme (all or
    /// nothing). Rows already in it are reported and left as they are. Needs
    /// [`Permission::BulkEdit`] and the right to manage programmes.
    pub async fn bulk_add(
        &self,
        who: &Principal,
        programme: ProgrammeId,
        ids: &[PotentialId],
    ) -> Result<Vec<RowOutcome>> {
        may_bulk(who)?;
        if !who.actor.may_tenant_wide(Permission::ManagePortfolio) {
            return Err(AppError::Forbidden);
        }
        let ids = selection(ids)?;
        let store = self.app.store();
        let current = store.programme(who.tenant.id, programme).await?;
        let mut next = current.programme.clone();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let p = match store.potential(who.tenant.id, id).await {
                Ok(p) => p,
                Err(e) => {
                    out.push(RowOutcome {
                        id,
                        title: None,
                        result: Err(row_message(&e.into())),
                    });
                    continue;
                }
            };
            let result = if next.includes(id) {
                Err("Er allerede med i programmet.".to_owned())
            } else {
                next.potentials.push(id);
                Ok(())
            };
            out.push(RowOutcome {
                id,
                title: Some(p.title),
                result,
            });
        }
        if next != current.programme {
            store
                .update_programme(
                    who.tenant.id,
                    who.actor_id(),
                    programme,
                    current.version,
                    &next,
                )
                .await?;
        }
        Ok(out)
    }
}

impl Exports<'_> {
    /// The selected potentials as a file, in the order of their ids; audited like the
    /// list's export, with the ids as the filter. Anyone in the tenant may export.
    pub async fn export_selection(
        &self,
        who: &Principal,
        ids: &[PotentialId],
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let ids = selection(ids)?;
        let store = self.app.store();
        let lists = TenantLists::load_for(store, who.tenant.id).await?;
        let query = PotentialQuery {
            sort: gevinst_domain::SortKey::Created,
            descending: false,
            ..PotentialQuery::default()
        };
        let mut potentials = crate::export::all_matching(store, &who.tenant, &query).await?;
        potentials.retain(|p| ids.contains(&p.id));
        potentials.sort_by_key(|p| p.id);
        let portfolio = build(
            store,
            None,
            &who.tenant,
            &lists,
            potentials,
            ExportOptions::default(),
        )
        .await?;
        let file = write(portfolio, &who.tenant, format, Utc::now()).await?;
        let record = ExportRecord {
            what: "potentials",
            format: format.extension(),
            filter: serde_json::json!({ "ids": ids.iter().map(|i| i.0).collect::<Vec<_>>() }),
            rows: file.potentials,
            channel: "web",
        };
        self.audit_export(who, &record).await?;
        Ok(file)
    }
}
