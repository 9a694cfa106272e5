ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until timestamptz;
DROP TABLE sign_in_attempts;
DROP INDEX till_lookup_misses_token_idx;
DELETE FROM till_lookup_misses WHERE kind <> 'gift_card';
ALTER TABLE till_lookup_misses DROP COLUMN kind;
ALTER TABLE till_lookup_misses RENAME TO gift_card_lookup_misses;
CREATE INDEX gift_card_lookup_misses_token_idx ON gift_card_lookup_misses (token_id, at);
