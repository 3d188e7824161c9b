-- Social monitoring: the indicator catalogue (seeded from internal/indicator at migrate time) and the values
-- per region and period. A value belongs to a Kommune and, for a Sozialraum, to one of its Areas; region_id is
-- the id of the Area or else of the Kommune, so that one unique key covers both levels. area_version keeps the
-- version of the Sozialraum the value was measured on, because boundaries change.
-- +goose Up
CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    name_de     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    short_de    TEXT NOT NULL,
    unit        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    polarity    TEXT NOT NULL,
    levels      TEXT NOT NULL,
    source      TEXT NOT NULL,
    licence     TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    age_band    TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL
);

CREATE TABLE indicator_values (
    indicator    TEXT NOT NULL REFERENCES indicators (code),
    kommune_id   TEXT NOT NULL REFERENCES kommunen (id),
    area_id      TEXT REFERENCES areas (id),
    region_id    TEXT NOT NULL,
    area_version INTEGER NOT NULL DEFAULT 0,
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    count        INTEGER,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator, region_id, period)
);
CREATE INDEX indicator_values_kommune ON indicator_values (kommune_id, indicator, period);

-- +goose Down
DROP TABLE indicator_values;
DROP TABLE indicators;
