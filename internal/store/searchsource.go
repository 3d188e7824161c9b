package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
)

// SearchDoc is one public offer with what the search index needs beside the offer itself.
type SearchDoc struct {
	Offer            catalog.Offer
	OrganizationName string
	OrganizationKind string
	LandCode         string // the Land of the offer's Kommune, for public holidays
	Locations        []SearchLocation
}

// SearchLocation is a location of an offer as the search index needs it.
type SearchLocation struct {
	ID           uuid.UUID
	Latitude     float64
	Longitude    float64
	PostalCode   string
	City         string
	AreaID       *uuid.UUID
	OpeningHours []catalog.Weekly
}

// SearchSelection narrows StreamSearchDocs to the offers touched by a change; the zero value selects every
// public offer. The lists are ORed: an offer is selected when it, its organization, one of its locations or
// its Kommune is listed.
type SearchSelection struct {
	OfferIDs, OrganizationIDs, LocationIDs, KommuneIDs []uuid.UUID
}

func (sel SearchSelection) empty() bool {
	return len(sel.OfferIDs)+len(sel.OrganizationIDs)+len(sel.LocationIDs)+len(sel.KommuneIDs) == 0
}

// maxSelection bounds the ids of one selection so that one IN list stays below both databases' parameter limits.
const maxSelection = 5000

