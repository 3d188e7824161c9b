package store

import (
	"context"
	"database/sql"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/tenant"
)

// ChainViews lists the views of the Präventionskette a Kommune in scope publishes on its portal, in the order
// of portal.ChainViews; none means nothing is public. Which views are public is public itself, so the public
// scope may ask.
func (s *Store) ChainViews(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) ([]string, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT view FROM portal_chain_views WHERE kommune_id = ?`), kommuneID)
	if err != nil {
		return nil, errs.Wrap(err, "chain views")
	}
	defer rows.Close()
	var stored []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, errs.Wrap(err, "scan chain view")
		}
		stored = append(stored, v)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "chain views")
	}
	// A view a later version no longer knows is dropped rather than shown.
	out := []string{}
	for _, v := range portal.ChainViews {
		for _, x := range stored {
			if x == v {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// SaveChainViews replaces the published views of a Kommune; only its coordination or Land administration may.
func (s *Store) SaveChainViews(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, views []string) error {
	before, err := s.ChainViews(ctx, scope, kommuneID)
	if err != nil {
		return err
	}
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	views, err = portal.NormalizeChainViews(views)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM portal_chain_views WHERE kommune_id = ?`), kommuneID); err != nil {
			return errs.Wrap(err, "replace chain views")
		}
		for _, v := range views {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO portal_chain_views (kommune_id, view) VALUES (?, ?)`), kommuneID, v); err != nil {
				return errs.Wrap(err, "save chain view")
			}
		}
		return s.record(ctx, tx, actor, &kommuneID, audit.Update, "portal_chain_views", kommuneID.String(),
			map[string]any{"views": before}, map[string]any{"views": views})
	})
}
