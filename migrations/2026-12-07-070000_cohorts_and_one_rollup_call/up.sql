-- Two things the sale's reports step needed to be fast enough.
--
-- New and Returning Customers over a year counted a year of lifetime rows and month rows on
-- every view (427 ms at 1M customers). The counts it shows are kept instead, per company, month
-- and slot (the customer's id mod 16, so that tills selling to different customers seldom wait
-- on one row): buyers (named customers with a purchase in the month), new customers (first
-- purchase in the month) and those of them back within 30 and 90 days (second purchase). The
-- lifetime function moves them when a sale changes a customer's first or second purchase or
-- makes the month's first purchase; the cancel's refresh when it takes one away; the rebuild
-- counts them again from the lifetime and month rows.
--
-- The referral funnel joined 100,000 registrations to a year of customer days and to their
-- coupons twice on every view (293 ms). Each registration now carries what the referred
-- customer has brought so far, their first purchase day and net sales, copied from their
-- lifetime row whenever it moves (a referred customer is registered as they are created, so
-- every purchase of theirs follows it), and how many of its two reward coupons are used,
-- counted again whenever a sale that used one is written or cancelled; the rebuild does both
-- again.
--
-- A sale sent each rollup write as its own statement (two to four round trips). One function,
-- `add_invoice_rollups`, now writes all of them: its plans are made once per connection.

ALTER TABLE referral_registrations
    ADD COLUMN first_purchase date,
    ADD COLUMN revenue numeric(18,4) NOT NULL DEFAULT 0,
    ADD COLUMN coupons_used smallint NOT NULL DEFAULT 0;
CREATE INDEX referral_registrations_customer_coupon_idx
    ON referral_registrations (customer_coupon_id);
CREATE INDEX referral_registrations_referrer_coupon_idx
    ON referral_registrations (referrer_coupon_id) WHERE referrer_coupon_id IS NOT NULL;

-- How many of registration `g`'s reward coupons are used.
CREATE FUNCTION referral_coupons_used(g referral_registrations) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT count(*)::smallint FROM coupons c
    WHERE c.id IN (g.customer_coupon_id, g.referrer_coupon_id) AND c.used > 0
$$;

