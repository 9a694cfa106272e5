-- Server-side sessions (actix-session SessionStore). The row id is the SHA-256 of the cookie's
-- session key, so a leaked database dump holds no usable cookie.
CREATE TABLE sessions (
    id            text PRIMARY KEY,
    user_id       bigint REFERENCES users (id) ON DELETE CASCADE,
    state         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Secrets every instance must share (the session cookie key), made once on first start.
CREATE TABLE app_secrets (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
