//! Small helpers the use-case modules share.

use crate::auth::Principal;
use crate::{AppError, Result};
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::danish::format_count;
use gevinst_domain::{
    audit, AuditAction, AuditDraft, EntityKind, FieldErrors, PotentialId, UnitTree,
};
use gevinst_store::prelude::*;
use serde::Serialize;

/// Runs a CPU-bound job on tokio's blocking pool; a job that panics is
/// [`AppError::Internal`] with the message "`<job>` failed: …".
pub(crate) async fn blocking<T, F>(job: &'static str, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("{job} failed: {e}")))
}

/// The principal's tenant's units.
pub(crate) async fn units(store: &dyn Store, who: &Principal) -> Result<UnitTree> {
    Ok(UnitTree::new(store.list_units(who.tenant.id).await?))
}

/// The tenant's economics, for a calculation that values hours, årsværk and enquiries in
/// kr. (benefit plans, actuals, programme overviews and forecasts, the portfolio
/// workbook). Settings saved before their bounds existed and outside them are
/// [`AppError::Invalid`] on `economics`, with a Danish message that names the setting,
/// rather than values that saturate at `Decimal`'s limit without a word.
pub(crate) async fn valuing_economics(
    store: &dyn Store,
    tenant: gevinst_domain::TenantId,
) -> Result<gevinst_domain::business_case::Economics> {
    let (economics, _) = store.economics(tenant).await?;
    match economics.check_bounds() {
        Ok(()) => Ok(economics),
        Err(errors) => {
            let setting = errors.0.first().map_or("", |e| e.message.as_str());
            Err(FieldErrors::single(
                "economics",
                "out_of_range",
                format!(
                    "Kommunens økonomiske indstillinger ligger uden for de tilladte grænser, \
                     så beløbene kan ikke beregnes. {setting} En administrator kan rette \
                     dem under Administration, Økonomi til business cases."
                ),
            )
            .into())
        }
    }
}

/// A simulation must run 1–`max` times ([`AppError::Invalid`] on `iterations`
/// otherwise, with a message that names the limit).
pub(crate) fn check_iterations(settings: SimulationSettings, max: u32) -> Result<()> {
    if (1..=max).contains(&settings.iterations) {
        Ok(())
    } else {
        Err(FieldErrors::single(
            "iterations",
            "out_of_range",
            format!(
                "Antal gennemløb skal være et helt tal fra 1 til {}.",
                format_count(max)
            ),
        )
        .into())
    }
}

/// The audit entry for saving `next` as a potential's versioned document (business case,
/// benefit plan) over `current`, its stored body and version: a creation when none is
/// stored and none was read (`expected_version` `None`), an update when the version read
/// is the stored one, else [`AppError::Conflict`]. `None` when a stored document would
/// not change, so nothing needs saving.
pub(crate) fn document_entry<T: Serialize>(
    who: &Principal,
    entity: EntityKind,
    potential: PotentialId,
    current: Option<(&T, i64)>,
    expected_version: Option<i64>,
    next: &T,
) -> Result<Option<AuditDraft>> {
    let (action, changes) = match (current, expected_version) {
        (None, None) => (AuditAction::Create, audit::created(next)),
        (Some((stored, version)), Some(v)) if version == v => {
            (AuditAction::Update, audit::changes(stored, next))
        }
        _ => return Err(AppError::Conflict),
    };
    if current.is_some() && changes.is_empty() {
        return Ok(None);
    }
    Ok(Some(AuditDraft {
        entity,
        entity_id: potential.0,
        action,
        user_id: who.actor_id(),
        actor: None,
        changes,
        reason: None,
    }))
}
