package chain_test

import (
	"os"
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
// read once, "read+analyse" is ForKommune with its queries, "run" is Run with the need index and the search
// log (SQLite). Data: the demo's Hannover and the
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
	// What the chain page, API and reports run: the read, the default need index and the search log.
	b.Run("run", func(b *testing.B) {
		for b.Loop() {
			if _, err := chain.Run(ctx, s, system, src.Kommune.ID, date, chain.DefaultSettings()); err != nil {
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

// BenchmarkForAll measures the analysis of every Kommune of a database in one read (chain.ForAll): by default
// the demo's four Kommunen; with KETTE_BENCH_CHAIN_DB set to a SQLite file (e.g. /tmp/g1m.db from
// `kette generate --db sqlite:/tmp/g1m.db --offers 1000000 --seed 1`) every Kommune of that file. The file is
// migrated, never changed otherwise.
func BenchmarkForAll(b *testing.B) {
	date := catalog.DateOf(demo.ReferenceDate)
	var s *store.Store
	if path := os.Getenv("KETTE_BENCH_CHAIN_DB"); path != "" {
		var err error
		if s, err = store.Open(ctx, "sqlite:"+path, store.Options{}); err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	} else {
		s = storetest.Open(b, store.SQLite)
		if err := demo.Load(ctx, s, nil); err != nil {
			b.Fatal(err)
		}
	}
	var kommunen, offers, gaps int
	for b.Loop() {
		kommunen, offers, gaps = 0, 0, 0
		err := chain.ForAll(ctx, s, system, date, chain.Config{}, func(m chain.Matrix) error {
			kommunen++
			gaps += len(m.Gaps)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	err := s.ChainSourceAll(ctx, system, date, func(src store.ChainSource) error {
		offers += len(src.Offers)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d Kommunen, %d offers valid on %s, %d gaps", kommunen, offers, date, gaps)
}
