-- Public portals per Kommune (branding, host, embedding, legal texts) and barrier reports sent through the
-- accessibility statement's feedback form.
-- +goose Up
CREATE TABLE portals (
    kommune_id      UUID PRIMARY KEY REFERENCES kommunen (id),
    host            TEXT,
    title           TEXT NOT NULL,
    intro           TEXT NOT NULL DEFAULT '',
    primary_color   TEXT NOT NULL,
    frame_ancestors TEXT NOT NULL DEFAULT '',
    impressum       TEXT NOT NULL DEFAULT '',
    privacy         TEXT NOT NULL DEFAULT '',
    accessibility   TEXT NOT NULL DEFAULT '',
    easy_language   TEXT NOT NULL DEFAULT '',
    feedback_email  TEXT NOT NULL DEFAULT '',
    logo            BYTEA,
    logo_type       TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX portals_host ON portals (host);

CREATE TABLE accessibility_feedback (
    id         UUID PRIMARY KEY,
    kommune_id UUID REFERENCES kommunen (id),
    page       TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL,
    contact    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX accessibility_feedback_kommune ON accessibility_feedback (kommune_id, created_at);

-- +goose Down
DROP TABLE accessibility_feedback;
DROP TABLE portals;
