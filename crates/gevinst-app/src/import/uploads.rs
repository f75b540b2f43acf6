//! Unfinished imports between the steps of the web UI: the uploaded file, the choices
//! made so far and the state of its commit.
//!
//! They are kept in the database ([`Store::put_import_upload`]), not in one app server's
//! memory, so that every step, and the progress page of a running commit, may be served
//! by any of several app servers behind a load balancer. The guarantees:
//!
//! - an upload has a random 128-bit id, and is found only with that id **and** the tenant
//!   and user who uploaded it: anyone else (another user, another tenant) gets
//!   [`AppError::NotFound`];
//! - it expires [`TTL`] after it was made (the user starts again by uploading), and the
//!   purge ([`purge`](Uploads::purge)) deletes it;
//! - at most [`MAX_PER_USER`] uploads per user and [`MAX_UPLOADS`] /
//!   [`MAX_TOTAL_BYTES`] in all are kept: the oldest give way, never one whose commit runs;
//! - one commit per upload ([`start_commit`](Uploads::start_commit)), whichever app server the second click
//!   reaches;
//! - the running commit writes how many rows it has written to the row every
//!   [`PROGRESS_EVERY`] (not per row); the app server that runs it also knows it in
//!   memory. A commit that has said nothing for [`STALE_AFTER`] and runs on no app server
//!   that is asked was cut off (its server stopped; its transaction was rolled back) and
//!   is reported as [`FailureKind::Interrupted`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gevinst_domain::{TenantId, UserId};
use gevinst_sheets::import::{Limits, Mapping};
use gevinst_store::{ImportUploadChange, NewImportUpload, Store, UploadBounds};
use serde::{Deserialize, Serialize};

use super::{CommitOutcome, ImportChoices, ImportInput, Importer};
use crate::auth::Principal;
use crate::Uploads;
use crate::{AppError, Result};

/// How long an upload is kept.
pub const TTL: Duration = Duration::from_secs(2 * 60 * 60);
/// Uploads kept per user.
pub const MAX_PER_USER: u32 = 3;
/// Uploads kept in all.
pub const MAX_UPLOADS: u32 = 64;
/// Bytes of uploaded files kept in all.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// How often a running commit writes its progress to the database.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// A commit that has not written its progress for this long, and runs on no app server
/// that is asked, was cut off.
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// Why a commit wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The file or the choices are not valid (422).
    Invalid,
    /// Someone changed a potential meanwhile (409).
    Conflict,
    /// The role may not import (403).
    Forbidden,
    /// The app server running the commit stopped (500).
    Interrupted,
    /// Anything else; logged (500).
    Internal,
}

/// A commit that wrote nothing: the kind, and what to tell the user (Danish).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong.
    pub kind: FailureKind,
    /// The messages.
    pub messages: Vec<String>,
}

impl Failure {
    /// What a commit's error tells the user. Unexpected errors are logged here.
    pub fn of(e: AppError) -> Failure {
        let (kind, messages) = match e {
            AppError::Invalid(f) => (
                FailureKind::Invalid,
                f.0.into_iter().map(|f| f.message).collect(),
            ),
            AppError::Conflict => (FailureKind::Conflict, vec!["Nogen har ændret et af potentialerne imens, så intet er importeret. Se forhåndsvisningen igen, og importér på ny.".to_owned()]),
            AppError::Forbidden => (FailureKind::Forbidden, vec!["Din rolle giver ikke adgang til at importere.".to_owned()]),
            e => {
                tracing::error!(error = %e, "import commit failed");
                (FailureKind::Internal, vec!["Der opstod en uventet fejl, så intet er importeret. Prøv igen om lidt. Fejlen er logget.".to_owned()])
            }
        };
        Failure { kind, messages }
    }

    fn interrupted() -> Failure {
        Failure {
            kind: FailureKind::Interrupted,
            messages: vec!["Importen blev afbrudt, fordi serveren stoppede. Se på listen over potentialer, om den nåede at blive gemt, før du importerer igen.".to_owned()],
        }
    }
}

