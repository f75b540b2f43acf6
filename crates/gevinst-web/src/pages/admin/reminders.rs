//! `/admin/paamindelser`: the state of the weekly e-mail reminders for the admin: how many
//! digests were sent, the last attempt, the last error and the next retry of a digest the
//! mail server did not take, and the latest digests. The SMTP server is set in the server's
//! configuration (`GEVINST_SMTP_*`); its password is never shown.

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use gevinst_domain::danish::format_datetime;

struct Recent {
    recipient: String,
    week: String,
    state: &'static str,
    subject: String,
}

#[derive(Template)]
#[template(path = "admin_reminders.html")]
struct RemindersPage {
    layout: Layout,
    sent: i64,
    failing: i64,
    last_attempt: String,
    last_error: String,
    next_retry: String,
    recent: Vec<Recent>,
}

fn state_label(s: &str) -> &'static str {
    match s {
        "sent" => "Sendt",
        "failed" => "Fejlet, prøves igen",
        _ => "Sendes nu",
    }
}

/// `GET /admin/paamindelser`.
pub(super) async fn page(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let s = state.app.admin().reminder_status(&who.principal).await?;
    let page = RemindersPage {
        layout: Layout::new(&who, "E-mailpåmindelser", "admin"),
        sent: s.sent,
        failing: s.failing,
        last_attempt: s
            .last_attempt_at
            .map(format_datetime)
            .unwrap_or_else(|| "Ingen endnu".to_owned()),
        last_error: s.last_error,
        next_retry: s.next_retry_at.map(format_datetime).unwrap_or_default(),
        recent: s
            .recent
            .into_iter()
            .map(|(recipient, week, state, subject)| Recent {
                recipient,
                week,
                state: state_label(&state),
                subject,
            })
            .collect(),
    };
    Ok(Page(page).into_response())
}
