-- Each named customer's purchases per month and over all time, per company: what Lapsed
-- Customers, New and Returning Customers and the home's best customers of the month page
-- through in index order, without adding up every day of every customer. Kept by the invoice
-- pipeline's reports step beside the daily rollups (`add_customer_purchase`; a cancel puts the
-- purchase days back from the daily rows, `refresh_customer_purchase_days`) and made again by
-- `patron reports rebuild` (`rebuild_customer_purchases`). The stores' default customers (the
-- Walk-in) have no rows: every till of a store sells to them at once, so their rows would be
-- the hottest in the database, and these lists leave them out anyway. Like the other rollups
-- (migration `rollups_without_foreign_keys`), no foreign keys: derived figures, of things
-- never deleted.

CREATE TABLE customer_purchases (
    company_id       bigint NOT NULL,
    customer_id      bigint NOT NULL,
    sales            integer NOT NULL,
    returns          integer NOT NULL,
    net_sales        numeric(18,4) NOT NULL,
    discount         numeric(18,4) NOT NULL,
    -- Business days of the first sale, the first one after that day, and the last (returns
    -- are not purchases), and the store of the last; NULL until there is such a sale.
    first_purchase   date,
    second_purchase  date,
    last_purchase    date,
    last_store_id    bigint,
    PRIMARY KEY (customer_id, company_id)
);
CREATE INDEX customer_purchases_by_value
    ON customer_purchases (company_id, net_sales DESC, customer_id);
CREATE INDEX customer_purchases_by_first
    ON customer_purchases (company_id, first_purchase) INCLUDE (second_purchase);

CREATE TABLE rollup_customer_months (
    company_id   bigint NOT NULL,
    month        date NOT NULL CHECK (extract(day FROM month) = 1),
    customer_id  bigint NOT NULL,
    sales        integer NOT NULL,
    returns      integer NOT NULL,
    net_sales    numeric(18,4) NOT NULL,
    discount     numeric(18,4) NOT NULL,
    PRIMARY KEY (customer_id, month)
);
CREATE INDEX rollup_customer_months_by_value
    ON rollup_customer_months (company_id, month, net_sales DESC, customer_id) INCLUDE (sales);

-- Adds one invoice's figures (a cancel's are negative) on its business day `p_day`; a sale
-- (`p_sales` > 0) is a purchase on that day. Returns the rows written (2; none for a store's
-- default customer).
CREATE FUNCTION add_customer_purchase(
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

-- A customer's purchase days, from the daily rollups (a day with more sales than cancels).
CREATE FUNCTION customer_purchase_days(p_company bigint, p_customer bigint)
RETURNS TABLE (first_purchase date, second_purchase date, last_purchase date, last_store_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT min(day), (array_agg(DISTINCT day ORDER BY day))[2], max(day),
           (max(ARRAY[day - DATE '2000-01-01', store_id]))[2]
    FROM (SELECT day, store_id FROM rollup_customer_days
          WHERE customer_id = p_customer AND company_id = p_company
          GROUP BY day, store_id HAVING sum(sales) > 0) bought
$$;

-- Puts a customer's purchase days back from the daily rollups: after a cancel, which may take
-- any of them away. Returns the rows updated.
CREATE FUNCTION refresh_customer_purchase_days(p_company bigint, p_customer bigint)
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

-- Makes every row of both tables again from the daily rollups (`patron reports rebuild`, and
-- here, for the rollups already kept). Millions of rows: written in key order with the other
-- indexes dropped, then those indexed in one pass each.
CREATE FUNCTION rebuild_customer_purchases() RETURNS void LANGUAGE plpgsql AS $$
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

SELECT rebuild_customer_purchases();
