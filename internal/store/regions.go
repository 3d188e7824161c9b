package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// UpsertLand creates or renames a Land.
func (s *Store) UpsertLand(ctx context.Context, actor audit.Actor, l region.Land) error {
	if !region.ValidLandCode(l.Code) {
		var v errs.Validation
		v.Add("code", "validation.land_code", map[string]any{"Value": l.Code})
		return v.Err()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO lands (code, name) VALUES (?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name`), l.Code, l.Name); err != nil {
			return errs.Wrap(err, "upsert land")
		}
		return s.record(ctx, tx, actor, nil, audit.Create, "land", l.Code, nil, l)
	})
}

// ListLands returns all Länder.
func (s *Store) ListLands(ctx context.Context) ([]region.Land, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name FROM lands ORDER BY code`)
	if err != nil {
		return nil, errs.Wrap(err, "list lands")
	}
	defer rows.Close()
	var out []region.Land
	for rows.Next() {
		var l region.Land
		if err := rows.Scan(&l.Code, &l.Name); err != nil {
			return nil, errs.Wrap(err, "scan land")
		}
		out = append(out, l)
	}
	return out, errs.Wrap(rows.Err(), "list lands")
}

// CreateKommune validates and stores a Kommune; a zero ID is replaced by a new UUID.
func (s *Store) CreateKommune(ctx context.Context, actor audit.Actor, k *region.Kommune) error {
	if err := k.Validate(); err != nil {
		return err
	}
	if k.ID == uuid.Nil {
		k.ID = uuid.New()
	}
	now := s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO kommunen (id, ags, ars, name, type, land_code, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), k.ID, k.AGS, k.ARS, k.Name, k.Type, k.LandCode, now, now)
		if isUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "error.kommune_exists", Err: err}
		}
		if err != nil {
			return errs.Wrap(err, "create kommune")
		}
		return s.record(ctx, tx, actor, &k.ID, audit.Create, "kommune", k.ID.String(), nil, k)
	})
}

const kommuneCols = `k.id, k.ags, k.ars, k.name, k.type, k.land_code`

func scanKommune(row interface{ Scan(...any) error }, k *region.Kommune, extra ...any) error {
	return row.Scan(append([]any{&k.ID, &k.AGS, &k.ARS, &k.Name, &k.Type, &k.LandCode}, extra...)...)
}

// ListKommunen returns the Kommunen of the scope with their counts, ordered by name.
func (s *Store) ListKommunen(ctx context.Context, scope tenant.Scope) ([]region.KommuneSummary, error) {
	where, args := s.scopeWhere(scope, "k.id")
	offerCond := ""
	if scope.PublishedOnly() {
		offerCond = " AND o.status = 'active'"
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+kommuneCols+`,
		(SELECT COUNT(*) FROM areas a WHERE a.kommune_id = k.id),
		(SELECT COUNT(*) FROM organizations g WHERE g.kommune_id = k.id),
		(SELECT COUNT(*) FROM offers o WHERE o.kommune_id = k.id`+offerCond+`)
		FROM kommunen k WHERE `+where+` ORDER BY k.name`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "list kommunen")
	}
	defer rows.Close()
	var out []region.KommuneSummary
	for rows.Next() {
		var k region.KommuneSummary
		if err := scanKommune(rows, &k.Kommune, &k.Areas, &k.Organizations, &k.Offers); err != nil {
			return nil, errs.Wrap(err, "scan kommune")
		}
		out = append(out, k)
	}
	return out, errs.Wrap(rows.Err(), "list kommunen")
}

// GetKommuneByAGS finds a Kommune by its AGS within the scope.
func (s *Store) GetKommuneByAGS(ctx context.Context, scope tenant.Scope, ags string) (region.Kommune, error) {
	if !region.ValidAGS(ags) {
		return region.Kommune{}, &errs.Error{Code: errs.BadRequest, Message: "error.malformed_ags"}
	}
	return s.getKommune(ctx, scope, "k.ags = ?", ags)
}

// GetKommune finds a Kommune by id within the scope.
func (s *Store) GetKommune(ctx context.Context, scope tenant.Scope, id uuid.UUID) (region.Kommune, error) {
	return s.getKommune(ctx, scope, "k.id = ?", id)
}

