-- Sales by Customer's first page in a blink at millions of customers. No period's net sales of
-- a customer can be more than the sum of their days' net sales where positive (a day's net: the
-- customer's row for a store and a day, sales less returns). That ceiling, kept on the lifetime
-- row and indexed, lets the report read customers from the highest ceiling down and stop once
-- its page's last customer has more than the next unread ceiling
-- (`reports::model::top_customers`); the index on the last purchase does the same for Last
-- Purchase, newest first. An invoice changes its day's ceiling by what it moves above zero: the
-- function reads the day's row after the reports step has written the invoice into it.

ALTER TABLE customer_purchases ADD COLUMN net_ceiling numeric(18,4) NOT NULL DEFAULT 0;
ALTER TABLE customer_purchases ALTER COLUMN net_ceiling DROP DEFAULT;
UPDATE customer_purchases p SET net_ceiling = c.ceiling
FROM (SELECT customer_id, company_id, sum(greatest(net, 0)) AS ceiling
      FROM (SELECT customer_id, company_id, store_id, day, sum(net_sales) AS net
            FROM rollup_customer_days GROUP BY customer_id, company_id, store_id, day) d
      GROUP BY customer_id, company_id) c
WHERE p.customer_id = c.customer_id AND p.company_id = c.company_id;
CREATE INDEX customer_purchases_by_ceiling
    ON customer_purchases (company_id, net_ceiling DESC, customer_id);
CREATE INDEX customer_purchases_by_last
    ON customer_purchases (company_id, last_purchase DESC NULLS LAST, customer_id);
-- New and Returning Customers counts first purchases from this index alone.
DROP INDEX customer_purchases_by_first;
CREATE INDEX customer_purchases_by_first
    ON customer_purchases (company_id, first_purchase) INCLUDE (second_purchase, customer_id);

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

CREATE OR REPLACE FUNCTION rebuild_customer_purchases() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL maintenance_work_mem = '256MB';
    -- Sorts of millions of rows in memory: 6 s to 4 s for the months at 2M invoices.
    SET LOCAL work_mem = '256MB';
    TRUNCATE customer_purchases, rollup_customer_months;
    DROP INDEX customer_purchases_by_value, customer_purchases_by_first,
               customer_purchases_by_ceiling, customer_purchases_by_last,
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
         first_purchase, second_purchase, last_purchase, last_store_id, net_ceiling)
    SELECT company_id, customer_id, sum(sales), sum(returns), sum(net_sales), sum(discount),
           min(day) FILTER (WHERE bought),
           min(day) FILTER (WHERE bought AND purchase = 2),
           max(day) FILTER (WHERE bought),
           (max(ARRAY[day - DATE '2000-01-01', store_id]) FILTER (WHERE bought))[2],
           sum(greatest(net_sales, 0))
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
        ON customer_purchases (company_id, first_purchase) INCLUDE (second_purchase, customer_id);
    CREATE INDEX customer_purchases_by_ceiling
        ON customer_purchases (company_id, net_ceiling DESC, customer_id);
    CREATE INDEX customer_purchases_by_last
        ON customer_purchases (company_id, last_purchase DESC NULLS LAST, customer_id);
    CREATE INDEX rollup_customer_months_by_value
        ON rollup_customer_months (company_id, month, net_sales DESC, customer_id)
        INCLUDE (sales);
END $$;
