-- The invoices list filters by status. Sales that stand are most invoices, so the posted_at
-- index serves them; cancelled invoices and returns are few, and newest-first pages of them
-- would scan most of that index to find them: each gets a small partial index of its own.
CREATE INDEX invoices_cancelled_idx ON invoices (posted_at DESC, id DESC)
    WHERE status = 'cancelled';
CREATE INDEX invoices_returns_idx ON invoices (posted_at DESC, id DESC)
    WHERE status = 'submitted' AND return_against_id IS NOT NULL;
