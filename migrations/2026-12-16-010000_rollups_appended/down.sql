-- What was appended folded, the views dropped, the tables named back, and the functions as
-- migrations `goods_from_the_sale` and `fold_customer_purchases` left them.
SELECT fold_promotions();
SELECT fold_days();
DROP VIEW rollup_customer_days, rollup_store_days, rollup_delivery_days;
ALTER TABLE folded_customer_days RENAME TO rollup_customer_days;
ALTER TABLE folded_store_days RENAME TO rollup_store_days;
ALTER TABLE folded_delivery_days RENAME TO rollup_delivery_days;

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

CREATE OR REPLACE FUNCTION add_invoice_rollups(
    p_invoice bigint, p_slot smallint, p_company bigint, p_day date, p_customer bigint,
    p_store bigint, p_sales_person bigint, p_label text,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric, p_delivery numeric,
    p_lifetime boolean, p_promotions boolean
) RETURNS integer LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    INSERT INTO rollup_customer_days AS r
        (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount)
    VALUES (p_company, p_day, p_customer, p_store, p_slot, p_sales, p_returns, p_net, p_discount)
    ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET
        sales = r.sales + excluded.sales, returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales, discount = r.discount + excluded.discount;
    INSERT INTO rollup_store_days AS r
        (company_id, day, store_id, sales_person_id, slot, sales, returns, net_sales, discount,
         delivery)
    VALUES (p_company, p_day, p_store, p_sales_person, p_slot, p_sales, p_returns, p_net,
            p_discount, p_delivery)
    ON CONFLICT ON CONSTRAINT rollup_store_days_key DO UPDATE SET
        sales = r.sales + excluded.sales, returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales, discount = r.discount + excluded.discount,
        delivery = r.delivery + excluded.delivery;
    IF p_label IS NOT NULL THEN
        INSERT INTO rollup_delivery_days AS r
            (company_id, day, store_id, label, slot, charges, amount)
        VALUES (p_company, p_day, p_store, p_label, p_slot, p_sales + p_returns, p_delivery)
        ON CONFLICT (store_id, day, label, slot) DO UPDATE SET
            charges = r.charges + excluded.charges, amount = r.amount + excluded.amount;
    END IF;
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

CREATE OR REPLACE FUNCTION move_customer_rollups(p_from bigint, p_to bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
    v_companies bigint[];
    v_customers bigint[];
    v_months date[];
BEGIN
    PERFORM pg_advisory_xact_lock(7306, 0);
    -- Every company and month either bought in, before the move: all are made again.
    SELECT array_agg(company_id), array_agg(customer_id), array_agg(month)
    INTO v_companies, v_customers, v_months
    FROM (SELECT company_id, month FROM rollup_customer_months
          WHERE customer_id IN (p_from, p_to)
          UNION
          SELECT company_id, date_trunc('month', day)::date FROM rollup_customer_days
          WHERE customer_id IN (p_from, p_to)) k,
         unnest(ARRAY[p_from, p_to]) AS customer_id;
    INSERT INTO rollup_customer_days AS d
        (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount)
    SELECT company_id, day, p_to, store_id, slot, sales, returns, net_sales, discount
    FROM rollup_customer_days WHERE customer_id = p_from
    ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET
        sales = d.sales + excluded.sales, returns = d.returns + excluded.returns,
        net_sales = d.net_sales + excluded.net_sales, discount = d.discount + excluded.discount;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DELETE FROM rollup_customer_days WHERE customer_id = p_from;
    IF v_customers IS NOT NULL THEN
        PERFORM refold_customers(v_companies, v_customers, v_months);
    END IF;
    -- The registrations of either (the referrals' merge may have moved one) follow.
    PERFORM rebuild_referral_figures(ARRAY[p_from, p_to]);
    RETURN moved;
END $$;

DROP FUNCTION fold_promotions(), fold_days();
DROP TABLE unfolded_promotions, unfolded_days;
