package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
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

// ChainSource reads the gap analysis' input for a Kommune in scope: the Areas as they were on date (their
// versions valid then), the active offers valid on
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
	versions, err := s.areaVersions(ctx, s.read, &k.ID)
	if err != nil {
		return ChainSource{}, err
	}
	areas, historic := versionsAt(versions, date)
	src.Areas = areas
	if src.Offers, err = s.chainOffers(ctx, scope, k.ID, date); err != nil {
		return ChainSource{}, err
	}
	if src.Anchors, err = s.chainSites(ctx, scope, k.ID, src.Offers); err != nil {
		return ChainSource{}, err
	}
	if historic {
		src.relocate()
	}
	return src, nil
}

// relocate derives the Area of every site again from the Areas of the source. The stored Area of a location
// is derived from the current boundaries; for a day on which other boundaries held, it is derived from those.
func (src *ChainSource) relocate() {
	loc := region.NewLocator(src.Areas)
	at := func(site *ChainSite) {
		site.AreaID = nil
		if id, ok := loc.Locate(site.Latitude, site.Longitude); ok {
			site.AreaID = &id
		}
	}
	for i := range src.Anchors {
		at(&src.Anchors[i])
	}
	for i := range src.Offers {
		for j := range src.Offers[i].Sites {
			at(&src.Offers[i].Sites[j])
		}
	}
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

// ChainSourceAll reads the gap analysis' input for every Kommune in scope as of date and hands the sources to
// fn one Kommune at a time, ordered by AGS; an error of fn stops the read. It reads each table once, whatever
// the number of Kommunen — offers, their terms, service areas, locations and their links in full scans grouped
// in Go — because 401 calls of ChainSource would seek the offer × term index once per offer. Offers have no
// Name here and come in no particular order, their sites in the order of the links: the analysis needs
// neither, and leaving them out keeps the million rows of a nation light.
func (s *Store) ChainSourceAll(ctx context.Context, scope tenant.Scope, date catalog.Date, fn func(ChainSource) error) error {
	where, args := s.scopeWhere(scope, "k.id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+kommuneCols+` FROM kommunen k WHERE `+where+` ORDER BY k.ags`), args...)
	if err != nil {
		return errs.Wrap(err, "chain kommunen")
	}
	var srcs []ChainSource
	at := map[uuid.UUID]int{} // Kommune id → index in srcs
	for rows.Next() {
		var k region.Kommune
		if err := scanKommune(rows, &k); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan chain kommune")
		}
		at[k.ID] = len(srcs)
		srcs = append(srcs, ChainSource{Kommune: k, Date: date})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "chain kommunen")
	}
	versions, err := s.areaVersions(ctx, s.read, nil)
	if err != nil {
		return err
	}
	areas, _ := versionsAt(versions, date)
	historic := map[uuid.UUID]bool{}
	for _, v := range versions {
		if v.ValidAt(date) && !v.Current {
			historic[v.KommuneID] = true
		}
	}
	for _, a := range areas {
		if i, ok := at[a.KommuneID]; ok {
			srcs[i].Areas = append(srcs[i].Areas, a)
		}
	}
	// The largest reads — the terms (one per taxonomy) and the offers of each location — run beside the offers'
	// on connections of their own and collect ids; once the offers and locations are read, each joins its ids
	// to the offers. The joins write disjoint fields of the offers (phases, fields, transitions, sites), so they
	// run side by side too.
	var index *offerIndex
	var sites map[uuid.UUID]ChainSite
	ready := make(chan struct{}) // closed when index and sites are read (nil after an error)
	var errsOf [4]error
	var wg sync.WaitGroup
	for i, tax := range []string{"phase", "field", "transition"} {
		wg.Go(func() {
			groups, err := s.chainTermGroups(ctx, tax)
			<-ready
			if errsOf[i] = err; err != nil || index == nil {
				return
			}
			for _, t := range groups {
				index.each(t.ids, func(r offerRef) {
					o := &srcs[r.k].Offers[r.j]
					l := [...]*[]string{&o.Phases, &o.Fields, &o.Transitions}[i]
					*l = append(*l, t.code)
				})
			}
		})
	}
	wg.Go(func() {
		links, err := s.chainLocationGroups(ctx)
		<-ready
		if errsOf[3] = err; err != nil || index == nil {
			return
		}
		for _, l := range links {
			site, ok := sites[l.id]
			if !ok {
				continue
			}
			for _, id := range l.ids {
				if r, ok := index.find(id); ok {
					o := &srcs[r.k].Offers[r.j]
					o.Sites = append(o.Sites, site)
				}
			}
		}
	})
	kinds, err := s.organizationKinds(ctx)
	if err == nil {
		index, err = s.allChainOffers(ctx, srcs, at, kinds, date)
	}
	if err == nil {
		sites, err = s.allChainLocations(ctx, srcs, at, kinds)
	}
	if err != nil {
		index = nil
	}
	close(ready)
	wg.Wait()
	if err = cmp.Or(err, errsOf[0], errsOf[1], errsOf[2], errsOf[3]); err != nil {
		return err
	}
	siteID := func(s ChainSite) uuid.UUID { return s.LocationID }
	for i := range srcs {
		src := &srcs[i]
		sortByID(src.Anchors, siteID)
		if historic[src.Kommune.ID] {
			src.relocate()
		}
		if err := fn(*src); err != nil {
			return err
		}
		srcs[i] = ChainSource{} // the analysis holds what it needs; the rest can go
	}
	return nil
}