func (s *Store) getKommune(ctx context.Context, scope tenant.Scope, cond string, key any) (region.Kommune, error) {
	where, args := s.scopeWhere(scope, "k.id")
	var k region.Kommune
	err := scanKommune(s.read.QueryRowContext(ctx, s.q(`SELECT `+kommuneCols+` FROM kommunen k WHERE `+cond+` AND `+where),
		append([]any{key}, args...)...), &k)
	if errors.Is(err, sql.ErrNoRows) {
		return k, notFound("kommune")
	}
	return k, errs.Wrap(err, "get kommune")
}

// CreateArea validates and stores a Sozialraum of a Kommune in scope, then re-derives the Area of the
// Kommune's locations.
func (s *Store) CreateArea(ctx context.Context, scope tenant.Scope, actor audit.Actor, a *region.Area) error {
	if _, err := s.GetKommune(ctx, scope, a.KommuneID); err != nil {
		return err
	}
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
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
	now := s.now().UTC()
	a.Version, a.UpdatedAt = 1, now
	return s.inTx(ctx, func(tx *sql.Tx) error {
		c := a.Children
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO areas (id, kommune_id, key, name, geometry, children_0_2, children_3_5,
			children_6_9, children_10_15, children_16_20, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.KommuneID, a.Key, a.Name, string(geo), c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, a.Version, now, now)
		if isUniqueViolation(err) {
			var v errs.Validation
			v.Add("key", "validation.area_key_taken", map[string]any{"Value": a.Key})
			return v.Err()
		}
		if err != nil {
			return errs.Wrap(err, "create area")
		}
		if err := s.record(ctx, tx, actor, &a.KommuneID, audit.Create, "area", a.ID.String(), nil, areaAudit(a, geo)); err != nil {
			return err
		}
		_, err = s.relocate(ctx, tx, actor, a.KommuneID)
		return err
	})
}

// AreaUpload is what UpsertAreas did, or what an upload would do (PlanAreaSet).
type AreaUpload struct {
	Created, Updated int
	// Relocated counts the locations whose Sozialraum changed.
	Relocated int
	// Ended are the Areas the upload retires: those of the Kommune a complete boundary set (ReplaceAreasFrom)
	// leaves out, valid up to the day before it, by key.
	Ended []EndedArea
}

// EndedArea is a Sozialraum a boundary set retires, with its last valid day.
type EndedArea struct {
	ID       uuid.UUID    `json:"id"`
	Key      string       `json:"key"`
	Name     string       `json:"name"`
	LastDay  catalog.Date `json:"last_day"`
	Children int          `json:"children"`
}

// UpsertAreas is UpsertAreasFrom with the new versions valid from today.
func (s *Store) UpsertAreas(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area) (AreaUpload, error) {
	return s.UpsertAreasFrom(ctx, scope, actor, kommuneID, areas, catalog.DateOf(s.now()))
}

// UpsertAreasFrom stores the Sozialräume of one Kommune in scope in one transaction as a new boundary set
// valid from the given day: an Area whose key the Kommune already has gets a new version (name, polygon, child
// counts; its version goes up) and the one it replaces is kept in area_versions, valid up to the day before,
// so analyses of earlier days still see the old boundaries; an Area sent unchanged stays as it is; any other is
// created, valid from the day when the Kommune already had Areas (it is a change of the boundary set) and since
// always for the Kommune's first set; Areas not named stay (ReplaceAreasFrom retires them). A second upload on the day a version began corrects
// that version (same version number) instead of keeping it for a single day; a day before it is refused. Then every location of the
// Kommune gets its Area derived again. Either all Areas are saved or none. Sozialräume decide the planning of the
// whole Kommune, so provider editors may not change them.
func (s *Store) UpsertAreasFrom(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area, from catalog.Date) (AreaUpload, error) {
	return s.upsertAreas(ctx, scope, actor, kommuneID, areas, from, areaMode{})
}

