-- The fold of 1,000 named customers took 6-9.5 s once it also made their goods again (0.23 s
-- before; bench/rollups.sh named): `refold_customer_goods` read every invoice line the noted
-- customers ever had, so a fold cost what their history weighs, not what the sales since the
-- last fold added. A sale only moves a customer's "last bought" days forward, so a sale's note
-- now names its invoice, and the fold raises the goods rows from the lines of those invoices
-- alone. A customer's whole history is read again only after a cancel (which may take a last
-- day back; its note names no invoice) or a merge (`move_customer_rollups`, as before).

ALTER TABLE customer_purchase_queue ADD COLUMN invoice_id bigint;
COMMENT ON COLUMN customer_purchase_queue.invoice_id IS
    'The submitted invoice that noted the customer; NULL (a cancel): their whole history is read again';

-- The goods rows of the customers on the invoices `p_invoices` raised to those invoices' days:
-- an item's, its group's and its brand's row each keep the later of their day and the sale's
-- (an offline sale that arrives late lowers nothing). Only rows a sale moved are written, and
-- a group or brand row moves only with one of its items. The caller holds the fold lock.
CREATE FUNCTION add_customer_goods(p_invoices bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH sold AS (
        SELECT i.company_id, i.customer_id, l.item_id,
               business_day(max(i.posted_at), c.time_zone) AS last_day
        FROM invoices i
        JOIN companies c ON c.id = i.company_id
        JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.id = ANY (p_invoices) AND i.status = 'submitted' AND i.return_against_id IS NULL
          AND i.customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                    WHERE default_customer_id IS NOT NULL)
        GROUP BY i.company_id, i.customer_id, l.item_id, c.time_zone
    ), moved AS (
        INSERT INTO customer_goods AS g (company_id, customer_id, item_id, last_day)
        SELECT company_id, customer_id, item_id, last_day FROM sold
        ORDER BY company_id, customer_id, item_id
        ON CONFLICT (company_id, customer_id, item_id) DO UPDATE SET last_day = excluded.last_day
        WHERE g.last_day < excluded.last_day
        RETURNING g.company_id, g.customer_id, g.item_id, g.last_day
    ), placed AS MATERIALIZED (
        SELECT m.company_id, m.customer_id, i.item_group_id, i.brand_id, m.last_day
        FROM moved m JOIN items i ON i.id = m.item_id
    ), groups AS (
        INSERT INTO customer_goods_groups AS g (company_id, customer_id, item_group_id, last_day)
        SELECT company_id, customer_id, item_group_id, max(last_day) FROM placed
        GROUP BY company_id, customer_id, item_group_id
        ORDER BY 1, 2, 3
        ON CONFLICT (company_id, customer_id, item_group_id) DO UPDATE
        SET last_day = excluded.last_day WHERE g.last_day < excluded.last_day
        RETURNING 1
    )
    INSERT INTO customer_goods_brands AS g (company_id, customer_id, brand_id, last_day)
    SELECT company_id, customer_id, brand_id, max(last_day) FROM placed
    WHERE brand_id IS NOT NULL
    GROUP BY company_id, customer_id, brand_id
    ORDER BY 1, 2, 3
    ON CONFLICT (company_id, customer_id, brand_id) DO UPDATE
    SET last_day = excluded.last_day WHERE g.last_day < excluded.last_day;
END $$;

-- As migration `customer_goods` made it, with the customers' invoices read customer by customer
-- through `invoices_customer_idx`: joined as a set, a planner without statistics on a freshly
-- grown `invoices` (the bench's scratch database) compared every invoice with every customer,
-- 5.1 s for 1,000 customers.
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
    -- Rows that changed are updated, new ones added, gone ones (a cancel, a merge) deleted.
    WITH pairs AS (
        SELECT DISTINCT company_id, customer_id
        FROM unnest(p_companies, p_customers) AS u(company_id, customer_id)
        WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                  WHERE default_customer_id IS NOT NULL)
    ), fresh AS (
        SELECT p.company_id, p.customer_id, x.item_id,
               business_day(x.last_at, c.time_zone) AS last_day
        FROM pairs p
        JOIN companies c ON c.id = p.company_id
        CROSS JOIN LATERAL (
            SELECT l.item_id, max(i.posted_at) AS last_at
            FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id
            WHERE i.customer_id = p.customer_id AND i.company_id = p.company_id
              AND i.status = 'submitted' AND i.return_against_id IS NULL
            GROUP BY l.item_id) x
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

-- As migration `fold_customer_purchases` made it, with the goods split: every noted customer's
-- figures and facts made again as before; the goods made again from the whole history of the
-- customers a cancel noted, and raised from the invoices the sales noted.
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

-- As migrations `fold_customer_purchases` and `planned_once` made it, with a submitted invoice's
-- note naming the invoice (a cancel's names none).
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
