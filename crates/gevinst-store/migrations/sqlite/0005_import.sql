-- gevinst: saved import column mappings (SQLite). Mirrored in
-- migrations/postgres/0005_import.sql.

-- A column mapping the user saved under a name, to reuse with the next file. `body` is
-- the mapping as JSON (gevinst_sheets::import::Mapping::to_json).
CREATE TABLE import_mappings (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    name       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    updated_by INTEGER,
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);
