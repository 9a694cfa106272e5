DROP FUNCTION patron_sequence_changes();
CREATE OR REPLACE FUNCTION customers_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('sync_change_seq');
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION items_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('sync_change_seq');
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
DROP INDEX items_change_pending_idx;
UPDATE items SET change_seq = nextval('sync_change_seq') WHERE change_seq IS NULL;
ALTER TABLE items ALTER COLUMN change_seq SET DEFAULT nextval('sync_change_seq'),
    ALTER COLUMN change_seq SET NOT NULL;
DROP INDEX customers_change_pending_idx;
UPDATE customers SET change_seq = nextval('sync_change_seq') WHERE change_seq IS NULL;
ALTER TABLE customers ALTER COLUMN change_seq SET DEFAULT nextval('sync_change_seq'),
    ALTER COLUMN change_seq SET NOT NULL;
