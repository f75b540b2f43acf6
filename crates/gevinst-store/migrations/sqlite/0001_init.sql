-- gevinst: initial schema (SQLite). Mirrored in migrations/postgres/0001_init.sql.
-- Every table except tenants carries tenant_id; references between tenant-owned rows
-- are composite (tenant_id, id) foreign keys, so a row can never point into another tenant.

CREATE TABLE tenants (
    id      INTEGER PRIMARY KEY,
    slug    TEXT    NOT NULL UNIQUE,
    name    TEXT    NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    parent_id INTEGER,
    name      TEXT    NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX units_tenant_parent ON units (tenant_id, parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    email         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (tenant_id, email),
    UNIQUE (tenant_id, id)
);

CREATE TABLE user_units (
    tenant_id INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    unit_id   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, unit_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX user_units_unit ON user_units (tenant_id, unit_id);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    tenant_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    csrf_token TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL,
    at  TEXT    NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE fagomraader (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    name      TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
);

CREATE TABLE technologies (
    id        INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    name      TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
);

CREATE TABLE potentials (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL,
    fagomraade_id INTEGER,
    technology_id INTEGER,
    source        TEXT    NOT NULL,
    submitted_by  INTEGER,
    benefit_owner INTEGER,
    digital_agent INTEGER,
    tags          TEXT    NOT NULL DEFAULT '[]',
    search_text   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, fagomraade_id) REFERENCES fagomraader (tenant_id, id),
    FOREIGN KEY (tenant_id, technology_id) REFERENCES technologies (tenant_id, id),
    FOREIGN KEY (tenant_id, submitted_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, benefit_owner) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, digital_agent) REFERENCES users (tenant_id, id)
);
CREATE INDEX potentials_tenant_status ON potentials (tenant_id, status);
CREATE INDEX potentials_tenant_unit ON potentials (tenant_id, unit_id);
CREATE INDEX potentials_tenant_updated ON potentials (tenant_id, updated_at);
CREATE INDEX potentials_tenant_created ON potentials (tenant_id, created_at);
CREATE INDEX potentials_tenant_title ON potentials (tenant_id, title);
CREATE INDEX potentials_tenant_fagomraade ON potentials (tenant_id, fagomraade_id);
CREATE INDEX potentials_tenant_technology ON potentials (tenant_id, technology_id);

CREATE TABLE status_changes (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER NOT NULL,
    potential_id  INTEGER NOT NULL,
    from_status   TEXT    NOT NULL,
    to_status     TEXT    NOT NULL,
    reason        TEXT,
    user_id       INTEGER,
    at            TEXT    NOT NULL,
    FOREIGN KEY (tenant_id, potential_id) REFERENCES potentials (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX status_changes_potential ON status_changes (tenant_id, potential_id, id);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    entity    TEXT    NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT    NOT NULL,
    user_id   INTEGER,
    at        TEXT    NOT NULL,
    changes   TEXT    NOT NULL DEFAULT '[]',
    reason    TEXT,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX audit_log_entity ON audit_log (tenant_id, entity, entity_id, id);

-- The audit log is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
