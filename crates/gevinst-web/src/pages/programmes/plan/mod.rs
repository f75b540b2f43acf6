//! A potential's benefits realisation plan (*gevinstrealiseringsplan*) and its actuals.
//!
//! - `GET /potentialer/{id}/gevinstplan`: the plan, the measurement schedule, the actuals
//!   and the form "Registrér måling" (for the benefit owner, a porteføljeleder or an
//!   admin; the use case enforces the rule anyway).
//! - `POST /potentialer/{id}/gevinstplan/maaling`: records an actual (303 on success, 422
//!   with Danish errors and the input kept).
//! - `POST /potentialer/{id}/gevinstplan/maaling/{actual}/godkendelse`: approves or
//!   rejects a flagged actual, see [`super::approval`].
//! - `GET|POST /potentialer/{id}/gevinstplan/rediger`: edits owners, KPIs, methods,
//!   baselines, yearly targets and frequency with the version read; without a plan the
//!   form starts from the plan derived from the business case ("Udled plan").

use super::approval::{actual_views, ActualView};
use super::{
    anchor, field, form_pairs, input, merge_errors, opt_number, potential_id, summary, ErrorItem,
};
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
use chrono::NaiveDate;
use gevinst_app::auth::Principal;
use gevinst_app::potentials::{self, TenantLists};
use gevinst_app::programmes::{RecordIntent, Recorded, StoredActual, StoredBenefitPlan};
use gevinst_app::AppError;
use gevinst_domain::business_case::{Economics, LineKind};
use gevinst_domain::danish::{
    format_date, format_kr, format_line_amount as unit_amount, format_quantity,
};
use gevinst_domain::programme::{
    counts_as_decided, ActualDraft, ApprovalState, BenefitPlan, MeasurementFrequency, Period,
};
use gevinst_domain::{FieldErrors, Permission, Potential, PotentialId};

/// One benefit as the plan page shows it.
struct BenefitView {
    label: String,
    kind: String,
    hjemtagbar: bool,
    owner: String,
    kpi: String,
    method: String,
    baseline: String,
    targets: Vec<String>,
}

/// One measurement of the schedule.
struct DueView {
    period: String,
    due: String,
    state: &'static str,
    /// Which benefits are missing, for overdue periods.
    detail: String,
    overdue: bool,
}

/// The form "Registrér måling" as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ActualForm {
    pub line: String,
    pub period: String,
    pub hours: String,
    pub kr: String,
    pub fte: String,
    pub invisible_hours: String,
    pub harvested: String,
    pub budget_reference: String,
    pub harvested_on: String,
    pub note: String,
    /// `correction` or `additional` once the user confirmed a duplicate; else "".
    pub intent: String,
    /// "1" once the user confirmed a harvest above what is realised; else "".
    pub harvest_confirmed: String,
}

/// What the form asks the user to confirm before it records anything.
#[derive(Debug, Clone)]
pub(crate) enum Confirm {
    /// An actual is already recorded for the benefit and period (described).
    Duplicate(String),
    /// The harvest exceeds what the benefit and period realise (the Danish warning).
    Harvest(String),
}

/// An `<option>`.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

struct RecordView {
    form: ActualForm,
    errors: FieldErrors,
    summary: Vec<ErrorItem>,
    lines: Vec<Opt>,
    /// The kind of the chosen benefit, which decides the quantities shown first.
    kind: Option<LineKind>,
    /// The actual already recorded for this benefit and period, described, when the user
    /// must confirm a correction or an extra actual.
    duplicate: Option<String>,
    /// The warning that the harvest exceeds what is realised, when the user must confirm it.
    harvest: Option<String>,
}

impl RecordView {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    /// The inputs the chosen benefit measures (all without a chosen benefit), and any
    /// other input with a value or an error.
    fn inputs(&self) -> Vec<(&'static str, &'static str, String)> {
        let (shown, _) = self.split_inputs();
        shown
    }

