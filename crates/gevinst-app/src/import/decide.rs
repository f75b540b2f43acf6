//! Decisions: what the import does with every row.

use std::collections::{BTreeSet, HashMap};

use gevinst_domain::business_case::BusinessCase;
use gevinst_domain::lifecycle;
use gevinst_domain::text::search_key;
use gevinst_domain::{
    FagomraadeId, Potential, PotentialDraft, PotentialId, Source, Status, TechnologyId, UnitId,
    ValidPotential,
};
use gevinst_store::{ImportAction, ImportBatch, ImportRow, Store, StoredBusinessCase};

use super::candidate::{known_values, Candidate, External};
use super::content::possible_duplicate;
use super::existing::{existing, title_unit_key, Existing};
use super::model::{
    ImportChoices, ImportInput, ImportPreview, PreviewCounts, PreviewRow, RowAction, ValueKind,
};
use super::read::{parse, ParsedFile};
use super::resolve::{placeholder, Ref, Refs, Resolver};
use super::rules::{new_status_change, refusal};
use super::{Importer, EXTERNAL_ID_TAG};
use crate::potentials::TenantLists;
use crate::{AppError, Result};

/// The result of analysing a file: the preview and the batch of its importable rows.
pub(super) struct Analysis {
    pub(super) preview: ImportPreview,
    pub(super) batch: ImportBatch,
}

/// Reads the file, loads the tenant's data and decides every row (all rows, or only
/// `only_rows`).
pub(super) async fn analyse(
    store: &dyn Store,
    importer: Importer<'_>,
    input: &ImportInput<'_>,
    choices: &ImportChoices,
    only_rows: Option<&BTreeSet<u32>>,
) -> Result<Analysis> {
    if !importer.may_import() {
        return Err(AppError::Forbidden);
    }
    let tenant = importer.tenant().clone();
    let lists = TenantLists::load_for(store, tenant.id).await?;
    let known = known_values(&lists);
    let parsed = {
        let bytes = input.bytes.to_vec();
        let sheet = input.sheet.map(str::to_owned);
        let mapping = input.mapping.cloned();
        let limits = input.limits.clone();
        let choices = choices.clone();
        let known = known.clone();
        let lists = lists.clone();
        crate::common::blocking("import", move || {
            parse(
                &bytes,
                sheet.as_deref(),
                mapping.as_ref(),
                &limits,
                &choices,
                &known,
                &lists,
            )
        })
        .await??
    };
    let ParsedFile {
        sheet,
        gevinst_export,
        columns,
        candidates,
        mapping,
        mapping_problems,
    } = parsed;
    let ex = existing(store, &tenant, &lists).await?;
    let mut r = Resolver::new(importer, &lists, &known, choices);
    let mut rows = Vec::new();
    let mut batch_rows = Vec::new();
    let mut seen = Seen {
        matched: HashMap::new(),
        choices,
    };
    for c in candidates {
        if only_rows.is_some_and(|keep| !keep.contains(&c.row)) {
            continue;
        }
        let (row, batch_row) = decide(&mut r, &ex, &mut seen, c, !mapping_problems.is_empty());
        rows.push(row);
        if let Some(b) = batch_row {
            batch_rows.push(b);
        }
    }
    let counts = count(&rows);
    let (created, unknown) = r.finish();
    let preview = ImportPreview {
        sheet,
        gevinst_export,
        mapping,
        columns,
        mapping_problems,
        rows,
        counts,
        unknown,
        new_units: created.unit_names.clone(),
        new_fagomraader: created.fagomraader.clone(),
        new_technologies: created.technologies.clone(),
    };
    let batch = ImportBatch {
        batch_id: String::new(),
        new_units: created.units,
        new_fagomraader: created.fagomraader,
        new_technologies: created.technologies,
        rows: batch_rows,
    };
    Ok(Analysis { preview, batch })
}