// ReplaceAreasFrom is UpsertAreasFrom for a complete boundary set: the Kommune's Areas it leaves out end the
// day before from (their valid_to is set; an analysis of an earlier day still sees them, one from that day on
// does not; a retired Area sent again later comes back as a new version). ended are the keys of the Areas
// the caller showed as ending (PlanAreaSet): when the upload would end others — someone changed the
// Sozialräume in between — nothing is saved and the answer is a conflict. All or nothing.
func (s *Store) ReplaceAreasFrom(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area,
	from catalog.Date, ended []string) (AreaUpload, error) {
	return s.upsertAreas(ctx, scope, actor, kommuneID, areas, from, areaMode{complete: true, ended: ended, check: true})
}

// PlanAreaSet tells what ReplaceAreasFrom would do, without doing it: the same checks and counts, and the
// Areas that would end. It runs the upload in a transaction that is rolled back, so the plan cannot differ
// from what applying it does on the same data.
func (s *Store) PlanAreaSet(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area, from catalog.Date) (AreaUpload, error) {
	return s.upsertAreas(ctx, scope, actor, kommuneID, areas, from, areaMode{complete: true, dryRun: true})
}

// areaMode says how upsertAreas treats the Areas an upload leaves out and whether it keeps what it did.
type areaMode struct {
	complete bool     // the upload is the whole boundary set: Areas left out end
	dryRun   bool     // roll back: only the counts are wanted
	check    bool     // ended must be exactly the keys that end
	ended    []string // the keys the caller expects to end
	// also runs in the same transaction after the upload (e.g. removing the pending upload it came from).
	also func(tx *sql.Tx) error
}

// errDryRun rolls back the transaction of a plan.
var errDryRun = errors.New("dry run")

