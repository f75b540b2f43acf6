//! The operator's use cases: what `gevinst tenant|user|unit|token|audit` do from the shell.
//!
//! The operator is not a user of a tenant: they act in any tenant with every right, and
//! the audit log names them as the store they were given says (`cli:USER@HOST`, see
//! `Store::acting_as`). The rules are the UI's own: a user is checked by the same code as
//! the admin page's ([`crate::admin`]), a token by the same as the account page's
//! ([`crate::auth`]).

use gevinst_domain::audit_chain::ChainReport;
use gevinst_domain::tenant::validate_tenant_name;
use gevinst_domain::{FieldErrors, NewUserDraft, Slug, Tenant, Unit, UnitTree, User};

use crate::admin::{add_user, duplicate_as};
use crate::auth::{issue_token, ApiTokenInfo};
use crate::{AppError, Operator, Result};

impl Operator<'_> {
    /// Creates a tenant. A slug that is not 2–40 characters `a-z`, `0-9` and `-`, or is taken,
    /// is an error on `slug`; a name that is not 1–120 characters one on `name`.
    pub async fn create_tenant(&self, slug: &str, name: &str) -> Result<Tenant> {
        let mut errors = FieldErrors::new();
        let slug = Slug::parse(slug)
            .map_err(|_| errors.add("slug", "invalid", "Ugyldig kortnavn."))
            .ok();
        let name = validate_tenant_name(name)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let (Some(slug), Some(name)) = (slug, name) else {
            return Err(errors.into());
        };
        self.app
            .store()
            .create_tenant(&slug, &name)
            .await
            .map_err(|e| {
                duplicate_as(
                    e,
                    "slug",
                    "Der findes allerede en kommune med dette kortnavn.",
                )
            })
    }

    /// Every tenant, in slug order.
    pub async fn tenants(&self) -> Result<Vec<Tenant>> {
        Ok(self.app.store().list_tenants().await?)
    }

    /// The tenant with this slug (case and surrounding spaces ignored), or
    /// [`AppError::NotFound`].
    pub async fn tenant(&self, slug: &str) -> Result<Tenant> {
        let wanted = slug.trim().to_lowercase();
        Ok(self.app.store().tenant_by_slug(&wanted).await?)
    }

    /// The tenant's users.
    pub async fn users(&self, tenant: &Tenant) -> Result<Vec<User>> {
        Ok(self.app.store().list_users(tenant.id).await?)
    }

    /// The tenant's units.
    pub async fn units(&self, tenant: &Tenant) -> Result<Vec<Unit>> {
        Ok(self.app.store().list_units(tenant.id).await?)
    }

    /// Creates a user with this password, checked as the admin page checks it.
    pub async fn create_user(
        &self,
        tenant: &Tenant,
        draft: &NewUserDraft,
        password: &str,
    ) -> Result<User> {
        let store = self.app.store();
        let units = UnitTree::new(store.list_units(tenant.id).await?);
        add_user(store, tenant, None, &units, draft, password).await
    }

    /// Makes an API token for the user with this e-mail, checked as the account page checks
    /// a user's own. An unknown e-mail is an error on `email` (`unknown`), a deactivated
    /// user one too (`inactive`): their token would not work.
    pub async fn create_token(
        &self,
        tenant: &Tenant,
        email: &str,
        name: &str,
        expires_in_days: Option<u32>,
    ) -> Result<(String, ApiTokenInfo)> {
        let store = self.app.store();
        let lookup = email.trim().to_lowercase();
        let user = match store.user_credentials(tenant.id, &lookup).await {
            Ok(c) => c.user,
            Err(e) if e.is_not_found() => {
                return Err(FieldErrors::single("email", "unknown", "Ukendt bruger.").into())
            }
            Err(e) => return Err(e.into()),
        };
        if !user.active {
            let e = FieldErrors::single("email", "inactive", "Brugeren er deaktiveret.");
            return Err(AppError::Invalid(e));
        }
        issue_token(store, tenant, None, user.id, name, expires_in_days).await
    }

    /// Checks the tenant's audit chain.
    pub async fn verify_audit_chain(&self, tenant: &Tenant) -> Result<ChainReport> {
        Ok(self.app.store().verify_audit_chain(tenant.id).await?)
    }
}
