DELETE FROM imports WHERE kind = 'loyalty_opening';
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('customers', 'items'));
DROP INDEX loyalty_entries_program_expiry_idx;
