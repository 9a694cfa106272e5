-- The customer database. Search runs on folded (lower-case, accent-free) copies of name and email
-- and on the mobile number's digits; codes come from a sequence at HQ. The search columns use the
-- "C" collation so that plain btree indexes also serve prefix searches (LIKE 'abc%').
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes this
-- wrapper safe to declare IMMUTABLE, so that generated columns and indexes may use it.
CREATE FUNCTION patron_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));

-- One sequence for every table that terminals sync: the change feed reads `change_seq > cursor`.
CREATE SEQUENCE sync_change_seq;

CREATE SEQUENCE customer_code_seq;
-- CUST-00042, growing past CUST-99999 without truncation.
CREATE FUNCTION next_customer_code() RETURNS text
    LANGUAGE sql VOLATILE
    RETURN (SELECT 'CUST-' || CASE WHEN n < 100000 THEN lpad(n::text, 5, '0') ELSE n::text END
            FROM nextval('customer_code_seq') AS n);

CREATE TABLE customers (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                 uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    code                 text COLLATE "C" NOT NULL UNIQUE DEFAULT next_customer_code(),
    first_name           text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name            text NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    customer_group_id    bigint NOT NULL REFERENCES customer_groups (id),
    territory_id         bigint NOT NULL REFERENCES territories (id),
    tax_id               text NOT NULL DEFAULT '' CHECK (length(tax_id) <= 40),
    mobile               text NOT NULL DEFAULT '' CHECK (length(mobile) <= 40),
    email                text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    website              text NOT NULL DEFAULT '' CHECK (length(website) <= 200),
    address_line1        text NOT NULL DEFAULT '' CHECK (length(address_line1) <= 140),
    address_line2        text NOT NULL DEFAULT '' CHECK (length(address_line2) <= 140),
    city                 text NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    postcode             text NOT NULL DEFAULT '' CHECK (length(postcode) <= 20),
    country_code         text REFERENCES countries (code),
    birthday             date,
    gender               text NOT NULL DEFAULT '' CHECK (gender IN ('', 'female', 'male', 'other')),
    notes                text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    credit_limit         numeric(18, 4) NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    origin_store_id      bigint REFERENCES stores (id),
    active               boolean NOT NULL DEFAULT true,
    deactivated_by       bigint REFERENCES users (id),
    deactivated_at       timestamptz,
    merged_into_id       bigint REFERENCES customers (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    change_seq           bigint NOT NULL DEFAULT nextval('sync_change_seq'),
    mobile_digits        text COLLATE "C"
                         GENERATED ALWAYS AS (regexp_replace(mobile, '[^0-9]', '', 'g')) STORED,
    search_name          text COLLATE "C"
                         GENERATED ALWAYS AS (patron_fold(first_name || ' ' || last_name)) STORED,
    search_email         text COLLATE "C" GENERATED ALWAYS AS (lower(email)) STORED
);

-- Every change moves the customer to the end of the change feed.
CREATE FUNCTION customers_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('sync_change_seq');
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_touch();

-- Search. Any part of a name: trigrams. Email and phone: whole or start (btree, C collation);
-- the end of a phone number: a btree on the reversed digits. Codes: the unique index.
CREATE INDEX customers_search_name_trgm ON customers USING gin (search_name gin_trgm_ops);
CREATE INDEX customers_search_email_idx ON customers (search_email) WHERE search_email <> '';
CREATE INDEX customers_mobile_digits_idx ON customers (mobile_digits) WHERE mobile_digits <> '';
CREATE INDEX customers_mobile_suffix_idx ON customers (reverse(mobile_digits)) WHERE mobile_digits <> '';
-- Sorting and keyset paging of the list (and name prefixes).
CREATE INDEX customers_name_sort_idx ON customers (search_name, id);
CREATE INDEX customers_created_sort_idx ON customers (created_at, id);
-- Filters.
CREATE INDEX customers_group_idx ON customers (customer_group_id, search_name, id);
CREATE INDEX customers_territory_idx ON customers (territory_id, search_name, id);
CREATE INDEX customers_origin_store_idx ON customers (origin_store_id, search_name, id);
-- The change feed.
CREATE INDEX customers_change_seq_idx ON customers (change_seq);
