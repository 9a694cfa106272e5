-- Referral codes: a customer shares a code; a new customer registered with it gets a single-use
-- gift card coupon for the code's Customer Offer, and the referrer one for its Primary Offer
-- (at registration, or with the new customer's first purchase).
--
-- `registrations` is counted with one conditional UPDATE (`registrations < max_registrations`)
-- inside the customer create's transaction, so that tills registering at the same moment can
-- never take a code past its cap.
CREATE TABLE referral_codes (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id         bigint NOT NULL REFERENCES companies (id),
    code               text NOT NULL CHECK (code = upper(code) AND length(code) BETWEEN 4 AND 40),
    customer_id        bigint NOT NULL REFERENCES customers (id),
    campaign_id        bigint REFERENCES campaigns (id),
    customer_offer_id  bigint NOT NULL REFERENCES offers (id),
    primary_offer_id   bigint REFERENCES offers (id),
    disabled           boolean NOT NULL DEFAULT false,
    -- Empty: no cap.
    max_registrations  integer CHECK (max_registrations > 0),
    registrations      integer NOT NULL DEFAULT 0 CHECK (registrations >= 0),
    reward_referrer    text NOT NULL DEFAULT 'at_registration'
                       CHECK (reward_referrer IN ('at_registration', 'first_purchase')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (max_registrations IS NULL OR registrations <= max_registrations)
);
CREATE UNIQUE INDEX referral_codes_code_key ON referral_codes (company_id, code);
CREATE INDEX referral_codes_customer_idx ON referral_codes (customer_id);
CREATE INDEX referral_codes_campaign_idx ON referral_codes (campaign_id) WHERE campaign_id IS NOT NULL;

-- A customer is referred once: the unique customer_id also makes a till's retried create (which
-- would race past the uuid check) unable to make a second pair of coupons.
CREATE TABLE referral_registrations (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_code_id    bigint NOT NULL REFERENCES referral_codes (id),
    referrer_id         bigint NOT NULL REFERENCES customers (id),
    customer_id         bigint NOT NULL REFERENCES customers (id),
    customer_coupon_id  bigint NOT NULL REFERENCES coupons (id),
    -- Empty until the referrer is rewarded (at once, or with the first purchase).
    referrer_coupon_id  bigint REFERENCES coupons (id),
    -- The first purchase that rewarded the referrer; a cancel of it withdraws an unused coupon.
    reward_invoice_id   bigint REFERENCES invoices (id),
    store_id            bigint REFERENCES stores (id),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX referral_registrations_customer_key ON referral_registrations (customer_id);
CREATE INDEX referral_registrations_code_idx ON referral_registrations (referral_code_id, created_at);
CREATE INDEX referral_registrations_referrer_idx ON referral_registrations (referrer_id);
CREATE INDEX referral_registrations_created_idx ON referral_registrations (created_at);
CREATE INDEX referral_registrations_reward_invoice_idx ON referral_registrations (reward_invoice_id)
    WHERE reward_invoice_id IS NOT NULL;

-- A company's referral defaults: whether customers created at HQ get a code automatically, and
-- what an automatic code carries (set once per company, on the company page).
CREATE TABLE referral_defaults (
    company_id         bigint PRIMARY KEY REFERENCES companies (id),
    auto_create        boolean NOT NULL DEFAULT false,
    campaign_id        bigint REFERENCES campaigns (id),
    customer_offer_id  bigint REFERENCES offers (id),
    primary_offer_id   bigint REFERENCES offers (id),
    max_registrations  integer CHECK (max_registrations > 0),
    reward_referrer    text NOT NULL DEFAULT 'at_registration'
                       CHECK (reward_referrer IN ('at_registration', 'first_purchase')),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
