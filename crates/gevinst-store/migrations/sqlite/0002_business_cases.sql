-- gevinst: tenant settings and business cases (SQLite). Mirrored in
-- migrations/postgres/0002_business_cases.sql.

-- One row per tenant once an admin has saved the economic settings; until then the
-- defaults apply (version 0).
CREATE TABLE tenant_settings (
    tenant_id  INTEGER PRIMARY KEY REFERENCES tenants (id),
    economics  TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    updated_by INTEGER,
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- At most one business case per potential. `body` is the validated BusinessCase as JSON,
-- with every amount as a decimal string, so values read back exactly.
CREATE TABLE business_cases (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    potential_id INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    updated_by   INTEGER,
    UNIQUE (tenant_id, potential_id),
    FOREIGN KEY (tenant_id, potential_id) REFERENCES potentials (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);
