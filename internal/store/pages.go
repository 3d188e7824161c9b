package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// CountOffersByArea counts the offers in scope per Sozialraum of a Kommune in scope: an offer counts for every
// Area it has a location in, once per Area. Areas without offers are absent from the map. The public counts
// active offers only.
func (s *Store) CountOffersByArea(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) (map[uuid.UUID]int, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	where, args := s.offerScope(scope, "o.")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT l.area_id, COUNT(DISTINCT o.id) FROM offers o
		JOIN offer_locations ol ON ol.offer_id = o.id JOIN locations l ON l.id = ol.location_id
		WHERE o.kommune_id = ? AND l.area_id IS NOT NULL AND `+where+` GROUP BY l.area_id`), append([]any{kommuneID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "count offers by area")
	}
	defer rows.Close()
	out := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, errs.Wrap(err, "scan offers by area")
		}
		out[id] = n
	}
	return out, errs.Wrap(rows.Err(), "count offers by area")
}

// CountOffersByTerm counts the offers in scope of a Kommune in scope per code of one taxonomy (e.g. phase):
// an offer counts once for each of its codes. Codes without offers are absent from the map.
func (s *Store) CountOffersByTerm(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, taxonomy string) (map[string]int, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	where, args := s.offerScope(scope, "o.")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.code, COUNT(*) FROM offers o
		JOIN offer_terms t ON t.offer_id = o.id AND t.taxonomy = ?
		WHERE o.kommune_id = ? AND `+where+` GROUP BY t.code`), append([]any{taxonomy, kommuneID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "count offers by term")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, errs.Wrap(err, "scan offers by term")
		}
		out[code] = n
	}
	return out, errs.Wrap(rows.Err(), "count offers by term")
}
