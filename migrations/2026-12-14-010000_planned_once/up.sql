-- Statements every till request runs, planned once per connection instead of on every call
-- (pg_stat_statements with track_planning, the offers case of bench/invoices.sh): Diesel does
-- not keep `sql_query` statements prepared, so PostgreSQL planned them on each request.
--
-- - A sale's promotions rollup (`add_invoice_promotions`, called by `add_invoice_rollups` with
--   the one invoice): its statement was planned again on every sale, 0.9 ms of a 2.2 ms call.
--   PL/pgSQL keeps the plan, but with the invoice array bound as a parameter PostgreSQL judged
--   its generic plan (any number of invoices) dearer than a plan made for one, and so made one
--   each time. A sale's rollups always name one invoice: their plans are generic, made once.
--   (`patron reports rebuild` calls `add_invoice_promotions` with whole days of invoices, not
--   through here, and keeps choosing its plan for them.)
--   The coupon rollup's discount, the coupon's offer on the invoice, is read by its key
--   (`invoice_offers` holds one row per invoice and offer) rather than joined: the generic plan
--   hashed all of `invoice_offers` for it (4.1 ms of 4.8 with 8,000 rows, and growing with them).
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
           sum(i.sign * coalesce((SELECT o.discount FROM invoice_offers o
                                  WHERE o.invoice_id = i.id AND o.offer_id = k.offer_id), 0)),
           sum(i.sign * i.revenue)
    FROM i JOIN coupon_redemptions u ON u.invoice_id = i.sold_id
    JOIN coupons k ON k.id = u.coupon_id
    GROUP BY i.company_id, i.day, u.coupon_id, i.slot
    ON CONFLICT (coupon_id, day, slot) DO UPDATE SET
        uses = r.uses + excluded.uses, discount = r.discount + excluded.discount,
        revenue = r.revenue + excluded.revenue;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

ALTER FUNCTION add_invoice_rollups(bigint, smallint, bigint, date, bigint, bigint, bigint, text,
                                   integer, integer, numeric, numeric, numeric, boolean, boolean)
    SET plan_cache_mode = force_generic_plan;

-- - Who a till token speaks for, noting its use at most once a minute (was 0.4 ms of planning
--   for 0.04 ms of work on every till request).
CREATE FUNCTION till_of_token(p_hash bytea)
RETURNS TABLE (token_id bigint, store_id bigint, store_code text, company_id bigint,
               time_zone text, company_created timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH owner AS (
        SELECT t.id AS token_id, s.id AS store_id, s.code AS store_code, s.company_id,
               c.time_zone, c.created_at AS company_created, t.last_used_at
        FROM terminal_tokens t
        JOIN stores s ON s.id = t.store_id
        JOIN companies c ON c.id = s.company_id
        WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND s.active),
    noted AS (
        UPDATE terminal_tokens t SET last_used_at = now()
        FROM owner o
        WHERE t.id = o.token_id
          AND (o.last_used_at IS NULL OR o.last_used_at < now() - interval '1 minute'))
    SELECT o.token_id, o.store_id, o.store_code, o.company_id, o.time_zone, o.company_created
    FROM owner o;
END $$;

-- - A company's offers revision token with the latest change to its segments, which every sale
--   reads to know whether its loaded offers still stand (0.2 ms of planning a read).
CREATE FUNCTION offers_revision(p_company bigint)
RETURNS TABLE (token uuid, stamp timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT r.token, (SELECT max(greatest(s.updated_at, s.snapshot_at)) FROM segments s
                     WHERE s.company_id = r.company_id)
    FROM offer_revisions r WHERE r.company_id = p_company;
END $$;

-- - Counting a coupon's use: a conditional UPDATE feeding the redemption row (see
--   `coupons::model::count_use`), 0.15 ms of planning for 0.3 ms of work on every coupon sale.
--   Returns the redemptions written: 0 when every use was taken.
CREATE FUNCTION count_coupon_use(p_coupon bigint, p_invoice bigint, p_customer bigint)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    WITH counted AS (
        UPDATE coupons SET used = used + 1
        WHERE id = p_coupon AND (maximum_use = 0 OR used < maximum_use) RETURNING id, one_use)
    INSERT INTO coupon_redemptions (coupon_id, invoice_id, customer_id, one_use)
    SELECT id, p_invoice, p_customer, one_use FROM counted;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

-- - Moving a gift card's balance and writing its ledger entry (see `gift_cards::model::ledger`):
--   Diesel keeps no UPDATE prepared, so the conditional UPDATE of every sale a card pays was
--   planned each time. The UPDATE matches only while the balance stays at zero or more, and
--   with `p_usable_on` only while the card is enabled and not expired that day. Returns the
--   balance it left, or NULL when it did not match (nothing written).
CREATE FUNCTION move_gift_card(p_card bigint, p_amount numeric, p_usable_on date, p_kind text,
                               p_invoice bigint, p_reverses bigint, p_note text, p_by text)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    left_over numeric;
BEGIN
    UPDATE gift_cards SET balance = balance + p_amount, updated_at = now()
    WHERE id = p_card AND balance + p_amount >= 0
      AND (p_usable_on IS NULL
           OR (NOT disabled AND (valid_upto IS NULL OR valid_upto >= p_usable_on)))
    RETURNING balance INTO left_over;
    IF FOUND THEN
        INSERT INTO gift_card_entries (card_id, kind, amount, balance_after, invoice_id,
                                       reverses_id, note, created_by)
        VALUES (p_card, p_kind, p_amount, left_over, p_invoice, p_reverses, p_note, p_by);
    END IF;
    RETURN left_over;
END $$;
