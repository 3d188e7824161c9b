package search

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search/german"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
)

// Options tune an Index; the zero value is fine.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time // the clock for queries without Now, replaceable in tests
	Batch  int              // offers read per batch from the store, default 1000
}

// Index is the in-memory search index of the public offers. It is safe for concurrent use: searches share a
// read lock, Build and Refresh take the write lock only to apply a batch.
type Index struct {
	log   *slog.Logger
	now   func() time.Time
	batch int

	refreshMu sync.Mutex // one Build or Refresh at a time
	src       *store.Store
	tax       *taxonomy.Set
	feed      *store.ChangeFeed // the position in the change log (the audit log)

	mu sync.RWMutex
	st *state

	scratch sync.Pool // []float32 score arrays, one per running search
	bufs    sync.Pool // *buffers, one per running search
	members sync.Pool // *[]uint64 bit sets of a bit per document, all zero (see scoring.addAll)
	cursors sync.Pool // *[]cursor, all zero (see scoring.addAll)

	normCache atomic.Pointer[normTables] // the BM25 tables of the latest searches (see Index.norms)

	// Searches under way, and the cores: a search counts a large result's facets on a second core only when
	// it is the only one under way. Under load the other cores have work of their own, and splitting a search
	// cost about a tenth more CPU time for nothing (measured at a million offers over HTTP).
	running atomic.Int32
	cores   int32

	exhaustive bool   // score and rank every candidate (tests compare pruning and newestFirst against it)
	seedEnough uint64 // when set, the size of a pruning seed that is not narrowed further (see prune)
}

// New returns an empty index; Build fills it.
func New(opts Options) *Index {
	x := &Index{log: opts.Logger, now: opts.Now, batch: opts.Batch, st: newState(), cores: int32(runtime.GOMAXPROCS(0))}
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	if x.now == nil {
		x.now = time.Now
	}
	if x.batch <= 0 {
		x.batch = 1000
	}
	return x
}

// state is everything a search reads. Document ids are dense uint32 so that postings can be roaring bitmaps.
type state struct {
	docs  []doc // by document id; a removed document's is zero
	ids   map[uuid.UUID]uint32
	free  []uint32
	alive *roaring.Bitmap
	vocab *vocabulary
	// facets[dimension][value] are the documents with that value; values lists them all, by index.
	facets map[string]map[string]*facetValue
	values []*facetValue
	geo    grid
	// ages are the documents by their age range (months, -1 open), a few hundred distinct ranges: the age
	// filter is the union of the ranges that hold the age instead of a test per candidate.
	ages map[[2]int32]*roaring.Bitmap
	// months are the documents by the month of their last confirmation (-1: never), monthKeys those months
	// newest first: a search without words or a point ranks the newest confirmed first and looks only at
	// the newest months that hold a page (see newestFirst).
	months    map[int32]*roaring.Bitmap
	monthKeys []int32
	// What the documents' spans point into (see doc). A document indexed again gets new spans; the old ones
	// are counted in stale (bytes) until compact moves the spans in use together again.
	stale      int
	names      []byte
	termArena  []uint32
	inArena    []int32
	pointArena [][2]float64
	placeArena []uint32 // index in placeList, per location as in pointArena
	slotArena  []slot
	eventArena [][2]int64
	// Texts many offers share, each kept once, with their indexes.
	orgs      lookup[string]
	lands     lookup[string]
	placeList lookup[placeText]
	zoneList  []*time.Location
	zoneIdx   map[string]uint16
	// Sums of field lengths, for the average lengths of BM25.
	titleLen, bodyLen int64
	// Dense per-document copies of what every hit of a broad query touches, by document id: a search over
	// a million hits reads these arrays in order instead of following a pointer per hit.
	titleLens, bodyLens []uint16
	confirmed           []int64
	// ageRange is a document's age range as (minimum+1) << 16 | (maximum+1), 0 for an open end: the age filter
	// tests few candidates here instead of uniting hundreds of range bitmaps.
	ageRange   []uint32
	termCounts map[uint32]uint16 // indexText's scratch: title count << 8 | body count by term
	// cells are what counting a hit's facets reads, by document id: the entry in masks of the values of its
	// small dimensions (low half) and the entry in places of its Kommune and Sozialräume (see palette.go).
	// bitOf is the bit of a value index in the masks (-1: none yet), valueOf the value index of a bit.
	cells        []uint64
	masks        maskPalette
	places       placePalette
	bitOf        []int32
	valueOf      []int32
	maskScratch  []uint64
	placeScratch []int32
	// byValue are the indexes of values sorted by value, rankOf their position there (by value index), for
	// the order of facet counts; see sortValues.
	byValue, rankOf []int32
	// The longest title and body ever indexed: the size of the tables of BM25 length norms (normTables).
	maxTitleLen, maxBodyLen uint16
}

