-- The most change a till of the store may give back in cash. Without a bound, cash of
-- 10,000,000,000 on a $1 sale was stored as paid.
ALTER TABLE pos_profiles
    ADD COLUMN max_change numeric(18,4) NOT NULL DEFAULT 1000
        CHECK (max_change >= 0 AND max_change <= 1000000);
