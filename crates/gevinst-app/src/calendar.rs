//! A per-user calendar feed (iCal, RFC 5545) of their årshjul: the measurements they
//! see in the årshjul (all plans for a porteføljeleder or an admin, else the benefits
//! they own) as all-day events on their due dates.
//!
//! The feed's address holds an unguessable random token; only its SHA-256 is stored. A
//! user makes a new one (which replaces the old) or revokes it on their account page.

use crate::auth::{random_secret, secret_hash, Principal};
use crate::measurements::{collect_tasks, TaskState};
use crate::{AppError, Programmes, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gevinst_domain::reminder::{ical_calendar, CalendarEvent};
use gevinst_domain::{Actor, Permission};

/// Prefix of calendar tokens, so they are recognisable in logs.
pub const CALENDAR_TOKEN_PREFIX: &str = "gvk_";

/// The years around `today` a feed covers: last year to two years ahead.
fn feed_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(NaiveDate::MIN);
    let to = NaiveDate::from_ymd_opt(today.year() + 2, 12, 31).unwrap_or(NaiveDate::MAX);
    (from, to)
}

impl Programmes<'_> {
    /// A new calendar feed token for the principal (shown once), replacing any they had.
    pub async fn create_calendar_feed(&self, who: &Principal) -> Result<String> {
        let token = format!("{CALENDAR_TOKEN_PREFIX}{}", random_secret());
        self.app
            .store()
            .replace_calendar_token(who.tenant.id, who.user.id, &secret_hash(&token), Utc::now())
            .await?;
        Ok(token)
    }

    /// Revokes the principal's calendar feed; `false` if they had none.
    pub async fn revoke_calendar_feed(&self, who: &Principal) -> Result<bool> {
        Ok(self
            .app
            .store()
            .revoke_calendar_token(who.tenant.id, who.user.id)
            .await?)
    }

    /// When the principal's calendar feed was made, if they have one.
    pub async fn calendar_feed_created(&self, who: &Principal) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .app
            .store()
            .calendar_token_created(who.tenant.id, who.user.id)
            .await?)
    }

    /// The feed a token opens, as iCal text, at `now`. An unknown or revoked token, or a
    /// deactivated user, is [`AppError::NotFound`].
    pub async fn calendar_feed(&self, token: &str, now: DateTime<Utc>) -> Result<String> {
        let store = self.app.store();
        let (t, u) = store
            .calendar_token_owner(&secret_hash(token))
            .await?
            .ok_or(AppError::NotFound)?;
        let user = store.user(t, u).await?;
        if !user.active {
            return Err(AppError::NotFound);
        }
        let actor = Actor {
            tenant_id: t,
            user_id: u,
            role: user.role,
            units: user.units.clone(),
        };
        let owner = (!actor.may_tenant_wide(Permission::ManagePortfolio)).then_some(u);
        let today = now.date_naive();
        let tasks = collect_tasks(store, t, owner, feed_window(today), today).await?;
        let events: Vec<CalendarEvent> = tasks
            .iter()
            .map(|task| CalendarEvent {
                uid: format!(
                    "maaling-{}-{}-{}-{}@gevinst",
                    t.0,
                    task.potential_id.0,
                    task.line,
                    task.period.label().replace(". kvartal ", "K")
                ),
                date: task.due,
                summary: format!(
                    "{}: {}: {}, {}",
                    if task.state == TaskState::Done {
                        "Måling registreret"
                    } else {
                        "Måling"
                    },
                    task.title,
                    task.label,
                    task.period.label()
                ),
                description: format!(
                    "Status: {}\nRegistrér målingen i gevinst under Årshjul.",
                    task.state.label()
                ),
            })
            .collect();
        Ok(ical_calendar(
            &format!("Årshjul: {}", user.name),
            &events,
            now,
        ))
    }
}
