-- An offer aimed at a customer segment: a version may name one segment of the offer's company
-- (beside Customer Group); the customers it reaches are the segment's members as of its last
-- snapshot. Nullable: most offers are for everyone.
ALTER TABLE offer_versions ADD COLUMN segment_id bigint REFERENCES segments (id);
CREATE INDEX offer_versions_segment_idx ON offer_versions (segment_id) WHERE segment_id IS NOT NULL;
