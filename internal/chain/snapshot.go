package chain

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// Snapshot keeps in memory what the gap analysis reads of every offer the chain could ever count — each active
// offer of any validity with its phases, fields, transitions, delivery, organization kind, locations and service
// areas, and every location — so that ForAll over a Land or the nation need not read a million offers and
// their 3.5 million terms for every analysis. It is built from the store at start-up and kept fresh from the
// audit log like the search index (Refresh, called every second by Run). The validity dates are applied per
// analysis (store.ValidAt), so an analysis of any day gives what store.ChainSourceAll gives; Kommunen and
// Areas (with their versions) are few and still read per analysis, as are indicator values.
//
// Compact: offers are fixed-size records in one slice (ids of organizations, locations and Kommunen as dense
// indexes); codes, term combinations, delivery values, validity days and Area ids are interned and shared, so
// an offer costs about 60 bytes plus its share of one id map. It is safe for concurrent use.
type Snapshot struct {
	log *slog.Logger
	now func() time.Time

	refreshMu sync.Mutex // one Build or Refresh at a time
	src       *store.Store
	feed      *store.ChangeFeed // the position in the audit log

	mu sync.RWMutex
	st *snapState
}

// SnapshotOptions tune a Snapshot; the zero value is fine.
type SnapshotOptions struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock of the change-log reader, replaceable in tests
}

// NewSnapshot returns an empty snapshot; Build fills it.
func NewSnapshot(opts SnapshotOptions) *Snapshot {
	x := &Snapshot{log: opts.Logger, now: opts.Now, st: newSnapState()}
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	if x.now == nil {
		x.now = time.Now
	}
	return x
}

// snapState is everything an analysis reads. Refresh changes it in place under the write lock.
type snapState struct {
	kommuneIDs []uuid.UUID
	kommuneOf  map[uuid.UUID]int32
	orgIDs     []uuid.UUID
	orgKinds   []string
	orgOf      map[uuid.UUID]int32
	locs       []snapLocation
	locOf      map[uuid.UUID]int32

	offers  []snapOffer // by slot; slots of removed offers are reused
	offerOf map[uuid.UUID]int32
	free    []int32
	alive   int
	// more are the sites of offers beyond their first (by slot, only for offers with several, sorted by
	// location id); served the Areas an offer serves beyond its locations (only for offers with any, sorted).
	more   map[int32][]int32
	served map[int32][]uuid.UUID

	// Interned: (taxonomy, code) pairs by index, the combinations of them offers have, delivery values, days
	// and Area ids. Entries are never changed once made, so analyses may share them without a lock.
	codes      []termCode
	codeOf     map[termCode]uint16
	termSets   []termSet
	termSetOf  map[string]uint32
	deliveries [][]string
	deliveryOf map[string]uint32
	days       map[catalog.Date]*catalog.Date
	areas      map[uuid.UUID]*uuid.UUID
	kinds      map[string]string
	key        []byte // termSet's scratch
}

type termCode struct{ tax, code string }

// termSet is what offers with the same terms share: their codes per taxonomy, sorted.
type termSet struct{ phases, fields, transitions []string }

// snapOffer is an offer of the snapshot: about 60 bytes, no pointers but the shared validity days.
type snapOffer struct {
	id                 uuid.UUID
	validFrom, validTo *catalog.Date
	kommune, org       int32
	terms, delivery    uint32
	site               int32  // index in locs of its first location, -1 without any
	sites              uint16 // number of locations (the others are in more)
	alive              bool
}

type snapLocation struct {
	id           uuid.UUID
	area         *uuid.UUID // interned
	lat, lon     float64
	org, kommune int32
}

func newSnapState() *snapState {
	return &snapState{kommuneOf: map[uuid.UUID]int32{}, orgOf: map[uuid.UUID]int32{}, locOf: map[uuid.UUID]int32{},
		offerOf: map[uuid.UUID]int32{}, more: map[int32][]int32{}, served: map[int32][]uuid.UUID{},
		codeOf: map[termCode]uint16{}, termSetOf: map[string]uint32{}, deliveryOf: map[string]uint32{},
		days: map[catalog.Date]*catalog.Date{}, areas: map[uuid.UUID]*uuid.UUID{}, kinds: map[string]string{}}
}

