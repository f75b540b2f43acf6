//! Uploaded files between the steps of an import.
//!
//! The use cases are stateless (every step re-reads the file), so the web layer keeps the
//! file and the user's choices so far in memory, in one process-wide, bounded store:
//!
//! - keyed by a random 128-bit id **and** the tenant and user who uploaded it: anyone else
//!   (another user, another tenant) asking for the id gets "not found";
//! - an upload expires [`TTL`] after it was made (the user starts again by uploading);
//! - at most [`MAX_PER_USER`] uploads per user and [`MAX_UPLOADS`] / [`MAX_TOTAL_BYTES`]
//!   in all: the oldest give way.
//!
//! Nothing is written to disk, so a restart forgets unfinished imports; a committed
//! import is in the database anyway.

use gevinst_app::import::{CommitOutcome, ImportChoices};
use gevinst_domain::{TenantId, UserId};
use gevinst_sheets::import::Mapping;
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an upload is kept.
pub(crate) const TTL: Duration = Duration::from_secs(2 * 60 * 60);
/// Uploads kept per user.
pub(crate) const MAX_PER_USER: usize = 3;
/// Uploads kept in all.
pub(crate) const MAX_UPLOADS: usize = 64;
/// Bytes of uploaded files kept in all.
pub(crate) const MAX_TOTAL_BYTES: usize = 512 * 1024 * 1024;

/// An uploaded file and the choices made for it so far.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    /// Owner's tenant.
    pub tenant: TenantId,
    /// Owner.
    pub user: UserId,
    /// When it was uploaded.
    pub created: Instant,
    /// Upload order (for evicting the oldest first).
    seq: u64,
    /// The file's name as uploaded.
    pub filename: String,
    /// The file.
    pub bytes: Arc<[u8]>,
    /// The chosen sheet (`None`: the first visible one).
    pub sheet: Option<String>,
    /// The chosen column mapping (`None`: the suggested one).
    pub mapping: Option<Mapping>,
    /// Value decisions, default unit and CPR masking.
    pub choices: ImportChoices,
    /// A commit is running.
    pub committing: bool,
    /// Rows written so far by the running commit.
    pub progress: Option<Arc<AtomicUsize>>,
    /// Why the last commit wrote nothing (shown once on the preview).
    pub failure: Option<Failure>,
    /// What the commit wrote, once done.
    pub outcome: Option<Arc<CommitOutcome>>,
}

impl Upload {
    /// A fresh upload.
    pub fn new(tenant: TenantId, user: UserId, filename: String, bytes: Vec<u8>) -> Self {
        Upload {
            tenant,
            user,
            created: Instant::now(),
            seq: 0,
            filename,
            bytes: bytes.into(),
            sheet: None,
            mapping: None,
            choices: ImportChoices::default(),
            committing: false,
            progress: None,
            failure: None,
            outcome: None,
        }
    }
}

/// A commit that wrote nothing: the status to answer with and the Danish messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// HTTP status of the preview page that shows it.
    pub status: axum::http::StatusCode,
    /// What went wrong.
    pub messages: Vec<String>,
}

type Map = HashMap<String, Upload>;

fn map() -> std::sync::MutexGuard<'static, Map> {
    static UPLOADS: OnceLock<Mutex<Map>> = OnceLock::new();
    UPLOADS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn evict(map: &mut Map, now: Instant) {
    map.retain(|_, u| now.duration_since(u.created) < TTL);
}

fn oldest(map: &Map, filter: impl Fn(&Upload) -> bool) -> Option<String> {
    map.iter()
        .filter(|(_, u)| filter(u) && !u.committing)
        .min_by_key(|(_, u)| u.seq)
        .map(|(k, _)| k.clone())
}

/// Keeps an upload; returns its id.
pub(crate) fn insert(mut upload: Upload) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    upload.seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id: String = gevinst_app::auth::random_secret()
        .chars()
        .take(32)
        .collect();
    let mut map = map();
    evict(&mut map, Instant::now());
    let (tenant, user) = (upload.tenant, upload.user);
    while map
        .values()
        .filter(|u| u.tenant == tenant && u.user == user)
        .count()
        >= MAX_PER_USER
    {
        match oldest(&map, |u| u.tenant == tenant && u.user == user) {
            Some(k) => map.remove(&k),
            None => break,
        };
    }
    while map.len() >= MAX_UPLOADS
        || map.values().map(|u| u.bytes.len()).sum::<usize>() + upload.bytes.len() > MAX_TOTAL_BYTES
    {
        match oldest(&map, |_| true) {
            Some(k) => map.remove(&k),
            None => break,
        };
    }
    map.insert(id.clone(), upload);
    id
}

/// The upload with this id, if it belongs to this tenant and user and has not expired.
pub(crate) fn get(id: &str, tenant: TenantId, user: UserId) -> Option<Upload> {
    let mut map = map();
    evict(&mut map, Instant::now());
    map.get(id)
        .filter(|u| u.tenant == tenant && u.user == user)
        .cloned()
}

/// Changes the upload with this id (same rules as [`get`]); returns the closure's answer.
pub(crate) fn update<R>(
    id: &str,
    tenant: TenantId,
    user: UserId,
    f: impl FnOnce(&mut Upload) -> R,
) -> Option<R> {
    let mut map = map();
    evict(&mut map, Instant::now());
    map.get_mut(id)
        .filter(|u| u.tenant == tenant && u.user == user)
        .map(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_belong_to_their_tenant_and_user_and_are_bounded() {
        let (t1, t2) = (TenantId(900_001), TenantId(900_002));
        let (u1, u2) = (UserId(900_001), UserId(900_002));
        let id = insert(Upload::new(t1, u1, "a.csv".into(), b"x".to_vec()));
        assert_eq!(id.len(), 32);
        assert!(get(&id, t1, u1).is_some());
        assert!(get(&id, t2, u1).is_none());
        assert!(get(&id, t1, u2).is_none());
        assert_eq!(update(&id, t2, u1, |u| u.committing = true), None);
        assert_eq!(
            update(&id, t1, u1, |u| u.filename.clone()).as_deref(),
            Some("a.csv")
        );
        let more: Vec<String> = (0..MAX_PER_USER)
            .map(|_| insert(Upload::new(t1, u1, "b.csv".into(), b"y".to_vec())))
            .collect();
        // The oldest upload of the user gave way.
        assert!(get(&id, t1, u1).is_none());
        assert!(more.iter().all(|m| get(m, t1, u1).is_some()));
    }
}
