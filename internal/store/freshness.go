package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// notHidden is the condition on offers aliased o that they are not hidden for being unconfirmed: a hiding
// counts only while the last confirmation is older than it, so confirming (or approving a change, which
// confirms too) shows the offer again.
const notHidden = `NOT EXISTS (SELECT 1 FROM offer_freshness hf WHERE hf.offer_id = o.id AND hf.hidden_at IS NOT NULL
	AND (o.last_confirmed_at IS NULL OR o.last_confirmed_at < hf.hidden_at))`

// confirmedAt is an offer's reference time for freshness: its last confirmation, or its creation when it was
// never confirmed, so a new offer is not stale on its first day.
const confirmedAt = `COALESCE(o.last_confirmed_at, o.created_at)`

// FreshOffer is an offer as the freshness overview and the reminder job see it.
type FreshOffer struct {
	ID               uuid.UUID
	KommuneID        uuid.UUID
	OrganizationID   uuid.UUID
	Name             string
	OrganizationName string
	LastConfirmedAt  *time.Time // nil: never confirmed
	CreatedAt        time.Time
	RemindedAt       *time.Time // the last reminder, nil when none is pending
	Hidden           bool       // hidden from the public search until confirmed
}

// freshnessState is what the audit log records of a confirmation or a hiding.
type freshnessState struct {
	LastConfirmedAt *time.Time `json:"last_confirmed_at"`
	Hidden          bool       `json:"hidden"`
}

// ConfirmOffer confirms with one click that an offer in scope is still right: last_confirmed_at becomes now,
// a pending reminder and a hiding are cleared, and the audit log records it (so the search index shows a
// hidden offer again). Provider editors confirm only the offers of their organizations.
func (s *Store) ConfirmOffer(ctx context.Context, scope tenant.Scope, actor audit.Actor, offerID uuid.UUID) (time.Time, error) {
	if scope.PublishedOnly() {
		return time.Time{}, notFound("offer")
	}
	o, err := s.GetOffer(ctx, scope, offerID)
	if err != nil {
		return time.Time{}, err
	}
	if !scope.MayChange(o.OrganizationID) {
		return time.Time{}, errs.E(errs.Forbidden, "error.forbidden")
	}
	hidden, err := s.offerHidden(ctx, offerID)
	if err != nil {
		return time.Time{}, err
	}
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE offers SET last_confirmed_at = ? WHERE id = ?`), now, offerID); err != nil {
			return errs.Wrap(err, "confirm offer")
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM offer_freshness WHERE offer_id = ?`), offerID); err != nil {
			return errs.Wrap(err, "confirm offer")
		}
		return s.record(ctx, tx, actor, &o.KommuneID, audit.Update, "offer", offerID.String(),
			freshnessState{LastConfirmedAt: o.LastConfirmedAt, Hidden: hidden}, freshnessState{LastConfirmedAt: &now})
	})
	return now, err
}

func (s *Store) offerHidden(ctx context.Context, id uuid.UUID) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM offers o WHERE o.id = ? AND NOT (`+notHidden+`)`), id).Scan(&n)
	return n > 0, errs.Wrap(err, "offer hidden")
}

// StaleOffers lists the active offers of a Kommune in scope not confirmed since before (never-confirmed ones
// count from their creation), the longest unconfirmed first: the coordinator's to-do list.
func (s *Store) StaleOffers(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, before time.Time) ([]FreshOffer, error) {
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	if scope.PublishedOnly() {
		return nil, notFound("kommune")
	}
	return s.freshOffers(ctx, `o.kommune_id = ? AND `+confirmedAt+` < ?`, kommuneID, before.UTC())
}

func (s *Store) freshOffers(ctx context.Context, where string, args ...any) ([]FreshOffer, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT o.id, o.kommune_id, o.organization_id, o.name, g.name, o.last_confirmed_at,
		o.created_at, f.reminded_at, CASE WHEN `+notHidden+` THEN 0 ELSE 1 END
		FROM offers o JOIN organizations g ON g.id = o.organization_id LEFT JOIN offer_freshness f ON f.offer_id = o.id
		WHERE o.status = 'active' AND `+where+` ORDER BY `+confirmedAt+`, o.name, o.id`), args...)
	if err != nil {
		return nil, errs.Wrap(err, "stale offers")
	}
	defer rows.Close()
	var out []FreshOffer
	for rows.Next() {
		var f FreshOffer
		var confirmed, reminded sql.NullTime
		var hidden int
		if err := rows.Scan(&f.ID, &f.KommuneID, &f.OrganizationID, &f.Name, &f.OrganizationName, &confirmed, &f.CreatedAt,
			&reminded, &hidden); err != nil {
			return nil, errs.Wrap(err, "scan stale offer")
		}
		f.LastConfirmedAt, f.RemindedAt, f.Hidden, f.CreatedAt = utcPtr(confirmed), utcPtr(reminded), hidden == 1, f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "stale offers")
}

// Freshness is how current a Kommune's (or one organization's) active offers are.
type Freshness struct {
	ID        uuid.UUID // the organization of a row of FreshnessShare's list; zero for the Kommune
	Name      string
	Active    int // active offers
	Confirmed int // of them, confirmed since the cut-off
	Hidden    int // of them, hidden from the public search for being unconfirmed
}

// Share is the part of the active offers confirmed since the cut-off, 0…1; 0 without offers.
func (f Freshness) Share() float64 {
	if f.Active == 0 {
		return 0
	}
	return float64(f.Confirmed) / float64(f.Active)
}