// scanRows are the rows of a full scan of ChainSourceAll on a connection of its own. On SQLite the connection
// reads the file through a memory map during the scan (PRAGMA mmap_size), which spares a system call per page
// of a file of gigabytes; Close sets it back before the connection returns to the pool.
type scanRows struct {
	*sql.Rows
	conn   *sql.Conn
	mapped bool
	closed bool
}

// scanMmap is the largest memory map a scan asks SQLite for.
const scanMmap = 1 << 34

func (s *Store) scan(ctx context.Context, query string, args ...any) (*scanRows, error) {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "scan connection")
	}
	r := &scanRows{conn: conn}
	if s.dialect == SQLite {
		_, err := conn.ExecContext(ctx, "PRAGMA mmap_size = "+strconv.Itoa(scanMmap))
		r.mapped = err == nil // without a map the scan reads as usual
	}
	if r.Rows, err = conn.QueryContext(ctx, query, args...); err != nil {
		r.closed = true
		r.reset()
		return nil, err
	}
	return r, nil
}

func (r *scanRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.reset()
	return err
}

func (r *scanRows) reset() {
	if r.mapped {
		_, _ = r.conn.ExecContext(context.Background(), "PRAGMA mmap_size = 0")
	}
	_ = r.conn.Close()
}

// offerRef finds an offer of ChainSourceAll: the Kommune's index and the offer's index in its source.
type offerRef struct{ k, j int32 }

// offerIndex finds the offers of ChainSourceAll by id. The ids are bucketed by 20 bits of a hash of all their
// bytes (not by their first bytes: generated ids may share them), and a lookup scans one bucket: for millions
// of lookups this is cheaper than a map.
type offerIndex struct {
	ids   []uuid.UUID
	refs  []offerRef
	start []int32 // bucket b is ids[start[b]:start[b+1]]
	// sorted are the ids in byte order, for joining sorted id lists by merging (each).
	sorted []sortedID
}

// sortedID is an id as two big-endian halves, which compare like its bytes.
type sortedID struct {
	hi, lo uint64
	ref    offerRef
}

func keyOf(id uuid.UUID) (uint64, uint64) {
	return binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(id[8:])
}

