DROP TABLE rfm_runs;
DROP TABLE customer_rfm;
DROP TABLE segment_sizes;
DROP TABLE segment_members;
DROP TABLE segments;
