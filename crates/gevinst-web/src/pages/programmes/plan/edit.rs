//! Editing a benefits realisation plan: the form, its parsing and saving.

use super::*;
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::auth::Principal;
use gevinst_app::potentials::{self};
use gevinst_app::{programmes, AppError};
use gevinst_domain::business_case::{Decimal, LineKind};
use gevinst_domain::programme::{BenefitPlan, MeasurementFrequency};
use gevinst_domain::FieldErrors;

/// One benefit's editable fields as typed.
#[derive(Debug, Clone)]
struct BenefitForm {
    label: String,
    unit: &'static str,
    owner: String,
    kpi: String,
    method: String,
    baseline: String,
    baseline_note: String,
    /// (year, amount as typed).
    targets: Vec<(i32, String)>,
}

#[derive(Template)]
#[template(path = "benefit_plan_edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    title: String,
    derived: bool,
    /// The form starts from the plan re-derived from an edited business case.
    following: bool,
    conflict: bool,
    version: String,
    frequency: String,
    benefits: Vec<BenefitForm>,
    users: Vec<(String, String)>,
    /// Whether the user may choose owners; otherwise they are shown and sent back as
    /// they are.
    may_assign_owner: bool,
    errors: FieldErrors,
    summary: Vec<ErrorItem>,
}

impl EditPage {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    fn err_id(&self, name: &str) -> String {
        anchor(name)
    }
}

fn benefit_forms(plan: &BenefitPlan) -> Vec<BenefitForm> {
    plan.benefits
        .iter()
        .map(|b| BenefitForm {
            label: b.label.clone(),
            unit: b.kind.unit_label(),
            owner: b.owner.map(|u| u.0.to_string()).unwrap_or_default(),
            kpi: b.kpi.clone(),
            method: b.measurement_method.clone(),
            baseline: input(b.baseline),
            baseline_note: b.baseline_note.clone(),
            targets: b
                .targets
                .iter()
                .map(|t| (t.year, gevinst_domain::danish::format_input(t.amount)))
                .collect(),
        })
        .collect()
}

fn frequency_value(f: MeasurementFrequency) -> &'static str {
    match f {
        MeasurementFrequency::Yearly => "yearly",
        MeasurementFrequency::Quarterly => "quarterly",
    }
}