func newOfferIndex(srcs []ChainSource) *offerIndex {
	n := 0
	for _, src := range srcs {
		n += len(src.Offers)
	}
	x := &offerIndex{ids: make([]uuid.UUID, n), refs: make([]offerRef, n), start: make([]int32, idBuckets+1)}
	for _, src := range srcs {
		for _, o := range src.Offers {
			x.start[idBucket(o.ID)+1]++
		}
	}
	for b := 1; b < len(x.start); b++ {
		x.start[b] += x.start[b-1]
	}
	next := slices.Clone(x.start[:idBuckets])
	for k, src := range srcs {
		for j, o := range src.Offers {
			b := idBucket(o.ID)
			x.ids[next[b]], x.refs[next[b]] = o.ID, offerRef{k: int32(k), j: int32(j)}
			next[b]++
			hi, lo := keyOf(o.ID)
			x.sorted = append(x.sorted, sortedID{hi: hi, lo: lo, ref: offerRef{k: int32(k), j: int32(j)}})
		}
	}
	slices.SortFunc(x.sorted, func(a, b sortedID) int { return cmp.Or(cmp.Compare(a.hi, b.hi), cmp.Compare(a.lo, b.lo)) })
	return x
}

// each calls fn for every id of ids (in byte order) that is an offer of the index, walking both sorted lists
// once: for the long id lists of the terms this streams through memory instead of looking up each id.
func (x *offerIndex) each(ids []uuid.UUID, fn func(offerRef)) {
	j := 0
	for _, id := range ids {
		hi, lo := keyOf(id)
		for j < len(x.sorted) && (x.sorted[j].hi < hi || x.sorted[j].hi == hi && x.sorted[j].lo < lo) {
			j++
		}
		if j < len(x.sorted) && x.sorted[j].hi == hi && x.sorted[j].lo == lo {
			fn(x.sorted[j].ref)
		}
	}
}

// The index has 2^20 buckets: a million offers fill each with one on average.
const (
	idBucketBits = 20
	idBuckets    = 1 << idBucketBits
)

// idBucket is the bucket of an id: Fibonacci hashing of its two halves.
func idBucket(id uuid.UUID) int {
	h := binary.LittleEndian.Uint64(id[:8]) ^ binary.LittleEndian.Uint64(id[8:])*0x9E3779B97F4A7C15
	return int((h * 0x9E3779B97F4A7C15) >> (64 - idBucketBits))
}

func (x *offerIndex) find(id uuid.UUID) (offerRef, bool) {
	b := idBucket(id)
	for i := x.start[b]; i < x.start[b+1]; i++ {
		if x.ids[i] == id {
			return x.refs[i], true
		}
	}
	return offerRef{}, false
}

// organizationKinds maps every organization to its kind.
func (s *Store) organizationKinds(ctx context.Context) (map[uuid.UUID]string, error) {
	rows, err := s.scan(ctx, `SELECT id, kind FROM organizations`)
	if err != nil {
		return nil, errs.Wrap(err, "organization kinds")
	}
	defer rows.Close()
	out := map[uuid.UUID]string{}
	intern := map[string]string{}
	for rows.Next() {
		var id uuid.UUID
		var kind sql.RawBytes
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, errs.Wrap(err, "scan organization kind")
		}
		out[id] = interned(intern, kind)
	}
	return out, errs.Wrap(rows.Err(), "organization kinds")
}

// interned returns the string of b, one copy per distinct value: a million offers share a few dozen codes.
func interned(m map[string]string, b []byte) string {
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	m[s] = s
	return s
}

