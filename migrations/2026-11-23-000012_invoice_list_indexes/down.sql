DROP INDEX invoices_returns_idx;
DROP INDEX invoices_cancelled_idx;
