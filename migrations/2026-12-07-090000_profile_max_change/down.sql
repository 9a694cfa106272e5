ALTER TABLE pos_profiles DROP COLUMN max_change;
