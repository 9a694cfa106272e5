-- The items' generated search columns are never null (they fold a NOT NULL name and code), and
-- schema.rs has always read them as Text: say so in the table too, so that the schema check
-- (tests/it/schema.rs) holds.
ALTER TABLE items
    ALTER COLUMN search_name SET NOT NULL,
    ALTER COLUMN search_text SET NOT NULL;
