package search

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// Counting document by document (countMasked) and per value (countLarge, over the hits or over the others)
// must give the same counts for any set of hits, those the hits' own lists of values give: facetCounts picks
// between them by density alone.
func TestFacetCountingPathsAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := demoIndex(t, s).st
		all := st.alive.ToArray()
		rng := rand.New(rand.NewPCG(7, 3))
		buf := &buffers{} // one for all, as a search's are reused: nothing may leak from one count to the next
		for _, share := range []float64{0.01, 0.2, 0.5, 0.7, 1} {
			hits := roaring.New()
			for _, id := range all {
				if rng.Float64() < share {
					hits.Add(id)
				}
			}
			if hits.IsEmpty() {
				hits.Add(all[0])
			}
			masked := make([]int32, len(st.values))
			st.countMasked(hits, masked, true, true, &buffers{})
			// Both must agree with the values each hit lists itself.
			listed := make([]int32, len(st.values))
			hits.Iterate(func(id uint32) bool {
				for _, v := range st.in(&st.docs[id]) {
					listed[v]++
				}
				return true
			})
			if !slices.Equal(masked, listed) {
				t.Errorf("%.0f%% of the offers: counted per document %v, listed by the hits %v", share*100, masked, listed)
			}
			for _, whole := range []bool{false, true} {
				large := make([]int32, len(st.values))
				st.countLarge(hits, large, true, true, whole, whole, buf)
				if !slices.Equal(masked, large) {
					t.Errorf("%.0f%% of the offers (whole %v): counted per document %v, per value %v", share*100, whole, masked, large)
				}
				// Without the Sozialräume, every other count stays.
				noAreas := make([]int32, len(st.values))
				st.countLarge(hits, noAreas, true, false, whole, !whole, buf)
				for i, fv := range st.values {
					if fv.dim != DimArea && noAreas[i] != masked[i] {
						t.Errorf("%.0f%% of the offers (whole %v), without Sozialräume: %s %s counted %d, want %d", share*100,
							whole, fv.dim, fv.value, noAreas[i], masked[i])
					}
				}
			}
			var some int
			for _, n := range masked {
				some += int(n)
			}
			if some == 0 {
				t.Fatalf("%.0f%% of the offers: nothing counted", share*100)
			}
		}
	})
}

// splitByDensity must divide the hits without losing or doubling one, dense blocks on one side, sparse ones
// on the other, also when a result has both.
func TestSplitByDensityDividesByBlock(t *testing.T) {
	c := roaring.New()
	c.AddRange(0, denseBlock)                        // block 0: just dense
	c.AddRange(1<<16, 1<<16+denseBlock-1)            // block 1: just sparse
	c.AddRange(3<<16, 3<<16+100)                     // block 3: sparse
	for id := uint64(5 << 16); id < 6<<16; id += 2 { // block 5: half the documents
		c.Add(uint32(id))
	}
	dense, sparse := splitByDensity(c, c.GetCardinality())
	if !roaring.And(dense, sparse).IsEmpty() || !roaring.Or(dense, sparse).Equals(c) {
		t.Fatalf("dense %d + sparse %d hits are not the %d hits", dense.GetCardinality(), sparse.GetCardinality(), c.GetCardinality())
	}
	for b := uint64(0); b < 6; b++ {
		inDense := dense.CardinalityInRange(b<<16, (b+1)<<16)
		inSparse := sparse.CardinalityInRange(b<<16, (b+1)<<16)
		if inDense > 0 && inSparse > 0 || inDense > 0 && inDense < denseBlock || inSparse >= denseBlock {
			t.Errorf("block %d: %d dense, %d sparse", b, inDense, inSparse)
		}
	}
	if d, sp := splitByDensity(dense, dense.GetCardinality()); !d.Equals(dense) || !sp.IsEmpty() {
		t.Error("all blocks dense: not all dense")
	}
	if d, sp := splitByDensity(sparse, sparse.GetCardinality()); !d.IsEmpty() || !sp.Equals(sparse) {
		t.Error("all blocks sparse: not all sparse")
	}
}

// A word's postings intersected one by one with a small set must give what intersecting their union gives.
func TestWordPostingsIntersectedOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := demoIndex(t, s).st
		all := st.alive.ToArray()
		rng := rand.New(rand.NewPCG(5, 9))
		lazy := 0
		for _, text := range []string{"Beratung", "Kinder", "Hebamme", "Familie", "Kurs"} {
			for _, w := range analyzeQuery(st.vocab, text) {
				ds := w.docSet(st.vocab)
				for _, share := range []float64{0.02, 0.1, 0.5} {
					c := roaring.New()
					for _, id := range all {
						if rng.Float64() < share {
							c.Add(id)
						}
					}
					if c.GetCardinality()*lazyShare <= ds.size {
						lazy++
					}
					want := roaring.And(c, ds.bitmap())
					if got := ds.and(c.Clone()); !got.Equals(want) {
						t.Errorf("%q within %d offers: %d hits one by one, %d from the union", text, c.GetCardinality(),
							got.GetCardinality(), want.GetCardinality())
					}
				}
			}
		}
		if lazy == 0 {
			t.Error("no set was small enough to intersect posting by posting: the test compared nothing")
		}
	})
}

// A small dimension's value keeps its plain bit set (facetValue.words, which countLarge ANDs with dense hits)
// equal to its bitmap through removals and edits.
func TestValueWordsFollowEdits(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	x := demoIndex(t, s)
	docs := storedDocs(t, s)
	st := x.st
	for i := range docs {
		switch i % 3 {
		case 0:
			st.remove(docs[i].Offer.ID)
		case 1:
			st.upsert(&docs[len(docs)-1-i]) // indexed again, perhaps under a reused id
		}
	}
	for _, fv := range st.values {
		if placeDim(fv.dim) {
			continue
		}
		want := fv.docs.ToDense()
		got := fv.words[:min(len(fv.words), len(want))]
		for _, w := range fv.words[len(got):] {
			if w != 0 {
				t.Errorf("%s %s: bits beyond the bitmap's last document", fv.dim, fv.value)
			}
		}
		if !slices.Equal(got, want[:len(got)]) || len(got) < len(want) {
			t.Errorf("%s %s: the bit set differs from the bitmap of %d documents", fv.dim, fv.value, fv.docs.GetCardinality())
		}
	}
}

// The plain bit set of the hits is reused from search to search; what one wrote must not count in the next,
// also when the next starts in a later block of 65,536 documents.
func TestDenseHitsForgetTheLastSearch(t *testing.T) {
	buf := &buffers{}
	value := make([]uint64, 3*1024) // a value every document of the first three blocks has
	for i := range value {
		value[i] = ^uint64(0)
	}
	for _, c := range []*roaring.Bitmap{roaring.BitmapOf(5, 70_000, 140_000), roaring.BitmapOf(140_001, 140_002), roaring.BitmapOf(3)} {
		hits, from := denseWords(c, buf)
		if got := andCount(hits[from:], value[from:]); got != int32(c.GetCardinality()) {
			t.Errorf("hits %v: counted %d", c.ToArray(), got)
		}
	}
}
