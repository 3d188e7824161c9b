package store

import (
	"bytes"
	"context"
	"database/sql"
	"slices"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// OrganizationKindFamilienzentrum is the organization kind whose locations are the anchors of the chain.
const OrganizationKindFamilienzentrum = "familienzentrum"

// ChainSource is what the gap analysis (internal/chain) reads for one Kommune: its Sozialräume, its offers
// valid at Date and the locations of its Familienzentren.
type ChainSource struct {
	Kommune region.Kommune
	Date    catalog.Date
	Areas   []region.Area // ordered by key
	Offers  []ChainOffer  // ordered by id
	Anchors []ChainSite   // the locations of organizations of kind familienzentrum, with or without offers
}

// ChainOffer is an offer as the gap analysis needs it.
type ChainOffer struct {
	ID               uuid.UUID
	Name             string
	OrganizationID   uuid.UUID
	OrganizationKind string
	Phases           []string
	Fields           []string
	Transitions      []string
	Delivery         []string
	ValidFrom        *catalog.Date
	ValidTo          *catalog.Date
	Sites            []ChainSite // its locations, ordered by location id
	// ServiceAreas are the Areas the offer serves beyond its locations (offer_service_areas), ordered by id.
	ServiceAreas []uuid.UUID
}

// ChainSite is a location with what reachability needs.
type ChainSite struct {
	LocationID     uuid.UUID
	OrganizationID uuid.UUID
	Latitude       float64
	Longitude      float64
	AreaID         *uuid.UUID // derived by point-in-polygon; nil outside every Area
}

// ValidAt reports whether an offer with this validity period is valid on day d; open ends are unbounded.
func ValidAt(from, to *catalog.Date, d catalog.Date) bool {
	return (from == nil || !d.Before(*from)) && (to == nil || !to.Before(d))
}

// ChainSource reads the gap analysis' input for a Kommune in scope: the Areas, the active offers valid on
// date (valid_from ≤ date ≤ valid_to where set) with their phases, fields, transitions, delivery,
// organization kind and locations, and the Familienzentrum locations. After the scope check it runs three
// queries whatever the number of offers. The validity dates are compared in Go rather than in SQL, because SQLite keeps dates as
// text whose comparison would depend on how each row was written.
func (s *Store) ChainSource(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, date catalog.Date) (ChainSource, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return ChainSource{}, err
	}
	src := ChainSource{Kommune: k, Date: date}
	if src.Areas, err = s.listAreas(ctx, s.read, k.ID); err != nil {
		return ChainSource{}, err
	}
	if src.Offers, err = s.chainOffers(ctx, scope, k.ID, date); err != nil {
		return ChainSource{}, err
	}
	if src.Anchors, err = s.chainSites(ctx, scope, k.ID, src.Offers); err != nil {
		return ChainSource{}, err
	}
	return src, nil
}

