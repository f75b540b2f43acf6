//! Possible duplicates by content: with an external-id column, a row that repeats the
//! title and unit of an earlier row or of a potential of the register under another
//! number is probably the same potential registered twice.
//!
//! Both checks look the row's key up in a hash map (the file's while it is read, the
//! register's by [`title_unit_key`]), so a file of n rows against a register of m
//! potentials costs O(n + m), not O(n · m).

use gevinst_domain::PotentialId;

use super::candidate::{Candidate, External};
use super::existing::{title_unit_key, Existing};
use super::EXTERNAL_ID_TAG;

/// What a row may repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PossibleDuplicate {
    /// An earlier row of the file (its sheet row number).
    Row(u32),
    /// A potential of the register.
    Potential(PotentialId),
}

impl PossibleDuplicate {
    /// "række 7" or "potentiale #12", for messages.
    pub(super) fn what(self) -> String {
        match self {
            PossibleDuplicate::Row(r) => format!("række {r}"),
            PossibleDuplicate::Potential(id) => format!("potentiale #{id}"),
        }
    }

    /// The potential, when it is one of the register.
    pub(super) fn potential(self) -> Option<PotentialId> {
        match self {
            PossibleDuplicate::Potential(id) => Some(id),
            PossibleDuplicate::Row(_) => None,
        }
    }
}

/// The row or potential that `c` (with the resolved unit name `unit`) may repeat under
/// another external id: an earlier row of the file (found while the file was read,
/// [`gevinst_sheets::import::RowOutcome::possible_duplicate_of`]), else a potential of
/// the register with the same title and unit that carries another external id. Rows
/// without an external id are left to the file's own duplicate check and to matching by
/// title and unit.
pub(super) fn possible_duplicate(
    ex: &Existing,
    c: &Candidate,
    unit: &str,
) -> Option<PossibleDuplicate> {
    if let Some(row) = c.possible_duplicate_of {
        return Some(PossibleDuplicate::Row(row));
    }
    let (External::Tag(ext), Some(title)) = (&c.external, c.title.as_deref()) else {
        return None;
    };
    if ex.by_tag.contains_key(ext) {
        return None;
    }
    ex.by_title_unit
        .get(&title_unit_key(title, unit))?
        .iter()
        .map(|&i| &ex.potentials[i])
        .find(|p| {
            p.tags.iter().any(|t| {
                t.strip_prefix(EXTERNAL_ID_TAG)
                    .is_some_and(|other| other.trim().to_lowercase() != *ext)
            })
        })
        .map(|p| PossibleDuplicate::Potential(p.id))
}