/// The counts of a preview's rows.
fn count(rows: &[PreviewRow]) -> PreviewCounts {
    let mut counts = PreviewCounts::default();
    for row in rows {
        match row.action {
            RowAction::New => counts.new += 1,
            RowAction::Update => counts.update += 1,
            RowAction::Duplicate => counts.duplicate += 1,
            RowAction::Error => counts.error += 1,
        }
        if matches!(row.action, RowAction::New | RowAction::Update) && !row.warnings.is_empty() {
            counts.warning += 1;
        }
        counts.possible_duplicate += usize::from(row.possible_duplicate);
        counts.missing_reason += usize::from(row.missing_reason);
    }
    counts
}

/// A row's preview entry and, when it is importable, its batch row.
type Decided = (PreviewRow, Option<ImportRow>);

/// A row being decided: the candidate and the messages gathered so far.
struct Decision {
    c: Candidate,
    /// The unit's name as it will be used, once resolved.
    unit: Option<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
    /// The row may repeat another row or potential (see [`possible_duplicate`]).
    possible_duplicate: bool,
    /// The row's status needs a reason the file does not give.
    missing_reason: bool,
}

impl Decision {
    fn new(c: Candidate) -> Self {
        Decision {
            errors: c.errors.clone(),
            warnings: c.warnings.clone(),
            unit: None,
            possible_duplicate: false,
            missing_reason: false,
            c,
        }
    }

    /// The preview entry with the fields every outcome shares.
    fn row(
        c: Candidate,
        unit: Option<String>,
        flags: (bool, bool),
        (action, reason): (RowAction, String),
        (errors, warnings): (Vec<String>, Vec<String>),
    ) -> PreviewRow {
        PreviewRow {
            row: c.row,
            action,
            reason,
            title: c.title,
            unit,
            potential: None,
            business_case: c.case.is_some(),
            errors,
            warnings,
            cpr: c.cpr,
            cells: c.cells,
            possible_duplicate: flags.0,
            missing_reason: flags.1,
        }
    }

    /// The row cannot be imported; the first error is the reason.
    fn error(self) -> Decided {
        let Decision {
            c,
            unit,
            mut errors,
            warnings,
            possible_duplicate,
            missing_reason,
        } = self;
        if errors.is_empty() {
            errors.push("Rækken kan ikke importeres.".to_owned());
        }
        let reason = errors[0].clone();
        let flags = (possible_duplicate, missing_reason);
        let what = (RowAction::Error, reason);
        (Self::row(c, unit, flags, what, (errors, warnings)), None)
    }

    /// The row is skipped as a duplicate.
    fn skip(self, reason: String, potential: Option<PotentialId>) -> Decided {
        let Decision {
            c,
            unit,
            warnings,
            possible_duplicate,
            ..
        } = self;
        let flags = (possible_duplicate, false);
        let what = (RowAction::Duplicate, reason);
        let mut row = Self::row(c, unit, flags, what, (Vec::new(), warnings));
        row.potential = potential;
        (row, None)
    }

    /// The row is imported as `batch` (a new potential or an update); its cells are kept
    /// only when it has warnings.
    fn accept(
        self,
        action: RowAction,
        reason: String,
        potential: Option<PotentialId>,
        business_case: bool,
        batch: ImportRow,
    ) -> Decided {
        let Decision {
            mut c,
            unit,
            warnings,
            possible_duplicate,
            ..
        } = self;
        if warnings.is_empty() {
            c.cells = Vec::new();
        }
        let flags = (possible_duplicate, false);
        let mut row = Self::row(c, unit, flags, (action, reason), (Vec::new(), warnings));
        row.potential = potential;
        row.business_case = business_case;
        (row, Some(batch))
    }
}

/// A row's unit, fagområde, technology and status, resolved against the tenant's lists.
struct Values {
    unit: Ref<UnitId>,
    unit_name: String,
    fagomraade: Option<Ref<i64>>,
    technology: Option<Ref<i64>>,
    status: Option<Status>,
}