    /// The inputs the chosen benefit does not measure, folded away.
    fn other_inputs(&self) -> Vec<(&'static str, &'static str, String)> {
        let (_, other) = self.split_inputs();
        other
    }

    fn split_inputs(&self) -> InputSplit {
        self.all_inputs().into_iter().partition(|(name, _, value)| {
            self.kind.is_none_or(|k| versions::measures(k, name))
                || !value.trim().is_empty()
                || self.err(name).is_some()
        })
    }

    /// The plain text inputs: (name, label, value).
    fn all_inputs(&self) -> Vec<(&'static str, &'static str, String)> {
        let f = &self.form;
        vec![
            ("hours", "Frigjorte timer", f.hours.clone()),
            ("kr", "Realiseret i kr.", f.kr.clone()),
            ("fte", "Frigjorte årsværk", f.fte.clone()),
            (
                "invisible_hours",
                "Usynligt arbejde i timer",
                f.invisible_hours.clone(),
            ),
            (
                "harvested",
                "Hjemtaget i kr. (fjernet fra budgettet)",
                f.harvested.clone(),
            ),
            (
                "budget_reference",
                "Budgetreference",
                f.budget_reference.clone(),
            ),
            (
                "harvested_on",
                "Hjemtaget den (dd.mm.åååå)",
                f.harvested_on.clone(),
            ),
        ]
    }
}

#[derive(Template)]
#[template(path = "benefit_plan.html")]
struct PlanPage {
    layout: Layout,
    id: i64,
    title: String,
    status: String,
    flash: Option<&'static str>,
    plan: Option<PlanSummary>,
    benefits: Vec<BenefitView>,
    years: Vec<i32>,
    due: Vec<DueView>,
    actuals: Vec<ActualView>,
    /// Why an approval or rejection was refused.
    decision_errors: Vec<String>,
    record: Option<RecordView>,
    may_edit: bool,
    may_derive: bool,
    no_case: bool,
    /// The business case was edited after the plan was saved.
    case_changed: bool,
}

struct PlanSummary {
    period: String,
    frequency: &'static str,
    version: i64,
}

fn frequency_label(f: MeasurementFrequency) -> &'static str {
    match f {
        MeasurementFrequency::Yearly => "Årligt (31. december)",
        MeasurementFrequency::Quarterly => "Kvartalsvis (kvartalets sidste dag)",
    }
}

type InputSplit = (
    Vec<(&'static str, &'static str, String)>,
    Vec<(&'static str, &'static str, String)>,
);

/// Whether the principal may record actuals on this plan at all.
pub(super) fn may_record(who: &Principal, plan: &BenefitPlan) -> bool {
    who.actor.may_tenant_wide(Permission::ManagePortfolio)
        || plan.benefits.iter().any(|b| b.owner == Some(who.user.id))
}

/// Parses a date: `2026-03-31` or `31.03.2026`.
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .ok()
}

impl ActualForm {
    fn from_pairs(p: &[(String, String)]) -> Self {
        ActualForm {
            line: field(p, "line"),
            period: field(p, "period"),
            hours: field(p, "hours"),
            kr: field(p, "kr"),
            fte: field(p, "fte"),
            invisible_hours: field(p, "invisible_hours"),
            harvested: field(p, "harvested"),
            budget_reference: field(p, "budget_reference"),
            harvested_on: field(p, "harvested_on"),
            note: field(p, "note"),
            intent: field(p, "intent"),
            harvest_confirmed: field(p, "harvest_confirmed"),
        }
    }

