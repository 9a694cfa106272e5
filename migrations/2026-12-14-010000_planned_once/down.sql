DROP FUNCTION move_gift_card(bigint, numeric, date, text, bigint, bigint, text, text);
DROP FUNCTION count_coupon_use(bigint, bigint, bigint);
DROP FUNCTION offers_revision(bigint);
DROP FUNCTION till_of_token(bytea);
ALTER FUNCTION add_invoice_rollups(bigint, smallint, bigint, date, bigint, bigint, bigint, text,
                                   integer, integer, numeric, numeric, numeric, boolean, boolean)
    RESET plan_cache_mode;

CREATE OR REPLACE FUNCTION add_invoice_promotions(p_invoices bigint[], p_slots smallint[], p_sign integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    WITH i AS MATERIALIZED (
        SELECT v.id, v.slot, p_sign AS sign, i.company_id, i.store_id,
               business_day(i.posted_at, c.time_zone) AS day,
               i.grand_total - i.delivery_amount AS revenue,
               CASE WHEN i.return_against_id IS NULL THEN p_sign ELSE 0 END AS counted,
               coalesce(i.return_against_id, i.id) AS sold_id
        FROM unnest(p_invoices, p_slots) AS v(id, slot) JOIN invoices i ON i.id = v.id
        JOIN companies c ON c.id = i.company_id),
    offers AS (
        INSERT INTO rollup_offer_days AS r
            (company_id, day, offer_id, store_id, slot, sales, discount, free_qty, revenue)
        SELECT i.company_id, i.day, o.offer_id, i.store_id, i.slot, sum(i.counted),
               sum(i.sign * o.discount), sum(i.sign * o.free_qty), sum(i.sign * i.revenue)
        FROM i JOIN invoice_offers o ON o.invoice_id = i.id
        GROUP BY i.company_id, i.day, o.offer_id, i.store_id, i.slot
        ON CONFLICT (offer_id, store_id, day, slot) DO UPDATE SET
            sales = r.sales + excluded.sales, discount = r.discount + excluded.discount,
            free_qty = r.free_qty + excluded.free_qty, revenue = r.revenue + excluded.revenue)
    INSERT INTO rollup_coupon_days AS r
        (company_id, day, coupon_id, slot, uses, discount, revenue)
    SELECT i.company_id, i.day, u.coupon_id, i.slot, sum(i.counted),
           sum(i.sign * coalesce(o.discount, 0)), sum(i.sign * i.revenue)
    FROM i JOIN coupon_redemptions u ON u.invoice_id = i.sold_id
    JOIN coupons k ON k.id = u.coupon_id
    LEFT JOIN invoice_offers o ON o.invoice_id = i.id AND o.offer_id = k.offer_id
    GROUP BY i.company_id, i.day, u.coupon_id, i.slot
    ON CONFLICT (coupon_id, day, slot) DO UPDATE SET
        uses = r.uses + excluded.uses, discount = r.discount + excluded.discount,
        revenue = r.revenue + excluded.revenue;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;