impl Values {
    /// The unit's id; a placeholder for a unit the import creates.
    fn unit_id(&self) -> UnitId {
        match self.unit {
            Ref::Existing(u) => u,
            Ref::New(i) => UnitId(placeholder(i)),
        }
    }

    fn fagomraade_id(&self) -> Option<FagomraadeId> {
        id_or_placeholder(self.fagomraade).map(FagomraadeId)
    }

    fn technology_id(&self) -> Option<TechnologyId> {
        id_or_placeholder(self.technology).map(TechnologyId)
    }

    /// Index of the unit the import creates for the row.
    fn new_unit(&self) -> Option<usize> {
        match self.unit {
            Ref::New(i) => Some(i),
            Ref::Existing(_) => None,
        }
    }
}

fn id_or_placeholder(x: Option<Ref<i64>>) -> Option<i64> {
    x.map(|x| match x {
        Ref::Existing(id) => id,
        Ref::New(i) => placeholder(i),
    })
}

fn new_index(x: Option<Ref<i64>>) -> Option<usize> {
    match x {
        Some(Ref::New(i)) => Some(i),
        _ => None,
    }
}

/// What the rows decided so far have seen, and the user's choices.
pub(super) struct Seen<'a> {
    /// The existing potentials matched, with the first row that matched each.
    matched: HashMap<PotentialId, u32>,
    choices: &'a ImportChoices,
}

/// Decides one row: its preview entry and, when it is importable, its batch row.
pub(super) fn decide(
    r: &mut Resolver<'_>,
    ex: &Existing,
    seen: &mut Seen<'_>,
    c: Candidate,
    blocked: bool,
) -> Decided {
    let mut d = Decision::new(c);
    if let Some(first) = d.c.duplicate_of {
        return d.skip(
            format!("Rækken gentager række {first} og springes over."),
            None,
        );
    }
    if blocked {
        d.errors
            .push("Kolonneopsætningen skal rettes, før rækken kan importeres.".to_owned());
    }
    let Some(values) = resolve(r, &mut d) else {
        return d.error();
    };
    let possible = possible_duplicate(ex, &d.c, &values.unit_name);
    let hit = match possible {
        Some(p) => {
            d.possible_duplicate = true;
            if !seen.choices.keeps_duplicate(d.c.row) {
                let reason = format!(
                    "Mulig dublet af {}: samme titel og enhed under et andet nummer. Rækken springes over; vælg at importere den alligevel, hvis det er to forskellige potentialer.",
                    p.what()
                );
                return d.skip(reason, p.potential());
            }
            d.warnings.push(format!(
                "Mulig dublet af {}; importeres som nyt potentiale efter dit valg.",
                p.what()
            ));
            // Kept: only its own number may match; the title and unit it shares with
            // the row or potential it may repeat do not.
            by_external_tag(ex, &d.c)
        }
        None => match find_existing(ex, &d.c, &values) {
            Ok(hit) => hit,
            Err(e) => {
                d.errors.push(e);
                return d.error();
            }
        },
    };
    let ext_tag = external_tag(&d.c, &mut d.warnings);
    match hit {
        Some(hit) => update(r, ex, &mut seen.matched, d, &values, ext_tag, hit),
        None => create(r, d, &values, ext_tag, seen.choices),
    }
}

/// Resolves the row's unit, fagområde, technology and status; `None` when the row has
/// errors (they are in `d`).
fn resolve(r: &mut Resolver<'_>, d: &mut Decision) -> Option<Values> {
    let row = d.c.row;
    let unit = match r.unit(&d.c.unit, row, &mut d.warnings) {
        Ok(u) => Some(u),
        Err(e) => {
            d.errors.push(e);
            None
        }
    };
    d.unit = unit.as_ref().map(|(_, n)| n.clone());
    let fagomraade = r
        .catalogue(ValueKind::Fagomraade, &d.c.fagomraade, row, &mut d.warnings)
        .unwrap_or_else(|e| {
            d.errors.push(e);
            None
        });
    let technology = r
        .catalogue(ValueKind::Technology, &d.c.technology, row, &mut d.warnings)
        .unwrap_or_else(|e| {
            d.errors.push(e);
            None
        });
    let status = r.status(&d.c.status, row).unwrap_or_else(|e| {
        d.errors.push(e);
        None
    });
    let (unit, unit_name) = unit?;
    if !d.errors.is_empty() {
        return None;
    }
    Some(Values {
        unit,
        unit_name,
        fagomraade,
        technology,
        status,
    })
}

