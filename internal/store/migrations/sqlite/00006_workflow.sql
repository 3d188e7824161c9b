-- Freigabe: proposed versions of offers (drafts of new offers and changes to published ones) waiting for a
-- coordinator. The proposal and its base are stored whole as JSON, the way the audit log stores versions.
-- +goose Up
CREATE TABLE change_requests (
    id              TEXT PRIMARY KEY,
    kommune_id      TEXT NOT NULL REFERENCES kommunen (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    offer_id        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL,
    proposed        TEXT NOT NULL,
    base            TEXT,
    author_id       TEXT NOT NULL REFERENCES users (id),
    comment         TEXT NOT NULL DEFAULT '',
    decided_by      TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    submitted_at    TIMESTAMP,
    decided_at      TIMESTAMP
);
CREATE INDEX change_requests_kommune ON change_requests (kommune_id, state, updated_at);
CREATE INDEX change_requests_offer ON change_requests (offer_id, state);
CREATE INDEX change_requests_organization ON change_requests (organization_id, state);

-- +goose Down
DROP TABLE change_requests;
