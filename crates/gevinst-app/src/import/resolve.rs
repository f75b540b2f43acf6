//! Value resolution: units, fagområder, technologies and statuses named in the file,
//! matched against the tenant's lists, created, or reported as unknown.

use std::collections::HashMap;

use gevinst_domain::danish::capitalise;
use gevinst_domain::potential::References;
use gevinst_domain::{FagomraadeId, Status, TechnologyId, UnitId, UnitTree, UserId};
use gevinst_sheets::import::similar::{closest, similar_names, Closest};
use gevinst_sheets::import::{match_known, normalise_key, KnownValues, ValueMatch};
use gevinst_store::ImportNewUnit;

use super::candidate::UnitSpec;
use super::model::{ImportChoices, UnknownValue, ValueChoice, ValueKind};
use super::Importer;
use crate::potentials::TenantLists;

/// A reference to a record that exists or that the import creates (index into the
/// batch's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ref<T> {
    Existing(T),
    New(usize),
}

/// What the import creates: the batch's new units (with their names for the preview and
/// their keys, to create each once), fagområder and technologies.
#[derive(Default)]
pub(super) struct Creations {
    pub(super) units: Vec<ImportNewUnit>,
    pub(super) unit_names: Vec<String>,
    unit_keys: HashMap<String, usize>,
    pub(super) fagomraader: Vec<String>,
    pub(super) technologies: Vec<String>,
}

/// The file's values that matched no existing name exactly, in the order met.
#[derive(Default)]
struct Unknowns {
    map: HashMap<(ValueKind, String), UnknownValue>,
    order: Vec<(ValueKind, String)>,
}

impl Unknowns {
    fn note(
        &mut self,
        kind: ValueKind,
        raw: &str,
        row: u32,
        suggestions: Vec<String>,
        resolution: String,
    ) {
        let key = (kind, normalise_key(raw));
        match self.map.get_mut(&key) {
            Some(u) => u.rows.push(row),
            None => {
                self.order.push(key.clone());
                self.map.insert(
                    key,
                    UnknownValue {
                        kind,
                        raw: raw.to_owned(),
                        suggestions,
                        rows: vec![row],
                        resolution,
                        suggestion_taken: false,
                    },
                );
            }
        }
    }

    /// Marks a value noted before as resolved by taking its first suggestion.
    fn take_suggestion(&mut self, kind: ValueKind, raw: &str) {
        if let Some(u) = self.map.get_mut(&(kind, normalise_key(raw))) {
            u.suggestion_taken = true;
        }
    }

    fn into_vec(mut self) -> Vec<UnknownValue> {
        self.order
            .iter()
            .filter_map(|k| self.map.remove(k))
            .collect()
    }
}

mod levels;

/// Existing names close to `raw`, best first: the unique close match of [`match_known`]
/// (a spelling variant), then the names [`similar_names`] finds. The web pre-selects the
/// first; `--create-missing` maps to it instead of creating a near-copy (see
/// [`Resolver::similar_existing`]).
fn suggestions(raw: &str, names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let ValueMatch::Known { name, .. } = match_known(raw, names) {
        out.push(name);
    }
    for n in similar_names(raw, names) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.truncate(5);
    out
}

pub(super) struct Resolver<'a> {
    pub(super) importer: Importer<'a>,
    pub(super) lists: &'a TenantLists,
    known: &'a KnownValues,
    choices: &'a ImportChoices,
    decisions: HashMap<(ValueKind, String), &'a ValueChoice>,
    created: Creations,
    unknown: Unknowns,
    /// Active units by the key of their name and of their path.
    unit_keys: UnitKeys,
    /// Every unit by (parent, key of its name).
    children: UnitChildren,
    /// Similarity answers, computed once per distinct name (files repeat their names).
    similar: SimilarCache,
}

/// Answers of [`suggestions`], [`closest`] and path levels, by kind and name key.
#[derive(Default)]
struct SimilarCache {
    suggestions: HashMap<(ValueKind, String), Vec<String>>,
    closest: HashMap<(ValueKind, String), Closest>,
    levels: HashMap<(Option<UnitId>, String), levels::Level>,
}