/// The existing potential the row matches (its index, and why in Danish): by a gevinst
/// export's id (with the same title or unit), by an external id, else by title and unit.
/// Several potentials with the row's title and unit are an error.
fn find_existing(
    ex: &Existing,
    c: &Candidate,
    v: &Values,
) -> Result<Option<(usize, String)>, String> {
    let title = c.title.as_deref().unwrap_or_default();
    match &c.external {
        External::GevinstId(id) => {
            if let Some(&i) = ex.by_id.get(&PotentialId(*id)) {
                let p = &ex.potentials[i];
                let same_unit = matches!(v.unit, Ref::Existing(u) if u == p.unit_id);
                if search_key(&p.title) == search_key(title) || same_unit {
                    return Ok(Some((i, format!("samme id {id}"))));
                }
            }
        }
        External::Tag(_) => {
            if let Some(hit) = by_external_tag(ex, c) {
                return Ok(Some(hit));
            }
        }
        External::None => {}
    }
    let same = ex.by_title_unit.get(&title_unit_key(title, &v.unit_name));
    match same.map(Vec::as_slice) {
        None | Some([]) => Ok(None),
        Some([one]) => Ok(Some((*one, "samme titel og enhed".to_owned()))),
        Some(many) => {
            let ids: Vec<String> = many
                .iter()
                .map(|i| ex.potentials[*i].id.to_string())
                .collect();
            Err(format!(
                "Flere potentialer har samme titel og enhed (id {}); rækken kan ikke knyttes til ét af dem. Tilføj et eksternt id.",
                ids.join(", ")
            ))
        }
    }
}

/// The potential tagged with the row's external id, if any.
fn by_external_tag(ex: &Existing, c: &Candidate) -> Option<(usize, String)> {
    let External::Tag(ext) = &c.external else {
        return None;
    };
    let i = *ex.by_tag.get(ext)?;
    Some((i, format!("eksternt id «{ext}»")))
}

/// The tag that remembers the row's external id; a warning when it is too long to keep.
fn external_tag(c: &Candidate, warnings: &mut Vec<String>) -> Option<String> {
    let External::Tag(ext) = &c.external else {
        return None;
    };
    let tag = format!("{EXTERNAL_ID_TAG}{ext}");
    if tag.chars().count() <= 40 {
        Some(tag)
    } else {
        warnings.push("Det eksterne id er for langt til at blive gemt (højst 29 tegn); en senere import kan kun genkende rækken på titel og enhed.".to_owned());
        None
    }
}

/// Validates the potential a row makes; `None` with the messages in `d` when invalid.
fn validated(d: &mut Decision, draft: &PotentialDraft, refs: &Refs<'_>) -> Option<ValidPotential> {
    match draft.validate(refs) {
        Ok(v) => Some(v),
        Err(e) => {
            d.errors.extend(e.0.into_iter().map(|f| f.message));
            None
        }
    }
}

