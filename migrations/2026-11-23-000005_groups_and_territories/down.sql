DROP TABLE territories;
DROP TABLE customer_groups;
