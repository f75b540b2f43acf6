-- Saved views of the potentials list ("Mine", "Besluttet i SSÆ" …): a user's named
-- choice of columns, filters and sort. `query` is the list's query string (the page
-- validates it again when the view is opened). Per user and tenant; each change is audited
-- with the entity kind 'list_view'.
CREATE TABLE list_views (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
    user_id    INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    query      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, user_id, name),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
