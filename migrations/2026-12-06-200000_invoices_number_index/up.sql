-- The offer simulator's "Try on invoice" finds a sale by the number its till gave it. Numbers
-- repeat across stores and tills, so this is no unique key; the few sales sharing one are sorted
-- as read. The number alone: with the dates in it too, the planner would take this index for
-- the lists' date-ordered pages.
CREATE INDEX invoices_number_idx ON invoices (number);
