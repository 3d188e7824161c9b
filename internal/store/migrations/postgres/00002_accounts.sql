-- Accounts: users with role and tenant, their organizations, sessions, API tokens, invitations, password resets
-- and login attempts for throttling. Secrets are stored only as SHA-256 hashes (hex). Append-only.
-- +goose Up
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    land_code     TEXT NOT NULL REFERENCES lands (code),
    kommune_id    UUID REFERENCES kommunen (id),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_kommune ON users (kommune_id, display_name);
CREATE INDEX users_land ON users (land_code, display_name);

CREATE TABLE user_organizations (
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX user_organizations_organization ON user_organizations (organization_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id               UUID PRIMARY KEY,
    hash             TEXT NOT NULL UNIQUE,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL,
    land_code        TEXT NOT NULL REFERENCES lands (code),
    kommune_id       UUID REFERENCES kommunen (id),
    organization_ids TEXT NOT NULL DEFAULT '',
    invited_by       UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    used_at          TIMESTAMPTZ
);
CREATE INDEX invitations_kommune ON invitations (kommune_id, created_at);

CREATE TABLE password_resets (
    hash       TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE login_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    success     BOOLEAN NOT NULL,
    throttled   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_addr ON login_attempts (remote_addr, at);

-- +goose Down
DROP TABLE login_attempts;
DROP TABLE password_resets;
DROP TABLE invitations;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_organizations;
DROP TABLE users;
