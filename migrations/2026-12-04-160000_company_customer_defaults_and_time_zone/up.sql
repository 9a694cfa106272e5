-- What a company decides for the people who work for it: the customer group and territory its
-- new customers start in (none: the person creating the customer chooses), and the time zone its
-- pages show times in (an IANA name, checked by the application against the tz database).
-- Deleting a group or territory that is a default clears the default: the form then asks.
ALTER TABLE companies
    ADD COLUMN default_customer_group_id bigint REFERENCES customer_groups (id) ON DELETE SET NULL,
    ADD COLUMN default_territory_id bigint REFERENCES territories (id) ON DELETE SET NULL,
    ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);
