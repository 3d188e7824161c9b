package store

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// ChainRows are the rows the chain's in-memory snapshot (internal/chain) is built and refreshed from: every
// active offer of any validity with what the gap analysis needs of it, grouped as the tables hand them out
// cheaply. Offers carry no terms, locations or service areas; those come as id groups, joined by the reader.
type ChainRows struct {
	Organizations []ChainOrganization
	Locations     []ChainLocation
	Offers        []ChainOfferRow
	// Terms are the offers of each phase, field and transition code (Taxonomy, Code), Links the offers held at
	// each location (ID), ServiceAreas the offers that serve each Area (ID) beyond their locations. Offers that
	// are not in Offers (inactive) may be named; the reader skips them.
	Terms, Links, ServiceAreas []ChainIDs
}

// ChainOrganization is an organization's kind, which decides the anchors (Familienzentren).
type ChainOrganization struct {
	ID   uuid.UUID
	Kind string
}

// ChainLocation is a location with its Kommune.
type ChainLocation struct {
	ChainSite
	KommuneID uuid.UUID
}

// ChainOfferRow is an active offer without its terms and places. Delivery is shared between offers with the
// same value and must not be changed.
type ChainOfferRow struct {
	ID, KommuneID, OrganizationID uuid.UUID
	Delivery                      []string
	ValidFrom, ValidTo            *catalog.Date
}

// ChainIDs is a key — a term's taxonomy and code, a location or an Area (ID) — with the ids of its offers.
type ChainIDs struct {
	Taxonomy, Code string
	ID             uuid.UUID
	Offers         []uuid.UUID
}

// ChainRowsAll reads the rows of every Kommune for a snapshot build: one full scan per table, the large ones
// grouped in SQL (as in ChainSourceAll) and run side by side on connections of their own.
func (s *Store) ChainRowsAll(ctx context.Context) (*ChainRows, error) {
	out := &ChainRows{}
	var wg sync.WaitGroup
	var errsOf [6]error
	var terms [3][]idGroup
	for i, tax := range []string{"phase", "field", "transition"} {
		wg.Go(func() { terms[i], errsOf[i] = s.chainTermGroups(ctx, tax) })
	}
	var links, served []idGroup
	wg.Go(func() { links, errsOf[3] = s.chainLocationGroups(ctx) })
	wg.Go(func() {
		served, errsOf[4] = s.chainIDGroups(ctx, `SELECT area_id, `+s.idList("offer_id")+` FROM offer_service_areas GROUP BY area_id`)
	})
	wg.Go(func() {
		if out.Organizations, errsOf[5] = s.chainOrganizations(ctx, "1=1", nil); errsOf[5] != nil {
			return
		}
		if out.Locations, errsOf[5] = s.chainLocations(ctx, "1=1", nil); errsOf[5] != nil {
			return
		}
		out.Offers, errsOf[5] = s.allChainOfferRows(ctx)
	})
	wg.Wait()
	for _, err := range errsOf {
		if err != nil {
			return nil, err
		}
	}
	for _, groups := range terms {
		for _, g := range groups {
			out.Terms = append(out.Terms, ChainIDs{Taxonomy: g.tax, Code: g.code, Offers: g.ids})
		}
	}
	for _, g := range links {
		out.Links = append(out.Links, ChainIDs{ID: g.id, Offers: g.ids})
	}
	for _, g := range served {
		out.ServiceAreas = append(out.ServiceAreas, ChainIDs{ID: g.id, Offers: g.ids})
	}
	return out, nil
}

