-- Accounts: users with role and tenant, their organizations, sessions, API tokens, invitations, password resets
-- and login attempts for throttling. Secrets are stored only as SHA-256 hashes (hex). Append-only.
-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    land_code     TEXT NOT NULL REFERENCES lands (code),
    kommune_id    TEXT REFERENCES kommunen (id),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_kommune ON users (kommune_id, display_name);
CREATE INDEX users_land ON users (land_code, display_name);

CREATE TABLE user_organizations (
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (user_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX user_organizations_organization ON user_organizations (organization_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    revoked      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id               TEXT PRIMARY KEY,
    hash             TEXT NOT NULL UNIQUE,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL,
    land_code        TEXT NOT NULL REFERENCES lands (code),
    kommune_id       TEXT REFERENCES kommunen (id),
    organization_ids TEXT NOT NULL DEFAULT '',
    invited_by       TEXT REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    used_at          TIMESTAMP
);
CREATE INDEX invitations_kommune ON invitations (kommune_id, created_at);

CREATE TABLE password_resets (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    success     INTEGER NOT NULL,
    throttled   INTEGER NOT NULL DEFAULT 0
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
