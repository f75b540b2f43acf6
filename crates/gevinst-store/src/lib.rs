//! Storage for gevinst.
//!
//! One coarse [`Store`] trait with use-case-sized methods, and one implementation per
//! database: [`sqlite::SqliteStore`] (the embedded default: a file in the data directory,
//! WAL mode, foreign keys on) and [`postgres::PostgresStore`] (server deployments).
//! [`connect`] picks the backend from the URL scheme and runs the migrations.
//!
//! Rules every implementation keeps:
//! - Every query is scoped by [`TenantId`]; an id from another tenant is [`StoreError::NotFound`].
//! - Every change writes its [`AuditDraft`] in the same transaction as the change.
//! - The audit log is append-only: the database itself refuses `UPDATE` and `DELETE` on it,
//!   and inserts that would reuse an entry's id.
//! - The audit log is tamper-evident: each tenant's entries form a hash chain
//!   ([`gevinst_domain::audit_chain`]), appended under a lock on the tenant's chain head so
//!   it never forks, and checked by [`Store::verify_audit_chain`].
//! - Changes made without a tenant user ([`ActorId`] `None`) are recorded as the store's
//!   operator ([`Store::acting_as`]), e.g. `cli:root@host`.
//! - Updates carry the version the caller read; a stale version is [`StoreError::Conflict`]
//!   and changes nothing.
//! - Nothing panics on a database error.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gevinst_store::StoreError> {
//! let store = gevinst_store::connect("sqlite:///tmp/gevinst/gevinst.db", true).await?;
//! let tenants = store.list_tenants().await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::audit_chain::ChainReport;
use gevinst_domain::business_case::{BusinessCase, Economics};
use gevinst_domain::login_throttle::KeyHistory;
use gevinst_domain::programme::{
    Actual, ApprovalState, BenefitPlan, Programme, StatusProbabilities,
};
use gevinst_domain::{
    AuditDraft, AuditEntry, CatalogueItem, FagomraadeId, Page, Potential, PotentialId,
    PotentialQuery, ProgrammeId, Slug, Status, StatusChange, TechnologyId, Tenant, TenantId, Unit,
    UnitId, User, UserId, ValidPotential, ValidUser,
};
use std::sync::Arc;

pub mod backup;
mod error;
pub mod postgres;
mod shared_state;
pub mod sqlite;

pub use error::{ErrorKind, StoreError};
pub use shared_state::{
    advisory_key, ImportUploadChange, NewImportUpload, StoredImportUpload, UploadBounds,
};

/// Result type of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A shared handle to some store.
pub type DynStore = Arc<dyn Store>;

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

/// A browser session. The store only ever sees the SHA-256 hash of the cookie value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hash of the session cookie value (hex).
    pub token_hash: String,
    /// Tenant.
    pub tenant_id: TenantId,
    /// User.
    pub user_id: UserId,
    /// Per-session CSRF token embedded in every form.
    pub csrf_token: String,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// Last activity, for the idle timeout (updated at most once a minute).
    pub last_seen_at: DateTime<Utc>,
}

/// A personal API token's public facts. The secret itself is shown once and stored hashed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ApiTokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: UserId,
    /// Label chosen by the user.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last used, if ever.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked tokens no longer authenticate.
    pub revoked: bool,
    /// After this time the token no longer authenticates (`None`: it does not expire).
    pub expires_at: Option<DateTime<Utc>>,
    /// The client address it was last used from, if known.
    pub last_used_from: Option<String>,
}

/// What [`Store::use_api_token`] found: the token's owner, and whether the client
/// address differs from the one it was last used from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenUse {
    /// The token's id.
    pub token_id: i64,
    /// The owner's tenant.
    pub tenant_id: TenantId,
    /// The owner.
    pub user_id: UserId,
    /// The client address it was last used from before this use (`None`: never, or not
    /// known).
    pub previous_client: Option<String>,
}

