package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
)

// BulkWriter loads large amounts of new rows fast: it buffers rows per table, writes them with multi-row
// INSERT statements (prepared once per transaction and reused) inside large transactions on one connection,
// and commits every BulkOptions.CommitRows rows. It is for the synthetic data generator and other loads into
// a fresh database, not for user edits:
//
//   - every object is still checked with its Validate method, but references (Kommune, organization, Area,
//     locations of an offer) are trusted from the caller and only enforced by the foreign keys;
//   - a Location's AreaID is taken as given, not derived by point-in-polygon;
//   - nothing is audited row by row; the caller writes summary entries with Audit (the generator writes one
//     per Kommune);
//   - rows committed before an error stay: load into a fresh database and discard it when a load fails.
//
// Parent rows are always flushed before their children, so the foreign keys hold at every statement.
// A BulkWriter is not safe for concurrent use. Close it (after Commit, or to roll back) in every case.
type BulkWriter struct {
	s      *Store
	ctx    context.Context
	conn   *sql.Conn
	tx     *sql.Tx
	opts   BulkOptions
	now    time.Time
	tables []*bulkTable // in foreign-key order: parents first
	stmts  map[string]*sql.Stmt
	since  int // rows written since the last commit
	closed bool

	kommunen, areas, orgs, locations, offers, terms, offerLocs, audits *bulkTable

	// Counts of the rows added so far, by table name.
	Counts map[string]int
}

// BulkOptions tune a BulkWriter; the zero value is fine.
type BulkOptions struct {
	CommitRows   int // rows per transaction, default 200,000
	CacheSizeKiB int // SQLite page cache of the write connection during the load, default 131,072 (128 MiB)
}

type bulkTable struct {
	name    string
	cols    []string
	perStmt int   // rows per INSERT statement
	args    []any // buffered arguments, len(cols) per row
}

func (t *bulkTable) rows() int { return len(t.args) / len(t.cols) }

// Bulk starts a bulk load on the write connection. On SQLite it holds the only write connection until Close.
func (s *Store) Bulk(ctx context.Context, opts BulkOptions) (*BulkWriter, error) {
	if opts.CommitRows <= 0 {
		opts.CommitRows = 200_000
	}
	if opts.CacheSizeKiB <= 0 {
		opts.CacheSizeKiB = 128 * 1024
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "bulk connection")
	}
	b := &BulkWriter{s: s, ctx: ctx, conn: conn, opts: opts, now: s.now().UTC(), stmts: map[string]*sql.Stmt{},
		Counts: map[string]int{}}
	if s.dialect == SQLite {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", opts.CacheSizeKiB)); err != nil {
			conn.Close()
			return nil, errs.Wrap(err, "bulk cache size")
		}
	}
	table := func(name string, cols ...string) *bulkTable {
		// SQLite allows 32,766 parameters per statement and PostgreSQL 65,535; stay well below both.
		t := &bulkTable{name: name, cols: cols, perStmt: min(500, 16_000/len(cols))}
		b.tables = append(b.tables, t)
		return t
	}
	b.kommunen = table("kommunen", "id", "ags", "ars", "name", "type", "land_code", "created_at", "updated_at")
	b.areas = table("areas", "id", "kommune_id", "key", "name", "geometry", "children_0_2", "children_3_5",
		"children_6_9", "children_10_15", "children_16_20", "version", "created_at", "updated_at")
	b.orgs = table("organizations", "id", "kommune_id", "name", "kind", "description", "email", "website", "phone",
		"created_at", "updated_at")
	b.locations = table("locations", "id", "kommune_id", "organization_id", "name", "address_1", "postal_code", "city",
		"latitude", "longitude", "area_id", "accessibility", "wheelchair_accessible", "opening_hours", "created_at", "updated_at")
	b.offers = table("offers", strings.Split(strings.Join(strings.Fields(offerCols), ""), ",")...)
	b.terms = table("offer_terms", "offer_id", "taxonomy", "code")
	b.offerLocs = table("offer_locations", "offer_id", "location_id")
	b.audits = table("audit_log", "at", "actor", "kommune_id", "action", "entity", "entity_id", "before", "after")
	if err := b.begin(); err != nil {
		b.release()
		return nil, err
	}
	return b, nil
}

