package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// pendingArea is one Area of a pending upload as stored: the polygon as GeoJSON, since orb's geometries do
// not read back from JSON on their own.
type pendingArea struct {
	Key      string          `json:"key"`
	Name     string          `json:"name"`
	Children region.Children `json:"children"`
	Geometry json.RawMessage `json:"geometry"`
}

// SavePendingAreaSet keeps a complete boundary set of a Kommune in scope until its coordinator confirms it
// (ApplyPendingAreaSet), replacing an earlier one of the Kommune, and returns its id. The set is checked first,
// so only an upload that could be applied waits.
func (s *Store) SavePendingAreaSet(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, areas []region.Area,
	from catalog.Date) (uuid.UUID, error) {
	if _, err := s.PlanAreaSet(ctx, scope, actor, kommuneID, areas, from); err != nil {
		return uuid.Nil, err
	}
	stored := make([]pendingArea, len(areas))
	for i, a := range areas {
		geo, err := region.GeoJSON(a.Geometry)
		if err != nil {
			return uuid.Nil, errs.Wrap(err, "encode geometry")
		}
		stored[i] = pendingArea{Key: a.Key, Name: a.Name, Children: a.Children, Geometry: geo}
	}
	b, err := json.Marshal(stored)
	if err != nil {
		return uuid.Nil, errs.Wrap(err, "encode pending areas")
	}
	id := uuid.New()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM area_uploads WHERE kommune_id = ?`), kommuneID); err != nil {
			return errs.Wrap(err, "replace pending areas")
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO area_uploads (id, kommune_id, valid_from, areas, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`), id, kommuneID, from.Time(), string(b), actor.String(), s.now().UTC())
		return errs.Wrap(err, "save pending areas")
	})
	return id, err
}

// ApplyPendingAreaSet applies a pending boundary set of a Kommune in scope with ReplaceAreasFrom (ended are
// the keys shown as ending) and removes it, in one transaction. A set of another Kommune, or one already
// applied or replaced, is not found.
func (s *Store) ApplyPendingAreaSet(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID, id uuid.UUID, ended []string) (AreaUpload, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return AreaUpload{}, err
	}
	if !scope.MayAdminister() {
		return AreaUpload{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	var raw string
	var from sql.NullTime
	err := s.read.QueryRowContext(ctx, s.q(`SELECT areas, valid_from FROM area_uploads WHERE id = ? AND kommune_id = ?`), id, kommuneID).Scan(&raw, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return AreaUpload{}, errs.E(errs.NotFound, "areaupload.gone")
	}
	if err != nil {
		return AreaUpload{}, errs.Wrap(err, "read pending areas")
	}
	var stored []pendingArea
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return AreaUpload{}, errs.Wrap(err, "decode pending areas")
	}
	areas := make([]region.Area, len(stored))
	for i, p := range stored {
		g, err := region.GeometryFromGeoJSON(p.Geometry)
		if err != nil {
			return AreaUpload{}, errs.Wrap(err, "decode pending geometry")
		}
		areas[i] = region.Area{KommuneID: kommuneID, Key: p.Key, Name: p.Name, Children: p.Children, Geometry: g}
	}
	return s.upsertAreas(ctx, scope, actor, kommuneID, areas, *datePtr(from), areaMode{complete: true, check: true, ended: ended,
		also: func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, s.q(`DELETE FROM area_uploads WHERE id = ?`), id)
			if err != nil {
				return errs.Wrap(err, "remove pending areas")
			}
			if n, err := r.RowsAffected(); err == nil && n != 1 {
				return errs.E(errs.Conflict, "areaupload.changed") // applied or replaced meanwhile
			}
			return nil
		}})
}