/// Counts for the overview page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PotentialCounts {
    /// Total number of potentials.
    pub total: u64,
    /// By status (every status present, zero included).
    pub by_status: Vec<(Status, u64)>,
    /// By fagområde; `None` for potentials without one.
    pub by_fagomraade: Vec<(Option<FagomraadeId>, u64)>,
    /// By the unit the potential is registered on (not rolled up).
    pub by_unit: Vec<(UnitId, u64)>,
    /// By technology type.
    pub by_technology: Vec<(Option<TechnologyId>, u64)>,
}

/// Which per-tenant list: fagområder or technology types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// Fagområder.
    Fagomraader,
    /// Technology types.
    Technologies,
}

/// A potential's business case as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredBusinessCase {
    /// The potential it belongs to (one business case per potential).
    pub potential_id: PotentialId,
    /// The validated business case, exactly as it was saved.
    pub case: BusinessCase,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A programme as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredProgramme {
    /// Id, unique within the database.
    pub id: ProgrammeId,
    /// The validated programme, exactly as it was saved.
    pub programme: Programme,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A potential's benefits realisation plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredBenefitPlan {
    /// The potential it belongs to (one plan per potential).
    pub potential_id: PotentialId,
    /// The plan, exactly as it was saved.
    pub plan: BenefitPlan,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A recorded actual. Actuals are appended; only a flagged one's approval state changes,
/// once, by a second person ([`Store::decide_actual`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredActual {
    /// Id, increasing with time.
    pub id: i64,
    /// The potential whose plan it follows up.
    pub potential_id: PotentialId,
    /// The validated actual.
    pub actual: Actual,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (`None`: the system).
    pub recorded_by: Option<UserId>,
    /// Who approved or rejected it, if it was flagged and decided.
    pub decided_by: Option<UserId>,
    /// When it was approved or rejected.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why, as written by the person who decided (required for a rejection).
    pub decision_note: String,
}

/// A unit to create during an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportNewUnit {
    /// The unit's name.
    pub name: String,
    /// Its parent (an existing unit of the tenant), or `None` for a top unit.
    pub parent: Option<UnitId>,
    /// Or its parent is another new unit: an index into [`ImportBatch::new_units`] before
    /// this one (takes precedence over `parent`).
    pub new_parent: Option<usize>,
}

/// What an imported row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAction {
    /// Creates a new potential with this status.
    Create {
        /// The status it is created with (an import may bring potentials in any status).
        status: Status,
        /// Who submitted it (usually the importing user).
        submitted_by: Option<UserId>,
    },
    /// Replaces the editable fields of an existing potential if its stored version equals
    /// `expected_version`. The status is not changed.
    Update {
        /// The potential.
        id: PotentialId,
        /// The version read when the preview was made.
        expected_version: i64,
    },
}

/// One row of an import, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The sheet row it came from (for error messages).
    pub row: u32,
    /// The potential's fields. Where `new_unit`, `new_fagomraade` or `new_technology` is
    /// set, the matching id here is replaced by the record the import creates.
    pub potential: ValidPotential,
    /// Index into [`ImportBatch::new_units`]: the unit this row belongs to.
    pub new_unit: Option<usize>,
    /// Index into [`ImportBatch::new_fagomraader`].
    pub new_fagomraade: Option<usize>,
    /// Index into [`ImportBatch::new_technologies`].
    pub new_technology: Option<usize>,
    /// Create or update.
    pub action: ImportAction,
    /// A business case to save with the potential: `(case, None)` creates it (a conflict
    /// if one exists), `(case, Some(version))` replaces the stored one.
    pub business_case: Option<(BusinessCase, Option<i64>)>,
}

/// A whole import, committed by [`Store::commit_import`] in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportBatch {
    /// An id for this import; every audit entry carries it in its reason
    /// (`"Import <batch_id>"`).
    pub batch_id: String,
    /// Units to create first.
    pub new_units: Vec<ImportNewUnit>,
    /// Fagområder to create first.
    pub new_fagomraader: Vec<String>,
    /// Technology types to create first.
    pub new_technologies: Vec<String>,
    /// The rows, written in order.
    pub rows: Vec<ImportRow>,
}

