DROP FUNCTION add_invoice_promotions(bigint[], smallint[], integer);
