-- gevinst: programmes, benefit plans and actuals (SQLite). Mirrored in
-- migrations/postgres/0003_programmes.sql.

-- A programme with its targets, included potentials and distribution keys. `body` is the
-- validated Programme as JSON (amounts as decimal strings).
CREATE TABLE programmes (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- At most one benefits realisation plan per potential. `body` is the BenefitPlan as JSON.
CREATE TABLE benefit_plans (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    potential_id INTEGER NOT NULL,
    body         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   INTEGER,
    UNIQUE (tenant_id, potential_id),
    FOREIGN KEY (tenant_id, potential_id) REFERENCES potentials (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Actuals are appended, one row each, and only for a potential that has a plan.
-- `body` is the validated Actual as JSON.
CREATE TABLE actuals (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    potential_id INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, potential_id) REFERENCES benefit_plans (tenant_id, potential_id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX actuals_by_potential ON actuals (tenant_id, potential_id);

-- The tenant's probability per status for the programme forecast, once saved; until then
-- the defaults apply (version 0). `body` is the validated StatusProbabilities as JSON.
CREATE TABLE status_probabilities (
    tenant_id  INTEGER PRIMARY KEY REFERENCES tenants (id),
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER,
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);
