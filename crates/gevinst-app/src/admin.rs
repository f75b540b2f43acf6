//! Administration: users, units, the per-tenant lists and tenant settings. Every function
//! here requires the admin role.

use crate::auth::{hash_password, Principal};
use crate::potentials::TenantLists;
use crate::Admin;
use crate::{AppError, Result};
use gevinst_domain::access::Permission;
use gevinst_domain::tenant::{validate_catalogue_name, validate_tenant_name};
use gevinst_domain::unit::validate_unit_name;
use gevinst_domain::user::validate_password;
use gevinst_domain::{
    CatalogueItem, FieldErrors, NewUserDraft, Role, Tenant, Unit, UnitId, UnitTree, User, UserId,
};
use gevinst_store::prelude::*;
use gevinst_store::Catalogue;

fn require_admin(store_units: &UnitTree, who: &Principal) -> Result<()> {
    if who.actor.may(Permission::Administer, store_units) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn admin_lists(store: &dyn Store, who: &Principal) -> Result<TenantLists> {
    let lists = TenantLists::load_for(store, who.tenant.id).await?;
    require_admin(&lists.units, who)?;
    Ok(lists)
}

impl Admin<'_> {
    /// The tenant's users (admin only).
    pub async fn list_users(&self, who: &Principal) -> Result<Vec<User>> {
        let store = self.app.store();
        Ok(admin_lists(store, who).await?.users)
    }

    /// Creates a user with an initial password.
    pub async fn create_user(
        &self,
        who: &Principal,
        draft: &NewUserDraft,
        password: &str,
    ) -> Result<User> {
        let store = self.app.store();
        let lists = admin_lists(store, who).await?;
        add_user(
            store,
            &who.tenant,
            who.actor_id(),
            &lists.units,
            draft,
            password,
        )
        .await
    }

    /// Changes a user. An admin cannot deactivate themselves or take away their own admin
    /// role, so a tenant is never locked out by accident.
    pub async fn update_user(
        &self,
        who: &Principal,
        id: UserId,
        expected_version: i64,
        draft: &NewUserDraft,
        active: bool,
    ) -> Result<User> {
        let store = self.app.store();
        let lists = admin_lists(store, who).await?;
        let valid = draft.validate(|u| lists.units.contains(u))?;
        if id == who.user.id && (!active || valid.role != Role::Admin) {
            return Err(FieldErrors::single(
                "role",
                "self_lockout",
                "Du kan ikke fjerne din egen administratorrolle eller deaktivere dig selv.",
            )
            .into());
        }
        let user = store
            .update_user(
                who.tenant.id,
                who.actor_id(),
                id,
                expected_version,
                &valid,
                active,
            )
            .await
            .map_err(|e| {
                duplicate_as(
                    e,
                    "email",
                    "Der findes allerede en bruger med denne e-mail.",
                )
            })?;
        if !active {
            store.delete_user_sessions(who.tenant.id, id, None).await?;
        }
        Ok(user)
    }

    /// Sets a new password for a user (an administrator's reset): ends their sessions and
    /// revokes their API tokens, since whoever had the old password may have made them.
    /// Returns how many tokens were revoked.
    pub async fn set_password(&self, who: &Principal, id: UserId, password: &str) -> Result<u64> {
        let store = self.app.store();
        admin_lists(store, who).await?;
        let user = store.user(who.tenant.id, id).await?;
        validate_password(password, &crate::auth::password_context(&user, &who.tenant))?;
        let hash = hash_password(password)?;
        store
            .set_password(who.tenant.id, who.actor_id(), id, &hash)
            .await?;
        store.delete_user_sessions(who.tenant.id, id, None).await?;
        Ok(store
            .revoke_user_tokens(who.tenant.id, who.actor_id(), id)
            .await?)
    }

    /// Adds a unit under `parent` (or at the top).
    pub async fn create_unit(
        &self,
        who: &Principal,
        parent: Option<UnitId>,
        name: &str,
    ) -> Result<Unit> {
        let store = self.app.store();
        let lists = admin_lists(store, who).await?;
        let name = validate_unit_name(name)?;
        if let Some(p) = parent {
            if !lists.units.contains(p) {
                return Err(FieldErrors::single(
                    "parent_id",
                    "unknown",
                    "Den overordnede enhed findes ikke.",
                )
                .into());
            }
        }
        Ok(store
            .create_unit(who.tenant.id, who.actor_id(), parent, &name)
            .await?)
    }

    /// Renames, moves or (de)activates a unit. Moving a unit under itself is refused.
    pub async fn update_unit(
        &self,
        who: &Principal,
        id: UnitId,
        parent: Option<UnitId>,
        name: &str,
        active: bool,
    ) -> Result<Unit> {
        let store = self.app.store();
        let lists = admin_lists(store, who).await?;
        if !lists.units.contains(id) {
            return Err(AppError::NotFound);
        }
        let name = validate_unit_name(name)?;
        lists.units.check_move(id, parent)?;
        Ok(store
            .update_unit(who.tenant.id, who.actor_id(), id, parent, &name, active)
            .await?)
    }

    /// Adds an entry to a per-tenant list.
    pub async fn add_catalogue_item(
        &self,
        who: &Principal,
        which: Catalogue,
        name: &str,
    ) -> Result<CatalogueItem> {
        let store = self.app.store();
        admin_lists(store, who).await?;
        let name = validate_catalogue_name(name)?;
        store
            .add_catalogue_item(who.tenant.id, who.actor_id(), which, &name)
            .await
            .map_err(|e| duplicate_as(e, "name", "Navnet findes allerede på listen."))
    }

    /// Renames or (de)activates an entry of a per-tenant list.
    pub async fn update_catalogue_item(
        &self,
        who: &Principal,
        which: Catalogue,
        id: i64,
        name: &str,
        active: bool,
    ) -> Result<CatalogueItem> {
        let store = self.app.store();
        admin_lists(store, who).await?;
        let name = validate_catalogue_name(name)?;
        store
            .update_catalogue_item(who.tenant.id, who.actor_id(), which, id, &name, active)
            .await
            .map_err(|e| duplicate_as(e, "name", "Navnet findes allerede på listen."))
    }

    /// Renames the tenant.
    pub async fn rename_tenant(
        &self,
        who: &Principal,
        expected_version: i64,
        name: &str,
    ) -> Result<Tenant> {
        let store = self.app.store();
        admin_lists(store, who).await?;
        let name = validate_tenant_name(name)?;
        Ok(store
            .update_tenant(who.tenant.id, who.actor_id(), expected_version, &name)
            .await?)
    }

    /// Checks the tenant's audit hash chain (admin only): whether the audit log is unchanged
    /// since it was written, or its first broken link.
    pub async fn verify_audit_chain(
        &self,
        who: &Principal,
    ) -> Result<gevinst_domain::audit_chain::ChainReport> {
        let store = self.app.store();
        admin_lists(store, who).await?;
        Ok(store.verify_audit_chain(who.tenant.id).await?)
    }
}

