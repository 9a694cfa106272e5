-- A sale's lines and payments written by one call that Diesel prepares once per connection.
-- As two multi-row INSERTs they were new SQL text for every number of lines, so PostgreSQL
-- parsed and planned them on every sale (bench/RESULTS.md, "Statements prepared").
CREATE FUNCTION insert_invoice_details(
    p_invoice bigint, p_line_nos integer[], p_item_ids bigint[], p_item_codes text[],
    p_item_names text[], p_qtys numeric[], p_rates numeric[], p_discounts numeric[],
    p_amounts numeric[], p_is_offers boolean[], p_offers text[],
    p_modes text[], p_paid numeric[]
) RETURNS integer LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    INSERT INTO invoice_lines
        (invoice_id, line_no, item_id, item_code, item_name, qty, price_list_rate,
         discount_amount, amount, is_offer, offer)
    SELECT p_invoice, l.*
    FROM unnest(p_line_nos, p_item_ids, p_item_codes, p_item_names, p_qtys, p_rates,
                p_discounts, p_amounts, p_is_offers, p_offers) AS l;
    INSERT INTO invoice_payments (invoice_id, mode, amount)
    SELECT p_invoice, p.* FROM unnest(p_modes, p_paid) AS p;
    RETURN cardinality(p_line_nos);
END $$;
