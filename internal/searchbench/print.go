package searchbench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Print writes the report as tables for people: the summary, then the mix query by query.
func Print(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	p("Maschine\t%s, %d CPUs (GOMAXPROCS %d), %s, %s", r.Machine.CPU, r.Machine.CPUs, r.Machine.GOMAXPROCS, r.Machine.GoVersion, r.Machine.OS)
	p("Last (1 min)\t%.1f zu Beginn, %.1f am Ende", r.Machine.LoadStart, r.Machine.LoadEnd)
	p("Angebote im Index\t%d", r.NOffers)
	p("Aufbau des Index\t%.1f s (CPU-Zeit %.1f s)", r.BuildS, r.BuildCPUS)
	p("Speicher nach Aufbau\t%.0f MiB resident (Spitze %.0f MiB), Go-Heap %.0f MiB", r.RSSMiB, r.PeakMiB, r.HeapMiB)
	p("Im Prozess (%d Suchen)\tp50 %.0f µs · p95 %.0f µs · p99 %.0f µs · max %.0f µs", r.Queries, r.P50US, r.P95US, r.P99US, r.MaxUS)
	p("CPU-Zeit je Suche\tp50 %.0f µs · p99 %.0f µs", r.CPUP50US, r.CPUP99US)
	p("HTTP GET /api/v1/offers\t%.0f Anfragen/s mit %d Verbindungen · p50 %.1f ms · p99 %.1f ms · %d Anfragen, %d Fehler",
		r.HTTPRPS, r.HTTPWorkers, r.HTTPP50MS, r.HTTPP99MS, r.HTTPRequests, r.HTTPErrors)
	p("Speicher unter Last\t%.0f MiB resident (Spitze seit dem Aufbau %.0f MiB)", r.ServeRSSMiB, r.ServePeakMiB)
	if r.PGQueries > 0 {
		p("PostgreSQL (%d Suchen)\tp50 %.0f µs · p95 %.0f µs · p99 %.0f µs · Kopie %.1f s · Suchtabelle %.1f s",
			r.PGQueries, r.PGP50US, r.PGP95US, r.PGP99US, r.PGCopyS, r.PGIndexS)
		p("Verhältnis p50\tPostgreSQL / Index = %.1f", r.RatioP50)
	}
	p("")
	p("Suche\tArt\tTreffer\tp50 µs\tp99 µs\tPostgreSQL Treffer\tPostgreSQL p50 µs")
	for _, k := range r.Kinds {
		pgHits, pgP50 := "–", "–"
		if k.PGHits >= 0 {
			pgHits, pgP50 = fmt.Sprint(k.PGHits), fmt.Sprintf("%.0f", k.PGP50US)
		}
		p("%s\t%s\t%d\t%.0f\t%.0f\t%s\t%s", k.Name, k.Kind, k.Hits, k.P50US, k.P99US, pgHits, pgP50)
	}
	return tw.Flush()
}
