//! Provider groups → gevinst role and units, applied at every sign-in.

use crate::ids::UnitId;
use crate::user::Role;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// One mapping: members of `group` at the provider get `role`, in `unit` for the
/// unit-bound roles (e.g. "Hjemmeplejen-ledere" → leder of Hjemmeplejen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupRule {
    /// Id.
    pub id: i64,
    /// The group's name or id as the provider sends it (Entra ID: the object id or the app
    /// role's value). Compared without regard to case.
    pub group: String,
    /// The role it gives.
    pub role: Role,
    /// The unit, for [`Role::Leder`] and [`Role::DigitalAgent`] (required for them).
    pub unit: Option<UnitId>,
}

/// A rule as entered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct GroupRuleDraft {
    /// See [`GroupRule::group`].
    pub group: String,
    /// See [`GroupRule::role`].
    pub role: Role,
    /// See [`GroupRule::unit`].
    pub unit: Option<UnitId>,
}

/// Checks a rule: a group name, and a unit exactly for the unit-bound roles.
pub fn validate_group_rule(draft: &GroupRuleDraft) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let group = draft.group.trim();
    if group.is_empty() {
        errors.add("group", "required", "Udfyld gruppens navn eller id.");
    } else if group.chars().count() > 256 {
        errors.add(
            "group",
            "too_long",
            "Gruppens navn er for langt (højst 256 tegn).",
        );
    }
    match (draft.role.is_unit_scoped(), draft.unit) {
        (true, None) => errors.add(
            "unit",
            "required",
            format!("Vælg den enhed, rollen {} gælder for.", draft.role.label()),
        ),
        (false, Some(_)) => errors.add(
            "unit",
            "not_allowed",
            format!(
                "Rollen {} gælder hele kommunen; vælg ingen enhed.",
                draft.role.label()
            ),
        ),
        _ => {}
    }
    errors.into_result(())
}

/// What a person's groups give them: one role (gevinst has one role per user) and, for the
/// unit-bound roles, the units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GroupMapping {
    /// The most powerful role any matching rule gives (in [`Role::ALL`]'s order).
    pub role: Role,
    /// The units of every matching rule with that role, sorted, without duplicates.
    pub units: Vec<UnitId>,
    /// The groups that matched a rule with that role, for the audit entry.
    pub matched: Vec<String>,
}

/// Maps the groups a provider sent through the tenant's rules. `None` when no rule
/// matches: the sign-in is refused ([`super::Refusal::NoMappedGroup`]).
pub fn map_groups(groups: &[String], rules: &[GroupRule]) -> Option<GroupMapping> {
    let matching: Vec<&GroupRule> = rules
        .iter()
        .filter(|r| {
            groups
                .iter()
                .any(|g| g.trim().to_lowercase() == r.group.trim().to_lowercase())
        })
        .collect();
    let role = Role::ALL
        .into_iter()
        .find(|role| matching.iter().any(|r| r.role == *role))?;
    let chosen = matching.iter().filter(|r| r.role == role);
    let mut units: Vec<UnitId> = if role.is_unit_scoped() {
        chosen.clone().filter_map(|r| r.unit).collect()
    } else {
        Vec::new()
    };
    units.sort();
    units.dedup();
    let mut matched: Vec<String> = chosen.map(|r| r.group.clone()).collect();
    matched.sort();
    matched.dedup();
    Some(GroupMapping {
        role,
        units,
        matched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(id: i64, group: &str, role: Role, unit: Option<i64>) -> GroupRule {
        GroupRule {
            id,
            group: group.into(),
            role,
            unit: unit.map(UnitId),
        }
    }

    fn rules() -> Vec<GroupRule> {
        vec![
            rule(1, "GG-Gevinst-Porteføljeleder", Role::Portefoljeleder, None),
            rule(2, "Hjemmeplejen-ledere", Role::Leder, Some(10)),
            rule(3, "Plejecentre-ledere", Role::Leder, Some(11)),
            rule(4, "GG-Gevinst-Læser", Role::Laeser, None),
        ]
    }

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_most_powerful_role_wins_and_units_add_up() {
        let m = map_groups(
            &groups(&[
                "plejecentre-ledere",
                "Hjemmeplejen-ledere",
                "GG-Gevinst-Læser",
            ]),
            &rules(),
        )
        .unwrap();
        assert_eq!(m.role, Role::Leder);
        assert_eq!(m.units, [UnitId(10), UnitId(11)]);
        assert_eq!(m.matched, ["Hjemmeplejen-ledere", "Plejecentre-ledere"]);
        let p = map_groups(
            &groups(&["Hjemmeplejen-ledere", "GG-Gevinst-Porteføljeleder"]),
            &rules(),
        )
        .unwrap();
        assert_eq!((p.role, p.units.len()), (Role::Portefoljeleder, 0));
    }

    #[test]
    fn no_matching_group_is_no_mapping() {
        assert_eq!(map_groups(&groups(&["Alle medarbejdere"]), &rules()), None);
        assert_eq!(map_groups(&[], &rules()), None);
    }

    #[test]
    fn unit_bound_roles_need_a_unit_and_others_none() {
        let d = |role, unit: Option<i64>| GroupRuleDraft {
            group: "G".into(),
            role,
            unit: unit.map(UnitId),
        };
        assert!(validate_group_rule(&d(Role::Leder, None)).is_err());
        assert!(validate_group_rule(&d(Role::Leder, Some(1))).is_ok());
        assert!(validate_group_rule(&d(Role::Admin, Some(1))).is_err());
        assert!(validate_group_rule(&d(Role::Laeser, None)).is_ok());
    }

    proptest! {
        /// Adding groups never lowers the role: the mapping is monotone in the groups.
        #[test]
        fn more_groups_never_mean_less_power(picks in proptest::collection::vec(0usize..6, 0..6),
                                            extra in 0usize..6) {
            let names = ["GG-Gevinst-Porteføljeleder", "Hjemmeplejen-ledere",
                "Plejecentre-ledere", "GG-Gevinst-Læser", "Alle", "Andet"];
            let base: Vec<String> = picks.iter().map(|i| names[*i].to_owned()).collect();
            let mut more = base.clone();
            more.push(names[extra].to_owned());
            let rank = |m: Option<GroupMapping>| m.map(|m| {
                Role::ALL.iter().position(|r| *r == m.role).unwrap_or(usize::MAX)
            });
            match (rank(map_groups(&base, &rules())), rank(map_groups(&more, &rules()))) {
                (Some(a), Some(b)) => prop_assert!(b <= a),
                (Some(_), None) => prop_assert!(false, "a mapping disappeared"),
                _ => {}
            }
        }
    }
}
