package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// PostcodeCentroid is the mean position of the known locations with one postcode and city in one Kommune.
type PostcodeCentroid struct {
	PostalCode, City string
	KommuneID        uuid.UUID
	Latitude         float64
	Longitude        float64
	Locations        int
}

// PostcodeCentroids averages the coordinates of the locations in scope per postcode, city and Kommune: the
// catalogue's own gazetteer, so "where am I" needs no external geocoder. Addresses of organizations are public.
func (s *Store) PostcodeCentroids(ctx context.Context, scope tenant.Scope) ([]PostcodeCentroid, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT postal_code, city, kommune_id, AVG(latitude), AVG(longitude), COUNT(*)
		FROM locations WHERE `+where+` GROUP BY postal_code, city, kommune_id ORDER BY postal_code, city`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "postcode centroids")
	}
	defer rows.Close()
	var out []PostcodeCentroid
	for rows.Next() {
		var c PostcodeCentroid
		if err := rows.Scan(&c.PostalCode, &c.City, &c.KommuneID, &c.Latitude, &c.Longitude, &c.Locations); err != nil {
			return nil, errs.Wrap(err, "scan postcode centroid")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "postcode centroids")
}
