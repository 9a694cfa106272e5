-- The noted promotions folded, and the functions as migration `days_appended` left them.
SELECT fold_promotions();

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
        PERFORM add_invoice_promotions(ARRAY[p_invoice], ARRAY[p_slot],
                                       sign(p_sales + p_returns)::int);
        -- The registrations' used reward coupons, counted again; their purchases and revenue
        -- come with the fold.
        PERFORM refresh_referral_coupons(p_invoice);
    END IF;
    RETURN p_sales + p_returns;
END $$;

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

DROP FUNCTION fold_promotions();
DROP TABLE unfolded_promotions;