/// An upload and the choices made for it so far.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Its id.
    pub id: String,
    /// Owner's tenant.
    pub tenant: TenantId,
    /// Owner.
    pub user: UserId,
    /// The file's name as uploaded.
    pub filename: String,
    /// The file (empty when read by [`status`](Uploads::status)).
    pub bytes: Arc<[u8]>,
    /// When it was uploaded.
    pub created: DateTime<Utc>,
    /// The chosen sheet (`None`: the first visible one).
    pub sheet: Option<String>,
    /// The chosen column mapping (`None`: the suggested one).
    pub mapping: Option<Mapping>,
    /// Value decisions, default unit and CPR masking.
    pub choices: ImportChoices,
    /// A commit runs.
    pub committing: bool,
    /// Rows written so far by the running commit.
    pub progress: u64,
    /// Why the last commit wrote nothing (shown once, see [`take_failure`](Uploads::take_failure)).
    pub failure: Option<Failure>,
    /// What the commit wrote, once done.
    pub outcome: Option<Arc<CommitOutcome>>,
}

impl Upload {
    /// The upload as input of [`super::preview`] and [`super::commit`].
    pub fn input<'a>(&'a self, limits: &'a Limits) -> ImportInput<'a> {
        ImportInput {
            bytes: &self.bytes,
            filename: &self.filename,
            sheet: self.sheet.as_deref(),
            mapping: self.mapping.as_ref(),
            limits,
        }
    }
}

fn bad_json(what: &str, e: serde_json::Error) -> AppError {
    AppError::Internal(format!("stored import upload: bad {what}: {e}"))
}

fn to_json<T: Serialize>(what: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| bad_json(what, e))
}

fn from_json<T: for<'de> Deserialize<'de>>(what: &str, s: Option<&str>) -> Result<Option<T>> {
    s.map(|s| serde_json::from_str(s).map_err(|e| bad_json(what, e)))
        .transpose()
}

fn expired_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::from_std(TTL).unwrap_or(chrono::Duration::hours(2))
}

/// An id as made by [`create`](Uploads::create): 32 hex digits. Anything else is not looked up.
fn check_id(id: &str) -> Result<()> {
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The commits running in this process: upload id → rows written so far. The [`App`](crate::App)
/// owns them; clones share them.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunningCommits(Arc<Mutex<HashMap<String, Arc<AtomicU64>>>>);

impl RunningCommits {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<AtomicU64>>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Rows written so far by the commit of upload `id`, if it runs here.
    fn written(&self, id: &str) -> Option<u64> {
        self.lock().get(id).map(|n| n.load(Ordering::Relaxed))
    }

    /// Counts the commit of upload `id` as running here until the guard is dropped.
    fn start(&self, id: &str) -> (Arc<AtomicU64>, RunningGuard) {
        let written = Arc::new(AtomicU64::new(0));
        self.lock().insert(id.to_owned(), written.clone());
        let guard = RunningGuard {
            commits: self.clone(),
            id: id.to_owned(),
        };
        (written, guard)
    }
}

/// Keeps the entry of a running commit in [`RunningCommits`] while it lives.
struct RunningGuard {
    commits: RunningCommits,
    id: String,
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.commits.lock().remove(&self.id);
    }
}

