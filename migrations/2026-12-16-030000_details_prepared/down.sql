DROP FUNCTION insert_invoice_details(bigint, integer[], bigint[], text[], text[], numeric[],
                                     numeric[], numeric[], numeric[], boolean[], text[], text[],
                                     numeric[]);
