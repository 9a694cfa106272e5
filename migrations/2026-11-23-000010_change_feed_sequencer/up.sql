-- The change feed's order. A sequence value taken while writing is not enough: a transaction that
-- took 10 may commit after one that took 11, and a till that had already read up to 11 would never
-- see 10. So a write leaves change_seq empty ("pending"), and one sequencer at a time numbers the
-- committed pending rows. Numbers then become visible in order: whatever a till reads is a prefix
-- of the feed, and its cursor never skips a change.
ALTER TABLE customers ALTER COLUMN change_seq DROP DEFAULT, ALTER COLUMN change_seq DROP NOT NULL;
CREATE INDEX customers_change_pending_idx ON customers (id) WHERE change_seq IS NULL;
ALTER TABLE items ALTER COLUMN change_seq DROP DEFAULT, ALTER COLUMN change_seq DROP NOT NULL;
CREATE INDEX items_change_pending_idx ON items (id) WHERE change_seq IS NULL;

-- Any change a person or a till makes puts the customer back in the queue; the sequencer's own
-- update (which sets change_seq) is left alone.
CREATE OR REPLACE FUNCTION customers_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq THEN
        NEW.change_seq := NULL;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION items_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq THEN
        NEW.change_seq := NULL;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- Numbers the pending rows of every synced table; returns how many, or -1 when another run holds
-- the sequencer (its numbers will be visible once it commits). Rows locked by a transaction still
-- writing them are skipped: they are numbered by a later run, after that transaction ends.
CREATE FUNCTION patron_sequence_changes() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    customers_numbered bigint;
    items_numbered bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7303, 0) THEN
        RETURN -1;
    END IF;
    WITH pending AS (
        SELECT id FROM customers WHERE change_seq IS NULL ORDER BY id FOR UPDATE SKIP LOCKED
    )
    UPDATE customers c SET change_seq = nextval('sync_change_seq')
    FROM pending WHERE c.id = pending.id;
    GET DIAGNOSTICS customers_numbered = ROW_COUNT;
    WITH pending AS (
        SELECT id FROM items WHERE change_seq IS NULL ORDER BY id FOR UPDATE SKIP LOCKED
    )
    UPDATE items i SET change_seq = nextval('sync_change_seq')
    FROM pending WHERE i.id = pending.id;
    GET DIAGNOSTICS items_numbered = ROW_COUNT;
    RETURN customers_numbered + items_numbered;
END
$$;
