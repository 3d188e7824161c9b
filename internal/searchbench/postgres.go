package searchbench

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
)

// The baseline is what a good DBA would build in PostgreSQL for this search, without extensions (PostGIS
// and earthdistance are not installed): one row per public offer in bench_search with
//
//   - a tsvector of the title (weight A) and the body (weight B), GIN-indexed. Its lexemes are Kette's own
//     German analysis (umlaut folding, stop words, Snowball stems), because PostgreSQL's 'german'
//     configuration folds no umlauts ("Fruehfoerderung" ≠ "Frühförderung"), splits no compounds and knows
//     no typos, so it would answer other questions; the query's words are expanded to the indexed stems
//     they match (compound heads, typos) by the index's vocabulary, and PostgreSQL does the rest: matching,
//     counting, ranking (ts_rank) and the facet;
//   - the filter columns as text arrays with GIN indexes (phase, field, target group, language), the cost
//     with a btree, the age range as an int4range with a GiST index;
//   - the locations in bench_points with a GiST index on point(lon, lat): a bounding-box search, then the
//     exact haversine distance (the same formula and box as the index).
//
// Every query answers what the index answers: the total, the top 10 (by rank, distance, freshness) and the
// counts of one facet (phase) — the index counts all twelve.
const pgSchema = `
CREATE TABLE IF NOT EXISTS bench_search (
	id        UUID PRIMARY KEY,
	tsv       TSVECTOR NOT NULL,
	phases    TEXT[] NOT NULL,
	fields    TEXT[] NOT NULL,
	targets   TEXT[] NOT NULL,
	langs     TEXT[] NOT NULL,
	cost      TEXT NOT NULL,
	age       INT4RANGE NOT NULL,
	confirmed TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS bench_points (
	offer_id UUID NOT NULL,
	lat      DOUBLE PRECISION NOT NULL,
	lon      DOUBLE PRECISION NOT NULL
);
CREATE OR REPLACE FUNCTION bench_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT 2 * 6371.0 * asin(least(1, sqrt(sin(radians(lat2 - lat1) / 2) ^ 2
		+ cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;`

const pgIndexes = `
CREATE INDEX bench_search_tsv ON bench_search USING gin (tsv);
CREATE INDEX bench_search_phases ON bench_search USING gin (phases);
CREATE INDEX bench_search_fields ON bench_search USING gin (fields);
CREATE INDEX bench_search_targets ON bench_search USING gin (targets);
CREATE INDEX bench_search_langs ON bench_search USING gin (langs);
CREATE INDEX bench_search_cost ON bench_search (cost);
CREATE INDEX bench_search_age ON bench_search USING gist (age);
CREATE INDEX bench_points_point ON bench_points USING gist (point(lon, lat));
CREATE INDEX bench_points_offer ON bench_points (offer_id);
ANALYZE bench_search;
ANALYZE bench_points;`

