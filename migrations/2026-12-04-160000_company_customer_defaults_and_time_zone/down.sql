ALTER TABLE companies
    DROP COLUMN time_zone,
    DROP COLUMN default_territory_id,
    DROP COLUMN default_customer_group_id;
