// Package search is the Familienwegweiser's search index: every public offer in memory, built from the store
// at start-up and kept fresh from the audit log (Refresh, called every second by Run), so every instance
// answers searches without asking the database, and an edit is searchable on every instance within about two
// seconds, also with several instances on one PostgreSQL.
//
// What is done by libraries and what by hand:
//
//   - Postings and filters are roaring bitmaps (github.com/RoaringBitmap/roaring/v2): filters are ANDed
//     bitmaps; facets of large results are AndCardinality per value, of smaller ones counted from dense
//     per-document arrays (facetCounts says when which), which is what keeps broad queries with facets fast.
//   - Radius searches read the locations from a grid of cells (grid.go says why it is written here).
//   - Public holidays per Land come from github.com/rickar/cal/v2 (see hours.go).
//   - Text analysis (folding, stop words, Snowball stemming) is package german.
//   - Compound words are split against the index's own vocabulary, without a dictionary: German compounds
//     put their head last, so a query word also matches every indexed stem that ends in it after at least three
//     more letters ("beratung" → "erziehungsberatung", "hebamm" → "familienhebamm"). A sorted list of the
//     reversed stems makes that one binary search. A dictionary-based splitter would need a word list we would
//     have to ship and maintain, would miss local coinages, and would split at index time, multiplying
//     postings; matching heads at query time costs nothing at index time and finds exactly the compounds
//     that exist. The modifier side ("Erziehung" finding "Erziehungsberatung") is left out on purpose: a
//     search for "Kinder" should not find every "Kinderarzt".
//   - Typos: a query word without postings is looked up in a BK-tree of the vocabulary (vocab.go says why it is
//     written here), one edit for words of 4–7 letters, two from 8.
//   - Ranking is BM25 over title (weight 3) and body (description, organization name and Leichte-Sprache
//     summary, weight 1), summed over the query words; compound matches count 0.7, typo matches 0.5. Ties
//     (to two decimals) are broken by distance, then by the freshness of last_confirmed_at. Weak matches (a
//     broad word, a body) are added only to the documents the strong ones found when they cannot lift any
//     other document onto the page (max-score pruning, see prune); the hits are exactly those of scoring
//     every candidate.
//   - Filters and words are intersected smallest first; the facets count only the dimensions the caller
//     shows (Query.Facets), so a page without places does not count thousands of Sozialräume.
//   - A results list's fields (name, organization, places …) come from memory too (Details), so a search
//     page or API answer reads nothing from the database.
package search

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/search/german"
)

// Weights of fields and of the kinds of matches, and the BM25 parameters.
const (
	weightTitle    = 3.0
	weightBody     = 1.0
	weightCompound = 0.7
	weightTypo     = 0.5
	bm25K1         = 1.2
	bm25B          = 0.75
)

// Search answers a query from memory. Bad queries get an errs.Invalid naming the fields.
func (x *Index) Search(q Query) (Result, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if err := q.Validate(x.tax); err != nil {
		return Result{}, err
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.Now.IsZero() {
		q.Now = x.now()
	}
	st := x.st
	words := analyzeQuery(st.vocab, q.Text)
	buf, _ := x.bufs.Get().(*buffers)
	if buf == nil {
		buf = &buffers{}
	}
	defer x.bufs.Put(buf)
	cand, near := st.filter(&q, words, buf)
	total := cand.GetCardinality()
	res := Result{Total: int(total)}
	want := wanted(q.Facets)
	// A large result counts its facets on a second core while this one scores and ranks, unless other searches
	// keep the cores busy.
	buf.spread = x.running.Add(1) < x.cores
	defer x.running.Add(-1)
	var wg sync.WaitGroup
	if total >= parallelFrom && buf.spread {
		wg.Go(func() { res.Facets = st.facetCounts(cand, want, buf) })
	} else {
		res.Facets = st.facetCounts(cand, want, buf)
	}
	var scores []float32
	ranked := cand
	switch {
	case len(words) > 0:
		scores, ranked = x.scores(st, words, cand, q.Page*q.PerPage)
	case !q.HasPoint && !x.exhaustive:
		ranked = st.newestFirst(cand, uint64(q.Page*q.PerPage))
	}
	res.Hits = st.rank(&q, total, ranked, scores, words, near)
	if scores != nil {
		x.putScores(scores, ranked)
	}
	wg.Wait()
	return res, nil
}

// newestFirst is the documents of c in the newest months of confirmation that hold k of them: without words
// and a point, every score is 0 and hits rank by confirmation, newest first, so no document of an older month
// can be among the first k. The rest of c need not be ranked.
func (st *state) newestFirst(c *roaring.Bitmap, k uint64) *roaring.Bitmap {
	var parts []*roaring.Bitmap
	var n uint64
	for _, m := range st.monthKeys {
		if n >= k {
			break
		}
		if p := roaring.And(c, st.months[m]); !p.IsEmpty() {
			parts = append(parts, p)
			n += p.GetCardinality()
		}
	}
	return roaring.FastOr(parts...)
}

// putScores clears the scores of the documents scored and keeps the array for the next search: clearing only
// those is much cheaper than clearing a million entries when few were scored. Arrays in x.scratch are all zero.
func (x *Index) putScores(s []float32, scored *roaring.Bitmap) {
	eachMany(scored, func(ids []uint32) {
		for _, id := range ids {
			s[id] = 0
		}
	})
	x.scratch.Put(&s)
}

// parallelFrom is the result size from which facets are counted in parallel with ranking: below it, starting a
// goroutine costs more than it saves. From 5,000 hits it takes a tenth off the latency for a tenth more CPU
// time (measured at a million offers).
const parallelFrom = 5_000

// eachMany calls fn with the documents of b in ascending order, a few hundred at a time: much cheaper per
// document than Iterate's callback or an Iterator's HasNext/Next.
func eachMany(b *roaring.Bitmap, fn func(ids []uint32)) {
	it := b.ManyIterator()
	var buf [256]uint32
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return
		}
		fn(buf[:n])
	}
}

