//! Imports: committing a batch, saved column mappings and unfinished uploads.

use crate::{
    ActorId, ImportUploadChange, NewImportUpload, Result, StoredImportUpload, UploadBounds,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gevinst_domain::business_case::BusinessCase;
use gevinst_domain::lifecycle::ImportedStatus;
use gevinst_domain::{
    CatalogueItem, PotentialId, Status, TenantId, Unit, UnitId, UserId, ValidPotential,
};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportAction {
    /// Creates a new potential with this status.
    Create {
        /// The status it is created with (an import may bring potentials in any status).
        status: Status,
        /// Who submitted it (usually the importing user).
        submitted_by: Option<UserId>,
        /// The status change with its reason that the status stands for (afvist,
        /// parkeret, or decided without a case; see
        /// [`gevinst_domain::lifecycle::check_imported`]); recorded in the potential's
        /// status history.
        status_change: Option<ImportedStatus>,
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

/// A whole import, committed by [`ImportStore::commit_import`] in one transaction.
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

/// What [`ImportStore::commit_import`] wrote.
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

/// Progress of [`ImportStore::commit_import`]: called with the number of rows written so far.
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

/// Imports: committing a whole batch in one transaction, saved column mappings, and unfinished
/// uploads (shared by all app servers on the database).
#[async_trait]
pub trait ImportStore: Send + Sync {
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
    /// [`crate::StoreError::Duplicate`]) or replaces it (`Some(version read)`; a stale version is
    /// [`crate::StoreError::Conflict`], an unknown name [`crate::StoreError::NotFound`]). Audited
    /// as [`gevinst_domain::EntityKind::TenantSettings`] (entity id = tenant id) with the field
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
    /// [`crate::StoreError::NotFound`].
    async fn delete_import_mapping(
        &self,
        tenant: TenantId,
        actor: ActorId,
        name: &str,
    ) -> Result<()>;

    /// Keeps an import upload, in one transaction with making room for it (see
    /// [`UploadBounds`]). Returns how many older uploads gave way.
    async fn put_import_upload(
        &self,
        upload: &NewImportUpload<'_>,
        bounds: &UploadBounds,
    ) -> Result<u64>;
    /// The upload with this id if it belongs to this tenant and user and was made at or
    /// after `expired_before`; anything else is [`crate::StoreError::NotFound`]. `with_file`
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
    /// taken. An unknown id (or someone else's) is [`crate::StoreError::NotFound`].
    async fn change_import_upload(
        &self,
        tenant: TenantId,
        user: UserId,
        id: &str,
        change: ImportUploadChange<'_>,
    ) -> Result<bool>;
}
