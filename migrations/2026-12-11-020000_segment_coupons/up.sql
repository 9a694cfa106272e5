-- Coupons a segment's action issues: one Gift Card coupon per customer of the segment for a
-- coupon based offer, made as a batch (progress, CSV, Disable/Enable all as for any batch).
ALTER TABLE coupon_batches ADD COLUMN segment_id bigint REFERENCES segments (id);
ALTER TABLE coupons ADD COLUMN segment_id bigint REFERENCES segments (id);
-- Running the action twice for the same segment and offer gives no customer a second coupon:
-- the batch inserts with ON CONFLICT DO NOTHING, so this index is the rule (a partial unique
-- index reads only its row, hence the segment on the coupon itself).
CREATE UNIQUE INDEX coupons_segment_offer_customer_key ON coupons (segment_id, offer_id, customer_id)
    WHERE segment_id IS NOT NULL;