/// Active units by the key of their name and of their path.
pub(super) type UnitKeys = HashMap<String, Vec<UnitId>>;

/// Every unit by (parent, key of its name).
pub(super) type UnitChildren = HashMap<(Option<UnitId>, String), UnitId>;

/// The lookup tables of [`Resolver`], built once per import.
fn unit_tables(tree: &UnitTree) -> (UnitKeys, UnitChildren) {
    let mut keys: HashMap<String, Vec<UnitId>> = HashMap::new();
    let mut children = HashMap::new();
    for (_, u) in tree.flatten() {
        children
            .entry((u.parent_id, normalise_key(&u.name)))
            .or_insert(u.id);
        if u.active {
            let name = normalise_key(&u.name);
            let path = normalise_key(&tree.display_path(u.id));
            keys.entry(name.clone()).or_default().push(u.id);
            if path != name {
                keys.entry(path).or_default().push(u.id);
            }
        }
    }
    (keys, children)
}

impl<'a> Resolver<'a> {
    pub(super) fn new(
        importer: Importer<'a>,
        lists: &'a TenantLists,
        known: &'a KnownValues,
        choices: &'a ImportChoices,
    ) -> Self {
        let (unit_keys, children) = unit_tables(&lists.units);
        Resolver {
            unit_keys,
            children,
            importer,
            lists,
            known,
            choices,
            decisions: choices
                .values
                .iter()
                .map(|d| ((d.kind, normalise_key(&d.raw)), &d.choice))
                .collect(),
            created: Creations::default(),
            unknown: Unknowns::default(),
            similar: SimilarCache::default(),
        }
    }

    /// What the import creates, and the unknown values in the order met.
    pub(super) fn finish(self) -> (Creations, Vec<UnknownValue>) {
        (self.created, self.unknown.into_vec())
    }