func newState() *state {
	return &state{ids: map[uuid.UUID]uint32{}, alive: roaring.New(), vocab: newVocabulary(), geo: newGrid(),
		facets: map[string]map[string]*facetValue{}, zoneIdx: map[string]uint16{},
		orgs: newLookup[string](), lands: newLookup[string](), placeList: newLookup[placeText](),
		ages: map[[2]int32]*roaring.Bitmap{}, months: map[int32]*roaring.Bitmap{}, termCounts: map[uint32]uint16{},
		masks: newMaskPalette(1), places: newPlacePalette()}
}

// lookup keeps each of many repeated values once, by index.
type lookup[T comparable] struct {
	list  []T
	index map[T]uint32
}

func newLookup[T comparable]() lookup[T] { return lookup[T]{index: map[T]uint32{}} }

func (l *lookup[T]) add(v T) uint32 {
	if i, ok := l.index[v]; ok {
		return i
	}
	l.list = append(l.list, v)
	l.index[v] = uint32(len(l.list) - 1)
	return uint32(len(l.list) - 1)
}

// doc is what ranking, filtering, removal and a results list need of one offer. It holds no pointer: its
// lists are spans of the state's shared arrays and its shared texts indexes, so that the garbage collector,
// which follows every pointer of the live heap in each cycle, sees a few large arrays instead of eight or
// nine small objects per offer. At a million offers such a cycle took half a second of CPU time and came
// every second or two under load.
type doc struct {
	id                uuid.UUID
	titleLen, bodyLen uint16
	minAge, maxAge    int32 // months; -1 when open
	confirmed         int64 // unix seconds of last_confirmed_at, 0 when never
	confirmedAt       int64 // last_confirmed_at in unix nanoseconds, notConfirmed when never
	name              span  // in state.names
	org, land         uint32
	terms             span // in termArena: the terms in its title or body
	in                span // in inArena: the facet values it has, by index in state.values
	points            span // in pointArena (lat, lon) and placeArena, per location
	// Opening hours (see hours): slots and events in slotArena and eventArena, the validity as yyyymmdd
	// (0: open-ended), the time zone in zoneList.
	slots, events         span
	validFrom, validUntil int32
	zone                  uint16
	openWeekdays          uint8 // bit d: weekly hours on weekday d (as listed, also without valid times)
}

// span is a document's part of one of the state's shared arrays.
type span struct{ off, n uint32 }

func spanOf[T any](a []T, s span) []T { return a[s.off : s.off+s.n : s.off+s.n] }

// appendSpan appends v to *a and returns where.
func appendSpan[T any](a *[]T, v ...T) span {
	s := span{uint32(len(*a)), uint32(len(v))}
	*a = append(*a, v...)
	return s
}

func (st *state) terms(d *doc) []uint32      { return spanOf(st.termArena, d.terms) }
func (st *state) in(d *doc) []int32          { return spanOf(st.inArena, d.in) }
func (st *state) points(d *doc) [][2]float64 { return spanOf(st.pointArena, d.points) }
func (st *state) name(d *doc) string         { return string(spanOf(st.names, d.name)) }
func (st *state) hours(d *doc) hours {
	return hours{zone: st.zoneList[d.zone], slots: spanOf(st.slotArena, d.slots), events: spanOf(st.eventArena, d.events),
		validFrom: d.validFrom, validUntil: d.validUntil}
}

// placeText is the postcode and city of a location.
type placeText struct{ postalCode, city string }

