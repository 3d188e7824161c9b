// Package searchbench is `kette bench search`: it measures the public search over the offers already in a
// database — index build time and memory, a fixed query mix in-process, the same mix through the real HTTP
// handler under load, and, when a PostgreSQL database is given, the same mix against PostgreSQL's own
// full-text search as a baseline — and reports the figures as a table and as one JSON object.
//
// The numbers depend on the machine; nothing here asserts a time. The tests check the shape of the report
// and that both engines find the same number of offers for every query of the mix.
package searchbench

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
)

// Options say what to measure; only Source is required.
type Options struct {
	Source       *store.Store // the offers to benchmark
	Postgres     string       // DSN of the PostgreSQL database for the baseline; empty: no baseline
	Queries      int          // in-process searches, default 2,000
	HTTPDuration time.Duration
	HTTPWorkers  int          // concurrent keep-alive clients, default 16
	Progress     io.Writer    // a line per step; nil: none
	Log          *slog.Logger // the HTTP handler's log; nil: discarded
}

// Report holds the figures. Latencies are per search; the JSON keys are those `kette bench search --json`
// promises.
type Report struct {
	NOffers int     `json:"n_offers"`
	BuildS  float64 `json:"build_s"`
	// CPU time of the build (all threads, reading and indexing); 0 where it cannot be read.
	BuildCPUS float64 `json:"build_cpu_s"`
	RSSMiB    float64 `json:"rss_mib"`     // resident memory after the build (VmRSS)
	PeakMiB   float64 `json:"rss_max_mib"` // peak resident memory of the process (VmHWM)
	// Resident memory after the searches and the HTTP load, and its peak since the build (Linux).
	ServeRSSMiB  float64 `json:"rss_serve_mib"`
	ServePeakMiB float64 `json:"rss_serve_max_mib"`
	HeapMiB      float64 `json:"heap_mib"` // live Go heap after the build and a GC
	Queries      int     `json:"queries"`
	P50US        float64 `json:"p50_us"`
	P95US        float64 `json:"p95_us"`
	P99US        float64 `json:"p99_us"`
	MaxUS        float64 `json:"max_us"`
	// CPU time of the process per in-process search (all its threads): what a search costs, whatever else
	// runs on the machine; 0 where it cannot be read.
	CPUP50US float64 `json:"cpu_p50_us"`
	CPUP99US float64 `json:"cpu_p99_us"`

	HTTPRequests int     `json:"http_requests"`
	HTTPErrors   int     `json:"http_errors"`
	HTTPWorkers  int     `json:"http_workers"`
	HTTPRPS      float64 `json:"http_rps"`
	HTTPP50MS    float64 `json:"http_p50_ms"`
	HTTPP99MS    float64 `json:"http_p99_ms"`

	PGOffers  int     `json:"pg_offers,omitempty"`
	PGCopyS   float64 `json:"pg_copy_s,omitempty"`  // copying the offers into PostgreSQL
	PGIndexS  float64 `json:"pg_index_s,omitempty"` // the baseline's search table and its indexes
	PGQueries int     `json:"pg_queries,omitempty"`
	PGP50US   float64 `json:"pg_p50_us"`
	PGP95US   float64 `json:"pg_p95_us"`
	PGP99US   float64 `json:"pg_p99_us"`
	RatioP50  float64 `json:"ratio_p50"` // PostgreSQL p50 / in-process p50; 0 without a baseline

	Kinds   []KindStats `json:"kinds"`
	Machine Machine     `json:"machine"`
}

// KindStats are the figures of one query of the mix.
type KindStats struct {
	Name    string  `json:"name"`
	Kind    string  `json:"kind"`
	Params  string  `json:"params"` // the query string of GET /api/v1/offers
	Hits    int     `json:"hits"`
	P50US   float64 `json:"p50_us"`
	P99US   float64 `json:"p99_us"`
	PGHits  int     `json:"pg_hits"` // -1 without a baseline
	PGP50US float64 `json:"pg_p50_us"`
}

// Machine says where the figures were taken.
type Machine struct {
	CPU        string `json:"cpu"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go"`
	OS         string `json:"os"`
	// Load averages (1 minute) of the machine when the run began and ended: above the core count, other
	// work competed for the cores and wall-clock figures are inflated.
	LoadStart float64 `json:"load_start"`
	LoadEnd   float64 `json:"load_end"`
}

// benchQuery is one query of the mix, asked in the same words of every engine.
type benchQuery struct {
	name, kind string
	params     url.Values
	q          search.Query
	hits       int
	lat, dur   []time.Duration // in-process and PostgreSQL latencies
	pgHits     int
}

