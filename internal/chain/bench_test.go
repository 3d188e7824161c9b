package chain_test

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"

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
// migrated, never changed otherwise. "store" reads the offers from the database for every analysis
// (store.ChainSourceAll); "snapshot-build" builds the in-memory chain snapshot (chain.Snapshot) and reports
// the heap it keeps (snapshot-MB) and the process' resident memory once the build's garbage is returned
// (rss-MB) and at its peak (peak-rss-MB, which includes the pages of the database file SQLite maps during the
// scans and whatever ran before in the process); "snapshot" analyses from the snapshot.
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
	b.Run("store", func(b *testing.B) { benchForAll(b, s, date) })
	var snap *chain.Snapshot
	build := func(b *testing.B) {
		snap = nil
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			snap = chain.NewSnapshot(chain.SnapshotOptions{})
			if err := snap.Build(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "snapshot-MB")
		debug.FreeOSMemory() // the build's garbage back to the system, so rss-MB is what stays
		rss, peak := residentMB()
		b.ReportMetric(rss, "rss-MB")
		b.ReportMetric(peak, "peak-rss-MB")
		b.Logf("snapshot %+v", snap.Stats())
	}
	b.Run("snapshot-build", build)
	b.Run("snapshot", func(b *testing.B) {
		if snap == nil { // run alone (-bench 'ForAll/snapshot$'): build outside the timing, without a sub-benchmark, which would hide this one's result
			snap = chain.NewSnapshot(chain.SnapshotOptions{})
			if err := snap.Build(ctx, s); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
		}
		benchForAll(b, snap, date)
	})
	// What a Refresh reads for an edited offer, and for a Kommune loaded anew (the largest), before it takes
	// the write lock to apply it.
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
	src, err := s.ChainSource(ctx, system, largest.ID, date)
	if err != nil || len(src.Offers) == 0 {
		b.Fatalf("%s: %d offers (%v)", largest.Name, len(src.Offers), err)
	}
	for _, c := range []struct {
		name string
		sel  store.SearchSelection
	}{
		{"refresh-read/offer", store.SearchSelection{OfferIDs: []uuid.UUID{src.Offers[len(src.Offers)/2].ID}}},
		{"refresh-read/kommune", store.SearchSelection{KommuneIDs: []uuid.UUID{largest.ID}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var rows *store.ChainRows
			for b.Loop() {
				if rows, err = s.ChainRowsOf(ctx, c.sel); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: %d offers, %d locations", largest.Name, len(rows.Offers), len(rows.Locations))
		})
	}
}

func benchForAll(b *testing.B, src chain.Source, date catalog.Date) {
	var kommunen, offers, gaps int
	cpu := cpuSeconds()
	for b.Loop() {
		kommunen, offers, gaps = 0, 0, 0
		err := chain.ForAll(ctx, src, system, date, chain.Config{}, func(m chain.Matrix) error {
			kommunen++
			gaps += len(m.Gaps)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// The CPU time of the process per analysis: on a machine shared with other work it says more than the
	// wall time, which waits for the cores.
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
	err := src.ChainSourceAll(ctx, system, date, func(src store.ChainSource) error {
		offers += len(src.Offers)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d Kommunen, %d offers valid on %s, %d gaps", kommunen, offers, date, gaps)
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// residentMB reads the resident and peak resident memory of the process (Linux; 0 elsewhere).
func residentMB() (rss, peak float64) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.Lines(string(status)) {
		name, value, _ := strings.Cut(line, ":")
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return rss, peak
}
