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
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
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

/// One all-day event of a calendar feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Globally unique and stable for the same measurement (calendar clients update by it).
    pub uid: String,
    /// The day.
    pub date: NaiveDate,
    /// The title.
    pub summary: String,
    /// More text.
    pub description: String,
}

/// A calendar feed (RFC 5545): CRLF line ends, lines folded at 75 octets, text escaped,
/// every event with `UID` and `DTSTAMP` (`stamp`, UTC).
pub fn ical_calendar(
    name: &str,
    events: &[CalendarEvent],
    stamp: chrono::DateTime<chrono::Utc>,
) -> String {
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//gevinst//Årshjul//DA".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", ical_escape(name)),
    ];
    for e in events {
        let next = e.date.succ_opt().unwrap_or(e.date);
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", ical_escape(&e.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            format!("SUMMARY:{}", ical_escape(&e.summary)),
            format!("DESCRIPTION:{}", ical_escape(&e.description)),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for l in lines {
        out.push_str(&fold(&l));
        out.push_str("\r\n");
    }
    out
}

/// Escapes TEXT (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks.
fn ical_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line so that no line is longer than 75 octets (RFC 5545 3.1): CRLF and a
/// space before each continuation, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut len = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        // The first line holds 75 octets, each continuation 74 after its leading space.
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_is_rfc_5545() {
        let events = [CalendarEvent {
            uid: "m-1-2-2025@gevinst".into(),
            date: d(2025, 12, 31),
            summary: "Måling: Robot, Porto; 2025".into(),
            description: "Frist 31.12.2025\nRegistrér i årshjulet: ".to_owned() + &"x".repeat(80),
        }];
        let stamp = "2026-12-03T10:00:00Z".parse().unwrap();
        let ics = ical_calendar("Årshjul, Lise", &events, stamp);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(ics.contains("X-WR-CALNAME:Årshjul\\, Lise\r\n"));
        assert!(ics.contains("UID:m-1-2-2025@gevinst\r\n"));
        assert!(ics.contains("DTSTAMP:20261203T100000Z\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20251231\r\nDTEND;VALUE=DATE:20260101\r\n"));
        assert!(ics.contains("SUMMARY:Måling: Robot\\, Porto\\; 2025\r\n"));
        // Unfolded, the description is intact.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!(
            "DESCRIPTION:Frist 31.12.2025\\nRegistrér i årshjulet: {}\r\n",
            "x".repeat(80)
        )));
        // Folding never splits a character.
        let long = "æ".repeat(60);
        for part in fold(&long).split("\r\n") {
            assert!(part.len() <= 75);
        }
        assert_eq!(fold(&long).replace("\r\n ", ""), long);
    }

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
        let over = digest
            .body
            .find("Overskredet:\n- Robot: Sagsbehandling, 2025 (frist 31.12.2025)");
        let soon = digest
            .body
            .find("Forfalder snart:\n- Robot: Porto, 2026 (frist 31.12.2026)");
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
