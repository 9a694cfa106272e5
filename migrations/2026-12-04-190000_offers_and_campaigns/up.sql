-- Campaigns, offers and the versions of each offer, and which offer versions each invoice used.
--
-- An offer is never deleted and never edited in place: a save closes the version in force
-- (in_force_until) and opens the next, so that an invoice posted while an older version was in
-- force is checked against that one. `offers` holds what does not change between versions (the
-- company, the feed's cursor), what needs no history (the description), the current title (unique
-- per company) and the number of the current version. Who saved each version is in the audit log.
CREATE TABLE campaigns (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id      bigint NOT NULL REFERENCES companies (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    start_date      date NOT NULL,
    end_date        date CHECK (end_date >= start_date),
    active          boolean NOT NULL DEFAULT true,
    -- None: no budget.
    budget          numeric(18, 4) CHECK (budget >= 0),
    -- The discount its offers gave on invoices that are not cancelled, kept by the invoice
    -- pipeline with one increment per invoice (never read-modify-write).
    discount_given  numeric(18, 4) NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX campaigns_name_key ON campaigns (company_id, lower(name));

CREATE TABLE offers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies (id),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 140),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    current_version  integer NOT NULL DEFAULT 1,
    -- The change feed's cursor (see change_feed_sequencer): empty while a save is pending.
    change_seq       bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX offers_title_key ON offers (company_id, lower(title));
CREATE INDEX offers_change_seq_idx ON offers (change_seq);
CREATE INDEX offers_change_pending_idx ON offers (id) WHERE change_seq IS NULL;

CREATE TABLE offer_versions (
    offer_id             bigint NOT NULL REFERENCES offers (id),
    version              integer NOT NULL CHECK (version >= 1),
    in_force_from        timestamptz NOT NULL,
    -- None: the current version.
    in_force_until       timestamptz CHECK (in_force_until >= in_force_from),
    title                text NOT NULL CHECK (length(title) BETWEEN 1 AND 140),
    disabled             boolean NOT NULL DEFAULT false,
    pos_profile_id       bigint REFERENCES pos_profiles (id),
    warehouse            text CHECK (length(warehouse) BETWEEN 1 AND 140),
    customer_group_id    bigint REFERENCES customer_groups (id),
    apply_on             text NOT NULL CHECK (apply_on IN ('item_code', 'item_group', 'brand', 'transaction')),
    -- The item, item group or brand it applies on (checked by the application: one column for
    -- the three keeps the row within what Diesel maps).
    apply_on_id          bigint,
    offer_type           text NOT NULL CHECK (offer_type IN ('item_price', 'give_product', 'grand_total', 'loyalty_point')),
    min_qty              numeric(18, 4) NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    max_qty              numeric(18, 4) NOT NULL DEFAULT 0 CHECK (max_qty >= 0),
    min_amount           numeric(18, 4) NOT NULL DEFAULT 0 CHECK (min_amount >= 0),
    max_amount           numeric(18, 4) NOT NULL DEFAULT 0 CHECK (max_amount >= 0),
    valid_from           date NOT NULL,
    valid_upto           date CHECK (valid_upto >= valid_from),
    discount_type        text NOT NULL CHECK (discount_type IN ('percentage', 'amount')),
    rate                 numeric(18, 4) NOT NULL DEFAULT 0 CHECK (rate >= 0),
    discount_percentage  numeric(7, 4) NOT NULL DEFAULT 0 CHECK (discount_percentage BETWEEN 0 AND 100),
    discount_amount      numeric(18, 4) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    max_discount         numeric(18, 4) NOT NULL DEFAULT 0 CHECK (max_discount >= 0),
    auto                 boolean NOT NULL,
    given_item_id        bigint REFERENCES items (id),
    given_qty            numeric(18, 4) NOT NULL DEFAULT 0 CHECK (given_qty >= 0),
    recurring            boolean NOT NULL DEFAULT false,
    replace              text NOT NULL DEFAULT 'none' CHECK (replace IN ('none', 'same_item', 'cheapest_item')),
    loyalty_points       bigint NOT NULL DEFAULT 0 CHECK (loyalty_points >= 0),
    campaign_id          bigint REFERENCES campaigns (id),
    priority             integer NOT NULL DEFAULT 10,
    PRIMARY KEY (offer_id, version),
    CHECK ((apply_on = 'transaction') = (apply_on_id IS NULL))
);
CREATE INDEX offer_versions_campaign_idx ON offer_versions (campaign_id) WHERE campaign_id IS NOT NULL;

-- Every save of an offer or a campaign in a company changes its token: whoever keeps the offers
-- in memory (the invoice pipeline, the cart evaluator) reloads when the token it holds is stale.
CREATE TABLE offer_revisions (
    company_id  bigint PRIMARY KEY REFERENCES companies (id),
    token       uuid NOT NULL
);

-- The offer versions an invoice used, with what each gave on it.
CREATE TABLE invoice_offers (
    invoice_id     bigint NOT NULL REFERENCES invoices (id),
    offer_id       bigint NOT NULL,
    offer_version  integer NOT NULL,
    campaign_id    bigint REFERENCES campaigns (id),
    -- Line and grand-total discounts, plus what its free units are worth at list price.
    discount       numeric(18, 4) NOT NULL DEFAULT 0,
    free_qty       numeric(18, 4) NOT NULL DEFAULT 0,
    bonus_points   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (invoice_id, offer_id),
    FOREIGN KEY (offer_id, offer_version) REFERENCES offer_versions (offer_id, version)
);
CREATE INDEX invoice_offers_offer_idx ON invoice_offers (offer_id, invoice_id);

-- The grand-total offer: a discount on the net total, before delivery.
ALTER TABLE invoices
    ADD COLUMN grand_total_discount numeric(18, 4) NOT NULL DEFAULT 0,
    ADD COLUMN grand_total_offer text;

-- Offers join the change feed.
CREATE FUNCTION offers_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq THEN
        NEW.change_seq := NULL;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER offers_touch BEFORE UPDATE ON offers FOR EACH ROW EXECUTE FUNCTION offers_touch();

CREATE OR REPLACE FUNCTION patron_sequence_changes() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    customers_numbered bigint;
    items_numbered bigint;
    offers_numbered bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7303, 0) THEN
        RETURN -1;
    END IF;
    WITH pending AS (
        SELECT id FROM customers WHERE change_seq IS NULL ORDER BY id FOR UPDATE SKIP LOCKED
    )
    UPDATE customers c SET change_seq = nextval('sync_change_seq')
    FROM pending WHERE c.id = pending.id;
    GET DIAGNOSTICS customers_numbered = ROW_COUNT;
    WITH pending AS (
        SELECT id FROM items WHERE change_seq IS NULL ORDER BY id FOR UPDATE SKIP LOCKED
    )
    UPDATE items i SET change_seq = nextval('sync_change_seq')
    FROM pending WHERE i.id = pending.id;
    GET DIAGNOSTICS items_numbered = ROW_COUNT;
    WITH pending AS (
        SELECT id FROM offers WHERE change_seq IS NULL ORDER BY id FOR UPDATE SKIP LOCKED
    )
    UPDATE offers o SET change_seq = nextval('sync_change_seq')
    FROM pending WHERE o.id = pending.id;
    GET DIAGNOSTICS offers_numbered = ROW_COUNT;
    RETURN customers_numbered + items_numbered + offers_numbered;
END
$$;

-- Bonus points that a Loyalty Point offer gave are reversed with the invoice, like earned ones.
ALTER TABLE loyalty_point_entries DROP CONSTRAINT loyalty_point_entries_reverses_check,
    ADD CONSTRAINT loyalty_point_entries_reverses_check CHECK (reverses IN ('earn', 'redeem', 'bonus'));
