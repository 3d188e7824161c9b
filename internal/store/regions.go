package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
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

// AreaUpload is what UpsertAreas did.
type AreaUpload struct {
	Created, Updated int
	// Relocated counts the locations whose Sozialraum changed.
	Relocated int
}

// UpsertAreas stores the Sozialräume of one Kommune in scope in one transaction: an Area whose key the Kommune
// already has is updated (name, polygon, child counts; its version goes up), any other is created; Areas not
// named stay. Then every location of the Kommune gets its Area derived again. Either all Areas are saved or
// none. Sozialräume decide the planning of the whole Kommune, so provider editors may not change them.
func (s *Store) UpsertAreas(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area) (AreaUpload, error) {
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
		existing, err := s.listAreas(ctx, tx, kommuneID)
		if err != nil {
			return err
		}
		byKey := map[string]region.Area{}
		for _, e := range existing {
			byKey[e.Key] = e
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
					children_3_5, children_6_9, children_10_15, children_16_20, version, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.KommuneID, a.Key, a.Name, string(geos[i]),
					c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, a.Version, now, now); err != nil {
					return errs.Wrap(err, "create area")
				}
				if err := s.record(ctx, tx, actor, &kommuneID, audit.Create, "area", a.ID.String(), nil, areaAudit(a, geos[i])); err != nil {
					return err
				}
				res.Created++
				continue
			}
			a.ID, a.Version, a.UpdatedAt = before.ID, before.Version+1, now
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE areas SET name = ?, geometry = ?, children_0_2 = ?, children_3_5 = ?,
				children_6_9 = ?, children_10_15 = ?, children_16_20 = ?, version = ?, updated_at = ? WHERE id = ?`),
				a.Name, string(geos[i]), c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, a.Version, now, a.ID); err != nil {
				return errs.Wrap(err, "update area")
			}
			oldGeo, err := region.GeoJSON(before.Geometry)
			if err != nil {
				return errs.Wrap(err, "encode geometry")
			}
			if err := s.record(ctx, tx, actor, &kommuneID, audit.Update, "area", a.ID.String(), areaAudit(&before, oldGeo),
				areaAudit(a, geos[i])); err != nil {
				return err
			}
			res.Updated++
		}
		res.Relocated, err = s.relocate(ctx, tx, actor, kommuneID)
		return err
	})
	if err != nil {
		return AreaUpload{}, err
	}
	return res, nil
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

func (s *Store) listAreas(ctx context.Context, db queryer, kommuneID uuid.UUID) ([]region.Area, error) {
	rows, err := db.QueryContext(ctx, s.q(`SELECT `+areaCols+` FROM areas WHERE kommune_id = ? ORDER BY key`), kommuneID)
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
