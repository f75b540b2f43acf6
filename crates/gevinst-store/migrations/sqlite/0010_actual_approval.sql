-- Separation of duties: a flagged actual waits for a second person's approval.
-- `approval` is the ApprovalState ('not_required', 'pending', 'approved', 'rejected');
-- it is the authority, the copy in `body` is what was recorded. `decided_by`/`decided_at`
-- say who approved or rejected it and when (the audit log has the same), `decision_note`
-- why. SQLite cannot add a composite foreign key to an existing table; the application
-- only writes the acting user of the same tenant, and PostgreSQL enforces it.
ALTER TABLE actuals ADD COLUMN approval TEXT NOT NULL DEFAULT 'not_required';
ALTER TABLE actuals ADD COLUMN decided_by INTEGER;
ALTER TABLE actuals ADD COLUMN decided_at TEXT;
ALTER TABLE actuals ADD COLUMN decision_note TEXT NOT NULL DEFAULT '';
CREATE INDEX actuals_by_approval ON actuals (tenant_id, approval);