// allChainOffers reads the active offers of the Kommunen in at that are valid on date into their sources, with
// their terms and service areas, and returns where each offer went. The terms come ordered by offer (the
// table's key), so one lookup serves all terms of an offer.
func (s *Store) allChainOffers(ctx context.Context, srcs []ChainSource, at map[uuid.UUID]int, kinds map[uuid.UUID]string,
	date catalog.Date) (*offerIndex, error) {
	// One row per Kommune, organization and delivery with the ids and validity days of its offers: the index
	// offers_chain holds these columns in this order, so the grouping needs no sort, and a few hundred thousand
	// long rows cost far less than a million short ones through database/sql.
	rows, err := s.scan(ctx, `SELECT kommune_id, organization_id, delivery, `+s.offerList()+`
		FROM offers WHERE status = 'active' GROUP BY kommune_id, organization_id, delivery`)
	if err != nil {
		return nil, errs.Wrap(err, "all chain offers")
	}
	intern := map[string]string{}
	days := map[string]*catalog.Date{}
	for rows.Next() {
		var o ChainOffer
		var kommune uuid.UUID
		var delivery, list sql.RawBytes
		if err := rows.Scan(&kommune, &o.OrganizationID, &delivery, &list); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan chain offer")
		}
		k, ok := at[kommune]
		if !ok {
			continue
		}
		o.OrganizationKind = kinds[o.OrganizationID]
		for _, d := range bytes.Split(delivery, []byte{','}) {
			if d = bytes.TrimSpace(d); len(d) > 0 {
				o.Delivery = append(o.Delivery, interned(intern, d))
			}
		}
		for len(list) > 0 {
			var entry []byte
			entry, list, _ = bytes.Cut(list, []byte{' '})
			id, validity, _ := bytes.Cut(entry, []byte{','})
			from, to, _ := bytes.Cut(validity, []byte{','})
			var err error
			if o.ID, err = uuid.ParseBytes(id); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "chain offer id")
			}
			if o.ValidFrom, err = listDay(days, from); err == nil {
				o.ValidTo, err = listDay(days, to)
			}
			if err != nil {
				rows.Close()
				return nil, err
			}
			if !ValidAt(o.ValidFrom, o.ValidTo, date) {
				continue
			}
			srcs[k].Offers = append(srcs[k].Offers, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "all chain offers")
	}
	index := newOfferIndex(srcs)
	rows, err = s.scan(ctx, `SELECT offer_id, area_id FROM offer_service_areas`)
	if err != nil {
		return nil, errs.Wrap(err, "all chain service areas")
	}
	defer rows.Close()
	for rows.Next() {
		var id, area uuid.UUID
		if err := rows.Scan(&id, &area); err != nil {
			return nil, errs.Wrap(err, "scan chain service area")
		}
		if r, ok := index.find(id); ok {
			o := &srcs[r.k].Offers[r.j]
			o.ServiceAreas = append(o.ServiceAreas, area)
		}
	}
	for i := range srcs {
		for j := range srcs[i].Offers {
			o := &srcs[i].Offers[j]
			if len(o.ServiceAreas) > 1 {
				slices.SortFunc(o.ServiceAreas, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
			}
		}
	}
	return index, errs.Wrap(rows.Err(), "all chain service areas")
}

// allChainLocations reads every location of the Kommunen in at once and puts the Familienzentrum locations
// into the sources as anchors; it returns the locations by id.
func (s *Store) allChainLocations(ctx context.Context, srcs []ChainSource, at map[uuid.UUID]int, kinds map[uuid.UUID]string) (map[uuid.UUID]ChainSite, error) {
	rows, err := s.scan(ctx, `SELECT id, organization_id, kommune_id, latitude, longitude, area_id FROM locations`)
	if err != nil {
		return nil, errs.Wrap(err, "all chain sites")
	}
	defer rows.Close()
	sites := map[uuid.UUID]ChainSite{}
	for rows.Next() {
		var site ChainSite
		var kommune uuid.UUID
		var area uuid.NullUUID
		if err := rows.Scan(&site.LocationID, &site.OrganizationID, &kommune, &site.Latitude, &site.Longitude, &area); err != nil {
			return nil, errs.Wrap(err, "scan chain site")
		}
		k, ok := at[kommune]
		if !ok {
			continue
		}
		if area.Valid {
			site.AreaID = &area.UUID
		}
		sites[site.LocationID] = site
		if kinds[site.OrganizationID] == OrganizationKindFamilienzentrum {
			srcs[k].Anchors = append(srcs[k].Anchors, site)
		}
	}
	return sites, errs.Wrap(rows.Err(), "all chain sites")
}

// idGroup is a key (a term's taxonomy and code, or a location) with the ids of the offers it has.
type idGroup struct {
	tax, code string
	id        uuid.UUID
	ids       []uuid.UUID
}