// allChainOfferRows reads every active offer: one row per Kommune, organization and delivery with the ids and
// validity days of its offers (offerList), which the covering index offers_chain hands out without a sort.
func (s *Store) allChainOfferRows(ctx context.Context) ([]ChainOfferRow, error) {
	rows, err := s.scan(ctx, `SELECT kommune_id, organization_id, delivery, `+s.offerList()+`
		FROM offers WHERE status = 'active' GROUP BY kommune_id, organization_id, delivery`)
	if err != nil {
		return nil, errs.Wrap(err, "chain snapshot offers")
	}
	defer rows.Close()
	deliveries := map[string][]string{}
	days := map[string]*catalog.Date{}
	var out []ChainOfferRow
	for rows.Next() {
		var o ChainOfferRow
		var delivery, list sql.RawBytes
		if err := rows.Scan(&o.KommuneID, &o.OrganizationID, &delivery, &list); err != nil {
			return nil, errs.Wrap(err, "scan chain snapshot offer")
		}
		o.Delivery = deliveryOf(deliveries, delivery)
		for len(list) > 0 {
			var entry []byte
			entry, list, _ = bytes.Cut(list, []byte{' '})
			id, validity, _ := bytes.Cut(entry, []byte{','})
			from, to, _ := bytes.Cut(validity, []byte{','})
			if o.ID, err = uuid.ParseBytes(id); err != nil {
				return nil, errs.Wrap(err, "chain snapshot offer id")
			}
			if o.ValidFrom, err = listDay(days, from); err == nil {
				o.ValidTo, err = listDay(days, to)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, errs.Wrap(rows.Err(), "chain snapshot offers")
}

// deliveryOf splits a delivery column as ChainSourceAll does (trimmed, empty parts dropped), one shared slice
// per distinct value.
func deliveryOf(cache map[string][]string, raw []byte) []string {
	if d, ok := cache[string(raw)]; ok {
		return d
	}
	var d []string
	for _, part := range bytes.Split(raw, []byte{','}) {
		if part = bytes.TrimSpace(part); len(part) > 0 {
			d = append(d, string(part))
		}
	}
	cache[string(raw)] = d
	return d
}

// chainIDGroups reads rows of an id and a list of offer ids (idList).
func (s *Store) chainIDGroups(ctx context.Context, query string) ([]idGroup, error) {
	rows, err := s.scan(ctx, query)
	if err != nil {
		return nil, errs.Wrap(err, "chain id groups")
	}
	defer rows.Close()
	var out []idGroup
	for rows.Next() {
		var g idGroup
		var ids sql.RawBytes
		if err := rows.Scan(&g.id, &ids); err != nil {
			return nil, errs.Wrap(err, "scan chain id group")
		}
		if g.ids, err = parseIDs(ids); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "chain id groups")
}

func (s *Store) chainOrganizations(ctx context.Context, where string, args []any) ([]ChainOrganization, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT g.id, g.kind FROM organizations g WHERE `+where), args...)
	if err != nil {
		return nil, errs.Wrap(err, "chain organizations")
	}
	defer rows.Close()
	var out []ChainOrganization
	intern := map[string]string{}
	for rows.Next() {
		var o ChainOrganization
		var kind sql.RawBytes
		if err := rows.Scan(&o.ID, &kind); err != nil {
			return nil, errs.Wrap(err, "scan chain organization")
		}
		o.Kind = interned(intern, kind)
		out = append(out, o)
	}
	return out, errs.Wrap(rows.Err(), "chain organizations")
}

func (s *Store) chainLocations(ctx context.Context, where string, args []any) ([]ChainLocation, error) {
	rows, err := s.scan(ctx, s.q(`SELECT l.id, l.organization_id, l.kommune_id, l.latitude, l.longitude, l.area_id
		FROM locations l WHERE `+where), args...)
	if err != nil {
		return nil, errs.Wrap(err, "chain locations")
	}
	defer rows.Close()
	var out []ChainLocation
	for rows.Next() {
		var l ChainLocation
		var area uuid.NullUUID
		if err := rows.Scan(&l.LocationID, &l.OrganizationID, &l.KommuneID, &l.Latitude, &l.Longitude, &area); err != nil {
			return nil, errs.Wrap(err, "scan chain location")
		}
		if area.Valid {
			l.AreaID = &area.UUID
		}
		out = append(out, l)
	}
	return out, errs.Wrap(rows.Err(), "chain locations")
}

// ChainRowsOf reads the rows a change touches, for a snapshot refresh: the active offers named in sel, of its
// organizations, Kommunen or at its locations, with their terms, links and service areas; the organizations
// and locations named, of its Kommunen, or of those offers. An offer of sel missing from the result is no
// longer active (or gone). The zero selection reads nothing.
func (s *Store) ChainRowsOf(ctx context.Context, sel SearchSelection) (*ChainRows, error) {
	out := &ChainRows{}
	if sel.empty() {
		return out, nil
	}
	// The condition on offers aliased o, and on locations aliased l, each with its arguments. The status is
	// compared as an expression, so that SQLite finds the offers by their keys rather than scanning its status
	// index (see publicOffer).
	var offerOrs, locOrs []string
	var offerArgs, locArgs []any
	in := func(ors *[]string, args *[]any, cond string, ids []uuid.UUID) {
		if len(ids) == 0 {
			return
		}
		*ors = append(*ors, strings.Replace(cond, "(?)", "("+placeholders(len(ids))+")", 1))
		for _, id := range ids {
			*args = append(*args, id)
		}
	}
	in(&offerOrs, &offerArgs, "o.id IN (?)", sel.OfferIDs)
	in(&offerOrs, &offerArgs, "o.organization_id IN (?)", sel.OrganizationIDs)
	in(&offerOrs, &offerArgs, "o.kommune_id IN (?)", sel.KommuneIDs)
	in(&offerOrs, &offerArgs, "o.id IN (SELECT offer_id FROM offer_locations WHERE location_id IN (?))", sel.LocationIDs)
	offerWhere := "(o.status || '') = 'active' AND (" + strings.Join(offerOrs, " OR ") + ")"
	offerIDs := "SELECT o.id FROM offers o WHERE " + offerWhere
	in(&locOrs, &locArgs, "l.id IN (?)", sel.LocationIDs)
	in(&locOrs, &locArgs, "l.organization_id IN (?)", sel.OrganizationIDs)
	in(&locOrs, &locArgs, "l.kommune_id IN (?)", sel.KommuneIDs)
	locOrs = append(locOrs, "l.id IN (SELECT location_id FROM offer_locations WHERE offer_id IN ("+offerIDs+"))")
	locArgs = append(locArgs, offerArgs...)
	locWhere := strings.Join(locOrs, " OR ")

	var err error
	if out.Locations, err = s.chainLocations(ctx, locWhere, locArgs); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT o.id, o.kommune_id, o.organization_id, o.delivery, o.valid_from, o.valid_to
		FROM offers o WHERE `+offerWhere), offerArgs...)
	if err != nil {
		return nil, errs.Wrap(err, "chain snapshot offers")
	}
	deliveries := map[string][]string{}
	for rows.Next() {
		var o ChainOfferRow
		var delivery sql.RawBytes
		var from, to sql.NullTime
		if err := rows.Scan(&o.ID, &o.KommuneID, &o.OrganizationID, &delivery, &from, &to); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan chain snapshot offer")
		}
		o.Delivery, o.ValidFrom, o.ValidTo = deliveryOf(deliveries, delivery), datePtr(from), datePtr(to)
		out.Offers = append(out.Offers, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "chain snapshot offers")
	}
	// The organizations named or of the Kommunen named, then those of the offers and locations read that are
	// still missing, by id: a condition repeating the offers' and locations' would evaluate them again.
	var orgOrs []string
	var orgArgs []any
	in(&orgOrs, &orgArgs, "g.id IN (?)", sel.OrganizationIDs)
	in(&orgOrs, &orgArgs, "g.kommune_id IN (?)", sel.KommuneIDs)
	if len(orgOrs) > 0 {
		if out.Organizations, err = s.chainOrganizations(ctx, strings.Join(orgOrs, " OR "), orgArgs); err != nil {
			return nil, err
		}
	}
	have := map[uuid.UUID]bool{}
	for _, o := range out.Organizations {
		have[o.ID] = true
	}
	var missing []uuid.UUID
	for _, id := range append(orgsOf(out.Offers), orgsOfLocations(out.Locations)...) {
		if !have[id] {
			have[id] = true
			missing = append(missing, id)
		}
	}
	for len(missing) > 0 {
		n := min(len(missing), 500)
		var ors []string
		var args []any
		in(&ors, &args, "g.id IN (?)", missing[:n])
		more, err := s.chainOrganizations(ctx, ors[0], args)
		if err != nil {
			return nil, err
		}
		out.Organizations, missing = append(out.Organizations, more...), missing[n:]
	}
	if len(out.Offers) == 0 {
		return out, nil
	}
	if out.Terms, err = s.chainPairs(ctx, `SELECT t.taxonomy, t.code, t.offer_id FROM offer_terms t
		WHERE t.taxonomy IN ('phase', 'field', 'transition') AND t.offer_id IN (`+offerIDs+`)`, offerArgs, true); err != nil {
		return nil, err
	}
	if out.Links, err = s.chainPairs(ctx, `SELECT ol.location_id, ol.offer_id FROM offer_locations ol
		WHERE ol.offer_id IN (`+offerIDs+`)`, offerArgs, false); err != nil {
		return nil, err
	}
	out.ServiceAreas, err = s.chainPairs(ctx, `SELECT sa.area_id, sa.offer_id FROM offer_service_areas sa
		WHERE sa.offer_id IN (`+offerIDs+`)`, offerArgs, false)
	return out, err
}

