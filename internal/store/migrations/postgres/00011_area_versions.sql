-- Versioned Sozialräume: boundaries change, and an analysis of a past date must use the Areas as they were
-- then. The row in areas is the current version (valid_from NULL: since always; valid_to set only when the
-- Area was retired); every earlier version moves to area_versions with its validity when a new boundary set
-- replaces it. The Area's id stays, so locations, service areas and indicator values keep pointing at it;
-- indicator_values.area_version names the version a value was measured on.
-- +goose Up
ALTER TABLE areas ADD COLUMN valid_from DATE;
ALTER TABLE areas ADD COLUMN valid_to DATE;

CREATE TABLE area_versions (
    area_id        UUID NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    kommune_id     UUID NOT NULL REFERENCES kommunen (id),
    key            TEXT NOT NULL,
    name           TEXT NOT NULL,
    geometry       TEXT NOT NULL,
    children_0_2   INTEGER NOT NULL DEFAULT 0,
    children_3_5   INTEGER NOT NULL DEFAULT 0,
    children_6_9   INTEGER NOT NULL DEFAULT 0,
    children_10_15 INTEGER NOT NULL DEFAULT 0,
    children_16_20 INTEGER NOT NULL DEFAULT 0,
    valid_from     DATE,
    valid_to       DATE NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (area_id, version)
);
CREATE INDEX area_versions_kommune ON area_versions (kommune_id);

-- The nation-wide gap analysis (store.ChainSourceAll) reads the chain columns of every active offer; this
-- index holds them, so the read does not walk the wide offer rows (descriptions, schedules) of a million offers.
CREATE INDEX offers_chain ON offers (status, kommune_id, organization_id, delivery, valid_from, valid_to, id);

-- +goose Down
DROP INDEX offers_chain;
DROP TABLE area_versions;
ALTER TABLE areas DROP COLUMN valid_to;
ALTER TABLE areas DROP COLUMN valid_from;
