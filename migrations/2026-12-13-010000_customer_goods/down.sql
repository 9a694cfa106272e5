DROP TRIGGER customer_goods_item_moved ON items;
DROP FUNCTION customer_goods_item_moved();
DROP FUNCTION refold_buyers_of(bigint[]);
CREATE OR REPLACE FUNCTION refold_customers(p_companies bigint[], p_customers bigint[],
                                            p_months date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refold_customer_figures(p_companies, p_customers, p_months);
    PERFORM refold_customer_facts(p_companies, p_customers);
END $$;
DROP FUNCTION refold_customer_goods(bigint[], bigint[]);
DROP FUNCTION refold_customer_goods_sets(bigint[], bigint[]);
DROP TABLE customer_goods_brands;
DROP TABLE customer_goods_groups;
DROP TABLE customer_goods;
