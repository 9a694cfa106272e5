ALTER TABLE loyalty_point_entries DROP CONSTRAINT loyalty_point_entries_reverses_check,
    ADD CONSTRAINT loyalty_point_entries_reverses_check CHECK (reverses IN ('earn', 'redeem'));
CREATE OR REPLACE FUNCTION patron_sequence_changes() RETURNS bigint LANGUAGE plpgsql AS $$
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
DROP TRIGGER offers_touch ON offers;
DROP FUNCTION offers_touch();
ALTER TABLE invoices DROP COLUMN grand_total_offer, DROP COLUMN grand_total_discount;
DROP TABLE invoice_offers;
DROP TABLE offer_revisions;
DROP TABLE offer_versions;
DROP TABLE offers;
DROP TABLE campaigns;
