DROP FUNCTION rebuild_customer_purchases();
DROP FUNCTION refresh_customer_purchase_days(bigint, bigint);
DROP FUNCTION customer_purchase_days(bigint, bigint);
DROP FUNCTION add_customer_purchase(bigint, bigint, date, bigint, integer, integer, numeric, numeric);
DROP TABLE rollup_customer_months;
DROP TABLE customer_purchases;
