-- Separation of duties: a flagged actual waits for a second person's approval.
-- `approval` is the ApprovalState ('not_required', 'pending', 'approved', 'rejected');
-- it is the authority, the copy in `body` is what was recorded. `decided_by`/`decided_at`
-- say who approved or rejected it and when (the audit log has the same), `decision_note`
-- why.
ALTER TABLE actuals ADD COLUMN approval TEXT NOT NULL DEFAULT 'not_required';
ALTER TABLE actuals ADD COLUMN decided_by BIGINT;
ALTER TABLE actuals ADD COLUMN decided_at TIMESTAMPTZ;
ALTER TABLE actuals ADD COLUMN decision_note TEXT NOT NULL DEFAULT '';
ALTER TABLE actuals ADD CONSTRAINT actuals_decided_by_fkey
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id);
CREATE INDEX actuals_by_approval ON actuals (tenant_id, approval);
