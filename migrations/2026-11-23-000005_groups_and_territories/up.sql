-- Customer groups and territories: two trees that every customer belongs to.
CREATE TABLE customer_groups (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    parent_id         bigint REFERENCES customer_groups (id),
    default_discount  numeric(5, 2) NOT NULL DEFAULT 0 CHECK (default_discount BETWEEN 0 AND 100),
    notes             text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id)
);
CREATE UNIQUE INDEX customer_groups_name_key ON customer_groups (lower(name));
CREATE INDEX customer_groups_parent_idx ON customer_groups (parent_id);

CREATE TABLE territories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    parent_id   bigint REFERENCES territories (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id)
);
CREATE UNIQUE INDEX territories_name_key ON territories (lower(name));
CREATE INDEX territories_parent_idx ON territories (parent_id);

-- The roots every new customer defaults to.
INSERT INTO customer_groups (name, notes) VALUES ('All Customers', 'Root of the customer group tree.');
INSERT INTO territories (name) VALUES ('All Territories');
