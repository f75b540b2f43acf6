//! Measurements as tasks on the plan page: the form pre-filled from the årshjul
//! (`?linje=…&periode=…`), the quantities each benefit kind measures, the confirmation
//! step before a duplicate, and withdrawing an actual with a reason.
//!
//! - `POST /potentialer/{id}/gevinstplan/maaling/{actual}/tilbagetraek`: withdraws an
//!   actual (303 back to the plan; 422 with the Danish message when the reason is missing).

use super::{load, may_record, render, ActualForm, Loaded};
use crate::error::PageError;
use crate::pages::programmes::{field, form_pairs, potential_id};
use crate::session::PageUser;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::programmes::StoredActual;
use gevinst_app::AppError;
use gevinst_domain::business_case::LineKind;
use gevinst_domain::danish::{format_kr, format_local_date};

/// Whether a benefit of this kind is measured with the form's input `name`. The harvest
/// (hjemtaget, budget reference, date) applies to every benefit.
pub(super) fn measures(kind: LineKind, name: &str) -> bool {
    match name {
        "harvested" | "budget_reference" | "harvested_on" => true,
        "hours" => kind == LineKind::FrigjorteTimer,
        "fte" => kind == LineKind::FrigjorteAarsvaerk,
        "kr" => matches!(
            kind,
            LineKind::DirekteBesparelse | LineKind::Kanalomlaegning
        ),
        _ => false,
    }
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

/// The form pre-filled from `?linje=<line>&periode=<period>` (the årshjul's links).
pub(super) fn prefill(query: Option<&str>) -> Option<ActualForm> {
    let pairs = query_pairs(query);
    let line = field(&pairs, "linje");
    let period = field(&pairs, "periode");
    (!line.is_empty() || !period.is_empty()).then(|| ActualForm {
        line,
        period,
        ..ActualForm::default()
    })
}

/// The flash message key of the query, as `besked=<key>`.
pub(super) fn message_key(query: Option<&str>) -> Option<String> {
    let key = field(&query_pairs(query), "besked");
    (!key.is_empty()).then(|| format!("besked={key}"))
}

/// An existing actual described for the duplicate warning.
pub(super) fn describe(l: &Loaded, a: &StoredActual) -> String {
    let label = l
        .plan
        .as_ref()
        .and_then(|p| p.plan.benefits.iter().find(|b| b.line == a.actual.line))
        .map(|b| b.label.clone())
        .unwrap_or_else(|| format!("Linje {}", a.actual.line));
    format!(
        "{label}, {}: registreret {} af {}, realiseret værdi {}",
        a.actual.period.label(),
        format_local_date(a.recorded_at),
        l.lists.user_name(a.recorded_by).unwrap_or("ukendt"),
        format_kr(a.actual.gain_kr(&l.economics)),
    )
}

/// `POST /potentialer/{id}/gevinstplan/maaling/{actual}/tilbagetraek`.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, actual)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let actual: i64 = actual.parse().map_err(|_| AppError::NotFound)?;
    let pairs = form_pairs(&body)?;
    let reason = field(&pairs, "reason");
    match state
        .app
        .programmes()
        .withdraw_actual(&who.principal, id, actual, &reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/potentialer/{}/gevinstplan?besked=tilbagetrukket",
            id.0
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let l = load(&state, &who.principal, id).await?;
            let messages = errors.0.iter().map(|e| e.message.clone()).collect();
            Ok(render(
                &who,
                &l,
                None,
                None,
                messages,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the principal may withdraw this actual (the same rule as recording it; the use
/// case enforces it anyway).
pub(in crate::pages::programmes) fn may_withdraw(
    who: &gevinst_app::auth::Principal,
    l: &Loaded,
    a: &StoredActual,
) -> bool {
    if !a.is_current() {
        return false;
    }
    let Some(plan) = &l.plan else { return false };
    if who
        .actor
        .may_tenant_wide(gevinst_domain::Permission::ManagePortfolio)
    {
        return true;
    }
    may_record(who, &plan.plan)
        && plan
            .plan
            .benefits
            .iter()
            .any(|b| b.line == a.actual.line && b.owner == Some(who.user.id))
}