// Build reads every public offer from s into a new index and replaces the current one when done, so searches
// keep answering from the old index meanwhile. It remembers s for Refresh.
func (x *Index) Build(ctx context.Context, s *store.Store) error {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	// The change log position is read first: changes committed during the build are applied again by the
	// next Refresh, which is harmless because applying a change is idempotent.
	last, err := s.LastAuditID(ctx)
	if err != nil {
		return err
	}
	st := newState()
	// Reading (decoding rows) and indexing run in two goroutines, so a build uses two cores.
	batches := make(chan []store.SearchDoc, 8)
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		read <- s.StreamSearchDocs(ctx, store.SearchSelection{}, x.batch, func(batch []store.SearchDoc) error {
			select {
			case batches <- batch:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for batch := range batches {
		for i := range batch {
			st.upsert(&batch[i])
		}
	}
	if err := <-read; err != nil {
		return errs.Wrap(err, "build search index")
	}
	if err := ctx.Err(); err != nil {
		return errs.Wrap(err, "build search index")
	}
	st.vocab.sortReversed()
	st.sortValues()
	st.geo.compact() // the room cells left behind growing
	x.mu.Lock()
	x.st, x.tax = st, s.Taxonomies()
	x.mu.Unlock()
	x.src, x.feed = s, store.NewChangeFeed(last, x.now)
	return nil
}

// Len is the number of offers in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return int(x.st.alive.GetCardinality())
}

// Run refreshes the index every interval (one second when zero) until ctx ends. Failures are logged and
// retried at the next tick, so a database hiccup delays freshness but does not stop it.
func (x *Index) Run(ctx context.Context, interval time.Duration) {
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
				x.log.Error("search index refresh", "err", err)
			}
		}
	}
}

// upsert puts a document in place of the one with its offer id, or adds it.
func (st *state) upsert(sd *store.SearchDoc) {
	id, ok := st.ids[sd.Offer.ID]
	if ok {
		st.clear(id)
	} else if n := len(st.free); n > 0 {
		id, st.free = st.free[n-1], st.free[:n-1]
	} else {
		id = uint32(len(st.docs))
		st.docs = append(st.docs, doc{})
		st.titleLens, st.bodyLens = append(st.titleLens, 0), append(st.bodyLens, 0)
		st.confirmed = append(st.confirmed, 0)
		st.ageRange = append(st.ageRange, 0)
	}
	st.ids[sd.Offer.ID] = id
	st.docs[id] = st.makeDoc(id, sd)
	d := &st.docs[id]
	st.titleLens[id], st.bodyLens[id], st.confirmed[id] = d.titleLen, d.bodyLen, d.confirmed
	st.ageRange[id] = uint32(min(d.minAge+1, 0xffff))<<16 | uint32(min(d.maxAge+1, 0xffff))
	st.setCell(id, st.in(d))
	r := [2]int32{d.minAge, d.maxAge}
	if st.ages[r] == nil {
		st.ages[r] = roaring.New()
	}
	st.ages[r].Add(id)
	m := month(d.confirmed)
	if st.months[m] == nil {
		st.months[m] = roaring.New()
		st.monthKeys = append(st.monthKeys, m)
		slices.SortFunc(st.monthKeys, func(a, b int32) int { return cmp.Compare(b, a) })
	}
	st.months[m].Add(id)
	st.alive.Add(id)
}

// month is the month (year*12 + month - 1) of a confirmation time in unix seconds, in UTC; -1 for never (0).
func month(confirmed int64) int32 {
	if confirmed == 0 {
		return -1
	}
	t := time.Unix(confirmed, 0).UTC()
	return int32(t.Year()*12 + int(t.Month()) - 1)
}

// remove takes an offer out of the index; its document id is reused.
func (st *state) remove(offer uuid.UUID) {
	id, ok := st.ids[offer]
	if !ok {
		return
	}
	st.clear(id)
	st.docs[id] = doc{}
	delete(st.ids, offer)
	st.alive.Remove(id)
	st.free = append(st.free, id)
}

// clear removes document id from every posting, facet and the geo index.
func (st *state) clear(id uint32) {
	d := &st.docs[id]
	for _, t := range st.terms(d) {
		p := st.vocab.postings[t]
		p.title.Remove(id)
		p.body.Remove(id)
		p.dropTF(id)
		p.df--
	}
	for _, v := range st.in(d) {
		st.values[v].remove(id)
	}
	points := st.points(d)
	for _, p := range points {
		st.geo.remove(p[0], p[1], geoItem(id, len(points)))
	}
	if m := st.months[month(d.confirmed)]; m != nil {
		m.Remove(id) // an empty month stays: there are few
	}
	if r := [2]int32{d.minAge, d.maxAge}; st.ages[r] != nil {
		st.ages[r].Remove(id)
		if st.ages[r].IsEmpty() {
			delete(st.ages, r)
		}
	}
	st.stale += spanBytes(d)
	st.titleLen -= int64(d.titleLen)
	st.bodyLen -= int64(d.bodyLen)
	st.cells[id] = 0
}

