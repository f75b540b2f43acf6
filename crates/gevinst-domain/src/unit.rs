//! The organisation: units in a tree of any depth (forvaltning → enhed → …).

use crate::ids::UnitId;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// An organisational unit. Top-level units (no parent) are usually forvaltninger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unit {
    /// Id.
    pub id: UnitId,
    /// Parent unit, or `None` for a top-level unit.
    pub parent_id: Option<UnitId>,
    /// Name, e.g. "Social, Sundhed og Ældre" or "Hjemmeplejen Nord".
    pub name: String,
    /// Inactive units stay on old records but are not offered for new ones.
    pub active: bool,
}

/// Validates a unit name (1–120 characters).
pub fn validate_unit_name(input: &str) -> Result<String, FieldErrors> {
    crate::text::required_name("name", input, 120, "Enhedens navn")
}

/// A tenant's units as a tree, for walking sub-trees and building paths.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    units: BTreeMap<UnitId, Unit>,
    children: BTreeMap<Option<UnitId>, Vec<UnitId>>,
}

impl UnitTree {
    /// Builds the tree from a flat list. Children are ordered by name.
    pub fn new(units: Vec<Unit>) -> Self {
        let mut children: BTreeMap<Option<UnitId>, Vec<UnitId>> = BTreeMap::new();
        let by_id: BTreeMap<UnitId, Unit> = units.into_iter().map(|u| (u.id, u)).collect();
        for u in by_id.values() {
            children.entry(u.parent_id).or_default().push(u.id);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| by_id[a].name.cmp(&by_id[b].name));
        }
        UnitTree {
            units: by_id,
            children,
        }
    }

    /// A unit by id.
    pub fn get(&self, id: UnitId) -> Option<&Unit> {
        self.units.get(&id)
    }

    /// Whether the unit exists in this tenant.
    pub fn contains(&self, id: UnitId) -> bool {
        self.units.contains_key(&id)
    }

    /// The unit and all units below it.
    pub fn subtree(&self, root: UnitId) -> BTreeSet<UnitId> {
        let mut out = BTreeSet::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if !self.units.contains_key(&id) || !out.insert(id) {
                continue;
            }
            if let Some(kids) = self.children.get(&Some(id)) {
                stack.extend(kids.iter().copied());
            }
        }
        out
    }

    /// All units below any of `roots`, roots included.
    pub fn subtrees(&self, roots: &[UnitId]) -> BTreeSet<UnitId> {
        roots.iter().flat_map(|r| self.subtree(*r)).collect()
    }

    /// Names from the top down to the unit, e.g. `["Social og Sundhed", "Hjemmeplejen"]`.
    pub fn path(&self, id: UnitId) -> Vec<&str> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut cur = self.units.get(&id);
        while let Some(u) = cur {
            if !seen.insert(u.id) {
                break;
            }
            out.push(u.name.as_str());
            cur = u.parent_id.and_then(|p| self.units.get(&p));
        }
        out.reverse();
        out
    }

    /// The path joined for display: "Social og Sundhed › Hjemmeplejen".
    pub fn display_path(&self, id: UnitId) -> String {
        self.path(id).join(" › ")
    }

    /// Depth-first order with depth, for indented lists and `<select>` options.
    pub fn flatten(&self) -> Vec<(usize, &Unit)> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, UnitId)> = self
            .children
            .get(&None)
            .map(|v| v.iter().rev().map(|id| (0, *id)).collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some((depth, id)) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let u = &self.units[&id];
            out.push((depth, u));
            if let Some(kids) = self.children.get(&Some(id)) {
                stack.extend(kids.iter().rev().map(|k| (depth + 1, *k)));
            }
        }
        out
    }

    /// Checks that `unit` may get `new_parent` as parent: the parent exists and is not
    /// the unit itself or one of its descendants.
    pub fn check_move(&self, unit: UnitId, new_parent: Option<UnitId>) -> Result<(), FieldErrors> {
        let Some(p) = new_parent else { return Ok(()) };
        if !self.contains(p) {
            return Err(FieldErrors::single(
                "parent_id",
                "unknown",
                "Den overordnede enhed findes ikke.",
            ));
        }
        if self.subtree(unit).contains(&p) {
            return Err(FieldErrors::single(
                "parent_id",
                "cycle",
                "En enhed kan ikke placeres under sig selv eller en af sine underenheder.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(id: i64, parent: Option<i64>, name: &str) -> Unit {
        Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: name.into(),
            active: true,
        }
    }

    fn tree() -> UnitTree {
        UnitTree::new(vec![
            u(1, None, "Social"),
            u(2, Some(1), "Hjemmepleje"),
            u(3, Some(2), "Nord"),
            u(4, None, "Teknik"),
        ])
    }

    #[test]
    fn subtree_and_path() {
        let t = tree();
        assert_eq!(
            t.subtree(UnitId(1)),
            [1, 2, 3].map(UnitId).into_iter().collect()
        );
        assert_eq!(t.subtree(UnitId(4)).len(), 1);
        assert!(t.subtree(UnitId(99)).is_empty());
        assert_eq!(t.display_path(UnitId(3)), "Social › Hjemmepleje › Nord");
        let flat: Vec<(usize, i64)> = t.flatten().iter().map(|(d, u)| (*d, u.id.0)).collect();
        assert_eq!(flat, vec![(0, 1), (1, 2), (2, 3), (0, 4)]);
    }

    #[test]
    fn moves_cannot_make_cycles() {
        let t = tree();
        assert!(t.check_move(UnitId(1), Some(UnitId(3))).is_err());
        assert!(t.check_move(UnitId(1), Some(UnitId(1))).is_err());
        assert!(t.check_move(UnitId(3), Some(UnitId(4))).is_ok());
        assert!(t.check_move(UnitId(3), None).is_ok());
        assert!(t.check_move(UnitId(3), Some(UnitId(42))).is_err());
    }
}
