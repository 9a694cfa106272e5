-- What offers and coupons brought in, per business day: kept by the reports step with the other
-- rollups (slots as there), rebuilt by `patron reports rebuild`.

CREATE TABLE rollup_offer_days (
    company_id  bigint NOT NULL REFERENCES companies,
    day         date NOT NULL,
    offer_id    bigint NOT NULL REFERENCES offers,
    store_id    bigint NOT NULL REFERENCES stores,
    slot        smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    sales       integer NOT NULL,
    discount    numeric(18,4) NOT NULL,
    free_qty    numeric(18,4) NOT NULL,
    revenue     numeric(18,4) NOT NULL,
    PRIMARY KEY (offer_id, store_id, day, slot)
);
CREATE INDEX rollup_offer_days_by_day ON rollup_offer_days (company_id, day);

CREATE TABLE rollup_coupon_days (
    company_id  bigint NOT NULL REFERENCES companies,
    day         date NOT NULL,
    coupon_id   bigint NOT NULL REFERENCES coupons,
    slot        smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    uses        integer NOT NULL,
    discount    numeric(18,4) NOT NULL,
    revenue     numeric(18,4) NOT NULL,
    PRIMARY KEY (coupon_id, day, slot)
);
CREATE INDEX rollup_coupon_days_by_day ON rollup_coupon_days (company_id, day);
