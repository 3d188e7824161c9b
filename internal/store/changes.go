package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/workflow"
)

// changeScope is the tenant condition on change requests: the Kommune or Land, and for a provider editor only
// the requests of their organizations.
func (s *Store) changeScope(scope tenant.Scope) (string, []any) {
	if scope.PublishedOnly() {
		return "1=0", nil // the public sees no proposals
	}
	where, args := s.scopeWhere(scope, "c.kommune_id")
	if scope.Limited() {
		where += " AND c.organization_id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(scope.OrganizationIDs)), ",") + ")"
		for _, id := range scope.OrganizationIDs {
			args = append(args, id)
		}
	}
	return where, args
}

// mayReview refuses provider editors and the public: only coordinators and Land administrators decide.
func mayReview(scope tenant.Scope) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "workflow.error.not_reviewer")
	}
	return nil
}

// SaveChange stores a draft: a new offer (Proposed.ID nil) or a change to a published offer. An open request
// (cr.ID set) is updated instead; a returned one becomes a draft again. There is at most one open request per
// offer, so two people cannot propose competing versions unnoticed.
func (s *Store) SaveChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, authorID uuid.UUID, cr *workflow.ChangeRequest) error {
	if cr.ID != uuid.Nil {
		return s.updateChange(ctx, scope, actor, cr)
	}
	p := &cr.Proposed
	cr.Kind, cr.Base = workflow.Create, nil
	if p.ID != uuid.Nil {
		base, err := s.GetOffer(ctx, scope, p.ID)
		if err != nil {
			return err
		}
		if !scope.MayChange(base.OrganizationID) {
			return errs.E(errs.Forbidden, "error.forbidden")
		}
		cr.Kind, cr.Base = workflow.Update, &base
		p.LastConfirmedAt, p.CreatedAt = base.LastConfirmedAt, base.CreatedAt
	} else {
		p.ID = uuid.New()
	}
	if err := s.checkOffer(ctx, scope, p); err != nil {
		return err
	}
	if cr.Base != nil && p.KommuneID != cr.Base.KommuneID {
		var v errs.Validation
		v.Add("organization_id", "validation.other_kommune", nil)
		return v.Err()
	}
	now := s.now().UTC()
	cr.ID, cr.KommuneID, cr.OrganizationID, cr.OfferID = uuid.New(), p.KommuneID, p.OrganizationID, p.ID
	cr.State, cr.AuthorID, cr.CreatedAt, cr.UpdatedAt = workflow.Draft, authorID, now, now
	proposed, base, err := changeJSON(cr)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM change_requests WHERE offer_id = ? AND state IN (?, ?, ?)`),
			cr.OfferID, workflow.Draft, workflow.Submitted, workflow.Returned).Scan(&open); err != nil {
			return errs.Wrap(err, "open change requests")
		}
		if open > 0 {
			return errs.E(errs.Conflict, "workflow.error.open_request")
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO change_requests (id, kommune_id, organization_id, offer_id, kind, state,
			proposed, base, author_id, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)`),
			cr.ID, cr.KommuneID, cr.OrganizationID, cr.OfferID, string(cr.Kind), string(cr.State), proposed, base, authorID,
			now, now); err != nil {
			return errs.Wrap(err, "insert change request")
		}
		return s.record(ctx, tx, actor, &cr.KommuneID, audit.Create, "change_request", cr.ID.String(), nil, changeAudit(cr))
	})
}

