//! The import's error type: a kind for code and a Danish message for people.

use std::fmt;

/// What went wrong, for code that must react differently (HTTP status, CLI exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The file is larger than [`crate::import::Limits::max_file_bytes`].
    FileTooLarge,
    /// The file is empty (zero bytes) or has no data at all.
    NoData,
    /// More data rows than [`crate::import::Limits::max_rows`].
    TooManyRows,
    /// More columns than [`crate::import::Limits::max_columns`].
    TooManyColumns,
    /// The zip container expands to too much data, or with an absurd compression ratio.
    DecompressionBomb,
    /// The file is damaged or not what it claims to be.
    Corrupt,
    /// The file is encrypted or protected by a password.
    Encrypted,
    /// A text file that mixes UTF-8 and another encoding.
    MixedEncoding,
    /// Not a spreadsheet or text file gevinst can read.
    UnsupportedFormat,
    /// The chosen sheet does not exist.
    SheetNotFound,
    /// No header row could be found.
    NoHeader,
}

/// An import failure with a Danish message meant for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    kind: ErrorKind,
    message: String,
}

impl ImportError {
    /// A new error.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ImportError {
            kind,
            message: message.into(),
        }
    }

    /// The kind, for code.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The Danish message, for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn corrupt(what: &str) -> Self {
        ImportError::new(
            ErrorKind::Corrupt,
            format!("Filen kan ikke læses: den ser ud til at være beskadiget eller ufuldstændig ({what}). Gem den igen fra Excel, og prøv igen."),
        )
    }

    pub(crate) fn encrypted() -> Self {
        ImportError::new(
            ErrorKind::Encrypted,
            "Filen er krypteret eller beskyttet med en adgangskode. Fjern adgangskoden i Excel (Filer → Oplysninger → Beskyt projektmappe), gem filen, og prøv igen.",
        )
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}
