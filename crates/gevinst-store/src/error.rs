//! The store's error type.

/// What went wrong in the store. Callers match on [`StoreError::kind`].
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The kinds of store error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No such row in this tenant.
    NotFound,
    /// The row changed since the caller read it (stale version).
    Conflict,
    /// A unique value is taken (slug, e-mail, list name).
    Duplicate,
    /// Bad configuration (URL, path).
    Config,
    /// The database failed.
    Database,
}

impl StoreError {
    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// A not-found error.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::NotFound,
            message: format!("not found: {}", what.into()),
            source: None,
        }
    }
    /// A conflict error.
    pub fn conflict(what: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Conflict,
            message: format!("version conflict: {}", what.into()),
            source: None,
        }
    }
    /// A duplicate error.
    pub fn duplicate(what: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Duplicate,
            message: format!("already exists: {}", what.into()),
            source: None,
        }
    }
    /// A configuration error.
    pub fn config(what: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Config,
            message: what.into(),
            source: None,
        }
    }
    /// True for [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let kind = match &e {
            sqlx::Error::RowNotFound => ErrorKind::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => ErrorKind::Duplicate,
            // A deadlock or serialization failure rolled the transaction back: nothing
            // changed and trying again works, as after a stale version. (Writers of one
            // tenant queue on its audit chain head, so a transaction that locks rows after
            // its first audit entry, like an import, can deadlock with a single edit.)
            sqlx::Error::Database(d)
                if matches!(d.code().as_deref(), Some("40P01") | Some("40001")) =>
            {
                ErrorKind::Conflict
            }
            _ => ErrorKind::Database,
        };
        Self {
            kind,
            message: format!("database error: {e}"),
            source: Some(Box::new(e)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self {
            kind: ErrorKind::Database,
            message: format!("migration failed: {e}"),
            source: Some(Box::new(e)),
        }
    }
}