    /// The draft, and errors for texts that are not numbers, periods or dates.
    fn to_draft(&self) -> (ActualDraft, FieldErrors) {
        let mut e = FieldErrors::new();
        let line = match self.line.trim() {
            "" => None,
            s => match s.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    e.add("line", "invalid", "Vælg en gevinst fra listen.");
                    None
                }
            },
        };
        let period = match self.period.trim() {
            "" => None,
            s => match s.parse::<Period>() {
                Ok(p) => Some(p),
                Err(err) => {
                    e.add("period", err.code, err.message);
                    None
                }
            },
        };
        let hours = opt_number(&mut e, "hours", "Frigjorte timer", &self.hours);
        let kr = opt_number(&mut e, "kr", "Realiseret i kr.", &self.kr);
        let fte = opt_number(&mut e, "fte", "Frigjorte årsværk", &self.fte);
        let invisible_hours = opt_number(
            &mut e,
            "invisible_hours",
            "Usynligt arbejde",
            &self.invisible_hours,
        );
        let harvested = opt_number(&mut e, "harvested", "Hjemtaget", &self.harvested);
        let harvested_on = match self.harvested_on.trim() {
            "" => None,
            s => match parse_date(s) {
                Some(d) => Some(d),
                None => {
                    e.add(
                        "harvested_on",
                        "invalid",
                        "Skriv datoen som dd.mm.åååå, f.eks. 31.03.2026.",
                    );
                    None
                }
            },
        };
        let draft = ActualDraft {
            line,
            period,
            hours,
            kr,
            fte,
            invisible_hours,
            harvested,
            budget_reference: self.budget_reference.clone(),
            harvested_on,
            note: self.note.clone(),
        };
        (draft, e)
    }
}

pub(super) struct Loaded {
    pub(super) potential: Potential,
    pub(super) lists: TenantLists,
    pub(super) plan: Option<StoredBenefitPlan>,
    pub(super) actuals: Vec<StoredActual>,
    pub(super) economics: Economics,
    has_case: bool,
    /// The saved plan re-derived from the business case as it is now, if that differs
    /// from the saved plan (the case was edited after the plan was made).
    case_changed: Option<BenefitPlan>,
}

pub(super) async fn load(
    state: &AppState,
    who: &Principal,
    id: PotentialId,
) -> Result<Loaded, PageError> {
    let app = &state.app;
    let potential = app.potentials().get(who, id).await?;
    let lists = app.potentials().lists(who).await?;
    let plan = app.programmes().plan(who, id).await?;
    let actuals = app.programmes().actuals(who, id).await?;
    let economics = app.business_cases().economics(who).await?.economics;
    let has_case = app.business_cases().has_case(who, id).await?;
    let case_changed = app
        .programmes()
        .follow_case(who, id)
        .await?
        .filter(|next| plan.as_ref().is_some_and(|p| &p.plan != next));
    Ok(Loaded {
        potential,
        lists,
        plan,
        actuals,
        economics,
        has_case,
        case_changed,
    })
}

