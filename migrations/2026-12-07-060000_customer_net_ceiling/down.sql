-- The functions as migration `customer_purchases` made them, without the ceiling.
DROP INDEX customer_purchases_by_ceiling, customer_purchases_by_last, customer_purchases_by_first;
CREATE INDEX customer_purchases_by_first
    ON customer_purchases (company_id, first_purchase) INCLUDE (second_purchase);
ALTER TABLE customer_purchases DROP COLUMN net_ceiling;
CREATE OR REPLACE FUNCTION add_customer_purchase(
    p_company bigint, p_customer bigint, p_day date, p_store bigint,
    p_sales integer, p_returns integer, p_net numeric, p_discount numeric
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    bought date := CASE WHEN p_sales > 0 THEN p_day END;
    written integer;
    also integer;
BEGIN
    IF EXISTS (SELECT 1 FROM pos_profiles WHERE default_customer_id = p_customer) THEN
        RETURN 0;
    END IF;
    INSERT INTO customer_purchases AS r
        (company_id, customer_id, sales, returns, net_sales, discount,
         first_purchase, second_purchase, last_purchase, last_store_id)
    VALUES (p_company, p_customer, p_sales, p_returns, p_net, p_discount,
            bought, NULL, bought, CASE WHEN bought IS NOT NULL THEN p_store END)
    ON CONFLICT (customer_id, company_id) DO UPDATE SET
        sales = r.sales + excluded.sales,
        returns = r.returns + excluded.returns,
        net_sales = r.net_sales + excluded.net_sales,
        discount = r.discount + excluded.discount,
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

CREATE OR REPLACE FUNCTION rebuild_customer_purchases() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL maintenance_work_mem = '256MB';
    TRUNCATE customer_purchases, rollup_customer_months;
    DROP INDEX customer_purchases_by_value, customer_purchases_by_first,
               rollup_customer_months_by_value;
    INSERT INTO rollup_customer_months
        (company_id, month, customer_id, sales, returns, net_sales, discount)
    SELECT company_id, date_trunc('month', day)::date AS month, customer_id, sum(sales),
           sum(returns), sum(net_sales), sum(discount)
    FROM rollup_customer_days
    WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                              WHERE default_customer_id IS NOT NULL)
    GROUP BY customer_id, 2, company_id ORDER BY customer_id, 2;
    -- A day counts as a purchase when its sales outnumber its cancels, over slots and stores.
    INSERT INTO customer_purchases
        (company_id, customer_id, sales, returns, net_sales, discount,
         first_purchase, second_purchase, last_purchase, last_store_id)
    SELECT company_id, customer_id, sum(sales), sum(returns), sum(net_sales), sum(discount),
           min(day) FILTER (WHERE bought),
           min(day) FILTER (WHERE bought AND purchase = 2),
           max(day) FILTER (WHERE bought),
           (max(ARRAY[day - DATE '2000-01-01', store_id]) FILTER (WHERE bought))[2]
    FROM (SELECT company_id, customer_id, store_id, day, sales, returns, net_sales, discount,
                 bought,
                 CASE WHEN bought THEN dense_rank() OVER (
                     PARTITION BY customer_id, company_id, bought ORDER BY day) END AS purchase
          FROM (SELECT company_id, customer_id, store_id, day, sum(sales)::int AS sales,
                       sum(returns)::int AS returns, sum(net_sales) AS net_sales,
                       sum(discount) AS discount, sum(sales) > 0 AS bought
                FROM rollup_customer_days
                WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                          WHERE default_customer_id IS NOT NULL)
                GROUP BY customer_id, company_id, store_id, day) d
         ) ranked
    GROUP BY customer_id, company_id ORDER BY customer_id, company_id;
    CREATE INDEX customer_purchases_by_value
        ON customer_purchases (company_id, net_sales DESC, customer_id);
    CREATE INDEX customer_purchases_by_first
        ON customer_purchases (company_id, first_purchase) INCLUDE (second_purchase);
    CREATE INDEX rollup_customer_months_by_value
        ON rollup_customer_months (company_id, month, net_sales DESC, customer_id)
        INCLUDE (sales);
END $$;
