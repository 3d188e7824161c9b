-- Freshness: when an offer's providers were last reminded to confirm it, and when it was hidden from the public
-- search for being unconfirmed too long. A table of its own rather than columns of offers, because offers are
-- rewritten (deleted and inserted) on every change, which must not reset the reminders or the hiding; for the
-- same reason there is no foreign key to offers. A hiding counts only while the offer's last confirmation is
-- older than it.
-- +goose Up
CREATE TABLE offer_freshness (
    offer_id    TEXT PRIMARY KEY,
    kommune_id  TEXT NOT NULL REFERENCES kommunen (id),
    reminded_at TIMESTAMP,
    hidden_at   TIMESTAMP
);
CREATE INDEX offer_freshness_kommune ON offer_freshness (kommune_id);

-- +goose Down
DROP TABLE offer_freshness;
