DROP INDEX invoices_number_idx;
