-- The rollups are figures derived from the invoices, which keep their own foreign keys, and
-- nothing they name (companies, stores, customers, sales persons, offers, coupons) is ever
-- deleted. Their foreign keys only cost: a lookup per key per row written, in every sale's
-- transaction and millions of times in `patron reports rebuild`.
ALTER TABLE rollup_customer_days
    DROP CONSTRAINT rollup_customer_days_company_id_fkey,
    DROP CONSTRAINT rollup_customer_days_customer_id_fkey,
    DROP CONSTRAINT rollup_customer_days_store_id_fkey;
ALTER TABLE rollup_store_days
    DROP CONSTRAINT rollup_store_days_company_id_fkey,
    DROP CONSTRAINT rollup_store_days_sales_person_id_fkey,
    DROP CONSTRAINT rollup_store_days_store_id_fkey;
ALTER TABLE rollup_delivery_days
    DROP CONSTRAINT rollup_delivery_days_company_id_fkey,
    DROP CONSTRAINT rollup_delivery_days_store_id_fkey;
ALTER TABLE rollup_offer_days
    DROP CONSTRAINT rollup_offer_days_company_id_fkey,
    DROP CONSTRAINT rollup_offer_days_offer_id_fkey,
    DROP CONSTRAINT rollup_offer_days_store_id_fkey;
ALTER TABLE rollup_coupon_days
    DROP CONSTRAINT rollup_coupon_days_company_id_fkey,
    DROP CONSTRAINT rollup_coupon_days_coupon_id_fkey;