// baseline copies the offers into PostgreSQL (unless they are there already), builds the search table and
// asks it the mix.
func baseline(ctx context.Context, opts Options, idx *search.Index, mix []*benchQuery, rep *Report) error {
	pg, err := store.Open(ctx, opts.Postgres, store.Options{})
	if err != nil {
		return err
	}
	defer pg.Close()
	if pg.Dialect() != store.Postgres {
		return &errs.Error{Code: errs.Invalid, Message: "error.db_dsn", Err: errors.New("--postgres needs a postgres:// DSN")}
	}
	if _, err := pg.Migrate(ctx); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, opts.Postgres)
	if err != nil {
		return errs.Wrap(err, "connect postgres")
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var have int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM offers`).Scan(&have); err != nil {
		return errs.Wrap(err, "count offers")
	}
	if have == 0 {
		say(opts.Progress, "Angebote werden nach PostgreSQL kopiert …")
		start := time.Now()
		if _, err := opts.Source.CopySearchSource(ctx, pg, opts.Progress); err != nil {
			return err
		}
		rep.PGCopyS = time.Since(start).Seconds()
	} else {
		say(opts.Progress, "PostgreSQL enthält schon %d Angebote; sie werden verwendet.", have)
	}
	if _, err := conn.Exec(ctx, pgSchema); err != nil {
		return errs.Wrap(err, "baseline schema")
	}
	var rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM bench_search`).Scan(&rows); err != nil {
		return errs.Wrap(err, "count bench_search")
	}
	if rows != rep.NOffers {
		say(opts.Progress, "Suchtabelle und Indizes in PostgreSQL werden angelegt …")
		start := time.Now()
		if err := fillBaseline(ctx, pg, conn); err != nil {
			return err
		}
		rep.PGIndexS = time.Since(start).Seconds()
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM bench_search`).Scan(&rep.PGOffers); err != nil {
		return errs.Wrap(err, "count bench_search")
	}
	if rep.PGOffers != rep.NOffers {
		return &errs.Error{Code: errs.Invalid, Message: "error.bench_pg_other_offers",
			Err: fmt.Errorf("baseline: PostgreSQL holds %d public offers, the index %d", rep.PGOffers, rep.NOffers)}
	}
	say(opts.Progress, "Dieselben Suchen in PostgreSQL …")
	var all []time.Duration
	for _, bq := range mix {
		sql, args := pgQuery(idx, &bq.q)
		n, err := pgSearch(ctx, conn, sql, args) // the first run warms the cache and gives the count
		if err != nil {
			return errs.Wrap(err, "postgres "+bq.name)
		}
		bq.pgHits = n
		// At least 3 and at most 20 runs per query, within about 3 s: broad queries take PostgreSQL long.
		for begin := time.Now(); len(bq.dur) < 20 && (len(bq.dur) < 3 || time.Since(begin) < 3*time.Second); {
			start := time.Now()
			if _, err := pgSearch(ctx, conn, sql, args); err != nil {
				return errs.Wrap(err, "postgres "+bq.name)
			}
			bq.dur = append(bq.dur, time.Since(start))
		}
		all = append(all, bq.dur...)
	}
	rep.PGQueries = len(all)
	rep.PGP50US, rep.PGP95US, rep.PGP99US = us(percentile(all, 50)), us(percentile(all, 95)), us(percentile(all, 99))
	if rep.P50US > 0 {
		rep.RatioP50 = math.Round(rep.PGP50US/rep.P50US*10) / 10
	}
	return nil
}

// fillBaseline fills bench_search and bench_points from the offers in PostgreSQL, read the way the index
// reads them, and indexes them.
func fillBaseline(ctx context.Context, pg *store.Store, conn *pgx.Conn) error {
	for _, stmt := range []string{`DROP INDEX IF EXISTS bench_search_tsv, bench_search_phases, bench_search_fields,
		bench_search_targets, bench_search_langs, bench_search_cost, bench_search_age, bench_points_point, bench_points_offer`,
		`TRUNCATE bench_search, bench_points`} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return errs.Wrap(err, "reset baseline")
		}
	}
	docs := make(chan []store.SearchDoc, 4)
	errc := make(chan error, 1)
	go func() {
		defer close(docs)
		errc <- pg.StreamSearchDocs(ctx, store.SearchSelection{}, 2000, func(b []store.SearchDoc) error {
			select {
			case docs <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	pointsR, pointsW := io.Pipe()
	searchR, searchW := io.Pipe()
	go func() {
		sw, pw := csv.NewWriter(searchW), csv.NewWriter(pointsW)
		for batch := range docs {
			for i := range batch {
				d := &batch[i]
				o := &d.Offer
				age := "[" + bound(o.MinimumAgeMonths) + "," + bound(o.MaximumAgeMonths) + "]"
				confirmed := `\N`
				if o.LastConfirmedAt != nil {
					confirmed = o.LastConfirmedAt.UTC().Format(time.RFC3339)
				}
				_ = sw.Write([]string{o.ID.String(), tsvector(o.Name, o.Description+" "+d.OrganizationName+" "+o.EasySummary),
					array(o.Phases), array(o.Fields), array(o.TargetGroups), array(o.Languages), o.Cost, age, confirmed})
				for _, l := range d.Locations {
					_ = pw.Write([]string{o.ID.String(), strconv.FormatFloat(l.Latitude, 'g', -1, 64),
						strconv.FormatFloat(l.Longitude, 'g', -1, 64)})
				}
			}
		}
		sw.Flush()
		pw.Flush()
		searchW.CloseWithError(sw.Error())
		pointsW.CloseWithError(pw.Error())
	}()
	// Both tables are written by one producer, so the points are buffered while the offers are copied.
	points := make(chan error, 1)
	var buf strings.Builder
	go func() {
		_, err := io.Copy(&buf, pointsR)
		points <- err
	}()
	if _, err := conn.PgConn().CopyFrom(ctx, searchR, `COPY bench_search FROM STDIN WITH (FORMAT csv, NULL '\N')`); err != nil {
		searchR.CloseWithError(err)
		return errs.Wrap(err, "copy bench_search")
	}
	if err := <-errc; err != nil {
		return err
	}
	if err := <-points; err != nil {
		return errs.Wrap(err, "points")
	}
	if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(buf.String()), `COPY bench_points FROM STDIN WITH (FORMAT csv)`); err != nil {
		return errs.Wrap(err, "copy bench_points")
	}
	if _, err := conn.Exec(ctx, pgIndexes); err != nil {
		return errs.Wrap(err, "baseline indexes")
	}
	return nil
}

func bound(m *int) string {
	if m == nil {
		return ""
	}
	return strconv.Itoa(*m)
}

func array(codes []string) string {
	return "{" + strings.Join(codes, ",") + "}"
}

// tsvector is the tsvector literal of a title (weight A) and a body (weight B) as the index analyses them,
// with positions, so that ts_rank sees the frequencies.
func tsvector(title, body string) string {
	pos := map[string][]string{}
	var order []string
	n := 0
	add := func(words []string, weight string) {
		for _, w := range words {
			n++
			if n > 16383 { // PostgreSQL's largest position
				return
			}
			if _, ok := pos[w]; !ok {
				order = append(order, w)
			}
			pos[w] = append(pos[w], strconv.Itoa(n)+weight)
		}
	}
	add(search.Analyze(title), "A")
	add(search.Analyze(body), "B")
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(lexeme(w))
		b.WriteByte(':')
		b.WriteString(strings.Join(pos[w], ","))
	}
	return b.String()
}

func lexeme(w string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(w) + "'"
}

// pgQuery is the SQL of one search with its arguments. The filters the mix uses are translated; the index
// answers every other filter too, the baseline does not need them.
func pgQuery(idx *search.Index, q *search.Query) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	rank, dist := "0::real", "NULL::float8"
	if words := idx.Terms(q.Text); len(words) > 0 {
		var and []string
		for _, stems := range words {
			if len(stems) == 0 {
				and = nil
				break
			}
			var or []string
			for _, s := range stems {
				or = append(or, lexeme(s))
			}
			and = append(and, "("+strings.Join(or, " | ")+")")
		}
		if and == nil {
			conds = append(conds, "false")
		} else {
			tq := arg(strings.Join(and, " & "))
			conds = append(conds, "s.tsv @@ "+tq+"::tsquery")
			rank = "ts_rank(s.tsv, " + tq + "::tsquery)"
		}
	}
	overlap := func(col string, values []string) {
		if len(values) > 0 {
			conds = append(conds, "s."+col+" && "+arg(values)+"::text[]")
		}
	}
	overlap("phases", q.Phases)
	overlap("fields", q.Fields)
	overlap("targets", q.TargetGroups)
	overlap("langs", q.Languages)
	if q.Free {
		conds = append(conds, "s.cost = "+arg(catalog.CostFree))
	}
	if q.AgeMonths != nil {
		conds = append(conds, "s.age @> "+arg(*q.AgeMonths)+"::int")
	}
	if q.HasPoint {
		lat, lon := arg(q.Lat), arg(q.Lon)
		dist = "(SELECT min(bench_km(" + lat + ", " + lon + ", p.lat, p.lon)) FROM bench_points p WHERE p.offer_id = s.id)"
		if q.RadiusKm > 0 {
			// The same box as the index's R-tree search, then the exact distance.
			dLat := q.RadiusKm / 111.2
			dLon := q.RadiusKm / (111.2 * math.Max(math.Cos(q.Lat*math.Pi/180), 0.01))
			conds = append(conds, "s.id IN (SELECT p.offer_id FROM bench_points p WHERE point(p.lon, p.lat) <@ box(point("+
				arg(q.Lon-dLon)+", "+arg(q.Lat-dLat)+"), point("+arg(q.Lon+dLon)+", "+arg(q.Lat+dLat)+")) AND bench_km("+
				lat+", "+lon+", p.lat, p.lon) <= "+arg(q.RadiusKm)+")")
		}
	}
	where := "true"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	limit := q.PerPage
	if limit == 0 {
		limit = search.DefaultPerPage
	}
	sql := `WITH hits AS MATERIALIZED (
		SELECT s.id, s.phases, s.confirmed, ` + rank + ` AS rank, ` + dist + ` AS dist FROM bench_search s WHERE ` + where + `)
	SELECT (SELECT count(*) FROM hits),
		(SELECT coalesce(array_agg(id::text), '{}') FROM (SELECT id FROM hits
			ORDER BY rank DESC, dist NULLS LAST, confirmed DESC NULLS LAST, id LIMIT ` + strconv.Itoa(limit) + `) top),
		(SELECT coalesce(json_object_agg(phase, n)::text, '{}') FROM (SELECT phase, count(*) AS n FROM hits, unnest(hits.phases) AS phase
			GROUP BY phase) facet)`
	return sql, args
}

func pgSearch(ctx context.Context, conn *pgx.Conn, sql string, args []any) (int, error) {
	var total int
	var top []string
	var facet string
	err := conn.QueryRow(ctx, sql, args...).Scan(&total, &top, &facet)
	return total, err
}
