-- The views of the Präventionskette a Kommune publishes on its portal (one row per chosen view; none: nothing
-- is public), and Sozialraum uploads waiting for their confirmation: an upload that ends Sozialräume is shown
-- first and applied only when the coordinator confirms it, so the file is kept here in between (one per
-- Kommune, replaced by the next upload) rather than in one app instance's memory.
-- +goose Up
CREATE TABLE portal_chain_views (
    kommune_id TEXT NOT NULL REFERENCES kommunen (id),
    view       TEXT NOT NULL,
    PRIMARY KEY (kommune_id, view)
);

CREATE TABLE area_uploads (
    id         TEXT PRIMARY KEY,
    kommune_id TEXT NOT NULL UNIQUE REFERENCES kommunen (id),
    valid_from DATE NOT NULL,
    areas      TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE area_uploads;
DROP TABLE portal_chain_views;
