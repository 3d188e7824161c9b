package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/tenant"
)

const portalCols = `kommune_id, COALESCE(host, ''), title, intro, primary_color, frame_ancestors, impressum, privacy,
	accessibility, easy_language, feedback_email, logo, logo_type, updated_at`

func scanPortal(row interface{ Scan(...any) error }) (portal.Portal, error) {
	var p portal.Portal
	var origins string
	err := row.Scan(&p.KommuneID, &p.Host, &p.Title, &p.Intro, &p.PrimaryColor, &origins, &p.Impressum, &p.Privacy,
		&p.Accessibility, &p.EasyLanguage, &p.FeedbackEmail, &p.Logo, &p.LogoType, &p.UpdatedAt)
	if origins != "" {
		p.FrameAncestors = strings.Fields(origins)
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, err
}

// GetPortal returns the portal of a Kommune in scope; a Kommune that has not set one up gets the defaults
// (its name as title, Kette's colour), so every Kommune has a public portal from the start.
func (s *Store) GetPortal(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) (portal.Portal, error) {
	k, err := s.GetKommune(ctx, scope, kommuneID)
	if err != nil {
		return portal.Portal{}, err
	}
	p, err := scanPortal(s.read.QueryRowContext(ctx, s.q(`SELECT `+portalCols+` FROM portals WHERE kommune_id = ?`), kommuneID))
	if errors.Is(err, sql.ErrNoRows) {
		return portal.Portal{KommuneID: k.ID, Title: "Familienwegweiser " + k.Name, PrimaryColor: portal.DefaultColor}, nil
	}
	return p, errs.Wrap(err, "get portal")
}

// PortalByHost finds the portal served on a host name; none is not found.
func (s *Store) PortalByHost(ctx context.Context, host string) (portal.Portal, error) {
	p, err := scanPortal(s.read.QueryRowContext(ctx, s.q(`SELECT `+portalCols+` FROM portals WHERE host = ?`), strings.ToLower(host)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("portal")
	}
	return p, errs.Wrap(err, "portal by host")
}

// SavePortal stores a Kommune's portal; only its coordination or Land administration may. keepLogo leaves the
// stored logo as it is when no new one was uploaded.
func (s *Store) SavePortal(ctx context.Context, scope tenant.Scope, actor audit.Actor, p *portal.Portal, keepLogo bool) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	before, err := s.GetPortal(ctx, scope, p.KommuneID)
	if err != nil {
		return err
	}
	if keepLogo {
		p.Logo, p.LogoType = before.Logo, before.LogoType
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Host != "" {
		other, err := s.PortalByHost(ctx, p.Host)
		if err == nil && other.KommuneID != p.KommuneID {
			var v errs.Validation
			v.Add("host", "portal.validation.host_taken", map[string]any{"Value": p.Host})
			return v.Err()
		}
	}
	p.UpdatedAt = s.now().UTC()
	var host any
	if p.Host != "" {
		host = p.Host
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM portals WHERE kommune_id = ?`), p.KommuneID); err != nil {
			return errs.Wrap(err, "replace portal")
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO portals (kommune_id, host, title, intro, primary_color, frame_ancestors,
			impressum, privacy, accessibility, easy_language, feedback_email, logo, logo_type, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), p.KommuneID, host, p.Title, p.Intro, p.PrimaryColor,
			strings.Join(p.FrameAncestors, " "), p.Impressum, p.Privacy, p.Accessibility, p.EasyLanguage, p.FeedbackEmail,
			p.Logo, p.LogoType, p.UpdatedAt); err != nil {
			return errs.Wrap(err, "save portal")
		}
		return s.record(ctx, tx, actor, &p.KommuneID, audit.Update, "portal", p.KommuneID.String(), before, p)
	})
}

// SaveFeedback stores a reported barrier; anyone may send one, so it takes no scope. A report about a
// Kommune's portal names the Kommune, so its coordination sees it.
func (s *Store) SaveFeedback(ctx context.Context, f *portal.Feedback) error {
	f.Message, f.Contact, f.Page = strings.TrimSpace(f.Message), strings.TrimSpace(f.Contact), strings.TrimSpace(f.Page)
	if err := f.Validate(); err != nil {
		return err
	}
	f.ID, f.CreatedAt = uuid.New(), s.now().UTC()
	var kid any
	if f.KommuneID != nil {
		kid = *f.KommuneID
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO accessibility_feedback (id, kommune_id, page, message, contact, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`), f.ID, kid, f.Page, f.Message, f.Contact, f.CreatedAt)
		return errs.Wrap(err, "save feedback")
	})
}

// ListFeedback lists the barrier reports about a Kommune's portal, newest first.
func (s *Store) ListFeedback(ctx context.Context, scope tenant.Scope, kommuneID uuid.UUID) ([]portal.Feedback, error) {
	if !scope.MayAdminister() {
		return nil, errs.E(errs.Forbidden, "error.forbidden")
	}
	if _, err := s.GetKommune(ctx, scope, kommuneID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, kommune_id, page, message, contact, created_at FROM accessibility_feedback
		WHERE kommune_id = ? ORDER BY created_at DESC LIMIT 200`), kommuneID)
	if err != nil {
		return nil, errs.Wrap(err, "list feedback")
	}
	defer rows.Close()
	var out []portal.Feedback
	for rows.Next() {
		var f portal.Feedback
		var kid uuid.NullUUID
		if err := rows.Scan(&f.ID, &kid, &f.Page, &f.Message, &f.Contact, &f.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "scan feedback")
		}
		if kid.Valid {
			f.KommuneID = &kid.UUID
		}
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "list feedback")
}
