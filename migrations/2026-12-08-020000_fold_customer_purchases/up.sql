-- Named customers' sales cost the tills 13% of their pace, against 5% for the Walk-in's: each
-- sale also updated the customer's lifetime row (five indexes, none of its updates HOT), their
-- month row, the cohort counters and their referral registration, in the sale's transaction.
-- A sale now only notes its customer in `customer_purchase_queue` (an append, no index), and
-- `fold_customer_purchases` makes the lifetime, month, cohort and referral figures of the noted
-- customers again from their daily rows, set-wise, as the rebuild makes them for everyone: a
-- background job folds every few seconds, and every report that reads those figures folds first
-- on the primary, so the pages are exact; on a replica they are as fresh as the last fold.
-- The daily rows (customer, store, delivery, promotions) stay inside the sale's transaction.

CREATE TABLE customer_purchase_queue (
    company_id   bigint NOT NULL,
    customer_id  bigint NOT NULL,
    month        date NOT NULL
);

-- As migration `cohorts_and_one_rollup_call` made it, in plpgsql: an SQL function planned its
-- UPDATE once for any `p_customers`, so a fold of a few customers scanned every registration and
-- compared each with the whole array; plpgsql plans it for the value (an index lookup per
-- customer; NULL, every registration).
CREATE OR REPLACE FUNCTION rebuild_referral_figures(p_customers bigint[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
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
           OR g.coupons_used <> x.coupons_used);
END $$;

-- Makes the lifetime rows, the month rows of months `p_months` and the cohort counts and
-- referral figures of the customers (`p_companies`[i], `p_customers`[i], `p_months`[i]) again
-- from their daily rows: what the rebuild would make for them, their old rows and counts taken
-- out first (a sale changes its own month only). A store's default customer has none. The
-- caller holds the fold lock (`fold_customer_purchases`), so no two folds meet.
CREATE FUNCTION refold_customers(p_companies bigint[], p_customers bigint[], p_months date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH touched AS (
        SELECT DISTINCT company_id, customer_id, month
        FROM unnest(p_companies, p_customers, p_months) AS p(company_id, customer_id, month)
        WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                  WHERE default_customer_id IS NOT NULL)
    ), pairs AS (
        SELECT DISTINCT company_id, customer_id FROM touched
    ), days AS (
        SELECT d.company_id, d.customer_id, d.store_id, d.day, sum(d.sales)::int AS sales,
               sum(d.returns)::int AS returns, sum(d.net_sales) AS net_sales,
               sum(d.discount) AS discount, sum(d.sales) > 0 AS bought
        FROM pairs p
        JOIN rollup_customer_days d
          ON d.customer_id = p.customer_id AND d.company_id = p.company_id
        GROUP BY d.company_id, d.customer_id, d.store_id, d.day
    ), ranked AS (
        SELECT *, CASE WHEN bought THEN dense_rank() OVER (
                   PARTITION BY customer_id, company_id, bought ORDER BY day) END AS purchase
        FROM days
    ), new_life AS (
        SELECT company_id, customer_id, sum(sales)::int AS sales, sum(returns)::int AS returns,
               sum(net_sales) AS net_sales, sum(discount) AS discount,
               min(day) FILTER (WHERE bought) AS first_purchase,
               min(day) FILTER (WHERE bought AND purchase = 2) AS second_purchase,
               max(day) FILTER (WHERE bought) AS last_purchase,
               (max(ARRAY[day - DATE '2000-01-01', store_id]) FILTER (WHERE bought))[2]
                   AS last_store_id,
               sum(greatest(net_sales, 0)) AS net_ceiling
        FROM ranked GROUP BY company_id, customer_id
    ), old_life AS (
        SELECT c.* FROM customer_purchases c JOIN pairs p USING (customer_id, company_id)
    ), new_months AS (
        SELECT d.company_id, d.customer_id, t.month, sum(d.sales)::int AS sales,
               sum(d.returns)::int AS returns, sum(d.net_sales) AS net_sales,
               sum(d.discount) AS discount
        FROM days d JOIN touched t
          ON t.customer_id = d.customer_id AND t.company_id = d.company_id
         AND t.month = date_trunc('month', d.day)
        GROUP BY d.company_id, d.customer_id, t.month
    ), old_months AS (
        SELECT m.* FROM rollup_customer_months m
        JOIN touched t USING (customer_id, company_id, month)
    ), life_written AS (
        INSERT INTO customer_purchases AS r
            (company_id, customer_id, sales, returns, net_sales, discount, first_purchase,
             second_purchase, last_purchase, last_store_id, net_ceiling)
        SELECT company_id, customer_id, sales, returns, net_sales, discount, first_purchase,
               second_purchase, last_purchase, last_store_id, net_ceiling
        FROM new_life ORDER BY customer_id, company_id
        ON CONFLICT (customer_id, company_id) DO UPDATE SET
            sales = excluded.sales, returns = excluded.returns,
            net_sales = excluded.net_sales, discount = excluded.discount,
            first_purchase = excluded.first_purchase, second_purchase = excluded.second_purchase,
            last_purchase = excluded.last_purchase, last_store_id = excluded.last_store_id,
            net_ceiling = excluded.net_ceiling
        RETURNING 1
    ), life_gone AS (
        -- A merged customer's days went to the kept one: their rows go. (EXCEPT, not NOT
        -- EXISTS: the planner cannot size a CTE and would compare every pair with every other.)
        DELETE FROM customer_purchases c
        USING (SELECT customer_id, company_id FROM old_life
               EXCEPT SELECT customer_id, company_id FROM new_life) o
        WHERE c.customer_id = o.customer_id AND c.company_id = o.company_id
        RETURNING 1
    ), months_written AS (
        INSERT INTO rollup_customer_months AS r
            (company_id, month, customer_id, sales, returns, net_sales, discount)
        SELECT company_id, month, customer_id, sales, returns, net_sales, discount
        FROM new_months ORDER BY customer_id, month
        ON CONFLICT (customer_id, month) DO UPDATE SET
            sales = excluded.sales, returns = excluded.returns,
            net_sales = excluded.net_sales, discount = excluded.discount
        WHERE (r.sales, r.returns, r.net_sales, r.discount)
              IS DISTINCT FROM (excluded.sales, excluded.returns, excluded.net_sales,
                                excluded.discount)
        RETURNING 1
    ), months_gone AS (
        DELETE FROM rollup_customer_months m
        USING (SELECT customer_id, month FROM old_months
               EXCEPT SELECT customer_id, month FROM new_months) o
        WHERE m.customer_id = o.customer_id AND m.month = o.month
        RETURNING 1
    ), moves AS (
        -- What the customers counted for before, taken out, and what they count for now.
        SELECT company_id, date_trunc('month', first_purchase)::date AS month, customer_id,
               0 AS buyers, -1 AS new_customers,
               -coalesce(second_purchase <= first_purchase + 30, false)::int AS back_30,
               -coalesce(second_purchase <= first_purchase + 90, false)::int AS back_90
        FROM old_life WHERE first_purchase IS NOT NULL
        UNION ALL
        SELECT company_id, date_trunc('month', first_purchase)::date, customer_id, 0, 1,
               coalesce(second_purchase <= first_purchase + 30, false)::int,
               coalesce(second_purchase <= first_purchase + 90, false)::int
        FROM new_life WHERE first_purchase IS NOT NULL
        UNION ALL
        SELECT company_id, month, customer_id, -1, 0, 0, 0 FROM old_months WHERE sales > 0
        UNION ALL
        SELECT company_id, month, customer_id, 1, 0, 0, 0 FROM new_months WHERE sales > 0
    )
    INSERT INTO rollup_cohort_months AS r
        (company_id, month, slot, buyers, new_customers, back_30, back_90)
    SELECT company_id, month, (customer_id % 16)::smallint, sum(buyers), sum(new_customers),
           sum(back_30), sum(back_90)
    FROM moves
    GROUP BY company_id, month, (customer_id % 16)::smallint
    HAVING sum(buyers) <> 0 OR sum(new_customers) <> 0 OR sum(back_30) <> 0
        OR sum(back_90) <> 0
    ORDER BY company_id, month, 3
    ON CONFLICT (company_id, month, slot) DO UPDATE SET
        buyers = r.buyers + excluded.buyers,
        new_customers = r.new_customers + excluded.new_customers,
        back_30 = r.back_30 + excluded.back_30,
        back_90 = r.back_90 + excluded.back_90;
    PERFORM rebuild_referral_figures(p_customers);
END $$;

-- Folds every customer noted so far; returns how many. One fold at a time (advisory lock 7306):
-- a second caller waits for the first and folds what came after. A sale noted after this fold's
-- snapshot stays noted for the next; folding a customer twice makes the same rows.
CREATE FUNCTION fold_customer_purchases() RETURNS integer LANGUAGE plpgsql AS $$
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

-- As migration `cohorts_and_one_rollup_call` made it, the customer's lifetime, month, cohort and
-- referral upkeep now only a note for the fold.
CREATE OR REPLACE FUNCTION add_invoice_rollups(
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

-- As migration `merge_moves_rollups` made it: the days move to the kept customer, and both
-- customers are folded again (under the fold's lock, so no fold runs between).
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

-- The sale-by-sale upkeep the fold replaced.
DROP FUNCTION add_customer_purchase(bigint, bigint, date, bigint, integer, integer, numeric,
                                    numeric);
DROP FUNCTION refresh_customer_purchase_days(bigint, bigint);
DROP FUNCTION add_cohort_change(bigint, bigint, date, integer, date, date, date, date);
DROP FUNCTION copy_referral_figures(bigint, date, numeric);
DROP FUNCTION customer_purchase_days(bigint, bigint);
