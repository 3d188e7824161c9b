-- Freigabe: proposed versions of offers (drafts of new offers and changes to published ones) waiting for a
-- coordinator. The proposal and its base are stored whole as JSON, the way the audit log stores versions.
-- +goose Up
CREATE TABLE change_requests (
    id              UUID PRIMARY KEY,
    kommune_id      UUID NOT NULL REFERENCES kommunen (id),
    organization_id UUID NOT NULL REFERENCES organizations (id),
    offer_id        UUID NOT NULL,
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL,
    proposed        TEXT NOT NULL,
    base            TEXT,
    author_id       UUID NOT NULL REFERENCES users (id),
    comment         TEXT NOT NULL DEFAULT '',
    decided_by      UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    submitted_at    TIMESTAMPTZ,
    decided_at      TIMESTAMPTZ
);
CREATE INDEX change_requests_kommune ON change_requests (kommune_id, state, updated_at);
CREATE INDEX change_requests_offer ON change_requests (offer_id, state);
CREATE INDEX change_requests_organization ON change_requests (organization_id, state);

-- +goose Down
DROP TABLE change_requests;
