DROP INDEX loyalty_entries_expire_key;
CREATE UNIQUE INDEX loyalty_entries_expire_key
    ON loyalty_point_entries (against_entry_id) WHERE kind = 'expire';
