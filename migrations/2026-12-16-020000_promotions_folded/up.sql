-- What a sale's offers and coupons brought in is worked out by the fold, many sales at once,
-- instead of inside each sale: the sale notes its invoice in `unfolded_promotions` (one row,
-- no index), and `fold_promotions` (run by the fold, every 2 s and before any report reads)
-- adds the noted invoices to the offers' and coupons' days in one `add_invoice_promotions`
-- call. A coupon sale spent 0.52 ms in that call (bench/RESULTS.md, "Promotions folded").
-- A cancel whose sale is still noted takes the note away (nothing was added); otherwise it
-- takes the sale's figures off at once, as before.
CREATE TABLE unfolded_promotions (
    invoice_id bigint NOT NULL,
    slot smallint NOT NULL
-- Emptied every few seconds: vacuumed by count, not by share, so its pages are reused.
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

-- Adds every noted sale's offers and coupons to their days, and counts the referral coupons
-- they used again; returns how many sales.
CREATE FUNCTION fold_promotions() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_invoices bigint[];
    v_slots smallint[];
BEGIN
    WITH taken AS MATERIALIZED (DELETE FROM unfolded_promotions RETURNING *)
    SELECT array_agg(invoice_id), array_agg(slot) INTO v_invoices, v_slots FROM taken;
    IF v_invoices IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM add_invoice_promotions(v_invoices, v_slots, 1);
    PERFORM refresh_referral_coupons(id) FROM unnest(v_invoices) AS id;
    RETURN cardinality(v_invoices);
END $$;

-- As migration `days_appended` made it, with the sale's promotions noted for the fold.
CREATE OR REPLACE FUNCTION add_invoice_rollups(
    p_invoice bigint, p_slot smallint, p_company bigint, p_day date, p_customer bigint,
    p_store bigint, p_sales_person bigint, p_label text,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric, p_delivery numeric,
    p_lifetime boolean, p_promotions boolean
) RETURNS integer LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    INSERT INTO unfolded_days
        (company_id, day, customer_id, store_id, sales_person_id, label, sales, returns,
         net_sales, discount, delivery)
    VALUES (p_company, p_day, p_customer, p_store, p_sales_person, p_label, p_sales, p_returns,
            p_net, p_discount, p_delivery);
    IF p_lifetime THEN
        INSERT INTO customer_purchase_queue (company_id, customer_id, month, invoice_id)
        VALUES (p_company, p_customer, date_trunc('month', p_day)::date,
                CASE WHEN p_sales + p_returns > 0 THEN p_invoice END);
    END IF;
    IF p_promotions THEN
        IF p_sales + p_returns > 0 THEN
            INSERT INTO unfolded_promotions (invoice_id, slot) VALUES (p_invoice, p_slot);
        ELSE
            -- A cancel. A fold taking the sale's note right now holds it until it commits;
            -- then the note is gone and its figures are in, so they are taken off here.
            DELETE FROM unfolded_promotions WHERE invoice_id = p_invoice;
            IF NOT FOUND THEN
                PERFORM add_invoice_promotions(ARRAY[p_invoice], ARRAY[p_slot], -1);
            END IF;
            PERFORM refresh_referral_coupons(p_invoice);
        END IF;
    END IF;
    RETURN p_sales + p_returns;
END $$;

-- As migration `days_appended` made it, folding the promotions too.
CREATE OR REPLACE FUNCTION fold_customer_purchases() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_companies bigint[];
    v_customers bigint[];
    v_months date[];
    v_whole_companies bigint[];
    v_whole_customers bigint[];
    v_invoices bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(7306, 0);
    PERFORM fold_days();
    PERFORM fold_promotions();
    WITH taken AS MATERIALIZED (DELETE FROM customer_purchase_queue RETURNING *),
    noted AS (SELECT DISTINCT company_id, customer_id, month FROM taken),
    whole AS (SELECT DISTINCT company_id, customer_id FROM taken WHERE invoice_id IS NULL)
    SELECT (SELECT array_agg(company_id) FROM noted), (SELECT array_agg(customer_id) FROM noted),
           (SELECT array_agg(month) FROM noted),
           (SELECT array_agg(company_id) FROM whole), (SELECT array_agg(customer_id) FROM whole),
           (SELECT array_agg(DISTINCT invoice_id) FROM taken WHERE invoice_id IS NOT NULL)
    INTO v_companies, v_customers, v_months, v_whole_companies, v_whole_customers, v_invoices;
    IF v_customers IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM refold_customer_figures(v_companies, v_customers, v_months);
    PERFORM refold_customer_facts(v_companies, v_customers);
    IF v_whole_customers IS NOT NULL THEN
        PERFORM refold_customer_goods(v_whole_companies, v_whole_customers);
    END IF;
    IF v_invoices IS NOT NULL THEN
        PERFORM add_customer_goods(v_invoices);
    END IF;
    RETURN cardinality(v_customers);
END $$;
