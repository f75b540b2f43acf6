//! A potential's page: facts, description, status change, edit form and history.
//!
//! Both forms carry the `version` the user read. When someone else changed the potential
//! in the meantime, nothing is saved: the page is shown again (409) with the current values,
//! the user's input still in the form, and the form's `version` moved to the current one,
//! so the user can compare and save again on purpose.

use super::form::{all_errors, error_links, ErrorLink, FormView, PotentialForm};
use super::history::{history_rows, status_rows, value_text, HistoryRow, StatusRow, NONE};
use super::{field, form_pairs, parse_id, Choice};
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
use gevinst_app::potentials::{self, TenantLists};
use gevinst_app::AppError;
use gevinst_domain::danish;
use gevinst_domain::{FieldErrors, Permission, Potential, Status};

/// One fact in the facts list.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    /// Label.
    pub label: &'static str,
    /// Value.
    pub value: String,
}

/// A difference between what the user typed and what is stored now, after a conflict.
#[derive(Debug, Clone)]
pub(crate) struct Difference {
    /// Field label.
    pub label: String,
    /// The stored value now.
    pub current: String,
    /// What the user sent.
    pub yours: String,
}

/// The status-change form.
#[derive(Debug, Clone)]
pub(crate) struct StatusForm {
    /// The statuses the user may choose.
    pub options: Vec<Choice>,
    /// Reason as typed.
    pub reason: String,
    /// Errors.
    pub errors: FieldErrors,
}

impl StatusForm {
    /// The error message for a field (`status` or `reason`).
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    /// The error summary's entries.
    pub fn summary(&self) -> Vec<ErrorLink> {
        error_links(&self.errors, &["status", "reason"], "status")
    }
}

/// The page.
#[derive(Template)]
#[template(path = "potential_detail.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    version: i64,
    status_key: &'static str,
    status_label: &'static str,
    facts: Vec<Fact>,
    tags: Vec<String>,
    description: String,
    flash: Option<&'static str>,
    /// The conflict message and the differences, after a version conflict.
    conflict: Option<Vec<Difference>>,
    status_form: Option<StatusForm>,
    /// The edit form, when the user may edit.
    edit: Option<FormView>,
    /// Whether the edit section starts open (it has errors or a conflict).
    edit_open: bool,
    status_rows: Vec<StatusRow>,
    history: Vec<HistoryRow>,
    /// Key figures of the business case, when there is one.
    business_case: Option<crate::pages::business_case::Summary>,
}

/// What the page shows besides the stored potential: a confirmation, or a form's input
/// with its errors.
#[derive(Default)]
struct Extra {
    flash: Option<&'static str>,
    edit: Option<(PotentialForm, FieldErrors)>,
    status: Option<(String, String, FieldErrors)>,
    conflict: Option<Vec<Difference>>,
}

fn facts(p: &Potential, lists: &TenantLists) -> Vec<Fact> {
    let name = |n: Option<&str>| n.map(str::to_owned).unwrap_or_else(|| NONE.to_owned());
    vec![
        Fact {
            label: "Status",
            value: p.status.label().to_owned(),
        },
        Fact {
            label: "Enhed",
            value: lists.units.display_path(p.unit_id),
        },
        Fact {
            label: "Fagområde",
            value: name(lists.fagomraade_name(p.fagomraade_id)),
        },
        Fact {
            label: "Teknologi",
            value: name(lists.technology_name(p.technology_id)),
        },
        Fact {
            label: "Kilde",
            value: p.source.label().to_owned(),
        },
        Fact {
            label: "Indsendt af",
            value: name(lists.user_name(p.submitted_by)),
        },
        Fact {
            label: "Gevinstejer",
            value: name(lists.user_name(p.benefit_owner)),
        },
        Fact {
            label: "Digital agent",
            value: name(lists.user_name(p.digital_agent)),
        },
        Fact {
            label: "Kontaktperson",
            value: name(p.contact_name.as_deref()),
        },
        Fact {
            label: "Oprettet",
            value: danish::format_datetime(p.created_at),
        },
        Fact {
            label: "Senest ændret",
            value: danish::format_datetime(p.updated_at),
        },
        Fact {
            label: "Nummer",
            value: format!("{} (version {})", p.id, p.version),
        },
    ]
}