pub(super) fn render(
    who: &PageUser,
    l: &Loaded,
    flash: Option<&'static str>,
    form: Option<(ActualForm, FieldErrors, Option<Confirm>)>,
    decision_errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let p = &who.principal;
    let today = chrono::Utc::now().date_naive();
    let may_edit = potentials::may_edit(p, &l.potential, &l.lists);
    let decided = counts_as_decided(l.potential.status);
    let (mut benefits, mut years, mut due, mut record, mut summary_v) =
        (Vec::new(), Vec::new(), Vec::new(), None, None);
    if let Some(stored) = &l.plan {
        let plan = &stored.plan;
        years = (plan.first_year..=plan.last_year).collect();
        summary_v = Some(PlanSummary {
            period: format!("{}–{}", plan.first_year, plan.last_year),
            frequency: frequency_label(plan.frequency),
            version: stored.version,
        });
        benefits = plan
            .benefits
            .iter()
            .map(|b| BenefitView {
                label: b.label.clone(),
                kind: b.kind.label().to_owned(),
                hjemtagbar: b.hjemtagbar,
                owner: l
                    .lists
                    .user_name(b.owner)
                    .unwrap_or("Ingen gevinstejer")
                    .to_owned(),
                kpi: b.kpi.clone(),
                method: b.measurement_method.clone(),
                baseline: match b.baseline {
                    Some(v) if b.baseline_note.is_empty() => format_quantity(v),
                    Some(v) => format!("{} ({})", format_quantity(v), b.baseline_note),
                    None if b.baseline_note.is_empty() => "Ikke angivet".to_owned(),
                    None => b.baseline_note.clone(),
                },
                targets: years
                    .iter()
                    .map(|y| {
                        b.targets
                            .iter()
                            .find(|t| t.year == *y)
                            .map(|t| {
                                if b.kind.unit_label() == "kr." {
                                    unit_amount(b.kind, t.amount)
                                } else {
                                    format!(
                                        "{} ({})",
                                        unit_amount(b.kind, t.amount),
                                        format_kr(t.kr)
                                    )
                                }
                            })
                            .unwrap_or_else(|| "–".to_owned())
                    })
                    .collect(),
            })
            .collect();
        let recorded = gevinst_app::programmes::counted(l.actuals.clone());
        let open = plan.overdue(&recorded, today);
        due = plan
            .due_dates()
            .into_iter()
            .map(|(period, d)| {
                let missing: Vec<&str> = open
                    .iter()
                    .filter(|(_, p, _)| *p == period)
                    .filter_map(|(line, _, _)| {
                        plan.benefits
                            .iter()
                            .find(|b| b.line == *line)
                            .map(|b| b.label.as_str())
                    })
                    .collect();
                let (state, detail, overdue) = if d > today {
                    ("Kommende", String::new(), false)
                } else if !missing.is_empty() {
                    (
                        "Overskredet",
                        format!("mangler: {}", missing.join(", ")),
                        true,
                    )
                } else {
                    ("Registreret", String::new(), false)
                };
                DueView {
                    period: period.label(),
                    due: format_date(d),
                    state,
                    detail,
                    overdue,
                }
            })
            .collect();
        if may_record(p, plan) {
            let manager = p.actor.may_tenant_wide(Permission::ManagePortfolio);
            let (form, errors, confirm) = form.unwrap_or_default();
            let (duplicate, harvest) = match confirm {
                Some(Confirm::Duplicate(d)) => (Some(d), None),
                Some(Confirm::Harvest(h)) => (None, Some(h)),
                None => (None, None),
            };
            let kind = plan
                .benefits
                .iter()
                .find(|b| form.line.trim() == b.line.to_string())
                .map(|b| b.kind);
            let lines = plan
                .benefits
                .iter()
                .filter(|b| manager || b.owner == Some(p.user.id))
                .map(|b| Opt {
                    value: b.line.to_string(),
                    label: b.label.clone(),
                    selected: form.line.trim() == b.line.to_string(),
                })
                .collect();
            record = Some(RecordView {
                summary: summary(&errors),
                form,
                errors,
                lines,
                kind,
                duplicate,
                harvest,
            });
        }
    }
    let actuals = actual_views(p, l);
    let page = PlanPage {
        layout: Layout::new(
            who,
            format!("Gevinstplan: {}", l.potential.title),
            "potentialer",
        ),
        id: l.potential.id.0,
        title: l.potential.title.clone(),
        status: l.potential.status.label().to_owned(),
        flash,
        plan: summary_v,
        benefits,
        years,
        due,
        actuals,
        decision_errors,
        record,
        may_edit: may_edit && decided,
        may_derive: may_edit && decided && l.plan.is_none() && l.has_case,
        no_case: l.plan.is_none() && !l.has_case,
        case_changed: l.case_changed.is_some(),
    };
    (status, Page(page)).into_response()
}