func (st *state) makeDoc(id uint32, sd *store.SearchDoc) doc {
	o := &sd.Offer
	d := &doc{id: o.ID, minAge: -1, maxAge: -1, land: st.lands.add(sd.LandCode), confirmedAt: notConfirmed}
	if o.MinimumAgeMonths != nil {
		d.minAge = int32(*o.MinimumAgeMonths)
	}
	if o.MaximumAgeMonths != nil {
		d.maxAge = int32(*o.MaximumAgeMonths)
	}
	if o.LastConfirmedAt != nil {
		d.confirmed, d.confirmedAt = o.LastConfirmedAt.Unix(), o.LastConfirmedAt.UnixNano()
	}
	d.name, d.org = appendSpan(&st.names, []byte(o.Name)...), st.orgs.add(sd.OrganizationName)
	// The body is what else a family may search for: the description, the organization, and the
	// Leichte-Sprache summary, whose plain words ("Hilfe beim Lesen") a description may not use.
	st.indexText(id, d, o.Name, o.Description+" "+sd.OrganizationName+" "+o.EasySummary)
	d.in.off = uint32(len(st.inArena)) // indexFacets and indexPlaces append its values
	st.indexFacets(id, sd)
	st.indexPlaces(id, d, sd)
	d.in.n = uint32(len(st.inArena)) - d.in.off
	return *d
}

// indexText adds the stems of the title and the body to the postings.
func (st *state) indexText(id uint32, d *doc, title, body string) {
	counts := st.termCounts
	clear(counts)
	tw, bw := german.Words(title), german.Words(body)
	for _, w := range tw {
		if t := st.vocab.word(w); counts[t]>>8 < 0xff {
			counts[t] += 1 << 8
		}
	}
	for _, w := range bw {
		if t := st.vocab.word(w); counts[t]&0xff < 0xff {
			counts[t]++
		}
	}
	d.titleLen, d.bodyLen = uint16(min(len(tw), 0xffff)), uint16(min(len(bw), 0xffff))
	st.titleLen += int64(d.titleLen)
	st.bodyLen += int64(d.bodyLen)
	st.maxTitleLen, st.maxBodyLen = max(st.maxTitleLen, d.titleLen), max(st.maxBodyLen, d.bodyLen)
	d.terms.off = uint32(len(st.termArena))
	for t, c := range counts {
		st.termArena = append(st.termArena, t)
		p := st.vocab.postings[t]
		p.df++ // each term of a document once: it is in the title, the body or both
		if tc := uint8(c >> 8); tc > 0 {
			p.title.Add(id)
			p.maxTF[0] = max(p.maxTF[0], tc)
			if p.minLen[0] == 0 || d.titleLen < p.minLen[0] {
				p.minLen[0] = d.titleLen
			}
		}
		if bc := uint8(c); bc > 0 {
			p.body.Add(id)
			p.maxTF[1] = max(p.maxTF[1], bc)
			if p.minLen[1] == 0 || d.bodyLen < p.minLen[1] {
				p.minLen[1] = d.bodyLen
			}
		}
		if tc := uint8(c >> 8); tc > 1 {
			p.setTF(0, id, tc)
		}
		if bc := uint8(c); bc > 1 {
			p.setTF(1, id, bc)
		}
	}
	d.terms.n = uint32(len(st.termArena)) - d.terms.off
}

// The facet dimensions; they are also the keys of Result.Facets.
const (
	DimPhase            = "phase"
	DimField            = "field"
	DimTargetGroup      = "target_group"
	DimTransition       = "transition"
	DimLanguage         = "language"
	DimCost             = "cost"
	DimAccess           = "access"
	DimDelivery         = "delivery"
	DimOrganizationKind = "organization_kind"
	DimKommune          = "kommune"
	DimArea             = "area"
	DimWeekday          = "weekday" // "1" (Monday) … "7": has weekly hours on that day
)

