-- Sales sent by tills. An invoice is written once, in one transaction with its lines and
-- payments; its uuid (chosen by the till) makes every upload idempotent, and the answer first
-- given is kept so that a retry gets exactly that answer back.
CREATE TABLE invoices (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid                     uuid NOT NULL UNIQUE,
    number                   text NOT NULL CHECK (length(number) BETWEEN 1 AND 40),
    store_id                 bigint NOT NULL REFERENCES stores (id),
    company_id               bigint NOT NULL REFERENCES companies (id),
    customer_id              bigint NOT NULL REFERENCES customers (id),
    sales_person_id          bigint REFERENCES sales_persons (id),
    posted_at                timestamptz NOT NULL,
    status                   text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'cancelled')),
    return_against_id        bigint REFERENCES invoices (id),
    currency_code            text NOT NULL REFERENCES currencies (code),
    net_total                numeric(18, 4) NOT NULL,
    discount_amount          numeric(18, 4) NOT NULL,
    delivery_label           text,
    delivery_amount          numeric(18, 4) NOT NULL DEFAULT 0,
    grand_total              numeric(18, 4) NOT NULL,
    loyalty_points_redeemed  bigint NOT NULL DEFAULT 0,
    loyalty_amount           numeric(18, 4) NOT NULL DEFAULT 0,
    coupon_codes             text[] NOT NULL DEFAULT '{}',
    -- SHA-256 of the request as the till sent it (keys sorted): a retry must match it.
    request_hash             bytea NOT NULL,
    -- The answer given at submission, replayed to retries.
    response                 jsonb NOT NULL,
    cancelled_at             timestamptz,
    cancelled_by             text,
    created_at               timestamptz NOT NULL DEFAULT now()
);
-- A customer's sales history, a store's, everyone's: newest first, keyset paged.
CREATE INDEX invoices_customer_idx ON invoices (customer_id, posted_at DESC, id DESC);
CREATE INDEX invoices_store_idx ON invoices (store_id, posted_at DESC, id DESC);
CREATE INDEX invoices_posted_idx ON invoices (posted_at DESC, id DESC);
CREATE INDEX invoices_return_against_idx ON invoices (return_against_id) WHERE return_against_id IS NOT NULL;

CREATE TABLE invoice_lines (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id       bigint NOT NULL REFERENCES invoices (id),
    line_no          integer NOT NULL CHECK (line_no >= 1),
    item_id          bigint NOT NULL REFERENCES items (id),
    item_code        text NOT NULL,
    item_name        text NOT NULL,
    qty              numeric(18, 4) NOT NULL CHECK (qty <> 0),
    price_list_rate  numeric(18, 4) NOT NULL CHECK (price_list_rate >= 0),
    discount_amount  numeric(18, 4) NOT NULL,
    amount           numeric(18, 4) NOT NULL,
    is_offer         boolean NOT NULL DEFAULT false,
    offer            text,
    UNIQUE (invoice_id, line_no)
);
CREATE INDEX invoice_lines_item_idx ON invoice_lines (item_id);

CREATE TABLE invoice_payments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES invoices (id),
    mode        text NOT NULL CHECK (mode IN ('cash', 'card', 'on_account', 'store_credit', 'gift_card')),
    amount      numeric(18, 4) NOT NULL
);
CREATE INDEX invoice_payments_invoice_idx ON invoice_payments (invoice_id);

-- What customers pay towards their account (on_account sales raise it; these lower it).
CREATE TABLE account_payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid         uuid NOT NULL UNIQUE,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    amount       numeric(18, 4) NOT NULL CHECK (amount > 0),
    mode         text NOT NULL CHECK (mode IN ('cash', 'card', 'bank_transfer', 'cheque')),
    paid_at      timestamptz NOT NULL DEFAULT now(),
    store_id     bigint REFERENCES stores (id),
    reference    text NOT NULL DEFAULT '' CHECK (length(reference) <= 120),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_payments_customer_idx ON account_payments (customer_id, paid_at DESC);
