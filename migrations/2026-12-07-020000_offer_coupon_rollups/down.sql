DROP TABLE rollup_coupon_days;
DROP TABLE rollup_offer_days;
