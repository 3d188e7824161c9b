// Package search is the Familienwegweiser's search index: every public offer in memory, built from the store
// at start-up and kept fresh from the audit log (Refresh, called every second by Run), so every instance
// answers searches without asking the database, and an edit is searchable on every instance within about two
// seconds, also with several instances on one PostgreSQL.
//
// What is done by libraries and what by hand:
//
//   - Postings and filters are roaring bitmaps (github.com/RoaringBitmap/roaring/v2): filters are ANDed
//     bitmaps, and a facet count is one AndCardinality, which is what keeps broad queries with facets fast.
//   - Distance uses an R-tree (github.com/tidwall/rtree) for radius searches.
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
//   - Ranking is BM25 over title (weight 3) and body (description and organization name, weight 1), summed
//     over the query words; compound matches count 0.7, typo matches 0.5. Ties (to two decimals) are broken by
//     distance, then by the freshness of last_confirmed_at.
package search

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
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
	cand := st.filter(&q)
	for _, w := range words {
		cand.And(w.docs(st.vocab))
	}
	res := Result{Total: int(cand.GetCardinality()), Facets: st.facetCounts(cand)}
	var scores []float32
	if len(words) > 0 {
		scores = x.scores(st, words, cand)
		defer x.scratch.Put(&scores)
	}
	res.Hits = st.rank(&q, cand, scores, words)
	return res, nil
}

