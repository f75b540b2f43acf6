//! Login throttling: how many password guesses an attacker gets, without locking out the
//! account's owner.
//!
//! Every login attempt is counted under three keys *before* its password is checked, so
//! parallel attempts cannot slip past the limits (the store reserves the attempt first):
//!
//! - **the account and client pair** ([`ThrottleKeys::pair`]): the first
//!   [`FREE_PAIR_FAILURES`] failures cost nothing; after that each new attempt from the
//!   same client on the same account must wait twice as long as the one before
//!   ([`pair_delay`]: 2 s, 4 s, 8 s … up to the whole window). This is what slows a
//!   guesser down, and it does not touch the owner signing in from their own machine.
//! - **the account, from anywhere** ([`ThrottleKeys::account`]): at most
//!   [`MAX_ACCOUNT_FAILURES`] failures in the window, against guessing spread over many
//!   addresses (OWASP ASVS 2.2.1: at most 100 failed attempts an hour on one account).
//!   One client alone cannot reach it, since its pair delay lets it make fewer attempts.
//! - **the client, on any account** ([`ThrottleKeys::client`]): at most
//!   [`MAX_CLIENT_FAILURES`] failures in the window, against password spraying. Behind a
//!   reverse proxy the client is the address the proxy reports, when the proxy is trusted.
//!
//! A successful login takes back its own reservation and clears the pair; the account and
//! client counts run out with the window. A refused attempt is not counted.

use chrono::{DateTime, Duration, Utc};

/// The window over which failures are counted.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures of one account from one client before the progressive delay starts.
pub const FREE_PAIR_FAILURES: u32 = 3;
/// Failures of one account, from any client, within the window.
pub const MAX_ACCOUNT_FAILURES: u32 = 20;
/// Failures from one client, on any account, within the window.
pub const MAX_CLIENT_FAILURES: u32 = 100;

/// The keys one attempt is counted under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKeys {
    /// The account (tenant and e-mail) with the client's address.
    pub pair: String,
    /// The account (tenant and e-mail).
    pub account: String,
    /// The client's address, when known.
    pub client: Option<String>,
}

impl ThrottleKeys {
    /// The keys for an attempt on `email` in tenant `slug` from `client`. The slug and
    /// e-mail are compared trimmed and lower-cased, as the login compares them.
    pub fn new(slug: &str, email: &str, client: Option<&str>) -> Self {
        let account = format!(
            "account:{}:{}",
            slug.trim().to_lowercase(),
            email.trim().to_lowercase()
        );
        ThrottleKeys {
            pair: format!("pair:{}:{account}", client.unwrap_or("-")),
            client: client.map(|c| format!("client:{c}")),
            account,
        }
    }

    /// All keys, pair first.
    pub fn all(&self) -> Vec<String> {
        let mut keys = vec![self.pair.clone(), self.account.clone()];
        keys.extend(self.client.clone());
        keys
    }
}

/// The other attempts counted under one key within the window (not the one being
/// judged): failures, and attempts still being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyHistory {
    /// How many.
    pub count: u32,
    /// The oldest one's time.
    pub oldest: Option<DateTime<Utc>>,
    /// The newest one's time.
    pub newest: Option<DateTime<Utc>>,
}

/// Why an attempt is refused, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Seconds until an attempt from this client can be checked again (at least 1).
    pub retry_after_secs: u64,
}

/// The delay the pair must respect before its next attempt, after `failures` failures:
/// none for the first [`FREE_PAIR_FAILURES`], then 2 s, 4 s, 8 s … doubling, at most the
/// window.
pub fn pair_delay(failures: u32) -> Duration {
    if failures < FREE_PAIR_FAILURES {
        return Duration::zero();
    }
    let doublings = (failures - FREE_PAIR_FAILURES + 1).min(20);
    Duration::seconds(1i64 << doublings).min(Duration::minutes(WINDOW_MINUTES))
}

