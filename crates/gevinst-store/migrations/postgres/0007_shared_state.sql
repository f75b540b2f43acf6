-- gevinst: state that several app servers on one database share (PostgreSQL). Mirrored
-- in migrations/sqlite/0007_shared_state.sql.

-- An import between its steps: the uploaded file and the user's choices so far, and the
-- state of its commit. Only its uploader (tenant and user) may see it; it expires, and
-- the oldest give way when a user or the whole table holds too many (see the store's
-- `put_import_upload`). `seq` orders uploads by age.
CREATE TABLE import_uploads (
    id          TEXT        PRIMARY KEY,
    seq         BIGINT      NOT NULL UNIQUE,
    tenant_id   BIGINT      NOT NULL,
    user_id     BIGINT      NOT NULL,
    filename    TEXT        NOT NULL,
    body        BYTEA       NOT NULL,
    size        BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sheet       TEXT,
    mapping     TEXT,
    choices     TEXT        NOT NULL,
    committing  BOOLEAN     NOT NULL DEFAULT FALSE,
    progress    BIGINT      NOT NULL DEFAULT 0,
    progress_at TIMESTAMPTZ,
    failure     TEXT,
    outcome     TEXT,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX import_uploads_owner ON import_uploads (tenant_id, user_id, seq);
CREATE INDEX import_uploads_created ON import_uploads (created_at);

-- When each periodic job (e.g. the purge) last ran, on any instance.
CREATE TABLE periodic_jobs (
    name        TEXT        PRIMARY KEY,
    last_run_at TIMESTAMPTZ NOT NULL
);

-- A counter per tenant that grows with every audit entry that changes data: the store's
-- `data_version`. The newest audit id is not enough on PostgreSQL: identity values are
-- handed out when a row is inserted but become visible when its transaction commits, so
-- a transaction holding a lower id can commit after one holding a higher id and leave the
-- highest id unchanged. The counter is bumped by a deferred trigger, that is at commit,
-- under the counter row's lock: a reader that sees the new number also sees the data.
CREATE TABLE data_versions (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id),
    version   BIGINT NOT NULL
);
INSERT INTO data_versions (tenant_id, version)
    SELECT tenant_id, MAX(id) FROM audit_log
    WHERE action NOT IN ('login', 'login_failed', 'lockout', 'logout', 'token_use', 'export')
    GROUP BY tenant_id;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO data_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = data_versions.version + 1;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER audit_log_bumps_data_version AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.action NOT IN ('login', 'login_failed', 'lockout', 'logout', 'token_use', 'export'))
    EXECUTE FUNCTION bump_data_version();