    /// The tenant's names of `kind`.
    fn known_names(&self, kind: ValueKind) -> &'a [String] {
        let known = self.known;
        match kind {
            ValueKind::Unit => &known.units,
            ValueKind::Fagomraade => &known.fagomraader,
            ValueKind::Technology => &known.technologies,
            ValueKind::Status => &known.statuses,
        }
    }

    /// [`suggestions`] for `raw` among the known names of `kind`, once per name.
    fn suggest(&mut self, kind: ValueKind, raw: &str) -> Vec<String> {
        let names = self.known_names(kind);
        self.similar
            .suggestions
            .entry((kind, normalise_key(raw)))
            .or_insert_with(|| suggestions(raw, names))
            .clone()
    }

    fn decision(&self, kind: ValueKind, raw: &str) -> Option<&'a ValueChoice> {
        self.decisions.get(&(kind, normalise_key(raw))).copied()
    }

    /// An active unit by its name or its path ("Social › Ældre"); a name that several
    /// units have is an error naming their paths.
    fn unit_by_name(&self, name: &str) -> Result<UnitId, String> {
        let tree = &self.lists.units;
        let hits: &[UnitId] = self
            .unit_keys
            .get(&normalise_key(name))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        match hits {
            [one] => Ok(*one),
            [] => Err(format!("Enheden «{}» findes ikke.", name.trim())),
            many => {
                let paths: Vec<String> = many.iter().map(|u| tree.display_path(*u)).collect();
                Err(format!(
                    "Der er flere enheder med navnet «{}» ({}). Vælg den rigtige, eller skriv hele stien.",
                    name.trim(),
                    paths.join("; ")
                ))
            }
        }
    }

    fn new_unit(&mut self, name: &str, parent: Option<Ref<UnitId>>, label: String) -> usize {
        let key = format!(
            "{}|{}",
            match parent {
                Some(Ref::Existing(u)) => format!("e{}", u.0),
                Some(Ref::New(i)) => format!("n{i}"),
                None => String::new(),
            },
            normalise_key(name)
        );
        if let Some(i) = self.created.unit_keys.get(&key) {
            return *i;
        }
        let i = self.created.units.len();
        self.created.units.push(ImportNewUnit {
            name: name.trim().to_owned(),
            parent: match parent {
                Some(Ref::Existing(u)) => Some(u),
                _ => None,
            },
            new_parent: match parent {
                Some(Ref::New(p)) => Some(p),
                _ => None,
            },
        });
        self.created.unit_names.push(label);
        self.created.unit_keys.insert(key, i);
        i
    }

    /// The unit of a row, or a Danish error.
    pub(super) fn unit(
        &mut self,
        spec: &UnitSpec,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<(Ref<UnitId>, String), String> {
        match spec {
            UnitSpec::Missing => match self.choices.default_unit {
                Some(u) if self.lists.units.get(u).is_some_and(|x| x.active) => {
                    let name = self.lists.units.get(u).map(|x| x.name.clone()).unwrap_or_default();
                    Ok((Ref::Existing(u), name))
                }
                _ => Err("Rækken har ingen enhed. Udfyld enheden, eller vælg en enhed til rækker uden enhed.".to_owned()),
            },
            UnitSpec::Name(m) => self.unit_named(m, row, warnings),
            UnitSpec::Path(path) => self.unit_path(path, row),
            UnitSpec::Levels(levels) => self.unit_levels(levels, row, warnings),
        }
    }

    /// A unit named in a column: an existing unit by name or path, a decision, or a
    /// unit the import creates (a spelling variant of one it creates anyway is that one).
    fn unit_named(
        &mut self,
        m: &ValueMatch,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<(Ref<UnitId>, String), String> {
        let raw = match m {
            ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
        };
        if let Some(choice) = self.decision(ValueKind::Unit, &raw) {
            return self.unit_choice(choice, &raw, row);
        }
        match m {
            ValueMatch::Known { name, .. } => self
                .unit_by_name(name)
                .map(|u| (Ref::Existing(u), name.clone())),
            // A path such as "Social › Ældre" names one unit.
            ValueMatch::Unknown { raw } if self.unit_by_name(raw).is_ok() => {
                self.unit_by_name(raw).map(|u| {
                    (
                        Ref::Existing(u),
                        self.lists
                            .units
                            .get(u)
                            .map(|x| x.name.clone())
                            .unwrap_or_default(),
                    )
                })
            }
            ValueMatch::Unknown { raw } => {
                let sugg = self.suggest(ValueKind::Unit, raw);
                let create = self.choices.create_missing && self.importer.may_create_lists();
                if create {
                    if let Some(found) = self.similar_existing(ValueKind::Unit, raw, row, warnings)
                    {
                        return found.and_then(|name| {
                            self.unit_by_name(&name).map(|u| (Ref::Existing(u), name))
                        });
                    }
                }
                if create {
                    // A spelling variant of a unit this import creates anyway is
                    // that unit (e.g. "Jobcentret" after "Jobcenter").
                    let top: Vec<String> = self
                        .created
                        .units
                        .iter()
                        .filter(|u| u.parent.is_none() && u.new_parent.is_none())
                        .map(|u| u.name.clone())
                        .collect();
                    let name = match match_known(raw, &top) {
                        ValueMatch::Known {
                            name, exact: false, ..
                        } => {
                            warnings.push(format!(
                                "«{}» er læst som enheden «{name}», som oprettes ved importen.",
                                raw.trim()
                            ));
                            name
                        }
                        _ => raw.trim().to_owned(),
                    };
                    let resolution = if name == raw.trim() {
                        "Oprettes".to_owned()
                    } else {
                        format!("Læses som «{name}» (oprettes)")
                    };
                    self.unknown
                        .note(ValueKind::Unit, raw, row, sugg, resolution);
                    let i = self.new_unit(&name, None, name.clone());
                    Ok((Ref::New(i), name))
                } else {
                    self.unknown
                        .note(ValueKind::Unit, raw, row, sugg, "Ikke valgt".into());
                    Err(self.unknown_unit_message(raw))
                }
            }
        }
    }

    /// Before `--create-missing` creates `raw`: the existing name [`closest`] to it, which
    /// the row takes instead (reported as its resolution and in a warning), or an error
    /// when several are equally close; `None` when nothing similar exists, so creating
    /// makes no near-copy.
    fn similar_existing(
        &mut self,
        kind: ValueKind,
        raw: &str,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Option<Result<String, String>> {
        let names = self.known_names(kind);
        let closest = self
            .similar
            .closest
            .entry((kind, normalise_key(raw)))
            .or_insert_with(|| closest(raw, names))
            .clone();
        let (what, the) = match kind {
            ValueKind::Unit => ("enhed", "enheden"),
            ValueKind::Fagomraade => ("fagområde", "fagområdet"),
            ValueKind::Technology => ("teknologi", "teknologien"),
            ValueKind::Status => ("status", "status"),
        };
        let raw = raw.trim();
        match closest {
            Closest::None => None,
            Closest::One(name) => {
                self.unknown.note(
                    kind,
                    raw,
                    row,
                    vec![name.clone()],
                    format!("Læses som «{name}»"),
                );
                warnings.push(format!(
                    "«{raw}» ligner {the} «{name}», som findes; rækken får den, og der oprettes ingen ny."
                ));
                Some(Ok(name))
            }
            Closest::Tied(names) => {
                let list = names.join("», «");
                self.unknown
                    .note(kind, raw, row, names, "Ikke valgt".into());
                Some(Err(format!(
                    "«{raw}» ligner flere, der findes («{list}»), og oprettes ikke. Vælg den rigtige {what}."
                )))
            }
        }
    }

    /// A unit path of a gevinst export: each level found under its parent, or created.
    fn unit_path(&mut self, path: &[String], row: u32) -> Result<(Ref<UnitId>, String), String> {
        let joined = path.join(" › ");
        if let Some(choice) = self.decision(ValueKind::Unit, &joined) {
            return self.unit_choice(choice, &joined, row);
        }
        let mut parent: Option<Ref<UnitId>> = None;
        let mut missing = false;
        for (depth, name) in path.iter().enumerate() {
            let key = normalise_key(name);
            let existing = match parent {
                None => self.children.get(&(None, key)).copied(),
                Some(Ref::Existing(p)) => self.children.get(&(Some(p), key)).copied(),
                Some(Ref::New(_)) => None,
            };
            parent = Some(match existing {
                Some(u) => Ref::Existing(u),
                None => {
                    missing = true;
                    if !(self.choices.create_missing && self.importer.may_create_lists()) {
                        break;
                    }
                    Ref::New(self.new_unit(name, parent, path[..=depth].join(" › ")))
                }
            });
        }
        let name = path.last().cloned().unwrap_or_default();
        match (parent, missing) {
            (Some(r), false) => Ok((r, name)),
            (Some(r @ Ref::New(_)), true) => {
                self.unknown.note(
                    ValueKind::Unit,
                    &joined,
                    row,
                    suggestions(&name, &self.known.units),
                    "Oprettes".into(),
                );
                Ok((r, name))
            }
            _ => {
                self.unknown.note(
                    ValueKind::Unit,
                    &joined,
                    row,
                    suggestions(&name, &self.known.units),
                    "Ikke valgt".into(),
                );
                Err(self.unknown_unit_message(&joined))
            }
        }
    }

    fn unknown_unit_message(&self, raw: &str) -> String {
        if self.importer.may_create_lists() {
            format!("Enheden «{}» findes ikke. Vælg en eksisterende enhed, eller lad importen oprette den.", raw.trim())
        } else {
            format!("Enheden «{}» findes ikke. Vælg en eksisterende enhed; kun administratorer og porteføljeledere kan oprette enheder.", raw.trim())
        }
    }

    fn unit_choice(
        &mut self,
        choice: &ValueChoice,
        raw: &str,
        row: u32,
    ) -> Result<(Ref<UnitId>, String), String> {
        match choice {
            ValueChoice::Existing { name } => {
                self.unknown.note(
                    ValueKind::Unit,
                    raw,
                    row,
                    Vec::new(),
                    format!("Bruger «{name}»"),
                );
                self.unit_by_name(name).map(|u| {
                    (
                        Ref::Existing(u),
                        name.rsplit(" › ").next().unwrap_or(name).trim().to_owned(),
                    )
                })
            }
            ValueChoice::Create { parent } => {
                if !self.importer.may_create_lists() {
                    return Err(self.unknown_unit_message(raw));
                }
                if let Some(p) = parent {
                    if self.lists.units.get(*p).is_none() {
                        return Err("Den valgte overordnede enhed findes ikke.".to_owned());
                    }
                }
                let name = raw.rsplit(" › ").next().unwrap_or(raw).trim().to_owned();
                self.unknown
                    .note(ValueKind::Unit, raw, row, Vec::new(), "Oprettes".into());
                let i = self.new_unit(&name, parent.map(Ref::Existing), name.clone());
                Ok((Ref::New(i), name))
            }
            ValueChoice::Skip => Err("En række kan ikke importeres uden enhed.".to_owned()),
        }
    }

    /// A fagområde or technology: `Ok(None)` leaves it empty.
    pub(super) fn catalogue(
        &mut self,
        kind: ValueKind,
        m: &Option<ValueMatch>,
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Ref<i64>>, String> {
        let Some(m) = m else { return Ok(None) };
        let lists = self.lists;
        let items = match kind {
            ValueKind::Fagomraade => &lists.fagomraader,
            _ => &lists.technologies,
        };
        let by_name = |name: &str| {
            let key = normalise_key(name);
            items
                .iter()
                .find(|i| normalise_key(&i.name) == key)
                .map(|i| i.id)
        };
        let raw = match m {
            ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
        };
        let noun = kind.noun();
        let what = noun.indefinite;
        let choice = self.decision(kind, &raw).cloned();
        let create = |this: &mut Self, name: &str| -> usize {
            let list = match kind {
                ValueKind::Fagomraade => &mut this.created.fagomraader,
                _ => &mut this.created.technologies,
            };
            // A spelling variant of a name this import creates anyway is that name.
            let name = match match_known(name, list) {
                ValueMatch::Known { name, .. } => name,
                ValueMatch::Unknown { raw } => raw,
            };
            match list.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    list.push(name);
                    list.len() - 1
                }
            }
        };
        match (choice, m) {
            (Some(ValueChoice::Existing { name }), _) => {
                self.unknown
                    .note(kind, &raw, row, Vec::new(), format!("Bruger «{name}»"));
                by_name(&name)
                    .map(|id| Some(Ref::Existing(id)))
                    .ok_or_else(|| format!("{} «{name}» findes ikke.", capitalise(&noun.chosen())))
            }
            (Some(ValueChoice::Skip), _) => {
                self.unknown
                    .note(kind, &raw, row, Vec::new(), "Udelades".into());
                warnings.push(format!(
                    "«{}» udelades; feltet {what} bliver tomt.",
                    raw.trim()
                ));
                Ok(None)
            }
            (Some(ValueChoice::Create { .. }), _) => {
                if !self.importer.may_create_lists() {
                    return Err(format!(
                        "Kun administratorer og porteføljeledere kan oprette {} («{}»).",
                        noun.a_new(),
                        raw.trim()
                    ));
                }
                self.unknown
                    .note(kind, &raw, row, Vec::new(), "Oprettes".into());
                Ok(Some(Ref::New(create(self, &raw))))
            }
            (None, ValueMatch::Known { name, .. }) => by_name(name)
                .map(|id| Some(Ref::Existing(id)))
                .ok_or_else(|| format!("{} «{name}» findes ikke.", capitalise(noun.definite))),
            (None, ValueMatch::Unknown { raw }) => {
                let sugg = self.suggest(kind, raw);
                let creating = self.choices.create_missing && self.importer.may_create_lists();
                let similar = match creating {
                    true => self.similar_existing(kind, raw, row, warnings),
                    false => None,
                };
                if let Some(found) = similar {
                    return match found {
                        Ok(name) => by_name(&name)
                            .map(|id| Some(Ref::Existing(id)))
                            .ok_or_else(|| format!("{what} «{name}» findes ikke.")),
                        // Several are alike: the field stays empty, as for an unknown name.
                        Err(e) => {
                            warnings.push(e);
                            Ok(None)
                        }
                    };
                }
                if creating {
                    self.unknown.note(kind, raw, row, sugg, "Oprettes".into());
                    Ok(Some(Ref::New(create(self, raw))))
                } else {
                    self.unknown.note(kind, raw, row, sugg, "Ikke valgt".into());
                    warnings.push(format!(
                        "Ukendt {what} «{}»; feltet bliver tomt. Vælg {}, eller lad importen oprette {}.",
                        raw.trim(),
                        noun.an_existing(),
                        noun.pronoun
                    ));
                    Ok(None)
                }
            }
        }
    }

    pub(super) fn status(
        &mut self,
        m: &Option<ValueMatch>,
        row: u32,
    ) -> Result<Option<Status>, String> {
        let Some(m) = m else { return Ok(None) };
        let by_label = |name: &str| {
            let key = normalise_key(name);
            Status::ALL
                .into_iter()
                .find(|s| normalise_key(s.label()) == key || normalise_key(s.as_str()) == key)
        };
        let raw = match m {
            ValueMatch::Known { raw, .. } | ValueMatch::Unknown { raw } => raw.clone(),
        };
        if let Some(choice) = self.decision(ValueKind::Status, &raw) {
            let sugg = status_suggestions(&raw);
            return match choice {
                ValueChoice::Existing { name } => {
                    let chosen = by_label(name);
                    let taken =
                        chosen.is_some() && sugg.first().and_then(|s| by_label(s)) == chosen;
                    self.unknown.note(
                        ValueKind::Status,
                        &raw,
                        row,
                        sugg,
                        format!("Bruger «{name}»"),
                    );
                    if taken {
                        self.unknown.take_suggestion(ValueKind::Status, &raw);
                    }
                    chosen
                        .map(Some)
                        .ok_or_else(|| format!("Den valgte status «{name}» findes ikke."))
                }
                _ => {
                    self.unknown
                        .note(ValueKind::Status, &raw, row, sugg, "Idé".into());
                    Ok(None)
                }
            };
        }
        match m {
            ValueMatch::Known { name, .. } => Ok(by_label(name)),
            ValueMatch::Unknown { raw } => {
                let sugg = status_suggestions(raw);
                let hint = match Status::from_word(raw) {
                    Some(s) => format!(" Den betyder nok «{}».", s.label()),
                    None => String::new(),
                };
                self.unknown
                    .note(ValueKind::Status, raw, row, sugg, "Ikke valgt".into());
                let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
                Err(format!(
                    "Status «{}» kendes ikke.{hint} Vælg en af: {}.",
                    raw.trim(),
                    labels.join(", ")
                ))
            }
        }
    }
}

/// The statuses a status text of the file might mean, best first: the status its word
/// stands for ([`Status::from_word`], e.g. "godkendt" → «Besluttet»), then close labels.
fn status_suggestions(raw: &str) -> Vec<String> {
    let labels: Vec<String> = Status::ALL.iter().map(|s| s.label().to_owned()).collect();
    let mut out: Vec<String> = Status::from_word(raw)
        .map(|s| s.label().to_owned())
        .into_iter()
        .collect();
    for s in suggestions(raw, &labels) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Accepts the import's placeholders (negative ids) for records it creates, and the
/// existing potential's own (possibly deactivated) unit.
pub(super) struct Refs<'a> {
    pub(super) lists: &'a TenantLists,
    pub(super) keep_unit: Option<UnitId>,
}

impl References for Refs<'_> {
    fn unit(&self, id: UnitId) -> bool {
        id.0 < 0 || self.lists.unit(id) || Some(id) == self.keep_unit
    }
    fn fagomraade(&self, id: FagomraadeId) -> bool {
        id.0 < 0 || self.lists.fagomraade(id)
    }
    fn technology(&self, id: TechnologyId) -> bool {
        id.0 < 0 || self.lists.technology(id)
    }
    fn user(&self, id: UserId) -> bool {
        self.lists.users.iter().any(|u| u.id == id)
    }
}

pub(super) fn placeholder(i: usize) -> i64 {
    -1 - i64::try_from(i).unwrap_or(i64::MAX - 1)
}