/// Judges an attempt at `now` from the attempts already counted under its keys.
pub fn judge(
    pair: KeyHistory,
    account: KeyHistory,
    client: Option<KeyHistory>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let window = Duration::minutes(WINDOW_MINUTES);
    let mut wait = Duration::zero();
    if let Some(last) = pair.newest {
        wait = wait.max(last + pair_delay(pair.count) - now);
    }
    for (history, limit) in [
        (Some(account), MAX_ACCOUNT_FAILURES),
        (client, MAX_CLIENT_FAILURES),
    ] {
        let Some(h) = history else { continue };
        if h.count >= limit {
            // Free again when the oldest counted attempt leaves the window.
            let oldest = h.oldest.unwrap_or(now);
            wait = wait.max((oldest + window - now).max(Duration::seconds(1)));
        }
    }
    if wait > Duration::zero() {
        let secs = u64::try_from(wait.num_seconds()).unwrap_or(0);
        let rounded_up = secs + u64::from(wait.subsec_nanos() > 0);
        Err(Refusal {
            retry_after_secs: rounded_up.max(1),
        })
    } else {
        Ok(())
    }
}

/// Whether the failure just recorded (with `pair` and `account` counting the earlier
/// ones) is the one that starts a delay or a lockout: the moment worth an audit entry,
/// written once rather than for every refused attempt after it.
pub fn failure_starts_lockout(pair: KeyHistory, account: KeyHistory) -> bool {
    pair.count + 1 == FREE_PAIR_FAILURES || account.count + 1 == MAX_ACCOUNT_FAILURES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + secs, 0).unwrap()
    }

    fn history(count: u32, oldest: i64, newest: i64) -> KeyHistory {
        KeyHistory {
            count,
            oldest: Some(t(oldest)),
            newest: Some(t(newest)),
        }
    }

    #[test]
    fn the_first_failures_are_free_then_the_delay_doubles() {
        assert_eq!(pair_delay(0), Duration::zero());
        assert_eq!(pair_delay(2), Duration::zero());
        assert_eq!(pair_delay(3), Duration::seconds(2));
        assert_eq!(pair_delay(4), Duration::seconds(4));
        assert_eq!(pair_delay(8), Duration::seconds(64));
        assert_eq!(pair_delay(30), Duration::minutes(WINDOW_MINUTES));
    }

    #[test]
    fn a_pair_waits_after_its_free_failures() {
        let none = KeyHistory::default();
        assert!(judge(history(2, 0, 1), history(2, 0, 1), None, t(1)).is_ok());
        // Three failures, the last one second ago: wait one more second.
        assert_eq!(
            judge(history(3, 0, 10), history(3, 0, 10), None, t(11)),
            Err(Refusal {
                retry_after_secs: 1
            })
        );
        assert!(judge(history(3, 0, 10), history(3, 0, 10), None, t(12)).is_ok());
        // Another client on the same account is not slowed by this pair.
        assert!(judge(none, history(3, 0, 10), None, t(11)).is_ok());
    }

    #[test]
    fn a_burst_from_one_pair_gets_its_free_attempts_only() {
        // 25 parallel attempts reserved at the same instant: each sees the others.
        let passed = (0..25)
            .filter(|&others| {
                judge(history(others, 0, 0), history(others, 0, 0), None, t(0)).is_ok()
            })
            .count();
        assert_eq!(passed as u32, FREE_PAIR_FAILURES);
    }

    #[test]
    fn the_account_and_client_limits_hold_until_the_window_moves() {
        let none = KeyHistory::default();
        let full = history(MAX_ACCOUNT_FAILURES, 100, 500);
        assert_eq!(
            judge(none, full, None, t(600)),
            Err(Refusal {
                retry_after_secs: 400
            })
        );
        let client = history(MAX_CLIENT_FAILURES, 0, 10);
        assert_eq!(
            judge(none, none, Some(client), t(60)),
            Err(Refusal {
                retry_after_secs: 840
            })
        );
        assert!(judge(none, history(MAX_ACCOUNT_FAILURES - 1, 0, 0), None, t(1)).is_ok());
    }

    #[test]
    fn keys_are_normalised_and_distinct_per_client() {
        let a = ThrottleKeys::new(" Eksempel ", "Anna@K.dk ", Some("10.0.0.1"));
        let b = ThrottleKeys::new("eksempel", "anna@k.dk", Some("10.0.0.2"));
        assert_eq!(a.account, b.account);
        assert_ne!(a.pair, b.pair);
        assert_eq!(a.all().len(), 3);
        assert_eq!(ThrottleKeys::new("x", "y", None).all().len(), 2);
    }

    #[test]
    fn lockout_is_audited_once() {
        let starts: Vec<u32> = (0..30)
            .filter(|&n| failure_starts_lockout(history(n, 0, 0), history(n, 0, 0)))
            .collect();
        assert_eq!(starts, [FREE_PAIR_FAILURES - 1, MAX_ACCOUNT_FAILURES - 1]);
    }
}
