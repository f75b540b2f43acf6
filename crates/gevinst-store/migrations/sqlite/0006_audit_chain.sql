-- The audit log becomes tamper-evident: every entry names its actor and is a link in its
-- tenant's hash chain (gevinst_domain::audit_chain). Entries written before this
-- migration are chained by `gevinst migrate` right after it runs (the store's backfill).
ALTER TABLE audit_log ADD COLUMN actor TEXT;
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (tenant_id, seq);

-- The head of each tenant's chain: the newest entry's seq and hash. Writers update it in
-- the transaction that appends the entry (SQLite's BEGIN IMMEDIATE serialises them), and
-- verification compares it with the newest entry, so deleted newest entries show.
CREATE TABLE audit_chain (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id),
    seq       INTEGER NOT NULL,
    hash      TEXT    NOT NULL
);

-- REPLACE INTO, INSERT OR REPLACE and upserts delete or update through an insert; the
-- delete of REPLACE fires no delete trigger. So an insert may never reuse an id, and every
-- new entry must be chained.
CREATE TRIGGER audit_log_no_reuse BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: an entry id cannot be reused');
END;

CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_log entries must be chained (seq, prev_hash, hash)');
END;

-- The only update ever allowed: chaining an entry written before this migration, without
-- changing anything else.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.seq IS NULL AND OLD.hash IS NULL
    AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.tenant_id IS OLD.tenant_id AND NEW.entity IS OLD.entity
    AND NEW.entity_id IS OLD.entity_id AND NEW.action IS OLD.action
    AND NEW.user_id IS OLD.user_id AND NEW.at IS OLD.at AND NEW.changes IS OLD.changes
    AND NEW.reason IS OLD.reason AND NEW.actor IS OLD.actor
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The chain head only moves forward and is never removed.
CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
WHEN NEW.seq < OLD.seq OR NEW.tenant_id IS NOT OLD.tenant_id
BEGIN
    SELECT RAISE(ABORT, 'audit_chain only moves forward');
END;

CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain rows cannot be deleted');
END;
