DROP FUNCTION move_customer_rollups(bigint, bigint);
