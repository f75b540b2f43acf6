//! Creating and editing a programme: `GET|POST /programmer/ny` and
//! `GET|POST /programmer/{id}/rediger` (porteføljeleder or admin).
//!
//! The form: name, first and last year, targets (kind, amount in Danish number format,
//! deadline year, milestones "2025: 5.000.000; 2026: 12.000.000"), the included potentials
//! as checkboxes (with "medtag alle besluttede og senere"), and per target a distribution
//! key over the forvaltninger in amounts or percentages. The button "Tilføj mål" re-renders
//! the form with one more target row, without saving. Edits carry the version read; a
//! stale version is refused with the input kept.

use super::{anchor, field, fields, form_pairs, merge_errors, opt_number, opt_year, programme_id};
use super::{summary, ErrorItem};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gevinst_app::auth::Principal;
use gevinst_app::potentials::TenantLists;
use gevinst_app::AppError;
use gevinst_domain::danish::format_input;
use gevinst_domain::programme::{
    counts_as_decided, DistributionKey, KeyBasis, Milestone, Programme, ProgrammeDraft, Share,
    ShareOwner, TargetDraft, TargetKind,
};
use gevinst_domain::{FieldErrors, Permission, PotentialId, PotentialQuery, UnitId};

/// One target row as typed.
#[derive(Debug, Clone, Default)]
struct TargetRow {
    kind: String,
    amount: String,
    deadline_year: String,
    milestones: String,
    basis: String,
    /// (unit id, typed share) per forvaltning.
    shares: Vec<(i64, String)>,
}

/// A potential that can be included.
struct PotentialChoice {
    id: i64,
    title: String,
    status: &'static str,
    unit: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "programme_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    edit_id: Option<i64>,
    version: String,
    name: String,
    first_year: String,
    last_year: String,
    targets: Vec<TargetRow>,
    units: Vec<(i64, String)>,
    potentials: Vec<PotentialChoice>,
    include_decided: bool,
    conflict: bool,
    errors: FieldErrors,
    summary: Vec<ErrorItem>,
}

impl FormPage {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    /// The first error of a field or of anything below it (e.g. a key's shares).
    fn err_under(&self, prefix: &str) -> Option<&str> {
        self.errors
            .0
            .iter()
            .find(|e| e.field == prefix || e.field.starts_with(&format!("{prefix}.")))
            .map(|e| e.message.as_str())
    }

    fn id_of(&self, name: &str) -> String {
        anchor(name)
    }

    fn share_value(&self, t: &TargetRow, unit: &i64) -> String {
        t.shares
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
struct ProgrammeForm {
    name: String,
    first_year: String,
    last_year: String,
    targets: Vec<TargetRow>,
    potentials: Vec<i64>,
    include_decided: bool,
}

fn kind_value(k: TargetKind) -> &'static str {
    match k {
        TargetKind::KrPerYear => "kr_per_year",
        TargetKind::Aarsvaerk => "aarsvaerk",
    }
}

impl ProgrammeForm {
    fn blank() -> Self {
        ProgrammeForm {
            targets: vec![TargetRow::default(), TargetRow::default()],
            ..Default::default()
        }
    }

