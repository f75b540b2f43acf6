-- Credentials hardening (mirrored in migrations/sqlite/0008_credentials.sql).
--
-- login_failures: an attempt is recorded under its keys *before* the password is checked,
-- tagged with a random attempt id, so that parallel attempts see each other and a
-- successful one can take back exactly its own rows.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures (attempt);

-- Sessions end after an idle period as well as at their absolute expiry. Sessions from
-- before this migration have no last activity and end now.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;

-- API tokens may expire, and remember the client address they were last used from (a use
-- from a new address is audited).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_from TEXT;
