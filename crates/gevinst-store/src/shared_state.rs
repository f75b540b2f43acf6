//! Types of the state that several app servers on one database share: unfinished import
//! uploads ([`crate::ImportStore::put_import_upload`] and friends) and periodic jobs
//! ([`crate::MaintenanceStore::claim_periodic_job`]).

use chrono::{DateTime, Utc};
use gevinst_domain::{TenantId, UserId};

/// A new import upload for [`crate::ImportStore::put_import_upload`].
#[derive(Clone, Copy)]
pub struct NewImportUpload<'a> {
    /// Random id (the caller makes it; unguessable).
    pub id: &'a str,
    /// Owner's tenant.
    pub tenant_id: TenantId,
    /// Owner.
    pub user_id: UserId,
    /// The file's name as uploaded.
    pub filename: &'a str,
    /// The file.
    pub bytes: &'a [u8],
    /// The initial choices (JSON).
    pub choices: &'a str,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewImportUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewImportUpload")
            .field("tenant_id", &self.tenant_id)
            .field("user_id", &self.user_id)
            .field("filename", &self.filename)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// How many uploads are kept, for [`crate::ImportStore::put_import_upload`]: expired uploads
/// go, then the oldest of the user beyond `max_per_user`, then the oldest of all beyond
/// `max_uploads` or `max_total_bytes` (with the new one). An upload whose commit runs
/// never gives way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadBounds {
    /// Uploads made before this have expired.
    pub expired_before: DateTime<Utc>,
    /// Uploads kept per user (the new one included).
    pub max_per_user: u32,
    /// Uploads kept in all (the new one included).
    pub max_uploads: u32,
    /// Bytes of files kept in all (the new one included).
    pub max_total_bytes: u64,
}

/// A stored import upload.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredImportUpload {
    /// Its id.
    pub id: String,
    /// Owner's tenant.
    pub tenant_id: TenantId,
    /// Owner.
    pub user_id: UserId,
    /// The file's name as uploaded.
    pub filename: String,
    /// The file (empty when read without it).
    pub bytes: Vec<u8>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// The chosen sheet, if any.
    pub sheet: Option<String>,
    /// The chosen column mapping (JSON), if any.
    pub mapping: Option<String>,
    /// The user's choices (JSON).
    pub choices: String,
    /// A commit runs.
    pub committing: bool,
    /// Rows the running commit had written when it last said so.
    pub progress: u64,
    /// When the running commit last said how far it is.
    pub progress_at: Option<DateTime<Utc>>,
    /// Why the last commit wrote nothing (JSON), until shown.
    pub failure: Option<String>,
    /// What the commit wrote (JSON), once done.
    pub outcome: Option<String>,
}

impl std::fmt::Debug for StoredImportUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredImportUpload")
            .field("tenant_id", &self.tenant_id)
            .field("user_id", &self.user_id)
            .field("filename", &self.filename)
            .field("bytes", &self.bytes.len())
            .field("committing", &self.committing)
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