func (b *BulkWriter) begin() error {
	tx, err := b.conn.BeginTx(b.ctx, nil)
	if err != nil {
		return errs.Wrap(err, "bulk begin")
	}
	b.tx = tx
	return nil
}

// AddKommune validates and buffers a Kommune; a zero ID is replaced by a new UUID.
func (b *BulkWriter) AddKommune(k *region.Kommune) error {
	if err := k.Validate(); err != nil {
		return err
	}
	if k.ID == uuid.Nil {
		k.ID = uuid.New()
	}
	return b.add(b.kommunen, k.ID.String(), k.AGS, k.ARS, k.Name, k.Type, k.LandCode, b.now, b.now)
}

// AddArea validates and buffers a Sozialraum of a Kommune added before.
func (b *BulkWriter) AddArea(a *region.Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	geo, err := region.GeoJSON(a.Geometry)
	if err != nil {
		return errs.Wrap(err, "encode geometry")
	}
	if a.ID == uuid.Nil {
		a.ID = uuid.New()
	}
	a.Version, a.UpdatedAt = 1, b.now
	c := a.Children
	return b.add(b.areas, a.ID.String(), a.KommuneID.String(), a.Key, a.Name, string(geo), c.Age0to2, c.Age3to5,
		c.Age6to9, c.Age10to15, c.Age16to20, a.Version, b.now, b.now)
}

// AddOrganization validates and buffers an organization; KommuneID must be set.
func (b *BulkWriter) AddOrganization(o *catalog.Organization) error {
	if err := o.Validate(b.s.tax); err != nil {
		return err
	}
	if o.ID == uuid.Nil {
		o.ID = uuid.New()
	}
	o.CreatedAt, o.UpdatedAt = b.now, b.now
	return b.add(b.orgs, o.ID.String(), o.KommuneID.String(), o.Name, o.Kind, o.Description, o.Email, o.Website, o.Phone,
		b.now, b.now)
}

// AddLocation validates and buffers a location; KommuneID must be set and AreaID is taken as given.
func (b *BulkWriter) AddLocation(l *catalog.Location) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if l.ID == uuid.Nil {
		l.ID = uuid.New()
	}
	hours, err := json.Marshal(nonNil(l.OpeningHours))
	if err != nil {
		return errs.Wrap(err, "opening hours")
	}
	var area any
	if l.AreaID != nil {
		area = l.AreaID.String()
	}
	l.CreatedAt, l.UpdatedAt = b.now, b.now
	return b.add(b.locations, l.ID.String(), l.KommuneID.String(), l.OrganizationID.String(), l.Name, l.Address1,
		l.PostalCode, l.City, l.Latitude, l.Longitude, area, l.Accessibility, l.WheelchairAccessible, string(hours), b.now, b.now)
}

// AddOffer validates and buffers an offer with its terms and locations; KommuneID must be set.
func (b *BulkWriter) AddOffer(o *catalog.Offer) error {
	if o.Schedule.Timezone == "" {
		o.Schedule.Timezone = catalog.DefaultTimezone
	}
	if err := o.Validate(b.s.tax); err != nil {
		return err
	}
	if o.ID == uuid.Nil {
		o.ID = uuid.New()
	}
	o.CreatedAt, o.UpdatedAt = b.now, b.now
	sched, err := json.Marshal(o.Schedule)
	if err != nil {
		return errs.Wrap(err, "schedule")
	}
	args := offerArgs(o, string(sched))
	args[0], args[1], args[2] = o.ID.String(), o.KommuneID.String(), o.OrganizationID.String()
	if err := b.add(b.offers, args...); err != nil {
		return err
	}
	id := o.ID.String()
	for _, l := range [...]struct {
		tax   string
		codes []string
	}{{"phase", o.Phases}, {"field", o.Fields}, {"target_group", o.TargetGroups}, {"transition", o.Transitions},
		{"language", o.Languages}} {
		for _, code := range l.codes {
			if err := b.add(b.terms, id, l.tax, code); err != nil {
				return err
			}
		}
	}
	for _, loc := range o.LocationIDs {
		if err := b.add(b.offerLocs, id, loc.String()); err != nil {
			return err
		}
	}
	return nil
}

