-- The weekly e-mail digests of due and overdue measurements (mirrored in the other
-- dialect's 0015_reminder_digests.sql). One row per user and ISO week (`week`, e.g.
-- 2026-W49): the unique key is how two app instances on one database send each digest
-- once. An instance claims a row by inserting it (state 'sending', with a lease), or by
-- taking over a 'failed' row whose next attempt is due or a 'sending' row whose lease ran
-- out; it then sets 'sent' or 'failed' with the error and the next attempt (backoff).
CREATE TABLE reminder_digests (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    user_id         INTEGER NOT NULL,
    week            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    claimed_by      TEXT NOT NULL,
    lease_until     TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TEXT,
    sent_at         TEXT,
    UNIQUE (tenant_id, user_id, week),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX reminder_digests_by_state ON reminder_digests (tenant_id, state);