func (s *Store) upsertAreas(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area,
	from catalog.Date, mode areaMode) (AreaUpload, error) {
	var res AreaUpload
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return res, err
	}
	if !scope.MayAdminister() {
		return res, errs.E(errs.Forbidden, "error.forbidden")
	}
	var v errs.Validation
	seen := map[string]bool{}
	geos := make([][]byte, len(areas))
	for i := range areas {
		a := &areas[i]
		a.KommuneID = kommuneID
		prefix := "areas." + strconv.Itoa(i+1) + "."
		if err := a.Validate(); err != nil {
			v.Merge(prefix, err)
			continue
		}
		if seen[a.Key] {
			v.Add(prefix+"key", "validation.duplicate", map[string]any{"Value": a.Key})
		}
		seen[a.Key] = true
		geo, err := region.GeoJSON(a.Geometry)
		if err != nil {
			return res, errs.Wrap(err, "encode geometry")
		}
		geos[i] = geo
	}
	if len(areas) == 0 {
		v.Add("areas", "validation.required", nil)
	}
	if err := v.Err(); err != nil {
		return res, err
	}
	now := s.now().UTC()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := s.listAllAreas(ctx, tx, kommuneID)
		if err != nil {
			return err
		}
		byKey := map[string]region.Area{}
		for _, e := range existing {
			byKey[e.Key] = e
		}
		starts, ends, err := s.areaStarts(ctx, tx, kommuneID)
		if err != nil {
			return err
		}
		var newFrom *catalog.Date // a new Area of a changed boundary set did not exist before it
		if len(existing) > 0 {
			newFrom = &from
		}
		for i := range areas {
			a, c := &areas[i], areas[i].Children
			before, found := byKey[a.Key]
			if !found {
				if a.ID == uuid.Nil {
					a.ID = uuid.New()
				}
				a.Version, a.UpdatedAt = 1, now
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO areas (id, kommune_id, key, name, geometry, children_0_2,
					children_3_5, children_6_9, children_10_15, children_16_20, version, created_at, updated_at, valid_from)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.KommuneID, a.Key, a.Name, string(geos[i]),
					c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, a.Version, now, now, dateArg(newFrom)); err != nil {
					return errs.Wrap(err, "create area")
				}
				if err := s.record(ctx, tx, actor, &kommuneID, audit.Create, "area", a.ID.String(), nil, areaAudit(a, geos[i])); err != nil {
					return err
				}
				res.Created++
				continue
			}
			oldGeo, err := region.GeoJSON(before.Geometry)
			if err != nil {
				return errs.Wrap(err, "encode geometry")
			}
			retired := ends[before.ID]
			if retired == nil && before.Name == a.Name && before.Children == c && string(oldGeo) == string(geos[i]) {
				a.ID, a.Version, a.UpdatedAt = before.ID, before.Version, before.UpdatedAt
				continue // unchanged: no new version
			}
			kept, err := s.closeAreaVersion(ctx, tx, before, string(oldGeo), starts[before.ID], retired, from, i)
			if err != nil {
				return err
			}
			a.ID, a.Version, a.UpdatedAt = before.ID, before.Version+1, now
			if !kept {
				a.Version = before.Version // a correction on the version's first day: values measured on it still refer to it
			}
			// A retired Area sent again comes back from the upload's day on (valid_to cleared).
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE areas SET name = ?, geometry = ?, children_0_2 = ?, children_3_5 = ?,
				children_6_9 = ?, children_10_15 = ?, children_16_20 = ?, version = ?, updated_at = ?, valid_from = ?, valid_to = NULL
				WHERE id = ?`),
				a.Name, string(geos[i]), c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, a.Version, now, from.Time(), a.ID); err != nil {
				return errs.Wrap(err, "update area")
			}
			if err := s.record(ctx, tx, actor, &kommuneID, audit.Update, "area", a.ID.String(), areaAudit(&before, oldGeo),
				areaAudit(a, geos[i])); err != nil {
				return err
			}
			res.Updated++
		}
		if mode.complete {
			if res.Ended, err = s.retireAreas(ctx, tx, actor, kommuneID, existing, seen, starts, ends, from); err != nil {
				return err
			}
		}
		if mode.check {
			var keys []string
			for _, e := range res.Ended {
				keys = append(keys, e.Key)
			}
			if !slices.Equal(keys, sortedKeys(mode.ended)) {
				return errs.E(errs.Conflict, "areaupload.changed")
			}
		}
		res.Relocated, err = s.relocate(ctx, tx, actor, kommuneID)
		if err != nil {
			return err
		}
		if mode.also != nil {
			if err := mode.also(tx); err != nil {
				return err
			}
		}
		if mode.dryRun {
			return errDryRun
		}
		return nil
	})
	if mode.dryRun && errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return AreaUpload{}, err
	}
	return res, nil
}

// retireAreas ends the current Areas of a Kommune an upload left out (kept are the keys it sent): each stays
// valid up to the day before from. An Area already retired keeps its end; one whose version began after the
// day before from cannot end before it began, which is refused with a message on the upload's date. The
// result is ordered by key.
func (s *Store) retireAreas(ctx context.Context, tx *sql.Tx, actor audit.Actor, kommuneID uuid.UUID, existing []region.Area, kept map[string]bool,
	starts, ends map[uuid.UUID]*catalog.Date, from catalog.Date) ([]EndedArea, error) {
	last := catalog.DateOf(from.Time().AddDate(0, 0, -1))
	var out []EndedArea
	var v errs.Validation
	for _, e := range existing {
		if kept[e.Key] || ends[e.ID] != nil {
			continue
		}
		if start := starts[e.ID]; start != nil && from.Before(*start) {
			v.Add("valid_from", "areaupload.ends_before_start", map[string]any{"Name": e.Name, "Value": from.String(), "Start": start.String()})
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE areas SET valid_to = ?, updated_at = ? WHERE id = ?`), last.Time(), s.now().UTC(), e.ID); err != nil {
			return nil, errs.Wrap(err, "retire area")
		}
		if err := s.record(ctx, tx, actor, &kommuneID, audit.Update, "area", e.ID.String(),
			map[string]any{"key": e.Key, "name": e.Name, "valid_to": nil}, map[string]any{"key": e.Key, "name": e.Name, "valid_to": last.String()}); err != nil {
			return nil, err
		}
		out = append(out, EndedArea{ID: e.ID, Key: e.Key, Name: e.Name, LastDay: last, Children: e.Children.Total()})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b EndedArea) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func sortedKeys(keys []string) []string {
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}

func areaAudit(a *region.Area, geo []byte) map[string]any {
	return map[string]any{"id": a.ID, "kommune_id": a.KommuneID, "key": a.Key, "name": a.Name, "children": a.Children,
		"version": a.Version, "geometry": string(geo)}
}