// Audit buffers one audit entry, written after the rows before it, for summaries of bulk work such as
// "Kommune generated with n offers".
func (b *BulkWriter) Audit(actor audit.Actor, kommuneID *uuid.UUID, action audit.Action, entity, id string, after any) error {
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	var kid any
	if kommuneID != nil {
		kid = kommuneID.String()
	}
	return b.add(b.audits, b.s.now().UTC(), actor.String(), kid, string(action), entity, id, nil, a)
}

// add buffers one row and writes full statements, flushing the parent tables first.
func (b *BulkWriter) add(t *bulkTable, args ...any) error {
	if b.closed || b.tx == nil {
		return errs.Wrap(fmt.Errorf("bulk writer closed"), "bulk add")
	}
	t.args = append(t.args, args...)
	b.Counts[t.name]++
	if t.rows() < t.perStmt {
		return nil
	}
	for i, x := range b.tables {
		if x == t {
			return b.flush(i)
		}
	}
	return nil
}

// flush writes the buffers of tables[0..upto] in order; once enough rows are written since the last commit,
// it writes every buffer and commits, so that no child row waits for a parent of an earlier transaction.
func (b *BulkWriter) flush(upto int) error {
	for _, t := range b.tables[:upto+1] {
		nc, rows := len(t.cols), t.rows()
		for off := 0; off < rows; {
			n := min(rows-off, t.perStmt)
			if err := b.exec(t, t.args[off*nc:(off+n)*nc], n); err != nil {
				return err
			}
			off += n
			b.since += n
		}
		clear(t.args) // drop references for the garbage collector, keep the capacity
		t.args = t.args[:0]
	}
	if b.since < b.opts.CommitRows {
		return nil
	}
	if upto < len(b.tables)-1 {
		return b.flush(len(b.tables) - 1)
	}
	return b.commit()
}

// exec inserts n rows with one statement; full statements are prepared once per transaction.
func (b *BulkWriter) exec(t *bulkTable, args []any, n int) error {
	if n != t.perStmt {
		_, err := b.tx.ExecContext(b.ctx, b.insertSQL(t, n), args...)
		return errs.Wrap(err, "bulk insert "+t.name)
	}
	st, ok := b.stmts[t.name]
	if !ok {
		var err error
		if st, err = b.tx.PrepareContext(b.ctx, b.insertSQL(t, n)); err != nil {
			return errs.Wrap(err, "bulk prepare "+t.name)
		}
		b.stmts[t.name] = st
	}
	_, err := st.ExecContext(b.ctx, args...)
	return errs.Wrap(err, "bulk insert "+t.name)
}

func (b *BulkWriter) insertSQL(t *bulkTable, n int) string {
	var sb strings.Builder
	sb.Grow(64 + n*len(t.cols)*6)
	sb.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	p := 0
	for r := range n {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				sb.WriteByte(',')
			}
			p++
			if b.s.dialect == Postgres {
				fmt.Fprintf(&sb, "$%d", p)
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// commit commits the current transaction and begins the next.
func (b *BulkWriter) commit() error {
	for name, st := range b.stmts {
		st.Close()
		delete(b.stmts, name)
	}
	err := b.tx.Commit()
	b.tx, b.since = nil, 0
	if err != nil {
		return errs.Wrap(err, "bulk commit")
	}
	return b.begin()
}

// Commit writes every buffered row and commits. The writer stays usable until Close.
func (b *BulkWriter) Commit() error {
	if b.closed || b.tx == nil {
		return errs.Wrap(fmt.Errorf("bulk writer closed"), "bulk commit")
	}
	if err := b.flush(len(b.tables) - 1); err != nil {
		return err
	}
	return b.commit()
}

// Close rolls back what was not committed and gives the connection back.
func (b *BulkWriter) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	for _, st := range b.stmts {
		st.Close()
	}
	if b.tx != nil {
		_ = b.tx.Rollback()
		b.tx = nil
	}
	b.release()
	return nil
}

func (b *BulkWriter) release() {
	if b.s.dialect == SQLite {
		// Back to the default page cache of the connection (-2000 KiB).
		_, _ = b.conn.ExecContext(context.Background(), "PRAGMA cache_size = -2000")
	}
	b.conn.Close()
}
