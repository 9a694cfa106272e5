DROP TABLE rollup_delivery_days;
DROP TABLE rollup_store_days;
DROP TABLE rollup_customer_days;
