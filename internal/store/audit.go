package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// record writes one audit entry inside the transaction of the change it describes, so a change without its
// entry cannot be committed.
func (s *Store) record(ctx context.Context, tx *sql.Tx, actor audit.Actor, kommuneID *uuid.UUID, action audit.Action,
	entity string, id string, before, after any) error {
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	var kid any
	if kommuneID != nil {
		kid = *kommuneID
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (at, actor, kommune_id, action, entity, entity_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), s.now().UTC(), actor.String(), kid, string(action), entity, id, b, a)
	return errs.Wrap(err, "audit")
}

func jsonOrNil(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, errs.Wrap(err, "audit json")
	}
	return string(b), nil
}

// ListAudit returns audit entries of the scope, newest first, optionally for one entity.
func (s *Store) ListAudit(ctx context.Context, scope tenant.Scope, f audit.Filter) ([]audit.Entry, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	if scope.PublishedOnly() {
		return nil, nil // the public sees no audit log
	}
	if f.Entity != "" {
		where += " AND entity = ?"
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where += " AND entity_id = ?"
		args = append(args, f.EntityID)
	}
	if f.KommuneID != uuid.Nil {
		where += " AND kommune_id = ?"
		args = append(args, f.KommuneID)
	}
	if f.Actor != "" {
		where += " AND actor = ?"
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		where += " AND action = ?"
		args = append(args, string(f.Action))
	}
	if !f.Since.IsZero() {
		where += " AND at >= ?"
		args = append(args, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		where += " AND at < ?"
		args = append(args, f.Until.UTC())
	}
	if f.BeforeID > 0 {
		where += " AND id < ?"
		args = append(args, f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, at, actor, kommune_id, action, entity, entity_id, before, after
		FROM audit_log WHERE `+where+` ORDER BY id DESC LIMIT ?`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "list audit")
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var kid uuid.NullUUID
		var before, after sql.NullString
		var at time.Time
		if err := rows.Scan(&e.ID, &at, &e.Actor, &kid, &e.Action, &e.Entity, &e.EntityID, &before, &after); err != nil {
			return nil, errs.Wrap(err, "scan audit")
		}
		e.At = at.UTC()
		if kid.Valid {
			e.KommuneID = &kid.UUID
		}
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "list audit")
}
