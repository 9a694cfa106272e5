DROP INDEX coupons_segment_offer_customer_key;
ALTER TABLE coupons DROP COLUMN segment_id;
ALTER TABLE coupon_batches DROP COLUMN segment_id;