// filter is the bitmap of the documents that pass every filter of q and contain every word, and with a radius
// the documents within it with their distances (see within). The bitmaps of the filters and words are
// intersected smallest first, so a selective filter makes every further step cheap; the age, which is a union
// of hundreds of ranges, is then tested per document when few are left (see keepAge).
func (st *state) filter(q *Query, words []queryWord, buf *buffers) (*roaring.Bitmap, []nearDoc) {
	var sets []docSet
	anyOf := func(dim string, values []string) {
		if len(values) == 0 {
			return
		}
		var u []*roaring.Bitmap
		for _, v := range values {
			if fv := st.facet(dim, v, false); fv != nil {
				u = append(u, fv.docs)
			}
		}
		switch len(u) {
		case 0:
			sets = append(sets, docSet{b: roaring.New()})
		case 1:
			sets = append(sets, docSet{b: u[0], shared: true})
		default:
			sets = append(sets, docSet{b: roaring.FastOr(u...)})
		}
	}
	anyOf(DimPhase, q.Phases)
	anyOf(DimField, q.Fields)
	anyOf(DimTargetGroup, q.TargetGroups)
	anyOf(DimTransition, q.Transitions)
	anyOf(DimLanguage, q.Languages)
	anyOf(DimAccess, q.Access)
	anyOf(DimDelivery, q.Delivery)
	anyOf(DimOrganizationKind, q.OrganizationKinds)
	anyOf(DimKommune, uuidStrings(q.KommuneIDs))
	anyOf(DimArea, uuidStrings(q.AreaIDs))
	if q.Free {
		anyOf(DimCost, []string{catalog.CostFree})
	}
	if q.Weekday > 0 {
		anyOf(DimWeekday, []string{strconv.Itoa(q.Weekday)})
	}
	for _, w := range words {
		sets = append(sets, w.docSet(st.vocab))
	}
	var near []nearDoc
	if q.HasPoint && q.RadiusKm > 0 {
		var in *roaring.Bitmap
		in, near = st.within(q.Lat, q.Lon, q.RadiusKm, buf)
		sets = append(sets, docSet{b: in})
	}
	c := st.intersect(sets)
	if q.AgeMonths != nil {
		c = st.keepAge(c, int32(*q.AgeMonths), buf)
	}
	st.keep(c, q, buf)
	return c, near
}

// docSet is one filter's or word's documents; shared when it is the index's own bitmap, which a search must
// not change. A word's documents are the union of its terms' postings (anyOf), united only when needed: after
// a smaller set, each posting is intersected with what is left instead, which costs what is left rather
// than the union of a word with many compounds.
type docSet struct {
	b      *roaring.Bitmap
	shared bool
	anyOf  []*roaring.Bitmap
	size   uint64 // the cardinality of b, or at most that of the union of anyOf
}

func (d docSet) bitmap() *roaring.Bitmap {
	if d.b == nil {
		return roaring.FastOr(d.anyOf...)
	}
	return d.b
}

// and is c (which the caller owns) within d.
func (d docSet) and(c *roaring.Bitmap) *roaring.Bitmap {
	if d.b != nil || c.GetCardinality()*lazyShare > d.size {
		c.And(d.bitmap())
		return c
	}
	parts := make([]*roaring.Bitmap, len(d.anyOf))
	for i, p := range d.anyOf {
		parts[i] = roaring.And(c, p)
	}
	return roaring.FastOr(parts...)
}

// A word's postings are intersected one by one with what is left when that is less than 1/lazyShare of them.
const lazyShare = 4

// intersect is a bitmap of the documents in every set, all alive documents when there is none, which the
// caller may change: the smallest set itself when the search made it, else a copy. Every set holds alive
// documents only (clear takes a removed one out of each).
func (st *state) intersect(sets []docSet) *roaring.Bitmap {
	if len(sets) == 0 {
		return st.alive.Clone()
	}
	for i := range sets {
		if sets[i].b != nil {
			sets[i].size = sets[i].b.GetCardinality()
		}
	}
	slices.SortFunc(sets, func(a, b docSet) int { return cmp.Compare(a.size, b.size) })
	c := sets[0].bitmap()
	if sets[0].shared {
		c = c.Clone()
	}
	for _, s := range sets[1:] {
		if c.IsEmpty() {
			break
		}
		c = s.and(c)
	}
	return c
}

// keepAge is c without the documents whose age range does not hold the age m: tested per document from the
// dense ranges when c is small, as the union of the fitting ranges (hundreds of bitmaps) when it is large.
func (st *state) keepAge(c *roaring.Bitmap, m int32, buf *buffers) *roaring.Bitmap {
	if c.GetCardinality() >= st.alive.GetCardinality()/ageUnionShare {
		c.And(st.ageUnion(m))
		return c
	}
	return st.ageTest(c, m, buf)
}

// ageUnion is the documents whose age range holds m.
func (st *state) ageUnion(m int32) *roaring.Bitmap {
	var fit []*roaring.Bitmap
	for r, docs := range st.ages {
		if fitsAge(r[0], r[1], m) {
			fit = append(fit, docs)
		}
	}
	return roaring.FastOr(fit...)
}

// ageTest is the documents of c whose age range holds m, tested one by one.
func (st *state) ageTest(c *roaring.Bitmap, m int32, buf *buffers) *roaring.Bitmap {
	kept := buf.kept[:0]
	eachMany(c, func(ids []uint32) {
		for _, id := range ids {
			if r := st.ageRange[id]; fitsAge(int32(r>>16)-1, int32(r&0xffff)-1, m) {
				kept = append(kept, id)
			}
		}
	})
	buf.kept = kept
	return roaring.BitmapOf(kept...)
}

// From a tenth of all documents the union of the fitting age ranges is cheaper than a test per document
// (measured at a million offers).
const ageUnionShare = 10

// keep removes the documents of c that are not open now: it runs last, over what the bitmaps left.
func (st *state) keep(c *roaring.Bitmap, q *Query, buf *buffers) {
	if !q.OpenNow {
		return
	}
	// Holidays are asked once per Land and the local clock once per time zone, not per document.
	holidays := map[string]bool{}
	var land string
	holiday := func(t time.Time) bool {
		h, ok := holidays[land]
		if !ok {
			h = IsHoliday(land, t)
			holidays[land] = h
		}
		return h
	}
	locals := map[*time.Location]*localTime{}
	u := q.Now.Unix()
	drop := buf.drop[:0]
	eachMany(c, func(ids []uint32) {
		for _, id := range ids {
			d := &st.docs[id]
			h := st.hours(d)
			lt := locals[h.zone]
			if lt == nil {
				lt = newLocalTime(q.Now, h.zone)
				locals[h.zone] = lt
			}
			if land = st.lands.list[d.land]; !h.openAtLocal(u, lt, holiday) {
				drop = append(drop, id)
			}
		}
	})
	c.AndNot(roaring.BitmapOf(drop...))
	buf.drop = drop
}