// StreamSearchDocs reads the public offers (status active, in every Kommune) of sel in id order, batch at a
// time, and calls fn with each batch; fn may keep the batch, each is a new slice. A selection is read with
// keyset paging on the id, three queries a batch; the zero selection (a full index build) with one
// streaming query per table (streamAllSearchDocs). Either way only a few batches are in memory at a time,
// so an index of a million offers never holds its source twice.
func (s *Store) StreamSearchDocs(ctx context.Context, sel SearchSelection, batch int, fn func([]SearchDoc) error) error {
	if batch <= 0 {
		batch = 1000
	}
	if len(sel.OfferIDs)+len(sel.OrganizationIDs)+len(sel.LocationIDs)+len(sel.KommuneIDs) > maxSelection {
		sel = SearchSelection{} // a change this large is cheaper to read in full than to list
	}
	if sel.empty() {
		return s.streamAllSearchDocs(ctx, batch, fn)
	}
	where, args := s.selectionWhere(sel)
	after := ""
	for {
		docs, err := s.searchBatch(ctx, where, args, after, batch)
		if err != nil || len(docs) == 0 {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
		if len(docs) < batch {
			return nil
		}
		after = docs[len(docs)-1].Offer.ID.String()
	}
}

// publicOffer is the condition on offers aliased o that they are public: active and not hidden for being
// unconfirmed too long (freshness.go). The status is compared as an expression on purpose: as a plain column
// SQLite answers it from the status index, scanning every active offer to find the few of an id list (and
// sorting all of them for a full read), where the primary key finds them directly and in id order.
const publicOffer = "(o.status || '') = 'active' AND " + notHidden

// selectionWhere is the condition of a selection on offers aliased o, with the public scope.
func (s *Store) selectionWhere(sel SearchSelection) (string, []any) {
	where := publicOffer
	if sel.empty() {
		return where, nil
	}
	var ors []string
	var args []any
	in := func(cond string, ids []uuid.UUID) {
		if len(ids) == 0 {
			return
		}
		ors = append(ors, strings.Replace(cond, "(?)", "("+placeholders(len(ids))+")", 1))
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in("o.id IN (?)", sel.OfferIDs)
	in("o.organization_id IN (?)", sel.OrganizationIDs)
	in("o.kommune_id IN (?)", sel.KommuneIDs)
	in("o.id IN (SELECT offer_id FROM offer_locations WHERE location_id IN (?))", sel.LocationIDs)
	return where + " AND (" + strings.Join(ors, " OR ") + ")", args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// searchBatch reads up to n offers after the id after (all when empty) with their organizations, terms and
// locations: three queries per batch, whatever its size.
func (s *Store) searchBatch(ctx context.Context, where string, args []any, after string, n int) ([]SearchDoc, error) {
	if after != "" {
		where += " AND o.id > ?"
		args = append(args, after)
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+prefixed("o.", offerCols)+`, g.name, g.kind, k.land_code
		FROM offers o JOIN organizations g ON g.id = o.organization_id JOIN kommunen k ON k.id = o.kommune_id
		WHERE `+where+` ORDER BY o.id LIMIT ?`), append(args, n)...)
	if err != nil {
		return nil, errs.Wrap(err, "search docs")
	}
	defer rows.Close()
	var docs []SearchDoc
	for rows.Next() {
		d, err := scanSearchDoc(rows, nil)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "search docs")
	}
	if len(docs) == 0 {
		return nil, nil
	}
	byID := make(map[uuid.UUID]*SearchDoc, len(docs))
	ids := make([]any, len(docs))
	for i := range docs {
		byID[docs[i].Offer.ID] = &docs[i]
		ids[i] = docs[i].Offer.ID
	}
	if err := s.searchTerms(ctx, byID, ids); err != nil {
		return nil, err
	}
	return docs, s.searchLocations(ctx, byID, ids)
}

// scanSearchDoc reads an offer row with its organization. schedules, when not nil, caches decoded schedules
// by their JSON text: the offers of a full read repeat a few thousand schedules, whose decoding would
// otherwise cost more than the rest of the row; the cached schedules are shared and must not be changed.
func scanSearchDoc(rows *sql.Rows, schedules map[string]catalog.Schedule) (SearchDoc, error) {
	var d SearchDoc
	o := &d.Offer
	var sched, delivery string
	var minAge, maxAge sql.NullInt64
	var from, to, confirmed sql.NullTime
	if err := rows.Scan(&o.ID, &o.KommuneID, &o.OrganizationID, &o.Name, &o.Description, &o.Status, &minAge, &maxAge,
		&o.Cost, &o.CostDescription, &o.Access, &delivery, &o.ApplicationProcess, &sched, &o.Email, &o.URL, &o.Phone,
		&from, &to, &confirmed, &o.CreatedAt, &o.UpdatedAt, &o.EasySummary, &d.OrganizationName, &d.OrganizationKind, &d.LandCode); err != nil {
		return d, errs.Wrap(err, "scan search doc")
	}
	o.MinimumAgeMonths, o.MaximumAgeMonths = intPtr(minAge), intPtr(maxAge)
	o.ValidFrom, o.ValidTo, o.LastConfirmedAt = datePtr(from), datePtr(to), utcPtr(confirmed)
	o.Delivery = splitList(delivery)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	for _, l := range termLists(o) {
		*l = []string{}
	}
	o.LocationIDs = []uuid.UUID{}
	if c, ok := schedules[sched]; ok {
		o.Schedule = c
		return d, nil
	}
	if err := json.Unmarshal([]byte(sched), &o.Schedule); err != nil {
		return d, errs.Wrap(err, "schedule of offer "+o.ID.String())
	}
	if schedules != nil && len(schedules) < maxCachedSchedules {
		schedules[sched] = o.Schedule
	}
	return d, nil
}

func (s *Store) searchTerms(ctx context.Context, byID map[uuid.UUID]*SearchDoc, ids []any) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT t.offer_id, t.taxonomy, t.code FROM offer_terms t
		JOIN taxonomy_terms m ON m.taxonomy = t.taxonomy AND m.code = t.code
		WHERE t.offer_id IN (`+placeholders(len(ids))+`) ORDER BY t.offer_id, t.taxonomy, m.sort`), ids...)
	if err != nil {
		return errs.Wrap(err, "search doc terms")
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var tax, code string
		if err := rows.Scan(&id, &tax, &code); err != nil {
			return errs.Wrap(err, "scan search doc term")
		}
		if l, ok := termLists(&byID[id].Offer)[tax]; ok {
			*l = append(*l, code)
		}
	}
	return errs.Wrap(rows.Err(), "search doc terms")
}

func (s *Store) searchLocations(ctx context.Context, byID map[uuid.UUID]*SearchDoc, ids []any) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT ol.offer_id, l.id, l.latitude, l.longitude, l.postal_code, l.city,
		l.area_id, l.opening_hours FROM offer_locations ol JOIN locations l ON l.id = ol.location_id
		WHERE ol.offer_id IN (`+placeholders(len(ids))+`) ORDER BY ol.offer_id, l.name, l.id`), ids...)
	if err != nil {
		return errs.Wrap(err, "search doc locations")
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var l SearchLocation
		var area uuid.NullUUID
		var hours string
		if err := rows.Scan(&id, &l.ID, &l.Latitude, &l.Longitude, &l.PostalCode, &l.City, &area, &hours); err != nil {
			return errs.Wrap(err, "scan search doc location")
		}
		if area.Valid {
			l.AreaID = &area.UUID
		}
		if err := json.Unmarshal([]byte(hours), &l.OpeningHours); err != nil {
			return errs.Wrap(err, "opening hours of location "+l.ID.String())
		}
		d := byID[id]
		d.Locations = append(d.Locations, l)
		d.Offer.LocationIDs = append(d.Offer.LocationIDs, l.ID)
	}
	return errs.Wrap(rows.Err(), "search doc locations")
}

