package chain_test

import (
	"path/filepath"
	"testing"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// generatedOffers is the size of the national data set of the benchmark; its largest Kommune is analysed.
const generatedOffers = 100_000

// BenchmarkAnalyse measures the gap analysis of one Kommune: "analyse" is the pure computation on a source
// read once, "read+analyse" is ForKommune with its three queries (SQLite). Data: the demo's Hannover and the
// largest Kommune of a generated national data set.
func BenchmarkAnalyse(b *testing.B) {
	date := catalog.DateOf(demo.ReferenceDate)
	b.Run("demo-hannover", func(b *testing.B) {
		s := storetest.Open(b, store.SQLite)
		if err := demo.Load(ctx, s, nil); err != nil {
			b.Fatal(err)
		}
		k, err := s.GetKommuneByAGS(ctx, system, demo.GapHealthKommuneAGS)
		if err != nil {
			b.Fatal(err)
		}
		benchKommune(b, s, k.ID, date)
	})
	b.Run("generated-largest", func(b *testing.B) {
		if testing.Short() {
			b.Skip("generates a national data set")
		}
		s, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "g.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := generate.Run(ctx, s, generate.Options{Offers: generatedOffers, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		sums, err := s.ListKommunen(ctx, system)
		if err != nil {
			b.Fatal(err)
		}
		largest := sums[0]
		for _, k := range sums {
			if k.Offers > largest.Offers {
				largest = k
			}
		}
		b.Logf("%s: %d Areas, %d offers of %d", largest.Name, largest.Areas, largest.Offers, generatedOffers)
		benchKommune(b, s, largest.ID, date)
	})
}

func benchKommune(b *testing.B, s *store.Store, id [16]byte, date catalog.Date) {
	src, err := s.ChainSource(ctx, system, id, date)
	if err != nil {
		b.Fatal(err)
	}
	in := chain.Input{ChainSource: src, Taxonomy: s.Taxonomies()}
	b.Logf("%d Areas, %d offers valid on %s, %d children", len(src.Areas), len(src.Offers), date, children(src.Areas))
	b.Run("analyse", func(b *testing.B) {
		for b.Loop() {
			chain.Analyse(in, chain.Config{})
		}
	})
	b.Run("read+analyse", func(b *testing.B) {
		for b.Loop() {
			if _, err := chain.ForKommune(ctx, s, system, src.Kommune.ID, date, chain.Config{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func children(areas []region.Area) int {
	n := 0
	for _, a := range areas {
		n += a.Children.Total()
	}
	return n
}
