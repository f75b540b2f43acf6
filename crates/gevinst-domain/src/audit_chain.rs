//! The audit log's hash chain: each tenant's entries are numbered 1, 2, 3, … (`seq`), and
//! every entry stores the hash of the entry before it (`prev_hash`) and its own `hash`:
//!
//! ```text
//! hash = hex(SHA-256(prev_hash ‖ "\n" ‖ canonical(entry)))
//! ```
//!
//! The first entry's `prev_hash` is [`GENESIS`]. Changing, deleting or re-ordering any
//! entry breaks the chain at that entry (or at the next one), which [`ChainVerifier`]
//! finds and names.
//!
//! The canonical encoding is a JSON array with a version tag and the entry's fields in a
//! fixed order; objects inside the changes have their keys sorted at every level, so the
//! encoding does not depend on how a database stores JSON (PostgreSQL's JSONB re-orders
//! keys). Times are written in UTC with exactly six decimals (microseconds, the precision
//! both databases keep).
//!
//! ```
//! use gevinst_domain::audit_chain::{entry_hash, ChainFields, GENESIS};
//! let e = ChainFields {
//!     tenant_id: 1,
//!     seq: 1,
//!     entity: "potential".into(),
//!     entity_id: 7,
//!     action: "create".into(),
//!     user_id: Some(3),
//!     actor: None,
//!     at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap(),
//!     changes: serde_json::json!([{"field": "title", "before": null, "after": "A"}]),
//!     reason: None,
//! };
//! let h = entry_hash(GENESIS, &e);
//! assert_eq!(h.len(), 64);
//! assert_eq!(h, entry_hash(GENESIS, &e.clone()));
//! ```

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a tenant's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The version tag at the start of every canonical encoding.
const FORMAT: &str = "gevinst-audit-v1";

/// The fields of an audit entry that its hash covers, as stored (entity and action as
/// their stored names, so an entry with an unknown name can still be checked).
#[derive(Debug, Clone, PartialEq)]
pub struct ChainFields {
    /// Tenant id.
    pub tenant_id: i64,
    /// Position in the tenant's chain, from 1.
    pub seq: i64,
    /// Stored entity name ([`crate::EntityKind::as_str`]).
    pub entity: String,
    /// Record id.
    pub entity_id: i64,
    /// Stored action name ([`crate::AuditAction::as_str`]).
    pub action: String,
    /// Acting tenant user, if any.
    pub user_id: Option<i64>,
    /// Acting operator or system (`cli:root@host`, `system:demo`), if not a user.
    pub actor: Option<String>,
    /// When (hashed at microsecond precision).
    pub at: DateTime<Utc>,
    /// The changes as JSON (hashed with sorted object keys).
    pub changes: Value,
    /// Reason, if any.
    pub reason: Option<String>,
}

/// `value` as compact JSON with the keys of every object sorted (by their UTF-8 bytes).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The canonical encoding of an entry (see the module documentation).
pub fn canonical(e: &ChainFields) -> String {
    let at = e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let fields = serde_json::json!([
        FORMAT,
        e.tenant_id,
        e.seq,
        e.entity,
        e.entity_id,
        e.action,
        e.user_id,
        e.actor,
        at,
        e.changes,
        e.reason,
    ]);
    canonical_json(&fields)
}

/// The hash of an entry whose predecessor has the hash `prev_hash` (lower-case hex).
pub fn entry_hash(prev_hash: &str, e: &ChainFields) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical(e).as_bytes());
    hex::encode(h.finalize())
}

/// An entry as read back for verification.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLink {
    /// Row id.
    pub id: i64,
    /// The hashed fields (with the stored `seq`).
    pub fields: ChainFields,
    /// Stored `prev_hash`.
    pub prev_hash: String,
    /// Stored `hash`.
    pub hash: String,
}

/// What is wrong at the first broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainProblem {
    /// The entry's content no longer matches its hash: it was changed after it was written.
    Altered,
    /// Entries are missing before this one: the chain jumps from `expected` to this seq.
    Missing {
        /// The seq that should have come next.
        expected: i64,
    },
    /// The entry's `prev_hash` is not the hash of the entry before it: it was re-linked,
    /// or the entry before it was changed and re-hashed.
    Relinked,
    /// The entry has no place in the chain (no seq or hash).
    Unchained,
    /// The newest entries are missing: the chain head records `head_seq` entries.
    Truncated {
        /// The seq the tenant's chain head records.
        head_seq: i64,
    },
}