// LastAuditID is the id of the newest audit entry, 0 when the log is empty. An index built after reading it
// has seen every change up to it.
func (s *Store) LastAuditID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT MAX(id) FROM audit_log`).Scan(&id)
	return id.Int64, errs.Wrap(err, "last audit id")
}

// AuditChange is the part of an audit entry a change-log reader needs: no before/after, which can be large.
type AuditChange struct {
	ID        int64
	At        time.Time
	KommuneID *uuid.UUID
	Action    audit.Action
	Entity    string
	EntityID  string
}

// AuditChanges returns up to limit audit entries with an id above after or in also (ids a reader saw missing
// and checks again), in id order. It is the change log of the search index of every instance: the entries are
// written in the transaction of their change, so a change is visible here exactly when it is committed.
func (s *Store) AuditChanges(ctx context.Context, after int64, also []int64, limit int) ([]AuditChange, error) {
	if limit <= 0 {
		limit = 1000
	}
	where, args := "id > ?", []any{after}
	if len(also) > 0 {
		where += " OR id IN (" + placeholders(len(also)) + ")"
		for _, id := range also {
			args = append(args, id)
		}
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, at, kommune_id, action, entity, entity_id FROM audit_log
		WHERE `+where+` ORDER BY id LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "audit changes")
	}
	defer rows.Close()
	var out []AuditChange
	for rows.Next() {
		var c AuditChange
		var kid uuid.NullUUID
		if err := rows.Scan(&c.ID, &c.At, &kid, &c.Action, &c.Entity, &c.EntityID); err != nil {
			return nil, errs.Wrap(err, "scan audit change")
		}
		c.At = c.At.UTC()
		if kid.Valid {
			c.KommuneID = &kid.UUID
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "audit changes")
}

// streamAllSearchDocs reads every public offer for a full index build with one streaming query per table
// (offers, their terms, their locations), merged by offer id here, instead of three queries per batch: at a
// million offers the IN lists of the batches cost more than the reading itself. Terms and locations are read
// in their own goroutines, so decoding their rows overlaps with decoding the offers. The opening hours of a
// location are decoded once and shared, read-only, by the offers there. fn may keep the batches.
func (s *Store) streamAllSearchDocs(ctx context.Context, batch int, fn func([]SearchDoc) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sorts, err := s.termSorts(ctx)
	if err != nil {
		return err
	}
	terms := make(chan termGroup, 512)
	locs := make(chan locationGroup, 512)
	errc := make(chan error, 2)
	go func() { errc <- s.streamTermGroups(ctx, sorts, terms) }()
	go func() { errc <- s.streamLocationGroups(ctx, locs) }()
	err = s.mergeSearchDocs(ctx, batch, terms, locs, fn)
	cancel()
	for range terms { // let the readers see the cancellation and close their channels
	}
	for range locs {
	}
	for range 2 {
		// The readers' own failures count; their context.Canceled is the cancel above.
		if e := <-errc; err == nil && e != nil && !errors.Is(e, context.Canceled) {
			err = e
		}
	}
	return err
}

// maxCachedSchedules bounds the schedule cache of a full read.
const maxCachedSchedules = 100_000

type termGroup struct {
	offer uuid.UUID
	terms []sortedTerm
}

type sortedTerm struct {
	taxonomy, code string
	sort           int
}

type locationGroup struct {
	offer     uuid.UUID
	locations []namedLocation
}

type namedLocation struct {
	name string
	SearchLocation
}

// termSorts is the display order of every taxonomy term, "taxonomy\x00code" → sort; a term missing here is
// not a known term and is left out, as the join of searchTerms leaves it out.
func (s *Store) termSorts(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT taxonomy, code, sort FROM taxonomy_terms`)
	if err != nil {
		return nil, errs.Wrap(err, "taxonomy sort")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var tax, code string
		var n int
		if err := rows.Scan(&tax, &code, &n); err != nil {
			return nil, errs.Wrap(err, "scan taxonomy sort")
		}
		out[tax+"\x00"+code] = n
	}
	return out, errs.Wrap(rows.Err(), "taxonomy sort")
}