// chainTermGroups reads the offers of every term of a taxonomy, by code (so the offers' codes come out
// sorted): one row per term with the ids
// of all its offers, as the index on (taxonomy, code) hands them out in that order anyway, and a few dozen long
// rows cost far less than millions of short ones through database/sql.
func (s *Store) chainTermGroups(ctx context.Context, taxonomy string) ([]idGroup, error) {
	rows, err := s.scan(ctx, s.q(`SELECT taxonomy, code, `+s.idList("offer_id")+` FROM offer_terms
		WHERE taxonomy = ? GROUP BY taxonomy, code ORDER BY code`), taxonomy)
	if err != nil {
		return nil, errs.Wrap(err, "all chain terms")
	}
	defer rows.Close()
	var out []idGroup
	for rows.Next() {
		var g idGroup
		var ids sql.RawBytes
		if err := rows.Scan(&g.tax, &g.code, &ids); err != nil {
			return nil, errs.Wrap(err, "scan chain term")
		}
		if g.ids, err = parseIDs(ids); err != nil {
			return nil, err
		}
		if !slices.IsSortedFunc(g.ids, compareIDs) { // the aggregate keeps the index's order; made sure of here
			slices.SortFunc(g.ids, compareIDs)
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "all chain terms")
}

// chainLocationGroups reads the offers held at every location, one row per location.
func (s *Store) chainLocationGroups(ctx context.Context) ([]idGroup, error) {
	return s.chainIDGroups(ctx, `SELECT location_id, `+s.idList("offer_id")+` FROM offer_locations GROUP BY location_id`)
}

func compareIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// parseIDs reads ids joined by spaces.
func parseIDs(b []byte) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, bytes.Count(b, []byte{' '})+1)
	for len(b) > 0 {
		id, rest, _ := bytes.Cut(b, []byte{' '})
		b = rest
		u, err := uuid.ParseBytes(id)
		if err != nil {
			return nil, errs.Wrap(err, "chain id list")
		}
		out = append(out, u)
	}
	return out, nil
}

// ChainSearches are the public searches of a Kommune that found nothing, as the gap list sets them beside its
// gaps: the raw ones with their area and filters, and the folded daily counts, which keep only topics.
type ChainSearches struct {
	Raw []ZeroSearch
	// Folded are the zero-result counts of the folded days per day and topic ("phase:age_0_3").
	Folded map[string]map[string]int
}

// ZeroSearch is one raw search without result: the Sozialraum it was made for (nil: the Kommune as a whole)
// and its filter codes ("phase:age_0_3", "field:health", "area:<id>" …).
type ZeroSearch struct {
	AreaID  *uuid.UUID
	Filters []string
}