/// Creates a user in `tenant` after checking the draft against the tenant's `units` and the
/// password against the draft; every problem at once ([`AppError::Invalid`]). Shared by
/// the admin's page and the operator's `gevinst user add`.
pub(crate) async fn add_user(
    store: &dyn Store,
    tenant: &Tenant,
    by: Option<UserId>,
    units: &UnitTree,
    draft: &NewUserDraft,
    password: &str,
) -> Result<User> {
    let mut errors = FieldErrors::new();
    let valid = draft
        .validate(|u| units.contains(u))
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let context = [
        draft.email.as_str(),
        draft.name.as_str(),
        tenant.slug.as_str(),
        tenant.name.as_str(),
    ];
    if let Err(e) = validate_password(password, &context) {
        errors.0.extend(e.0);
    }
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let hash = hash_password(password)?;
    store
        .create_user(tenant.id, by, &valid, &hash)
        .await
        .map_err(|e| {
            duplicate_as(
                e,
                "email",
                "Der findes allerede en bruger med denne e-mail.",
            )
        })
}

pub(crate) fn duplicate_as(e: gevinst_store::StoreError, field: &str, message: &str) -> AppError {
    if e.kind() == gevinst_store::ErrorKind::Duplicate {
        FieldErrors::single(field, "duplicate", message).into()
    } else {
        e.into()
    }
}
