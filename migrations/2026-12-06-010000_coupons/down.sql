DROP TABLE coupon_redemptions;
DROP TABLE coupons;
DROP TABLE coupon_batches;