/// The plan to edit: the stored one (re-derived from the edited business case when
/// `following`), or else the one derived from the business case.
async fn base_plan(
    state: &AppState,
    who: &Principal,
    l: &Loaded,
    following: bool,
) -> Result<(BenefitPlan, Option<i64>), PageError> {
    match &l.plan {
        Some(s) => match (&l.case_changed, following) {
            (Some(next), true) => Ok((next.clone(), Some(s.version))),
            _ => Ok((s.plan.clone(), Some(s.version))),
        },
        None => {
            let plan = state
                .app
                .programmes()
                .derive(who, l.potential.id, MeasurementFrequency::Yearly)
                .await?;
            Ok((plan, None))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render_edit(
    who: &PageUser,
    l: &Loaded,
    derived: bool,
    following: bool,
    version: String,
    frequency: String,
    benefits: Vec<BenefitForm>,
    errors: FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> Response {
    let users = l
        .lists
        .users
        .iter()
        .filter(|u| u.active)
        .map(|u| (u.id.0.to_string(), u.name.clone()))
        .collect();
    let page = EditPage {
        layout: Layout::new(
            who,
            format!("Rediger gevinstplan: {}", l.potential.title),
            "potentialer",
        ),
        id: l.potential.id.0,
        title: l.potential.title.clone(),
        derived,
        following,
        conflict,
        version,
        frequency,
        benefits,
        users,
        may_assign_owner: programmes::may_assign_owner(&who.principal, &l.potential, &l.lists),
        summary: summary(&errors),
        errors,
    };
    (status, Page(page)).into_response()
}

fn check_edit(who: &Principal, l: &Loaded) -> Result<(), PageError> {
    if !potentials::may_edit(who, &l.potential, &l.lists) {
        return Err(AppError::Forbidden.into());
    }
    Ok(())
}

/// `GET /potentialer/{id}/gevinstplan/rediger`.
///
/// With `?foelg=1` and a business case edited since the plan was saved, the form starts
/// from [`programmes::follow_case`]: the new years and targets with the owners, KPIs and
/// methods kept.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let l = load(&state, &who.principal, id).await?;
    check_edit(&who.principal, &l)?;
    let following = query.as_deref() == Some("foelg=1") && l.case_changed.is_some();
    let (plan, version) = base_plan(&state, &who.principal, &l, following).await?;
    Ok(render_edit(
        &who,
        &l,
        version.is_none(),
        following,
        version.map(|v| v.to_string()).unwrap_or_default(),
        frequency_value(plan.frequency).to_owned(),
        benefit_forms(&plan),
        FieldErrors::new(),
        false,
        StatusCode::OK,
    ))
}

/// Applies the typed fields to `plan`; errors for texts that are not valid.
fn apply(plan: &mut BenefitPlan, pairs: &[(String, String)]) -> (Vec<BenefitForm>, FieldErrors) {
    let mut e = FieldErrors::new();
    plan.frequency = match field(pairs, "frequency").as_str() {
        "quarterly" => MeasurementFrequency::Quarterly,
        "yearly" => MeasurementFrequency::Yearly,
        _ => {
            e.add("frequency", "invalid", "Vælg hvor ofte gevinsterne måles.");
            plan.frequency
        }
    };
    let mut forms = Vec::new();
    for (i, b) in plan.benefits.iter_mut().enumerate() {
        let f = |name: &str| field(pairs, &format!("benefits[{i}].{name}"));
        let owner = f("owner");
        b.owner = match owner.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(gevinst_domain::UserId(n)),
                Err(_) => {
                    e.add(
                        &format!("benefits[{i}].owner"),
                        "invalid",
                        "Vælg en gevinstejer fra listen.",
                    );
                    None
                }
            },
        };
        let kpi = f("kpi");
        let method = f("measurement_method");
        let baseline = f("baseline");
        let baseline_note = f("baseline_note");
        b.kpi = kpi.clone();
        b.measurement_method = method.clone();
        b.baseline = opt_number(
            &mut e,
            &format!("benefits[{i}].baseline"),
            "Baseline",
            &baseline,
        );
        b.baseline_note = baseline_note.clone();
        // The kr. value per unit of this line, from the derived targets.
        let per_unit = b
            .targets
            .iter()
            .find(|t| !t.amount.is_zero())
            .map(|t| t.kr / t.amount);
        let mut typed = Vec::new();
        for t in &mut b.targets {
            let name = format!("benefits[{i}].targets[{}]", t.year);
            let raw = field(pairs, &name);
            typed.push((t.year, raw.clone()));
            let label = format!("Målet for {}", t.year);
            match opt_number(&mut e, &name, &label, &raw) {
                Some(v) if v < Decimal::ZERO => e.add(
                    &name,
                    "out_of_range",
                    format!("{label} kan ikke være negativt."),
                ),
                Some(v) => {
                    t.kr = match per_unit {
                        Some(r) => v * r,
                        None if b.kind == LineKind::DirekteBesparelse => v,
                        None => t.kr,
                    };
                    t.amount = v;
                }
                None if raw.trim().is_empty() => {
                    t.amount = Decimal::ZERO;
                    t.kr = Decimal::ZERO;
                }
                None => {}
            }
        }
        forms.push(BenefitForm {
            label: b.label.clone(),
            unit: b.kind.unit_label(),
            owner,
            kpi,
            method,
            baseline,
            baseline_note,
            targets: typed,
        });
    }
    (forms, e)
}

/// `POST /potentialer/{id}/gevinstplan/rediger`.
pub(crate) async fn edit_submit(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let l = load(&state, &who.principal, id).await?;
    check_edit(&who.principal, &l)?;
    let pairs = form_pairs(&body)?;
    let version_raw = field(&pairs, "version");
    let expected = match version_raw.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => return Err(AppError::Conflict.into()),
        },
    };
    // Edit the plan the user saw: the stored one, the one following the edited case, or
    // the derived one for a new plan.
    let following = field(&pairs, "foelg") == "1" && l.case_changed.is_some();
    let (mut plan, _) = base_plan(&state, &who.principal, &l, following).await?;
    let (forms, errors) = apply(&mut plan, &pairs);
    let frequency = field(&pairs, "frequency");
    let derived = l.plan.is_none();
    if !errors.is_empty() {
        let mut all = errors;
        merge_errors(&mut all, plan.validate());
        return Ok(render_edit(
            &who,
            &l,
            derived,
            following,
            version_raw,
            frequency,
            forms,
            all,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    match state
        .app
        .programmes()
        .put_plan(&who.principal, id, expected, &plan)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/potentialer/{}/gevinstplan?besked=gemt", id.0)).into_response(),
        ),
        Err(AppError::Invalid(errors)) => Ok(render_edit(
            &who,
            &l,
            derived,
            following,
            version_raw,
            frequency,
            forms,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(AppError::Conflict) => {
            let current = l.plan.as_ref().map(|s| s.version.to_string());
            Ok(render_edit(
                &who,
                &l,
                derived,
                following,
                current.unwrap_or_default(),
                frequency,
                forms,
                FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
