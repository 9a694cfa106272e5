-- Merging two customer records moves the merged one's invoices to the kept one; their rollups
-- stayed behind, so the reports showed the merged (inactive) record's sales apart. The merge now
-- moves the customer days too and makes the kept customer's lifetime and month rows, cohort
-- counts and referral figures again from the days, as the rebuild would.

CREATE FUNCTION move_customer_rollups(p_from bigint, p_to bigint) RETURNS integer
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
