//! A row's unit named by several organisation columns (forvaltning › afdeling › enhed),
//! matched against the tenant's unit tree by path, and created level by level under
//! its parent when it is missing.
//!
//! Each level is looked for below the level above it (anywhere in the tree for the
//! first level), at any depth, so a file may skip levels of the tree (forvaltning and
//! enhed, but no afdeling). A level matches a unit of the same name (after
//! [`normalise_key`]); failing that, the unit [`closest`] to it, which is reported. Only
//! a level with nothing similar below its parent is created, with the levels under it.

use gevinst_domain::UnitId;
use gevinst_sheets::import::similar::{closest, Closest};
use gevinst_sheets::import::{match_known, normalise_key};

use super::{Ref, Resolver};
use crate::import::model::{ValueChoice, ValueKind};

/// How one level of a path was found below its parent.
#[derive(Clone)]
pub(super) enum Level {
    Found(UnitId),
    Similar(UnitId),
    Ambiguous(Vec<UnitId>),
    Missing,
}

impl Resolver<'_> {
    /// Active units below `anchor` (the whole tree for `None`), the anchor excluded.
    fn scope(&self, anchor: Option<UnitId>) -> Vec<UnitId> {
        let tree = &self.lists.units;
        let active = |u: &UnitId| tree.get(*u).is_some_and(|x| x.active);
        match anchor {
            Some(a) => tree
                .subtree(a)
                .into_iter()
                .filter(|u| *u != a && active(u))
                .collect(),
            None => tree
                .flatten()
                .into_iter()
                .map(|(_, u)| u.id)
                .filter(active)
                .collect(),
        }
    }

    /// Of several units, the one directly below `anchor`, else all of them.
    fn pick(&self, anchor: Option<UnitId>, hits: Vec<UnitId>, similar: bool) -> Level {
        let tree = &self.lists.units;
        let found = |u| {
            if similar {
                Level::Similar(u)
            } else {
                Level::Found(u)
            }
        };
        if let [one] = hits.as_slice() {
            return found(*one);
        }
        let direct: Vec<UnitId> = hits
            .iter()
            .copied()
            .filter(|u| tree.get(*u).is_some_and(|x| x.parent_id == anchor))
            .collect();
        match direct.as_slice() {
            [one] => found(*one),
            _ => Level::Ambiguous(hits),
        }
    }

    /// [`Self::search_level`], once per parent and name.
    fn find_level(&mut self, anchor: Option<UnitId>, name: &str) -> Level {
        let key = (anchor, normalise_key(name));
        if let Some(hit) = self.similar.levels.get(&key) {
            return hit.clone();
        }
        let found = self.search_level(anchor, name);
        self.similar.levels.insert(key, found.clone());
        found
    }

    fn search_level(&self, anchor: Option<UnitId>, name: &str) -> Level {
        let tree = &self.lists.units;
        let scope = self.scope(anchor);
        let name_of = |u: &UnitId| tree.get(*u).map(|x| x.name.clone()).unwrap_or_default();
        let key = normalise_key(name);
        let exact: Vec<UnitId> = scope
            .iter()
            .copied()
            .filter(|u| normalise_key(&name_of(u)) == key)
            .collect();
        if !exact.is_empty() {
            return self.pick(anchor, exact, false);
        }
        let mut names: Vec<String> = scope.iter().map(name_of).collect();
        names.sort();
        names.dedup();
        let with_names = |wanted: &[String]| -> Vec<UnitId> {
            scope
                .iter()
                .copied()
                .filter(|u| wanted.contains(&name_of(u)))
                .collect()
        };
        match closest(name, &names) {
            Closest::One(n) => self.pick(anchor, with_names(&[n]), true),
            Closest::Tied(ns) => Level::Ambiguous(with_names(&ns)),
            Closest::None => Level::Missing,
        }
    }

    /// The unit of a row whose unit columns form a path (see the module doc).
    pub(in crate::import) fn unit_levels(
        &mut self,
        levels: &[String],
        row: u32,
        warnings: &mut Vec<String>,
    ) -> Result<(Ref<UnitId>, String), String> {
        if let [only] = levels {
            let m = match_known(only, &self.known.units);
            return self.unit_named(&m, row, warnings);
        }
        let joined = levels.join(" › ");
        let may_create = self.importer.may_create_lists();
        // "Create" without a parent creates the path's missing levels under their
        // parents, even where an existing unit is similar: the user said it is new.
        let (create, force_new) = match self.decision(ValueKind::Unit, &joined) {
            Some(ValueChoice::Create { parent: None }) if may_create => (true, true),
            Some(choice) => return self.unit_choice(choice, &joined, row),
            None => (self.choices.create_missing && may_create, false),
        };
        let lists = self.lists;
        let tree = &lists.units;
        let mut anchor: Option<UnitId> = None;
        let mut likened = false;
        for (depth, name) in levels.iter().enumerate() {
            let level = match self.find_level(anchor, name) {
                Level::Similar(_) if force_new => Level::Missing,
                level => level,
            };
            match level {
                Level::Found(u) => anchor = Some(u),
                Level::Similar(u) => {
                    likened = true;
                    anchor = Some(u);
                }
                Level::Ambiguous(units) => {
                    let paths: Vec<String> = units.iter().map(|u| tree.display_path(*u)).collect();
                    self.unknown.note(
                        ValueKind::Unit,
                        &joined,
                        row,
                        paths.clone(),
                        "Ikke valgt".into(),
                    );
                    return Err(format!(
                        "«{}» i enhedsstien «{joined}» kan være flere enheder ({}). Vælg den rigtige.",
                        name.trim(),
                        paths.join("; ")
                    ));
                }
                Level::Missing if create => {
                    let base = anchor.map(|a| tree.display_path(a));
                    let mut parent = anchor.map(Ref::Existing);
                    for d in depth..levels.len() {
                        let mut label: Vec<&str> = base.iter().map(String::as_str).collect();
                        label.extend(levels[depth..=d].iter().map(|s| s.trim()));
                        let i = self.new_unit(&levels[d], parent, label.join(" › "));
                        parent = Some(Ref::New(i));
                    }
                    let resolution = match &base {
                        Some(b) => format!("Oprettes under «{b}»"),
                        None => "Oprettes".to_owned(),
                    };
                    self.unknown
                        .note(ValueKind::Unit, &joined, row, Vec::new(), resolution);
                    let name = levels
                        .last()
                        .map(|s| s.trim().to_owned())
                        .unwrap_or_default();
                    return match parent {
                        Some(r) => Ok((r, name)),
                        None => Err(self.unknown_unit_message(&joined)),
                    };
                }
                Level::Missing => {
                    let sugg = anchor.map(|a| tree.display_path(a)).into_iter().collect();
                    self.unknown
                        .note(ValueKind::Unit, &joined, row, sugg, "Ikke valgt".into());
                    return Err(self.unknown_unit_message(&joined));
                }
            }
        }
        let Some(unit) = anchor else {
            return Err(self.unknown_unit_message(&joined));
        };
        let path = tree.display_path(unit);
        let name = tree.get(unit).map(|u| u.name.clone()).unwrap_or_default();
        if likened {
            if !create {
                self.unknown.note(
                    ValueKind::Unit,
                    &joined,
                    row,
                    vec![path],
                    "Ikke valgt".into(),
                );
                return Err(self.unknown_unit_message(&joined));
            }
            self.unknown.note(
                ValueKind::Unit,
                &joined,
                row,
                vec![path.clone()],
                format!("Læses som «{path}»"),
            );
            warnings.push(format!(
                "Enheden «{joined}» findes ikke, men ligner «{path}»; rækken får den enhed, og der oprettes ingen ny."
            ));
        }
        Ok((Ref::Existing(unit), name))
    }
}