// relocate derives the Area of every location of a Kommune again, after its Areas changed. A location whose
// Area changes gets an audit entry, so the search index (which follows the log) sees its new Sozialraum. It
// returns the number of locations that moved.
func (s *Store) relocate(ctx context.Context, tx *sql.Tx, actor audit.Actor, kommuneID uuid.UUID) (int, error) {
	areas, err := s.listAreas(ctx, tx, kommuneID)
	if err != nil {
		return 0, err
	}
	loc := region.NewLocator(areas)
	rows, err := tx.QueryContext(ctx, s.q(`SELECT id, latitude, longitude, area_id FROM locations WHERE kommune_id = ?`), kommuneID)
	if err != nil {
		return 0, errs.Wrap(err, "relocate")
	}
	type point struct {
		id       uuid.UUID
		lat, lon float64
		area     uuid.NullUUID
	}
	var pts []point
	for rows.Next() {
		var p point
		if err := rows.Scan(&p.id, &p.lat, &p.lon, &p.area); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "relocate scan")
		}
		pts = append(pts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "relocate")
	}
	moved := 0
	for _, p := range pts {
		var now uuid.NullUUID
		if id, ok := loc.Locate(p.lat, p.lon); ok {
			now = uuid.NullUUID{UUID: id, Valid: true}
		}
		if now == p.area {
			continue
		}
		var area any
		if now.Valid {
			area = now.UUID
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE locations SET area_id = ? WHERE id = ?`), area, p.id); err != nil {
			return 0, errs.Wrap(err, "relocate update")
		}
		if err := s.record(ctx, tx, actor, &kommuneID, audit.Update, "location", p.id.String(),
			map[string]any{"area_id": nullable(p.area)}, map[string]any{"area_id": nullable(now)}); err != nil {
			return 0, err
		}
		moved++
	}
	return moved, nil
}

func nullable(id uuid.NullUUID) any {
	if !id.Valid {
		return nil
	}
	return id.UUID
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// listAreas reads the current boundary set of a Kommune: its Areas not retired, by key. Locations are derived
// from these, and the pages and imports work with them.
func (s *Store) listAreas(ctx context.Context, db queryer, kommuneID uuid.UUID) ([]region.Area, error) {
	return s.queryAreas(ctx, db, `SELECT `+areaCols+` FROM areas WHERE kommune_id = ? AND valid_to IS NULL ORDER BY key`, kommuneID)
}

// listAllAreas reads every Area row of a Kommune, the retired ones too, by key.
func (s *Store) listAllAreas(ctx context.Context, db queryer, kommuneID uuid.UUID) ([]region.Area, error) {
	return s.queryAreas(ctx, db, `SELECT `+areaCols+` FROM areas WHERE kommune_id = ? ORDER BY key`, kommuneID)
}

func (s *Store) queryAreas(ctx context.Context, db queryer, query string, kommuneID uuid.UUID) ([]region.Area, error) {
	rows, err := db.QueryContext(ctx, s.q(query), kommuneID)
	if err != nil {
		return nil, errs.Wrap(err, "list areas")
	}
	defer rows.Close()
	var out []region.Area
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "list areas")
}

const areaCols = `id, kommune_id, key, name, geometry, children_0_2, children_3_5, children_6_9, children_10_15, children_16_20, version, updated_at`

func scanArea(row interface{ Scan(...any) error }) (region.Area, error) {
	var a region.Area
	var geo string
	c := &a.Children
	if err := row.Scan(&a.ID, &a.KommuneID, &a.Key, &a.Name, &geo, &c.Age0to2, &c.Age3to5, &c.Age6to9, &c.Age10to15,
		&c.Age16to20, &a.Version, &a.UpdatedAt); err != nil {
		return a, err
	}
	g, err := region.GeometryFromGeoJSON([]byte(geo))
	if err != nil {
		return a, errs.Wrap(err, "stored geometry of area "+a.ID.String())
	}
	a.Geometry = g
	return a, nil
}

// ListAreas returns the Sozialräume of a Kommune in scope, ordered by key.
func (s *Store) ListAreas(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) ([]region.Area, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	return s.listAreas(ctx, s.read, kommuneID)
}

// GetArea returns one Sozialraum in scope.
func (s *Store) GetArea(ctx context.Context, scope tenant.Scope, id uuid.UUID) (region.Area, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	a, err := scanArea(s.read.QueryRowContext(ctx, s.q(`SELECT `+areaCols+` FROM areas WHERE id = ? AND `+where), append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("area")
	}
	return a, errs.Wrap(err, "get area")
}

// IsEmpty reports whether the database holds no Kommune yet (demo and generator load only into empty ones).
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM kommunen`).Scan(&n); err != nil {
		return false, errs.Wrap(err, "count kommunen")
	}
	return n == 0, nil
}

