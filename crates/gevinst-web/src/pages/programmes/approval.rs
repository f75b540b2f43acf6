//! The recorded actuals on the benefit plan page, with their approval state, and the
//! four-eyes decision on a flagged one.
//!
//! - A flagged actual shows *Afventer godkendelse* and why; an approved or rejected one
//!   says who decided, when and why.
//! - A porteføljeleder or an admin who did not record it sees "Godkend" and "Afvis" (with
//!   a note). `POST /potentialer/{id}/gevinstplan/maaling/{actual}/godkendelse` sends the
//!   decision to [`programmes::decide_actual`], which enforces the rules; a refusal
//!   re-renders the page with the Danish message (422).

use super::plan::{load, render, Loaded};
use super::{field, form_pairs, potential_id};
use crate::error::PageError;
use crate::session::PageUser;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::auth::Principal;
use gevinst_app::AppError;
use gevinst_domain::danish::{format_date, format_kr as kr, format_local_date, format_quantity};
use gevinst_domain::programme::{ApprovalDecision, ApprovalState};
use gevinst_domain::Permission;

/// One recorded actual.
pub(super) struct ActualView {
    pub id: i64,
    pub benefit: String,
    pub period: String,
    pub hours: String,
    pub kr: String,
    pub fte: String,
    pub invisible: String,
    pub harvested: String,
    /// The realised value in kr. (kr. + time at the tenant's rates − invisible work).
    pub value: String,
    /// Realised but not harvested: freed time reinvested.
    pub reinvested: String,
    pub budget_reference: String,
    pub harvested_on: String,
    pub note: String,
    pub recorded: String,
    /// `pending`, `approved`, `rejected`, or "" for an ordinary actual.
    pub approval_key: &'static str,
    /// Danish label of the approval state.
    pub approval: &'static str,
    /// Why it was flagged, who decided and why.
    pub approval_detail: String,
    /// Whether this user may approve or reject it (pending, and not recorded by them).
    pub may_decide: bool,
    /// Replaced or withdrawn (then it does not count): what happened, else "".
    pub version_note: String,
    /// Whether this user may withdraw it (current, and theirs to record).
    pub may_withdraw: bool,
}

/// "Erstattet af rettelse …" or "Trukket tilbage …" for an actual that no longer counts;
/// "Rettelse af …" for a current correction; else "".
fn version_note(l: &Loaded, s: &gevinst_app::programmes::StoredActual) -> String {
    if let Some(by) = s.superseded_by {
        return format!("Erstattet af rettelse (måling {by}); tæller ikke med.");
    }
    if let Some(at) = s.withdrawn_at {
        return format!(
            "Trukket tilbage {} af {}: {}. Tæller ikke med.",
            format_local_date(at),
            l.lists.user_name(s.withdrawn_by).unwrap_or("ukendt"),
            s.withdrawal_reason
        );
    }
    match s.replaces {
        Some(old) => format!("Rettelse af måling {old}."),
        None => String::new(),
    }
}

/// The actuals of a loaded plan page as the table shows them.
pub(super) fn actual_views(who: &Principal, l: &Loaded) -> Vec<ActualView> {
    let label_of = |line: usize| {
        l.plan
            .as_ref()
            .and_then(|s| s.plan.benefits.iter().find(|b| b.line == line))
            .map(|b| b.label.clone())
            .unwrap_or_else(|| format!("Linje {line}"))
    };
    let approver = who.actor.may_tenant_wide(Permission::ApproveActuals);
    l.actuals
        .iter()
        .map(|s| {
            let a = &s.actual;
            let reasons: Vec<&str> = a.approval_reasons.iter().map(|r| r.label()).collect();
            let approval_detail = match a.approval {
                ApprovalState::NotRequired => String::new(),
                ApprovalState::Pending => reasons.join("; "),
                ApprovalState::Approved | ApprovalState::Rejected => {
                    let mut d = format!(
                        "{} af {}",
                        s.decided_at.map(format_local_date).unwrap_or_default(),
                        l.lists.user_name(s.decided_by).unwrap_or("ukendt")
                    );
                    if !s.decision_note.is_empty() {
                        d.push_str(": ");
                        d.push_str(&s.decision_note);
                    }
                    d
                }
            };
            ActualView {
                id: s.id,
                benefit: label_of(a.line),
                period: a.period.label(),
                hours: format_quantity(a.hours),
                kr: kr(a.kr),
                fte: format_quantity(a.fte),
                invisible: format_quantity(a.invisible_hours),
                harvested: kr(a.harvested),
                value: kr(a.gain_kr(&l.economics)),
                reinvested: kr(a.gain_kr(&l.economics) - a.harvested),
                budget_reference: a.budget_reference.clone(),
                harvested_on: a.harvested_on.map(format_date).unwrap_or_default(),
                note: a.note.clone(),
                recorded: format!(
                    "{} af {}",
                    format_local_date(s.recorded_at),
                    l.lists.user_name(s.recorded_by).unwrap_or("ukendt")
                ),
                approval_key: match a.approval {
                    ApprovalState::NotRequired => "",
                    other => other.as_str(),
                },
                approval: a.approval.label(),
                approval_detail,
                may_decide: approver
                    && s.is_current()
                    && a.approval == ApprovalState::Pending
                    && s.recorded_by != Some(who.user.id),
                version_note: version_note(l, s),
                may_withdraw: super::plan::may_withdraw(who, l, s),
            }
        })
        .collect()
}

/// `POST /potentialer/{id}/gevinstplan/maaling/{actual}/godkendelse`: `decision`
/// (`approve` or `reject`) and `note`.
pub(crate) async fn decide(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, raw_actual)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let actual: i64 = raw_actual
        .trim()
        .parse()
        .map_err(|_| PageError::from(AppError::NotFound))?;
    let pairs = form_pairs(&body)?;
    let decision = match field(&pairs, "decision").trim() {
        "approve" => Some(ApprovalDecision::Approve),
        "reject" => Some(ApprovalDecision::Reject),
        _ => None,
    };
    let note = field(&pairs, "note");
    let result = match decision {
        Some(d) => {
            state
                .app
                .programmes()
                .decide_actual(&who.principal, id, actual, d, &note)
                .await
        }
        None => Err(AppError::Invalid(gevinst_domain::FieldErrors::single(
            "decision",
            "required",
            "Vælg om målingen skal godkendes eller afvises.",
        ))),
    };
    match result {
        Ok(a) => {
            let message = if a.actual.approval == ApprovalState::Approved {
                "godkendt"
            } else {
                "afvist"
            };
            Ok(Redirect::to(&format!(
                "/potentialer/{}/gevinstplan?besked={message}#maalinger",
                id.0
            ))
            .into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let l = load(&state, &who.principal, id).await?;
            let messages = errors.0.into_iter().map(|e| e.message).collect();
            Ok(render(
                &who,
                &l,
                None,
                None,
                messages,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(AppError::Conflict) => {
            let l = load(&state, &who.principal, id).await?;
            let message = "Målingen er allerede godkendt eller afvist af en anden.".to_owned();
            Ok(render(
                &who,
                &l,
                None,
                None,
                vec![message],
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
