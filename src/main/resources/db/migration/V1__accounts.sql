-- Accounts, refresh tokens and expert profiles: the foundation.

CREATE TABLE accounts (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('client', 'expert')),
    display_name  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case: "Alice" and "alice" are one person to a human.
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username));

-- Refresh tokens are stored as SHA-256 hashes, never in the clear. Each login starts a family;
-- every refresh marks the presented token used and issues the next one in the same family.
-- Presenting a used token again means it was stolen or replayed: the whole family is revoked.
CREATE TABLE refresh_tokens (
    token_hash  bytea       PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    family_id   uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

CREATE TABLE expert_profiles (
    account_id  uuid             PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    topics      text[]           NOT NULL,
    modes       text[]           NOT NULL,
    lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng         double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    capacity    integer          NOT NULL CHECK (capacity BETWEEN 1 AND 10),
    bio         text             NOT NULL DEFAULT '',
    languages   text[]           NOT NULL DEFAULT '{}',
    updated_at  timestamptz      NOT NULL DEFAULT now()
);