impl ChainProblem {
    /// A short English explanation (for the command line).
    pub fn describe(&self) -> String {
        match self {
            ChainProblem::Altered => "altered: its content does not match its hash".into(),
            ChainProblem::Missing { expected } => {
                format!("missing entry: expected seq {expected} before it")
            }
            ChainProblem::Relinked => {
                "re-linked: its prev_hash is not the hash of the entry before it".into()
            }
            ChainProblem::Unchained => "unchained: it has no seq or hash".into(),
            ChainProblem::Truncated { head_seq } => {
                format!("missing entries at the end: the chain head records seq {head_seq}")
            }
        }
    }

    /// A Danish explanation (for the admin page).
    pub fn describe_da(&self) -> String {
        match self {
            ChainProblem::Altered => "posten er ændret, efter den blev skrevet".into(),
            ChainProblem::Missing { expected } => {
                format!("der mangler poster før den (nr. {expected} burde komme først)")
            }
            ChainProblem::Relinked => {
                "posten peger ikke på den forrige post (den er flyttet, eller den forrige er ændret)"
                    .into()
            }
            ChainProblem::Unchained => "posten er ikke en del af kæden".into(),
            ChainProblem::Truncated { head_seq } => {
                format!("de nyeste poster mangler (kæden har registreret {head_seq} poster)")
            }
        }
    }
}

/// The first broken link of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainBreak {
    /// The entry's row id (0 when the break is after the last entry).
    pub id: i64,
    /// Its seq, if it has one.
    pub seq: Option<i64>,
    /// What is wrong.
    pub problem: ChainProblem,
}

/// The result of checking one tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    /// Entries checked (up to the first broken link).
    pub entries: u64,
    /// The hash of the last good entry ([`GENESIS`] for an empty chain).
    pub head_hash: String,
    /// The first broken link, if any.
    pub broken: Option<ChainBreak>,
}

impl ChainReport {
    /// Whether the chain is unbroken.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Walks a tenant's chain in seq order and stops at the first broken link.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
    entries: u64,
    broken: Option<ChainBreak>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    /// An empty chain.
    pub fn new() -> Self {
        ChainVerifier {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
            entries: 0,
            broken: None,
        }
    }

    /// Checks the next entry (in seq order). Returns `false` once the chain is broken;
    /// further entries are then ignored.
    pub fn push(&mut self, link: &StoredLink) -> bool {
        if self.broken.is_some() {
            return false;
        }
        let seq = link.fields.seq;
        let problem = if seq != self.next_seq {
            Some(ChainProblem::Missing {
                expected: self.next_seq,
            })
        } else if entry_hash(&link.prev_hash, &link.fields) != link.hash {
            Some(ChainProblem::Altered)
        } else if link.prev_hash != self.prev_hash {
            Some(ChainProblem::Relinked)
        } else {
            None
        };
        match problem {
            Some(problem) => {
                self.broken = Some(ChainBreak {
                    id: link.id,
                    seq: Some(seq),
                    problem,
                });
                false
            }
            None => {
                self.entries += 1;
                self.next_seq += 1;
                self.prev_hash.clone_from(&link.hash);
                true
            }
        }
    }

    /// Records an entry that has no place in the chain (no seq or hash), if the chain is
    /// not already broken.
    pub fn unchained(&mut self, id: i64) {
        if self.broken.is_none() {
            self.broken = Some(ChainBreak {
                id,
                seq: None,
                problem: ChainProblem::Unchained,
            });
        }
    }

