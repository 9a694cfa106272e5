-- Every change a person makes: who, when, what, and the record before and after.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users (id),
    actor_label  text NOT NULL,
    entity       text NOT NULL,
    entity_id    text NOT NULL,
    action       text NOT NULL,
    before       jsonb,
    after        jsonb
);
-- The Audit page lists newest first (by id) and filters by user, entity and date.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at);
