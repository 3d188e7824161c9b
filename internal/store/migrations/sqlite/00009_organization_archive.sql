-- An organization that stops working is archived, not deleted: its offers and locations stay in the audit
-- log and in past reports. NULL means active.
-- +goose Up
ALTER TABLE organizations ADD COLUMN archived_at TIMESTAMP;

-- +goose Down
ALTER TABLE organizations DROP COLUMN archived_at;