// Build reads every active offer, location and organization from s into a new state and replaces the current
// one when done, so analyses keep using the old state meanwhile. It remembers s for Refresh and the analyses.
func (x *Snapshot) Build(ctx context.Context, s *store.Store) error {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	return x.build(ctx, s)
}

func (x *Snapshot) build(ctx context.Context, s *store.Store) error {
	// The change-log position is read first: changes committed during the read are applied again by the next
	// Refresh, which is harmless because applying a change is idempotent.
	last, err := s.LastAuditID(ctx)
	if err != nil {
		return err
	}
	rows, err := s.ChainRowsAll(ctx)
	if err != nil {
		return errs.Wrap(err, "build chain snapshot")
	}
	st := newSnapState()
	st.apply(rows)
	x.mu.Lock()
	x.st = st
	x.src = s
	x.mu.Unlock()
	x.feed = store.NewChangeFeed(last, x.now)
	return nil
}

// Run refreshes the snapshot every interval (one second when zero) until ctx ends. Failures are logged and
// retried at the next tick, so a database hiccup delays freshness but does not stop it.
func (x *Snapshot) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := x.Refresh(ctx); err != nil && ctx.Err() == nil {
				x.log.Error("chain snapshot refresh", "err", err)
			}
		}
	}
}

// refreshLimit is the number of audit entries read at a time; maxRefreshIDs and maxRefreshKommunen bound a
// change applied piece by piece: beyond them (a bulk load of many Kommunen) the snapshot is built anew.
const (
	refreshLimit       = 2000
	maxRefreshIDs      = 5000
	maxRefreshKommunen = 20
)

// Refresh applies the changes logged in the audit log since the last Build or Refresh: it re-reads the offers
// named by offer entries, the offers and locations of changed organizations, locations and Kommunen (the
// generator logs one Kommune entry per bulk load), and drops offers that are gone or no longer active. Area
// changes need nothing: Areas are read per analysis, and the locations they move are logged themselves. It
// returns how many log entries it applied. In PostgreSQL an id can commit after a higher one; ids skipped are
// asked for again for a minute, so a slow transaction is not missed.
func (x *Snapshot) Refresh(ctx context.Context) (int, error) {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	if x.src == nil {
		return 0, &errs.Error{Code: errs.Internal, Err: errors.New("chain snapshot refreshed before Build")}
	}
	return x.feed.Follow(ctx, x.src, refreshLimit, func(changes []store.AuditChange) error {
		return x.apply(ctx, changes)
	})
}

