-- gevinst: state that several app servers on one database share (SQLite). Mirrored in
-- migrations/postgres/0007_shared_state.sql. SQLite serves one app server, but keeps the
-- same tables so that the store's code is one.

-- An import between its steps: the uploaded file and the user's choices so far, and the
-- state of its commit. Only its uploader (tenant and user) may see it; it expires, and
-- the oldest give way when a user or the whole table holds too many (see the store's
-- `put_import_upload`). `seq` orders uploads by age.
CREATE TABLE import_uploads (
    id          TEXT    PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    tenant_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    filename    TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    size        INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    sheet       TEXT,
    mapping     TEXT,
    choices     TEXT    NOT NULL,
    committing  INTEGER NOT NULL DEFAULT 0,
    progress    INTEGER NOT NULL DEFAULT 0,
    progress_at TEXT,
    failure     TEXT,
    outcome     TEXT,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX import_uploads_owner ON import_uploads (tenant_id, user_id, seq);
CREATE INDEX import_uploads_created ON import_uploads (created_at);

-- When each periodic job (e.g. the purge) last ran.
CREATE TABLE periodic_jobs (
    name        TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL
);

-- A counter per tenant that grows with every audit entry that changes data: the store's
-- `data_version`. SQLite runs one write transaction at a time, so the trigger may bump it
-- at once (PostgreSQL bumps it at commit).
CREATE TABLE data_versions (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id),
    version   INTEGER NOT NULL
);
INSERT INTO data_versions (tenant_id, version)
    SELECT tenant_id, MAX(id) FROM audit_log
    WHERE action NOT IN ('login', 'login_failed', 'lockout', 'logout', 'token_use', 'export')
    GROUP BY tenant_id;

CREATE TRIGGER audit_log_bumps_data_version AFTER INSERT ON audit_log
    WHEN NEW.action NOT IN ('login', 'login_failed', 'lockout', 'logout', 'token_use', 'export')
BEGIN
    INSERT INTO data_versions (tenant_id, version) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
