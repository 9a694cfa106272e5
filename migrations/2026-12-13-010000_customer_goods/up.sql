-- "Bought an item, an item group or a brand in the last N days" joined every invoice and line
-- of the period: 8 s for an item group over a year at 1,000,000 customers. `customer_goods` is
-- one row per company, customer and item they ever bought: the last business day of a submitted
-- sale (not cancelled, not a return) with that item. `customer_goods_groups` and
-- `customer_goods_brands` say the same per item group (the item's own group) and per brand: a
-- group holds a hundred items, and reading its customers item by item read more than twice as
-- many rows as there are customers and hashed them all. A count reads the rows of its item, of
-- its group and the groups below it (`item_groups.lineage`, at count time: moving a group under
-- another parent needs no upkeep here), or of its brand, from the period's first day on,
-- index-only.
--
-- Kept by the fold, as the facts are: a sale, a return, a cancel and a merge note the customer
-- (`add_invoice_rollups`, `move_customer_rollups`), and `refold_customers` makes the noted
-- customers' rows again from their invoices (by `invoices_customer_idx`, then the lines by
-- invoice). `patron reports rebuild` makes everyone's again. Moving an item to another group or
-- brand makes the group and brand rows of its buyers again, in the same transaction (trigger
-- below).

CREATE TABLE customer_goods (
    company_id  bigint NOT NULL,
    customer_id bigint NOT NULL,
    item_id     bigint NOT NULL,
    last_day    date NOT NULL
);
CREATE TABLE customer_goods_groups (
    company_id    bigint NOT NULL,
    customer_id   bigint NOT NULL,
    item_group_id bigint NOT NULL,
    last_day      date NOT NULL
);
CREATE TABLE customer_goods_brands (
    company_id  bigint NOT NULL,
    customer_id bigint NOT NULL,
    brand_id    bigint NOT NULL,
    last_day    date NOT NULL
);

