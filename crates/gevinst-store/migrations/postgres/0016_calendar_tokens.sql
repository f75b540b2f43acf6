-- Per-user calendar feeds of the årshjul (mirrored in the other dialect's
-- 0016_calendar_tokens.sql). The feed's URL holds a random token; only its SHA-256 is
-- stored. A user has at most one feed: a new one replaces (deletes) the old, revoking
-- deletes it. Creating and revoking are audited on the user.
CREATE TABLE calendar_tokens (
    token_hash TEXT PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id),
    user_id    BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
