DROP INDEX offer_versions_segment_idx;
ALTER TABLE offer_versions DROP COLUMN segment_id;
