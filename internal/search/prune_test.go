package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// demoIndex is an index of the demo data in s.
func demoIndex(t *testing.T, s *store.Store) *Index {
	t.Helper()
	ctx := context.Background()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	x := New(Options{})
	if err := x.Build(ctx, s); err != nil {
		t.Fatal(err)
	}
	return x
}

// storedDocs are the search documents of every public offer in s, as an index reads them.
func storedDocs(t *testing.T, s *store.Store) []store.SearchDoc {
	t.Helper()
	var docs []store.SearchDoc
	if err := s.StreamSearchDocs(context.Background(), store.SearchSelection{}, 100, func(b []store.SearchDoc) error {
		docs = append(docs, b...)
		return nil
	}); err != nil || len(docs) == 0 {
		t.Fatalf("%d documents, %v", len(docs), err)
	}
	return docs
}

// bothWays answers q as a search does and, for comparison, ranking every candidate in full.
func bothWays(t *testing.T, x *Index, q Query) (got, exhaustive Result) {
	t.Helper()
	got, err := x.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	x.exhaustive = true
	defer func() { x.exhaustive = false }()
	if exhaustive, err = x.Search(q); err != nil {
		t.Fatal(err)
	}
	return got, exhaustive
}

// Pruning (scoring only the documents the strong matches find, see prune) must give the very hits, scores and
// order of scoring every candidate, on every page; and on the demo data it must actually prune.
func TestPruningKeepsTheBestHits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := demoIndex(t, s)
		pruned := 0
		// The seed is narrowed only beyond 2,048 documents, more than the demo has: with 1 every seed is.
		for _, narrow := range []uint64{0, 1} {
			x.seedEnough = narrow
			for _, text := range []string{"Kinder", "Beratung", "Familie", "Eltern", "Eltern Kurs", "Hebamme", "Kinder Beratung",
				"Sprache", "Familien Kinder"} {
				for _, perPage := range []int{1, 3, 10} {
					for page := 1; page <= 3; page++ {
						got, want := bothWays(t, x, Query{Text: text, Page: page, PerPage: perPage})
						if got.Total != want.Total || !slices.Equal(got.Hits, want.Hits) {
							t.Errorf("%q page %d of %d (seed narrowed from %d): pruned %+v, exhaustive %+v", text, page, perPage,
								narrow, got.Hits, want.Hits)
						}
					}
				}
				words := analyzeQuery(x.st.vocab, text)
				cand := x.st.alive.Clone()
				for _, w := range words {
					cand.And(w.docs(x.st.vocab))
				}
				if _, ranked := x.scores(x.st, words, cand, 3); ranked.GetCardinality() < cand.GetCardinality() {
					pruned++
				}
			}
		}
		if pruned == 0 {
			t.Error("no query was pruned: the test compared nothing")
		}
	})
}

// Without words and a point, ranking only the newest months of confirmation (newestFirst) must give the hits
// of ranking every candidate, on every page.
func TestNewestFirstKeepsTheNewestHits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		x := demoIndex(t, s)
		if len(x.st.monthKeys) < 3 {
			t.Fatalf("the demo's offers were confirmed in %d months: too few to compare", len(x.st.monthKeys))
		}
		age := 24
		for _, base := range []Query{{}, {Phases: []string{"age_0_3"}}, {Free: true}, {AgeMonths: &age}, {Languages: []string{"tr"}}} {
			for _, perPage := range []int{1, 5, 20} {
				for page := 1; page <= 4; page++ {
					q := base
					q.Page, q.PerPage = page, perPage
					got, want := bothWays(t, x, q)
					if got.Total != want.Total || !slices.Equal(got.Hits, want.Hits) {
						t.Errorf("%+v page %d of %d: newest months %+v, all %+v", base, page, perPage, got.Hits, want.Hits)
					}
				}
			}
		}
	})
}

func TestSortByIDSortsByDocument(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	var tmp []uint64
	for _, n := range []int{0, 1, 255, 256, 1000, 70_000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = uint64(r.Uint32N(1_000_000))<<32 | uint64(r.Uint32())
		}
		var got []uint64
		got, tmp = sortByID(slices.Clone(keys), tmp, 1_000_000)
		if !slices.IsSortedFunc(got, func(a, b uint64) int { return int(a>>32) - int(b>>32) }) {
			t.Errorf("%d keys: not in document order", n)
		}
		slices.Sort(got)
		slices.Sort(keys)
		if !slices.Equal(got, keys) {
			t.Errorf("%d keys: lost or changed keys", n)
		}
	}
}

// The age filter tests few candidates one by one and unites the age ranges for many: both must keep the same
// offers, also at the edges of the ranges.
func TestAgeFilterPathsAgree(t *testing.T) {
	st := demoIndex(t, storetest.Open(t, store.SQLite)).st
	for m := int32(0); m <= MaxAgeMonths; m++ {
		union := st.ageUnion(m)
		tested := st.ageTest(st.alive, m, &buffers{})
		if !union.Equals(tested) {
			t.Errorf("age %d months: the union keeps %d offers, the test per offer %d", m, union.GetCardinality(), tested.GetCardinality())
		}
		if m == 12 && (union.IsEmpty() || union.GetCardinality() == st.alive.GetCardinality()) {
			t.Errorf("age 12 months keeps %d of %d offers: the comparison tells nothing", union.GetCardinality(), st.alive.GetCardinality())
		}
	}
}
