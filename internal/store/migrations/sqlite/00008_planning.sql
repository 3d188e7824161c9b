-- The planning cycle of a Kommune: steps with dates and notes, attached reports, and measures that name the
-- gap they close and the offer that closes it.
-- +goose Up
CREATE TABLE planning_cycles (
    id         TEXT PRIMARY KEY,
    kommune_id TEXT NOT NULL REFERENCES kommunen (id),
    title      TEXT NOT NULL,
    started_on TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX planning_cycles_kommune ON planning_cycles (kommune_id, started_on);

CREATE TABLE planning_steps (
    cycle_id TEXT NOT NULL REFERENCES planning_cycles (id) ON DELETE CASCADE,
    step     TEXT NOT NULL,
    done_on  TEXT,
    notes    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (cycle_id, step)
);

CREATE TABLE planning_attachments (
    id           TEXT PRIMARY KEY,
    cycle_id     TEXT NOT NULL REFERENCES planning_cycles (id) ON DELETE CASCADE,
    kommune_id   TEXT NOT NULL REFERENCES kommunen (id),
    step         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX planning_attachments_cycle ON planning_attachments (cycle_id);

CREATE TABLE planning_measures (
    id         TEXT PRIMARY KEY,
    cycle_id   TEXT NOT NULL REFERENCES planning_cycles (id) ON DELETE CASCADE,
    kommune_id TEXT NOT NULL REFERENCES kommunen (id),
    title      TEXT NOT NULL,
    area_id    TEXT NOT NULL REFERENCES areas (id),
    phase      TEXT NOT NULL DEFAULT '',
    field      TEXT NOT NULL DEFAULT '',
    transition TEXT NOT NULL DEFAULT '',
    offer_id   TEXT,
    status     TEXT NOT NULL,
    due_on     TEXT,
    notes      TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX planning_measures_cycle ON planning_measures (cycle_id);

-- +goose Down
DROP TABLE planning_measures;
DROP TABLE planning_attachments;
DROP TABLE planning_steps;
DROP TABLE planning_cycles;
