//! A row read from the file, before it meets the tenant's data.

use chrono::{Datelike, Utc};
use gevinst_domain::business_case::{BusinessCase, Decimal, Line, LineKind};
use gevinst_domain::cpr::mask_cpr;
use gevinst_domain::{Source, Status, UserId};
use gevinst_sheets::export::portfolio::{ExportedPotential, Person};
use gevinst_sheets::import::{
    self as sheets, match_known, normalise_key, CprFinding, IssueCode, KnownValues, ParsedRow,
    RowOutcome, ValueMatch,
};

use super::ROUGH_HORIZON;
use crate::potentials::TenantLists;

/// How a row names its unit.
#[derive(Debug, Clone)]
pub(super) enum UnitSpec {
    Missing,
    Name(ValueMatch),
    Path(Vec<String>),
    /// The file's organisation columns, top first (see `resolve::levels`).
    Levels(Vec<String>),
}

/// How a row identifies an existing potential.
#[derive(Debug, Clone)]
pub(super) enum External {
    None,
    Tag(String),
    GevinstId(i64),
}

/// A row read from the file, before it meets the tenant's data.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) row: u32,
    pub(super) cells: Vec<String>,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) unit: UnitSpec,
    pub(super) fagomraade: Option<ValueMatch>,
    pub(super) technology: Option<ValueMatch>,
    pub(super) status: Option<ValueMatch>,
    pub(super) source: Option<Source>,
    pub(super) benefit_owner: Option<UserId>,
    pub(super) digital_agent: Option<UserId>,
    pub(super) submitted_by: Option<UserId>,
    pub(super) tags: Vec<String>,
    pub(super) case: Option<BusinessCase>,
    pub(super) external: External,
    pub(super) errors: Vec<String>,
    pub(super) warnings: Vec<String>,
    pub(super) cpr: Vec<CprFinding>,
    pub(super) duplicate_of: Option<u32>,
    /// An earlier row with the same title and unit under another external id.
    pub(super) possible_duplicate_of: Option<u32>,
    /// A gevinst export: every field is replaced on update, the case exactly.
    pub(super) exact: bool,
    /// The reason for the row's status, from a mapped column.
    pub(super) status_reason: Option<String>,
    /// A contact person by name: the benefit owner's name when it is no user.
    pub(super) contact_name: Option<String>,
}

pub(super) fn known_values(lists: &TenantLists) -> KnownValues {
    KnownValues {
        units: lists
            .units
            .flatten()
            .into_iter()
            .filter(|(_, u)| u.active)
            .map(|(_, u)| u.name.clone())
            .collect(),
        fagomraader: lists
            .fagomraader
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
        statuses: Status::ALL.iter().map(|s| s.label().to_owned()).collect(),
        technologies: lists
            .technologies
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
    }
}

pub(super) fn user_by_text(lists: &TenantLists, text: &str) -> Option<UserId> {
    let t = text.trim().to_lowercase();
    lists
        .users
        .iter()
        .find(|u| u.email.as_str().to_lowercase() == t)
        .or_else(|| {
            let key = normalise_key(text);
            let hits: Vec<_> = lists
                .users
                .iter()
                .filter(|u| normalise_key(&u.name) == key)
                .collect();
            match hits.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        })
        .map(|u| u.id)
}

pub(super) fn source_by_text(text: &str) -> Option<Source> {
    let key = normalise_key(text);
    Source::ALL
        .into_iter()
        .find(|s| normalise_key(s.label()) == key || normalise_key(s.as_str()) == key)
}