// streamTermGroups sends the terms of every offer, grouped by offer in id order, and closes out.
func (s *Store) streamTermGroups(ctx context.Context, sorts map[string]int, out chan<- termGroup) error {
	defer close(out)
	rows, err := s.read.QueryContext(ctx, `SELECT offer_id, taxonomy, code FROM offer_terms ORDER BY offer_id`)
	if err != nil {
		return errs.Wrap(err, "search doc terms")
	}
	defer rows.Close()
	var g termGroup
	send := func() bool {
		if len(g.terms) == 0 {
			return true
		}
		sort.Slice(g.terms, func(i, j int) bool {
			a, b := g.terms[i], g.terms[j]
			if a.taxonomy != b.taxonomy {
				return a.taxonomy < b.taxonomy
			}
			return a.sort < b.sort
		})
		select {
		case out <- g:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for rows.Next() {
		var id uuid.UUID
		var t sortedTerm
		if err := rows.Scan(&id, &t.taxonomy, &t.code); err != nil {
			return errs.Wrap(err, "scan search doc term")
		}
		n, ok := sorts[t.taxonomy+"\x00"+t.code]
		if !ok {
			continue
		}
		t.sort = n
		if id != g.offer {
			if !send() {
				return ctx.Err()
			}
			g = termGroup{offer: id}
		}
		g.terms = append(g.terms, t)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "search doc terms")
	}
	send()
	return nil
}

// streamLocationGroups sends the locations of every offer, grouped by offer in id order, and closes out.
func (s *Store) streamLocationGroups(ctx context.Context, out chan<- locationGroup) error {
	defer close(out)
	rows, err := s.read.QueryContext(ctx, `SELECT ol.offer_id, l.id, l.name, l.latitude, l.longitude, l.postal_code,
		l.city, l.area_id, l.opening_hours FROM offer_locations ol JOIN locations l ON l.id = ol.location_id
		ORDER BY ol.offer_id`)
	if err != nil {
		return errs.Wrap(err, "search doc locations")
	}
	defer rows.Close()
	hoursOf := map[uuid.UUID][]catalog.Weekly{}
	var g locationGroup
	send := func() bool {
		if len(g.locations) == 0 {
			return true
		}
		sort.Slice(g.locations, func(i, j int) bool {
			a, b := g.locations[i], g.locations[j]
			if a.name != b.name {
				return a.name < b.name
			}
			return bytes.Compare(a.ID[:], b.ID[:]) < 0
		})
		select {
		case out <- g:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for rows.Next() {
		var id uuid.UUID
		var l namedLocation
		var area uuid.NullUUID
		var hours sql.RawBytes
		if err := rows.Scan(&id, &l.ID, &l.name, &l.Latitude, &l.Longitude, &l.PostalCode, &l.City, &area, &hours); err != nil {
			return errs.Wrap(err, "scan search doc location")
		}
		if area.Valid {
			l.AreaID = &area.UUID
		}
		h, ok := hoursOf[l.ID]
		if !ok {
			if err := json.Unmarshal(hours, &h); err != nil {
				return errs.Wrap(err, "opening hours of location "+l.ID.String())
			}
			hoursOf[l.ID] = h
		}
		l.OpeningHours = h
		if id != g.offer {
			if !send() {
				return ctx.Err()
			}
			g = locationGroup{offer: id}
		}
		g.locations = append(g.locations, l)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "search doc locations")
	}
	send()
	return nil
}

// mergeSearchDocs reads the public offers in id order and joins them with the term and location groups,
// which come in the same order and include offers that are not public (skipped here).
func (s *Store) mergeSearchDocs(ctx context.Context, batch int, terms <-chan termGroup, locs <-chan locationGroup,
	fn func([]SearchDoc) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT `+prefixed("o.", offerCols)+`, g.name, g.kind, k.land_code
		FROM offers o JOIN organizations g ON g.id = o.organization_id JOIN kommunen k ON k.id = o.kommune_id
		WHERE `+publicOffer+` ORDER BY o.id`)
	if err != nil {
		return errs.Wrap(err, "search docs")
	}
	defer rows.Close()
	var t termGroup
	var l locationGroup
	tOpen, lOpen := true, true
	before := func(a, b uuid.UUID) bool { return bytes.Compare(a[:], b[:]) < 0 }
	docs := make([]SearchDoc, 0, batch)
	schedules := map[string]catalog.Schedule{}
	for rows.Next() {
		d, err := scanSearchDoc(rows, schedules)
		if err != nil {
			return err
		}
		id := d.Offer.ID
		for tOpen && (t.offer == uuid.Nil || before(t.offer, id)) {
			t, tOpen = <-terms
		}
		if tOpen && t.offer == id {
			lists := termLists(&d.Offer)
			for _, term := range t.terms {
				if list, ok := lists[term.taxonomy]; ok {
					*list = append(*list, term.code)
				}
			}
		}
		for lOpen && (l.offer == uuid.Nil || before(l.offer, id)) {
			l, lOpen = <-locs
		}
		if lOpen && l.offer == id {
			for _, loc := range l.locations {
				d.Locations = append(d.Locations, loc.SearchLocation)
				d.Offer.LocationIDs = append(d.Offer.LocationIDs, loc.ID)
			}
		}
		docs = append(docs, d)
		if len(docs) == batch {
			if err := fn(docs); err != nil {
				return err
			}
			docs = make([]SearchDoc, 0, batch)
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "search docs")
	}
	if len(docs) > 0 {
		return fn(docs)
	}
	return ctx.Err()
}

// searchSourceTables are the tables the search reads, parents first.
var searchSourceTables = []string{"kommunen", "areas", "organizations", "locations", "offers", "offer_terms",
	"offer_locations", "offer_freshness"}

// CopySearchSource copies what the search reads (Kommunen, Sozialräume, organizations, locations, offers with
// their terms, locations and freshness) from s into dst, a PostgreSQL database migrated to the same schema that
// holds none of these rows yet, with COPY, table by table, and returns the rows copied per table. It is for
// benchmarks that compare engines on the same data; progress, if not nil, gets a line per table. Foreign
// keys are not checked during the copy when dst allows it (the rows come from a database that checked them).
func (s *Store) CopySearchSource(ctx context.Context, dst *Store, progress io.Writer) (map[string]int, error) {
	if dst.dialect != Postgres {
		return nil, errs.Wrap(errors.New("the copy goes into PostgreSQL only"), "copy search source")
	}
	conn, err := dst.write.Conn(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "copy connection")
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET session_replication_role = replica`); err == nil {
		defer conn.ExecContext(context.WithoutCancel(ctx), `SET session_replication_role = DEFAULT`) //nolint:errcheck
	}
	counts := map[string]int{}
	for _, t := range searchSourceTables {
		n, err := s.copyTable(ctx, conn, t)
		if err != nil {
			return counts, err
		}
		counts[t] = n
		if progress != nil {
			fmt.Fprintf(progress, "  %s: %d Zeilen\n", t, n)
		}
	}
	return counts, nil
}

// copyTable copies the columns both databases have of one table.
func (s *Store) copyTable(ctx context.Context, conn *sql.Conn, table string) (int, error) {
	want := map[string]bool{}
	cols, err := conn.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return 0, errs.Wrap(err, "columns of "+table)
	}
	for cols.Next() {
		var c string
		if err := cols.Scan(&c); err != nil {
			cols.Close()
			return 0, errs.Wrap(err, "columns of "+table)
		}
		want[c] = true
	}
	cols.Close()
	rows, err := s.read.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, errs.Wrap(err, "read "+table)
	}
	defer rows.Close()
	all, err := rows.Columns()
	if err != nil {
		return 0, errs.Wrap(err, "read "+table)
	}
	var names []string
	var keep []int
	for i, c := range all {
		if want[c] {
			names, keep = append(names, c), append(keep, i)
		}
	}
	pr, pw := io.Pipe()
	n := 0
	go func() {
		// The rows are written as CSV with \N for NULL, so that an empty text stays an empty text.
		w := csv.NewWriter(pw)
		vals := make([]any, len(all))
		ptrs := make([]any, len(all))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rec := make([]string, len(keep))
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				pw.CloseWithError(err)
				return
			}
			for j, i := range keep {
				rec[j] = copyText(vals[i])
			}
			if err := w.Write(rec); err != nil {
				pw.CloseWithError(err)
				return
			}
			n++
		}
		w.Flush()
		if err := rows.Err(); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(w.Error())
	}()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().PgConn().CopyFrom(ctx, pr, `COPY `+table+` (`+strings.Join(names, ", ")+
			`) FROM STDIN WITH (FORMAT csv, NULL '\N')`)
		return err
	})
	pr.Close()
	if err != nil {
		return n, errs.Wrap(err, "copy "+table)
	}
	return n, nil
}

// copyText is a value read from SQLite as COPY's CSV text.
func copyText(v any) string {
	switch v := v.(type) {
	case nil:
		return `\N`
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.Format("2006-01-02 15:04:05.999999999Z07:00")
	default:
		return fmt.Sprint(v)
	}
}
