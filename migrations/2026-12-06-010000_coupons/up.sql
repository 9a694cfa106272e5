-- Coupons: codes that make a coupon-based offer apply to a sale, and every use of one.
--
-- A coupon's `used` counter is kept by the invoice pipeline with one conditional UPDATE per sale
-- (`used < maximum_use`), never read-modify-write, so that tills submitting at the same moment
-- can never use a coupon more often than it allows. A redemption row says which invoice used it
-- for whom; a cancel releases it (the use and the One Use slot come back) rather than deleting
-- the history.
CREATE TABLE coupon_batches (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id   bigint NOT NULL REFERENCES companies (id),
    offer_id     bigint NOT NULL REFERENCES offers (id),
    campaign_id  bigint REFERENCES campaigns (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 140),
    prefix       text NOT NULL DEFAULT '' CHECK (prefix = upper(prefix) AND length(prefix) <= 12),
    requested    integer NOT NULL CHECK (requested BETWEEN 1 AND 100000),
    maximum_use  integer NOT NULL DEFAULT 1 CHECK (maximum_use >= 0),
    one_use      boolean NOT NULL DEFAULT false,
    valid_from   date,
    valid_upto   date CHECK (valid_upto >= valid_from),
    -- running, done or failed. The codes are written in one transaction: a failed batch made none.
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    message      text NOT NULL DEFAULT '',
    -- How many are made so far (a long batch shows its progress from a second connection).
    made         integer NOT NULL DEFAULT 0,
    finished_at  timestamptz,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE coupons (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id   bigint NOT NULL REFERENCES companies (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 140),
    coupon_type  text NOT NULL CHECK (coupon_type IN ('promotional', 'gift_card')),
    code         text NOT NULL CHECK (code = upper(code) AND length(code) BETWEEN 4 AND 40),
    offer_id     bigint NOT NULL REFERENCES offers (id),
    campaign_id  bigint REFERENCES campaigns (id),
    -- Empty: the offer's own dates.
    valid_from   date,
    valid_upto   date CHECK (valid_upto >= valid_from),
    -- 0: unlimited.
    maximum_use  integer NOT NULL DEFAULT 0 CHECK (maximum_use >= 0),
    used         integer NOT NULL DEFAULT 0 CHECK (used >= 0),
    one_use      boolean NOT NULL DEFAULT false,
    customer_id  bigint REFERENCES customers (id),
    disabled     boolean NOT NULL DEFAULT false,
    batch_id     bigint REFERENCES coupon_batches (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (maximum_use = 0 OR used <= maximum_use),
    -- A gift card coupon is one customer's, for one use.
    CHECK (coupon_type = 'promotional' OR (customer_id IS NOT NULL AND maximum_use = 1))
-- Room on each page so that counting a use (no indexed column changes) stays a HOT update.
) WITH (fillfactor = 80);
-- Code first: validation looks a code up before it knows the company (to tell "another
-- company's"), and the same index keeps codes unique per company.
CREATE UNIQUE INDEX coupons_code_key ON coupons (code, company_id);
CREATE INDEX coupons_offer_idx ON coupons (offer_id);
CREATE INDEX coupons_campaign_idx ON coupons (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX coupons_customer_idx ON coupons (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX coupons_batch_idx ON coupons (batch_id) WHERE batch_id IS NOT NULL;

CREATE TABLE coupon_redemptions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    coupon_id    bigint NOT NULL REFERENCES coupons (id),
    invoice_id   bigint NOT NULL REFERENCES invoices (id),
    customer_id  bigint NOT NULL REFERENCES customers (id),
    -- The coupon's One Use when it was redeemed (a partial unique index can only read its row).
    one_use      boolean NOT NULL,
    -- Set by the invoice's cancel: the use is given back.
    released_at  timestamptz,
    -- Once per invoice; invoice first, as a cancel looks its redemptions up by invoice.
    UNIQUE (invoice_id, coupon_id)
);
-- One Use: a customer holds at most one live redemption of such a coupon.
CREATE UNIQUE INDEX coupon_redemptions_one_use_key ON coupon_redemptions (coupon_id, customer_id)
    WHERE one_use AND released_at IS NULL;
CREATE INDEX coupon_redemptions_customer_idx ON coupon_redemptions (customer_id);
