-- Guessing, throttled. Tills: the misses of every lookup a till may guess at (gift card numbers,
-- coupon codes, referral codes) are counted per token and kind, as gift card numbers already were.
ALTER TABLE gift_card_lookup_misses RENAME TO till_lookup_misses;
ALTER TABLE till_lookup_misses ADD COLUMN kind text NOT NULL DEFAULT 'gift_card'
    CHECK (kind IN ('gift_card', 'coupon', 'referral_code'));
ALTER TABLE till_lookup_misses ALTER COLUMN kind DROP DEFAULT;
DROP INDEX gift_card_lookup_misses_token_idx;
CREATE INDEX till_lookup_misses_token_idx ON till_lookup_misses (token_id, kind, at);

-- Sign-in: each attempt holds a row while its password is checked and keeps it when it fails, so
-- that failures are counted per client address, per address and account, and per account over
-- a rolling window (patron_rules::users::sign_in_gate), and a burst of attempts cannot all pass
-- the count at once. The account-wide lock columns go: one address guessing no longer locks the
-- account's owner out elsewhere.
CREATE TABLE sign_in_attempts (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    address  text NOT NULL,
    user_id  bigint REFERENCES users (id)
);
CREATE INDEX sign_in_attempts_address_idx ON sign_in_attempts (address, at);
CREATE INDEX sign_in_attempts_user_idx ON sign_in_attempts (user_id, at) WHERE user_id IS NOT NULL;
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;