func (s *Store) updateChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, cr *workflow.ChangeRequest) error {
	old, err := s.GetChange(ctx, scope, cr.ID)
	if err != nil {
		return err
	}
	if !old.State.Open() {
		return errs.E(errs.Conflict, "workflow.error.closed")
	}
	p := cr.Proposed
	p.ID = old.OfferID
	if old.Base != nil {
		p.LastConfirmedAt, p.CreatedAt = old.Base.LastConfirmedAt, old.Base.CreatedAt
	}
	if err := s.checkOffer(ctx, scope, &p); err != nil {
		return err
	}
	if p.KommuneID != old.KommuneID {
		var v errs.Validation
		v.Add("organization_id", "validation.other_kommune", nil)
		return v.Err()
	}
	before := old
	next := old
	next.Proposed, next.OrganizationID, next.UpdatedAt = p, p.OrganizationID, s.now().UTC()
	if next.State == workflow.Returned {
		next.State = workflow.Draft
	}
	proposed, _, err := changeJSON(&next)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE change_requests SET proposed = ?, organization_id = ?, state = ?, updated_at = ?
			WHERE id = ?`), proposed, next.OrganizationID, string(next.State), next.UpdatedAt, next.ID); err != nil {
			return errs.Wrap(err, "update change request")
		}
		return s.record(ctx, tx, actor, &next.KommuneID, audit.Update, "change_request", next.ID.String(), changeAudit(&before), changeAudit(&next))
	})
	if err == nil {
		*cr = next
	}
	return err
}

// SubmitChange sends a draft (or a returned request) to the coordinator.
func (s *Store) SubmitChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) (workflow.ChangeRequest, error) {
	return s.moveChange(ctx, scope, actor, id, []workflow.State{workflow.Draft, workflow.Returned}, workflow.Submitted, nil, "")
}

// WithdrawChange gives up an open request; the published offer stays as it is.
func (s *Store) WithdrawChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) (workflow.ChangeRequest, error) {
	return s.moveChange(ctx, scope, actor, id, []workflow.State{workflow.Draft, workflow.Submitted, workflow.Returned}, workflow.Withdrawn, nil, "")
}

// ReturnChange sends a submitted request back to its author with a comment saying what to change.
func (s *Store) ReturnChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, deciderID uuid.UUID, id uuid.UUID, comment string) (workflow.ChangeRequest, error) {
	if err := mayReview(scope); err != nil {
		return workflow.ChangeRequest{}, err
	}
	comment = strings.TrimSpace(comment)
	var v errs.Validation
	if comment == "" {
		v.Add("comment", "workflow.validation.comment_required", nil)
	} else if len(comment) > workflow.MaxComment {
		v.Add("comment", "validation.too_long", map[string]any{"Max": workflow.MaxComment})
	}
	if err := v.Err(); err != nil {
		return workflow.ChangeRequest{}, err
	}
	return s.moveChange(ctx, scope, actor, id, []workflow.State{workflow.Submitted}, workflow.Returned, &deciderID, comment)
}

// ApproveChange publishes a submitted request — or a coordinator's own draft — in one transaction: the offer is
// created or replaced, confirmed as of now, and the request closed. A change to an offer that was edited after
// the request was made is refused, so nobody's work is overwritten unseen.
func (s *Store) ApproveChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, deciderID uuid.UUID, id uuid.UUID) (workflow.ChangeRequest, error) {
	if err := mayReview(scope); err != nil {
		return workflow.ChangeRequest{}, err
	}
	cr, err := s.GetChange(ctx, scope, id)
	if err != nil {
		return cr, err
	}
	if cr.State != workflow.Submitted && cr.State != workflow.Draft {
		return cr, errs.E(errs.Conflict, "workflow.error.not_submitted")
	}
	o := cr.Proposed
	if err := s.checkOffer(ctx, scope, &o); err != nil {
		return cr, err
	}
	var before *catalog.Offer
	if cr.Kind == workflow.Update {
		current, err := s.GetOffer(ctx, scope, cr.OfferID)
		if err != nil {
			return cr, err
		}
		if cr.Base == nil || !current.UpdatedAt.Equal(cr.Base.UpdatedAt) {
			return cr, errs.E(errs.Conflict, "workflow.error.stale")
		}
		before = &current
		o.CreatedAt = current.CreatedAt
	} else {
		o.CreatedAt = s.now().UTC()
	}
	now := s.now().UTC()
	o.UpdatedAt, o.LastConfirmedAt = now, &now
	prev := cr
	cr.Proposed, cr.State, cr.DecidedBy, cr.DecidedAt, cr.UpdatedAt = o, workflow.Approved, &deciderID, &now, now
	proposed, _, err := changeJSON(&cr)
	if err != nil {
		return cr, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		action := audit.Create
		if before != nil {
			action = audit.Update
			if err := s.deleteOfferRows(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if err := s.insertOffer(ctx, tx, &o); err != nil {
			return err
		}
		var b any
		if before != nil {
			b = before
		}
		if err := s.record(ctx, tx, actor, &o.KommuneID, action, "offer", o.ID.String(), b, o); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE change_requests SET state = ?, proposed = ?, decided_by = ?, decided_at = ?,
			updated_at = ? WHERE id = ?`), string(cr.State), proposed, deciderID, now, now, cr.ID); err != nil {
			return errs.Wrap(err, "approve change request")
		}
		return s.record(ctx, tx, actor, &cr.KommuneID, audit.Update, "change_request", cr.ID.String(), changeAudit(&prev), changeAudit(&cr))
	})
	return cr, err
}

