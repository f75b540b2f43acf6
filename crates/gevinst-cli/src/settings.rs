//! Raw options in, validated settings out.
//!
//! [`crate::args::DatabaseArgs`] holds what the user typed (flags or environment).
//! [`DatabaseSettings::from_args`] checks it without touching the file system: at most one
//! of `--data-dir` and `--database-url`, a known URL scheme, a usable path. The result
//! knows the database URL; its `Debug` masks any password in it.

use crate::args::DatabaseArgs;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

/// The data directory used when neither `--data-dir` nor `--database-url` is given.
pub const DEFAULT_DATA_DIR: &str = "./data";

/// The SQLite file name inside the data directory.
pub const DATABASE_FILE: &str = "gevinst.db";

/// Which database, validated.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseSettings {
    url: String,
    /// The directory to create before connecting (only for `--data-dir`).
    data_dir: Option<PathBuf>,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &self.redacted_url())
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl DatabaseSettings {
    /// Validates the raw options.
    pub fn from_args(args: &DatabaseArgs) -> anyhow::Result<Self> {
        match (&args.data_dir, &args.database_url) {
            (Some(_), Some(_)) => bail!(
                "give either --data-dir (GEVINST_DATA_DIR) or --database-url (GEVINST_DATABASE_URL), not both"
            ),
            (None, Some(url)) => Self::from_url(url),
            (Some(dir), None) => Self::from_data_dir(dir),
            (None, None) => Self::from_data_dir(Path::new(DEFAULT_DATA_DIR)),
        }
    }

    fn from_url(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            bail!("--database-url is empty");
        }
        let sqlite = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"));
        match sqlite {
            Some(path) if path.is_empty() || path == "/" => {
                bail!("--database-url {url} names no database file (expected sqlite:PATH)")
            }
            Some(_) => {}
            None if url.starts_with("postgres://") || url.starts_with("postgresql://") => {}
            None => bail!(
                "unsupported --database-url {}: expected sqlite:PATH or postgres://USER:PASSWORD@HOST/DB",
                crate::store::redact_url(url)
            ),
        }
        Ok(DatabaseSettings {
            url: url.to_owned(),
            data_dir: None,
        })
    }

    fn from_data_dir(dir: &Path) -> anyhow::Result<Self> {
        if dir.as_os_str().is_empty() {
            bail!("--data-dir is empty");
        }
        let dir = std::path::absolute(dir)
            .with_context(|| format!("cannot resolve the data directory {}", dir.display()))?;
        let file = dir.join(DATABASE_FILE);
        let Some(path) = file.to_str() else {
            bail!(
                "the data directory {} is not valid UTF-8; choose another path",
                dir.display()
            );
        };
        Ok(DatabaseSettings {
            url: format!("sqlite://{}", escape_path(path)),
            data_dir: Some(dir),
        })
    }

    /// The database URL, with any password. Do not log it; use [`Self::redacted_url`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL with its password masked, for logs and messages.
    pub fn redacted_url(&self) -> String {
        crate::store::redact_url(&self.url)
    }

    /// Whether the database is SQLite (else PostgreSQL).
    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    /// The data directory to create, if the database lives in one.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }
}

/// Percent-encodes the characters that would otherwise end or change the path part of a
/// SQLite URL (`%`, `?`, `#`).
fn escape_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: Option<&str>, url: Option<&str>) -> DatabaseArgs {
        DatabaseArgs {
            data_dir: dir.map(PathBuf::from),
            database_url: url.map(str::to_owned),
        }
    }

    #[test]
    fn data_dir_gives_a_sqlite_file_url() {
        let s = DatabaseSettings::from_args(&args(Some("/srv/gevinst"), None)).unwrap();
        assert_eq!(s.url(), "sqlite:///srv/gevinst/gevinst.db");
        assert_eq!(s.data_dir(), Some(Path::new("/srv/gevinst")));
    }

    #[test]
    fn default_is_data_in_the_working_directory() {
        let s = DatabaseSettings::from_args(&args(None, None)).unwrap();
        let expected = std::env::current_dir()
            .unwrap()
            .join("data")
            .join("gevinst.db");
        assert_eq!(s.url(), format!("sqlite://{}", expected.to_str().unwrap()));
    }

    #[test]
    fn odd_characters_in_paths_are_escaped() {
        let s = DatabaseSettings::from_args(&args(Some("/tmp/a?b#c%d"), None)).unwrap();
        assert_eq!(s.url(), "sqlite:///tmp/a%3Fb%23c%25d/gevinst.db");
    }

    #[test]
    fn urls_are_checked() {
        for ok in [
            "sqlite:x.db",
            "sqlite:///var/lib/g.db",
            "postgres://u:p@h/db",
            "postgresql://h/db",
        ] {
            assert!(
                DatabaseSettings::from_args(&args(None, Some(ok))).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "",
            "mysql://u:p@h/db",
            "sqlite:",
            "sqlite://",
            "postgres:/x",
            "x.db",
        ] {
            assert!(
                DatabaseSettings::from_args(&args(None, Some(bad))).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn both_is_an_error() {
        let e = DatabaseSettings::from_args(&args(Some("d"), Some("sqlite:x.db"))).unwrap_err();
        assert!(e.to_string().contains("not both"));
    }

    #[test]
    fn passwords_are_masked() {
        let s = DatabaseSettings::from_args(&args(
            None,
            Some("postgres://gevinst:hemmelig@db/gevinst"),
        ))
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hemmelig"), "{shown}");
        assert!(shown.contains("gevinst:***@db"));
        let e =
            DatabaseSettings::from_args(&args(None, Some("mysql://u:hemmelig@h/db"))).unwrap_err();
        assert!(!e.to_string().contains("hemmelig"));
    }
}