// filter is the bitmap of the documents that pass every filter of q.
func (st *state) filter(q *Query) *roaring.Bitmap {
	c := st.alive.Clone()
	anyOf := func(dim string, values []string) {
		if len(values) == 0 {
			return
		}
		u := roaring.New()
		for _, v := range values {
			if fv := st.facet(dim, v, false); fv != nil {
				u.Or(fv.docs)
			}
		}
		c.And(u)
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
	if q.HasPoint && q.RadiusKm > 0 {
		c.And(st.within(q.Lat, q.Lon, q.RadiusKm))
	}
	st.keep(c, q)
	return c
}

// keep removes the documents of c that fail the per-document filters: age and open now. They run last, over
// what the bitmaps left.
func (st *state) keep(c *roaring.Bitmap, q *Query) {
	if q.AgeMonths == nil && !q.OpenNow {
		return
	}
	holidays := map[string]bool{}
	holiday := func(land string) func(time.Time) bool {
		return func(t time.Time) bool {
			h, ok := holidays[land]
			if !ok {
				h = IsHoliday(land, t)
				holidays[land] = h
			}
			return h
		}
	}
	var drop []uint32
	c.Iterate(func(id uint32) bool {
		d := st.docs[id]
		if q.AgeMonths != nil && !d.fitsAge(int32(*q.AgeMonths)) {
			drop = append(drop, id)
		} else if q.OpenNow && !d.hours.openAt(q.Now, holiday(d.land)) {
			drop = append(drop, id)
		}
		return true
	})
	for _, id := range drop {
		c.Remove(id)
	}
}

func (d *doc) fitsAge(m int32) bool {
	return (d.minAge < 0 || d.minAge <= m) && (d.maxAge < 0 || m <= d.maxAge)
}

// within is the bitmap of documents with a location within km of the point.
func (st *state) within(lat, lon, km float64) *roaring.Bitmap {
	dLat := km / 111.2
	dLon := km / (111.2 * math.Max(math.Cos(lat*math.Pi/180), 0.01))
	out := roaring.New()
	st.geo.Search([2]float64{lon - dLon, lat - dLat}, [2]float64{lon + dLon, lat + dLat},
		func(min, _ [2]float64, id uint32) bool {
			if haversine(lat, lon, min[1], min[0]) <= km {
				out.Add(id)
			}
			return true
		})
	return out
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// distance is the distance in km from the point to the nearest location of d, -1 when it has none.
func (d *doc) distance(lat, lon float64) float64 {
	best := -1.0
	for _, p := range d.points {
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

// facetCounts counts the values of every dimension among the hits; values without hits are left out. A small
// result is counted document by document; a large one with one AndCardinality per value, which is what
// roaring bitmaps do fastest.
func (st *state) facetCounts(c *roaring.Bitmap) map[string][]FacetCount {
	out := make(map[string][]FacetCount, 12)
	if c.IsEmpty() {
		return out
	}
	counts := make([]int32, len(st.values))
	if c.GetCardinality() < uint64(4*len(st.values)) {
		c.Iterate(func(id uint32) bool {
			for _, fv := range st.docs[id].in {
				counts[fv.index]++
			}
			return true
		})
	} else {
		for i, fv := range st.values {
			counts[i] = int32(c.AndCardinality(fv.docs))
		}
	}
	for i, n := range counts {
		if n > 0 {
			fv := st.values[i]
			out[fv.dim] = append(out[fv.dim], FacetCount{Value: fv.value, Count: int(n)})
		}
	}
	for _, fc := range out {
		sortCounts(fc)
	}
	return out
}

func sortCounts(c []FacetCount) {
	sort.Slice(c, func(i, j int) bool {
		if c[i].Count != c[j].Count {
			return c[i].Count > c[j].Count
		}
		return c[i].Value < c[j].Value
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

func (w *queryWord) docs(v *vocabulary) *roaring.Bitmap {
	out := roaring.New()
	for _, m := range w.terms {
		p := v.postings[m.term]
		out.Or(p.title)
		out.Or(p.body)
	}
	return out
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

// scores sums the BM25 score of every query word's matches for the candidates, in a dense array by doc id.
func (x *Index) scores(st *state, words []queryWord, cand *roaring.Bitmap) []float32 {
	n := len(st.docs)
	var s []float32
	if p, ok := x.scratch.Get().(*[]float32); ok && cap(*p) >= n {
		s = (*p)[:n]
		clear(s)
	} else {
		s = make([]float32, n)
	}
	for _, w := range words {
		for _, m := range w.terms {
			st.addScores(s, m, cand)
		}
	}
	return s
}

func (st *state) addScores(s []float32, m match, cand *roaring.Bitmap) {
	p := st.vocab.postings[m.term]
	w := m.weight * st.idf(p)
	avgT, avgB := st.avgLens()
	// Title and body are walked separately, so a document's frequencies need no Contains lookups.
	st.addField(s, p, roaring.And(p.title, cand), w*weightTitle, avgT, func(d *doc) uint16 { return d.titleLen }, 8)
	st.addField(s, p, roaring.And(p.body, cand), w*weightBody, avgB, func(d *doc) uint16 { return d.bodyLen }, 0)
}

func (st *state) addField(s []float32, p *posting, in *roaring.Bitmap, w, avg float64, length func(*doc) uint16, shift uint) {
	it := in.Iterator()
	for it.HasNext() {
		id := it.Next()
		tf := 1
		if len(p.tf) > 0 {
			if v, ok := p.tf[id]; ok {
				tf = int(v>>shift) & 0xff
			}
		}
		s[id] += float32(w * bm25(tf, length(st.docs[id]), avg))
	}
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
	df := float64(roaring.Or(p.title, p.body).GetCardinality())
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

func (st *state) avgLens() (float64, float64) {
	n := math.Max(float64(st.alive.GetCardinality()), 1)
	return math.Max(float64(st.titleLen)/n, 1), math.Max(float64(st.bodyLen)/n, 1)
}

// fieldScore is the BM25 term-frequency part of title and body, weighted.
func (st *state) fieldScore(p *posting, id uint32, avgT, avgB float64) float64 {
	d := st.docs[id]
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
func (st *state) rank(q *Query, cand *roaring.Bitmap, scores []float32, words []queryWord) []Hit {
	k := q.Page * q.PerPage
	if int(cand.GetCardinality()) <= (q.Page-1)*q.PerPage {
		return []Hit{}
	}
	h := make(worstFirst, 0, k)
	cosLat := math.Cos(q.Lat * math.Pi / 180)
	cand.Iterate(func(id uint32) bool {
		d := st.docs[id]
		r := ranked{id: id, distance: -1, confirmed: d.confirmed}
		if scores != nil {
			r.score = math.Round(float64(scores[id])*100) / 100
		}
		if q.HasPoint {
			r.distance = d.approxDistance(q.Lat, q.Lon, cosLat)
		}
		if len(h) < k {
			heap.Push(&h, r)
		} else if better(r, h[0]) {
			h[0] = r
			heap.Fix(&h, 0)
		}
		return true
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
func (d *doc) approxDistance(lat, lon, cosLat float64) float64 {
	best := -1.0
	for _, p := range d.points {
		dy := (p[0] - lat) * 111.195
		dx := (p[1] - lon) * 111.195 * cosLat
		if km := math.Sqrt(dx*dx + dy*dy); best < 0 || km < best {
			best = km
		}
	}
	return best
}

func (st *state) hit(q *Query, r ranked, words []queryWord) Hit {
	d := st.docs[r.id]
	h := Hit{OfferID: d.id, Score: r.score, DistanceKm: -1}
	if q.HasPoint {
		h.DistanceKm = d.distance(q.Lat, q.Lon)
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
