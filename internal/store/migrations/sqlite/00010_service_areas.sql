-- Service areas (HSDS service_area): the Sozialräume an offer serves beyond where its locations are – above all
-- outreach offers that visit families at home. The gap analysis counts such an offer only where it serves.
-- +goose Up
CREATE TABLE offer_service_areas (
    offer_id TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    area_id  TEXT NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
    PRIMARY KEY (offer_id, area_id)
);
CREATE INDEX offer_service_areas_area ON offer_service_areas (area_id);

-- +goose Down
DROP TABLE offer_service_areas;
