package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// CreateLocation validates and stores a location of an organization in scope; its Area is derived from the
// Kommune's Sozialräume by point-in-polygon. Provider editors may add locations to their own organizations.
func (s *Store) CreateLocation(ctx context.Context, scope tenant.Scope, actor audit.Actor, l *catalog.Location) error {
	org, err := s.GetOrganization(ctx, scope, l.OrganizationID)
	if err != nil {
		return err
	}
	if err := mayChangeOrganization(scope, org.ID); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	l.KommuneID = org.KommuneID
	if err := s.locate(ctx, l); err != nil {
		return err
	}
	if l.ID == uuid.Nil {
		l.ID = uuid.New()
	}
	l.CreatedAt = s.now().UTC()
	l.UpdatedAt = l.CreatedAt
	hours, err := json.Marshal(nonNil(l.OpeningHours))
	if err != nil {
		return errs.Wrap(err, "opening hours")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO locations (id, kommune_id, organization_id, name, address_1, postal_code,
			city, latitude, longitude, area_id, accessibility, wheelchair_accessible, opening_hours, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), l.ID, l.KommuneID, l.OrganizationID, l.Name, l.Address1,
			l.PostalCode, l.City, l.Latitude, l.Longitude, nullUUID(l.AreaID), l.Accessibility, l.WheelchairAccessible,
			string(hours), l.CreatedAt, l.UpdatedAt); err != nil {
			return errs.Wrap(err, "create location")
		}
		return s.record(ctx, tx, actor, &l.KommuneID, audit.Create, "location", l.ID.String(), nil, l)
	})
}

// locate derives the Area of a location from its Kommune's Sozialräume.
func (s *Store) locate(ctx context.Context, l *catalog.Location) error {
	areas, err := s.listAreas(ctx, s.read, l.KommuneID)
	if err != nil {
		return err
	}
	l.AreaID = nil
	if id, ok := region.NewLocator(areas).Locate(l.Latitude, l.Longitude); ok {
		l.AreaID = &id
	}
	return nil
}

// UpdateLocation replaces a location in scope; it stays with its organization and Kommune, and its Area is
// derived again from the new coordinates. Provider editors may update the locations of their organizations.
func (s *Store) UpdateLocation(ctx context.Context, scope tenant.Scope, actor audit.Actor, l *catalog.Location) error {
	before, err := s.GetLocation(ctx, scope, l.ID)
	if err != nil {
		return err
	}
	if err := mayChangeOrganization(scope, before.OrganizationID); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	l.OrganizationID, l.KommuneID, l.CreatedAt = before.OrganizationID, before.KommuneID, before.CreatedAt
	l.UpdatedAt = s.now().UTC()
	if err := s.locate(ctx, l); err != nil {
		return err
	}
	hours, err := json.Marshal(nonNil(l.OpeningHours))
	if err != nil {
		return errs.Wrap(err, "opening hours")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE locations SET name = ?, address_1 = ?, postal_code = ?, city = ?,
			latitude = ?, longitude = ?, area_id = ?, accessibility = ?, wheelchair_accessible = ?, opening_hours = ?,
			updated_at = ? WHERE id = ?`), l.Name, l.Address1, l.PostalCode, l.City, l.Latitude, l.Longitude,
			nullUUID(l.AreaID), l.Accessibility, l.WheelchairAccessible, string(hours), l.UpdatedAt, l.ID); err != nil {
			return errs.Wrap(err, "update location")
		}
		return s.record(ctx, tx, actor, &l.KommuneID, audit.Update, "location", l.ID.String(), before, l)
	})
}

const locationCols = `id, kommune_id, organization_id, name, address_1, postal_code, city, latitude, longitude, area_id,
	accessibility, wheelchair_accessible, opening_hours, created_at, updated_at`

func scanLocation(row interface{ Scan(...any) error }) (catalog.Location, error) {
	var l catalog.Location
	var area uuid.NullUUID
	var hours string
	err := row.Scan(&l.ID, &l.KommuneID, &l.OrganizationID, &l.Name, &l.Address1, &l.PostalCode, &l.City, &l.Latitude,
		&l.Longitude, &area, &l.Accessibility, &l.WheelchairAccessible, &hours, &l.CreatedAt, &l.UpdatedAt)
	if err != nil {
		return l, err
	}
	if area.Valid {
		l.AreaID = &area.UUID
	}
	if err := json.Unmarshal([]byte(hours), &l.OpeningHours); err != nil {
		return l, errs.Wrap(err, "opening hours of location "+l.ID.String())
	}
	return l, nil
}

// GetLocation returns a location in scope.
func (s *Store) GetLocation(ctx context.Context, scope tenant.Scope, id uuid.UUID) (catalog.Location, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	l, err := scanLocation(s.read.QueryRowContext(ctx, s.q(`SELECT `+locationCols+` FROM locations WHERE id = ? AND `+where),
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("location")
	}
	return l, errs.Wrap(err, "get location")
}

// LocationFilter selects locations; set exactly one of the ids.
type LocationFilter struct {
	OrganizationID uuid.UUID
	AreaID         uuid.UUID
	OfferID        uuid.UUID
}

// ListLocations lists the locations of an organization, an Area or an offer, in scope.
func (s *Store) ListLocations(ctx context.Context, scope tenant.Scope, f LocationFilter) ([]catalog.Location, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	switch {
	case f.OrganizationID != uuid.Nil:
		where += " AND organization_id = ?"
		args = append(args, f.OrganizationID)
	case f.AreaID != uuid.Nil:
		where += " AND area_id = ?"
		args = append(args, f.AreaID)
	case f.OfferID != uuid.Nil:
		where += " AND id IN (SELECT location_id FROM offer_locations WHERE offer_id = ?)"
		args = append(args, f.OfferID)
	default:
		return nil, &errs.Error{Code: errs.BadRequest, Message: "error.bad_request"}
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+locationCols+` FROM locations WHERE `+where+` ORDER BY name, id`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "list locations")
	}
	defer rows.Close()
	var out []catalog.Location
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan location")
		}
		out = append(out, l)
	}
	return out, errs.Wrap(rows.Err(), "list locations")
}

func nullUUID(id *uuid.UUID) any {
	if id == nil {
		return nil
	}
	return *id
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
