-- A credit expires once for the expiry task (invoice NULL), and once more for each cancelled
-- invoice that gives points back to it after it lapsed: those points are dead on arrival, and
-- the expire entry beside the reversal keeps the ledger's running total true.
DROP INDEX loyalty_entries_expire_key;
CREATE UNIQUE INDEX loyalty_entries_expire_key
    ON loyalty_point_entries (against_entry_id, invoice_id) NULLS NOT DISTINCT WHERE kind = 'expire';
