package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// seedIndicators writes the built-in indicator catalogue; entries are upserted, never deleted, because stored
// values may still refer to a retired code.
func (s *Store) seedIndicators(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, ind := range indicator.Catalogue() {
			levels := make([]string, len(ind.Levels))
			for i, l := range ind.Levels {
				levels[i] = string(l)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO indicators (code, name_de, name_en, short_de, unit, kind, polarity,
				levels, source, licence, description, age_band, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name_de = excluded.name_de, name_en = excluded.name_en, short_de = excluded.short_de,
				unit = excluded.unit, kind = excluded.kind, polarity = excluded.polarity, levels = excluded.levels,
				source = excluded.source, licence = excluded.licence, description = excluded.description,
				age_band = excluded.age_band, sort = excluded.sort`),
				ind.Code, ind.NameDE, ind.NameEN, ind.ShortDE, ind.Unit, string(ind.Kind), string(ind.Polarity), strings.Join(levels, ","),
				ind.Source, ind.Licence, ind.Description, ind.AgeBand, ind.Sort); err != nil {
				return errs.Wrap(err, "seed indicator "+ind.Code)
			}
		}
		return nil
	})
}

// ListIndicators returns the indicator catalogue as stored, in display order. The catalogue is the same for
// every tenant and holds no values, so it needs no scope.
func (s *Store) ListIndicators(ctx context.Context) ([]indicator.Indicator, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name_de, name_en, short_de, unit, kind, polarity, levels, source, licence,
		description, age_band, sort FROM indicators ORDER BY sort, code`)
	if err != nil {
		return nil, errs.Wrap(err, "list indicators")
	}
	defer rows.Close()
	aliases := map[string][]string{}
	for _, b := range indicator.Catalogue() {
		aliases[b.Code] = b.Aliases
	}
	var out []indicator.Indicator
	for rows.Next() {
		var ind indicator.Indicator
		var kind, polarity, levels string
		if err := rows.Scan(&ind.Code, &ind.NameDE, &ind.NameEN, &ind.ShortDE, &ind.Unit, &kind, &polarity, &levels, &ind.Source,
			&ind.Licence, &ind.Description, &ind.AgeBand, &ind.Sort); err != nil {
			return nil, errs.Wrap(err, "scan indicator")
		}
		ind.Kind, ind.Polarity, ind.Aliases = indicator.Kind(kind), indicator.Polarity(polarity), aliases[ind.Code]
		for _, l := range strings.Split(levels, ",") {
			ind.Levels = append(ind.Levels, indicator.Level(l))
		}
		out = append(out, ind)
	}
	return out, errs.Wrap(rows.Err(), "list indicators")
}

// GetIndicator returns one indicator of the catalogue.
func (s *Store) GetIndicator(ctx context.Context, code string) (indicator.Indicator, error) {
	cat, err := s.ListIndicators(ctx)
	if err != nil {
		return indicator.Indicator{}, err
	}
	for _, ind := range cat {
		if ind.Code == code {
			return ind, nil
		}
	}
	return indicator.Indicator{}, notFound("indicator")
}

// mayReadIndicators keeps the anonymous public out of the values: what a Kommune publishes is decided by the
// doors that show it, with suppression.
func mayReadIndicators(scope tenant.Scope) error {
	if scope.PublishedOnly() || scope.Kind == 0 {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

// indicatorRegions collects the regions an import in scope may write to: the Kommune named by kommuneAGS with
// its Sozialräume, or, without one, every Kommune of the scope (keyed by AGS, ARS or Kreis key).
func (s *Store) indicatorRegions(ctx context.Context, scope tenant.Scope, kommuneAGS string) (indicator.Regions, error) {
	var reg indicator.Regions
	if kommuneAGS != "" {
		k, err := s.GetKommuneByAGS(ctx, scope, kommuneAGS)
		if err != nil {
			return reg, err
		}
		ref := kommuneRef(k)
		reg.Only, reg.Kommunen = &ref, []indicator.KommuneRef{ref}
		// Ended Areas too: values of past periods were measured on them.
		areas, err := s.listAllAreas(ctx, s.read, k.ID)
		if err != nil {
			return reg, err
		}
		for _, a := range areas {
			reg.Areas = append(reg.Areas, indicator.AreaRef{ID: a.ID, KommuneID: a.KommuneID, Key: a.Key, Name: a.Name, Version: a.Version})
		}
		return reg, nil
	}
	list, err := s.ListKommunen(ctx, scope)
	if err != nil {
		return reg, err
	}
	for _, k := range list {
		reg.Kommunen = append(reg.Kommunen, kommuneRef(k.Kommune))
	}
	return reg, nil
}

func kommuneRef(k region.Kommune) indicator.KommuneRef {
	return indicator.KommuneRef{ID: k.ID, AGS: k.AGS, ARS: k.ARS, Name: k.Name, Type: k.Type}
}

// existingValues reads the stored values of the Kommunen of reg, keyed for the preview.
func (s *Store) existingValues(ctx context.Context, db queryer, reg indicator.Regions) (map[indicator.Key]indicator.Value, error) {
	out := map[indicator.Key]indicator.Value{}
	if len(reg.Kommunen) == 0 {
		return out, nil
	}
	args := make([]any, len(reg.Kommunen))
	marks := make([]string, len(reg.Kommunen))
	for i, k := range reg.Kommunen {
		args[i], marks[i] = k.ID, "?"
	}
	rows, err := db.QueryContext(ctx, s.q(`SELECT indicator, kommune_id, area_id, region_id, area_version, period, value, count
		FROM indicator_values WHERE kommune_id IN (`+strings.Join(marks, ",")+`)`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "existing indicator values")
	}
	defer rows.Close()
	for rows.Next() {
		var v indicator.Value
		var area uuid.NullUUID
		var regionID uuid.UUID
		var count sql.NullInt64
		if err := rows.Scan(&v.Indicator, &v.KommuneID, &area, &regionID, &v.AreaVersion, &v.Period, &v.Value, &count); err != nil {
			return nil, errs.Wrap(err, "scan indicator value")
		}
		if area.Valid {
			v.AreaID = &area.UUID
		}
		if count.Valid {
			n := count.Int64
			v.Count = &n
		}
		out[indicator.Key{Indicator: v.Indicator, Region: regionID, Period: v.Period}] = v
	}
	return out, errs.Wrap(rows.Err(), "existing indicator values")
}

// PreviewIndicatorImport computes what importing the parsed file would change, without changing anything.
// kommuneAGS names the Kommune the file is for (needed for values of Sozialräume); empty means the file names
// Kommunen of the scope by AGS, ARS or Kreis key. The preview lists the problems only the database can find
// (unknown region keys, duplicate rows); its Err is the error to show when there are any.
func (s *Store) PreviewIndicatorImport(ctx context.Context, scope tenant.Scope, kommuneAGS string, f indicator.File) (indicator.Preview, error) {
	if !scope.MayAdminister() {
		return indicator.Preview{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	reg, err := s.indicatorRegions(ctx, scope, kommuneAGS)
	if err != nil {
		return indicator.Preview{}, err
	}
	cat, err := s.ListIndicators(ctx)
	if err != nil {
		return indicator.Preview{}, err
	}
	existing, err := s.existingValues(ctx, s.read, reg)
	if err != nil {
		return indicator.Preview{}, err
	}
	return indicator.BuildPreview(f, cat, reg, existing), nil
}

// ApplyIndicatorImport imports the parsed file in one transaction: the preview is computed again inside it,
// and when it has any problem nothing is written and its Err is returned. Otherwise every new or changed value
// is written, each Kommune concerned gets one audit entry listing the changes, and the child counts of a
// Sozialraum (the children_* series) are copied to the Area when they are its latest, so that the gap
// analysis, which reads the Areas, counts the same children.
func (s *Store) ApplyIndicatorImport(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneAGS string, f indicator.File) (indicator.Preview, error) {
	if !scope.MayAdminister() {
		return indicator.Preview{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	reg, err := s.indicatorRegions(ctx, scope, kommuneAGS)
	if err != nil {
		return indicator.Preview{}, err
	}
	cat, err := s.ListIndicators(ctx)
	if err != nil {
		return indicator.Preview{}, err
	}
	var p indicator.Preview
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := s.existingValues(ctx, tx, reg)
		if err != nil {
			return err
		}
		p = indicator.BuildPreview(f, cat, reg, existing)
		if err := p.Err(); err != nil {
			return err
		}
		now := s.now().UTC()
		type change struct {
			Indicator string   `json:"indicator"`
			Region    string   `json:"region"`
			Period    string   `json:"period"`
			Old       *float64 `json:"old,omitempty"`
			New       float64  `json:"new"`
		}
		perKommune := map[uuid.UUID][]change{}
		children := map[uuid.UUID]bool{} // Areas whose child counts were imported
		for _, r := range p.Rows {
			if r.Change == indicator.ChangeUnchanged {
				continue
			}
			v := r.Value
			regionID, area := v.KommuneID, any(nil)
			if v.AreaID != nil {
				regionID, area = *v.AreaID, *v.AreaID
				// the value refers to the Sozialraum as it was in its period, not as it is now
				if v.AreaVersion, err = s.areaVersionAt(ctx, tx, *v.AreaID, v.Period, v.AreaVersion); err != nil {
					return err
				}
			}
			var count any
			if v.Count != nil {
				count = *v.Count
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO indicator_values (indicator, kommune_id, area_id, region_id, area_version,
				period, value, count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (indicator, region_id, period) DO UPDATE SET value = excluded.value, count = excluded.count,
				area_version = excluded.area_version, updated_at = excluded.updated_at`),
				v.Indicator, v.KommuneID, area, regionID, v.AreaVersion, v.Period, v.Value, count, now); err != nil {
				return errs.Wrap(err, "write indicator value")
			}
			c := change{Indicator: v.Indicator, Region: v.RegionKey, Period: v.Period, New: v.Value}
			if r.Old != nil {
				old := r.Old.Value
				c.Old = &old
			}
			perKommune[v.KommuneID] = append(perKommune[v.KommuneID], c)
			if v.AreaID != nil && strings.HasPrefix(v.Indicator, "children_") {
				children[*v.AreaID] = true
			}
		}
		ids := make([]uuid.UUID, 0, len(perKommune))
		for id := range perKommune {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
		for _, id := range ids {
			kid := id
			summary := map[string]any{"file": f.Name, "format": f.Format, "new": p.New, "changed": p.Changed,
				"unchanged": p.Unchanged, "values": perKommune[id]}
			if err := s.record(ctx, tx, actor, &kid, audit.Create, "indicator_import", uuid.NewString(), nil, summary); err != nil {
				return err
			}
		}
		return s.syncAreaChildren(ctx, tx, actor, children, now)
	})
	return p, err
}

// syncAreaChildren copies the latest imported child counts of each Area to its row. The Area's version stays:
// it counts boundary changes, which a new count is not.
func (s *Store) syncAreaChildren(ctx context.Context, tx *sql.Tx, actor audit.Actor, areas map[uuid.UUID]bool, now any) error {
	ids := make([]uuid.UUID, 0, len(areas))
	for id := range areas {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
	for _, id := range ids {
		a, err := scanArea(tx.QueryRowContext(ctx, s.q(`SELECT `+areaCols+` FROM areas WHERE id = ?`), id))
		if err != nil {
			return errs.Wrap(err, "area of child counts")
		}
		before := a.Children
		c := &a.Children
		targets := map[string]*int{"children_0_2": &c.Age0to2, "children_3_5": &c.Age3to5, "children_6_9": &c.Age6to9,
			"children_10_15": &c.Age10to15, "children_16_20": &c.Age16to20}
		for _, band := range region.AgeBands {
			code := indicator.ChildrenCode(band)
			var v sql.NullFloat64
			err := tx.QueryRowContext(ctx, s.q(`SELECT value FROM indicator_values WHERE indicator = ? AND region_id = ?
				ORDER BY period DESC LIMIT 1`), code, id).Scan(&v)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return errs.Wrap(err, "latest child count")
			}
			if v.Valid {
				*targets[code] = int(v.Float64)
			}
		}
		if a.Children == before {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE areas SET children_0_2 = ?, children_3_5 = ?, children_6_9 = ?,
			children_10_15 = ?, children_16_20 = ?, updated_at = ? WHERE id = ?`),
			c.Age0to2, c.Age3to5, c.Age6to9, c.Age10to15, c.Age16to20, now, id); err != nil {
			return errs.Wrap(err, "update child counts")
		}
		kid := a.KommuneID
		if err := s.record(ctx, tx, actor, &kid, audit.Update, "area", id.String(), map[string]any{"children": before},
			map[string]any{"children": a.Children}); err != nil {
			return err
		}
	}
	return nil
}

// IndicatorFilter narrows ListIndicatorValues.
type IndicatorFilter struct {
	Indicator string // a code; empty: all
	Period    string // empty: all periods
	AreasOnly bool   // only the values of Sozialräume, not of the Kommune itself
}

// ListIndicatorValues returns the values of a Kommune in scope and of its Sozialräume, ordered by indicator
// (catalogue order), region (the Kommune first, then the Areas by key) and period. The values are raw: a door
// that shows or exports them must pass each through indicator.Privacy.Disclose.
func (s *Store) ListIndicatorValues(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, f IndicatorFilter) ([]indicator.Value, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return nil, err
	}
	if err := mayReadIndicators(scope); err != nil {
		return nil, err
	}
	where, args := "v.kommune_id = ?", []any{k.ID}
	if f.Indicator != "" {
		where += " AND v.indicator = ?"
		args = append(args, f.Indicator)
	}
	if f.Period != "" {
		where += " AND v.period = ?"
		args = append(args, f.Period)
	}
	if f.AreasOnly {
		where += " AND v.area_id IS NOT NULL"
	}
	return s.queryValues(ctx, k, where, args)
}

func (s *Store) queryValues(ctx context.Context, k region.Kommune, where string, args []any) ([]indicator.Value, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT v.indicator, v.area_id, v.area_version, v.period, v.value, v.count,
		COALESCE(a.key, ''), COALESCE(a.name, '')
		FROM indicator_values v JOIN indicators i ON i.code = v.indicator LEFT JOIN areas a ON a.id = v.area_id
		WHERE `+where+` ORDER BY i.sort, v.indicator, CASE WHEN v.area_id IS NULL THEN 0 ELSE 1 END, a.key, v.period`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "list indicator values")
	}
	defer rows.Close()
	var out []indicator.Value
	for rows.Next() {
		v := indicator.Value{KommuneID: k.ID, RegionKey: k.AGS, RegionName: k.Name}
		var area uuid.NullUUID
		var count sql.NullInt64
		var key, name string
		if err := rows.Scan(&v.Indicator, &area, &v.AreaVersion, &v.Period, &v.Value, &count, &key, &name); err != nil {
			return nil, errs.Wrap(err, "scan indicator value")
		}
		if area.Valid {
			v.AreaID, v.RegionKey, v.RegionName = &area.UUID, key, name
		}
		if count.Valid {
			n := count.Int64
			v.Count = &n
		}
		out = append(out, v)
	}
	return out, errs.Wrap(rows.Err(), "list indicator values")
}

// IndicatorSeries returns the time series of one indicator for a Kommune in scope (areaID nil) or one of its
// Sozialräume, oldest period first. Raw values: doors pass them through indicator.Privacy.Disclose.
func (s *Store) IndicatorSeries(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, areaID *uuid.UUID, code string) ([]indicator.Value, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return nil, err
	}
	if err := mayReadIndicators(scope); err != nil {
		return nil, err
	}
	if _, err := s.GetIndicator(ctx, code); err != nil {
		return nil, err
	}
	where, args := "v.kommune_id = ? AND v.indicator = ? AND v.area_id IS NULL", []any{k.ID, code}
	if areaID != nil {
		if a, err := s.GetArea(ctx, scope, *areaID); err != nil || a.KommuneID != k.ID {
			return nil, notFound("area")
		}
		where, args = "v.kommune_id = ? AND v.indicator = ? AND v.area_id = ?", []any{k.ID, code, *areaID}
	}
	return s.queryValues(ctx, k, where, args)
}

// NeedWeight names an indicator of a need index and its weight.
type NeedWeight struct {
	Indicator string
	Weight    float64
}

// NeedIndex computes the Bedarfsindex of the Sozialräume of a Kommune in scope from the weighted indicators.
// For each indicator the period is the given one or, when empty, the latest period with values of its Areas.
// Values that privacy suppresses count as missing, so that nothing hidden can be read back from the index.
func (s *Store) NeedIndex(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, privacy indicator.Privacy,
	weights []NeedWeight, period string) (indicator.NeedIndexResult, []region.Area, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return indicator.NeedIndexResult{}, nil, err
	}
	if err := mayReadIndicators(scope); err != nil {
		return indicator.NeedIndexResult{}, nil, err
	}
	areas, err := s.listAreas(ctx, s.read, k.ID)
	if err != nil {
		return indicator.NeedIndexResult{}, nil, err
	}
	ids := make([]uuid.UUID, len(areas))
	for i, a := range areas {
		ids[i] = a.ID
	}
	var ws []indicator.Weight
	var vals []indicator.AreaValues
	var v errs.Validation
	for _, w := range weights {
		ind, err := s.GetIndicator(ctx, w.Indicator)
		if err != nil {
			v.Add("weights."+w.Indicator, "validation.unknown_code", map[string]any{"Value": w.Indicator})
			continue
		}
		list, err := s.ListIndicatorValues(ctx, scope, k.ID, IndicatorFilter{Indicator: ind.Code, Period: period, AreasOnly: true})
		if err != nil {
			return indicator.NeedIndexResult{}, nil, err
		}
		latest := period
		for _, x := range list {
			if x.Period > latest && period == "" {
				latest = x.Period
			}
		}
		av := indicator.AreaValues{}
		for _, x := range list {
			if x.Period != latest {
				continue
			}
			if shown, ok := privacy.Disclose(ind, x); ok {
				av[*x.AreaID] = shown
			}
		}
		ws = append(ws, indicator.Weight{Indicator: ind, Weight: w.Weight})
		vals = append(vals, av)
	}
	if err := v.Err(); err != nil {
		return indicator.NeedIndexResult{}, nil, err
	}
	res, err := indicator.ComputeNeedIndex(ids, ws, vals)
	return res, areas, err
}
