-- Loyalty programs, their tiers, who is enrolled in which, and the points ledger.
--
-- The ledger has no balance column anywhere: a customer's balance on a day is the sum of their
-- entries that have not expired by then. Points go in as credit entries (earn, bonus, adjust with
-- points >= 0 and no `against_entry_id`; 0 records a purchase too small to earn); every entry that takes points away (redeem, expire, a
-- negative adjust, a reversal) names the credit entry it draws on and carries that entry's expiry
-- date. So when a credit expires, what was drawn from it stops counting with it, and the balance
-- can neither go negative nor count expired points twice.
CREATE TABLE loyalty_programs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    company_id          bigint NOT NULL REFERENCES companies (id),
    multiple_tier       boolean NOT NULL DEFAULT false,
    -- The money value of one point, in the company currency.
    conversion_factor   numeric(18, 6) NOT NULL CHECK (conversion_factor > 0),
    -- Days a point stays valid after its posting date; 0: forever.
    expiry_days         integer NOT NULL DEFAULT 0 CHECK (expiry_days >= 0),
    valid_from          date NOT NULL,
    valid_upto          date CHECK (valid_upto >= valid_from),
    customer_group_id   bigint REFERENCES customer_groups (id),
    territory_id        bigint REFERENCES territories (id),
    auto_opt_in         boolean NOT NULL DEFAULT false,
    forfeit_on_unenrol  boolean NOT NULL DEFAULT false,
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX loyalty_programs_name_key ON loyalty_programs (company_id, lower(name));

CREATE TABLE loyalty_tiers (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id         bigint NOT NULL REFERENCES loyalty_programs (id),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    -- Total purchases in the program from which this tier applies.
    min_spent          numeric(18, 4) NOT NULL CHECK (min_spent >= 0),
    -- Money spent per point earned.
    collection_factor  numeric(18, 6) NOT NULL CHECK (collection_factor > 0),
    UNIQUE (program_id, min_spent)
);

-- One program per customer per company.
CREATE TABLE loyalty_members (
    customer_id  bigint NOT NULL REFERENCES customers (id),
    company_id   bigint NOT NULL REFERENCES companies (id),
    program_id   bigint NOT NULL REFERENCES loyalty_programs (id),
    enrolled_at  timestamptz NOT NULL DEFAULT now(),
    enrolled_by  text NOT NULL,
    PRIMARY KEY (customer_id, company_id)
);
CREATE INDEX loyalty_members_program_idx ON loyalty_members (program_id);

CREATE TABLE loyalty_point_entries (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id        bigint NOT NULL REFERENCES customers (id),
    program_id         bigint NOT NULL REFERENCES loyalty_programs (id),
    company_id         bigint NOT NULL REFERENCES companies (id),
    invoice_id         bigint REFERENCES invoices (id),
    kind               text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'adjust', 'bonus', 'reversal')),
    points             bigint NOT NULL,
    -- For earn entries: the amount that earned them (negative for a return); it adds up to the
    -- customer's spend in the program, which sets their tier.
    purchase_amount    numeric(18, 4) NOT NULL DEFAULT 0,
    tier               text,
    collection_factor  numeric(18, 6),
    posting_date       date NOT NULL,
    expiry_date        date,
    -- The credit entry this one draws on or gives back to (NULL: this is a credit entry).
    against_entry_id   bigint REFERENCES loyalty_point_entries (id),
    -- For reversals: the kind of entry reversed (earn or redeem).
    reverses           text CHECK (reverses IN ('earn', 'redeem')),
    reason             text NOT NULL DEFAULT '',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (against_entry_id IS NOT NULL OR points >= 0)
);
-- Balance, spend and tier of one customer in one program read from the index alone.
CREATE INDEX loyalty_entries_customer_idx ON loyalty_point_entries (customer_id, program_id)
    INCLUDE (points, expiry_date, purchase_amount, kind);
CREATE INDEX loyalty_entries_against_idx ON loyalty_point_entries (against_entry_id)
    WHERE against_entry_id IS NOT NULL;
CREATE INDEX loyalty_entries_invoice_idx ON loyalty_point_entries (invoice_id)
    WHERE invoice_id IS NOT NULL;
-- Expiry: credits by the day they lapse.
CREATE INDEX loyalty_entries_expiry_idx ON loyalty_point_entries (expiry_date)
    WHERE against_entry_id IS NULL AND expiry_date IS NOT NULL;
-- A cancelled invoice's entries are reversed once: a retried cancel cannot do it twice.
CREATE UNIQUE INDEX loyalty_entries_reversal_key
    ON loyalty_point_entries (invoice_id, reverses, against_entry_id) WHERE kind = 'reversal';
-- One expire entry per credit.
CREATE UNIQUE INDEX loyalty_entries_expire_key
    ON loyalty_point_entries (against_entry_id) WHERE kind = 'expire';
