//! Who may do what. These rules are pure; the application layer asks them before every
//! change, and the HTTP tests attack them.
//!
//! | action | admin | porteføljeleder | leder | digital agent | læser |
//! |---|---|---|---|---|---|
//! | read the tenant's potentials | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | submit an idea (status idé) | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | create with any status / edit | ✓ | ✓ | own units | own units | – |
//! | change status (not a decision) | ✓ | ✓ | own units | own units | – |
//! | decide: besluttet, afvist | ✓ | ✓ | own units | – | – |
//! | set or change a benefit's owner (gevinstejer) | ✓ | ✓ | own units | – | – |
//! | approve or reject a flagged actual (not one's own) | ✓ | ✓ | – | – | – |
//! | manage the portfolio: programmes, forecast probabilities, every benefit plan and actual, imports into any unit | ✓ | ✓ | – | – | – |
//! | contribute: the people pickers on potentials, the write actions of the navigation | ✓ | ✓ | ✓ | ✓ | – |
//! | import spreadsheets (each row still needs the right to edit its unit) | ✓ | ✓ | ✓ | ✓ | – |
//! | users, units, tenant settings | ✓ | – | – | – | – |
//!
//! "Own units" means the units a user is assigned to and every unit below them.

use crate::ids::{TenantId, UnitId, UserId};
use crate::status::Status;
use crate::unit::UnitTree;
use crate::user::Role;
use std::collections::BTreeSet;

/// The user acting, as the application layer knows them after authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Tenant of the user; every query is scoped to it.
    pub tenant_id: TenantId,
    /// The user.
    pub user_id: UserId,
    /// The user's role.
    pub role: Role,
    /// Units the user is assigned to (not yet expanded to sub-units).
    pub units: Vec<UnitId>,
}

/// Something a user may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Submit a new idea.
    SubmitIdea,
    /// Edit a potential in the given unit.
    EditPotential(UnitId),
    /// Move a potential in the given unit to the given status.
    ChangeStatus(UnitId, Status),
    /// Set or change the owner (gevinstejer) of a benefit of a potential in the given unit.
    /// Separation of duties: whoever records actuals must not be able to make themselves
    /// the owner, so digital agents may edit a plan but not its owners.
    AssignBenefitOwner(UnitId),
    /// Approve or reject a flagged actual (the four-eyes principle; never one's own, see
    /// [`crate::programme::check_decider`]).
    ApproveActuals,
    /// Manage the portfolio as a whole (*porteføljestyring*): programmes and their targets,
    /// the forecast's probabilities, every benefit plan and actual, and imports into any
    /// unit. Not bound to a unit.
    ManagePortfolio,
    /// Work on potentials beyond submitting ideas: pick people (benefit owner, digital agent)
    /// on a potential and see the write actions. Every role but læser; not bound to a unit
    /// (each change still needs [`Permission::EditPotential`] of its unit).
    Contribute,
    /// Import potentials from a spreadsheet. Every role but læser; each row still needs
    /// [`Permission::EditPotential`] of its unit, or [`Permission::ManagePortfolio`].
    Import,
    /// Act on many potentials at once from the list (*masseredigering*): change the status
    /// of the selected rows, add them to a programme. Porteføljeleder and admin; each row's
    /// change still needs its own permission ([`Permission::ChangeStatus`] of its unit,
    /// [`Permission::ManagePortfolio`]).
    BulkEdit,
    /// Manage users, units and tenant settings.
    Administer,
}

impl Actor {
    /// The units the user has rights in: their assigned units and all units below.
    pub fn scope(&self, tree: &UnitTree) -> BTreeSet<UnitId> {
        tree.subtrees(&self.units)
    }

