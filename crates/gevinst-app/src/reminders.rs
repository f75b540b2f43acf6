//! E-mail reminders: a weekly digest per benefit owner of their due and overdue
//! measurements, sent over SMTP with lettre (tokio, rustls).
//!
//! - [`Maintenance::send_digests`] is the one use case, run by the server's background
//!   task every [`DIGEST_EVERY`] and by `gevinst reminders send [--dry-run]`.
//! - One digest per user and ISO week. Before sending, the instance claims the digest
//!   row in the store ([`gevinst_store::ReminderStore::claim_digest`]), so that two app
//!   instances on one database send it once.
//! - A failed send (server down, refused) never fails the run: it is logged, recorded
//!   with the error and retried with backoff ([`retry_delay_minutes`]); the admin page
//!   shows the last attempt, the last error and the next retry ([`Admin::reminder_status`]).

use crate::auth::Principal;
use crate::measurements::{collect_tasks, TaskState};
use crate::{Admin, AppError, Maintenance, Result};
use chrono::{DateTime, Duration, Utc};
use gevinst_domain::reminder::{
    compose_digest, retry_delay_minutes, week_key, DigestItem, SmtpSettings, SmtpTls,
};
use gevinst_domain::{Permission, UserId};
pub use gevinst_store::DigestStatus;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::BTreeMap;

/// How often the server's background task runs [`Maintenance::send_digests`].
pub const DIGEST_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How far ahead a measurement counts as due in the digest.
pub const DUE_WITHIN_DAYS: i64 = 14;

/// How long a claim holds before another instance may take the digest over.
const LEASE_MINUTES: i64 = 10;

/// An SMTP connection's settings turned into a transport.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `s`. A sender that is not an e-mail address, or a host name TLS cannot
    /// use, is [`AppError::Invalid`] (field `from` or `host`).
    pub fn new(s: &SmtpSettings) -> Result<Self> {
        let bad = |field: &str, msg: &str| {
            AppError::Invalid(gevinst_domain::FieldErrors::single(field, "invalid", msg))
        };
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|_| bad("from", "Afsenderen skal være en e-mailadresse."))?;
        let builder = match s.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|_| bad("host", "SMTP-serverens navn kan ikke bruges med TLS."))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
                .map_err(|_| bad("host", "SMTP-serverens navn kan ikke bruges med TLS."))?,
        };
        let mut builder = builder
            .port(s.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = &s.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text (UTF-8) mail; the error as text (for the log and the admin).
    pub async fn send(
        &self,
        to: &str,
        name: &str,
        subject: &str,
        body: &str,
    ) -> std::result::Result<(), String> {
        let address = to.parse().map_err(|e| format!("bad recipient {to}: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(name.to_owned()), address))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// One run of [`Maintenance::send_digests`].
#[derive(Debug, Clone)]
pub struct DigestRun {
    /// The time of the run (decides the week, what is due and overdue, and retries).
    pub now: DateTime<Utc>,
    /// Who claims the digests, e.g. `serve:host:pid`.
    pub instance: String,
    /// The årshjul's address for the mail's link.
    pub link: String,
    /// Compose the digests but send, claim and record nothing.
    pub dry_run: bool,
}

/// What a run did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Digests sent.
    pub sent: usize,
    /// Digests whose send failed (to be retried).
    pub failed: usize,
    /// Digests sent already this week, claimed by another instance, or not yet due for a
    /// retry.
    pub skipped: usize,
    /// (recipient, subject) of each digest composed.
    pub digests: Vec<(String, String)>,
}

impl Maintenance<'_> {
    /// Sends this week's digest to every active benefit owner with due (within
    /// [`DUE_WITHIN_DAYS`]) or overdue measurements, in every tenant. A digest already
    /// sent this week is not sent again, by this or another instance; a failed one is
    /// retried once its next attempt is due. Without a mailer only a dry run is possible
    /// ([`AppError::Invalid`], field `smtp`, otherwise).
    pub async fn send_digests(
        &self,
        mailer: Option<&Mailer>,
        run: &DigestRun,
    ) -> Result<DigestReport> {
        if mailer.is_none() && !run.dry_run {
            return Err(AppError::Invalid(gevinst_domain::FieldErrors::single(
                "smtp",
                "required",
                "Der er ikke sat en SMTP-server op til påmindelser.",
            )));
        }
        let store = self.app.store();
        let today = run.now.date_naive();
        let week = week_key(today);
        let horizon = today + Duration::days(DUE_WITHIN_DAYS);
        let mut report = DigestReport::default();
        for tenant in store.list_tenants().await? {
            let t = tenant.id;
            let tasks =
                collect_tasks(store, t, None, (chrono::NaiveDate::MIN, horizon), today).await?;
            let mut by_owner: BTreeMap<UserId, Vec<DigestItem>> = BTreeMap::new();
            for task in tasks.iter().filter(|t| t.state != TaskState::Done) {
                let Some(owner) = task.owner else { continue };
                by_owner.entry(owner).or_default().push(DigestItem {
                    title: task.title.clone(),
                    benefit: task.label.clone(),
                    period: task.period.label(),
                    due: task.due,
                    overdue: task.state == TaskState::Overdue,
                });
            }
            let users = store.list_users(t).await?;
            for (owner, items) in by_owner {
                let Some(user) = users.iter().find(|u| u.id == owner && u.active) else {
                    continue;
                };
                let Some(digest) = compose_digest(&user.name, &items, &run.link) else {
                    continue;
                };
                let to = user.email.as_str();
                report.digests.push((to.to_owned(), digest.subject.clone()));
                let Some(mailer) = mailer.filter(|_| !run.dry_run) else {
                    continue;
                };
                let lease = run.now + Duration::minutes(LEASE_MINUTES);
                let Some(claim) = store
                    .claim_digest(t, owner, &week, to, &run.instance, run.now, lease)
                    .await?
                else {
                    report.skipped += 1;
                    continue;
                };
                match mailer
                    .send(to, &user.name, &digest.subject, &digest.body)
                    .await
                {
                    Ok(()) => {
                        store
                            .finish_digest(t, claim.id, &digest.subject, run.now, None, None)
                            .await?;
                        tracing::info!(tenant = %tenant.slug, %to, %week, "reminder digest sent");
                        report.sent += 1;
                    }
                    Err(error) => {
                        let next =
                            run.now + Duration::minutes(retry_delay_minutes(claim.attempts + 1));
                        tracing::warn!(
                            tenant = %tenant.slug, %to, %week, %error, next_attempt = %next,
                            "reminder digest not sent; will retry"
                        );
                        store
                            .finish_digest(
                                t,
                                claim.id,
                                &digest.subject,
                                run.now,
                                Some(&error),
                                Some(next),
                            )
                            .await?;
                        report.failed += 1;
                    }
                }
            }
        }
        Ok(report)
    }
}

impl Admin<'_> {
    /// The tenant's reminder digests at a glance (last attempt, last error, next retry),
    /// for an admin ([`AppError::Forbidden`] otherwise).
    pub async fn reminder_status(&self, who: &Principal) -> Result<DigestStatus> {
        if !who.actor.may_tenant_wide(Permission::Administer) {
            return Err(AppError::Forbidden);
        }
        Ok(self.app.store().digest_status(who.tenant.id).await?)
    }
}