// moveChange changes the state of a request that is in one of the from states.
func (s *Store) moveChange(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID, from []workflow.State,
	to workflow.State, decider *uuid.UUID, comment string) (workflow.ChangeRequest, error) {
	if scope.ReadOnly {
		return workflow.ChangeRequest{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	cr, err := s.GetChange(ctx, scope, id)
	if err != nil {
		return cr, err
	}
	ok := false
	for _, st := range from {
		ok = ok || cr.State == st
	}
	if !ok {
		return cr, errs.E(errs.Conflict, "workflow.error.wrong_state")
	}
	prev := cr
	now := s.now().UTC()
	cr.State, cr.UpdatedAt = to, now
	var decidedBy any
	if decider != nil {
		cr.DecidedBy, cr.DecidedAt, decidedBy = decider, &now, *decider
	}
	if to == workflow.Submitted {
		cr.SubmittedAt, cr.Comment = &now, ""
	}
	if to == workflow.Returned {
		cr.Comment = comment
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE change_requests SET state = ?, comment = ?, submitted_at = ?, decided_by = ?,
			decided_at = ?, updated_at = ? WHERE id = ?`), string(cr.State), cr.Comment, cr.SubmittedAt, decidedBy, cr.DecidedAt, now, cr.ID); err != nil {
			return errs.Wrap(err, "change request state")
		}
		return s.record(ctx, tx, actor, &cr.KommuneID, audit.Update, "change_request", cr.ID.String(), changeAudit(&prev), changeAudit(&cr))
	})
	return cr, err
}

const changeCols = `c.id, c.kommune_id, c.organization_id, c.offer_id, c.kind, c.state, c.proposed, c.base, c.author_id,
	COALESCE(u.display_name, ''), c.comment, c.decided_by, c.created_at, c.updated_at, c.submitted_at, c.decided_at`

func scanChange(row interface{ Scan(...any) error }) (workflow.ChangeRequest, error) {
	var c workflow.ChangeRequest
	var kind, state, proposed string
	var base sql.NullString
	var decided uuid.NullUUID
	var submitted, decidedAt sql.NullTime
	err := row.Scan(&c.ID, &c.KommuneID, &c.OrganizationID, &c.OfferID, &kind, &state, &proposed, &base, &c.AuthorID,
		&c.AuthorName, &c.Comment, &decided, &c.CreatedAt, &c.UpdatedAt, &submitted, &decidedAt)
	if err != nil {
		return c, err
	}
	c.Kind, c.State = workflow.Kind(kind), workflow.State(state)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if decided.Valid {
		c.DecidedBy = &decided.UUID
	}
	if submitted.Valid {
		t := submitted.Time.UTC()
		c.SubmittedAt = &t
	}
	if decidedAt.Valid {
		t := decidedAt.Time.UTC()
		c.DecidedAt = &t
	}
	if err := json.Unmarshal([]byte(proposed), &c.Proposed); err != nil {
		return c, errs.Wrap(err, "change request proposal")
	}
	if base.Valid {
		c.Base = &catalog.Offer{}
		if err := json.Unmarshal([]byte(base.String), c.Base); err != nil {
			return c, errs.Wrap(err, "change request base")
		}
	}
	return c, nil
}

// GetChange returns a change request in scope.
func (s *Store) GetChange(ctx context.Context, scope tenant.Scope, id uuid.UUID) (workflow.ChangeRequest, error) {
	where, args := s.changeScope(scope)
	c, err := scanChange(s.read.QueryRowContext(ctx, s.q(`SELECT `+changeCols+` FROM change_requests c
		LEFT JOIN users u ON u.id = c.author_id WHERE c.id = ? AND `+where), append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("change_request")
	}
	return c, errs.Wrap(err, "get change request")
}

// ChangeFilter narrows ListChanges; zero fields do not filter.
type ChangeFilter struct {
	KommuneID uuid.UUID
	OfferID   uuid.UUID
	States    []workflow.State
	Limit     int
}

// ListChanges lists change requests in scope, the longest waiting first.
func (s *Store) ListChanges(ctx context.Context, scope tenant.Scope, f ChangeFilter) ([]workflow.ChangeRequest, error) {
	where, args := s.changeScope(scope)
	if f.KommuneID != uuid.Nil {
		where += " AND c.kommune_id = ?"
		args = append(args, f.KommuneID)
	}
	if f.OfferID != uuid.Nil {
		where += " AND c.offer_id = ?"
		args = append(args, f.OfferID)
	}
	if len(f.States) > 0 {
		where += " AND c.state IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.States)), ",") + ")"
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+changeCols+` FROM change_requests c LEFT JOIN users u ON u.id = c.author_id
		WHERE `+where+` ORDER BY c.updated_at, c.id LIMIT ?`), append(args, f.Limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "list change requests")
	}
	defer rows.Close()
	var out []workflow.ChangeRequest
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan change request")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "list change requests")
}

func changeJSON(cr *workflow.ChangeRequest) (string, any, error) {
	p, err := json.Marshal(cr.Proposed)
	if err != nil {
		return "", nil, errs.Wrap(err, "proposal json")
	}
	var base any
	if cr.Base != nil {
		b, err := json.Marshal(cr.Base)
		if err != nil {
			return "", nil, errs.Wrap(err, "base json")
		}
		base = string(b)
	}
	return string(p), base, nil
}

// changeAudit is what the audit log keeps of a request step: its state and the offer it is about; the proposed
// content itself lands in the offer's own entry when approved.
func changeAudit(cr *workflow.ChangeRequest) map[string]any {
	return map[string]any{"state": cr.State, "kind": cr.Kind, "offer_id": cr.OfferID, "offer_name": cr.Proposed.Name,
		"organization_id": cr.OrganizationID, "comment": cr.Comment}
}
