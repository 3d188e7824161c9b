package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/planning"
	"github.com/kette-org/kette/internal/taxonomy"
	"github.com/kette-org/kette/internal/tenant"
)

// mayReadPlanning keeps provider editors and the public out of a Kommune's planning.
func mayReadPlanning(scope tenant.Scope) error {
	if scope.Limited() || scope.PublishedOnly() || scope.Kind == 0 {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

// CreateCycle starts a planning cycle of a Kommune in scope with its five steps.
func (s *Store) CreateCycle(ctx context.Context, scope tenant.Scope, actor audit.Actor, c *planning.Cycle) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if _, err := s.GetKommune(ctx, scope, c.KommuneID); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	c.ID, c.CreatedAt, c.UpdatedAt = uuid.New(), now, now
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO planning_cycles (id, kommune_id, title, started_on, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`), c.ID, c.KommuneID, c.Title, c.StartedOn.String(), now, now); err != nil {
			return errs.Wrap(err, "create cycle")
		}
		for _, st := range planning.Steps() {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO planning_steps (cycle_id, step, notes) VALUES (?, ?, '')`), c.ID, string(st)); err != nil {
				return errs.Wrap(err, "create step")
			}
		}
		return s.record(ctx, tx, actor, &c.KommuneID, audit.Create, "planning_cycle", c.ID.String(), nil, c)
	})
}

// ListCycles lists the cycles of a Kommune, newest first, without their details.
func (s *Store) ListCycles(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) ([]planning.Cycle, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	if err := mayReadPlanning(scope); err != nil {
		return nil, err
	}
	where, args := s.scopeWhere(scope, "kommune_id")
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id FROM planning_cycles WHERE kommune_id = ? AND `+where+`
		ORDER BY started_on DESC, created_at DESC`), append([]any{kommuneID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "list cycles")
	}
	var ids []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan cycle")
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []planning.Cycle
	for _, id := range ids {
		c, err := s.GetCycle(ctx, scope, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// GetCycle returns a cycle in scope with its steps, measures and attachments (without their contents).
func (s *Store) GetCycle(ctx context.Context, scope tenant.Scope, id uuid.UUID) (planning.Cycle, error) {
	var c planning.Cycle
	where, args := s.scopeWhere(scope, "kommune_id")
	var started string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT id, kommune_id, title, started_on, created_at, updated_at FROM planning_cycles
		WHERE id = ? AND `+where), append([]any{id}, args...)...).Scan(&c.ID, &c.KommuneID, &c.Title, &started, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("planning_cycle")
	}
	if err != nil {
		return c, errs.Wrap(err, "get cycle")
	}
	// Tenant first, then role: another tenant's cycle is not found for anyone, one's own is forbidden to editors.
	if err := mayReadPlanning(scope); err != nil {
		return c, err
	}
	c.StartedOn, _ = catalog.ParseDate(started)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.Steps, err = s.cycleSteps(ctx, id); err != nil {
		return c, err
	}
	c.Current = planning.CurrentStep(c.Steps)
	if c.Measures, err = s.cycleMeasures(ctx, id); err != nil {
		return c, err
	}
	c.Files, err = s.cycleFiles(ctx, id)
	return c, err
}