// fitsAge reports whether the age range lo–hi (months, -1 open) holds the age m.
func fitsAge(lo, hi, m int32) bool {
	return (lo < 0 || lo <= m) && (hi < 0 || m <= hi)
}

// nearDoc is a document within the radius of a search and its approximate distance (approxKm, as ranking
// orders by it), or -1 when it has several locations and ranking must take the nearest of all.
type nearDoc struct {
	id   uint32
	dist float64
}

// within is the bitmap of documents with a location within km of the point, and the same documents in id
// order with their distances, so that ranking need not look up each hit's locations. The exact test is the
// haversine distance; up to 100 km and below 60° latitude a flat approximation decides instead (midKm2),
// and haversine only the points within 0.1 % of the radius, where the approximation could err.
func (st *state) within(lat, lon, km float64, buf *buffers) (*roaring.Bitmap, []nearDoc) {
	minLat, minLon, maxLat, maxLon := boxAround(lat, lon, km)
	cosLat, sinLat := math.Cos(lat*math.Pi/180), math.Sin(lat*math.Pi/180)
	approx := km <= 100 && math.Abs(lat) < 60
	inside, outside := (0.999*km)*(0.999*km), (1.001*km)*(1.001*km)
	keys := buf.keys[:0] // id << 32 | index in dists, or | noDist for a document with several locations
	dists := buf.dists[:0]
	st.geo.search(minLat, minLon, maxLat, maxLon, func(pts [][2]float64, items []uint32) {
		for j, p := range pts {
			var in bool
			switch m2 := midKm2(p[0], p[1], lat, lon, cosLat, sinLat); {
			case approx && m2 < inside:
				in = true
			case approx && m2 > outside:
				in = false
			default:
				in = haversine(lat, lon, p[0], p[1]) <= km
			}
			if !in {
				continue
			}
			a := approxKm(p[0], p[1], lat, lon, cosLat)
			item := items[j]
			id := item &^ multiPoint
			if item&multiPoint != 0 {
				keys = append(keys, uint64(id)<<32|noDist)
			} else {
				keys = append(keys, uint64(id)<<32|uint64(len(dists)))
				dists = append(dists, a)
			}
		}
	})
	// The grid yields ids in no order; sorted, they are appended to the bitmap instead of inserted.
	keys, buf.tmp = sortByID(keys, buf.tmp, uint32(len(st.docs)))
	ids, near := buf.ids[:0], buf.near[:0]
	for _, k := range keys {
		id := uint32(k >> 32)
		if n := len(ids); n > 0 && ids[n-1] == id {
			continue // another location of the same document
		}
		ids = append(ids, id)
		d := -1.0
		if i := k & 0xffffffff; i != noDist {
			d = dists[i]
		}
		near = append(near, nearDoc{id, d})
	}
	buf.keys, buf.dists, buf.ids, buf.near = keys, dists, ids, near
	return roaring.BitmapOf(ids...), near
}

// buffers are the growing slices of one search, kept for the next: allocating them anew costs more than
// filling them (fresh memory is zeroed and faulted in page by page).
type buffers struct {
	keys  []uint64
	dists []float64
	ids   []uint32
	near  []nearDoc
	drop  []uint32
	kept  []uint32
	tmp   []uint64
	// spread: whether this search may use a second core
	spread bool
	// facetCounts's own: counts by value, by mask entry and by place list (see palette.go)
	counts, perMask, perList []int32
	hits                     []uint64
}

// zeroed is *b resized to n and cleared, reallocated only when too small.
func zeroed(b *[]int32, n int) []int32 {
	if cap(*b) < n {
		*b = make([]int32, n)
	}
	*b = (*b)[:n]
	clear(*b)
	return *b
}

const noDist = 0xffffffff