// areaStarts reads the first day of the current version of each Area of a Kommune (none: valid since always)
// and the last day of the retired ones (none: not retired).
func (s *Store) areaStarts(ctx context.Context, db queryer, kommuneID uuid.UUID) (starts, ends map[uuid.UUID]*catalog.Date, err error) {
	rows, err := db.QueryContext(ctx, s.q(`SELECT id, valid_from, valid_to FROM areas WHERE kommune_id = ?`), kommuneID)
	if err != nil {
		return nil, nil, errs.Wrap(err, "area validity")
	}
	defer rows.Close()
	starts, ends = map[uuid.UUID]*catalog.Date{}, map[uuid.UUID]*catalog.Date{}
	for rows.Next() {
		var id uuid.UUID
		var from, to sql.NullTime
		if err := rows.Scan(&id, &from, &to); err != nil {
			return nil, nil, errs.Wrap(err, "scan area validity")
		}
		starts[id], ends[id] = datePtr(from), datePtr(to)
	}
	return starts, ends, errs.Wrap(rows.Err(), "area validity")
}

// closeAreaVersion keeps the current version of an Area in area_versions, valid up to the day before from, as
// a new version replaces it, and reports whether it kept it. A version that began on from itself is corrected
// rather than kept (it would be valid on no day); one that began after from cannot be replaced from an earlier
// day, which is refused with a message on the upload's i-th Area.
func (s *Store) closeAreaVersion(ctx context.Context, tx *sql.Tx, a region.Area, geo string, start, end *catalog.Date, from catalog.Date, i int) (kept bool, err error) {
	if start != nil && from.Before(*start) {
		var v errs.Validation
		v.Add("areas."+strconv.Itoa(i+1)+".valid_from", "validation.area_valid_from", map[string]any{"Value": from.String(),
			"Start": start.String()})
		return false, v.Err()
	}
	if start != nil && *start == from {
		return false, nil
	}
	until := catalog.DateOf(from.Time().AddDate(0, 0, -1))
	if end != nil && end.Before(until) {
		until = *end // a retired Area sent again: its old version ended when it was retired
	}
	c := a.Children
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO area_versions (area_id, version, kommune_id, key, name, geometry, children_0_2,
		children_3_5, children_6_9, children_10_15, children_16_20, valid_from, valid_to, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.Version, a.KommuneID, a.Key, a.Name, geo,
		c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, dateArg(start), until.Time(), s.now().UTC())
	return err == nil, errs.Wrap(err, "keep area version")
}

// AreaVersion is one version of a Sozialraum with the days it is valid on (nil: open end).
type AreaVersion struct {
	region.Area
	ValidFrom *catalog.Date `json:"valid_from,omitempty"`
	ValidTo   *catalog.Date `json:"valid_to,omitempty"`
	Current   bool          `json:"current"` // the version in the areas table, which locations are derived from; false once retired
}

// ValidAt reports whether the version is valid on day d.
func (v AreaVersion) ValidAt(d catalog.Date) bool { return ValidAt(v.ValidFrom, v.ValidTo, d) }

// AreaVersions lists every version of the Sozialräume of a Kommune in scope, by key and version.
func (s *Store) AreaVersions(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) ([]AreaVersion, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	return s.areaVersions(ctx, s.read, &kommuneID)
}

// AreasAt returns the Sozialräume of a Kommune in scope as they were on day d, ordered by key: for each Area
// the version valid then, none for an Area that did not exist yet.
func (s *Store) AreasAt(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, d catalog.Date) ([]region.Area, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	all, err := s.areaVersions(ctx, s.read, &kommuneID)
	if err != nil {
		return nil, err
	}
	areas, _ := versionsAt(all, d)
	return areas, nil
}

