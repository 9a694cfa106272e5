-- Gift cards: stored value a customer spends at the tills, and the ledger of every movement of it.
--
-- The balance is the sum of the card's entries. It is also kept on the card row, and moved only
-- by conditional UPDATEs (`SET balance = balance - $a WHERE id = $c AND balance >= $a`) in the
-- same transaction as the entry that explains the move, so that tills paying with one card at the
-- same moment can never take it below zero: each waits for the row and re-reads it, and the CHECK
-- has the last word. Each entry keeps the balance its move left, read from that same UPDATE.
-- Cards are never deleted: Disabled is a flag, Expired is read from Valid Upto.
CREATE TABLE gift_cards (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 16 characters without look-alikes (no 0, O, 1, I or L), upper-case.
    number         text NOT NULL CHECK (number ~ '^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{16}$'),
    company_id     bigint NOT NULL REFERENCES companies (id),
    -- The company's currency when the card was issued: what its amounts are in.
    currency_code  text NOT NULL REFERENCES currencies (code),
    initial_value  numeric(18,4) NOT NULL CHECK (initial_value > 0),
    balance        numeric(18,4) NOT NULL CHECK (balance >= 0),
    customer_id    bigint REFERENCES customers (id),
    -- The last day the card may be used; empty: it never expires.
    valid_upto     date,
    disabled       boolean NOT NULL DEFAULT false,
    -- The store whose till issued it; empty: issued at HQ.
    store_id       bigint REFERENCES stores (id),
    issued_by      text NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    -- A till's issue: the uuid it chose, the hash of its request and the answer it got, so that a
    -- retry gets the same answer and the same uuid with another request is refused.
    request_uuid   uuid UNIQUE,
    request_hash   bytea,
    response       jsonb,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((request_uuid IS NULL) = (request_hash IS NULL))
)
-- Every sale a card pays rewrites its row: room on each page keeps those updates HOT (no index
-- entry to add when only the balance changes).
WITH (fillfactor = 70);
-- Unique, and with text_pattern_ops so that the list's search by the start of a number uses it.
CREATE UNIQUE INDEX gift_cards_number_key ON gift_cards (number text_pattern_ops);
CREATE INDEX gift_cards_customer_idx ON gift_cards (customer_id) WHERE customer_id IS NOT NULL;
-- Expired and expiring cards: the list's status filter, the report and the expiry run.
CREATE INDEX gift_cards_valid_upto_idx ON gift_cards (valid_upto) WHERE valid_upto IS NOT NULL;
CREATE INDEX gift_cards_disabled_idx ON gift_cards (id) WHERE disabled;

CREATE TABLE gift_card_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    card_id        bigint NOT NULL REFERENCES gift_cards (id),
    kind           text NOT NULL CHECK (kind IN ('issue', 'top_up', 'redeem', 'refund', 'reversal',
                                                 'expiry', 'adjustment')),
    -- Signed: what the entry added to the balance (a redeem is negative).
    amount         numeric(18,4) NOT NULL CHECK (amount <> 0),
    balance_after  numeric(18,4) NOT NULL CHECK (balance_after >= 0),
    -- The sale that redeemed, the return that refunded, the cancelled invoice a reversal undoes.
    invoice_id     bigint REFERENCES invoices (id),
    -- A reversal: the entry it undoes (once: see the unique index below).
    reverses_id    bigint REFERENCES gift_card_entries (id),
    note           text NOT NULL DEFAULT '',
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (CASE kind
        WHEN 'issue' THEN amount > 0
        WHEN 'top_up' THEN amount > 0
        WHEN 'redeem' THEN amount < 0 AND invoice_id IS NOT NULL
        WHEN 'refund' THEN amount > 0 AND invoice_id IS NOT NULL
        WHEN 'reversal' THEN reverses_id IS NOT NULL AND invoice_id IS NOT NULL
        WHEN 'expiry' THEN amount < 0
        ELSE note <> '' END)
);
CREATE INDEX gift_card_entries_card_idx ON gift_card_entries (card_id, id);
-- Partial, so that the entries of sales (no reversal) add nothing to it.
CREATE UNIQUE INDEX gift_card_entries_reverses_key ON gift_card_entries (reverses_id)
    WHERE reverses_id IS NOT NULL;
CREATE INDEX gift_card_entries_invoice_idx ON gift_card_entries (invoice_id)
    WHERE invoice_id IS NOT NULL;

-- Lookups of numbers that match no card, per till token: past the limit in a rolling window the
-- till is refused every lookup for a while, so that numbers cannot be found by trying.
CREATE TABLE gift_card_lookup_misses (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_id       bigint NOT NULL REFERENCES terminal_tokens (id),
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gift_card_lookup_misses_token_idx ON gift_card_lookup_misses (token_id, at);