/// A row that matches the existing potential `ex.potentials[i]`: an update, a duplicate
/// (nothing would change, or an earlier row matched it) or an error.
fn update(
    r: &Resolver<'_>,
    ex: &Existing,
    matched: &mut HashMap<PotentialId, u32>,
    mut d: Decision,
    v: &Values,
    ext_tag: Option<String>,
    (i, why): (usize, String),
) -> Decided {
    let p = &ex.potentials[i];
    if let Some(first) = matched.get(&p.id) {
        let reason = format!(
            "Rækken rammer samme potentiale ({}) som række {first} og springes over.",
            p.id
        );
        return d.skip(reason, Some(p.id));
    }
    if !r.importer.may_edit(p.unit_id, &r.lists.units)
        || matches!(v.unit, Ref::Existing(u) if !r.importer.may_edit(u, &r.lists.units))
    {
        d.errors.push(format!(
            "Du har ikke rettigheder til at ændre potentiale {} i dets enhed.",
            p.id
        ));
        return d.error();
    }
    let draft = merged_draft(&d.c, p, v, ext_tag);
    let refs = Refs {
        lists: r.lists,
        keep_unit: Some(p.unit_id),
    };
    let Some(valid) = validated(&mut d, &draft, &refs) else {
        return d.error();
    };
    if let Some(s) = v.status {
        if s != p.status {
            d.warnings.push(format!(
                "Status ændres ikke ved import (potentialet er «{}», filen siger «{}»).",
                p.status.label(),
                s.label()
            ));
        }
    }
    let case_change = case_change(&d.c, ex.cases.get(&p.id), &mut d.warnings);
    if case_change.as_ref().is_some_and(|(_, v)| v.is_none()) {
        if let Err(e) = lifecycle::check_case_created(p.status) {
            d.errors.push(refusal(e).message);
            return d.error();
        }
    }
    let unchanged = same_fields(&valid, p) && v.new_unit().is_none() && case_change.is_none();
    matched.insert(p.id, d.c.row);
    if unchanged {
        let reason = format!(
            "Potentiale {} ({why}) findes allerede med de samme oplysninger; rækken springes over.",
            p.id
        );
        return d.skip(reason, Some(p.id));
    }
    let reason = format!("Opdaterer potentiale {} «{}» ({why}).", p.id, p.title);
    let has_case = case_change.is_some();
    let batch = ImportRow {
        row: d.c.row,
        potential: valid,
        new_unit: v.new_unit(),
        new_fagomraade: new_index(v.fagomraade),
        new_technology: new_index(v.technology),
        action: ImportAction::Update {
            id: p.id,
            expected_version: p.version,
        },
        business_case: case_change,
    };
    d.accept(RowAction::Update, reason, Some(p.id), has_case, batch)
}

/// `new` for a gevinst export (every field is replaced), else `new` or the kept `old`.
fn merged<T>(exact: bool, new: Option<T>, old: Option<T>) -> Option<T> {
    if exact {
        new
    } else {
        new.or(old)
    }
}

/// The existing potential `p` with the row's values: the file's values replace, the rest
/// is kept (a gevinst export replaces every field); the row's tags are added.
fn merged_draft(
    c: &Candidate,
    p: &Potential,
    v: &Values,
    ext_tag: Option<String>,
) -> PotentialDraft {
    let mut tags = if c.exact { Vec::new() } else { p.tags.clone() };
    for t in c.tags.iter().chain(ext_tag.iter()) {
        if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
            tags.push(t.clone());
        }
    }
    PotentialDraft {
        title: c.title.clone().unwrap_or_else(|| p.title.clone()),
        description: match (&c.description, c.exact) {
            (Some(d), _) => d.clone(),
            (None, true) => String::new(),
            (None, false) => p.description.clone(),
        },
        unit_id: Some(v.unit_id()),
        fagomraade_id: merged(c.exact, v.fagomraade_id(), p.fagomraade_id),
        technology_id: merged(c.exact, v.technology_id(), p.technology_id),
        source: Some(c.source.unwrap_or(p.source).as_str().to_owned()),
        benefit_owner: merged(c.exact, c.benefit_owner, p.benefit_owner),
        digital_agent: merged(c.exact, c.digital_agent, p.digital_agent),
        contact_name: merged(c.exact, c.contact_name.clone(), p.contact_name.clone()),
        tags,
    }
}