-- Counts again the used reward coupons of the registrations whose coupons invoice `p_invoice`
-- used (after the coupons step counted the use, or gave it back on a cancel).
CREATE FUNCTION refresh_referral_coupons(p_invoice bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    coupon bigint;
BEGIN
    FOR coupon IN SELECT coupon_id FROM coupon_redemptions WHERE invoice_id = p_invoice LOOP
        UPDATE referral_registrations g SET coupons_used = referral_coupons_used(g)
        WHERE g.customer_coupon_id = coupon OR g.referrer_coupon_id = coupon;
    END LOOP;
END $$;

-- Copies customer `p_customer`'s first purchase and net sales from their lifetime row to their
-- referral registration, if they have one. In plpgsql, which keeps the statement's plan for the
-- session (an SQL function plans it on every call: it cost each sale a fifth of its rollups).
CREATE FUNCTION copy_referral_figures(p_customer bigint, p_first date, p_net numeric)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referral_registrations SET first_purchase = p_first, revenue = p_net
    WHERE customer_id = p_customer;
END $$;

-- The figures of the registrations of customers `p_customers` (every registration when NULL:
-- after the lifetime rows are rebuilt), again from their lifetime rows and coupons.
CREATE FUNCTION rebuild_referral_figures(p_customers bigint[] DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    UPDATE referral_registrations g
    SET first_purchase = x.first_purchase, revenue = x.revenue, coupons_used = x.coupons_used
    FROM (SELECT r.id, p.first_purchase, coalesce(p.net_sales, 0) AS revenue,
                 referral_coupons_used(r) AS coupons_used
          FROM referral_registrations r
          JOIN referral_codes k ON k.id = r.referral_code_id
          LEFT JOIN customer_purchases p
            ON p.customer_id = r.customer_id AND p.company_id = k.company_id
          WHERE p_customers IS NULL OR r.customer_id = ANY (p_customers)) x
    WHERE g.id = x.id
      AND (g.first_purchase IS DISTINCT FROM x.first_purchase OR g.revenue <> x.revenue
           OR g.coupons_used <> x.coupons_used)
$$;
SELECT rebuild_referral_figures();

CREATE TABLE rollup_cohort_months (
    company_id     bigint NOT NULL,
    month          date NOT NULL CHECK (extract(day FROM month) = 1),
    slot           smallint NOT NULL,
    buyers         integer NOT NULL,
    new_customers  integer NOT NULL,
    back_30        integer NOT NULL,
    back_90        integer NOT NULL,
    PRIMARY KEY (company_id, month, slot)
);

-- Adds a customer's cohort changes: `p_buyers` in the month of `p_day`, and the move of their
-- first and second purchase from (`p_old_first`, `p_old_second`) to (`p_first`, `p_second`).
-- One statement, rows in month order, so two sales never lock the same rows in opposite order.
CREATE FUNCTION add_cohort_change(
    p_company bigint, p_customer bigint, p_day date, p_buyers integer,
    p_old_first date, p_old_second date, p_first date, p_second date
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_buyers = 0 AND p_old_first IS NOT DISTINCT FROM p_first
       AND p_old_second IS NOT DISTINCT FROM p_second THEN
        RETURN;
    END IF;
    INSERT INTO rollup_cohort_months AS r
        (company_id, month, slot, buyers, new_customers, back_30, back_90)
    SELECT p_company, month, (p_customer % 16)::smallint, sum(buyers), sum(new_customers),
           sum(back_30), sum(back_90)
    FROM (VALUES
            (date_trunc('month', p_day)::date, p_buyers, 0, 0, 0),
            (date_trunc('month', p_old_first)::date, 0, -1,
             -coalesce(p_old_second <= p_old_first + 30, false)::int,
             -coalesce(p_old_second <= p_old_first + 90, false)::int),
            (date_trunc('month', p_first)::date, 0, 1,
             coalesce(p_second <= p_first + 30, false)::int,
             coalesce(p_second <= p_first + 90, false)::int)
         ) AS c(month, buyers, new_customers, back_30, back_90)
    WHERE month IS NOT NULL
    GROUP BY month
    HAVING sum(abs(buyers)) + sum(abs(new_customers)) > 0
    ORDER BY month
    ON CONFLICT (company_id, month, slot) DO UPDATE SET
        buyers = r.buyers + excluded.buyers,
        new_customers = r.new_customers + excluded.new_customers,
        back_30 = r.back_30 + excluded.back_30,
        back_90 = r.back_90 + excluded.back_90;
END $$;

-- As migration `customer_net_ceiling` made it, and now reading the lifetime row under lock
-- first, so that the cohort counters move from what the row held; the referral registration's
-- figures follow the row.
CREATE OR REPLACE FUNCTION add_customer_purchase(
    p_company bigint, p_customer bigint, p_day date, p_store bigint,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    bought date := CASE WHEN p_sales > 0 THEN p_day END;
    day_net numeric;
    ceiling numeric;
    old_first date;
    old_second date;
    new_first date;
    new_second date;
    new_net numeric;
    month_sales integer;
    buyers integer;
BEGIN
    IF EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_customer) THEN
        RETURN 0;
    END IF;
    -- The day's row, the invoice already in it (the reports step writes it first).
    SELECT coalesce(sum(net_sales), 0) INTO day_net FROM rollup_customer_days
    WHERE customer_id = p_customer AND store_id = p_store AND day = p_day;
    ceiling := greatest(day_net, 0) - greatest(day_net - p_net, 0);
    LOOP
        SELECT first_purchase, second_purchase INTO old_first, old_second
        FROM customer_purchases WHERE customer_id = p_customer AND company_id = p_company
        FOR UPDATE;
        IF FOUND THEN
            UPDATE customer_purchases r SET
                sales = r.sales + p_sales,
                returns = r.returns + p_returns,
                net_sales = r.net_sales + p_net,
                discount = r.discount + p_discount,
                net_ceiling = r.net_ceiling + ceiling,
                first_purchase = least(r.first_purchase, bought),
                second_purchase = CASE
                    WHEN bought IS NULL OR r.first_purchase IS NULL OR bought = r.first_purchase
                        THEN r.second_purchase
                    WHEN bought < r.first_purchase THEN r.first_purchase
                    ELSE least(r.second_purchase, bought) END,
                last_purchase = greatest(r.last_purchase, bought),
                -- On a tie the higher store id, as the rebuild picks it.
                last_store_id = CASE
                    WHEN bought > r.last_purchase OR (bought IS NOT NULL AND r.last_purchase IS NULL)
                        THEN p_store
                    WHEN bought = r.last_purchase THEN greatest(r.last_store_id, p_store)
                    ELSE r.last_store_id END
            WHERE customer_id = p_customer AND company_id = p_company
            RETURNING first_purchase, second_purchase, net_sales
            INTO new_first, new_second, new_net;
            EXIT;
        END IF;
        -- The customer's first invoice; a till selling to them at this moment may insert the
        -- row first: then read it under lock as above.
        INSERT INTO customer_purchases
            (company_id, customer_id, sales, returns, net_sales, discount,
             first_purchase, second_purchase, last_purchase, last_store_id, net_ceiling)
        VALUES (p_company, p_customer, p_sales, p_returns, p_net, p_discount,
                bought, NULL, bought, CASE WHEN bought IS NOT NULL THEN p_store END, ceiling)
        ON CONFLICT (customer_id, company_id) DO NOTHING
        RETURNING first_purchase, second_purchase, net_sales INTO new_first, new_second, new_net;
        EXIT WHEN FOUND;
    END LOOP;
    INSERT INTO rollup_customer_months AS r
        (company_id, month, customer_id, sales, returns, net_sales, discount)
    VALUES (p_company, date_trunc('month', p_day)::date, p_customer, p_sales, p_returns, p_net,
            p_discount)
    ON CONFLICT (customer_id, month) DO UPDATE SET
        sales = r.sales + excluded.sales,
        returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales,
        discount = r.discount + excluded.discount
    RETURNING sales INTO month_sales;
    -- A buyer of the month when its sales (less cancels) went above nothing, no longer when
    -- they went back to it. Most sales change neither that nor the purchase days.
    buyers := (month_sales > 0)::int - (month_sales - p_sales > 0)::int;
    IF buyers <> 0 OR old_first IS DISTINCT FROM new_first
       OR old_second IS DISTINCT FROM new_second THEN
        PERFORM add_cohort_change(p_company, p_customer, p_day, buyers,
                                  old_first, old_second, new_first, new_second);
    END IF;
    PERFORM copy_referral_figures(p_customer, new_first, new_net);
    RETURN 2;
END $$;

-- As migration `customer_purchases` made it, moving the cohort counters too.
CREATE OR REPLACE FUNCTION refresh_customer_purchase_days(p_company bigint, p_customer bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    old_first date;
    old_second date;
    new_first date;
    new_second date;
    new_net numeric;
BEGIN
    IF EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_customer) THEN
        RETURN 0;
    END IF;
    SELECT first_purchase, second_purchase INTO old_first, old_second
    FROM customer_purchases WHERE customer_id = p_customer AND company_id = p_company
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE customer_purchases p
    SET first_purchase = d.first_purchase, second_purchase = d.second_purchase,
        last_purchase = d.last_purchase, last_store_id = d.last_store_id
    FROM customer_purchase_days(p_company, p_customer) d
    WHERE p.customer_id = p_customer AND p.company_id = p_company
    RETURNING p.first_purchase, p.second_purchase, p.net_sales INTO new_first, new_second, new_net;
    PERFORM add_cohort_change(p_company, p_customer, NULL, 0,
                              old_first, old_second, new_first, new_second);
    PERFORM copy_referral_figures(p_customer, new_first, new_net);
    RETURN 1;
END $$;

-- Counts the cohorts again from the lifetime and month rows (after those are rebuilt).
CREATE FUNCTION rebuild_cohort_months() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL work_mem = '256MB';
    TRUNCATE rollup_cohort_months;
    INSERT INTO rollup_cohort_months
        (company_id, month, slot, buyers, new_customers, back_30, back_90)
    SELECT company_id, month, slot, sum(buyers), sum(new_customers), sum(back_30), sum(back_90)
    FROM (SELECT company_id, date_trunc('month', first_purchase)::date AS month,
                 (customer_id % 16)::smallint AS slot, 0 AS buyers, 1 AS new_customers,
                 coalesce(second_purchase <= first_purchase + 30, false)::int AS back_30,
                 coalesce(second_purchase <= first_purchase + 90, false)::int AS back_90
          FROM customer_purchases WHERE first_purchase IS NOT NULL
          UNION ALL
          SELECT company_id, month, (customer_id % 16)::smallint, 1, 0, 0, 0
          FROM rollup_customer_months WHERE sales > 0) c
    GROUP BY company_id, month, slot;
END $$;

SELECT rebuild_cohort_months();

-- Everything one invoice adds to the rollups (a cancel: the same, negative), in one call: the
-- customer's day and the store's day in the invoice's slot `p_slot`, the delivery charge's day
-- when it has one, the customer's lifetime and month rows unless `p_lifetime` is false (the
-- caller knows them for the store's default customer), and what its offers and coupons brought
-- in when `p_promotions` (with the used reward coupons of referral registrations). A cancel (`p_sales + p_returns` < 0) puts the customer's purchase
-- days back from the daily rows. Returns the invoices it counted (-1 for a cancel).
CREATE FUNCTION add_invoice_rollups(
    p_invoice bigint, p_slot smallint, p_company bigint, p_day date, p_customer bigint,
    p_store bigint, p_sales_person bigint, p_label text,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric, p_delivery numeric,
    p_lifetime boolean, p_promotions boolean
) RETURNS integer LANGUAGE plpgsql AS $$
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
        PERFORM add_customer_purchase(p_company, p_customer, p_day, p_store, p_sales,
                                      p_returns, p_net, p_discount);
        IF p_sales + p_returns < 0 THEN
            PERFORM refresh_customer_purchase_days(p_company, p_customer);
        END IF;
    END IF;
    IF p_promotions THEN
        PERFORM add_invoice_promotions(ARRAY[p_invoice], ARRAY[p_slot],
                                       sign(p_sales + p_returns)::int);
        PERFORM refresh_referral_coupons(p_invoice);
    END IF;
    RETURN p_sales + p_returns;
END $$;
