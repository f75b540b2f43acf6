//! Tenants and their users.

use crate::{ActorId, Result};
use async_trait::async_trait;
use gevinst_domain::{Slug, Tenant, TenantId, User, UserId, ValidUser};

/// A user with their password hash, for login only.
#[derive(Clone)]
pub struct UserCredentials {
    /// The user.
    pub user: User,
    /// PHC-format argon2id hash.
    pub password_hash: String,
}

impl std::fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"***")
            .finish()
    }
}

/// Tenants and their users. A taken slug or e-mail is [`crate::StoreError::Duplicate`].
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates a tenant with the default fagområder and technology types.
    /// A taken slug is [`crate::StoreError::Duplicate`].
    async fn create_tenant(&self, slug: &Slug, name: &str) -> Result<Tenant>;
    /// A tenant by slug.
    async fn tenant_by_slug(&self, slug: &str) -> Result<Tenant>;
    /// A tenant by id.
    async fn tenant(&self, id: TenantId) -> Result<Tenant>;
    /// All tenants, by slug.
    async fn list_tenants(&self) -> Result<Vec<Tenant>>;
    /// Renames a tenant (optimistic concurrency on the tenant's version).
    async fn update_tenant(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        name: &str,
    ) -> Result<Tenant>;
    /// Whether the database holds any tenant at all (the demo loader only fills an empty one).
    async fn is_empty(&self) -> Result<bool>;

    /// Creates a user. A taken e-mail in the tenant is [`crate::StoreError::Duplicate`].
    async fn create_user(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: &ValidUser,
        password_hash: &str,
    ) -> Result<User>;
    /// A user by id.
    async fn user(&self, tenant: TenantId, id: UserId) -> Result<User>;
    /// A user and their hash by e-mail (lower-cased), for login.
    async fn user_credentials(&self, tenant: TenantId, email: &str) -> Result<UserCredentials>;
    /// All users of the tenant, by name.
    async fn list_users(&self, tenant: TenantId) -> Result<Vec<User>>;
    /// Changes a user's name, e-mail, role, units and active flag.
    async fn update_user(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UserId,
        expected_version: i64,
        user: &ValidUser,
        active: bool,
    ) -> Result<User>;
    /// Sets a new password hash (audited without the hash).
    async fn set_password(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UserId,
        password_hash: &str,
    ) -> Result<()>;
}
