DROP TABLE customers;
DROP FUNCTION customers_touch();
DROP FUNCTION next_customer_code();
DROP SEQUENCE customer_code_seq;
DROP SEQUENCE sync_change_seq;
DROP FUNCTION patron_fold(text);
DROP EXTENSION IF EXISTS unaccent;
DROP EXTENSION IF EXISTS pg_trgm;