    /// Whether a broken link has been found.
    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// The seq the next entry must have.
    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }

    /// Finishes the walk. `head_seq` is the seq the tenant's chain head records (the
    /// newest entry written), which reveals deleted entries at the end.
    pub fn finish(mut self, head_seq: Option<i64>) -> ChainReport {
        if let Some(head_seq) = head_seq {
            if self.broken.is_none() && head_seq >= self.next_seq {
                self.broken = Some(ChainBreak {
                    id: 0,
                    seq: Some(self.next_seq),
                    problem: ChainProblem::Truncated { head_seq },
                });
            }
        }
        ChainReport {
            entries: self.entries,
            head_hash: self.prev_hash,
            broken: self.broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(seq: i64, title: &str) -> ChainFields {
        ChainFields {
            tenant_id: 1,
            seq,
            entity: "potential".into(),
            entity_id: 7,
            action: "update".into(),
            user_id: None,
            actor: Some("cli:root@host".into()),
            at: DateTime::from_timestamp(1_700_000_000, 5_000).unwrap(),
            changes: json!([{"field": "title", "before": "x", "after": title}]),
            reason: None,
        }
    }

    fn chain(n: i64) -> Vec<StoredLink> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let f = fields(seq, &format!("t{seq}"));
                let hash = entry_hash(&prev, &f);
                let link = StoredLink {
                    id: seq * 10,
                    fields: f,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                link
            })
            .collect()
    }

    fn verify(links: &[StoredLink], head: Option<i64>) -> ChainReport {
        let mut v = ChainVerifier::new();
        for l in links {
            v.push(l);
        }
        v.finish(head)
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"d": [1, {"z": 1, "y": 2}], "c": null}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}"#
        );
        // Key order as PostgreSQL's JSONB returns it (shorter keys first) hashes the same.
        let pg: Value =
            serde_json::from_str(r#"{"b":1,"a":{"c":null,"d":[1,{"z":1,"y":2}]}}"#).unwrap();
        assert_eq!(canonical_json(&pg), canonical_json(&a));
    }

    #[test]
    fn canonical_encoding_keeps_microseconds_and_every_field() {
        let f = fields(3, "A");
        let c = canonical(&f);
        assert!(c.starts_with(r#"["gevinst-audit-v1",1,3,"potential",7,"update",null,"cli:root@host","2023-11-14T22:13:20.000005Z",[{"#), "{c}");
        let mut other = f.clone();
        other.actor = Some("cli:root@other".into());
        assert_ne!(entry_hash(GENESIS, &f), entry_hash(GENESIS, &other));
        let mut other = f.clone();
        other.at = DateTime::from_timestamp(1_700_000_000, 6_000).unwrap();
        assert_ne!(entry_hash(GENESIS, &f), entry_hash(GENESIS, &other));
        assert_ne!(entry_hash(GENESIS, &f), entry_hash(&"1".repeat(64), &f));
    }

    #[test]
    fn an_intact_chain_verifies() {
        let links = chain(5);
        let r = verify(&links, Some(5));
        assert!(r.is_intact());
        assert_eq!(r.entries, 5);
        assert_eq!(r.head_hash, links[4].hash);
        let empty = verify(&[], None);
        assert!(empty.is_intact());
        assert_eq!(empty.head_hash, GENESIS);
    }

    #[test]
    fn an_altered_entry_is_named() {
        let mut links = chain(5);
        links[2].fields.changes = json!([{"field": "title", "before": "x", "after": "forged"}]);
        let r = verify(&links, Some(5));
        assert_eq!(
            r.broken,
            Some(ChainBreak {
                id: 30,
                seq: Some(3),
                problem: ChainProblem::Altered
            })
        );
        assert_eq!(r.entries, 2);
    }

    #[test]
    fn an_altered_and_rehashed_entry_breaks_the_next_link() {
        let mut links = chain(5);
        links[2].fields.reason = Some("forged".into());
        links[2].hash = entry_hash(&links[2].prev_hash, &links[2].fields);
        let r = verify(&links, Some(5));
        assert_eq!(r.broken.unwrap().problem, ChainProblem::Relinked);
    }

    #[test]
    fn a_deleted_entry_is_a_gap() {
        let mut links = chain(5);
        links.remove(1);
        let r = verify(&links, Some(5));
        let b = r.broken.unwrap();
        assert_eq!((b.id, b.seq), (30, Some(3)));
        assert_eq!(b.problem, ChainProblem::Missing { expected: 2 });
    }

    #[test]
    fn deleted_newest_entries_are_found_through_the_head() {
        let links = chain(5);
        let r = verify(&links[..3], Some(5));
        assert_eq!(
            r.broken.unwrap().problem,
            ChainProblem::Truncated { head_seq: 5 }
        );
    }

    #[test]
    fn an_unchained_entry_is_reported_once() {
        let mut v = ChainVerifier::new();
        for l in chain(2) {
            v.push(&l);
        }
        v.unchained(99);
        v.unchained(100);
        let r = v.finish(Some(2));
        assert_eq!(r.broken.unwrap().id, 99);
        assert!(!ChainProblem::Unchained.describe().is_empty());
        assert!(!ChainProblem::Unchained.describe_da().is_empty());
    }
}
