DROP TABLE loyalty_point_entries;
DROP TABLE loyalty_members;
DROP TABLE loyalty_tiers;
DROP TABLE loyalty_programs;
