-- The foundation: regions, taxonomies, the catalogue and the audit log. Append-only: never edit a released
-- migration, add a new one.
-- +goose Up
CREATE TABLE lands (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE kommunen (
    id         UUID PRIMARY KEY,
    ags        TEXT NOT NULL UNIQUE,
    ars        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    land_code  TEXT NOT NULL REFERENCES lands (code),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX kommunen_land ON kommunen (land_code, name);

CREATE TABLE areas (
    id            UUID PRIMARY KEY,
    kommune_id    UUID NOT NULL REFERENCES kommunen (id),
    key           TEXT NOT NULL,
    name          TEXT NOT NULL,
    geometry      TEXT NOT NULL,
    children_0_2   INTEGER NOT NULL DEFAULT 0,
    children_3_5   INTEGER NOT NULL DEFAULT 0,
    children_6_9   INTEGER NOT NULL DEFAULT 0,
    children_10_15 INTEGER NOT NULL DEFAULT 0,
    children_16_20 INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (kommune_id, key)
);

CREATE TABLE taxonomies (
    code    TEXT PRIMARY KEY,
    name_de TEXT NOT NULL,
    name_en TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE taxonomy_terms (
    taxonomy       TEXT NOT NULL REFERENCES taxonomies (code),
    code           TEXT NOT NULL,
    label_de       TEXT NOT NULL,
    label_en       TEXT NOT NULL,
    sort           INTEGER NOT NULL,
    min_age_months INTEGER,
    max_age_months INTEGER,
    PRIMARY KEY (taxonomy, code)
);

CREATE TABLE organizations (
    id          UUID PRIMARY KEY,
    kommune_id  UUID NOT NULL REFERENCES kommunen (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX organizations_kommune ON organizations (kommune_id, name);

CREATE TABLE locations (
    id                    UUID PRIMARY KEY,
    kommune_id            UUID NOT NULL REFERENCES kommunen (id),
    organization_id       UUID NOT NULL REFERENCES organizations (id),
    name                  TEXT NOT NULL,
    address_1             TEXT NOT NULL,
    postal_code           TEXT NOT NULL,
    city                  TEXT NOT NULL,
    latitude              DOUBLE PRECISION NOT NULL,
    longitude             DOUBLE PRECISION NOT NULL,
    area_id               UUID REFERENCES areas (id),
    accessibility         TEXT NOT NULL DEFAULT '',
    wheelchair_accessible BOOLEAN NOT NULL DEFAULT FALSE,
    opening_hours         JSONB NOT NULL DEFAULT '[]',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX locations_organization ON locations (organization_id);
CREATE INDEX locations_area ON locations (area_id);
CREATE INDEX locations_kommune ON locations (kommune_id);

CREATE TABLE offers (
    id                  UUID PRIMARY KEY,
    kommune_id          UUID NOT NULL REFERENCES kommunen (id),
    organization_id     UUID NOT NULL REFERENCES organizations (id),
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    minimum_age_months  INTEGER,
    maximum_age_months  INTEGER,
    cost                TEXT NOT NULL,
    cost_description    TEXT NOT NULL DEFAULT '',
    access              TEXT NOT NULL,
    delivery            TEXT NOT NULL,
    application_process TEXT NOT NULL DEFAULT '',
    schedule            JSONB NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    valid_from          DATE,
    valid_to            DATE,
    last_confirmed_at   TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX offers_kommune ON offers (kommune_id, status, name);
CREATE INDEX offers_organization ON offers (organization_id);

CREATE TABLE offer_terms (
    offer_id UUID NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    taxonomy TEXT NOT NULL,
    code     TEXT NOT NULL,
    PRIMARY KEY (offer_id, taxonomy, code),
    FOREIGN KEY (taxonomy, code) REFERENCES taxonomy_terms (taxonomy, code)
);
CREATE INDEX offer_terms_term ON offer_terms (taxonomy, code);

CREATE TABLE offer_locations (
    offer_id    UUID NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    location_id UUID NOT NULL REFERENCES locations (id),
    PRIMARY KEY (offer_id, location_id)
);
CREATE INDEX offer_locations_location ON offer_locations (location_id);

CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    kommune_id UUID,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     JSONB,
    after      JSONB
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_kommune ON audit_log (kommune_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE offer_locations;
DROP TABLE offer_terms;
DROP TABLE offers;
DROP TABLE locations;
DROP TABLE organizations;
DROP TABLE taxonomy_terms;
DROP TABLE taxonomies;
DROP TABLE areas;
DROP TABLE kommunen;
DROP TABLE lands;