    /// Whether the actor may do `what`. `tree` is the tenant's organisation.
    pub fn may(&self, what: Permission, tree: &UnitTree) -> bool {
        let in_scope = |u: UnitId| self.scope(tree).contains(&u);
        match (self.role, what) {
            (_, Permission::SubmitIdea) => true,
            (Role::Admin, _) => true,
            (_, Permission::Administer) => false,
            (Role::Portefoljeleder, _) => true,
            (Role::Laeser, _) => false,
            (Role::Leder, Permission::EditPotential(u)) => in_scope(u),
            (Role::Leder, Permission::ChangeStatus(u, _)) => in_scope(u),
            (Role::Leder, Permission::AssignBenefitOwner(u)) => in_scope(u),
            (Role::Leder | Role::DigitalAgent, Permission::Contribute | Permission::Import) => true,
            (Role::Leder | Role::DigitalAgent, Permission::ApproveActuals) => false,
            (Role::Leder | Role::DigitalAgent, Permission::ManagePortfolio) => false,
            (Role::Leder | Role::DigitalAgent, Permission::BulkEdit) => false,
            (Role::DigitalAgent, Permission::AssignBenefitOwner(_)) => false,
            (Role::DigitalAgent, Permission::EditPotential(u)) => in_scope(u),
            (Role::DigitalAgent, Permission::ChangeStatus(u, to)) => {
                !to.is_decision() && in_scope(u)
            }
        }
    }

    /// Whether the actor may do `what`, a permission that is not bound to a unit
    /// ([`Permission::ManagePortfolio`], [`Permission::ApproveActuals`],
    /// [`Permission::Administer`], [`Permission::SubmitIdea`], [`Permission::Contribute`],
    /// [`Permission::Import`], [`Permission::BulkEdit`]). A unit-bound permission
    /// asked this way is never granted below the tenant-wide roles.
    pub fn may_tenant_wide(&self, what: Permission) -> bool {
        self.may(what, &UnitTree::new(Vec::new()))
    }

