-- What families look for, without personal data (issue 4 part 6). A raw row holds only the area (Kommune and
-- perhaps Sozialraum, never a postcode or point), the filter codes, the query words left after sanitising
-- (internal/searchlog) and the result count; no IP, cookie, user or time finer than the request. Raw rows are
-- kept 90 days, then folded into daily counts per Kommune and topic.
-- +goose Up
CREATE TABLE search_log (
    id           UUID PRIMARY KEY,
    searched_at  TIMESTAMPTZ NOT NULL,
    channel      TEXT NOT NULL,
    kommune_id   UUID,
    area_id      UUID,
    words        TEXT NOT NULL DEFAULT '',
    filters      TEXT NOT NULL DEFAULT '',
    result_count INTEGER NOT NULL
);
CREATE INDEX search_log_kommune ON search_log (kommune_id, searched_at);
CREATE INDEX search_log_time ON search_log (searched_at);

-- One row per search and topic ("*" for every search, a word, or a filter as "dimension:value"), so the
-- most searched topics are one GROUP BY.
CREATE TABLE search_log_topics (
    search_id UUID NOT NULL REFERENCES search_log (id) ON DELETE CASCADE,
    topic     TEXT NOT NULL,
    PRIMARY KEY (search_id, topic)
);
CREATE INDEX search_log_topics_topic ON search_log_topics (topic);

-- Folded counts; kommune_id is the nil UUID for searches without an area.
CREATE TABLE search_log_daily (
    day          TEXT NOT NULL,
    kommune_id   UUID NOT NULL,
    topic        TEXT NOT NULL,
    searches     INTEGER NOT NULL,
    zero_results INTEGER NOT NULL,
    PRIMARY KEY (kommune_id, day, topic)
);

-- +goose Down
DROP TABLE search_log_daily;
DROP TABLE search_log_topics;
DROP TABLE search_log;