/// What [`Store::commit_import`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Created units, in the batch's order.
    pub units: Vec<Unit>,
    /// Created fagområder.
    pub fagomraader: Vec<CatalogueItem>,
    /// Created technology types.
    pub technologies: Vec<CatalogueItem>,
    /// The potential of each row, in the batch's order.
    pub potentials: Vec<PotentialId>,
    /// How many rows created a potential.
    pub created: usize,
    /// How many rows updated one.
    pub updated: usize,
    /// How many business cases were saved.
    pub business_cases: usize,
}

/// Progress of [`Store::commit_import`]: called with the number of rows written so far.
pub type ImportProgress<'a> = &'a (dyn Fn(usize) + Send + Sync);

/// A saved import column mapping.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoredImportMapping {
    /// Id.
    pub id: i64,
    /// The name the user gave it (unique in the tenant).
    pub name: String,
    /// The mapping as JSON (`gevinst_sheets::import::Mapping::to_json`).
    pub mapping: String,
    /// Version for optimistic concurrency; 1 when created.
    pub version: i64,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// Who is acting, for the audit log. `None` is the store's operator (see
/// [`Store::acting_as`]): the CLI's `cli:USER@HOST`, the demo loader's `system:demo`.
pub type ActorId = Option<UserId>;

/// The operator a store records for changes without a tenant user, unless told otherwise
/// with [`Store::acting_as`].
pub const SYSTEM_OPERATOR: &str = "system";