-- The group and brand rows of the customers (`p_companies`[i], `p_customers`[i]) made again from
-- their item rows and the catalogue as it is (NULL arrays: everyone's).
CREATE FUNCTION refold_customer_goods_sets(p_companies bigint[], p_customers bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_customers IS NULL THEN
        TRUNCATE customer_goods_groups, customer_goods_brands;
        INSERT INTO customer_goods_groups (company_id, customer_id, item_group_id, last_day)
        SELECT g.company_id, g.customer_id, i.item_group_id, max(g.last_day)
        FROM customer_goods g JOIN items i ON i.id = g.item_id
        GROUP BY g.company_id, g.customer_id, i.item_group_id
        ORDER BY 1, 2, 3;
        INSERT INTO customer_goods_brands (company_id, customer_id, brand_id, last_day)
        SELECT g.company_id, g.customer_id, i.brand_id, max(g.last_day)
        FROM customer_goods g JOIN items i ON i.id = g.item_id
        WHERE i.brand_id IS NOT NULL
        GROUP BY g.company_id, g.customer_id, i.brand_id
        ORDER BY 1, 2, 3;
        RETURN;
    END IF;
    -- A few rows per customer: taken out and put back, from the customers' item rows read once.
    WITH gone AS (
        DELETE FROM customer_goods_groups x
        USING unnest(p_companies, p_customers) AS p(company_id, customer_id)
        WHERE x.company_id = p.company_id AND x.customer_id = p.customer_id
        RETURNING 1
    )
    DELETE FROM customer_goods_brands x
    USING unnest(p_companies, p_customers) AS p(company_id, customer_id)
    WHERE x.company_id = p.company_id AND x.customer_id = p.customer_id;
    WITH bought AS MATERIALIZED (
        SELECT g.company_id, g.customer_id, i.item_group_id, i.brand_id, g.last_day
        FROM (SELECT DISTINCT company_id, customer_id
              FROM unnest(p_companies, p_customers) AS u(company_id, customer_id)) p
        JOIN customer_goods g USING (company_id, customer_id)
        JOIN items i ON i.id = g.item_id
    ), groups AS (
        INSERT INTO customer_goods_groups (company_id, customer_id, item_group_id, last_day)
        SELECT company_id, customer_id, item_group_id, max(last_day) FROM bought
        GROUP BY company_id, customer_id, item_group_id
        ORDER BY 1, 2, 3
        RETURNING 1
    )
    INSERT INTO customer_goods_brands (company_id, customer_id, brand_id, last_day)
    SELECT company_id, customer_id, brand_id, max(last_day) FROM bought
    WHERE brand_id IS NOT NULL
    GROUP BY company_id, customer_id, brand_id
    ORDER BY 1, 2, 3;
END $$;

-- The item rows of the customers (`p_companies`[i], `p_customers`[i]) made again from their
-- invoices, then their group and brand rows (NULL arrays: everyone's). A store's default
-- customer (the Walk-in) has none: no segment counts them, and their invoices are most of all.
-- The caller holds the fold lock.
CREATE FUNCTION refold_customer_goods(p_companies bigint[], p_customers bigint[])
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
    -- Rows that changed are updated, new ones added, gone ones (a cancel, a merge) deleted:
    -- most folds follow a sale that moved a few days on, and untouched rows stay as they are.
    WITH pairs AS (
        SELECT DISTINCT company_id, customer_id
        FROM unnest(p_companies, p_customers) AS u(company_id, customer_id)
        WHERE customer_id NOT IN (SELECT default_customer_id FROM pos_profiles
                                  WHERE default_customer_id IS NOT NULL)
    ), fresh AS (
        SELECT i.company_id, i.customer_id, l.item_id,
               business_day(max(i.posted_at), c.time_zone) AS last_day
        FROM pairs p
        JOIN invoices i ON i.customer_id = p.customer_id AND i.company_id = p.company_id
        JOIN companies c ON c.id = i.company_id
        JOIN invoice_lines l ON l.invoice_id = i.id
        WHERE i.status = 'submitted' AND i.return_against_id IS NULL
        GROUP BY i.company_id, i.customer_id, l.item_id, c.time_zone
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

-- The fold makes the figures and the facts as before, then the goods.
CREATE OR REPLACE FUNCTION refold_customers(p_companies bigint[], p_customers bigint[],
                                            p_months date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refold_customer_figures(p_companies, p_customers, p_months);
    PERFORM refold_customer_facts(p_companies, p_customers);
    PERFORM refold_customer_goods(p_companies, p_customers);
END $$;

-- The customers who bought items `p_items` get their group and brand rows made again, under the
-- fold's lock (a fold running meanwhile would write them from the catalogue it saw).
CREATE FUNCTION refold_buyers_of(p_items bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_companies bigint[];
    v_customers bigint[];
BEGIN
    IF cardinality(p_items) IS NULL OR cardinality(p_items) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(7306, 0);
    -- Company by company: the items' index leads with it.
    SELECT array_agg(company_id), array_agg(customer_id) INTO v_companies, v_customers
    FROM (SELECT DISTINCT company_id, customer_id FROM customer_goods
          WHERE company_id = ANY (ARRAY(SELECT id FROM companies))
            AND item_id = ANY (p_items)) b;
    IF v_customers IS NOT NULL THEN
        PERFORM refold_customer_goods_sets(v_companies, v_customers);
    END IF;
END $$;

-- An item moved to another group or brand.
CREATE FUNCTION customer_goods_item_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refold_buyers_of(array_agg(n.id))
    FROM moved_from o JOIN moved_to n ON n.id = o.id
    WHERE (o.item_group_id, o.brand_id) IS DISTINCT FROM (n.item_group_id, n.brand_id);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_goods_item_moved AFTER UPDATE ON items
    REFERENCING OLD TABLE AS moved_from NEW TABLE AS moved_to
    FOR EACH STATEMENT EXECUTE FUNCTION customer_goods_item_moved();

-- Filled before their indexes are made: one sort each instead of millions of insertions.
SELECT refold_customer_goods(NULL, NULL);
ALTER TABLE customer_goods ADD PRIMARY KEY (company_id, customer_id, item_id);
ALTER TABLE customer_goods_groups ADD PRIMARY KEY (company_id, customer_id, item_group_id);
ALTER TABLE customer_goods_brands ADD PRIMARY KEY (company_id, customer_id, brand_id);
-- What a count reads: the rows of some items, groups or a brand of a company from a day on,
-- their customers without a visit to the table.
CREATE INDEX customer_goods_by_item ON customer_goods (company_id, item_id, last_day)
    INCLUDE (customer_id);
CREATE INDEX customer_goods_groups_by_group
    ON customer_goods_groups (company_id, item_group_id, last_day) INCLUDE (customer_id);
CREATE INDEX customer_goods_brands_by_brand
    ON customer_goods_brands (company_id, brand_id, last_day) INCLUDE (customer_id);
ANALYZE customer_goods, customer_goods_groups, customer_goods_brands;