// apply re-reads what the changes touch and puts it into the snapshot.
func (x *Snapshot) apply(ctx context.Context, changes []store.AuditChange) error {
	var sel store.SearchSelection
	for _, c := range changes {
		id, err := uuid.Parse(c.EntityID)
		if err != nil {
			continue // entities keyed otherwise (a Land) hold no offers
		}
		switch c.Entity {
		case "offer":
			sel.OfferIDs = append(sel.OfferIDs, id)
		case "organization":
			sel.OrganizationIDs = append(sel.OrganizationIDs, id)
		case "location":
			sel.LocationIDs = append(sel.LocationIDs, id)
		case "kommune":
			sel.KommuneIDs = append(sel.KommuneIDs, id)
		}
	}
	n := len(sel.OfferIDs) + len(sel.OrganizationIDs) + len(sel.LocationIDs) + len(sel.KommuneIDs)
	switch {
	case n == 0:
		return nil
	case n > maxRefreshIDs || len(sel.KommuneIDs) > maxRefreshKommunen:
		x.log.Info("chain snapshot: large change, building anew", "ids", n, "kommunen", len(sel.KommuneIDs))
		return x.build(ctx, x.src)
	}
	rows, err := x.src.ChainRowsOf(ctx, sel)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	st := x.st
	st.apply(rows)
	// Offers named by the log, or of a changed organization or Kommune, that were not read are no longer active.
	read := make(map[uuid.UUID]bool, len(rows.Offers))
	for _, o := range rows.Offers {
		read[o.ID] = true
	}
	for _, id := range sel.OfferIDs {
		if slot, ok := st.offerOf[id]; ok && !read[id] {
			st.remove(slot)
		}
	}
	if len(sel.OrganizationIDs)+len(sel.KommuneIDs) > 0 {
		orgs, kommunen := map[int32]bool{}, map[int32]bool{}
		for _, id := range sel.OrganizationIDs {
			if i, ok := st.orgOf[id]; ok {
				orgs[i] = true
			}
		}
		for _, id := range sel.KommuneIDs {
			if i, ok := st.kommuneOf[id]; ok {
				kommunen[i] = true
			}
		}
		for slot := range st.offers {
			o := &st.offers[slot]
			if o.alive && (orgs[o.org] || kommunen[o.kommune]) && !read[o.id] {
				st.remove(int32(slot))
			}
		}
	}
	return nil
}

// Len is the number of offers in the snapshot.
func (x *Snapshot) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.st.alive
}

// SnapshotStats tell what the snapshot holds, for logs and benchmarks.
type SnapshotStats struct {
	Offers, Locations, Organizations, Kommunen int
	// TermSets and Deliveries are the distinct combinations of terms and delivery values the offers share.
	TermSets, Deliveries int
	// MultiSite are the offers at more than one location, Served those with service areas.
	MultiSite, Served int
}

// Stats returns the sizes of the snapshot.
func (x *Snapshot) Stats() SnapshotStats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := x.st
	return SnapshotStats{Offers: st.alive, Locations: len(st.locs), Organizations: len(st.orgIDs), Kommunen: len(st.kommuneIDs),
		TermSets: len(st.termSets), Deliveries: len(st.deliveries), MultiSite: len(st.more), Served: len(st.served)}
}

// Position is the id of the last audit entry applied.
func (x *Snapshot) Position() int64 {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	if x.feed == nil {
		return 0
	}
	return x.feed.Position()
}

// Taxonomies is the vocabulary of the store the snapshot was built from (an empty one before Build, whose
// analyses fail anyway).
func (x *Snapshot) Taxonomies() *taxonomy.Set {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.src == nil {
		return taxonomy.NewSet(0, nil)
	}
	return x.src.Taxonomies()
}