// ChainZeroSearches reads the searches of a Kommune in scope made from since up to (not including) until that
// found nothing: raw rows and folded daily counts of the topics phase, field and transition.
func (s *Store) ChainZeroSearches(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, since, until time.Time) (ChainSearches, error) {
	if scope.Kind == tenant.KindPublic {
		return ChainSearches{}, errs.E(errs.NotFound, "error.not_found")
	}
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return ChainSearches{}, err
	}
	out := ChainSearches{Folded: map[string]map[string]int{}}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT area_id, filters FROM search_log
		WHERE kommune_id = ? AND result_count = 0 AND searched_at >= ? AND searched_at < ?`), kommuneID, since.UTC(), until.UTC())
	if err != nil {
		return out, errs.Wrap(err, "zero-result searches")
	}
	for rows.Next() {
		var area sql.Null[uuid.UUID]
		var filters string
		if err := rows.Scan(&area, &filters); err != nil {
			rows.Close()
			return out, errs.Wrap(err, "scan zero-result search")
		}
		z := ZeroSearch{Filters: strings.Fields(filters)}
		if area.Valid {
			z.AreaID = &area.V
		}
		out.Raw = append(out.Raw, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, errs.Wrap(err, "zero-result searches")
	}
	rows, err = s.read.QueryContext(ctx, s.q(`SELECT day, topic, zero_results FROM search_log_daily
		WHERE kommune_id = ? AND day >= ? AND day < ? AND zero_results > 0
		AND (topic LIKE 'phase:%' OR topic LIKE 'field:%' OR topic LIKE 'transition:%')`),
		kommuneID, since.UTC().Format(time.DateOnly), until.UTC().Format(time.DateOnly))
	if err != nil {
		return out, errs.Wrap(err, "folded zero-result searches")
	}
	defer rows.Close()
	for rows.Next() {
		var day, topic string
		var n int
		if err := rows.Scan(&day, &topic, &n); err != nil {
			return out, errs.Wrap(err, "scan folded zero-result searches")
		}
		if out.Folded[day] == nil {
			out.Folded[day] = map[string]int{}
		}
		out.Folded[day][topic] += n
	}
	return out, errs.Wrap(rows.Err(), "folded zero-result searches")
}

// ChainNeedValues reads the values of the given indicators for the Areas of a Kommune in scope as an analysis
// of day d needs them: per indicator the latest period not after d (periods are written year first, so they
// compare as text), and of it only the values measured on the version of the Area in areas (or stored without
// a version) — a value of other boundaries describes another territory. Values that privacy suppresses are
// left out, so nothing hidden can be read back from an index. It returns the values and the period per
// indicator ("" when none).
func (s *Store) ChainNeedValues(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, areas []region.Area,
	codes []string, d catalog.Date, privacy indicator.Privacy) ([]indicator.AreaValues, []string, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, nil, err
	}
	if err := mayReadIndicators(scope); err != nil {
		return nil, nil, err
	}
	cat, err := s.ListIndicators(ctx)
	if err != nil {
		return nil, nil, err
	}
	version := map[uuid.UUID]int{}
	for _, a := range areas {
		version[a.ID] = a.Version
	}
	vals, periods := make([]indicator.AreaValues, len(codes)), make([]string, len(codes))
	day := d.String()
	for i, code := range codes {
		vals[i] = indicator.AreaValues{}
		ind, ok := indicator.Lookup(cat, code)
		if !ok || ind.Code != code {
			continue
		}
		rows, err := s.read.QueryContext(ctx, s.q(`SELECT area_id, area_version, period, value, count FROM indicator_values
			WHERE kommune_id = ? AND indicator = ? AND area_id IS NOT NULL AND period <= ?`), kommuneID, code, day)
		if err != nil {
			return nil, nil, errs.Wrap(err, "need values")
		}
		var list []indicator.Value
		for rows.Next() {
			var v indicator.Value
			var area uuid.UUID
			var count sql.NullInt64
			if err := rows.Scan(&area, &v.AreaVersion, &v.Period, &v.Value, &count); err != nil {
				rows.Close()
				return nil, nil, errs.Wrap(err, "scan need value")
			}
			v.AreaID, v.Indicator = &area, code
			if count.Valid {
				n := count.Int64
				v.Count = &n
			}
			if want, ok := version[area]; ok && (v.AreaVersion == 0 || v.AreaVersion == want) {
				list = append(list, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, errs.Wrap(err, "need values")
		}
		for _, v := range list {
			periods[i] = max(periods[i], v.Period)
		}
		for _, v := range list {
			if v.Period != periods[i] {
				continue
			}
			if shown, ok := privacy.Disclose(ind, v); ok {
				vals[i][*v.AreaID] = shown
			}
		}
	}
	return vals, periods, nil
}

// offerList is the aggregate that joins "id,valid_from,valid_to" of the offers of a group with spaces, the
// days as YYYY-MM-DD or empty, in the dialect of the store (SQLite keeps a DATE as text that begins with the
// day, PostgreSQL writes a date as the day).
func (s *Store) offerList() string {
	if s.dialect == Postgres {
		return `string_agg(id::text || ',' || coalesce(valid_from::text, '') || ',' || coalesce(valid_to::text, ''), ' ')`
	}
	return `group_concat(id || ',' || coalesce(substr(valid_from, 1, 10), '') || ',' || coalesce(substr(valid_to, 1, 10), ''), ' ')`
}

// listDay reads a day of offerList; empty is none. Days are shared through days, as many offers have the same.
func listDay(days map[string]*catalog.Date, b []byte) (*catalog.Date, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if d, ok := days[string(b)]; ok {
		return d, nil
	}
	d, err := catalog.ParseDate(string(b))
	if err != nil {
		return nil, errs.Wrap(err, "chain offer validity")
	}
	days[string(b)] = &d
	return &d, nil
}

// idList is the aggregate that joins the ids of a group with spaces, in the dialect of the store.
func (s *Store) idList(col string) string {
	if s.dialect == Postgres {
		return "string_agg(" + col + "::text, ' ')"
	}
	return "group_concat(" + col + ", ' ')"
}