/// `GET /potentialer/{id}/gevinstplan`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let l = load(&state, &who.principal, id).await?;
    let prefill = versions::prefill(query.as_deref());
    let query = versions::message_key(query.as_deref());
    let flash = match query.as_deref() {
        Some("besked=maaling") => Some("Målingen er registreret."),
        Some("besked=afventer") => Some(
            "Målingen er registreret og afventer godkendelse: den er stor eller langt over \
             planen, så en anden porteføljeleder eller administrator skal godkende den, før \
             den tæller som realiseret.",
        ),
        Some("besked=godkendt") => Some("Målingen er godkendt og tæller nu med."),
        Some("besked=afvist") => Some("Målingen er afvist og tæller ikke med."),
        Some("besked=gemt") => Some("Gevinstplanen er gemt."),
        Some("besked=rettet") => Some(
            "Rettelsen er registreret. Den erstatter den tidligere måling, som stadig kan ses, \
             men ikke tæller med.",
        ),
        Some("besked=tilbagetrukket") => {
            Some("Målingen er trukket tilbage og tæller ikke længere med.")
        }
        _ => None,
    };
    let form = prefill.map(|f| (f, FieldErrors::new(), None));
    Ok(render(&who, &l, flash, form, Vec::new(), StatusCode::OK))
}

/// `POST /potentialer/{id}/gevinstplan/maaling`.
pub(crate) async fn record(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = potential_id(&raw)?;
    let l = load(&state, &who.principal, id).await?;
    let Some(stored) = &l.plan else {
        return Err(AppError::NotFound.into());
    };
    if !may_record(&who.principal, &stored.plan) {
        return Err(AppError::Forbidden.into());
    }
    let pairs = form_pairs(&body)?;
    let form = ActualForm::from_pairs(&pairs);
    let (draft, errors) = form.to_draft();
    if !errors.is_empty() {
        let mut all = errors;
        if let Err(domain) = draft.validate(&stored.plan) {
            merge_errors(&mut all, domain);
        }
        return Ok(render(
            &who,
            &l,
            None,
            Some((form, all, None)),
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let intent = match form.intent.as_str() {
        "correction" => RecordIntent::Correction(None),
        "additional" => RecordIntent::Additional,
        _ => RecordIntent::New,
    };
    if form.harvest_confirmed != "1" {
        let warning = state
            .app
            .programmes()
            .harvest_warning(&who.principal, id, &draft, intent)
            .await?;
        if let Some(w) = warning {
            let confirm = Confirm::Harvest(w.message());
            return Ok(render(
                &who,
                &l,
                None,
                Some((form, FieldErrors::new(), Some(confirm))),
                Vec::new(),
                StatusCode::CONFLICT,
            ));
        }
    }
    match state
        .app
        .programmes()
        .record_actual_as(&who.principal, id, &draft, intent)
        .await
    {
        Ok(Recorded::Duplicate(existing)) => {
            let text = Confirm::Duplicate(versions::describe(&l, &existing));
            Ok(render(
                &who,
                &l,
                None,
                Some((form, FieldErrors::new(), Some(text))),
                Vec::new(),
                StatusCode::CONFLICT,
            ))
        }
        Ok(Recorded::Added(a)) => {
            let message = if a.actual.approval == ApprovalState::Pending {
                "afventer"
            } else if a.replaces.is_some() {
                "rettet"
            } else {
                "maaling"
            };
            Ok(Redirect::to(&format!(
                "/potentialer/{}/gevinstplan?besked={message}",
                id.0
            ))
            .into_response())
        }
        Err(AppError::Invalid(errors)) => Ok(render(
            &who,
            &l,
            None,
            Some((form, errors, None)),
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

mod edit;
mod versions;

pub(crate) use edit::{edit_form, edit_submit};
pub(super) use versions::may_withdraw;
pub(crate) use versions::withdraw;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_iso_or_danish() {
        assert_eq!(
            parse_date("31.03.2026"),
            NaiveDate::from_ymd_opt(2026, 3, 31)
        );
        assert_eq!(
            parse_date("2026-03-31"),
            NaiveDate::from_ymd_opt(2026, 3, 31)
        );
        assert_eq!(parse_date("31/13/2026"), None);
    }
}