pub(super) fn rough_case(
    f: &ParsedRow,
    warnings: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> Option<BusinessCase> {
    if !f.has_figures() {
        return None;
    }
    let start_year = match f.start_year {
        Some(y) => y,
        None => {
            let y = Utc::now().year();
            warnings.push(format!("Startår mangler; business casen starter i {y}."));
            y
        }
    };
    if !(2000..=2100).contains(&start_year) {
        errors.push(format!(
            "Startåret {start_year} skal ligge mellem 2000 og 2100."
        ));
        return None;
    }
    let n = ROUGH_HORIZON as usize;
    let mut lines = Vec::new();
    let mut every_year = |kind: LineKind, label: &str, v: Option<Decimal>, what: &str| {
        if let Some(v) = v {
            if v.is_sign_negative() && !v.is_zero() {
                errors.push(format!("{what} kan ikke være negativ ({v})."));
            } else {
                lines.push(Line::certain(kind, label, vec![v; n]));
            }
        }
    };
    every_year(
        LineKind::DirekteBesparelse,
        "Forventet gevinst",
        f.gain_per_year,
        "Forventet gevinst",
    );
    every_year(
        LineKind::FrigjorteTimer,
        "Frigjorte timer",
        f.hours_per_year,
        "Timer pr. år",
    );
    every_year(
        LineKind::FrigjorteAarsvaerk,
        "Frigjorte årsværk",
        f.fte,
        "Årsværk",
    );
    every_year(LineKind::Drift, "Drift", f.running_per_year, "Drift pr. år");
    if let Some(inv) = f.investment {
        if inv.is_sign_negative() && !inv.is_zero() {
            errors.push(format!("Investering kan ikke være negativ ({inv})."));
        } else {
            let mut amounts = vec![Decimal::ZERO; n];
            amounts[0] = inv;
            lines.push(Line::certain(LineKind::Investering, "Investering", amounts));
        }
    }
    if f.gain_per_year.is_some() && (f.hours_per_year.is_some() || f.fte.is_some()) {
        warnings.push(
            "Rækken har både en gevinst i kr. og i timer eller årsværk; begge bliver gevinstlinjer. Tjek, at de ikke dækker over det samme."
                .to_owned(),
        );
    }
    Some(BusinessCase {
        start_year,
        horizon: ROUGH_HORIZON,
        discount_rate: None,
        lines,
        risks: Vec::new(),
    })
}

pub(super) fn from_outcome(o: RowOutcome, cells: Vec<String>, lists: &TenantLists) -> Candidate {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for i in &o.errors {
        if i.code != IssueCode::Duplicate {
            errors.push(i.message.clone());
        }
    }
    for i in &o.warnings {
        // Unknown names are resolved (and reported) against the choices below.
        if i.code != IssueCode::Unknown {
            warnings.push(i.message.clone());
        }
    }
    let f = o.fields;
    let mut contact_name = None;
    let benefit_owner = f.owner.as_deref().and_then(|t| {
        let u = user_by_text(lists, t);
        if u.is_none() {
            warnings.push(format!(
                "Gevinstejeren «{t}» er ikke bruger i gevinst; navnet gemmes som kontaktperson, så potentialet kan knyttes til en bruger senere."
            ));
            contact_name = Some(t.to_owned());
        }
        u
    });
    let source = f.source.as_deref().and_then(|t| {
        let s = source_by_text(t);
        if s.is_none() {
            warnings.push(format!(
                "Kilden «{t}» kendes ikke; potentialet får kilden «{}».",
                Source::EmployeeProposal.label()
            ));
        }
        s
    });
    let mut case = None;
    if errors.is_empty() {
        case = rough_case(&f, &mut warnings, &mut errors);
    }
    let external = match &o.key.external_id {
        Some(id) => External::Tag(id.clone()),
        None => External::None,
    };
    Candidate {
        row: o.row,
        cells,
        title: f.title,
        description: f.description,
        unit: match (f.unit, f.unit_levels) {
            (None, levels) if levels.is_empty() => UnitSpec::Missing,
            (Some(m), levels) if levels.is_empty() => UnitSpec::Name(m),
            (m, mut levels) => {
                levels.extend(m.map(|m| match m {
                    ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw,
                }));
                UnitSpec::Levels(levels)
            }
        },
        fagomraade: f.fagomraade,
        technology: f.technology,
        status: f.status,
        source,
        benefit_owner,
        digital_agent: None,
        submitted_by: None,
        tags: f.tags,
        case,
        external,
        errors,
        warnings,
        cpr: o.cpr,
        duplicate_of: o.duplicate_of,
        possible_duplicate_of: o.possible_duplicate_of,
        exact: false,
        status_reason: f.status_reason,
        contact_name,
    }
}

pub(super) fn person_id(
    lists: &TenantLists,
    p: &Option<Person>,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<UserId> {
    let p = p.as_ref()?;
    let t = p.email.trim().to_lowercase();
    let hit = lists
        .users
        .iter()
        .find(|u| u.email.as_str().to_lowercase() == t)
        .map(|u| u.id);
    if hit.is_none() {
        warnings.push(format!(
            "{what} {} ({}) er ikke bruger her; feltet bliver tomt.",
            p.name, p.email
        ));
    }
    hit
}

pub(super) fn from_export(
    p: ExportedPotential,
    known: &KnownValues,
    lists: &TenantLists,
) -> Candidate {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let texts = [&p.title, &p.description];
    let mut cpr = Vec::new();
    for (t, col) in texts.iter().zip(["Titel", "Beskrivelse"]) {
        if !gevinst_domain::cpr::find_cpr(t).is_empty() {
            let masked = mask_cpr(t);
            errors.push(format!("Kolonne «{col}»: {}", sheets::cpr_message(&masked)));
            cpr.push(CprFinding {
                column: col.to_owned(),
                column_index: if col == "Titel" { 1 } else { 2 },
                masked,
            });
        }
    }
    let benefit_owner = person_id(lists, &p.benefit_owner, "Gevinstejeren", &mut warnings);
    let digital_agent = person_id(lists, &p.digital_agent, "Den digitale agent", &mut warnings);
    let submitted_by = person_id(lists, &p.submitted_by, "Indsenderen", &mut warnings);
    let m = |name: &Option<String>, list: &[String]| name.as_ref().map(|n| match_known(n, list));
    Candidate {
        row: p.row,
        cells: vec![
            p.id.to_string(),
            p.title.clone(),
            p.description.clone(),
            p.status.label().to_owned(),
            p.unit_path.last().cloned().unwrap_or_default(),
            p.unit_path.join(" › "),
        ],
        title: Some(p.title),
        description: Some(p.description),
        unit: if p.unit_path.is_empty() {
            UnitSpec::Missing
        } else {
            UnitSpec::Path(p.unit_path)
        },
        fagomraade: m(&p.fagomraade, &known.fagomraader),
        technology: m(&p.technology, &known.technologies),
        status: Some(ValueMatch::Known {
            name: p.status.label().to_owned(),
            raw: p.status.label().to_owned(),
            exact: true,
        }),
        source: Some(p.source),
        benefit_owner,
        digital_agent,
        submitted_by,
        tags: p.tags,
        case: p.case,
        external: External::GevinstId(p.id),
        errors,
        warnings,
        cpr,
        duplicate_of: None,
        possible_duplicate_of: None,
        exact: true,
        status_reason: None,
        contact_name: p.contact_name,
    }
}