// apply puts rows into the state: organizations and locations are replaced or added, and each offer of rows
// replaces the one with its id, with exactly the terms, links and service areas of rows.
func (st *snapState) apply(rows *store.ChainRows) {
	for _, o := range rows.Organizations {
		st.setOrganization(o.ID, o.Kind)
	}
	for i := range rows.Locations {
		st.setLocation(&rows.Locations[i])
	}
	fresh := len(st.offers) == 0 // a build: the slots are the rows' positions
	slots := make([]int32, len(rows.Offers))
	for i := range rows.Offers {
		slots[i] = st.upsert(&rows.Offers[i])
	}
	// row finds the position in rows of an offer named by a group; offers not in rows (inactive ones, or one
	// that became active between the reads) are skipped.
	var at map[int32]int
	if !fresh {
		at = make(map[int32]int, len(slots))
		for i, slot := range slots {
			at[slot] = i
		}
	}
	row := func(id uuid.UUID) (int32, int, bool) {
		slot, ok := st.offerOf[id]
		if !ok {
			return 0, 0, false
		}
		if fresh {
			return slot, int(slot), int(slot) < len(slots) && slots[slot] == slot
		}
		i, ok := at[slot]
		return slot, i, ok
	}

	// Terms: a bit per (taxonomy, code) per offer of rows, then one shared set per distinct combination.
	codes := make([]uint16, len(rows.Terms))
	for i, g := range rows.Terms {
		codes[i] = st.code(g.Taxonomy, g.Code)
	}
	words := (len(st.codes) + 63) / 64
	bits := make([]uint64, len(rows.Offers)*words)
	for gi, g := range rows.Terms {
		c := codes[gi]
		for _, id := range g.Offers {
			if _, i, ok := row(id); ok {
				bits[i*words+int(c/64)] |= 1 << (c % 64)
			}
		}
	}
	for i, slot := range slots {
		st.offers[slot].terms = st.termSet(bits[i*words : (i+1)*words])
	}

	touched := map[int32]bool{}
	for _, g := range rows.Links {
		loc, ok := st.locOf[g.ID]
		if !ok {
			continue // a location not read: as in store.ChainSourceAll, a link to it is no site
		}
		for _, id := range g.Offers {
			slot, _, ok := row(id)
			if !ok {
				continue
			}
			o := &st.offers[slot]
			if o.sites == 0 {
				o.site = loc
			} else {
				st.more[slot] = append(st.more[slot], loc)
				touched[slot] = true
			}
			o.sites++
		}
	}
	for slot := range touched { // first site and the others in the order of their location ids
		o := &st.offers[slot]
		all := append([]int32{o.site}, st.more[slot]...)
		slices.SortFunc(all, func(a, b int32) int { return bytes.Compare(st.locs[a].id[:], st.locs[b].id[:]) })
		o.site, st.more[slot] = all[0], all[1:]
	}
	servedNow := map[int32]bool{}
	for _, g := range rows.ServiceAreas {
		for _, id := range g.Offers {
			if slot, _, ok := row(id); ok {
				st.served[slot] = append(st.served[slot], g.ID)
				servedNow[slot] = true
			}
		}
	}
	for slot := range servedNow {
		slices.SortFunc(st.served[slot], func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	}
}

func (st *snapState) kommune(id uuid.UUID) int32 {
	i, ok := st.kommuneOf[id]
	if !ok {
		i = int32(len(st.kommuneIDs))
		st.kommuneOf[id] = i
		st.kommuneIDs = append(st.kommuneIDs, id)
	}
	return i
}

func (st *snapState) setOrganization(id uuid.UUID, kind string) int32 {
	if k, ok := st.kinds[kind]; ok {
		kind = k
	} else {
		st.kinds[kind] = kind
	}
	i, ok := st.orgOf[id]
	if !ok {
		i = int32(len(st.orgIDs))
		st.orgOf[id] = i
		st.orgIDs, st.orgKinds = append(st.orgIDs, id), append(st.orgKinds, kind)
	}
	st.orgKinds[i] = kind
	return i
}

// organization is the index of an organization, added without a kind if the rows did not name it.
func (st *snapState) organization(id uuid.UUID) int32 {
	if i, ok := st.orgOf[id]; ok {
		return i
	}
	return st.setOrganization(id, "")
}

func (st *snapState) setLocation(l *store.ChainLocation) {
	loc := snapLocation{id: l.LocationID, lat: l.Latitude, lon: l.Longitude, org: st.organization(l.OrganizationID),
		kommune: st.kommune(l.KommuneID)}
	if l.AreaID != nil {
		loc.area = st.areas[*l.AreaID]
		if loc.area == nil {
			loc.area = new(uuid.UUID)
			*loc.area = *l.AreaID
			st.areas[*l.AreaID] = loc.area
		}
	}
	if i, ok := st.locOf[l.LocationID]; ok {
		st.locs[i] = loc
		return
	}
	st.locOf[l.LocationID] = int32(len(st.locs))
	st.locs = append(st.locs, loc)
}

// upsert puts an offer in place of the one with its id, or adds it, without terms, sites or service areas.
func (st *snapState) upsert(r *store.ChainOfferRow) int32 {
	slot, ok := st.offerOf[r.ID]
	switch {
	case ok:
		delete(st.more, slot)
		delete(st.served, slot)
	case len(st.free) > 0:
		slot, st.free = st.free[len(st.free)-1], st.free[:len(st.free)-1]
		st.alive++
	default:
		slot = int32(len(st.offers))
		st.offers = append(st.offers, snapOffer{})
		st.alive++
	}
	st.offerOf[r.ID] = slot
	st.offers[slot] = snapOffer{id: r.ID, validFrom: st.day(r.ValidFrom), validTo: st.day(r.ValidTo), kommune: st.kommune(r.KommuneID),
		org: st.organization(r.OrganizationID), delivery: st.delivery(r.Delivery), site: -1, alive: true}
	return slot
}

func (st *snapState) remove(slot int32) {
	o := &st.offers[slot]
	if !o.alive {
		return
	}
	delete(st.offerOf, o.id)
	delete(st.more, slot)
	delete(st.served, slot)
	*o = snapOffer{site: -1}
	st.free = append(st.free, slot)
	st.alive--
}

func (st *snapState) day(d *catalog.Date) *catalog.Date {
	if d == nil {
		return nil
	}
	if p, ok := st.days[*d]; ok {
		return p
	}
	p := new(catalog.Date)
	*p = *d
	st.days[*d] = p
	return p
}

func (st *snapState) code(tax, code string) uint16 {
	k := termCode{tax, code}
	if i, ok := st.codeOf[k]; ok {
		return i
	}
	i := uint16(len(st.codes))
	st.codeOf[k] = i
	st.codes = append(st.codes, k)
	return i
}

// termSet interns the combination of codes whose bits are set.
func (st *snapState) termSet(bits []uint64) uint32 {
	for len(bits) > 0 && bits[len(bits)-1] == 0 {
		bits = bits[:len(bits)-1] // the key must not depend on the number of words
	}
	st.key = st.key[:0]
	for _, w := range bits {
		st.key = binary.LittleEndian.AppendUint64(st.key, w)
	}
	if i, ok := st.termSetOf[string(st.key)]; ok { // the conversion in a lookup does not allocate
		return i
	}
	var ts termSet
	for w, word := range bits {
		for b := range 64 {
			if word&(1<<b) == 0 {
				continue
			}
			c := st.codes[w*64+b]
			switch c.tax {
			case taxonomy.Phase:
				ts.phases = append(ts.phases, c.code)
			case taxonomy.Field:
				ts.fields = append(ts.fields, c.code)
			case taxonomy.Transition:
				ts.transitions = append(ts.transitions, c.code)
			}
		}
	}
	for _, l := range [][]string{ts.phases, ts.fields, ts.transitions} {
		slices.Sort(l)
	}
	i := uint32(len(st.termSets))
	st.termSetOf[string(st.key)] = i
	st.termSets = append(st.termSets, ts)
	return i
}

func (st *snapState) delivery(d []string) uint32 {
	key := ""
	for i, v := range d {
		if i > 0 {
			key += ","
		}
		key += v
	}
	if i, ok := st.deliveryOf[key]; ok {
		return i
	}
	i := uint32(len(st.deliveries))
	st.deliveryOf[key] = i
	st.deliveries = append(st.deliveries, slices.Clone(d))
	return i
}

// ChainSourceAll hands the gap analysis' input of every Kommune in scope as of date to fn, ordered by AGS, as
// store.ChainSourceAll does, but with the offers, their sites and the anchors from memory: only the Kommunen
// and their Areas are read from the database. The sources are made under the read lock and handed over after
// it is released, so a slow fn does not hold up a Refresh. The offers' slices of codes, delivery and service
// areas are shared with the snapshot and must not be changed.
func (x *Snapshot) ChainSourceAll(ctx context.Context, scope tenant.Scope, date catalog.Date, fn func(store.ChainSource) error) error {
	x.mu.RLock()
	s := x.src
	x.mu.RUnlock()
	if s == nil {
		return &errs.Error{Code: errs.Internal, Err: errors.New("chain snapshot read before Build")}
	}
	srcs, historic, err := s.ChainKommunen(ctx, scope, date)
	if err != nil {
		return err
	}
	x.mu.RLock()
	x.st.sources(srcs, date)
	x.mu.RUnlock()
	for i := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if historic[i] {
			srcs[i].Relocate()
		}
		if err := fn(srcs[i]); err != nil {
			return err
		}
		srcs[i] = store.ChainSource{} // the analysis holds what it needs; the rest can go
	}
	return nil
}

