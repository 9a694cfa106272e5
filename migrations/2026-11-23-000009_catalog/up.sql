-- The item catalogue: item groups (a tree under "All Item Groups"), brands and items, which
-- offers and invoices refer to and store terminals keep in step through the change feed.
-- Also: the customer import table becomes the table of every CSV import, with its kind.
CREATE TABLE item_groups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    parent_id   bigint REFERENCES item_groups (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id)
);
CREATE UNIQUE INDEX item_groups_name_key ON item_groups (lower(name));
CREATE INDEX item_groups_parent_idx ON item_groups (parent_id);
INSERT INTO item_groups (name) VALUES ('All Item Groups');

CREATE TABLE brands (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX brands_name_key ON brands (lower(name));

CREATE TABLE items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_code      text COLLATE "C" NOT NULL UNIQUE
                   CHECK (item_code ~ '^[A-Z0-9][A-Z0-9._/-]{0,39}$'),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 140),
    item_group_id  bigint NOT NULL REFERENCES item_groups (id),
    brand_id       bigint REFERENCES brands (id),
    standard_rate  numeric(18, 4) NOT NULL DEFAULT 0 CHECK (standard_rate >= 0),
    unit           text NOT NULL DEFAULT 'Nos' CHECK (length(unit) BETWEEN 1 AND 20),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    change_seq     bigint NOT NULL DEFAULT nextval('sync_change_seq'),
    search_name    text COLLATE "C" GENERATED ALWAYS AS (patron_fold(name)) STORED,
    search_text    text COLLATE "C"
                   GENERATED ALWAYS AS (patron_fold(item_code || ' ' || name)) STORED
);

-- Every change moves the item to the end of the change feed.
CREATE FUNCTION items_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := nextval('sync_change_seq');
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER items_touch BEFORE UPDATE ON items
    FOR EACH ROW EXECUTE FUNCTION items_touch();

-- Search: any part of the code or name by trigrams; short entries by the start of the code
-- (the unique index, C collation) or of the name (the sort index).
CREATE INDEX items_search_text_trgm ON items USING gin (search_text gin_trgm_ops);
CREATE INDEX items_name_sort_idx ON items (search_name, id);
-- Filters.
CREATE INDEX items_group_idx ON items (item_group_id, search_name, id);
CREATE INDEX items_brand_idx ON items (brand_id, search_name, id);
-- The change feed.
CREATE INDEX items_change_seq_idx ON items (change_seq);

-- One table for every CSV import; `kind` says which area's rows it writes.
ALTER TABLE customer_imports RENAME TO imports;
ALTER INDEX customer_imports_created_by_idx RENAME TO imports_created_by_idx;
ALTER TABLE imports ADD COLUMN kind text NOT NULL DEFAULT 'customers'
    CHECK (kind IN ('customers', 'items'));
ALTER TABLE imports ALTER COLUMN kind DROP DEFAULT;
