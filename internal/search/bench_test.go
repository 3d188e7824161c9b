package search_test

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

var errStop = errors.New("stop")

// BenchmarkSearch runs on the national generator's data: 100,000 offers on SQLite by default, another count
// with KETTE_BENCH_OFFERS. The parent builds the data once; "build" reports the index's build time and heap.
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 2s ./internal/search/
func BenchmarkSearch(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("KETTE_BENCH_OFFERS")); err == nil && v > 0 {
		n = v
	}
	s := storetest.Open(b, store.SQLite)
	if _, err := generate.Run(ctx, s, generate.Options{Offers: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.Run("build", func(b *testing.B) {
		var heap float64
		for b.Loop() {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			idx := search.New(search.Options{})
			start := time.Now()
			if err := idx.Build(ctx, s); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(start).Seconds(), "build_s")
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			runtime.KeepAlive(idx)
		}
		b.ReportMetric(heap, "heap_MiB")
		b.ReportMetric(float64(n), "offers")
	})
	idx := search.New(search.Options{})
	if err := idx.Build(ctx, s); err != nil {
		b.Fatal(err)
	}
	// The generator places Kommunen around plausible centres, so the point is a generated location.
	var lat, lon float64
	if err := s.StreamSearchDocs(ctx, store.SearchSelection{}, 1, func(d []store.SearchDoc) error {
		lat, lon = d[0].Locations[0].Latitude, d[0].Locations[0].Longitude
		return errStop
	}); err != errStop {
		b.Fatal(err)
	}
	near := func(q search.Query) search.Query {
		q.HasPoint, q.Lat, q.Lon = true, lat, lon
		return q
	}
	age := 24
	for _, c := range []struct {
		name string
		q    search.Query
	}{
		{"selective", search.Query{Text: "Schuldnerberatung", Languages: []string{"tr"}, PerPage: 10}},
		{"broad", search.Query{Text: "Kinder", PerPage: 10}},
		{"filter-only", search.Query{Phases: []string{"age_0_3"}, Free: true, AgeMonths: &age, PerPage: 10}},
		{"geo", near(search.Query{RadiusKm: 10, PerPage: 10})},
		{"combined", near(search.Query{Text: "Beratung", Phases: []string{"age_0_3"}, RadiusKm: 25, PerPage: 10})},
		{"typo", search.Query{Text: "Hebame", PerPage: 10}},
		{"compound", search.Query{Text: "Beratung", PerPage: 10}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				res, err := idx.Search(c.q)
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
		})
	}
}