/// A change to a stored import upload, for [`crate::ImportStore::change_import_upload`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportUploadChange<'a> {
    /// Reads this sheet from now on and forgets the mapping.
    Sheet(&'a str),
    /// The column mapping (JSON); `None`: the suggested one.
    Mapping(Option<&'a str>),
    /// The user's choices (JSON).
    Choices(&'a str),
    /// Starts a commit at this time, unless one runs or is done (then nothing changes).
    StartCommit(DateTime<Utc>),
    /// The running commit has written this many rows (nothing changes when none runs).
    Progress(u64, DateTime<Utc>),
    /// The running commit ended, with an outcome (JSON) or a failure (JSON).
    FinishCommit {
        /// What it wrote.
        outcome: Option<&'a str>,
        /// Why it wrote nothing.
        failure: Option<&'a str>,
    },
    /// Forgets the failure if it is still this one (it is shown once).
    TakeFailure(&'a str),
}

/// The two keys of the PostgreSQL advisory lock of a named job: a fixed namespace for
/// gevinst and a stable (FNV-1a) hash of the name, the same in every process.
pub fn advisory_key(name: &str) -> (i32, i32) {
    const NAMESPACE: i32 = 0x6765_7669; // "gevi"
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (NAMESPACE, i32::from_ne_bytes(h.to_ne_bytes()))
}

/// One stored upload as [`make_room`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub id: String,
    pub seq: i64,
    pub owner: (TenantId, UserId),
    pub size: u64,
    pub committing: bool,
}

/// The uploads (of `kept`, none expired) that give way for a new upload of `size` bytes
/// by `owner`: the oldest of the owner while they would have more than
/// `max_per_user`, then the oldest of all while there would be more than `max_uploads`
/// or `max_total_bytes`. Uploads whose commit runs never give way.
pub(crate) fn make_room(
    kept: &[Kept],
    owner: (TenantId, UserId),
    size: u64,
    bounds: &UploadBounds,
) -> Vec<String> {
    let mut left: Vec<&Kept> = kept.iter().collect();
    left.sort_by_key(|k| k.seq);
    let mut gone = Vec::new();
    let mut drop_oldest = |left: &mut Vec<&Kept>, of_owner: bool| -> bool {
        let Some(i) = left
            .iter()
            .position(|k| !k.committing && (!of_owner || k.owner == owner))
        else {
            return false;
        };
        gone.push(left.remove(i).id.clone());
        true
    };
    let per_user = usize::try_from(bounds.max_per_user).unwrap_or(usize::MAX);
    while left.iter().filter(|k| k.owner == owner).count() >= per_user {
        if !drop_oldest(&mut left, true) {
            break;
        }
    }
    let all = usize::try_from(bounds.max_uploads).unwrap_or(usize::MAX);
    while left.len() >= all
        || left
            .iter()
            .map(|k| k.size)
            .sum::<u64>()
            .saturating_add(size)
            > bounds.max_total_bytes
    {
        if !drop_oldest(&mut left, false) {
            break;
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(id: &str, seq: i64, user: i64, size: u64, committing: bool) -> Kept {
        Kept {
            id: id.into(),
            seq,
            owner: (TenantId(1), UserId(user)),
            size,
            committing,
        }
    }

    fn bounds(per_user: u32, all: u32, bytes: u64) -> UploadBounds {
        UploadBounds {
            expired_before: Utc::now(),
            max_per_user: per_user,
            max_uploads: all,
            max_total_bytes: bytes,
        }
    }

    #[test]
    fn the_oldest_give_way_but_never_a_running_commit() {
        let me = (TenantId(1), UserId(1));
        let rows = [
            kept("a", 1, 1, 10, true),
            kept("b", 2, 1, 10, false),
            kept("c", 3, 2, 10, false),
            kept("d", 4, 1, 10, false),
        ];
        // Per user: "a" commits, so "b" goes; "d" stays (2 kept with the new one).
        assert_eq!(make_room(&rows, me, 1, &bounds(3, 99, 999)), vec!["b"]);
        assert_eq!(make_room(&rows, me, 1, &bounds(2, 99, 999)), vec!["b", "d"]);
        // In all: the oldest of anyone ("c" before "d"), never "a".
        assert_eq!(make_room(&rows, me, 1, &bounds(9, 3, 999)), vec!["b", "c"]);
        // Bytes: 40 kept + 15 new > 45.
        assert_eq!(make_room(&rows, me, 15, &bounds(9, 9, 45)), vec!["b"]);
        // Nothing left to drop: stops.
        let busy = [kept("a", 1, 1, 10, true)];
        assert!(make_room(&busy, me, 1, &bounds(1, 1, 1)).is_empty());
        assert!(make_room(&[], me, 1, &bounds(1, 1, 1)).is_empty());
    }

    #[test]
    fn advisory_keys_are_stable_and_distinct() {
        assert_eq!(advisory_key("purge"), advisory_key("purge"));
        assert_ne!(advisory_key("purge"), advisory_key("import_uploads"));
        assert_eq!(
            advisory_key("").1,
            i32::from_ne_bytes(0x811c_9dc5u32.to_ne_bytes())
        );
    }

    /// The data-version trigger (migration 0007) names the actions that change no data in
    /// SQL; they must be exactly those of `AuditAction::changes_data`, on both databases,
    /// or cached forecasts would go stale (an action missing) or miss needlessly.
    #[test]
    fn the_trigger_skips_exactly_the_actions_that_change_no_data() {
        use gevinst_domain::AuditAction;
        for sql in [
            include_str!("../migrations/sqlite/0007_shared_state.sql"),
            include_str!("../migrations/postgres/0007_shared_state.sql"),
        ] {
            let lists = sql.split("NOT IN (").skip(1).collect::<Vec<_>>();
            assert!(!lists.is_empty(), "the migration names the skipped actions");
            for list in lists {
                let list = &list[..list.find(')').expect("closing parenthesis")];
                let mut named: Vec<&str> = list
                    .split(',')
                    .map(|a| a.trim().trim_matches('\''))
                    .collect();
                named.sort_unstable();
                let mut expected: Vec<&str> = AuditAction::ALL
                    .iter()
                    .filter(|a| !a.changes_data())
                    .map(|a| a.as_str())
                    .collect();
                expected.sort_unstable();
                assert_eq!(named, expected);
            }
        }
    }
}
