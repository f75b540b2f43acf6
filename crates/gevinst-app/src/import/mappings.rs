//! Saved column mappings, each an [`ImportSetup`]: the columns and, when saved with them,
//! value decisions.

use gevinst_domain::FieldErrors;
use gevinst_sheets::import::Mapping;
use gevinst_store::StoredImportMapping;

use super::{ImportSetup, Importer};
use crate::{AppError, Imports, Result};

fn mapping_name(name: &str) -> Result<String> {
    let n = gevinst_domain::text::clean(name, false);
    if n.is_empty() {
        return Err(FieldErrors::single("name", "required", "Giv opsætningen et navn.").into());
    }
    if n.chars().count() > 100 {
        return Err(
            FieldErrors::single("name", "too_long", "Navnet må højst være 100 tegn.").into(),
        );
    }
    Ok(n)
}

impl Imports<'_> {
    /// The tenant's saved mappings, by name.
    pub async fn list_mappings(&self, importer: Importer<'_>) -> Result<Vec<StoredImportMapping>> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        Ok(store.list_import_mappings(importer.tenant().id).await?)
    }

    /// A saved mapping by name, read; [`AppError::NotFound`] for an unknown name.
    pub async fn load_mapping(&self, importer: Importer<'_>, name: &str) -> Result<(Mapping, i64)> {
        let (setup, version) = self.load_setup(importer, name).await?;
        Ok((setup.mapping(), version))
    }

    /// A saved setup (columns and value decisions) by name; [`AppError::NotFound`] for an
    /// unknown name.
    pub async fn load_setup(
        &self,
        importer: Importer<'_>,
        name: &str,
    ) -> Result<(ImportSetup, i64)> {
        let all = self.list_mappings(importer).await?;
        let m = all
            .into_iter()
            .find(|m| m.name == name.trim())
            .ok_or(AppError::NotFound)?;
        let setup = ImportSetup::from_json(&m.mapping).map_err(|_| {
            AppError::Invalid(FieldErrors::single(
                "mapping",
                "invalid",
                "Den gemte kolonneopsætning kan ikke læses. Vælg kolonnerne igen.",
            ))
        })?;
        Ok((setup, m.version))
    }

    /// Saves a mapping under a name: new (`expected_version` `None`; a taken name is
    /// [`AppError::Invalid`] on `name`) or replacing the one read (`Some(version)`; stale is
    /// [`AppError::Conflict`]). Value decisions saved with the one replaced are kept.
    pub async fn save_mapping(
        &self,
        importer: Importer<'_>,
        name: &str,
        mapping: &Mapping,
        expected_version: Option<i64>,
    ) -> Result<StoredImportMapping> {
        let values = match expected_version {
            Some(_) => match self.load_setup(importer, name).await {
                Ok((old, _)) => old.values,
                Err(AppError::NotFound | AppError::Invalid(_)) => Vec::new(),
                Err(e) => return Err(e),
            },
            None => Vec::new(),
        };
        let setup = ImportSetup {
            columns: mapping.columns.clone(),
            values,
        };
        self.save_setup(importer, name, &setup, expected_version)
            .await
    }

    /// Saves a setup (columns and value decisions) under a name, as
    /// [`save_mapping`](Self::save_mapping) does.
    pub async fn save_setup(
        &self,
        importer: Importer<'_>,
        name: &str,
        setup: &ImportSetup,
        expected_version: Option<i64>,
    ) -> Result<StoredImportMapping> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        let name = mapping_name(name)?;
        store
            .save_import_mapping(
                importer.tenant().id,
                importer.actor(),
                &name,
                &setup.to_json(),
                expected_version,
            )
            .await
            .map_err(|e| match e.kind() {
                gevinst_store::ErrorKind::Duplicate => AppError::Invalid(FieldErrors::single(
                    "name",
                    "duplicate",
                    "Der findes allerede en opsætning med det navn.",
                )),
                _ => e.into(),
            })
    }

    /// Deletes a saved mapping by name.
    pub async fn delete_mapping(&self, importer: Importer<'_>, name: &str) -> Result<()> {
        let store = self.app.store();
        if !importer.may_import() {
            return Err(AppError::Forbidden);
        }
        Ok(store
            .delete_import_mapping(importer.tenant().id, importer.actor(), name.trim())
            .await?)
    }
}
