-- Customer segments: a company's saved filters over its active customers (the filters are
-- `patron_rules::segments::Filters` as JSON), the members of each as of its last snapshot (what an
-- offer aimed at the segment reads), and its size day by day for the chart.
CREATE TABLE segments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies (id),
    name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    filters       jsonb NOT NULL DEFAULT '{}',
    -- The last snapshot of the members: when, and how many.
    snapshot_at   timestamptz,
    snapshot_size bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX segments_name_key ON segments (company_id, lower(name));

CREATE TABLE segment_members (
    segment_id  bigint NOT NULL REFERENCES segments (id),
    customer_id bigint NOT NULL REFERENCES customers (id),
    PRIMARY KEY (segment_id, customer_id)
);
-- The customer page lists the segments a customer is in.
CREATE INDEX segment_members_customer_idx ON segment_members (customer_id);

-- One row per segment and company day: the size its snapshot found that day.
CREATE TABLE segment_sizes (
    segment_id bigint NOT NULL REFERENCES segments (id),
    day        date NOT NULL,
    size       bigint NOT NULL,
    PRIMARY KEY (segment_id, day)
);

-- RFM scores (1-5) of a company's active customers who bought from it: recency from the last
-- purchase, frequency and monetary from the sales and net spend of the last 365 days. Recomputed
-- whole by each run (nightly and on demand).
CREATE TABLE customer_rfm (
    company_id  bigint NOT NULL REFERENCES companies (id),
    customer_id bigint NOT NULL REFERENCES customers (id),
    recency     smallint NOT NULL CHECK (recency BETWEEN 1 AND 5),
    frequency   smallint NOT NULL CHECK (frequency BETWEEN 1 AND 5),
    monetary    smallint NOT NULL CHECK (monetary BETWEEN 1 AND 5),
    PRIMARY KEY (company_id, customer_id)
);

-- The last RFM run of each company: when, on which of its days, over how many customers.
CREATE TABLE rfm_runs (
    company_id  bigint PRIMARY KEY REFERENCES companies (id),
    computed_at timestamptz NOT NULL,
    day         date NOT NULL,
    customers   bigint NOT NULL
);