impl Uploads<'_> {
    /// Keeps a new upload for `who`; returns its id. Older uploads give way (see the module
    /// documentation).
    pub async fn create(&self, who: &Principal, filename: &str, bytes: &[u8]) -> Result<String> {
        let store = self.app.store();
        let id: String = crate::auth::random_secret().chars().take(32).collect();
        let now = Utc::now();
        let choices = to_json("choices", &ImportChoices::default())?;
        store
            .put_import_upload(
                &NewImportUpload {
                    id: &id,
                    tenant_id: who.tenant.id,
                    user_id: who.user.id,
                    filename,
                    bytes,
                    choices: &choices,
                    created_at: now,
                },
                &UploadBounds {
                    expired_before: expired_before(now),
                    max_per_user: MAX_PER_USER,
                    max_uploads: MAX_UPLOADS,
                    max_total_bytes: MAX_TOTAL_BYTES,
                },
            )
            .await?;
        Ok(id)
    }

    /// `who`'s upload with this id, with its file. Unknown, expired or someone else's:
    /// [`AppError::NotFound`].
    pub async fn get(&self, who: &Principal, id: &str) -> Result<Upload> {
        self.read(who, id, true).await
    }

    /// As [`get`](Uploads::get), without the file (for the progress page, which is asked for every second).
    pub async fn status(&self, who: &Principal, id: &str) -> Result<Upload> {
        self.read(who, id, false).await
    }

    /// Reads `sheet` from now on, with the suggested mapping.
    pub async fn choose_sheet(&self, who: &Principal, id: &str, sheet: &str) -> Result<()> {
        let store = self.app.store();
        change(store, who, id, ImportUploadChange::Sheet(sheet)).await?;
        Ok(())
    }

    /// The column mapping from now on (`None`: the suggested one).
    pub async fn set_mapping(
        &self,
        who: &Principal,
        id: &str,
        mapping: Option<&Mapping>,
    ) -> Result<()> {
        let store = self.app.store();
        let json = mapping.map(Mapping::to_json);
        change(store, who, id, ImportUploadChange::Mapping(json.as_deref())).await?;
        Ok(())
    }

    /// The choices from now on.
    pub async fn set_choices(
        &self,
        who: &Principal,
        id: &str,
        choices: &ImportChoices,
    ) -> Result<()> {
        let store = self.app.store();
        let json = to_json("choices", choices)?;
        change(store, who, id, ImportUploadChange::Choices(&json)).await?;
        Ok(())
    }

    /// The failure of the last commit of `upload`, once: it is forgotten as it is returned
    /// (on whichever app server), so a reload does not show it again.
    pub async fn take_failure(&self, who: &Principal, upload: &Upload) -> Result<Option<Failure>> {
        let store = self.app.store();
        let Some(failure) = &upload.failure else {
            return Ok(None);
        };
        let json = to_json("failure", failure)?;
        let taken = change(
            store,
            who,
            &upload.id,
            ImportUploadChange::TakeFailure(&json),
        )
        .await?;
        Ok(taken.then(|| failure.clone()))
    }

    /// Deletes expired uploads; returns how many.
    pub async fn purge(&self, now: DateTime<Utc>) -> Result<u64> {
        let store = self.app.store();
        Ok(store.purge_import_uploads(expired_before(now)).await?)
    }

    /// Starts the commit of `upload` (all rows, or `only_valid`) in a background task and
    /// returns it, or `None` when a commit of it runs or is done already (on any app server).
    /// The task stores the outcome or the failure in the upload; it never fails itself, and
    /// a panicking commit ends as [`FailureKind::Internal`].
    pub async fn start_commit(
        &self,
        who: &Principal,
        upload: Upload,
        only_valid: bool,
        limits: Limits,
    ) -> Result<Option<tokio::task::JoinHandle<()>>> {
        let started = change(
            self.app.store(),
            who,
            &upload.id,
            ImportUploadChange::StartCommit(Utc::now()),
        )
        .await?;
        if !started {
            return Ok(None);
        }
        let (written, guard) = self.app.commits().start(&upload.id);
        let who = who.clone();
        let app = self.app.clone();
        Ok(Some(tokio::spawn(async move {
            let job = {
                let (app, who, upload, written) =
                    (app.clone(), who.clone(), upload.clone(), written.clone());
                tokio::spawn(async move {
                    let progress = move |n: usize| {
                        written.store(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed)
                    };
                    app.import()
                        .commit(
                            Importer::User(&who),
                            &upload.input(&limits),
                            &upload.choices,
                            only_valid,
                            Some(&progress),
                        )
                        .await
                })
            };
            let result = report_progress(app.store(), &who, &upload.id, &written, job).await;
            let (outcome, failure) = match result {
                Ok(Ok(o)) => (to_json("outcome", &o).map(Some), Ok(None)),
                Ok(Err(e)) => (Ok(None), to_json("failure", &Failure::of(e)).map(Some)),
                Err(e) => {
                    let e = AppError::Internal(format!("import task: {e}"));
                    (Ok(None), to_json("failure", &Failure::of(e)).map(Some))
                }
            };
            let finish = match (outcome, failure) {
                (Ok(outcome), Ok(failure)) => {
                    change(
                        app.store(),
                        &who,
                        &upload.id,
                        ImportUploadChange::FinishCommit {
                            outcome: outcome.as_deref(),
                            failure: failure.as_deref(),
                        },
                    )
                    .await
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            if let Err(e) = finish {
                tracing::error!(error = %e, "storing the end of an import commit failed");
            }
            drop(guard);
        })))
    }
}

impl Uploads<'_> {
    async fn read(&self, who: &Principal, id: &str, with_file: bool) -> Result<Upload> {
        let store = self.app.store();
        check_id(id)?;
        let (t, u) = (who.tenant.id, who.user.id);
        let now = Utc::now();
        let s = store
            .import_upload(t, u, id, expired_before(now), with_file)
            .await?;
        let mut upload = Upload {
            id: s.id,
            tenant: s.tenant_id,
            user: s.user_id,
            filename: s.filename,
            bytes: s.bytes.into(),
            created: s.created_at,
            sheet: s.sheet,
            mapping: s
                .mapping
                .as_deref()
                .map(Mapping::from_json)
                .transpose()
                .map_err(|e| {
                    AppError::Internal(format!("stored import upload: bad mapping: {e}"))
                })?,
            choices: from_json("choices", Some(&s.choices))?.unwrap_or_default(),
            committing: s.committing,
            progress: s.progress,
            failure: from_json("failure", s.failure.as_deref())?,
            outcome: from_json::<CommitOutcome>("outcome", s.outcome.as_deref())?.map(Arc::new),
        };
        if upload.committing {
            let local = self.app.commits().written(id);
            match local {
                Some(n) => upload.progress = upload.progress.max(n),
                None => {
                    let said = s.progress_at.unwrap_or(s.created_at);
                    let stale = chrono::Duration::from_std(STALE_AFTER)
                        .unwrap_or(chrono::Duration::minutes(1));
                    if now - said > stale {
                        let failure = Failure::interrupted();
                        let json = to_json("failure", &failure)?;
                        store
                            .change_import_upload(
                                t,
                                u,
                                id,
                                ImportUploadChange::FinishCommit {
                                    outcome: None,
                                    failure: Some(&json),
                                },
                            )
                            .await?;
                        upload.committing = false;
                        upload.failure = Some(failure);
                    }
                }
            }
        }
        Ok(upload)
    }
}