func (s *Store) cycleSteps(ctx context.Context, id uuid.UUID) ([]planning.StepRecord, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT step, done_on, notes FROM planning_steps WHERE cycle_id = ?`), id)
	if err != nil {
		return nil, errs.Wrap(err, "cycle steps")
	}
	defer rows.Close()
	byStep := map[planning.Step]planning.StepRecord{}
	for rows.Next() {
		var r planning.StepRecord
		var step string
		var done sql.NullString
		if err := rows.Scan(&step, &done, &r.Notes); err != nil {
			return nil, errs.Wrap(err, "scan step")
		}
		r.Step = planning.Step(step)
		if done.Valid {
			if d, err := catalog.ParseDate(done.String); err == nil {
				r.DoneOn = &d
			}
		}
		byStep[r.Step] = r
	}
	var out []planning.StepRecord
	for _, st := range planning.Steps() {
		r := byStep[st]
		r.Step = st
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "cycle steps")
}

func (s *Store) cycleMeasures(ctx context.Context, id uuid.UUID) ([]planning.Measure, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT m.id, m.cycle_id, m.kommune_id, m.title, m.area_id, a.name, m.phase, m.field,
		m.transition, m.offer_id, COALESCE(o.name, ''), m.status, m.due_on, m.notes, m.updated_at
		FROM planning_measures m JOIN areas a ON a.id = m.area_id LEFT JOIN offers o ON o.id = m.offer_id
		WHERE m.cycle_id = ? ORDER BY m.updated_at, m.id`), id)
	if err != nil {
		return nil, errs.Wrap(err, "cycle measures")
	}
	defer rows.Close()
	var out []planning.Measure
	for rows.Next() {
		var m planning.Measure
		var offer uuid.NullUUID
		var status string
		var due sql.NullString
		if err := rows.Scan(&m.ID, &m.CycleID, &m.KommuneID, &m.Title, &m.AreaID, &m.AreaName, &m.Phase, &m.Field, &m.Transition,
			&offer, &m.OfferName, &status, &due, &m.Notes, &m.UpdatedAt); err != nil {
			return nil, errs.Wrap(err, "scan measure")
		}
		m.Status, m.UpdatedAt = planning.MeasureStatus(status), m.UpdatedAt.UTC()
		if offer.Valid {
			m.OfferID = &offer.UUID
		}
		if due.Valid {
			if d, err := catalog.ParseDate(due.String); err == nil {
				m.DueOn = &d
			}
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "cycle measures")
}