    /// Whether the actor may set a status other than idé when creating a potential
    /// (e.g. registering a workshop result as already *vurderet*).
    pub fn may_create_with_status(&self, unit: UnitId, tree: &UnitTree) -> bool {
        self.may(Permission::EditPotential(unit), tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::Unit;

    fn tree() -> UnitTree {
        let u = |id, parent: Option<i64>| Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: format!("u{id}"),
            active: true,
        };
        UnitTree::new(vec![u(1, None), u(2, Some(1)), u(3, None)])
    }

    fn actor(role: Role, units: &[i64]) -> Actor {
        Actor {
            tenant_id: TenantId(1),
            user_id: UserId(1),
            role,
            units: units.iter().map(|u| UnitId(*u)).collect(),
        }
    }

    /// Every permission × role, as a table: a changed rule, or a new permission without a
    /// row, fails here. Columns: admin, porteføljeleder, leder, digital agent, læser. The
    /// actor is assigned unit 1; unit 2 is below it, unit 3 is elsewhere.
    #[test]
    fn every_permission_for_every_role() {
        use Permission as P;
        const ROLES: [Role; 5] = [
            Role::Admin,
            Role::Portefoljeleder,
            Role::Leder,
            Role::DigitalAgent,
            Role::Laeser,
        ];
        let (own, sub, other) = (UnitId(1), UnitId(2), UnitId(3));
        let decide = Status::Besluttet;
        let assess = Status::Vurderet;
        #[rustfmt::skip]
        let table: &[(&str, P, [bool; 5])] = &[
            // what                          permission                    adm    pl     leder  agent  læser
            ("submit an idea",                P::SubmitIdea,                [true,  true,  true,  true,  true ]),
            ("edit in own unit",              P::EditPotential(own),        [true,  true,  true,  true,  false]),
            ("edit below own unit",           P::EditPotential(sub),        [true,  true,  true,  true,  false]),
            ("edit elsewhere",                P::EditPotential(other),      [true,  true,  false, false, false]),
            ("assess in own unit",            P::ChangeStatus(own, assess), [true,  true,  true,  true,  false]),
            ("assess elsewhere",              P::ChangeStatus(other, assess), [true, true, false, false, false]),
            ("decide in own unit",            P::ChangeStatus(sub, decide), [true,  true,  true,  false, false]),
            ("decide elsewhere",              P::ChangeStatus(other, decide), [true, true, false, false, false]),
            ("assign owner in own unit",      P::AssignBenefitOwner(sub),   [true,  true,  true,  false, false]),
            ("assign owner elsewhere",        P::AssignBenefitOwner(other), [true,  true,  false, false, false]),
            ("approve actuals",               P::ApproveActuals,            [true,  true,  false, false, false]),
            ("manage the portfolio",          P::ManagePortfolio,           [true,  true,  false, false, false]),
            ("contribute",                    P::Contribute,                [true,  true,  true,  true,  false]),
            ("import",                        P::Import,                    [true,  true,  true,  true,  false]),
            ("administer",                    P::Administer,                [true,  false, false, false, false]),
            ("bulk edit",                     P::BulkEdit,                  [true,  true,  false, false, false]),
        ];
        // Every kind of permission has a row: this match stops compiling when one is added.
        let kind = |p: &P| match p {
            P::SubmitIdea => 0,
            P::EditPotential(_) => 1,
            P::ChangeStatus(..) => 2,
            P::AssignBenefitOwner(_) => 3,
            P::ApproveActuals => 4,
            P::ManagePortfolio => 5,
            P::Contribute => 6,
            P::Import => 7,
            P::Administer => 8,
            P::BulkEdit => 9,
        };
        let kinds: BTreeSet<usize> = table.iter().map(|(_, p, _)| kind(p)).collect();
        assert_eq!(kinds, (0..=9).collect::<BTreeSet<_>>());
        let t = tree();
        for (what, permission, expected) in table {
            for (role, may) in ROLES.iter().zip(expected) {
                assert_eq!(
                    actor(*role, &[1]).may(*permission, &t),
                    *may,
                    "{role:?} {what}"
                );
            }
        }
        for p in [
            P::Contribute,
            P::Import,
            P::ManagePortfolio,
            P::ApproveActuals,
            P::Administer,
            P::BulkEdit,
        ] {
            for role in ROLES {
                let a = actor(role, &[1]);
                assert_eq!(a.may_tenant_wide(p), a.may(p, &t), "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn matrix() {
        let t = tree();
        let sub = UnitId(2);
        let other = UnitId(3);
        let cases = [
            (Role::Admin, Permission::Administer, true),
            (Role::Admin, Permission::ManagePortfolio, true),
            (Role::Portefoljeleder, Permission::ManagePortfolio, true),
            (Role::Leder, Permission::ManagePortfolio, false),
            (Role::DigitalAgent, Permission::ManagePortfolio, false),
            (Role::Laeser, Permission::ManagePortfolio, false),
            (Role::Portefoljeleder, Permission::Administer, false),
            (
                Role::Portefoljeleder,
                Permission::ChangeStatus(other, Status::Besluttet),
                true,
            ),
            (Role::Leder, Permission::EditPotential(sub), true),
            (Role::Leder, Permission::EditPotential(other), false),
            (
                Role::Leder,
                Permission::ChangeStatus(sub, Status::Besluttet),
                true,
            ),
            (Role::DigitalAgent, Permission::EditPotential(sub), true),
            (
                Role::DigitalAgent,
                Permission::ChangeStatus(sub, Status::Vurderet),
                true,
            ),
            (
                Role::DigitalAgent,
                Permission::ChangeStatus(sub, Status::Besluttet),
                false,
            ),
            (
                Role::DigitalAgent,
                Permission::ChangeStatus(sub, Status::Afvist),
                false,
            ),
            (Role::DigitalAgent, Permission::EditPotential(other), false),
            (Role::Laeser, Permission::EditPotential(sub), false),
            (Role::Laeser, Permission::SubmitIdea, true),
            (Role::Laeser, Permission::Administer, false),
            (Role::Admin, Permission::AssignBenefitOwner(other), true),
            (
                Role::Portefoljeleder,
                Permission::AssignBenefitOwner(other),
                true,
            ),
            (Role::Leder, Permission::AssignBenefitOwner(sub), true),
            (Role::Leder, Permission::AssignBenefitOwner(other), false),
            (
                Role::DigitalAgent,
                Permission::AssignBenefitOwner(sub),
                false,
            ),
            (Role::Laeser, Permission::AssignBenefitOwner(sub), false),
            (Role::Admin, Permission::ApproveActuals, true),
            (Role::Portefoljeleder, Permission::ApproveActuals, true),
            (Role::Leder, Permission::ApproveActuals, false),
            (Role::DigitalAgent, Permission::ApproveActuals, false),
            (Role::Laeser, Permission::ApproveActuals, false),
        ];
        for (role, what, expected) in cases {
            assert_eq!(
                actor(role, &[1]).may(what, &t),
                expected,
                "{role:?} {what:?}"
            );
        }
    }
}
