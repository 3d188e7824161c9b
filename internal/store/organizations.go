package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// CreateOrganization validates and stores an organization of a Kommune in scope.
func (s *Store) CreateOrganization(ctx context.Context, scope tenant.Scope, actor audit.Actor, o *catalog.Organization) error {
	if err := o.Validate(s.tax); err != nil {
		return err
	}
	if _, err := s.GetKommune(ctx, scope, o.KommuneID); err != nil {
		return err
	}
	if o.ID == uuid.Nil {
		o.ID = uuid.New()
	}
	o.CreatedAt = s.now().UTC()
	o.UpdatedAt = o.CreatedAt
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO organizations (id, kommune_id, name, kind, description, email, website,
			phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), o.ID, o.KommuneID, o.Name, o.Kind,
			o.Description, o.Email, o.Website, o.Phone, o.CreatedAt, o.UpdatedAt); err != nil {
			return errs.Wrap(err, "create organization")
		}
		return s.record(ctx, tx, actor, &o.KommuneID, audit.Create, "organization", o.ID.String(), nil, o)
	})
}

const orgCols = `id, kommune_id, name, kind, description, email, website, phone, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (catalog.Organization, error) {
	var o catalog.Organization
	err := row.Scan(&o.ID, &o.KommuneID, &o.Name, &o.Kind, &o.Description, &o.Email, &o.Website, &o.Phone, &o.CreatedAt, &o.UpdatedAt)
	return o, err
}

// GetOrganization returns an organization in scope.
func (s *Store) GetOrganization(ctx context.Context, scope tenant.Scope, id uuid.UUID) (catalog.Organization, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	o, err := scanOrg(s.read.QueryRowContext(ctx, s.q(`SELECT `+orgCols+` FROM organizations WHERE id = ? AND `+where),
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("organization")
	}
	return o, errs.Wrap(err, "get organization")
}

// OrganizationFilter narrows ListOrganizations.
type OrganizationFilter struct {
	KommuneID uuid.UUID
	Kind      string
	Limit     int
	Offset    int
}

// ListOrganizations lists organizations of a Kommune in scope with the total count.
func (s *Store) ListOrganizations(ctx context.Context, scope tenant.Scope, f OrganizationFilter) ([]catalog.Organization, int, error) {
	where, args := s.scopeWhere(scope, "kommune_id")
	where += " AND kommune_id = ?"
	args = append(args, f.KommuneID)
	if f.Kind != "" {
		where += " AND kind = ?"
		args = append(args, f.Kind)
	}
	var total int
	if err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM organizations WHERE `+where), args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count organizations")
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+orgCols+` FROM organizations WHERE `+where+` ORDER BY name, id LIMIT ? OFFSET ?`),
		append(args, limit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list organizations")
	}
	defer rows.Close()
	var out []catalog.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan organization")
		}
		out = append(out, o)
	}
	return out, total, errs.Wrap(rows.Err(), "list organizations")
}

func limit(n int) int {
	if n <= 0 || n > 500 {
		return 50
	}
	return n
}