/// The fields where the user's input differs from the stored potential.
fn differences(p: &Potential, yours: &PotentialForm, lists: &TenantLists) -> Vec<Difference> {
    let stored = PotentialForm::from_potential(p);
    let as_words = |field: &str, raw: &str| -> String {
        let raw = raw.trim();
        if raw.is_empty() {
            return NONE.to_owned();
        }
        let v = match raw.parse::<i64>() {
            Ok(n)
                if field.ends_with("_id")
                    || field == "benefit_owner"
                    || field == "digital_agent" =>
            {
                serde_json::Value::from(n)
            }
            _ => serde_json::Value::from(raw),
        };
        value_text(field, &v, lists)
    };
    let pairs: [(&str, &str, &str); 10] = [
        ("title", &stored.title, &yours.title),
        ("description", &stored.description, &yours.description),
        ("unit_id", &stored.unit_id, &yours.unit_id),
        ("fagomraade_id", &stored.fagomraade_id, &yours.fagomraade_id),
        ("technology_id", &stored.technology_id, &yours.technology_id),
        ("source", &stored.source, &yours.source),
        ("tags", &stored.tags, &yours.tags),
        ("benefit_owner", &stored.benefit_owner, &yours.benefit_owner),
        ("digital_agent", &stored.digital_agent, &yours.digital_agent),
        ("contact_name", &stored.contact_name, &yours.contact_name),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| normalise(a) != normalise(b))
        .map(|(f, a, b)| Difference {
            label: super::history::field_label(f),
            current: as_words(f, a),
            yours: as_words(f, b),
        })
        .collect()
}

fn normalise(s: &str) -> String {
    s.replace("\r\n", "\n")
        .split(',')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(",")
        .trim()
        .to_owned()
}

async fn render(
    state: &AppState,
    who: &PageUser,
    p: &Potential,
    lists: &TenantLists,
    extra: Extra,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (audit, changes) = state.app.potentials().history(&who.principal, p.id).await?;
    let may_edit = potentials::may_edit(&who.principal, p, lists);
    let with_people = who.principal.actor.may_tenant_wide(Permission::Contribute);
    let edit_open = extra.edit.is_some();
    let edit = may_edit.then(|| {
        let (values, errors) = extra
            .edit
            .unwrap_or_else(|| (PotentialForm::from_potential(p), FieldErrors::new()));
        FormView::new(values, errors, lists, with_people, Some(p))
    });
    let allowed = potentials::allowed_statuses(&who.principal, p, lists);
    let status_form = (!allowed.is_empty()).then(|| {
        let (chosen, reason, errors) = extra.status.unwrap_or_default();
        let options = allowed
            .iter()
            .map(|s| {
                let label = if s.needs_reason() {
                    format!("{} (kræver begrundelse)", s.label())
                } else {
                    s.label().to_owned()
                };
                Choice::new(s.as_str(), label, &chosen)
            })
            .collect();
        StatusForm {
            options,
            reason,
            errors,
        }
    });
    let page = DetailPage {
        layout: Layout::new(who, p.title.clone(), "potentialer"),
        id: p.id.0,
        version: p.version,
        status_key: p.status.as_str(),
        status_label: p.status.label(),
        facts: facts(p, lists),
        tags: p.tags.clone(),
        description: p.description.clone(),
        flash: extra.flash,
        conflict: extra.conflict,
        status_form,
        edit,
        edit_open,
        status_rows: status_rows(&changes, lists),
        history: history_rows(&audit, lists),
        business_case: crate::pages::business_case::summary(&state.app, &who.principal, p.id)
            .await?,
    };
    Ok((status, Page(page)).into_response())
}

fn flash(key: Option<&str>) -> Option<&'static str> {
    match key? {
        "oprettet" => Some("Idéen er oprettet."),
        "gemt" => Some("Ændringerne er gemt."),
        "status" => Some("Status er ændret."),
        _ => None,
    }
}

