-- Stores are kept by the stores area; this first cut holds what users need (a supervisor's store).
CREATE TABLE stores (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{1,16}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    password_hash    text NOT NULL,
    role             text NOT NULL CHECK (role IN ('admin', 'hq_manager', 'store_supervisor', 'marketing')),
    store_id         bigint REFERENCES stores (id),
    active           boolean NOT NULL DEFAULT true,
    failed_logins    integer NOT NULL DEFAULT 0,
    locked_until     timestamptz,
    last_sign_in_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT supervisor_has_store CHECK (role <> 'store_supervisor' OR store_id IS NOT NULL)
);
-- Emails are unique whatever their case: Ann@x.com and ann@x.com are one person.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_store_id_idx ON users (store_id) WHERE store_id IS NOT NULL;