// chainOffers reads the active offers of a Kommune valid on date with their phase, field and transition
// codes: one row per term (or one row for an offer without any). The rows are grouped and ordered in Go: an
// ORDER BY made SQLite sort every term row with the offer's columns, which cost most of the read.
func (s *Store) chainOffers(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, date catalog.Date) ([]ChainOffer, error) {
	where, args := s.scopeWhere(scope, "o.kommune_id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT o.id, o.name, o.organization_id, g.kind, o.delivery, o.valid_from,
		o.valid_to, t.taxonomy, t.code
		FROM offers o JOIN organizations g ON g.id = o.organization_id
		LEFT JOIN offer_terms t ON t.offer_id = o.id AND t.taxonomy IN ('phase', 'field', 'transition')
		WHERE o.kommune_id = ? AND o.status = 'active' AND `+where),
		append([]any{kommuneID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "chain offers")
	}
	defer rows.Close()
	var out []ChainOffer
	at := map[uuid.UUID]int{} // offer id → index in out
	for rows.Next() {
		var o ChainOffer
		var delivery string
		var from, to sql.NullTime
		var tax, code sql.NullString
		if err := rows.Scan(&o.ID, &o.Name, &o.OrganizationID, &o.OrganizationKind, &delivery, &from, &to, &tax, &code); err != nil {
			return nil, errs.Wrap(err, "scan chain offer")
		}
		o.ValidFrom, o.ValidTo = datePtr(from), datePtr(to)
		if !ValidAt(o.ValidFrom, o.ValidTo, date) {
			continue
		}
		i, seen := at[o.ID]
		if !seen {
			o.Delivery = splitList(delivery)
			i, at[o.ID] = len(out), len(out)
			out = append(out, o)
		}
		addChainTerm(&out[i], tax.String, code.String)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "chain offers")
	}
	sortByID(out, func(o ChainOffer) uuid.UUID { return o.ID })
	for i := range out {
		for _, l := range []*[]string{&out[i].Phases, &out[i].Fields, &out[i].Transitions} {
			slices.Sort(*l)
		}
	}
	return out, s.chainServiceAreas(ctx, kommuneID, out)
}

// chainServiceAreas adds the service areas to the offers (sorted by id) in one query.
func (s *Store) chainServiceAreas(ctx context.Context, kommuneID uuid.UUID, offers []ChainOffer) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT sa.offer_id, sa.area_id FROM offer_service_areas sa
		JOIN offers o ON o.id = sa.offer_id WHERE o.kommune_id = ?`), kommuneID)
	if err != nil {
		return errs.Wrap(err, "chain service areas")
	}
	defer rows.Close()
	for rows.Next() {
		var offer, area uuid.UUID
		if err := rows.Scan(&offer, &area); err != nil {
			return errs.Wrap(err, "scan chain service area")
		}
		i, found := slices.BinarySearchFunc(offers, offer, func(o ChainOffer, id uuid.UUID) int {
			return bytes.Compare(o.ID[:], id[:])
		})
		if found {
			offers[i].ServiceAreas = append(offers[i].ServiceAreas, area)
		}
	}
	for i := range offers {
		slices.SortFunc(offers[i].ServiceAreas, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	}
	return errs.Wrap(rows.Err(), "chain service areas")
}

// sortByID orders by an id (byte order is the order of the id's text), so that the source is the same
// whatever order the database returned its rows in.
func sortByID[T any](list []T, id func(T) uuid.UUID) {
	slices.SortFunc(list, func(a, b T) int {
		x, y := id(a), id(b)
		return bytes.Compare(x[:], y[:])
	})
}

func addChainTerm(o *ChainOffer, tax, code string) {
	switch tax {
	case "phase":
		o.Phases = append(o.Phases, code)
	case "field":
		o.Fields = append(o.Fields, code)
	case "transition":
		o.Transitions = append(o.Transitions, code)
	}
}

// chainSites reads every location of a Kommune with its organization kind and the offers held there (one
// row per location and offer), attaches the locations to the offers and returns the Familienzentrum
// locations. Links to offers not in offers (inactive, not valid on the date) are skipped. No ORDER BY, as
// above: sites and anchors are ordered by location id in Go.
func (s *Store) chainSites(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, offers []ChainOffer) ([]ChainSite, error) {
	byID := make(map[uuid.UUID]*ChainOffer, len(offers))
	for i := range offers {
		byID[offers[i].ID] = &offers[i]
	}
	where, args := s.scopeWhere(scope, "l.kommune_id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT l.id, l.organization_id, g.kind, l.latitude, l.longitude, l.area_id,
		ol.offer_id
		FROM locations l JOIN organizations g ON g.id = l.organization_id
		LEFT JOIN offer_locations ol ON ol.location_id = l.id
		WHERE l.kommune_id = ? AND `+where), append([]any{kommuneID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "chain sites")
	}
	defer rows.Close()
	var anchors []ChainSite
	anchored := map[uuid.UUID]bool{}
	for rows.Next() {
		var site ChainSite
		var kind string
		var area, offer uuid.NullUUID
		if err := rows.Scan(&site.LocationID, &site.OrganizationID, &kind, &site.Latitude, &site.Longitude, &area, &offer); err != nil {
			return nil, errs.Wrap(err, "scan chain site")
		}
		if area.Valid {
			site.AreaID = &area.UUID
		}
		if kind == OrganizationKindFamilienzentrum && !anchored[site.LocationID] {
			anchored[site.LocationID] = true
			anchors = append(anchors, site)
		}
		if o := byID[offer.UUID]; offer.Valid && o != nil {
			o.Sites = append(o.Sites, site)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "chain sites")
	}
	siteID := func(s ChainSite) uuid.UUID { return s.LocationID }
	sortByID(anchors, siteID)
	for i := range offers {
		sortByID(offers[i].Sites, siteID)
	}
	return anchors, nil
}