// Run builds the index from opts.Source and measures it. ctx ends it early with ctx's error.
func Run(ctx context.Context, opts Options) (rep Report, err error) {
	if opts.Queries <= 0 {
		opts.Queries = 2000
	}
	if opts.HTTPDuration <= 0 {
		opts.HTTPDuration = 10 * time.Second
	}
	if opts.HTTPWorkers <= 0 {
		opts.HTTPWorkers = 16
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	rep = Report{Machine: machine()}
	rep.Machine.LoadStart = loadAverage()
	defer func() { rep.Machine.LoadEnd = loadAverage() }()
	say(opts.Progress, "Suchindex wird aufgebaut …")
	runtime.GC()
	idx := search.New(search.Options{Logger: opts.Log})
	c0, cpuOK := cpuTime()
	start := time.Now()
	// As kette serve builds it: with the collector paced by a memory limit (search.PacedBuild).
	if err := search.PacedBuild(search.BuildMemoryLimit, func() error { return idx.Build(ctx, opts.Source) }); err != nil {
		return rep, err
	}
	rep.BuildS = time.Since(start).Seconds()
	if c1, ok := cpuTime(); ok && cpuOK {
		rep.BuildCPUS = (c1 - c0).Seconds()
	}
	rep.NOffers = idx.Len()
	// Garbage of the build is collected and given back, as the runtime's scavenger does over the first
	// minutes of a server; the peak (VmHWM) keeps what the build needed.
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapMiB = float64(ms.HeapAlloc) / (1 << 20)
	rep.RSSMiB, rep.PeakMiB = procMemory()
	// Served as kette serve serves it: under the soft memory limit, the peak measured from here on.
	search.LimitServingMemory(search.BuildMemoryLimit)
	resetPeak()
	say(opts.Progress, "%d Angebote in %.1f s indexiert, %.0f MiB resident.", rep.NOffers, rep.BuildS, rep.RSSMiB)
	if rep.NOffers == 0 {
		return rep, &errs.Error{Code: errs.Invalid, Message: "error.invalid", Err: errors.New("no public offers in the database")}
	}

	mix, err := queryMix(ctx, opts.Source)
	if err != nil {
		return rep, err
	}
	for _, bq := range mix {
		p, err := search.ParseParams(bq.params, opts.Source.Taxonomies(), nil, search.ParseOptions{})
		if err != nil {
			return rep, errs.Wrap(err, "query "+bq.name)
		}
		bq.q = p.Query
		bq.q.Facets = search.ScopedFacets(&bq.q) // the facets the API counts for it
	}
	say(opts.Progress, "%d Suchen im Prozess …", opts.Queries)
	if err := inProcess(ctx, idx, mix, opts.Queries, &rep); err != nil {
		return rep, err
	}
	say(opts.Progress, "HTTP-Last mit %d Verbindungen für %s …", opts.HTTPWorkers, opts.HTTPDuration)
	if err := overHTTP(ctx, opts, idx, mix, &rep); err != nil {
		return rep, err
	}
	rep.ServeRSSMiB, rep.ServePeakMiB = procMemory()
	if opts.Postgres != "" {
		if err := baseline(ctx, opts, idx, mix, &rep); err != nil {
			return rep, err
		}
	}
	for _, bq := range mix {
		k := KindStats{Name: bq.name, Kind: bq.kind, Params: bq.params.Encode(), Hits: bq.hits,
			P50US: us(percentile(bq.lat, 50)), P99US: us(percentile(bq.lat, 99)), PGHits: -1}
		if opts.Postgres != "" {
			k.PGHits, k.PGP50US = bq.pgHits, us(percentile(bq.dur, 50))
		}
		rep.Kinds = append(rep.Kinds, k)
	}
	return rep, nil
}

// inProcess asks the index the mix round-robin, n searches in all, after one warm-up round.
func inProcess(ctx context.Context, idx *search.Index, mix []*benchQuery, n int, rep *Report) error {
	for _, bq := range mix {
		res, err := idx.Search(bq.q)
		if err != nil {
			return errs.Wrap(err, "search "+bq.name)
		}
		bq.hits = res.Total
	}
	all := make([]time.Duration, 0, n)
	cpu := make([]time.Duration, 0, n)
	for i := range n {
		if i%100 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		bq := mix[i%len(mix)]
		c0, cpuOK := cpuTime()
		start := time.Now()
		if _, err := idx.Search(bq.q); err != nil {
			return errs.Wrap(err, "search "+bq.name)
		}
		d := time.Since(start)
		if c1, ok := cpuTime(); ok && cpuOK {
			cpu = append(cpu, c1-c0)
		}
		bq.lat = append(bq.lat, d)
		all = append(all, d)
	}
	rep.Queries = n
	rep.P50US, rep.P95US, rep.P99US = us(percentile(all, 50)), us(percentile(all, 95)), us(percentile(all, 99))
	rep.MaxUS = us(percentile(all, 100))
	rep.CPUP50US, rep.CPUP99US = us(percentile(cpu, 50)), us(percentile(cpu, 99))
	return nil
}

// percentile is the nearest-rank percentile of d (which it sorts); 0 when empty.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(float64(len(d))*p/100+0.999999) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// procMemory reads the resident and the peak resident memory of this process in MiB (Linux); zeros elsewhere.
func procMemory() (rss, peak float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		if err != nil {
			continue
		}
		if name == "VmRSS" {
			rss = kb / 1024
		} else {
			peak = kb / 1024
		}
	}
	return rss, peak
}

// resetPeak restarts the peak resident memory (VmHWM) of this process at its current size (Linux ≥ 4.0; a no-op
// elsewhere), so the serving peak is told apart from the build's.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// loadAverage is the 1-minute load average (Linux), 0 elsewhere.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return f
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.CPU = strings.TrimSpace(value)
				break
			}
		}
	}
	return m
}