// sortByID sorts keys by their upper 32 bits, the document id (below n), with a radix sort of 11-bit digits:
// two passes over the keys for a million documents, where a comparison sort of the tens of thousands of
// locations in a radius took most of a geo search. tmp is scratch space; both are returned for reuse.
func sortByID(keys, tmp []uint64, n uint32) ([]uint64, []uint64) {
	if len(keys) < 256 {
		slices.Sort(keys)
		return keys, tmp
	}
	tmp = slices.Grow(tmp[:0], len(keys))[:len(keys)]
	var count [1 << 11]int
	for shift := 32; shift < 32+bits.Len32(n); shift += 11 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&(1<<11-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range keys {
			d := (k >> shift) & (1<<11 - 1)
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys, tmp
}

// approxKm is the equirectangular distance in km from (lat, lon) to (plat, plon), cosLat the cosine of lat:
// good enough to order by and much cheaper than haversine over a million candidates.
func approxKm(plat, plon, lat, lon, cosLat float64) float64 {
	dy := (plat - lat) * 111.195
	dx := (plon - lon) * 111.195 * cosLat
	return math.Sqrt(dx*dx + dy*dy)
}

// midKm2 is the square of the equirectangular distance in km from (lat, lon) to (plat, plon) with the cosine
// of the middle latitude, to first order from cosLat and sinLat of lat: within 100 km and below 60° latitude
// it is off from haversine by less than 0.006 % (TestMidKmIsCloseToHaversine), so it decides whether a
// point is in a radius except within 0.1 % of it, at a fraction of haversine's cost.
func midKm2(plat, plon, lat, lon, cosLat, sinLat float64) float64 {
	dLat := plat - lat
	cosMid := cosLat - sinLat*dLat*(math.Pi/360)
	dy := dLat * 111.195
	dx := (plon - lon) * 111.195 * cosMid
	return dx*dx + dy*dy
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// distance is the distance in km from the point to the nearest of points, -1 when there is none.
func distance(points [][2]float64, lat, lon float64) float64 {
	best := -1.0
	for _, p := range points {
		if km := haversine(lat, lon, p[0], p[1]); best < 0 || km < best {
			best = km
		}
	}
	return best
}

func uuidStrings[T fmt.Stringer](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// facetCounts counts the values of every dimension among the hits; values without hits are left out. Where
// the hits are sparse they are counted document by document (countMasked); where they are dense, per value
// (countLarge); see splitByDensity. The places (Kommunen and Sozialräume) are counted only when want asks for
// either. It uses only buf's facet fields, so it may run beside scoring.
func (st *state) facetCounts(c *roaring.Bitmap, want func(dim string) bool, buf *buffers) map[string][]FacetCount {
	out := make(map[string][]FacetCount, 12)
	n := c.GetCardinality()
	if n == 0 {
		return out
	}
	counts := zeroed(&buf.counts, len(st.values))
	places := want(DimKommune) || want(DimArea)
	dense, sparse := splitByDensity(c, n)
	if !sparse.IsEmpty() {
		st.countMasked(sparse, counts, places, want(DimArea), buf)
	}
	if !dense.IsEmpty() {
		st.countLarge(dense, counts, places, want(DimArea), sparse.IsEmpty(), buf.spread, buf)
	}
	if len(st.byValue) != len(st.values) { // not yet sorted: cannot happen after Build and Refresh
		for i, n := range counts {
			if n > 0 && want(st.values[i].dim) {
				fv := st.values[i]
				out[fv.dim] = append(out[fv.dim], FacetCount{Value: fv.value, Count: int(n)})
			}
		}
		for _, fc := range out {
			sortCounts(fc)
		}
		return out
	}
	// The order of sortCounts, from one integer per value: its count, then its rank in byValue inverted, so
	// that sorting the keys in ascending order and reading them backwards gives the larger count first and,
	// among equal counts, the value first in byValue.
	perDim := make(map[string][]uint64, 12)
	for i, n := range counts {
		if n > 0 && want(st.values[i].dim) {
			dim := st.values[i].dim
			perDim[dim] = append(perDim[dim], uint64(n)<<32|uint64(^uint32(st.rankOf[i])))
		}
	}
	for dim, keys := range perDim {
		slices.Sort(keys)
		fc := make([]FacetCount, len(keys))
		for j := range fc {
			k := keys[len(keys)-1-j]
			fc[j] = FacetCount{Value: st.values[st.byValue[^uint32(k)]].value, Count: int(k >> 32)}
		}
		out[dim] = fc
	}
	return out
}

// splitByDensity divides the n hits of c by the blocks of 65,536 documents that roaring bitmaps keep them in:
// dense are those in blocks of at least denseBlock hits, sparse the others. A dense block is counted fastest
// per value, with one AndCardinality over the block's bit set per value; a sparse one document by document,
// from the cells. Hits near a point, whose documents crowd into few blocks, are dense even when they are
// few.
func splitByDensity(c *roaring.Bitmap, n uint64) (dense, sparse *roaring.Bitmap) {
	empty := roaring.New()
	if n < denseBlock {
		return empty, c
	}
	var blocks []uint64
	for b := uint64(c.Minimum()) >> 16; b <= uint64(c.Maximum())>>16; b++ {
		if c.CardinalityInRange(b<<16, (b+1)<<16) >= denseBlock {
			blocks = append(blocks, b)
		}
	}
	switch {
	case len(blocks) == 0:
		return empty, c
	case len(blocks) == int(uint64(c.Maximum())>>16-uint64(c.Minimum())>>16+1):
		return c, empty
	}
	mask := roaring.New()
	for _, b := range blocks {
		mask.AddRange(b<<16, (b+1)<<16)
	}
	return roaring.And(c, mask), roaring.AndNot(c, mask)
}

// A block with this many hits (of 65,536 documents) is counted per value: below it, counting document by
// document is cheaper. Measured at 1,000,000 offers: with a cell per document (palette.go), 16,384 and 32,768
// did equally well and 6,144 (the threshold of the rows of 32 bytes before) cost "phase+free+age" 2.0 instead
// of 1.2 ms.
const denseBlock = 16384

// countMasked counts the facets of c document by document, from their cells (see palette.go); the places
// only when asked for.
func (st *state) countMasked(c *roaring.Bitmap, counts []int32, places, areas bool, b *buffers) {
	perMask := zeroed(&b.perMask, st.masks.len())
	perList := zeroed(&b.perList, st.places.len())
	eachMany(c, func(ids []uint32) { st.tally(ids, perMask, perList) })
	st.addMasks(perMask, counts, 1)
	if places {
		st.addPlaces(perList, counts, 1, areas)
	}
}

func placeDim(dim string) bool { return dim == DimKommune || dim == DimArea }

// countLarge adds the counts of the hits of c, which are dense: the small dimensions per value, the places
// (when asked for) from the cells, with spread on the other core. When c is all the hits (whole) and most
// documents, the others are counted instead (countOthers).
func (st *state) countLarge(c *roaring.Bitmap, counts []int32, places, areas, whole, spread bool, buf *buffers) {
	if whole && 2*c.GetCardinality() > st.alive.GetCardinality() {
		st.countOthers(c, counts, places, areas, buf)
		return
	}
	var wg sync.WaitGroup
	countPlaces := func() {
		if places {
			st.countPlaces(c, counts, 1, areas, buf)
		}
	}
	if spread {
		wg.Go(countPlaces)
	} else {
		countPlaces()
	}
	var hits []uint64 // c as a plain bit set from word from on, written when a value needs it
	var from int
	alive := st.alive.GetCardinality()
	for i, fv := range st.values {
		if placeDim(fv.dim) {
			continue
		}
		// Roaring keeps a value in under 1/16 of a block's documents as a sorted array, which AndCardinality
		// tests element by element against the dense hits; from 1/256 of them, ANDing and counting the
		// value's plain bit set word by word is cheaper (measured at a million offers).
		if n := fv.docs.GetCardinality(); n*16 >= alive || n*256 < alive {
			counts[i] += int32(c.AndCardinality(fv.docs))
			continue
		}
		if hits == nil {
			hits, from = denseWords(c, buf)
		}
		counts[i] += andCount(hits[from:], fv.words[min(from, len(fv.words)):])
	}
	wg.Wait()
}

// countOthers adds the counts of c, all the hits and most documents, as the counts of all documents less
// those of the others, tallied from their cells: one pass over a minority of the cells costs less than
// ANDing the hits with every value ("Kinder", in 69 % of a million offers, on one core: 1.5 instead of
// 2.3 ms a search). The Sozialräume, thousands, only with areas.
func (st *state) countOthers(c *roaring.Bitmap, counts []int32, places, areas bool, buf *buffers) {
	for i, fv := range st.values {
		if !placeDim(fv.dim) || places && (fv.dim == DimKommune || areas) {
			counts[i] += int32(fv.docs.GetCardinality())
		}
	}
	perMask := zeroed(&buf.perMask, st.masks.len())
	perList := zeroed(&buf.perList, st.places.len())
	eachMany(roaring.AndNot(st.alive, c), func(ids []uint32) { st.tally(ids, perMask, perList) })
	st.addMasks(perMask, counts, -1)
	if places {
		st.addPlaces(perList, counts, -1, areas)
	}
}

// denseWords writes c into buf's plain bit set and returns it with the first word that holds c.
func denseWords(c *roaring.Bitmap, buf *buffers) ([]uint64, int) {
	n := int(c.DenseSize())
	if cap(buf.hits) < n {
		buf.hits = make([]uint64, n)
	}
	hits, from := buf.hits[:n], int(c.Minimum()/64)
	clear(hits[from:])
	c.WriteDenseTo(hits)
	return hits, from
}

// andCount counts the bits set in both a and b.
func andCount(a, b []uint64) int32 {
	b = b[:min(len(a), len(b))]
	a = a[:len(b)]
	var n int
	for i := range b {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return int32(n)
}

// countPlaces adds sign for the Kommune of every document of c, and with areas for its Sozialräume.
func (st *state) countPlaces(c *roaring.Bitmap, counts []int32, sign int32, areas bool, b *buffers) {
	perList := zeroed(&b.perList, st.places.len())
	cells := st.cells
	eachMany(c, func(ids []uint32) {
		for _, id := range ids {
			perList[cells[id]>>32]++
		}
	})
	st.addPlaces(perList, counts, sign, areas)
}

func sortCounts(c []FacetCount) {
	slices.SortFunc(c, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// queryWord is one word of the query with the stems it matches.
type queryWord struct {
	word  string
	stem  string
	terms []match
}

type match struct {
	term   uint32
	weight float64
	kind   string // exact, compound, typo
}

func (w *queryWord) docs(v *vocabulary) *roaring.Bitmap { return w.docSet(v).bitmap() }

// docSet is the word's documents as the postings of its terms, not yet united.
func (w *queryWord) docSet(v *vocabulary) docSet {
	d := docSet{anyOf: make([]*roaring.Bitmap, 0, 2*len(w.terms))}
	for _, m := range w.terms {
		p := v.postings[m.term]
		for _, b := range []*roaring.Bitmap{p.title, p.body} {
			if !b.IsEmpty() {
				d.anyOf = append(d.anyOf, b)
				d.size += b.GetCardinality()
			}
		}
	}
	if len(d.anyOf) == 0 {
		d.b = roaring.New()
	}
	return d
}

// analyzeQuery turns the query text into words with their exact, compound and typo matches.
func analyzeQuery(v *vocabulary, text string) []queryWord {
	var out []queryWord
	seen := map[string]bool{}
	for _, w := range german.Words(text) {
		stem := german.Stem(w)
		if seen[stem] {
			continue
		}
		seen[stem] = true
		qw := queryWord{word: w, stem: stem}
		if id, ok := v.ids[stem]; ok && !v.postings[id].empty() {
			qw.terms = append(qw.terms, match{id, 1, "exact"})
		}
		qw.addCompounds(v, stem, weightCompound, "compound")
		if len(qw.terms) == 0 {
			qw.addTypos(v)
		}
		out = append(out, qw)
	}
	return out
}

func (p *posting) empty() bool { return p.title.IsEmpty() && p.body.IsEmpty() }

func (w *queryWord) addCompounds(v *vocabulary, stem string, weight float64, kind string) {
	for _, id := range v.compounds(stem) {
		if !v.postings[id].empty() {
			w.terms = append(w.terms, match{id, weight, kind})
		}
	}
}

func (w *queryWord) addTypos(v *vocabulary) {
	k := typoEdits(len([]rune(w.word)))
	if k == 0 {
		return
	}
	ids, _ := v.bk.within(w.word, k)
	seen := map[uint32]bool{}
	for _, id := range ids {
		if !seen[id] && !v.postings[id].empty() {
			seen[id] = true
			w.terms = append(w.terms, match{id, weightTypo, "typo"})
			w.addCompounds(v, v.terms[id], weightTypo*weightCompound, "typo+compound")
		}
	}
}

// scores sums the BM25 score of every query word's matches for the candidates, in a dense array by doc id,
// and returns the documents it scored, which ranking must look at: the candidates, or fewer when the rest
// cannot reach the best k (see prune). The array comes from x.scratch, all zero; putScores clears what was
// scored.
func (x *Index) scores(st *state, words []queryWord, cand *roaring.Bitmap, k int) ([]float32, *roaring.Bitmap) {
	n := len(st.docs)
	var s []float32
	if p, ok := x.scratch.Get().(*[]float32); ok && cap(*p) >= n {
		s = (*p)[:n]
	} else {
		s = make([]float32, n)
	}
	member, _ := x.members.Get().(*[]uint64)
	if member == nil || len(*member) < (n+63)/64 {
		m := make([]uint64, (n+63)/64)
		member = &m
	}
	defer x.members.Put(member)
	cursors, _ := x.cursors.Get().(*[]cursor)
	if cursors == nil {
		cursors = new([]cursor)
	}
	defer x.cursors.Put(cursors)
	sc := scoring{st: st, s: s, member: *member, seedEnough: seedEnough, cursors: cursors}
	if x.seedEnough > 0 {
		sc.seedEnough = x.seedEnough
	}
	sc.avgT, sc.avgB = st.avgLens()
	sc.normT, sc.normB = x.norms(st, sc.avgT, sc.avgB)
	for _, w := range words {
		for _, m := range w.terms {
			p := st.vocab.postings[m.term]
			wt := m.weight * st.idf(p)
			sc.units = append(sc.units, unit{p, true, wt * weightTitle}, unit{p, false, wt * weightBody})
		}
	}
	if !x.exhaustive {
		if scored := sc.prune(cand, k); scored != nil {
			return s, scored
		}
	}
	sc.addAll(cand)
	return s, cand
}

// scoring is the state of one query's scoring.
type scoring struct {
	st           *state
	s            []float32
	units        []unit
	member       []uint64 // all zero between uses: a bit per document, see addAll
	seedEnough   uint64
	cursors      *[]cursor // addAll's, all zero between uses, from the Index's pool
	avgT, avgB   float64
	normT, normB *[tableTF][]float64
}

// unit is one field of one matched term with its weight (term weight × IDF × field weight).
type unit struct {
	p     *posting
	title bool
	w     float64
}

func (u unit) docs() *roaring.Bitmap {
	if u.title {
		return u.p.title
	}
	return u.p.body
}

// bound is the most the unit adds to any document's score.
func (sc *scoring) bound(u unit) float64 {
	if u.title {
		return u.w * bm25(int(u.p.maxTF[0]), u.p.minLen[0], sc.avgT)
	}
	return u.w * bm25(int(u.p.maxTF[1]), u.p.minLen[1], sc.avgB)
}

// addAll adds every unit to the documents of in. Title and body are walked separately, each in document order
// alongside its frequency exceptions; the units are added in the query's order, so that a document's score
// is the same sum whichever documents are scored with it.
//
// A unit with not many more documents than in walks its own documents and skips those not in in (a dense bit
// set of in, sc.member): no intersection is built. A much larger one is intersected with in first.
func (sc *scoring) addAll(in *roaring.Bitmap) {
	n := in.GetCardinality()
	if n == 0 {
		return
	}
	var member []uint64
	if cap(*sc.cursors) < len(sc.units) {
		*sc.cursors = make([]cursor, len(sc.units))
	}
	cursors := (*sc.cursors)[:len(sc.units)]
	defer clear(cursors) // all zero for the next use, holding no bitmap
	for i, u := range sc.units {
		c := &cursors[i]
		c.w, c.avg, c.lens, c.norms, c.tf = u.w, sc.avgB, sc.st.bodyLens, sc.normB, u.p.tf[1]
		if u.title {
			c.avg, c.lens, c.norms, c.tf = sc.avgT, sc.st.titleLens, sc.normT, u.p.tf[0]
		}
		c.nextTF = 0 // slowPart finds the first
		if u.docs().GetCardinality() > walkShare*n {
			c.it = roaring.And(u.docs(), in).ManyIterator()
			continue
		}
		if member == nil {
			member = sc.member[:(len(sc.st.docs)+63)/64]
			in.WriteDenseTo(member)
		}
		c.it, c.member = u.docs().ManyIterator(), member
	}
	// Block by block of 65,536 documents, every unit in turn: the scores and lengths of a block stay in the
	// processor's cache from one unit to the next, where walking unit after unit over all documents met them
	// in memory again for each. Each document still gets its units in the query's order.
	for b := uint64(in.Minimum()) >> 16; b <= uint64(in.Maximum())>>16; b++ {
		for i := range cursors {
			cursors[i].addBelow(sc.s, (b+1)<<16)
		}
	}
	if member != nil {
		clear(member[in.Minimum()/64 : in.Maximum()/64+1])
	}
}

// A unit is walked when it has at most walkShare times the documents to score: walking its documents with a
// bit test each costs less than building the intersection and walking that.
const walkShare = 4

// cursor adds one unit to the documents it walks: w times the BM25 term-frequency part of the field. The part
// for a single occurrence depends only on the field's length, so it comes from a table per query (norm); the
// few documents with more occurrences (tf, walked alongside in document order) are computed.
type cursor struct {
	it       roaring.ManyIntIterable
	buf      [256]uint32
	pos, n   int
	member   []uint64 // when set, only the documents with their bit set here count
	tf       []termFreq
	nextTF   uint32
	w, avg   float64
	lens     []uint16
	norms    *[tableTF][]float64 // by tf-1 and length
	finished bool
}

// addBelow adds the unit to its next documents below limit. The BM25 part of a single occurrence comes from
// the table by length (c.norms); the few documents with more occurrences (c.tf, the first at c.nextTF) and
// overlong fields take slowPart. Documents not in the member set (when there is one) get 0 added instead of
// a branch, which the processor could not predict.
func (c *cursor) addBelow(s []float32, limit uint64) {
	lens, norm, member, w := c.lens, c.norms[0], c.member, c.w
	for !c.finished {
		if c.pos == c.n {
			c.n, c.pos = c.it.NextMany(c.buf[:]), 0
			if c.n == 0 {
				c.finished = true
				return
			}
		}
		ids := c.buf[c.pos:c.n]
		end := len(ids)
		for end > 0 && uint64(ids[end-1]) >= limit {
			end--
		}
		next := c.nextTF
		for _, id := range ids[:end] {
			l := lens[id]
			var f float64
			if id < next && int(l) < len(norm) {
				f = norm[l]
			} else {
				f = c.slowPart(id, l)
				next = c.nextTF
			}
			if member != nil {
				f *= float64(member[id/64] >> (id % 64) & 1)
			}
			s[id] += float32(w * f)
		}
		c.pos += end
		if end < len(ids) {
			return
		}
	}
}

// slowPart is the BM25 part of the unit's field for document id after advancing c.tf to it.
func (c *cursor) slowPart(id uint32, l uint16) float64 {
	for len(c.tf) > 0 && c.tf[0].doc < id {
		c.tf = c.tf[1:]
	}
	c.nextTF = math.MaxUint32
	if len(c.tf) > 0 {
		c.nextTF = c.tf[0].doc
		if c.tf[0].doc == id {
			if n := int(c.tf[0].n); n <= tableTF && int(l) < len(c.norms[n-1]) {
				return c.norms[n-1][l]
			}
			return bm25(int(c.tf[0].n), l, c.avg)
		}
	}
	if int(l) < len(c.norms[0]) {
		return c.norms[0][l]
	}
	return bm25(1, l, c.avg)
}

// prune is max-score top-k retrieval. A query's units differ widely in what they can add to a score: a broad
// word ("Kinder", in two thirds of all offers) adds little, the title of a rare compound ("Pflegekinder") a
// lot. prune first scores in full the documents of the strongest units, until they are at least k: the k-th
// best of those scores is a lower bound of the k-th best final score. The weakest units whose bounds together
// stay below it (by more than the rounding of scores to two decimals) cannot lift a document that only they
// match onto the page, so only the documents of the other units are scored in full too. It returns the
// documents scored, which hold the best k exactly as scoring every candidate would; nil when pruning cannot
// pay (few candidates, or the strongest units match too many of them).
func (sc *scoring) prune(cand *roaring.Bitmap, k int) *roaring.Bitmap {
	nc := cand.GetCardinality()
	if k <= 0 || nc <= uint64(k) || len(sc.units) < 2 {
		return nil
	}
	bounds := make([]float64, len(sc.units))
	var order []int // the units with documents, strongest first
	for i, u := range sc.units {
		if !u.docs().IsEmpty() {
			bounds[i] = sc.bound(u)
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(bounds[b], bounds[a]) })
	// The seed: the candidates of the strongest units, united until they are k, then narrowed to those that
	// the next strong units match too while k remain: fewer to score first, and the best of them. A seed
	// still large is cut to its first documents: the k-th best score of any of them is a lower bound too.
	seed := roaring.New()
	for _, i := range order {
		if m := seed.GetCardinality(); m < uint64(k) {
			seed.Or(roaring.And(sc.units[i].docs(), cand))
		} else if m > sc.seedEnough {
			if both := roaring.And(seed, sc.units[i].docs()); both.GetCardinality() >= uint64(k) {
				seed = both
			}
		} else {
			break
		}
	}
	m := seed.GetCardinality()
	if keep := max(sc.seedEnough, 2*uint64(k)); m > keep {
		last, _ := seed.Select(uint32(keep - 1))
		seed.RemoveRange(uint64(last)+1, uint64(seed.Maximum())+1)
		m = keep
	}
	if m < uint64(k) || m > nc/2 {
		return nil
	}
	sc.addAll(seed)
	kth := float64(kthLargest(sc.s, seed, k))
	// The weakest units, while their bounds together stay below kth; the margin covers the rounding to two
	// decimals (0.005 on either side) and float32 sums.
	weak, sum := 0, 0.0
	for j := len(order) - 1; j >= 0; j-- {
		b := bounds[order[j]]
		if (sum+b)*(1+1e-5)+0.02 >= kth {
			break
		}
		sum += b
		weak++
	}
	strong := make([]*roaring.Bitmap, 0, len(order)-weak)
	for _, i := range order[:len(order)-weak] {
		strong = append(strong, sc.units[i].docs())
	}
	rest := roaring.FastOr(strong...)
	rest.And(cand)
	rest.AndNot(seed)
	sc.addAll(rest)
	rest.Or(seed)
	return rest
}

// A seed of this many documents is not narrowed further (Index.seedEnough changes it for tests).
const seedEnough = 2048

// kthLargest is the k-th largest score of the documents of in (which has at least k).
func kthLargest(s []float32, in *roaring.Bitmap, k int) float32 {
	h := make(minFloats, 0, k)
	eachMany(in, func(ids []uint32) {
		for _, id := range ids {
			v := s[id]
			if len(h) < k {
				heap.Push(&h, v)
			} else if v > h[0] {
				h[0] = v
				heap.Fix(&h, 0)
			}
		}
	})
	return h[0]
}

type minFloats []float32

func (h minFloats) Len() int           { return len(h) }
func (h minFloats) Less(i, j int) bool { return h[i] < h[j] }
func (h minFloats) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *minFloats) Push(v any)        { *h = append(*h, v.(float32)) }
func (h *minFloats) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// normTables are the BM25 term-frequency parts by count (up to tableTF) and field length (up to the longest
// field, at most 4096) of titles and bodies, for the average lengths they were made for. Those change with
// every edit, so the tables are made by the first search after one and shared by the searches until the
// next, instead of two tables of up to 4,097 entries made by every search.
type normTables struct {
	avgT, avgB float64
	maxT, maxB uint16
	t, b       [tableTF][]float64
}

// Counts up to this many have a table; higher ones, rare, are computed.
const tableTF = 3

// norms are the tables of the title and body for st, from x.normCache when they fit.
func (x *Index) norms(st *state, avgT, avgB float64) (title, body *[tableTF][]float64) {
	n := x.normCache.Load()
	if n == nil || n.avgT != avgT || n.avgB != avgB || n.maxT != st.maxTitleLen || n.maxB != st.maxBodyLen {
		n = &normTables{avgT: avgT, avgB: avgB, maxT: st.maxTitleLen, maxB: st.maxBodyLen}
		for tf := 1; tf <= tableTF; tf++ {
			n.t[tf-1], n.b[tf-1] = normTable(tf, avgT, n.maxT), normTable(tf, avgB, n.maxB)
		}
		x.normCache.Store(n) // searches racing here make equal tables
	}
	return &n.t, &n.b
}

// normTable is the BM25 term-frequency part of tf occurrences by field length, up to maxLen (at most 4096).
func normTable(tf int, avg float64, maxLen uint16) []float64 {
	norm := make([]float64, int(min(maxLen, 4096))+1)
	for l := range norm {
		norm[l] = bm25(tf, uint16(l), avg)
	}
	return norm
}

// bm25 is the term-frequency part of BM25 for a field of length l with average length avg.
func bm25(tf int, l uint16, avg float64) float64 {
	if tf == 0 {
		return 0
	}
	f := float64(tf)
	return f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(l)/avg))
}

func (st *state) idf(p *posting) float64 {
	n := float64(st.alive.GetCardinality())
	df := float64(p.df)
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

func (st *state) avgLens() (float64, float64) {
	n := math.Max(float64(st.alive.GetCardinality()), 1)
	return math.Max(float64(st.titleLen)/n, 1), math.Max(float64(st.bodyLen)/n, 1)
}

// fieldScore is the BM25 term-frequency part of title and body, weighted.
func (st *state) fieldScore(p *posting, id uint32, avgT, avgB float64) float64 {
	d := &st.docs[id]
	tt, tb := p.counts(id)
	return weightTitle*bm25(tt, d.titleLen, avgT) + weightBody*bm25(tb, d.bodyLen, avgB)
}

// ranked is a candidate with its sort keys.
type ranked struct {
	id        uint32
	score     float64 // rounded to two decimals, so that near-equal relevance falls through to distance
	distance  float64 // -1 when unknown: sorts last
	confirmed int64
}

// better orders hits: higher score, then nearer, then more recently confirmed, then by id for stability.
func better(a, b ranked) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.distance != b.distance {
		if a.distance < 0 || b.distance < 0 {
			return b.distance < 0
		}
		return a.distance < b.distance
	}
	if a.confirmed != b.confirmed {
		return a.confirmed > b.confirmed
	}
	return a.id < b.id
}

// worstFirst is a min-heap by rank, holding the best k candidates seen so far.
type worstFirst []ranked

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return better(h[j], h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(v any)        { *h = append(*h, v.(ranked)) }
func (h *worstFirst) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// rank returns the hits of the requested page: a heap keeps the best page*perPage candidates.
// near, from a radius search, has the distances of the candidates with one location, in id order.
// total is the number of candidates; cand may be fewer, those that can reach the page (see prune).
func (st *state) rank(q *Query, total uint64, cand *roaring.Bitmap, scores []float32, words []queryWord, near []nearDoc) []Hit {
	k := q.Page * q.PerPage
	if int(total) <= (q.Page-1)*q.PerPage {
		return []Hit{}
	}
	h := make(worstFirst, 0, k)
	cosLat := math.Cos(q.Lat * math.Pi / 180)
	eachMany(cand, func(ids []uint32) {
		for _, id := range ids {
			r := ranked{id: id, distance: -1}
			if scores != nil {
				raw := float64(scores[id])
				// Once the heap is full, a score below its worst by more than the rounding cannot enter it.
				if len(h) == k && raw < h[0].score-0.0051 {
					continue
				}
				r.score = math.Round(raw*100) / 100
				if len(h) == k && r.score < h[0].score {
					continue
				}
			}
			r.confirmed = st.confirmed[id]
			if q.HasPoint {
				for len(near) > 0 && near[0].id < id {
					near = near[1:]
				}
				if len(near) > 0 && near[0].id == id && near[0].dist >= 0 {
					r.distance = near[0].dist
				} else {
					r.distance = approxDistance(st.points(&st.docs[id]), q.Lat, q.Lon, cosLat)
				}
			}
			if len(h) < k {
				heap.Push(&h, r)
			} else if better(r, h[0]) {
				h[0] = r
				heap.Fix(&h, 0)
			}
		}
	})
	sorted := make([]ranked, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		sorted[i] = heap.Pop(&h).(ranked)
	}
	hits := []Hit{}
	for _, r := range sorted[min((q.Page-1)*q.PerPage, len(sorted)):] {
		hits = append(hits, st.hit(q, r, words))
	}
	return hits
}

// approxDistance is an equirectangular distance in km, good enough to order by and much cheaper than
// haversine over a million candidates; hits get the exact distance.
func approxDistance(points [][2]float64, lat, lon, cosLat float64) float64 {
	best := -1.0
	for _, p := range points {
		if km := approxKm(p[0], p[1], lat, lon, cosLat); best < 0 || km < best {
			best = km
		}
	}
	return best
}

func (st *state) hit(q *Query, r ranked, words []queryWord) Hit {
	d := &st.docs[r.id]
	h := Hit{OfferID: d.id, Score: r.score, DistanceKm: -1}
	if q.HasPoint {
		h.DistanceKm = distance(st.points(d), q.Lat, q.Lon)
	}
	if q.Explain {
		h.Explain = st.explain(r.id, h, words)
	}
	return h
}

// explain lists the matches that made up the score, then the tie-breakers.
func (st *state) explain(id uint32, h Hit, words []queryWord) string {
	var parts []string
	avgT, avgB := st.avgLens()
	for _, w := range words {
		for _, m := range w.terms {
			p := st.vocab.postings[m.term]
			tt, tb := p.counts(id)
			if tt+tb == 0 {
				continue
			}
			s := m.weight * st.idf(p) * st.fieldScore(p, id, avgT, avgB)
			parts = append(parts, fmt.Sprintf("%s→%s (%s×%.2g, title %d, body %d) = %.3f", w.word, st.vocab.terms[m.term],
				m.kind, m.weight, tt, tb, s))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no text query")
	}
	out := "score " + fmt.Sprintf("%.2f", h.Score) + ": " + strings.Join(parts, " + ")
	if h.DistanceKm >= 0 {
		out += fmt.Sprintf("; distance %.2f km", h.DistanceKm)
	}
	if c := st.docs[id].confirmed; c > 0 {
		out += "; confirmed " + time.Unix(c, 0).UTC().Format(time.DateOnly)
	}
	return out
}

// HaversineKm is the great-circle distance in km between two points.
func HaversineKm(lat1, lon1, lat2, lon2 float64) float64 { return haversine(lat1, lon1, lat2, lon2) }

// wanted tells whether a dimension is to be counted: every one when dims is empty.
func wanted(dims []string) func(string) bool {
	if len(dims) == 0 {
		return func(string) bool { return true }
	}
	return func(dim string) bool { return slices.Contains(dims, dim) }
}

// FacetsWithoutPlaces are all dimensions but Kommune and Sozialraum: what a page that lists no places shows.
func FacetsWithoutPlaces() []string {
	return slices.DeleteFunc(Dimensions(), placeDim)
}

// ScopedFacets are the dimensions an answer that lists places counts for q: all of them, but the Sozialräume
// only for a search within Kommunen or Sozialräume. Across the whole country they are thousands of values
// nobody picks from, and counting and sorting them was a good part of a broad search.
func ScopedFacets(q *Query) []string {
	if len(q.KommuneIDs) > 0 || len(q.AreaIDs) > 0 {
		return nil
	}
	return slices.DeleteFunc(Dimensions(), func(d string) bool { return d == DimArea })
}
