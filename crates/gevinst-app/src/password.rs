//! Password hashing (argon2id) and the gate every password check passes through.
//!
//! An argon2id check with the crate's defaults takes 19 MiB of memory and most of a core
//! for a moment. Unchecked, a burst of parallel logins (known or unknown e-mails alike)
//! runs as many checks at once as there are blocking threads, and the memory goes with
//! them: a review measured 5.5 GB after 300 parallel `POST /login`.
//!
//! [`PasswordGate`] bounds that:
//! - at most one check per core runs at a time, each in a memory buffer that is allocated
//!   once and reused (argon2's `hash_password_into_with_memory`), so the memory for
//!   checks never exceeds cores × 19 MiB;
//! - a few more wait their turn, for at most [`PasswordGate::MAX_WAIT`];
//! - beyond that the check is refused at once with [`AppError::Busy`] (503 with
//!   `Retry-After` over HTTP), before any memory or CPU is spent.
//!
//! An unknown e-mail is checked against a fixed dummy hash through the same gate, so it
//! costs the same time as a known one and reveals nothing.

use crate::{AppError, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

/// Hashes a password with argon2id (the crate's defaults: m=19 MiB, t=2, p=1) into a PHC
/// string.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
}

/// Checks a password against a PHC hash in the given work memory (grown if the hash asks
/// for more). A malformed hash is simply "no match".
fn verify_in(password: &str, phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::new(hash.algorithm.as_str()) else {
        return false;
    };
    let version = hash
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let blocks = &mut memory[..params.block_count()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
        .is_ok()
        && bool::from(out.ct_eq(expected.as_bytes()))
}

/// Checks a password against a PHC hash, outside the gate (for the CLI and tests).
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_in(password, hash, &mut Vec::new())
}

/// A fixed argon2id hash to check against when the account does not exist, so a wrong
/// e-mail costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default())
}

/// Bounds the password checks running at once, and the memory they take.
#[derive(Debug)]
pub struct PasswordGate {
    running: Arc<Semaphore>,
    parallel: usize,
    /// Checks running or waiting.
    admitted: AtomicUsize,
    max_waiting: usize,
    /// Work memory, one buffer per running check, reused.
    buffers: Mutex<Vec<Vec<Block>>>,
    checks: AtomicU64,
}

impl PasswordGate {
    /// How long a check waits for its turn before it is refused.
    pub const MAX_WAIT: Duration = Duration::from_secs(5);

    /// A gate running `parallel` checks at a time, with up to `max_waiting` more queued.
    pub fn new(parallel: usize, max_waiting: usize) -> Self {
        let parallel = parallel.max(1);
        PasswordGate {
            running: Arc::new(Semaphore::new(parallel)),
            parallel,
            admitted: AtomicUsize::new(0),
            max_waiting,
            buffers: Mutex::new(Vec::with_capacity(parallel)),
            checks: AtomicU64::new(0),
        }
    }

    /// How many checks have run (for tests: an unknown e-mail runs one as a known does).
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::Relaxed)
    }

    /// Checks `password` against `hash`, or against the dummy hash when `hash` is `None`
    /// (no such account; the answer is then always `false`). Refused with
    /// [`AppError::Busy`] when too many checks are already running and waiting.
    pub async fn verify(self: &Arc<Self>, password: &str, hash: Option<&str>) -> Result<bool> {
        let admitted = self.admitted.fetch_add(1, Ordering::AcqRel);
        let _admission = Admission(&self.admitted);
        if admitted >= self.parallel + self.max_waiting {
            return Err(AppError::Busy {
                retry_after_secs: 2,
            });
        }
        let permit = tokio::time::timeout(Self::MAX_WAIT, self.running.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy {
                retry_after_secs: 2,
            })?
            .map_err(|_| AppError::Internal("the password gate is closed".into()))?;
        let known = hash.is_some();
        let password = password.to_owned();
        let hash = hash.map(str::to_owned);
        let gate = Arc::clone(self);
        let matched = tokio::task::spawn_blocking(move || {
            let mut memory = gate.take_buffer();
            let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
            let matched = verify_in(&password, hash, &mut memory);
            gate.return_buffer(memory);
            gate.checks.fetch_add(1, Ordering::Relaxed);
            drop(permit);
            matched
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
        Ok(matched && known)
    }

    fn take_buffer(&self) -> Vec<Block> {
        self.buffers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default()
    }

    fn return_buffer(&self, buffer: Vec<Block>) {
        self.buffers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer);
    }
}

/// Counts a check as admitted until it is dropped.
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("korrekt-hest-batteri").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("korrekt-hest-batteri", &h));
        assert!(!verify_password("forkert", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        // A hash made with other costs (an older installation, say) checks out in the
        // reused buffer, which grows to fit.
        let params = Params::new(8 * 1024, 3, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let h = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"andre-parametre-her", &salt)
            .unwrap()
            .to_string();
        let mut memory = Vec::new();
        assert!(verify_in("andre-parametre-her", &h, &mut memory));
        assert_eq!(memory.len(), 8 * 1024);
        assert!(!verify_in("andre-parametre-hex", &h, &mut memory));
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::default())
            .hash_password(b"argon2i-adgangskode", &salt)
            .unwrap()
            .to_string();
        assert!(verify_in("argon2i-adgangskode", &argon2i, &mut memory));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_is_bounded_and_the_rest_refused_at_once() {
        let gate = Arc::new(PasswordGate::new(1, 2));
        let hash = hash_password("korrekt-hest-batteri").unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (gate, hash) = (gate.clone(), hash.clone());
                tokio::spawn(async move { gate.verify("korrekt-hest-batteri", Some(&hash)).await })
            })
            .collect();
        let mut ok = 0;
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(true) => ok += 1,
                Err(AppError::Busy { retry_after_secs }) => {
                    assert!(retry_after_secs >= 1);
                    busy += 1
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // One running and two waiting at most were admitted; the rest were refused.
        assert!((1..=3).contains(&ok), "ok={ok}");
        assert_eq!(ok + busy, 20);
        // One buffer was needed, and it is kept for the next check.
        assert_eq!(gate.buffers.lock().unwrap().len(), 1);
        assert_eq!(gate.checks(), ok as u64);
    }

    #[tokio::test]
    async fn an_unknown_account_costs_one_check_and_never_matches() {
        let gate = Arc::new(PasswordGate::new(1, 4));
        assert!(!gate
            .verify("dummy password for timing", None)
            .await
            .unwrap());
        assert_eq!(gate.checks(), 1);
    }
}
