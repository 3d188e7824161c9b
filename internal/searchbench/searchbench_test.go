package searchbench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/cli"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// generated is a small national dataset in a fresh SQLite file, closed again, and its DSN.
func generated(t *testing.T, offers int) string {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := generate.Run(ctx, s, generate.Options{Offers: offers, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return dsn
}

func bench(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Args: append([]string{"bench", "search"}, args...),
		Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Version: "test"})
	if code != 0 {
		t.Fatalf("kette bench search %v: exit %d\n%s", args, code, errOut.String())
	}
	return out.String(), errOut.String()
}

// report are the figures the JSON object carries, as the command's user reads them.
type report struct {
	NOffers int     `json:"n_offers"`
	HTTPRPS float64 `json:"http_rps"`
	PGP50   float64 `json:"pg_p50_us"`
	Ratio   float64 `json:"ratio_p50"`
	Kinds   []struct {
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Hits   int    `json:"hits"`
		PGHits int    `json:"pg_hits"`
	} `json:"kinds"`
}

var promisedKeys = []string{"n_offers", "p50_us", "p95_us", "p99_us", "http_rps", "http_p99_ms", "build_s", "rss_mib",
	"pg_p50_us", "ratio_p50"}

func TestBenchSearchComparesTheIndexWithPostgreSQLOnTheSameOffers(t *testing.T) {
	pg := storetest.DSN(t, store.Postgres)
	db := generated(t, 1500)
	out, human := bench(t, "--db", db, "--postgres", pg, "--json", "--queries", "60", "--http-duration", "300ms",
		"--http-workers", "4")

	var keys map[string]any
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	for _, k := range promisedKeys {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	public := 0
	if err := s.StreamSearchDocs(context.Background(), store.SearchSelection{}, 500, func(d []store.SearchDoc) error {
		public += len(d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r.NOffers != public || public == 0 {
		t.Errorf("n_offers = %d, the database has %d public offers", r.NOffers, public)
	}
	if r.HTTPRPS <= 0 || r.PGP50 <= 0 || r.Ratio <= 0 {
		t.Errorf("http_rps %v, pg_p50_us %v, ratio_p50 %v: every stage must have run", r.HTTPRPS, r.PGP50, r.Ratio)
	}
	kinds := map[string]bool{}
	found := 0
	for _, k := range r.Kinds {
		kinds[k.Kind] = true
		found += k.Hits
		if k.PGHits != k.Hits {
			t.Errorf("%s (%s): the index finds %d offers, PostgreSQL %d", k.Name, k.Kind, k.Hits, k.PGHits)
		}
	}
	for _, k := range []string{"text", "facets", "geo", "combined", "typo", "compound"} {
		if !kinds[k] {
			t.Errorf("the mix has no %s query", k)
		}
	}
	if found == 0 {
		t.Error("no query of the mix found anything: the mix does not fit the generated data")
	}
	if !strings.Contains(human, "PostgreSQL / Index") {
		t.Errorf("the table for people on stderr lacks the ratio:\n%s", human)
	}

	// A second run finds the copy in PostgreSQL and uses it rather than copying again.
	out, human = bench(t, "--db", db, "--postgres", pg, "--json", "--queries", "13", "--http-duration", "100ms")
	if !strings.Contains(human, "werden verwendet") {
		t.Errorf("second run copied again:\n%s", human)
	}
	var again report
	if err := json.Unmarshal([]byte(out), &again); err != nil {
		t.Fatal(err)
	}
	for i, k := range again.Kinds {
		if k.PGHits != r.Kinds[i].PGHits {
			t.Errorf("%s: PostgreSQL found %d offers in the second run, %d in the first", k.Name, k.PGHits, r.Kinds[i].PGHits)
		}
	}
}

func TestBenchSearchWithoutPostgreSQLPrintsATable(t *testing.T) {
	db := generated(t, 300)
	out, _ := bench(t, "--db", db, "--queries", "26", "--http-duration", "100ms")
	for _, want := range []string{"Angebote im Index", "Im Prozess", "HTTP GET /api/v1/offers", "broad", "Hebame"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PostgreSQL /") {
		t.Errorf("a ratio without PostgreSQL:\n%s", out)
	}
}
