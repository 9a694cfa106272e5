-- The sale-by-sale upkeep as migration `cohorts_and_one_rollup_call` and `merge_moves_rollups` left it.

CREATE OR REPLACE FUNCTION customer_purchase_days(p_company bigint, p_customer bigint)
RETURNS TABLE (first_purchase date, second_purchase date, last_purchase date, last_store_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT min(day), (array_agg(DISTINCT day ORDER BY day))[2], max(day),
           (max(ARRAY[day - DATE '2000-01-01', store_id]))[2]
    FROM (SELECT day, store_id FROM rollup_customer_days
          WHERE customer_id = p_customer AND company_id = p_company
          GROUP BY day, store_id HAVING sum(sales) > 0) bought
$$;

CREATE OR REPLACE FUNCTION add_cohort_change(
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

CREATE OR REPLACE FUNCTION copy_referral_figures(p_customer bigint, p_first date, p_net numeric)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referral_registrations SET first_purchase = p_first, revenue = p_net
    WHERE customer_id = p_customer;
END $$;

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

CREATE OR REPLACE FUNCTION move_customer_rollups(p_from bigint, p_to bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
    r record;
BEGIN
    -- Both lifetime rows locked, lower id first: a sale to either waits for the merge.
    PERFORM 1 FROM customer_purchases WHERE customer_id IN (p_from, p_to)
    ORDER BY customer_id, company_id FOR UPDATE;
    -- Both customers leave the cohort counts; the kept one comes back below.
    FOR r IN SELECT company_id, customer_id, first_purchase, second_purchase
             FROM customer_purchases WHERE customer_id IN (p_from, p_to) LOOP
        PERFORM add_cohort_change(r.company_id, r.customer_id, NULL, 0,
                                  r.first_purchase, r.second_purchase, NULL, NULL);
    END LOOP;
    FOR r IN SELECT company_id, customer_id, month FROM rollup_customer_months
             WHERE customer_id IN (p_from, p_to) AND sales > 0 ORDER BY month LOOP
        PERFORM add_cohort_change(r.company_id, r.customer_id, r.month, -1,
                                  NULL, NULL, NULL, NULL);
    END LOOP;
    DELETE FROM customer_purchases WHERE customer_id IN (p_from, p_to);
    DELETE FROM rollup_customer_months WHERE customer_id IN (p_from, p_to);

    INSERT INTO rollup_customer_days AS d
        (company_id, day, customer_id, store_id, slot, sales, returns, net_sales, discount)
    SELECT company_id, day, p_to, store_id, slot, sales, returns, net_sales, discount
    FROM rollup_customer_days WHERE customer_id = p_from
    ON CONFLICT (customer_id, store_id, day, slot) DO UPDATE SET
        sales = d.sales + excluded.sales, returns = d.returns + excluded.returns,
        net_sales = d.net_sales + excluded.net_sales, discount = d.discount + excluded.discount;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DELETE FROM rollup_customer_days WHERE customer_id = p_from;

    -- A store's default customer keeps no lifetime or month rows.
    IF NOT EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_to) THEN
        INSERT INTO rollup_customer_months
            (company_id, month, customer_id, sales, returns, net_sales, discount)
        SELECT company_id, date_trunc('month', day)::date, p_to, sum(sales), sum(returns),
               sum(net_sales), sum(discount)
        FROM rollup_customer_days WHERE customer_id = p_to
        GROUP BY company_id, 2;
        INSERT INTO customer_purchases
            (company_id, customer_id, sales, returns, net_sales, discount,
             first_purchase, second_purchase, last_purchase, last_store_id, net_ceiling)
        SELECT t.company_id, p_to, t.sales, t.returns, t.net_sales, t.discount,
               p.first_purchase, p.second_purchase, p.last_purchase, p.last_store_id, t.ceiling
        FROM (SELECT company_id, sum(sales)::int AS sales, sum(returns)::int AS returns,
                     sum(net_sales) AS net_sales, sum(discount) AS discount,
                     sum(greatest(net_sales, 0)) AS ceiling
              FROM (SELECT company_id, sum(sales) AS sales, sum(returns) AS returns,
                           sum(net_sales) AS net_sales, sum(discount) AS discount
                    FROM rollup_customer_days WHERE customer_id = p_to
                    GROUP BY company_id, store_id, day) per_day
              GROUP BY company_id) t
        CROSS JOIN LATERAL customer_purchase_days(t.company_id, p_to) p;
        FOR r IN SELECT company_id, first_purchase, second_purchase
                 FROM customer_purchases WHERE customer_id = p_to LOOP
            PERFORM add_cohort_change(r.company_id, p_to, NULL, 0,
                                      NULL, NULL, r.first_purchase, r.second_purchase);
        END LOOP;
        FOR r IN SELECT company_id, month FROM rollup_customer_months
                 WHERE customer_id = p_to AND sales > 0 ORDER BY month LOOP
            PERFORM add_cohort_change(r.company_id, p_to, r.month, 1, NULL, NULL, NULL, NULL);
        END LOOP;
    END IF;

    -- The registrations of either (the referrals' merge may have moved one) follow.
    PERFORM rebuild_referral_figures(ARRAY[p_from, p_to]);
    RETURN moved;
END $$;

CREATE OR REPLACE FUNCTION rebuild_referral_figures(p_customers bigint[] DEFAULT NULL) RETURNS void
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

DROP FUNCTION fold_customer_purchases();
DROP FUNCTION refold_customers(bigint[], bigint[], date[]);
DROP TABLE customer_purchase_queue;