// FreshnessShare counts the active offers of a Kommune in scope and those confirmed since since (the number a
// coordinator is judged by: since is twelve months ago), in total and per organization, ordered by name.
func (s *Store) FreshnessShare(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, since time.Time) (Freshness, []Freshness, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return Freshness{}, nil, err
	}
	if scope.PublishedOnly() {
		return Freshness{}, nil, notFound("kommune")
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT g.id, g.name, COUNT(*),
		SUM(CASE WHEN o.last_confirmed_at >= ? THEN 1 ELSE 0 END), SUM(CASE WHEN `+notHidden+` THEN 0 ELSE 1 END)
		FROM offers o JOIN organizations g ON g.id = o.organization_id
		WHERE o.kommune_id = ? AND o.status = 'active' GROUP BY g.id, g.name ORDER BY g.name, g.id`), since.UTC(), kommuneID)
	if err != nil {
		return Freshness{}, nil, errs.Wrap(err, "freshness share")
	}
	defer rows.Close()
	total := Freshness{Name: k.Name}
	var orgs []Freshness
	for rows.Next() {
		var f Freshness
		if err := rows.Scan(&f.ID, &f.Name, &f.Active, &f.Confirmed, &f.Hidden); err != nil {
			return Freshness{}, nil, errs.Wrap(err, "scan freshness share")
		}
		total.Active, total.Confirmed, total.Hidden = total.Active+f.Active, total.Confirmed+f.Confirmed, total.Hidden+f.Hidden
		orgs = append(orgs, f)
	}
	return total, orgs, errs.Wrap(rows.Err(), "freshness share")
}

// ClaimReminders marks the active, not hidden offers of a Kommune unconfirmed since staleBefore as reminded
// now, unless they were reminded since remindedSince, and returns them: each offer is claimed by one caller
// only, also with several instances running the job at once, so a reminder goes out at most once per period.
// Only the system scope (the job) claims.
func (s *Store) ClaimReminders(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID, staleBefore, remindedSince time.Time) ([]FreshOffer, error) {
	if scope.Kind != tenant.KindSystem {
		return nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	due, err := s.freshOffers(ctx, `o.kommune_id = ? AND `+confirmedAt+` < ? AND `+notHidden+` AND NOT EXISTS (
		SELECT 1 FROM offer_freshness rf WHERE rf.offer_id = o.id AND rf.reminded_at >= ?)`, kommuneID, staleBefore.UTC(), remindedSince.UTC())
	if err != nil || len(due) == 0 {
		return nil, err
	}
	now := s.now().UTC()
	var claimed []FreshOffer
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, f := range due {
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO offer_freshness (offer_id, kommune_id, reminded_at) VALUES (?, ?, ?)
				ON CONFLICT (offer_id) DO UPDATE SET reminded_at = excluded.reminded_at
				WHERE offer_freshness.reminded_at IS NULL OR offer_freshness.reminded_at < ?`), f.ID, f.KommuneID, now, remindedSince.UTC())
			if err != nil {
				return errs.Wrap(err, "claim reminder")
			}
			if n, err := res.RowsAffected(); err != nil {
				return errs.Wrap(err, "claim reminder")
			} else if n == 1 {
				f.RemindedAt = &now
				claimed = append(claimed, f)
			}
		}
		return nil
	})
	return claimed, err
}

// ReleaseReminders forgets the reminders of offers whose e-mail could not be sent, so the next run tries again.
func (s *Store) ReleaseReminders(ctx context.Context, scope tenant.Scope, offerIDs []uuid.UUID) error {
	if scope.Kind != tenant.KindSystem {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if len(offerIDs) == 0 {
		return nil
	}
	args := make([]any, len(offerIDs))
	for i, id := range offerIDs {
		args[i] = id
	}
	_, err := s.write.ExecContext(ctx, s.q(`UPDATE offer_freshness SET reminded_at = NULL WHERE offer_id IN (`+
		placeholders(len(args))+`)`), args...)
	return errs.Wrap(err, "release reminders")
}

// HideStale hides the active offers of a Kommune unconfirmed since before from the public search, each with an
// audit entry (which the search index follows), and returns the offers it hid; offers already hidden are left
// alone, so the coordinators are told once. Only the system scope (the job) hides.
func (s *Store) HideStale(ctx context.Context, scope tenant.Scope, actor audit.Actor, kommuneID uuid.UUID, before time.Time) ([]FreshOffer, error) {
	if scope.Kind != tenant.KindSystem {
		return nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	due, err := s.freshOffers(ctx, `o.kommune_id = ? AND `+confirmedAt+` < ? AND `+notHidden, kommuneID, before.UTC())
	if err != nil || len(due) == 0 {
		return nil, err
	}
	now := s.now().UTC()
	var hidden []FreshOffer
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, f := range due {
			// A hiding older than the last confirmation no longer counts and is replaced.
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO offer_freshness (offer_id, kommune_id, hidden_at) VALUES (?, ?, ?)
				ON CONFLICT (offer_id) DO UPDATE SET hidden_at = excluded.hidden_at
				WHERE offer_freshness.hidden_at IS NULL OR offer_freshness.hidden_at <= ?`), f.ID, f.KommuneID, now,
				timeArg(f.LastConfirmedAt))
			if err != nil {
				return errs.Wrap(err, "hide offer")
			}
			if n, err := res.RowsAffected(); err != nil {
				return errs.Wrap(err, "hide offer")
			} else if n != 1 {
				continue // another instance hid it meanwhile
			}
			kid := f.KommuneID
			if err := s.record(ctx, tx, actor, &kid, audit.Update, "offer", f.ID.String(),
				freshnessState{LastConfirmedAt: f.LastConfirmedAt}, freshnessState{LastConfirmedAt: f.LastConfirmedAt, Hidden: true}); err != nil {
				return err
			}
			f.Hidden = true
			hidden = append(hidden, f)
		}
		return nil
	})
	return hidden, err
}
