ALTER TABLE rollup_coupon_days
    ADD CONSTRAINT rollup_coupon_days_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies,
    ADD CONSTRAINT rollup_coupon_days_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES coupons;
ALTER TABLE rollup_offer_days
    ADD CONSTRAINT rollup_offer_days_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies,
    ADD CONSTRAINT rollup_offer_days_offer_id_fkey FOREIGN KEY (offer_id) REFERENCES offers,
    ADD CONSTRAINT rollup_offer_days_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores;
ALTER TABLE rollup_delivery_days
    ADD CONSTRAINT rollup_delivery_days_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies,
    ADD CONSTRAINT rollup_delivery_days_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores;
ALTER TABLE rollup_store_days
    ADD CONSTRAINT rollup_store_days_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies,
    ADD CONSTRAINT rollup_store_days_sales_person_id_fkey FOREIGN KEY (sales_person_id) REFERENCES sales_persons,
    ADD CONSTRAINT rollup_store_days_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores;
ALTER TABLE rollup_customer_days
    ADD CONSTRAINT rollup_customer_days_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies,
    ADD CONSTRAINT rollup_customer_days_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT rollup_customer_days_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores;
