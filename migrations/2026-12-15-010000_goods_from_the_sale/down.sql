-- Back to the definitions of migrations `fold_customer_purchases`, `customer_goods` and
-- `planned_once`.
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
        INSERT INTO customer_purchase_queue (company_id, customer_id, month)
        VALUES (p_company, p_customer, date_trunc('month', p_day)::date);
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
BEGIN
    PERFORM pg_advisory_xact_lock(7306, 0);
    WITH taken AS (DELETE FROM customer_purchase_queue RETURNING *)
    SELECT array_agg(company_id), array_agg(customer_id), array_agg(month)
    INTO v_companies, v_customers, v_months
    FROM (SELECT DISTINCT company_id, customer_id, month FROM taken) t;
    IF v_customers IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM refold_customers(v_companies, v_customers, v_months);
    RETURN cardinality(v_customers);
END $$;

CREATE OR REPLACE FUNCTION refold_customer_goods(p_companies bigint[], p_customers bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_customers IS NULL THEN
        -- Everyone: emptied and filled in one pass, not row by row (millions of rows). The
        -- last instant is taken per item, then its day (the day only grows with the instant).
        TRUNCATE customer_goods;
        INSERT INTO customer_goods (company_id, customer_id, item_id, last_day)
        SELECT x.company_id, x.customer_id, x.item_id, business_day(x.last_at, c.time_zone)
        FROM (SELECT i.company_id, i.customer_id, l.item_id, max(i.posted_at) AS last_at
              FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
              WHERE i.status = 'submitted' AND i.return_against_id IS NULL
                AND i.customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                          WHERE default_customer_id IS NOT NULL)
              GROUP BY i.company_id, i.customer_id, l.item_id) x
        JOIN companies c ON c.id = x.company_id
        ORDER BY x.company_id, x.customer_id, x.item_id;
        PERFORM refold_customer_goods_sets(NULL, NULL);
        RETURN;
    END IF;
    -- Rows that changed are updated, new ones added, gone ones (a cancel, a merge) deleted:
    -- most folds follow a sale that moved a few days on, and untouched rows stay as they are.
    WITH pairs AS (
        SELECT DISTINCT company_id, customer_id
        FROM unnest(p_companies, p_customers) AS u(company_id, customer_id)
        WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                  WHERE default_customer_id IS NOT NULL)
    ), fresh AS (
        SELECT i.company_id, i.customer_id, l.item_id,
               business_day(max(i.posted_at), c.time_zone) AS last_day
        FROM pairs p
        JOIN invoices i ON i.customer_id = p.customer_id AND i.company_id = p.company_id
        JOIN companies c ON c.id = i.company_id
        JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.status = 'submitted' AND i.return_against_id IS NULL
        GROUP BY i.company_id, i.customer_id, l.item_id, c.time_zone
    ), written AS (
        INSERT INTO customer_goods AS g (company_id, customer_id, item_id, last_day)
        SELECT company_id, customer_id, item_id, last_day FROM fresh
        ORDER BY company_id, customer_id, item_id
        ON CONFLICT (company_id, customer_id, item_id) DO UPDATE SET last_day = excluded.last_day
        WHERE g.last_day <> excluded.last_day
        RETURNING 1
    )
    -- (EXCEPT, not NOT EXISTS: the planner cannot size a CTE.)
    DELETE FROM customer_goods g
    USING (SELECT g.company_id, g.customer_id, g.item_id
           FROM customer_goods g JOIN pairs p USING (company_id, customer_id)
           EXCEPT SELECT company_id, customer_id, item_id FROM fresh) o
    WHERE g.company_id = o.company_id AND g.customer_id = o.customer_id
      AND g.item_id = o.item_id;
    PERFORM refold_customer_goods_sets(p_companies, p_customers);
END $$;

DROP FUNCTION add_customer_goods(bigint[]);
ALTER TABLE customer_purchase_queue DROP COLUMN invoice_id;