func orgsOf(offers []ChainOfferRow) []uuid.UUID {
	out := make([]uuid.UUID, len(offers))
	for i, o := range offers {
		out[i] = o.OrganizationID
	}
	return out
}

func orgsOfLocations(locs []ChainLocation) []uuid.UUID {
	out := make([]uuid.UUID, len(locs))
	for i, l := range locs {
		out[i] = l.OrganizationID
	}
	return out
}

// chainPairs reads rows of (taxonomy, code, offer) — or (id, offer) when byCode is false — into
// groups per key, in the order the keys first came.
func (s *Store) chainPairs(ctx context.Context, query string, args []any, byCode bool) ([]ChainIDs, error) {
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, errs.Wrap(err, "chain snapshot groups")
	}
	defer rows.Close()
	type key struct {
		tax, code string
		id        uuid.UUID
	}
	at := map[key]int{}
	var out []ChainIDs
	for rows.Next() {
		var k key
		var offer uuid.UUID
		if byCode {
			err = rows.Scan(&k.tax, &k.code, &offer)
		} else {
			err = rows.Scan(&k.id, &offer)
		}
		if err != nil {
			return nil, errs.Wrap(err, "scan chain snapshot group")
		}
		i, ok := at[k]
		if !ok {
			i, at[k] = len(out), len(out)
			out = append(out, ChainIDs{Taxonomy: k.tax, Code: k.code, ID: k.id})
		}
		out[i].Offers = append(out[i].Offers, offer)
	}
	return out, errs.Wrap(rows.Err(), "chain snapshot groups")
}