func (s *Store) cycleFiles(ctx context.Context, id uuid.UUID) ([]planning.Attachment, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, cycle_id, kommune_id, step, filename, content_type, LENGTH(data), created_at
		FROM planning_attachments WHERE cycle_id = ? ORDER BY created_at, id`), id)
	if err != nil {
		return nil, errs.Wrap(err, "cycle attachments")
	}
	defer rows.Close()
	var out []planning.Attachment
	for rows.Next() {
		var a planning.Attachment
		var step string
		if err := rows.Scan(&a.ID, &a.CycleID, &a.KommuneID, &step, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "scan attachment")
		}
		a.Step, a.CreatedAt = planning.Step(step), a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "cycle attachments")
}

// SaveStep records the date and notes of a step.
func (s *Store) SaveStep(ctx context.Context, scope tenant.Scope, actor audit.Actor, cycleID uuid.UUID, r planning.StepRecord) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	c, err := s.GetCycle(ctx, scope, cycleID)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	var done any
	if r.DoneOn != nil {
		done = r.DoneOn.String()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE planning_steps SET done_on = ?, notes = ? WHERE cycle_id = ? AND step = ?`),
			done, r.Notes, cycleID, string(r.Step)); err != nil {
			return errs.Wrap(err, "save step")
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE planning_cycles SET updated_at = ? WHERE id = ?`), s.now().UTC(), cycleID); err != nil {
			return errs.Wrap(err, "touch cycle")
		}
		return s.record(ctx, tx, actor, &c.KommuneID, audit.Update, "planning_step", cycleID.String()+"/"+string(r.Step), nil, r)
	})
}

// AddAttachment keeps a report with a step of a cycle.
func (s *Store) AddAttachment(ctx context.Context, scope tenant.Scope, actor audit.Actor, a *planning.Attachment) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	c, err := s.GetCycle(ctx, scope, a.CycleID)
	if err != nil {
		return err
	}
	var v errs.Validation
	switch {
	case !a.Step.Valid():
		v.Add("step", "validation.unknown_code", map[string]any{"Value": string(a.Step)})
	case len(a.Data) == 0:
		v.Add("file", "validation.required", nil)
	case len(a.Data) > planning.MaxAttachment:
		v.Add("file", "planning.validation.file_size", map[string]any{"Max": planning.MaxAttachment >> 20})
	case !planning.AllowedTypes[a.ContentType]:
		v.Add("file", "planning.validation.file_type", nil)
	}
	if err := v.Err(); err != nil {
		return err
	}
	a.ID, a.KommuneID, a.CreatedAt, a.Size = uuid.New(), c.KommuneID, s.now().UTC(), len(a.Data)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO planning_attachments (id, cycle_id, kommune_id, step, filename, content_type,
			data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, a.CycleID, a.KommuneID, string(a.Step), a.Filename,
			a.ContentType, a.Data, a.CreatedAt); err != nil {
			return errs.Wrap(err, "add attachment")
		}
		return s.record(ctx, tx, actor, &a.KommuneID, audit.Create, "planning_attachment", a.ID.String(), nil, a)
	})
}

// GetAttachment returns an attachment in scope with its contents.
func (s *Store) GetAttachment(ctx context.Context, scope tenant.Scope, id uuid.UUID) (planning.Attachment, error) {
	var a planning.Attachment
	where, args := s.scopeWhere(scope, "kommune_id")
	var step string
	err := s.read.QueryRowContext(ctx, s.q(`SELECT id, cycle_id, kommune_id, step, filename, content_type, data, created_at
		FROM planning_attachments WHERE id = ? AND `+where), append([]any{id}, args...)...).Scan(&a.ID, &a.CycleID, &a.KommuneID,
		&step, &a.Filename, &a.ContentType, &a.Data, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("planning_attachment")
	}
	if err != nil {
		return a, errs.Wrap(err, "get attachment")
	}
	a.Step, a.Size = planning.Step(step), len(a.Data)
	return a, mayReadPlanning(scope)
}

// SaveMeasure creates (ID nil) or updates a measure of a cycle. Its gap must be an Area of the Kommune with
// known codes; its offer, when named, an offer of the same Kommune.
func (s *Store) SaveMeasure(ctx context.Context, scope tenant.Scope, actor audit.Actor, m *planning.Measure) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	c, err := s.GetCycle(ctx, scope, m.CycleID)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	var v errs.Validation
	if a, err := s.GetArea(ctx, scope, m.AreaID); err != nil || a.KommuneID != c.KommuneID {
		v.Add("gap", "planning.validation.gap_required", nil)
	}
	for taxo, code := range map[string]string{taxonomy.Phase: m.Phase, taxonomy.Field: m.Field, taxonomy.Transition: m.Transition} {
		if code != "" && !s.tax.Has(taxo, code) {
			v.Add("gap", "validation.unknown_code", map[string]any{"Value": code})
		}
	}
	if m.OfferID != nil {
		if o, err := s.GetOffer(ctx, scope, *m.OfferID); err != nil || o.KommuneID != c.KommuneID {
			v.Add("offer_id", "planning.validation.offer", nil)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	m.KommuneID, m.UpdatedAt = c.KommuneID, s.now().UTC()
	var due, offer any
	if m.DueOn != nil {
		due = m.DueOn.String()
	}
	if m.OfferID != nil {
		offer = *m.OfferID
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		action := audit.Update
		if m.ID == uuid.Nil {
			action, m.ID = audit.Create, uuid.New()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO planning_measures (id, cycle_id, kommune_id, title, area_id, phase, field,
				transition, offer_id, status, due_on, notes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				m.ID, m.CycleID, m.KommuneID, m.Title, m.AreaID, m.Phase, m.Field, m.Transition, offer, string(m.Status), due,
				m.Notes, m.UpdatedAt); err != nil {
				return errs.Wrap(err, "create measure")
			}
		} else {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE planning_measures SET title = ?, area_id = ?, phase = ?, field = ?, transition = ?,
				offer_id = ?, status = ?, due_on = ?, notes = ?, updated_at = ? WHERE id = ? AND cycle_id = ?`), m.Title, m.AreaID,
				m.Phase, m.Field, m.Transition, offer, string(m.Status), due, m.Notes, m.UpdatedAt, m.ID, m.CycleID)
			if err != nil {
				return errs.Wrap(err, "update measure")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return notFound("planning_measure")
			}
		}
		return s.record(ctx, tx, actor, &m.KommuneID, action, "planning_measure", m.ID.String(), nil, m)
	})
}

// GetMeasure returns a measure in scope.
func (s *Store) GetMeasure(ctx context.Context, scope tenant.Scope, id uuid.UUID) (planning.Measure, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	var cycle uuid.UUID
	err := s.read.QueryRowContext(ctx, s.q(`SELECT cycle_id FROM planning_measures WHERE id = ? AND `+where),
		append([]any{id}, args...)...).Scan(&cycle)
	if errors.Is(err, sql.ErrNoRows) {
		return planning.Measure{}, notFound("planning_measure")
	}
	if err != nil {
		return planning.Measure{}, errs.Wrap(err, "get measure")
	}
	c, err := s.GetCycle(ctx, scope, cycle)
	if err != nil {
		return planning.Measure{}, err
	}
	for _, m := range c.Measures {
		if m.ID == id {
			return m, nil
		}
	}
	return planning.Measure{}, notFound("planning_measure")
}