    fn from_programme(p: &Programme) -> Self {
        let mut targets: Vec<TargetRow> = p
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = p.distribution_keys.iter().find(|k| k.target == i);
                TargetRow {
                    kind: kind_value(t.kind).to_owned(),
                    amount: format_input(t.amount),
                    deadline_year: t.deadline_year.to_string(),
                    milestones: t
                        .milestones
                        .iter()
                        .map(|m| format!("{}: {}", m.year, format_input(m.amount)))
                        .collect::<Vec<_>>()
                        .join("; "),
                    basis: match key.map(|k| k.basis) {
                        Some(KeyBasis::Amounts) => "amounts".into(),
                        Some(KeyBasis::Percentages) => "percentages".into(),
                        None => String::new(),
                    },
                    shares: key
                        .map(|k| {
                            k.shares
                                .iter()
                                .filter_map(|s| match s.owner {
                                    ShareOwner::Unit(u) => Some((u.0, format_input(s.value))),
                                    ShareOwner::Fagomraade(_) => None,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        targets.push(TargetRow::default());
        ProgrammeForm {
            name: p.name.clone(),
            first_year: p.first_year.to_string(),
            last_year: p.last_year.to_string(),
            targets,
            potentials: p.potentials.iter().map(|p| p.0).collect(),
            include_decided: false,
        }
    }

    fn from_pairs(pairs: &[(String, String)], units: &[(i64, String)]) -> Self {
        let count = field(pairs, "target_count")
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
            .min(20);
        let targets = (0..count)
            .map(|i| {
                let f = |n: &str| field(pairs, &format!("targets[{i}].{n}"));
                TargetRow {
                    kind: f("kind"),
                    amount: f("amount"),
                    deadline_year: f("deadline_year"),
                    milestones: f("milestones"),
                    basis: f("basis"),
                    shares: units
                        .iter()
                        .map(|(u, _)| (*u, field(pairs, &format!("targets[{i}].share[{u}]"))))
                        .collect(),
                }
            })
            .collect();
        ProgrammeForm {
            name: field(pairs, "name"),
            first_year: field(pairs, "first_year"),
            last_year: field(pairs, "last_year"),
            targets,
            potentials: fields(pairs, "potentials")
                .iter()
                .filter_map(|v| v.trim().parse().ok())
                .collect(),
            include_decided: !field(pairs, "include_decided").is_empty(),
        }
    }

    /// The draft and the errors of texts that could not be read. Target rows left
    /// completely empty are skipped; field names refer to the kept rows' indices.
    fn to_draft(&self, decided: &[i64]) -> (ProgrammeDraft, FieldErrors, Vec<usize>) {
        let mut e = FieldErrors::new();
        let first_year = opt_year(&mut e, "first_year", "Første år", &self.first_year);
        let last_year = opt_year(&mut e, "last_year", "Sidste år", &self.last_year);
        let mut targets = Vec::new();
        let mut keys = Vec::new();
        let mut kept = Vec::new();
        for (row_index, t) in self.targets.iter().enumerate() {
            let empty = t.kind.trim().is_empty()
                && t.amount.trim().is_empty()
                && t.deadline_year.trim().is_empty()
                && t.milestones.trim().is_empty();
            if empty {
                continue;
            }
            let i = targets.len();
            kept.push(row_index);
            let p = format!("targets[{i}]");
            let kind = match t.kind.as_str() {
                "kr_per_year" => Some(TargetKind::KrPerYear),
                "aarsvaerk" => Some(TargetKind::Aarsvaerk),
                _ => None,
            };
            let amount = opt_number(
                &mut e,
                &format!("{p}.amount"),
                "Målets størrelse",
                &t.amount,
            );
            let deadline_year = opt_year(
                &mut e,
                &format!("{p}.deadline_year"),
                "Fristen",
                &t.deadline_year,
            );
            let milestones = parse_milestones(&mut e, &format!("{p}.milestones"), &t.milestones);
            targets.push(TargetDraft {
                kind,
                amount,
                deadline_year,
                milestones,
            });
            let basis = match t.basis.as_str() {
                "amounts" => Some(KeyBasis::Amounts),
                "percentages" => Some(KeyBasis::Percentages),
                _ => None,
            };
            if let Some(basis) = basis {
                let mut shares = Vec::new();
                for (u, raw) in &t.shares {
                    let name = format!("{p}.share[{u}]");
                    if let Some(v) = opt_number(&mut e, &name, "Andelen", raw) {
                        shares.push(Share {
                            owner: ShareOwner::Unit(UnitId(*u)),
                            value: v,
                        });
                    }
                }
                keys.push(DistributionKey {
                    target: i,
                    basis,
                    shares,
                });
            }
        }
        let mut ids: Vec<PotentialId> = self.potentials.iter().map(|i| PotentialId(*i)).collect();
        if self.include_decided {
            for d in decided {
                if !ids.contains(&PotentialId(*d)) {
                    ids.push(PotentialId(*d));
                }
            }
        }
        let draft = ProgrammeDraft {
            name: self.name.clone(),
            first_year,
            last_year,
            targets,
            potentials: ids,
            distribution_keys: keys,
        };
        (draft, e, kept)
    }
}

/// Parses milestones: `"2025: 5.000.000; 2026: 12.000.000"`.
fn parse_milestones(e: &mut FieldErrors, name: &str, raw: &str) -> Vec<Milestone> {
    let mut out = Vec::new();
    for part in raw.split([';', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let parsed = part.split_once(':').and_then(|(y, a)| {
            let year = y.trim().parse::<i32>().ok()?;
            let amount = gevinst_domain::danish::parse_number(a).ok()?;
            Some(Milestone { year, amount })
        });
        match parsed {
            Some(m) => out.push(m),
            None => {
                e.add(
                    name,
                    "invalid",
                    format!(
                        "Delmålet \"{part}\" kan ikke læses. Skriv delmål som \"2025: 5.000.000; 2026: 12.000.000\"."
                    ),
                );
                return out;
            }
        }
    }
    out
}

/// Maps the domain's field names (with indices of kept target rows) to the form's rows.
fn adapt_errors(errors: FieldErrors, kept: &[usize], keys_target_rows: &[usize]) -> FieldErrors {
    let mut out = FieldErrors::new();
    for mut e in errors.0 {
        if let Some(rest) = e.field.strip_prefix("targets[") {
            if let Some((n, tail)) = rest.split_once(']') {
                if let Some(row) = n.parse::<usize>().ok().and_then(|i| kept.get(i)) {
                    e.field = format!("targets[{row}]{tail}");
                }
            }
        } else if let Some(rest) = e.field.strip_prefix("distribution_keys[") {
            if let Some((n, tail)) = rest.split_once(']') {
                if let Some(row) = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| keys_target_rows.get(i))
                {
                    let tail = if tail.starts_with(".shares") {
                        ".basis".to_owned()
                    } else {
                        tail.to_owned()
                    };
                    e.field = format!("targets[{row}]{tail}");
                }
            }
        }
        if out.message_for(&e.field).is_none() {
            out.0.push(e);
        } else {
            // Keep every message: put extras under the form.
            e.field = format!("{}.more", e.field);
            out.0.push(e);
        }
    }
    out
}

fn may_manage(who: &Principal) -> bool {
    who.actor.may_tenant_wide(Permission::ManagePortfolio)
}

/// Forvaltninger (top-level units) as (id, name).
fn forvaltninger(lists: &TenantLists) -> Vec<(i64, String)> {
    lists
        .units
        .flatten()
        .into_iter()
        .filter(|(depth, u)| *depth == 0 && u.active)
        .map(|(_, u)| (u.id.0, u.name.clone()))
        .collect()
}

/// Every potential of the tenant (up to 1,000) for the checkbox list.
async fn all_potentials(
    state: &AppState,
    who: &Principal,
) -> Result<Vec<gevinst_domain::Potential>, PageError> {
    let mut out = Vec::new();
    for page in 1..=5u32 {
        let q = PotentialQuery {
            page,
            per_page: 200,
            ..PotentialQuery::default()
        };
        let got = state.app.potentials().list(who, &q).await?;
        let n = got.items.len();
        out.extend(got.items);
        if n < 200 {
            break;
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    who: &PageUser,
    edit_id: Option<i64>,
    version: String,
    form: ProgrammeForm,
    errors: FieldErrors,
    conflict: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = &who.principal;
    let lists = state.app.potentials().lists(p).await?;
    let units = forvaltninger(&lists);
    let potentials = all_potentials(state, p)
        .await?
        .into_iter()
        .map(|pot| PotentialChoice {
            id: pot.id.0,
            checked: form.potentials.contains(&pot.id.0),
            title: pot.title,
            status: pot.status.label(),
            unit: lists.units.display_path(pot.unit_id),
        })
        .collect();
    let title = match edit_id {
        Some(_) => format!("Rediger program: {}", form.name),
        None => "Nyt program".to_owned(),
    };
    let page = FormPage {
        layout: Layout::new(who, title, "programmer"),
        action: match edit_id {
            Some(id) => format!("/programmer/{id}/rediger"),
            None => "/programmer/ny".to_owned(),
        },
        edit_id,
        version,
        name: form.name,
        first_year: form.first_year,
        last_year: form.last_year,
        targets: form.targets,
        units,
        potentials,
        include_decided: form.include_decided,
        conflict,
        summary: summary(&errors),
        errors,
    };
    Ok((status, Page(page)).into_response())
}

/// `GET /programmer/ny`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    if !may_manage(&who.principal) {
        return Err(AppError::Forbidden.into());
    }
    render(
        &state,
        &who,
        None,
        String::new(),
        ProgrammeForm::blank(),
        FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

/// `GET /programmer/{id}/rediger`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let stored = state.app.programmes().get(&who.principal, id).await?;
    if !may_manage(&who.principal) {
        return Err(AppError::Forbidden.into());
    }
    render(
        &state,
        &who,
        Some(id.0),
        stored.version.to_string(),
        ProgrammeForm::from_programme(&stored.programme),
        FieldErrors::new(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Reads the form; `Err` is a re-rendered page (for "Tilføj mål" or errors).
async fn read(
    state: &AppState,
    who: &PageUser,
    edit_id: Option<i64>,
    pairs: &[(String, String)],
) -> Result<Result<(ProgrammeForm, ProgrammeDraft, Vec<usize>, Vec<usize>), Response>, PageError> {
    let p = &who.principal;
    let lists = state.app.potentials().lists(p).await?;
    let units = forvaltninger(&lists);
    let mut form = ProgrammeForm::from_pairs(pairs, &units);
    let version = field(pairs, "version");
    if field(pairs, "action") == "add_target" {
        form.targets.push(TargetRow::default());
        let page = render(
            state,
            who,
            edit_id,
            version,
            form,
            FieldErrors::new(),
            false,
            StatusCode::OK,
        )
        .await?;
        return Ok(Err(page));
    }
    let decided: Vec<i64> = all_potentials(state, p)
        .await?
        .iter()
        .filter(|pot| counts_as_decided(pot.status))
        .map(|pot| pot.id.0)
        .collect();
    let (draft, errors, kept) = form.to_draft(&decided);
    let key_rows: Vec<usize> = draft
        .distribution_keys
        .iter()
        .filter_map(|k| kept.get(k.target).copied())
        .collect();
    let mut errors = adapt_errors(errors, &kept, &key_rows);
    if !errors.is_empty() {
        if let Err(domain) = draft.validate() {
            merge_errors(&mut errors, adapt_errors(domain, &kept, &key_rows));
        }
        let page = render(
            state,
            who,
            edit_id,
            version,
            form,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        return Ok(Err(page));
    }
    errors.0.clear();
    Ok(Ok((form, draft, kept, key_rows)))
}

/// `POST /programmer/ny`.
pub(crate) async fn create(
    State(state): State<AppState>,
    who: PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    if !may_manage(&who.principal) {
        return Err(AppError::Forbidden.into());
    }
    let pairs = form_pairs(&body)?;
    let (form, draft, kept, key_rows) = match read(&state, &who, None, &pairs).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    match state.app.programmes().create(&who.principal, &draft).await {
        Ok(s) => Ok(Redirect::to(&format!("/programmer/{}", s.id.0)).into_response()),
        Err(AppError::Invalid(e)) => {
            render(
                &state,
                &who,
                None,
                String::new(),
                form,
                adapt_errors(e, &kept, &key_rows),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /programmer/{id}/rediger`.
pub(crate) async fn update(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = programme_id(&raw)?;
    let stored = state.app.programmes().get(&who.principal, id).await?;
    if !may_manage(&who.principal) {
        return Err(AppError::Forbidden.into());
    }
    let pairs = form_pairs(&body)?;
    let version_raw = field(&pairs, "version");
    let (form, draft, kept, key_rows) = match read(&state, &who, Some(id.0), &pairs).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    let version = version_raw.trim().parse::<i64>().unwrap_or(-1);
    match state
        .app
        .programmes()
        .update(&who.principal, id, version, &draft)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/programmer/{}", id.0)).into_response()),
        Err(AppError::Invalid(e)) => {
            render(
                &state,
                &who,
                Some(id.0),
                version_raw,
                form,
                adapt_errors(e, &kept, &key_rows),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            render(
                &state,
                &who,
                Some(id.0),
                stored.version.to_string(),
                form,
                FieldErrors::new(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::business_case::Decimal;

    #[test]
    fn milestones_parse_danish_amounts() {
        let mut e = FieldErrors::new();
        let m = parse_milestones(&mut e, "m", "2025: 5.000.000; 2026: 12.000.000");
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].year, 2026);
        assert_eq!(m[1].amount, Decimal::from(12_000_000));
        assert!(e.is_empty());
        parse_milestones(&mut e, "m", "2025 5");
        assert!(e.message_for("m").is_some());
    }

    #[test]
    fn errors_follow_kept_rows() {
        let e = FieldErrors::single("targets[0].amount", "required", "x");
        let a = adapt_errors(e, &[2], &[]);
        assert_eq!(a.message_for("targets[2].amount"), Some("x"));
        let e = FieldErrors::single("distribution_keys[0].shares", "does_not_add_up", "y");
        let a = adapt_errors(e, &[0], &[0]);
        assert_eq!(a.message_for("targets[0].basis"), Some("y"));
    }
}
