-- The summary of an offer in Leichte Sprache (easy German), shown first on the offer page when present;
-- empty for offers without one.
-- +goose Up
ALTER TABLE offers ADD COLUMN easy_summary TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE offers DROP COLUMN easy_summary;