// sources fills in the offers valid on date, their sites and the anchors of srcs (Kommunen with their Areas).
// Call it under the read lock.
func (st *snapState) sources(srcs []store.ChainSource, date catalog.Date) {
	srcOf := make([]int32, len(st.kommuneIDs)) // Kommune index → position in srcs, -1 outside the scope
	for i := range srcOf {
		srcOf[i] = -1
	}
	for i := range srcs {
		if k, ok := st.kommuneOf[srcs[i].Kommune.ID]; ok {
			srcOf[k] = int32(i)
		}
	}
	// The slots of the offers of each source that are valid on date, in one pass over all offers.
	slots := make([][]int32, len(srcs))
	for slot := range st.offers {
		o := &st.offers[slot]
		if !o.alive {
			continue
		}
		if i := srcOf[o.kommune]; i >= 0 && store.ValidAt(o.validFrom, o.validTo, date) {
			slots[i] = append(slots[i], int32(slot))
		}
	}
	for l := range st.locs {
		loc := &st.locs[l]
		if i := srcOf[loc.kommune]; i >= 0 && st.orgKinds[loc.org] == store.OrganizationKindFamilienzentrum {
			srcs[i].Anchors = append(srcs[i].Anchors, st.site(int32(l)))
		}
	}
	// The offers of each source are made on all cores, the largest Kommunen first taken by whoever is free.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) {
					return
				}
				srcs[i].Offers = st.offersOf(slots[i], srcOf)
				slices.SortFunc(srcs[i].Anchors, func(a, b store.ChainSite) int {
					return bytes.Compare(a.LocationID[:], b.LocationID[:])
				})
			}
		})
	}
	wg.Wait()
}

