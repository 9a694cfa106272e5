DROP FUNCTION add_invoice_rollups(bigint, smallint, bigint, date, bigint, bigint, bigint, text,
    integer, integer, numeric, numeric, numeric, boolean, boolean);
DROP FUNCTION rebuild_cohort_months();
DROP TABLE rollup_cohort_months;
DROP FUNCTION rebuild_referral_figures(bigint[]);
DROP FUNCTION refresh_referral_coupons(bigint);
DROP FUNCTION referral_coupons_used(referral_registrations);

-- The lifetime functions as they were before the cohort counters.
CREATE OR REPLACE FUNCTION add_customer_purchase(
    p_company bigint, p_customer bigint, p_day date, p_store bigint,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    bought date := CASE WHEN p_sales > 0 THEN p_day END;
    written integer;
    also integer;
    day_net numeric;
BEGIN
    IF EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_customer) THEN
        RETURN 0;
    END IF;
    -- The day's row, the invoice already in it (the reports step writes it first).
    SELECT coalesce(sum(net_sales), 0) INTO day_net FROM rollup_customer_days
    WHERE customer_id = p_customer AND store_id = p_store AND day = p_day;
    INSERT INTO customer_purchases AS r
        (company_id, customer_id, sales, returns, net_sales, discount,
         first_purchase, second_purchase, last_purchase, last_store_id, net_ceiling)
    VALUES (p_company, p_customer, p_sales, p_returns, p_net, p_discount,
            bought, NULL, bought, CASE WHEN bought IS NOT NULL THEN p_store END,
            greatest(day_net, 0) - greatest(day_net - p_net, 0))
    ON CONFLICT (customer_id, company_id) DO UPDATE SET
        sales = r.sales + excluded.sales,
        returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales,
        discount = r.discount + excluded.discount,
        net_ceiling = r.net_ceiling + excluded.net_ceiling,
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
            ELSE r.last_store_id END;
    GET DIAGNOSTICS written = ROW_COUNT;
    INSERT INTO rollup_customer_months AS r
        (company_id, month, customer_id, sales, returns, net_sales, discount)
    VALUES (p_company, date_trunc('month', p_day)::date, p_customer, p_sales, p_returns, p_net,
            p_discount)
    ON CONFLICT (customer_id, month) DO UPDATE SET
        sales = r.sales + excluded.sales,
        returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales,
        discount = r.discount + excluded.discount;
    GET DIAGNOSTICS also = ROW_COUNT;
    RETURN written + also;
END $$;

CREATE OR REPLACE FUNCTION refresh_customer_purchase_days(p_company bigint, p_customer bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    IF EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_customer) THEN
        RETURN 0;
    END IF;
    UPDATE customer_purchases p
    SET first_purchase = d.first_purchase, second_purchase = d.second_purchase,
        last_purchase = d.last_purchase, last_store_id = d.last_store_id
    FROM customer_purchase_days(p_company, p_customer) d
    WHERE p.customer_id = p_customer AND p.company_id = p_company;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;
DROP FUNCTION add_cohort_change(bigint, bigint, date, integer, date, date, date, date);
DROP FUNCTION copy_referral_figures(bigint, date, numeric);
DROP INDEX referral_registrations_customer_coupon_idx, referral_registrations_referrer_coupon_idx;
ALTER TABLE referral_registrations
    DROP COLUMN first_purchase, DROP COLUMN revenue, DROP COLUMN coupons_used;