/// The business case an update saves: the row's case for a potential without one, or a
/// gevinst export's case where it differs from the stored one. A row's figures for a
/// potential that has a case are ignored, with a warning.
fn case_change(
    c: &Candidate,
    stored: Option<&StoredBusinessCase>,
    warnings: &mut Vec<String>,
) -> Option<(BusinessCase, Option<i64>)> {
    match (&c.case, stored) {
        (None, _) => None,
        (Some(case), None) => Some((case.clone(), None)),
        (Some(case), Some(s)) if c.exact => {
            (s.case != *case).then(|| (case.clone(), Some(s.version)))
        }
        (Some(_), Some(_)) => {
            warnings.push(
                "Potentialet har allerede en business case; tallene i rækken bruges ikke."
                    .to_owned(),
            );
            None
        }
    }
}

/// True when the validated potential has the stored potential's fields.
fn same_fields(valid: &ValidPotential, p: &Potential) -> bool {
    valid.title == p.title
        && valid.description == p.description
        && valid.unit_id == p.unit_id
        && valid.fagomraade_id == p.fagomraade_id
        && valid.technology_id == p.technology_id
        && valid.source == p.source
        && valid.benefit_owner == p.benefit_owner
        && valid.digital_agent == p.digital_agent
        && valid.contact_name == p.contact_name
        && valid.tags == p.tags
}

/// The status of a new potential: the row's, else *business case* when the row has
/// figures (a business case is created from that status onwards), else *idé*.
fn new_status(row: Option<Status>, has_case: bool) -> Status {
    match (row, has_case) {
        (Some(s), _) => s,
        (None, true) => Status::BusinessCase,
        (None, false) => Status::Ide,
    }
}

/// A row that matches no existing potential: a new potential, or an error.
fn create(
    r: &Resolver<'_>,
    mut d: Decision,
    v: &Values,
    ext_tag: Option<String>,
    choices: &ImportChoices,
) -> Decided {
    let status = new_status(v.status, d.c.case.is_some());
    let status_change = match new_status_change(&d.c, status, choices, &mut d.warnings) {
        Ok(change) => change,
        Err(refused) => {
            d.errors.push(refused.message);
            d.missing_reason = refused.missing_reason;
            return d.error();
        }
    };
    let allowed = match v.unit {
        Ref::Existing(u) => status == Status::Ide || r.importer.may_edit(u, &r.lists.units),
        Ref::New(_) => r.importer.may_create_lists(),
    };
    if !allowed {
        d.errors.push(format!(
            "Du kan kun oprette potentialer med status «{}» i enheden «{}».",
            Status::Ide.label(),
            v.unit_name
        ));
        return d.error();
    }
    let c = &d.c;
    let draft = PotentialDraft {
        title: c.title.clone().unwrap_or_default(),
        description: c.description.clone().unwrap_or_default(),
        unit_id: Some(v.unit_id()),
        fagomraade_id: v.fagomraade_id(),
        technology_id: v.technology_id(),
        source: Some(
            c.source
                .unwrap_or(Source::EmployeeProposal)
                .as_str()
                .to_owned(),
        ),
        benefit_owner: c.benefit_owner,
        digital_agent: c.digital_agent,
        contact_name: c.contact_name.clone(),
        tags: c.tags.iter().cloned().chain(ext_tag).collect(),
    };
    let refs = Refs {
        lists: r.lists,
        keep_unit: None,
    };
    let Some(valid) = validated(&mut d, &draft, &refs) else {
        return d.error();
    };
    let c = &d.c;
    let reason = if c.case.is_some() {
        "Nyt potentiale med business case.".to_owned()
    } else {
        "Nyt potentiale.".to_owned()
    };
    let batch = ImportRow {
        row: c.row,
        potential: valid,
        new_unit: v.new_unit(),
        new_fagomraade: new_index(v.fagomraade),
        new_technology: new_index(v.technology),
        action: ImportAction::Create {
            status,
            submitted_by: c.submitted_by.or(r.importer.actor()),
            status_change,
        },
        business_case: c.case.clone().map(|k| (k, None)),
    };
    let has_case = batch.business_case.is_some();
    d.accept(RowAction::New, reason, None, has_case, batch)
}