// Dimensions lists the facet dimensions in display order.
func Dimensions() []string {
	return []string{DimPhase, DimField, DimTargetGroup, DimTransition, DimLanguage, DimCost, DimAccess,
		DimDelivery, DimOrganizationKind, DimKommune, DimArea, DimWeekday}
}

// indexFacets appends the document's facet values to inArena.
func (st *state) indexFacets(id uint32, sd *store.SearchDoc) {
	o := &sd.Offer
	add := func(dim string, values ...string) {
		for _, v := range values {
			fv := st.facet(dim, v, true)
			fv.add(id)
			st.inArena = append(st.inArena, int32(fv.index))
		}
	}
	add(DimPhase, o.Phases...)
	add(DimField, o.Fields...)
	add(DimTargetGroup, o.TargetGroups...)
	add(DimTransition, o.Transitions...)
	add(DimLanguage, o.Languages...)
	add(DimCost, o.Cost)
	add(DimAccess, o.Access)
	add(DimDelivery, o.Delivery...)
	add(DimOrganizationKind, sd.OrganizationKind)
	add(DimKommune, o.KommuneID.String())
	seen := map[uuid.UUID]bool{}
	for _, l := range sd.Locations {
		if l.AreaID != nil && !seen[*l.AreaID] {
			seen[*l.AreaID] = true
			add(DimArea, l.AreaID.String())
		}
	}
}

// facetValue is one value of a facet dimension and the documents that have it.
type facetValue struct {
	dim, value string
	index      int // in state.values
	docs       *roaring.Bitmap
	// words are docs again as a plain bit set (bit id%64 of word id/64), for the values of the small
	// dimensions: see countLarge.
	words []uint64
}

// add gives document id the value.
func (fv *facetValue) add(id uint32) {
	fv.docs.Add(id)
	if placeDim(fv.dim) {
		return
	}
	if w := int(id / 64); w >= len(fv.words) {
		fv.words = append(fv.words, make([]uint64, w+1-len(fv.words))...)
	}
	fv.words[id/64] |= 1 << (id % 64)
}

// remove takes the value from document id.
func (fv *facetValue) remove(id uint32) {
	fv.docs.Remove(id)
	if w := int(id / 64); w < len(fv.words) {
		fv.words[w] &^= 1 << (id % 64)
	}
}

// facet returns a value of a dimension, creating it when create is set (nil otherwise when absent).
func (st *state) facet(dim, value string, create bool) *facetValue {
	m := st.facets[dim]
	if m == nil {
		if !create {
			return nil
		}
		m = map[string]*facetValue{}
		st.facets[dim] = m
	}
	fv := m[value]
	if fv == nil && create {
		fv = &facetValue{dim: dim, value: value, index: len(st.values), docs: roaring.New()}
		m[value] = fv
		st.values = append(st.values, fv)
	}
	return fv
}

// indexPlaces records the coordinates and opening hours: the offer's own weekly schedule, or else the
// opening hours of its locations.
func (st *state) indexPlaces(id uint32, d *doc, sd *store.SearchDoc) {
	weekly := sd.Offer.Schedule.Weekly
	d.points = span{uint32(len(st.pointArena)), uint32(len(sd.Locations))}
	for _, l := range sd.Locations {
		st.pointArena = append(st.pointArena, [2]float64{l.Latitude, l.Longitude})
		st.placeArena = append(st.placeArena, st.placeList.add(placeText{l.PostalCode, l.City}))
		st.geo.insert(l.Latitude, l.Longitude, geoItem(id, len(sd.Locations)))
		if len(sd.Offer.Schedule.Weekly) == 0 {
			weekly = append(weekly, l.OpeningHours...)
		}
	}
	for _, w := range weekly {
		if w.Weekday >= 1 && w.Weekday <= 7 {
			d.openWeekdays |= 1 << w.Weekday
		}
	}
	d.zone = st.zone(sd.Offer.Schedule.Timezone)
	h := makeHours(st.zoneList[d.zone], weekly, sd.Offer.Schedule.Events, sd.Offer.ValidFrom, sd.Offer.ValidTo)
	d.slots, d.events = appendSpan(&st.slotArena, h.slots...), appendSpan(&st.eventArena, h.events...)
	d.validFrom, d.validUntil = h.validFrom, h.validUntil
	days := h.weekdays()
	for wd := 1; wd <= 7; wd++ {
		if days&(1<<wd) != 0 {
			fv := st.facet(DimWeekday, strconv.Itoa(wd), true)
			fv.add(id)
			st.inArena = append(st.inArena, int32(fv.index))
		}
	}
}

