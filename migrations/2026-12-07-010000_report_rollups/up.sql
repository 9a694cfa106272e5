-- Daily rollups that reports read instead of the invoices: kept by the invoice pipeline's
-- reports step inside each sale's transaction (cancel subtracts), rebuilt from the invoices by
-- `patron reports rebuild`. Days are business days (`business_day`). A sale adds to the row
-- of its slot (its invoice id modulo 16), so tills selling at once to one customer, one store
-- or one sales person add to different rows and never queue on one; reports sum the slots.

CREATE TABLE rollup_customer_days (
    company_id   bigint NOT NULL REFERENCES companies,
    day          date NOT NULL,
    customer_id  bigint NOT NULL REFERENCES customers,
    store_id     bigint NOT NULL REFERENCES stores,
    slot         smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    sales        integer NOT NULL,
    returns      integer NOT NULL,
    net_sales    numeric(18,4) NOT NULL,
    discount     numeric(18,4) NOT NULL,
    PRIMARY KEY (customer_id, store_id, day, slot)
);
CREATE INDEX rollup_customer_days_by_day ON rollup_customer_days (company_id, day);
CREATE INDEX rollup_customer_days_by_store ON rollup_customer_days (store_id, day);

CREATE TABLE rollup_store_days (
    company_id       bigint NOT NULL REFERENCES companies,
    day              date NOT NULL,
    store_id         bigint NOT NULL REFERENCES stores,
    sales_person_id  bigint REFERENCES sales_persons,
    slot             smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    sales            integer NOT NULL,
    returns          integer NOT NULL,
    net_sales        numeric(18,4) NOT NULL,
    discount         numeric(18,4) NOT NULL,
    delivery         numeric(18,4) NOT NULL,
    CONSTRAINT rollup_store_days_key
        UNIQUE NULLS NOT DISTINCT (store_id, day, sales_person_id, slot)
);
CREATE INDEX rollup_store_days_by_day ON rollup_store_days (company_id, day);

CREATE TABLE rollup_delivery_days (
    company_id  bigint NOT NULL REFERENCES companies,
    day         date NOT NULL,
    store_id    bigint NOT NULL REFERENCES stores,
    label       text NOT NULL,
    slot        smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    charges     integer NOT NULL,
    amount      numeric(18,4) NOT NULL,
    PRIMARY KEY (store_id, day, label, slot)
);
CREATE INDEX rollup_delivery_days_by_day ON rollup_delivery_days (company_id, day);
