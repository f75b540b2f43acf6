-- Corrections and withdrawals of actuals (mirrored in ../postgres/0014_actual_versions.sql).
-- A correction is a new row whose `replaces` names the version it replaces; that version's
-- `superseded_by` then names the new one. Both rows stay (the audit log records both), but
-- only the current version (`superseded_by` NULL) that is not withdrawn counts as realised
-- or harvested. A withdrawal keeps the row with who, when and why (`withdrawn_*`).
ALTER TABLE actuals ADD COLUMN replaces INTEGER;
ALTER TABLE actuals ADD COLUMN superseded_by INTEGER;
ALTER TABLE actuals ADD COLUMN withdrawn_by INTEGER;
ALTER TABLE actuals ADD COLUMN withdrawn_at TEXT;
ALTER TABLE actuals ADD COLUMN withdrawal_reason TEXT NOT NULL DEFAULT '';
