-- The audit log becomes tamper-evident: every entry names its actor and is a link in its
-- tenant's hash chain (gevinst_domain::audit_chain). Entries written before this
-- migration are chained by `gevinst migrate` right after it runs (the store's backfill).
ALTER TABLE audit_log ADD COLUMN actor TEXT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (tenant_id, seq);

-- New entries must be chained; entries written before this migration are chained by the
-- backfill (NOT VALID: existing rows are not checked now).
ALTER TABLE audit_log ADD CONSTRAINT audit_log_chained
    CHECK (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL) NOT VALID;

-- The head of each tenant's chain: the newest entry's seq and hash. Writers lock this row
-- in the transaction that appends the entry, so one tenant's chain never forks, and
-- verification compares it with the newest entry, so deleted newest entries show.
CREATE TABLE audit_chain (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    seq       BIGINT NOT NULL,
    hash      TEXT   NOT NULL
);

-- Updates are refused, except chaining an entry written before this migration without
-- changing anything else. An insert that would reuse an id (an upsert) is refused too.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) THEN
            RAISE EXCEPTION 'audit_log is append-only: an entry id cannot be reused';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND OLD.hash IS NULL
            AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
            AND (NEW.id, NEW.tenant_id, NEW.entity, NEW.entity_id, NEW.action, NEW.user_id,
                 NEW.at, NEW.changes, NEW.reason, NEW.actor)
                IS NOT DISTINCT FROM
                (OLD.id, OLD.tenant_id, OLD.entity, OLD.entity_id, OLD.action, OLD.user_id,
                 OLD.at, OLD.changes, OLD.reason, OLD.actor)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_reuse BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_chain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.seq >= OLD.seq AND NEW.tenant_id = OLD.tenant_id THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_chain only moves forward';
END;
$$;

CREATE TRIGGER audit_chain_forward BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_forward();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_forward();
