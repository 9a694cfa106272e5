-- Loyalty reports. The liability report sums, per program, the points of entries that have not
-- expired (expiry_date NULL or from today on); the expiring report sums, per program, entries
-- whose expiry_date falls in the next 90 days, draws included (they carry their credit's expiry
-- date). Both read one program's range of this index, and the index alone: expired entries are
-- skipped by the range, never read.
CREATE INDEX loyalty_entries_program_expiry_idx ON loyalty_point_entries (program_id, expiry_date)
    INCLUDE (points);

-- Opening balances arrive through the shared CSV import.
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('customers', 'items', 'loyalty_opening'));
