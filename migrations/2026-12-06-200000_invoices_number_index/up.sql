-- The offer simulator's "Try on invoice" finds a sale by the number its till gave it (numbers
-- repeat across stores and tills, so this is no unique key): newest first among those.
CREATE INDEX invoices_number_idx ON invoices (number, posted_at DESC, id DESC);
