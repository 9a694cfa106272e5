-- A sale appends to the rollups instead of adding to their rows, and the fold (every 2 s, and
-- before a report reads) adds up what was appended (bench/RESULTS.md, "The daily rollups
-- appended" and "Invoice submission: promotions folded").
-- * Its daily figures: one row with no index in `unfolded_days`, instead of two upserts of the
--   customer's and the store's day: 16 tills selling to one store's Walk-in at once each
--   updated the same day rows, and an upsert of a row costs three plain inserts. `fold_days`
--   moves them into the daily tables. The names the reports read are views of both, so a
--   report is exact whether or not the fold has run.
-- * Its offers and coupons: its invoice in `unfolded_promotions`, instead of working out inside
--   the sale what they brought in (0.52 ms of a coupon sale); `fold_promotions` adds the noted
--   invoices to the offers' and coupons' days in one `add_invoice_promotions` call. A cancel
--   whose sale is still noted takes the note away (nothing was added); otherwise it takes the
--   sale's figures off at once, as before.
ALTER TABLE rollup_customer_days RENAME TO folded_customer_days;
ALTER TABLE rollup_store_days RENAME TO folded_store_days;
ALTER TABLE rollup_delivery_days RENAME TO folded_delivery_days;

CREATE TABLE unfolded_days (
    company_id bigint NOT NULL,
    day date NOT NULL,
    customer_id bigint NOT NULL,
    store_id bigint NOT NULL,
    sales_person_id bigint,
    label text,
    sales integer NOT NULL,
    returns integer NOT NULL,
    net_sales numeric(18,4) NOT NULL,
    discount numeric(18,4) NOT NULL,
    delivery numeric(18,4) NOT NULL
-- Emptied every few seconds: vacuumed by count, not by share, so its pages are reused.
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

CREATE VIEW rollup_customer_days AS
SELECT company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount
FROM folded_customer_days
UNION ALL
SELECT company_id, day, customer_id, store_id, 0::smallint, sales, returns, net_sales, discount
FROM unfolded_days;

CREATE VIEW rollup_store_days AS
SELECT company_id, day, store_id, sales_person_id, slot, sales, returns, net_sales, discount,
       delivery
FROM folded_store_days
UNION ALL
SELECT company_id, day, store_id, sales_person_id, 0::smallint, sales, returns, net_sales,
       discount, delivery
FROM unfolded_days;

CREATE VIEW rollup_delivery_days AS
SELECT company_id, day, store_id, label, slot, charges, amount
FROM folded_delivery_days
UNION ALL
SELECT company_id, day, store_id, label, 0::smallint, sales + returns, delivery
FROM unfolded_days WHERE label IS NOT NULL;

-- Moves every unfolded row into the daily tables in one statement (rows of sales still
-- writing stay for the next fold); returns how many.
CREATE FUNCTION fold_days() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_folded integer;
BEGIN
    WITH taken AS MATERIALIZED (DELETE FROM unfolded_days RETURNING *),
    customer_days AS (
        INSERT INTO folded_customer_days AS r
            (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount)
        SELECT company_id, day, customer_id, store_id, 0, sum(sales), sum(returns),
               sum(net_sales), sum(discount)
        FROM taken GROUP BY company_id, day, customer_id, store_id
        ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET
            sales = r.sales + excluded.sales, returns = r.returns + excluded.returns,
            net_sales = r.net_sales + excluded.net_sales,
            discount = r.discount + excluded.discount
    ), store_days AS (
        INSERT INTO folded_store_days AS r
            (company_id, day, store_id, sales_person_id, slot, sales, returns, net_sales,
             discount, delivery)
        SELECT company_id, day, store_id, sales_person_id, 0, sum(sales), sum(returns),
               sum(net_sales), sum(discount), sum(delivery)
        FROM taken GROUP BY company_id, day, store_id, sales_person_id
        ON CONFLICT ON CONSTRAINT rollup_store_days_key DO UPDATE SET
            sales = r.sales + excluded.sales, returns = r.returns + excluded.returns,
            net_sales = r.net_sales + excluded.net_sales,
            discount = r.discount + excluded.discount, delivery = r.delivery + excluded.delivery
    ), delivery_days AS (
        INSERT INTO folded_delivery_days AS r
            (company_id, day, store_id, label, slot, charges, amount)
        SELECT company_id, day, store_id, label, 0, sum(sales + returns), sum(delivery)
        FROM taken WHERE label IS NOT NULL GROUP BY company_id, day, store_id, label
        ON CONFLICT (store_id, day, label, slot) DO UPDATE SET
            charges = r.charges + excluded.charges, amount = r.amount + excluded.amount
    )
    SELECT count(*) INTO v_folded FROM taken;
    RETURN v_folded;
END $$;

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

-- As migration `goods_from_the_sale` made it, with the days appended and the promotions
-- noted for the fold.
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

-- As migration `goods_from_the_sale` made it, folding the days and the promotions first.
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

-- As migration `fold_customer_purchases` made it, on the folded days (folded first, so that
-- every day of the merged customer is there).
CREATE OR REPLACE FUNCTION move_customer_rollups(p_from bigint, p_to bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
    v_companies bigint[];
    v_customers bigint[];
    v_months date[];
BEGIN
    PERFORM pg_advisory_xact_lock(7306, 0);
    PERFORM fold_days();
    -- Every company and month either bought in, before the move: all are made again.
    SELECT array_agg(company_id), array_agg(customer_id), array_agg(month)
    INTO v_companies, v_customers, v_months
    FROM (SELECT company_id, month FROM rollup_customer_months
          WHERE customer_id IN (p_from, p_to)
          UNION
          SELECT company_id, date_trunc('month', day)::date FROM folded_customer_days
          WHERE customer_id IN (p_from, p_to)) k,
         unnest(ARRAY[p_from, p_to]) AS customer_id;
    INSERT INTO folded_customer_days AS d
        (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount)
    SELECT company_id, day, p_to, store_id, slot, sales, returns, net_sales, discount
    FROM folded_customer_days WHERE customer_id = p_from
    ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET
        sales = d.sales + excluded.sales, returns = d.returns + excluded.returns,
        net_sales = d.net_sales + excluded.net_sales, discount = d.discount + excluded.discount;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DELETE FROM folded_customer_days WHERE customer_id = p_from;
    IF v_customers IS NOT NULL THEN
        PERFORM refold_customers(v_companies, v_customers, v_months);
    END IF;
    -- The registrations of either (the referrals' merge may have moved one) follow.
    PERFORM rebuild_referral_figures(ARRAY[p_from, p_to]);
    RETURN moved;
END $$;
