//! E-mail reminders of measurements: the weekly digest's text, the week it belongs to,
//! the retry schedule after a failed send, and the SMTP settings. Pure: the app sends.
//!
//! ```
//! use chrono::NaiveDate;
//! use gevinst_domain::reminder::{retry_delay_minutes, week_key};
//! assert_eq!(week_key(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()), "2026-W49");
//! assert_eq!(retry_delay_minutes(1), 1);
//! assert_eq!(retry_delay_minutes(9), 360);
//! ```

use crate::danish::format_date;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One measurement in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    /// The potential's title.
    pub title: String,
    /// The benefit's label.
    pub benefit: String,
    /// The period, e.g. "2. kvartal 2026".
    pub period: String,
    /// Its due date.
    pub due: NaiveDate,
    /// Whether the due date has passed.
    pub overdue: bool,
}

/// A digest's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Subject line.
    pub subject: String,
    /// Plain text (UTF-8) with the overdue measurements first.
    pub body: String,
}

/// The weekly digest for `name` of `items` (none: no digest). `link` is where the
/// årshjul is (e.g. `https://gevinst.example.dk/aarshjul`).
pub fn compose_digest(name: &str, items: &[DigestItem], link: &str) -> Option<Digest> {
    if items.is_empty() {
        return None;
    }
    let overdue: Vec<&DigestItem> = items.iter().filter(|i| i.overdue).collect();
    let due: Vec<&DigestItem> = items.iter().filter(|i| !i.overdue).collect();
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if !overdue.is_empty() {
        parts.push(format!(
            "{} overskredet",
            count(overdue.len(), "måling er", "målinger er")
        ));
    }
    if !due.is_empty() {
        parts.push(format!(
            "{} snart",
            count(due.len(), "måling forfalder", "målinger forfalder")
        ));
    }
    let subject = format!("Gevinstopfølgning: {}", parts.join(", "));
    let mut body = format!(
        "Hej {name}\n\nDu er gevinstejer for gevinster, hvor en måling skal registreres.\n"
    );
    let mut section = |title: &str, list: &[&DigestItem]| {
        if list.is_empty() {
            return;
        }
        body.push_str(&format!("\n{title}:\n"));
        for i in list {
            body.push_str(&format!(
                "- {}: {}, {} (frist {})\n",
                i.title,
                i.benefit,
                i.period,
                format_date(i.due)
            ));
        }
    };
    section("Overskredet", &overdue);
    section("Forfalder snart", &due);
    body.push_str(&format!(
        "\nRegistrér målingerne i årshjulet: {link}\n\nVenlig hilsen\ngevinst\n"
    ));
    Some(Digest { subject, body })
}

/// The ISO week a day belongs to, e.g. `2026-W49`: one digest per user per week.
pub fn week_key(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Minutes to wait after the `attempts`-th failed send before the next try: 1, 5, 15,
/// 60, then every 6 hours.
pub fn retry_delay_minutes(attempts: u32) -> i64 {
    match attempts {
        0 | 1 => 1,
        2 => 5,
        3 => 15,
        4 => 60,
        _ => 360,
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain SMTP (only for a relay on the same host or network, and tests).
    None,
    /// STARTTLS on the submission port (587), required.
    #[default]
    Starttls,
    /// Implicit TLS (SMTPS, port 465).
    Tls,
}

impl SmtpTls {
    /// Parses `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Some(SmtpTls::None),
            "starttls" => Some(SmtpTls::Starttls),
            "tls" => Some(SmtpTls::Tls),
            _ => None,
        }
    }
}

/// Where and how reminders are sent.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Server host name or address.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// The sender, e.g. `gevinst <gevinst@kommune.dk>`.
    pub from: String,
    /// Connection security.
    pub tls: SmtpTls,
    /// User name and password, when the server wants a login.
    pub credentials: Option<(String, String)>,
}

impl SmtpSettings {
    /// The credentials' user name with the password masked, for showing settings back.
    pub fn masked_login(&self) -> Option<String> {
        self.credentials
            .as_ref()
            .map(|(user, _)| format!("{user} (adgangskode skjult)"))
    }
}

/// Never prints the password.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .field("login", &self.masked_login())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn digest_lists_overdue_first_in_danish() {
        let items = [
            DigestItem {
                title: "Robot".into(),
                benefit: "Porto".into(),
                period: "2026".into(),
                due: d(2026, 12, 31),
                overdue: false,
            },
            DigestItem {
                title: "Robot".into(),
                benefit: "Sagsbehandling".into(),
                period: "2025".into(),
                due: d(2025, 12, 31),
                overdue: true,
            },
        ];
        let digest = compose_digest("Lise Leder", &items, "http://x/aarshjul").unwrap();
        assert_eq!(
            digest.subject,
            "Gevinstopfølgning: 1 måling er overskredet, 1 måling forfalder snart"
        );
        let over = digest.body.find("Overskredet:\n- Robot: Sagsbehandling, 2025 (frist 31.12.2025)");
        let soon = digest.body.find("Forfalder snart:\n- Robot: Porto, 2026 (frist 31.12.2026)");
        assert!(over.unwrap() < soon.unwrap(), "{}", digest.body);
        assert!(digest.body.starts_with("Hej Lise Leder\n"));
        assert!(digest.body.contains("http://x/aarshjul"));
        assert!(compose_digest("X", &[], "").is_none());
    }

    #[test]
    fn weeks_and_retries() {
        assert_eq!(week_key(d(2027, 1, 1)), "2026-W53");
        assert_eq!(week_key(d(2026, 1, 5)), "2026-W02");
        let delays: Vec<i64> = (1..=6).map(retry_delay_minutes).collect();
        assert_eq!(delays, [1, 5, 15, 60, 360, 360]);
    }

    #[test]
    fn settings_hide_the_password() {
        let s = SmtpSettings {
            host: "smtp.example.dk".into(),
            port: 587,
            from: "gevinst@example.dk".into(),
            tls: SmtpTls::Starttls,
            credentials: Some(("gevinst".into(), "hemmelig".into())),
        };
        assert!(!format!("{s:?}").contains("hemmelig"));
        assert_eq!(s.masked_login().unwrap(), "gevinst (adgangskode skjult)");
        assert_eq!(SmtpTls::parse(" STARTTLS "), Some(SmtpTls::Starttls));
        assert_eq!(SmtpTls::parse("ssl"), None);
    }
}