/// `GET /potentialer/{id}`.
pub(super) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let p = state.app.potentials().get(&who.principal, id).await?;
    let lists = state.app.potentials().lists(&who.principal).await?;
    // `?besked=…` names a confirmation to show after a redirect.
    let pairs =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or_default())
            .unwrap_or_default();
    let extra = Extra {
        flash: flash(Some(field(&pairs, "besked").as_str())),
        ..Extra::default()
    };
    render(&state, &who, &p, &lists, extra, StatusCode::OK).await
}

fn read_version(pairs: &[(String, String)]) -> Result<i64, PageError> {
    field(pairs, "version").trim().parse::<i64>().map_err(|_| {
        PageError(AppError::Invalid(FieldErrors::single(
            "version",
            "invalid",
            "Formularen mangler sit versionsnummer. Genindlæs siden, og prøv igen.",
        )))
    })
}

/// `POST /potentialer/{id}/rediger`.
pub(super) async fn edit(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let app = &state.app;
    let current = app.potentials().get(&who.principal, id).await?;
    let lists = app.potentials().lists(&who.principal).await?;
    if !potentials::may_edit(&who.principal, &current, &lists) {
        return Err(AppError::Forbidden.into());
    }
    let pairs = form_pairs(&body)?;
    let version = read_version(&pairs)?;
    let values = PotentialForm::from_pairs(&pairs);
    let with_people = who.principal.actor.may_tenant_wide(Permission::Contribute);
    let (draft, parse_errors) = values.to_draft(with_people, Some(&current));
    if !parse_errors.is_empty() {
        let errors = all_errors(parse_errors, &draft, &lists);
        let extra = Extra {
            edit: Some((values, errors)),
            ..Extra::default()
        };
        return render(
            &state,
            &who,
            &current,
            &lists,
            extra,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match app
        .potentials()
        .update(&who.principal, id, version, &draft)
        .await
    {
        Ok(p) => Ok(Redirect::to(&format!("/potentialer/{}?besked=gemt", p.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let extra = Extra {
                edit: Some((values, errors)),
                ..Extra::default()
            };
            render(
                &state,
                &who,
                &current,
                &lists,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            let now = app.potentials().get(&who.principal, id).await?;
            let diffs = differences(&now, &values, &lists);
            let extra = Extra {
                edit: Some((values, FieldErrors::new())),
                conflict: Some(diffs),
                ..Extra::default()
            };
            render(&state, &who, &now, &lists, extra, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /potentialer/{id}/status`.
pub(super) async fn change_status(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let app = &state.app;
    let current = app.potentials().get(&who.principal, id).await?;
    let lists = app.potentials().lists(&who.principal).await?;
    let pairs = form_pairs(&body)?;
    let version = read_version(&pairs)?;
    let chosen = field(&pairs, "status");
    let reason = field(&pairs, "reason");
    let Some(to) = Status::parse(&chosen) else {
        if potentials::allowed_statuses(&who.principal, &current, &lists).is_empty() {
            return Err(AppError::Forbidden.into());
        }
        let errors = FieldErrors::single("status", "invalid", "Vælg den nye status.");
        let extra = Extra {
            status: Some((chosen, reason, errors)),
            ..Extra::default()
        };
        return render(
            &state,
            &who,
            &current,
            &lists,
            extra,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let reason_arg = Some(reason.as_str()).filter(|r| !r.trim().is_empty());
    match app
        .potentials()
        .change_status(&who.principal, id, version, to, reason_arg)
        .await
    {
        Ok(p) => Ok(Redirect::to(&format!("/potentialer/{}?besked=status", p.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let extra = Extra {
                status: Some((chosen, reason, errors)),
                ..Extra::default()
            };
            render(
                &state,
                &who,
                &current,
                &lists,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            let now = app.potentials().get(&who.principal, id).await?;
            let diff = Difference {
                label: "Status".to_owned(),
                current: now.status.label().to_owned(),
                yours: format!("{} (dit valg)", to.label()),
            };
            let extra = Extra {
                status: Some((chosen, reason, FieldErrors::new())),
                conflict: Some(vec![diff]),
                ..Extra::default()
            };
            render(&state, &who, &now, &lists, extra, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