// ChainKommunen reads the Kommunen in scope ordered by AGS, each as a ChainSource without offers and anchors
// but with its Areas as they were on date — what an analysis over the chain snapshot takes from the database,
// as Areas and their versions are few. historic[i] tells that other boundaries than the current ones held
// for srcs[i] on date, so that the Areas of its sites are to be derived again (Relocate) once they are in.
func (s *Store) ChainKommunen(ctx context.Context, scope tenant.Scope, date catalog.Date) (srcs []ChainSource, historic []bool, err error) {
	where, args := s.scopeWhere(scope, "k.id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+kommuneCols+` FROM kommunen k WHERE `+where+` ORDER BY k.ags`), args...)
	if err != nil {
		return nil, nil, errs.Wrap(err, "chain kommunen")
	}
	at := map[uuid.UUID]int{}
	for rows.Next() {
		var k region.Kommune
		if err := scanKommune(rows, &k); err != nil {
			rows.Close()
			return nil, nil, errs.Wrap(err, "scan chain kommune")
		}
		at[k.ID] = len(srcs)
		srcs = append(srcs, ChainSource{Kommune: k, Date: date})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, errs.Wrap(err, "chain kommunen")
	}
	var versions []AreaVersion
	if len(srcs) == 1 { // one Kommune (a Kommune's scope) need not read every Area of the nation
		versions, err = s.areaVersions(ctx, s.read, &srcs[0].Kommune.ID)
	} else {
		versions, err = s.areaVersions(ctx, s.read, nil)
	}
	if err != nil {
		return nil, nil, err
	}
	historic = make([]bool, len(srcs))
	areas, _ := versionsAt(versions, date)
	for _, v := range versions {
		if i, ok := at[v.KommuneID]; ok && v.ValidAt(date) && !v.Current {
			historic[i] = true
		}
	}
	for _, a := range areas {
		if i, ok := at[a.KommuneID]; ok {
			srcs[i].Areas = append(srcs[i].Areas, a)
		}
	}
	return srcs, historic, nil
}

// Relocate derives the Area of every site of the source again from its Areas: for a day on which other
// boundaries than the current ones held (ChainKommunen's historic). It replaces the sites' AreaID pointers
// and never writes through them, so sites may share them with a snapshot.
func (src *ChainSource) Relocate() { src.relocate() }
