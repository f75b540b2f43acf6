//! `gevinst reminders send [--dry-run]` and the SMTP settings (flags or environment),
//! shared with `serve`'s background task: the same use case,
//! [`gevinst_app::Maintenance::send_digests`].

use crate::admin::app_error;
use crate::args::{ReminderCommand, SmtpArgs};
use crate::settings::DatabaseSettings;
use crate::store::open_app;
use anyhow::{bail, Context};
use gevinst_app::reminders::{DigestReport, DigestRun, Mailer};
use gevinst_app::App;
use gevinst_domain::reminder::{SmtpSettings, SmtpTls};

impl SmtpArgs {
    /// The checked SMTP settings, or `None` when no host is given.
    pub fn settings(&self) -> anyhow::Result<Option<SmtpSettings>> {
        let Some(host) = self.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let Some(tls) = SmtpTls::parse(&self.smtp_tls) else {
            bail!(
                "--smtp-tls must be none, starttls or tls, not {:?}",
                self.smtp_tls
            );
        };
        let Some(from) = self.smtp_from.clone() else {
            bail!("--smtp-from (GEVINST_SMTP_FROM) is required with --smtp-host");
        };
        let credentials = match (&self.smtp_user, &self.smtp_password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            (None, None) => None,
            _ => bail!("give both --smtp-user and --smtp-password, or neither"),
        };
        let port = self.smtp_port.unwrap_or(match tls {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        });
        Ok(Some(SmtpSettings {
            host: host.trim().to_owned(),
            port,
            from,
            tls,
            credentials,
        }))
    }

    /// The mailer for these settings, if any.
    pub fn mailer(&self) -> anyhow::Result<Option<Mailer>> {
        self.settings()?
            .map(|s| Mailer::new(&s).map_err(|e| app_error(e, "bad SMTP settings")))
            .transpose()
    }

    /// The årshjul's address for the digest's link.
    pub fn link(&self) -> String {
        format!("{}/aarshjul", self.public_url.trim_end_matches('/'))
    }
}

/// Who this process is, for claiming digests: `KIND:HOST:PID`.
pub fn instance(kind: &str) -> String {
    format!(
        "{kind}:{}:{}",
        whoami::fallible::hostname().unwrap_or_else(|_| "unknown".into()),
        std::process::id()
    )
}

/// `gevinst reminders …`.
pub async fn run(db: &DatabaseSettings, cmd: ReminderCommand) -> anyhow::Result<()> {
    match cmd {
        ReminderCommand::Send { dry_run, smtp } => {
            let app = open_app(db).await?;
            let mailer = smtp.mailer()?;
            if mailer.is_none() && !dry_run {
                bail!("no SMTP server: give --smtp-host and --smtp-from (or GEVINST_SMTP_HOST and GEVINST_SMTP_FROM), or use --dry-run");
            }
            let report = send_once(&app, mailer.as_ref(), &smtp, dry_run, "cli").await?;
            for (to, subject) in &report.digests {
                println!("{to}\t{subject}");
            }
            if dry_run {
                println!(
                    "dry run: {} digests composed, none sent",
                    report.digests.len()
                );
            } else {
                println!(
                    "{} sent, {} failed (will be retried), {} skipped (sent already or claimed elsewhere)",
                    report.sent, report.failed, report.skipped
                );
            }
            Ok(())
        }
    }
}

/// One run of the use case now.
pub async fn send_once(
    app: &App,
    mailer: Option<&Mailer>,
    smtp: &SmtpArgs,
    dry_run: bool,
    kind: &str,
) -> anyhow::Result<DigestReport> {
    let run = DigestRun {
        now: chrono::Utc::now(),
        instance: instance(kind),
        link: smtp.link(),
        dry_run,
    };
    app.maintenance()
        .send_digests(mailer, &run)
        .await
        .context("cannot send the reminder digests")
}

/// `serve`'s background task: sends due digests every
/// [`gevinst_app::reminders::DIGEST_EVERY`]; a failure is logged and the task goes on.
pub async fn send_periodically(app: App, mailer: Mailer, smtp: SmtpArgs) {
    let mut tick = tokio::time::interval(gevinst_app::reminders::DIGEST_EVERY);
    loop {
        tick.tick().await;
        match send_once(&app, Some(&mailer), &smtp, false, "serve").await {
            Ok(r) if r.sent + r.failed > 0 => {
                tracing::info!(sent = r.sent, failed = r.failed, "reminder digests")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "reminder digests failed"),
        }
    }
}