/// Everything gevinst persists. Methods are use-case sized; transactions stay inside.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers `Ok` when the database is reachable.
    async fn health(&self) -> Result<()>;

    /// Which backend this is: `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// The same store (same connections), recording `operator` (e.g. `cli:root@host`,
    /// `system:demo`) as the actor of every change made without a tenant user.
    fn acting_as(&self, operator: &str) -> DynStore;

    // ---- tenants ----

    /// Creates a tenant with the default fagområder and technology types.
    /// A taken slug is [`StoreError::Duplicate`].
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

    // ---- users ----

    /// Creates a user. A taken e-mail in the tenant is [`StoreError::Duplicate`].
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

    // ---- sessions, tokens, throttling ----

    /// Stores a new session.
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// A live (unexpired) session by hash; expired ones are [`StoreError::NotFound`].
    /// The idle timeout is the caller's: see [`SessionRecord::last_seen_at`].
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<SessionRecord>;
    /// Records activity on a session now (for the idle timeout).
    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()>;
    /// Deletes a session (logout). Deleting a missing session is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Deletes all of a user's sessions (deactivation, password change), except the one
    /// with hash `keep` when given (the user's own, when they change their password).
    async fn delete_user_sessions(
        &self,
        tenant: TenantId,
        user: UserId,
        keep: Option<&str>,
    ) -> Result<()>;
    /// Stores a new API token's hash; it stops working at `expires_at` when given.
    ///
    /// `actor` is who creates it: the owner, or `None` for the store's operator (the
    /// CLI). The audit entry names the owner in its changes (`user_id`), not as the actor.
    async fn create_api_token(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ApiTokenInfo>;
    /// Finds the owner of an unrevoked, unexpired token by hash and records its use (the
    /// time, and the client address when known).
    async fn use_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<ApiTokenUse>;
    /// Revokes every live token of a user (after an administrator reset their password),
    /// each with its audit entry by `actor`. Returns how many were revoked.
    async fn revoke_user_tokens(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
    ) -> Result<u64>;
    /// A user's tokens, newest first.
    async fn list_api_tokens(&self, tenant: TenantId, user: UserId) -> Result<Vec<ApiTokenInfo>>;
    /// Revokes one of a user's tokens.
    async fn revoke_api_token(&self, tenant: TenantId, user: UserId, id: i64) -> Result<()>;
    /// Records a login attempt under each of `keys` before its password is checked,
    /// tagged `attempt`, and returns per key (in the order given) the *other* attempts
    /// recorded under it since `since`. Each recorded attempt is committed before the
    /// others are counted, so of many parallel attempts the later ones always see the
    /// earlier ones: no burst slips past a limit.
    async fn reserve_login_attempt(
        &self,
        attempt: &str,
        keys: &[String],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyHistory>>;
    /// Takes back an attempt's rows (it succeeded, or it was refused unchecked).
    async fn release_login_attempt(&self, attempt: &str) -> Result<()>;
    /// Forgets a key's failures (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
    /// Deletes sessions that expired before `now` and failed logins recorded before
    /// `failures_before` (they no longer count for throttling). Returns how many of each
    /// were deleted.
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(u64, u64)>;

    // ---- organisation and lists ----

    /// All units of the tenant.
    async fn list_units(&self, tenant: TenantId) -> Result<Vec<Unit>>;
    /// Creates a unit. The caller has checked that the parent belongs to the tenant.
    async fn create_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        parent: Option<UnitId>,
        name: &str,
    ) -> Result<Unit>;
    /// Renames, moves or (de)activates a unit.
    async fn update_unit(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: UnitId,
        parent: Option<UnitId>,
        name: &str,
        active: bool,
    ) -> Result<Unit>;
    /// A per-tenant list, by position.
    async fn list_catalogue(
        &self,
        tenant: TenantId,
        which: Catalogue,
    ) -> Result<Vec<CatalogueItem>>;
    /// Adds an entry at the end. A duplicate name is [`StoreError::Duplicate`].
    async fn add_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        name: &str,
    ) -> Result<CatalogueItem>;
    /// Renames or (de)activates an entry.
    async fn update_catalogue_item(
        &self,
        tenant: TenantId,
        actor: ActorId,
        which: Catalogue,
        id: i64,
        name: &str,
        active: bool,
    ) -> Result<CatalogueItem>;

    // ---- potentials ----

    /// Creates a potential with the given status (usually idé), and its audit entry.
    async fn create_potential(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: &ValidPotential,
        status: Status,
        submitted_by: Option<UserId>,
    ) -> Result<Potential>;
    /// Creates many potentials in one transaction (demo data, imports). All or nothing.
    async fn create_potentials(
        &self,
        tenant: TenantId,
        actor: ActorId,
        rows: &[(ValidPotential, Status, Option<UserId>)],
    ) -> Result<Vec<PotentialId>>;
    /// A potential by id.
    async fn potential(&self, tenant: TenantId, id: PotentialId) -> Result<Potential>;
    /// Replaces the editable fields if the stored version equals `expected_version`,
    /// writing `audit` in the same transaction.
    async fn update_potential(
        &self,
        tenant: TenantId,
        id: PotentialId,
        expected_version: i64,
        potential: &ValidPotential,
        audit: &AuditDraft,
    ) -> Result<Potential>;
    /// Moves a potential from `from` to `to` if the stored version equals `expected_version`
    /// (the caller validated the move with the domain), recording the status change and
    /// the audit entry in the same transaction.
    #[allow(clippy::too_many_arguments)]
    async fn change_status(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: PotentialId,
        expected_version: i64,
        from: Status,
        to: Status,
        reason: Option<&str>,
    ) -> Result<Potential>;
    /// A filtered, sorted page.
    async fn list_potentials(
        &self,
        tenant: TenantId,
        query: &PotentialQuery,
    ) -> Result<Page<Potential>>;
    /// Counts for the overview.
    async fn potential_counts(&self, tenant: TenantId) -> Result<PotentialCounts>;
    /// A potential's status changes, oldest first.
    async fn status_history(&self, tenant: TenantId, id: PotentialId) -> Result<Vec<StatusChange>>;
    /// Whether the database holds any tenant at all (the demo loader only fills an empty one).
    async fn is_empty(&self) -> Result<bool>;

    // ---- tenant settings and business cases ----

    /// The tenant's economic settings and their version. A tenant whose admin never saved
    /// them gets [`Economics::default`] with version 0. An unknown tenant is
    /// [`StoreError::NotFound`].
    async fn economics(&self, tenant: TenantId) -> Result<(Economics, i64)>;
    /// Saves the tenant's economic settings if the stored version equals
    /// `expected_version` (0: none saved yet, so the row is created) and returns the new
    /// version. A stale version is [`StoreError::Conflict`]. Audited as
    /// [`gevinst_domain::EntityKind::TenantSettings`] (entity id = tenant id) with the
    /// changed fields before and after.
    async fn set_economics(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        economics: &Economics,
    ) -> Result<i64>;
    /// A potential's business case, or `None` if it has none yet. A potential that is not
    /// in the tenant is [`StoreError::NotFound`].
    async fn business_case(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBusinessCase>>;
    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// business case, writing `audit` in the same transaction.
    ///
    /// - Creating when one exists, or replacing with a stale version (or when none exists),
    ///   is [`StoreError::Conflict`] and changes nothing.
    /// - A potential that is not in the tenant is [`StoreError::NotFound`].
    #[allow(clippy::too_many_arguments)]
    async fn put_business_case(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        case: &BusinessCase,
        audit: &AuditDraft,
    ) -> Result<StoredBusinessCase>;
    /// All the tenant's business cases, by potential id (portfolio figures).
    async fn list_business_cases(&self, tenant: TenantId) -> Result<Vec<StoredBusinessCase>>;

    // ---- programmes and benefits realisation ----

    /// Creates a programme, audited as [`gevinst_domain::EntityKind::Programme`] with every
    /// field. An included potential that is not in the tenant is [`StoreError::NotFound`]
    /// and creates nothing.
    async fn create_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        programme: &Programme,
    ) -> Result<StoredProgramme>;
    /// Replaces a programme if the stored version equals `expected_version` (else
    /// [`StoreError::Conflict`], nothing changed), audited with the changed fields. An
    /// unknown id, another tenant's, or an included potential outside the tenant is
    /// [`StoreError::NotFound`].
    async fn update_programme(
        &self,
        tenant: TenantId,
        actor: ActorId,
        id: ProgrammeId,
        expected_version: i64,
        programme: &Programme,
    ) -> Result<StoredProgramme>;
    /// A programme by id.
    async fn programme(&self, tenant: TenantId, id: ProgrammeId) -> Result<StoredProgramme>;
    /// The tenant's programmes, by id.
    async fn list_programmes(&self, tenant: TenantId) -> Result<Vec<StoredProgramme>>;
    /// A potential's benefits realisation plan, or `None` if it has none yet. A potential
    /// that is not in the tenant is [`StoreError::NotFound`].
    async fn benefit_plan(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Option<StoredBenefitPlan>>;
    /// All the tenant's benefit plans, by potential id (reminders, reports).
    async fn list_benefit_plans(&self, tenant: TenantId) -> Result<Vec<StoredBenefitPlan>>;
    /// Creates (`expected_version` `None`) or replaces (`Some(version read)`) a potential's
    /// plan, writing `audit` in the same transaction. Creating when one exists, or a stale
    /// version, is [`StoreError::Conflict`] and changes nothing; a potential that is not
    /// in the tenant is [`StoreError::NotFound`].
    #[allow(clippy::too_many_arguments)]
    async fn put_benefit_plan(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        expected_version: Option<i64>,
        plan: &BenefitPlan,
        audit: &AuditDraft,
    ) -> Result<StoredBenefitPlan>;
    /// Appends an actual to a potential's plan and returns its id, audited as
    /// [`gevinst_domain::EntityKind::Actual`] with every field. A potential that is not in
    /// the tenant, or has no plan, is [`StoreError::NotFound`].
    async fn add_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        actual: &Actual,
    ) -> Result<i64>;
    /// Records a second person's decision on a pending actual: its approval state
    /// becomes `state`, with who (`actor`), when and `note`, and `audit` is written in the
    /// same transaction. An actual that is not the potential's in the tenant is
    /// [`StoreError::NotFound`]; one that is no longer pending is [`StoreError::Conflict`].
    #[allow(clippy::too_many_arguments)]
    async fn decide_actual(
        &self,
        tenant: TenantId,
        actor: ActorId,
        potential: PotentialId,
        id: i64,
        state: ApprovalState,
        note: &str,
        audit: &AuditDraft,
    ) -> Result<StoredActual>;
    /// A potential's actuals, oldest first (empty without a plan). A potential that is not
    /// in the tenant is [`StoreError::NotFound`].
    async fn list_actuals(
        &self,
        tenant: TenantId,
        potential: PotentialId,
    ) -> Result<Vec<StoredActual>>;

    /// All the tenant's actuals, by potential and then oldest first (programme overview
    /// and forecast, which need every included potential's actuals at once).
    async fn list_tenant_actuals(&self, tenant: TenantId) -> Result<Vec<StoredActual>>;

    /// The tenant's forecast probabilities per status and their version. A tenant that
    /// never saved them gets [`StatusProbabilities::default`] with version 0. An unknown
    /// tenant is [`StoreError::NotFound`].
    async fn status_probabilities(&self, tenant: TenantId) -> Result<(StatusProbabilities, i64)>;
    /// Saves the tenant's forecast probabilities if the stored version equals
    /// `expected_version` (0: none saved yet) and returns the new version. A stale version
    /// is [`StoreError::Conflict`] and changes nothing. Audited as
    /// [`gevinst_domain::EntityKind::StatusProbabilities`] (entity id = tenant id) with the
    /// changed fields.
    async fn set_status_probabilities(
        &self,
        tenant: TenantId,
        actor: ActorId,
        expected_version: i64,
        probabilities: &StatusProbabilities,
    ) -> Result<i64>;

    // ---- import ----

    /// Commits a whole import in one transaction: creates the new units, fagområder and
    /// technology types, then each row's potential (created, or updated with its version
    /// check) and business case, auditing every change with the reason
    /// `"Import <batch_id>"`. `progress` is called after each row. Any error (a stale
    /// version, a reference outside the tenant, a taken name) rolls everything back; the
    /// error's message names the sheet row where it concerns one.
    async fn commit_import(
        &self,
        tenant: TenantId,
        actor: ActorId,
        batch: &ImportBatch,
        progress: Option<ImportProgress<'_>>,
    ) -> Result<ImportOutcome>;
    /// The tenant's saved import mappings, by name.
    async fn list_import_mappings(&self, tenant: TenantId) -> Result<Vec<StoredImportMapping>>;
    /// Saves a mapping under a name: creates it (`expected_version` `None`; a taken name is
    /// [`StoreError::Duplicate`]) or replaces it (`Some(version read)`; a stale version is
    /// [`StoreError::Conflict`], an unknown name [`StoreError::NotFound`]). Audited as
    /// [`gevinst_domain::EntityKind::TenantSettings`] (entity id = tenant id) with the field
    /// `import_mapping:<name>`.
    async fn save_import_mapping(
        &self,
        tenant: TenantId,
        actor: ActorId,
        name: &str,
        mapping_json: &str,
        expected_version: Option<i64>,
    ) -> Result<StoredImportMapping>;
    /// Deletes a saved mapping by name (audited like saving). An unknown name is
    /// [`StoreError::NotFound`].
    async fn delete_import_mapping(
        &self,
        tenant: TenantId,
        actor: ActorId,
        name: &str,
    ) -> Result<()>;

    // ---- state shared by several app servers ----

    /// Keeps an import upload, in one transaction with making room for it (see
    /// [`UploadBounds`]). Returns how many older uploads gave way.
    async fn put_import_upload(
        &self,
        upload: &NewImportUpload<'_>,
        bounds: &UploadBounds,
    ) -> Result<u64>;
    /// The upload with this id if it belongs to this tenant and user and was made at or
    /// after `expired_before`; anything else is [`StoreError::NotFound`]. `with_file`
    /// false leaves [`StoredImportUpload::bytes`] empty (for polling a commit).
    async fn import_upload(
        &self,
        tenant: TenantId,
        user: UserId,
        id: &str,
        expired_before: DateTime<Utc>,
        with_file: bool,
    ) -> Result<StoredImportUpload>;
    /// Changes the upload with this id of this tenant and user. Answers whether it
    /// changed: false for a [`ImportUploadChange::StartCommit`] refused because a commit
    /// runs or is done, a progress report without a running commit, or a failure already
    /// taken. An unknown id (or someone else's) is [`StoreError::NotFound`].
    async fn change_import_upload(
        &self,
        tenant: TenantId,
        user: UserId,
        id: &str,
        change: ImportUploadChange<'_>,
    ) -> Result<bool>;
    /// Deletes uploads made before `expired_before`. Returns how many were deleted.
    async fn purge_import_uploads(&self, expired_before: DateTime<Utc>) -> Result<u64>;
    /// Claims one run of the periodic job `name` (e.g. the purge) for the caller: answers
    /// true, and records `now` as its last run, when no other app server is claiming it at
    /// the same moment (a PostgreSQL advisory lock, `pg_try_advisory_xact_lock`) and it
    /// has not run, on any app server, after `now - min_interval`. The caller then runs
    /// the job; the others skip it. On SQLite (one app server) only the last run counts.
    async fn claim_periodic_job(
        &self,
        name: &str,
        now: DateTime<Utc>,
        min_interval: chrono::Duration,
    ) -> Result<bool>;

    // ---- audit ----

    /// A number that grows with every change to the tenant's data (0 if none): a counter
    /// bumped with every audit entry that changes data, at the commit of its transaction.
    /// Every change to the tenant's data writes an audit entry, so a cached calculation is
    /// still valid exactly while this number is unchanged, whichever app server wrote.
    /// Security events (sign-ins, exports; [`gevinst_domain::AuditAction::changes_data`])
    /// are left out.
    async fn data_version(&self, tenant: TenantId) -> Result<i64>;

    /// Appends an audit entry on its own (for changes that have no row of their own).
    async fn append_audit(&self, tenant: TenantId, entry: &AuditDraft) -> Result<()>;
    /// Checks the tenant's audit hash chain from its first entry: every entry's hash, its
    /// link to the entry before it, gaps in the numbering, entries outside the chain and
    /// deleted newest entries. Reports the first broken link. An unknown tenant is
    /// [`StoreError::NotFound`].
    async fn verify_audit_chain(&self, tenant: TenantId) -> Result<ChainReport>;
    /// A record's audit entries, oldest first, with user names.
    async fn audit_for(
        &self,
        tenant: TenantId,
        entity: gevinst_domain::EntityKind,
        id: i64,
    ) -> Result<Vec<AuditEntry>>;
}

/// Opens the database named by `url` and, if `migrate` is true, runs its migrations.
///
/// - `sqlite://PATH` or `sqlite:PATH`: a file (created with its folder if missing).
/// - `postgres://…` or `postgresql://…`: a PostgreSQL server.
///
/// Any other scheme is an error; nothing is created on a typo.
pub async fn connect(url: &str, migrate: bool) -> Result<DynStore> {
    if url.starts_with("sqlite:") {
        let s = sqlite::SqliteStore::open(url).await?;
        if migrate {
            s.migrate().await?;
        }
        Ok(Arc::new(s))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = postgres::PostgresStore::open(url).await?;
        if migrate {
            s.migrate().await?;
        }
        Ok(Arc::new(s))
    } else {
        Err(StoreError::config(format!(
            "unsupported database URL (expected sqlite:PATH or postgres://…): {}",
            redact_url(url)
        )))
    }
}

/// The URL with any password replaced by `***`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact_url("sqlite:///x.db"), "sqlite:///x.db");
    }
}