// versionsAt picks the versions valid on day d, ordered by Kommune and key; historic tells whether any of them
// is not the current version (then the locations' derived Areas do not hold for d).
func versionsAt(all []AreaVersion, d catalog.Date) (areas []region.Area, historic bool) {
	for _, v := range all {
		if v.ValidAt(d) {
			areas = append(areas, v.Area)
			historic = historic || !v.Current
		}
	}
	slices.SortStableFunc(areas, func(a, b region.Area) int {
		if c := bytes.Compare(a.KommuneID[:], b.KommuneID[:]); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return areas, historic
}

// areaVersions reads the versions of the Areas of one Kommune, or of every Kommune with kommuneID nil: the
// current rows and the kept ones, by Kommune, key and version.
func (s *Store) areaVersions(ctx context.Context, db queryer, kommuneID *uuid.UUID) ([]AreaVersion, error) {
	where, args := "", []any{}
	if kommuneID != nil {
		where, args = " WHERE kommune_id = ?", []any{*kommuneID}
	}
	var out []AreaVersion
	rows, err := db.QueryContext(ctx, s.q(`SELECT `+areaCols+`, valid_from, valid_to FROM areas`+where), args...)
	if err != nil {
		return nil, errs.Wrap(err, "area versions")
	}
	for rows.Next() {
		var from, to sql.NullTime
		a, err := scanArea(rowWith{rows, []any{&from, &to}})
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan area version")
		}
		// A retired Area is not current: locations are no longer derived from it, so an analysis of a day it
		// was valid on derives them again (versionsAt's historic).
		out = append(out, AreaVersion{Area: a, ValidFrom: datePtr(from), ValidTo: datePtr(to), Current: !to.Valid})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "area versions")
	}
	rows, err = db.QueryContext(ctx, s.q(`SELECT area_id, kommune_id, key, name, geometry, children_0_2, children_3_5, children_6_9,
		children_10_15, children_16_20, version, created_at, valid_from, valid_to FROM area_versions`+where), args...)
	if err != nil {
		return nil, errs.Wrap(err, "area versions")
	}
	defer rows.Close()
	for rows.Next() {
		var from, to sql.NullTime
		a, err := scanArea(rowWith{rows, []any{&from, &to}})
		if err != nil {
			return nil, errs.Wrap(err, "scan area version")
		}
		out = append(out, AreaVersion{Area: a, ValidFrom: datePtr(from), ValidTo: datePtr(to)})
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "area versions")
	}
	slices.SortFunc(out, func(a, b AreaVersion) int {
		if c := bytes.Compare(a.KommuneID[:], b.KommuneID[:]); c != 0 {
			return c
		}
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return a.Version - b.Version
	})
	return out, nil
}

// rowWith scans a row into the columns of scanArea followed by extra ones.
type rowWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

// areaVersionAt is the version of an Area valid at the end of an indicator period ("2025" → 31 Dec 2025,
// "2025-06" → 30 June, "2025-06-30"): statistics are counted on a Stichtag at the end of their period. A period
// it cannot read, or a day before every version, gives the current version.
func (s *Store) areaVersionAt(ctx context.Context, db queryer, areaID uuid.UUID, period string, current int) (int, error) {
	d, ok := periodEnd(period)
	if !ok {
		return current, nil
	}
	rows, err := db.QueryContext(ctx, s.q(`SELECT version, valid_from, valid_to FROM area_versions WHERE area_id = ?`), areaID)
	if err != nil {
		return 0, errs.Wrap(err, "area version of period")
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var from, to sql.NullTime
		if err := rows.Scan(&v, &from, &to); err != nil {
			return 0, errs.Wrap(err, "scan area version of period")
		}
		if ValidAt(datePtr(from), datePtr(to), d) {
			return v, nil
		}
	}
	return current, errs.Wrap(rows.Err(), "area version of period")
}

// periodEnd is the last day of an indicator period written as a year, a year and month, or a day.
func periodEnd(period string) (catalog.Date, bool) {
	for _, layout := range []struct {
		layout string
		end    func(time.Time) time.Time
	}{{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, -1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, -1) }},
		{time.DateOnly, func(t time.Time) time.Time { return t }}} {
		if t, err := time.Parse(layout.layout, strings.TrimSpace(period)); err == nil {
			return catalog.DateOf(layout.end(t)), true
		}
	}
	return catalog.Date{}, false
}