async fn change(
    store: &dyn Store,
    who: &Principal,
    id: &str,
    change: ImportUploadChange<'_>,
) -> Result<bool> {
    check_id(id)?;
    Ok(store
        .change_import_upload(who.tenant.id, who.user.id, id, change)
        .await?)
}

/// Waits for the commit `job`, writing the rows written so far to the upload every
/// [`PROGRESS_EVERY`], so that another app server's progress page shows them. SQLite
/// serves one app server (which reads the progress from memory) and holds its write
/// lock for the whole commit, so there nothing is written.
async fn report_progress<T>(
    store: &dyn Store,
    who: &Principal,
    id: &str,
    written: &AtomicU64,
    mut job: tokio::task::JoinHandle<T>,
) -> std::result::Result<T, tokio::task::JoinError> {
    if store.backend() == "sqlite" {
        return job.await;
    }
    loop {
        tokio::select! {
            done = &mut job => return done,
            _ = tokio::time::sleep(PROGRESS_EVERY) => {
                let n = written.load(Ordering::Relaxed);
                let change = ImportUploadChange::Progress(n, Utc::now());
                // Written every time, unchanged or not: it also says the commit runs.
                if let Err(e) = store
                    .change_import_upload(who.tenant.id, who.user.id, id, change)
                    .await
                {
                    tracing::warn!(error = %e, "writing an import's progress failed");
                }
            }
        }
    }
}