func (st *snapState) site(l int32) store.ChainSite {
	loc := &st.locs[l]
	return store.ChainSite{LocationID: loc.id, OrganizationID: st.orgIDs[loc.org], Latitude: loc.lat, Longitude: loc.lon, AreaID: loc.area}
}

// offersOf makes the ChainOffers of slots. Sites at locations of Kommunen outside the scope are left out, as
// store.ChainSourceAll leaves them out; all sites of a source share one slice.
func (st *snapState) offersOf(slots []int32, srcOf []int32) []store.ChainOffer {
	if len(slots) == 0 {
		return nil
	}
	n := 0
	for _, slot := range slots {
		n += int(st.offers[slot].sites)
	}
	sites := make([]store.ChainSite, 0, n)
	out := make([]store.ChainOffer, len(slots))
	for j, slot := range slots {
		o := &st.offers[slot]
		ts := &st.termSets[o.terms]
		c := &out[j]
		c.ID, c.OrganizationID, c.OrganizationKind = o.id, st.orgIDs[o.org], st.orgKinds[o.org]
		c.Phases, c.Fields, c.Transitions = ts.phases, ts.fields, ts.transitions
		c.Delivery, c.ValidFrom, c.ValidTo = st.deliveries[o.delivery], o.validFrom, o.validTo
		c.ServiceAreas = st.served[slot]
		if o.sites == 0 {
			continue
		}
		start := len(sites)
		if srcOf[st.locs[o.site].kommune] >= 0 {
			sites = append(sites, st.site(o.site))
		}
		if o.sites > 1 {
			for _, l := range st.more[slot] {
				if srcOf[st.locs[l].kommune] >= 0 {
					sites = append(sites, st.site(l))
				}
			}
		}
		if len(sites) > start {
			c.Sites = sites[start:len(sites):len(sites)]
		}
	}
	return out
}