// geoItem is what the R-tree holds for a location of document id with n locations: the id, with the top bit
// set when the document has more than one (a radius search then knows which distances it has in full).
func geoItem(id uint32, n int) uint32 {
	if n > 1 {
		return id | multiPoint
	}
	return id
}

const multiPoint = 1 << 31

// sortValues brings byValue up to date after values were added; call it under the write lock.
func (st *state) sortValues() {
	if len(st.byValue) == len(st.values) {
		return
	}
	st.byValue = st.byValue[:0]
	for i := range st.values {
		st.byValue = append(st.byValue, int32(i))
	}
	slices.SortFunc(st.byValue, func(a, b int32) int { return strings.Compare(st.values[a].value, st.values[b].value) })
	st.rankOf = make([]int32, len(st.values))
	for r, i := range st.byValue {
		st.rankOf[i] = int32(r)
	}
}

// zone is the index in zoneList of the time zone name (empty: the default), loaded once.
func (st *state) zone(name string) uint16 {
	if name == "" {
		name = catalog.DefaultTimezone
	}
	if i, ok := st.zoneIdx[name]; ok {
		return i
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		z = time.UTC
	}
	st.zoneList = append(st.zoneList, z)
	st.zoneIdx[name] = uint16(len(st.zoneList) - 1)
	return uint16(len(st.zoneList) - 1)
}

// Refresh applies the changes logged in the audit log since the last Build or Refresh: it re-reads the offers
// named by offer entries and the offers of changed organizations, locations and Kommunen (the generator logs
// one Kommune entry per bulk load), and drops offers that are gone or no longer public. It returns how many
// log entries it applied. In PostgreSQL an id can commit after a higher one; ids skipped are asked for again
// for a minute, so a slow transaction is not missed.
func (x *Index) Refresh(ctx context.Context) (int, error) {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	if x.src == nil {
		return 0, &errs.Error{Code: errs.Internal, Err: errors.New("search index refreshed before Build")}
	}
	return x.feed.Follow(ctx, x.src, 2000, func(changes []store.AuditChange) error {
		return x.apply(ctx, changes)
	})
}

// apply re-reads the offers the changes touch and puts them into the index.
func (x *Index) apply(ctx context.Context, changes []store.AuditChange) error {
	var sel store.SearchSelection
	offers := map[uuid.UUID]bool{}
	for _, c := range changes {
		id, err := uuid.Parse(c.EntityID)
		if err != nil {
			continue // entities keyed otherwise (a Land) hold no offers
		}
		switch c.Entity {
		case "offer":
			sel.OfferIDs = append(sel.OfferIDs, id)
			offers[id] = true
		case "organization":
			sel.OrganizationIDs = append(sel.OrganizationIDs, id)
		case "location":
			sel.LocationIDs = append(sel.LocationIDs, id)
		case "kommune":
			sel.KommuneIDs = append(sel.KommuneIDs, id)
		}
	}
	if len(sel.OfferIDs)+len(sel.OrganizationIDs)+len(sel.LocationIDs)+len(sel.KommuneIDs) == 0 {
		return nil
	}
	err := x.src.StreamSearchDocs(ctx, sel, x.batch, func(batch []store.SearchDoc) error {
		x.mu.Lock()
		defer x.mu.Unlock()
		for i := range batch {
			delete(offers, batch[i].Offer.ID)
			x.st.upsert(&batch[i])
		}
		return nil
	})
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for id := range offers { // named by the log but not public (any more)
		x.st.remove(id)
	}
	x.st.vocab.sortReversed()
	x.st.sortValues()
	if x.st.compactDue() {
		start := time.Now()
		before := x.st.stale
		x.st.compact()
		x.log.Info("search index: shared arrays compacted", "freed_bytes", before, "took", time.Since(start))
	}
	return nil
}

// Position is the id of the last audit entry applied.
func (x *Index) Position() int64 {
	x.refreshMu.Lock()
	defer x.refreshMu.Unlock()
	if x.feed == nil {
		return 0
	}
	return x.feed.Position()
}
