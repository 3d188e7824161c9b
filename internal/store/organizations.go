package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// CreateOrganization validates and stores an organization of a Kommune in scope. Only scopes that administer
// their tenant may: a provider editor works on the organizations they were given, and cannot add more.
func (s *Store) CreateOrganization(ctx context.Context, scope tenant.Scope, actor audit.Actor, o *catalog.Organization) error {
	if _, err := s.GetKommune(ctx, scope, o.KommuneID); err != nil {
		return err
	}
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if err := o.Validate(s.tax); err != nil {
		return err
	}
	o.ArchivedAt = nil
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

const orgCols = `id, kommune_id, name, kind, description, email, website, phone, archived_at, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (catalog.Organization, error) {
	var o catalog.Organization
	var archived sql.NullTime
	err := row.Scan(&o.ID, &o.KommuneID, &o.Name, &o.Kind, &o.Description, &o.Email, &o.Website, &o.Phone, &archived,
		&o.CreatedAt, &o.UpdatedAt)
	o.ArchivedAt = utcPtr(archived)
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
	// Name keeps organizations whose name contains it, ignoring case.
	Name string
	// IDs keeps only these organizations (a provider editor's own); nil keeps all.
	IDs []uuid.UUID
	// Active leaves out archived organizations.
	Active bool
	Limit  int
	Offset int
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
	if name := strings.TrimSpace(f.Name); name != "" {
		// LOWER folds ASCII on both databases; names are compared as typed otherwise (Ä matches Ä).
		where += " AND LOWER(name) LIKE ? ESCAPE '\\'"
		args = append(args, "%"+likeEscape(strings.ToLower(name))+"%")
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		where += " AND id IN (" + placeholders(len(f.IDs)) + ")"
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Active {
		where += " AND archived_at IS NULL"
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

// likeEscape escapes the wildcards of a LIKE pattern, so a search for "50%" finds the text "50%".
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// mayChangeOrganization is the write check of everything that belongs to an organization: read-only scopes
// change nothing, provider editors only their own organizations.
func mayChangeOrganization(scope tenant.Scope, id uuid.UUID) error {
	if !scope.MayChange(id) {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

// UpdateOrganization replaces the catalogue fields of an organization in scope; its Kommune, archive state and
// creation time stay. Provider editors may update their own organizations.
func (s *Store) UpdateOrganization(ctx context.Context, scope tenant.Scope, actor audit.Actor, o *catalog.Organization) error {
	before, err := s.GetOrganization(ctx, scope, o.ID)
	if err != nil {
		return err
	}
	if err := mayChangeOrganization(scope, before.ID); err != nil {
		return err
	}
	if err := o.Validate(s.tax); err != nil {
		return err
	}
	o.KommuneID, o.ArchivedAt, o.CreatedAt = before.KommuneID, before.ArchivedAt, before.CreatedAt
	o.UpdatedAt = s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE organizations SET name = ?, kind = ?, description = ?, email = ?,
			website = ?, phone = ?, updated_at = ? WHERE id = ?`), o.Name, o.Kind, o.Description, o.Email, o.Website, o.Phone,
			o.UpdatedAt, o.ID); err != nil {
			return errs.Wrap(err, "update organization")
		}
		return s.record(ctx, tx, actor, &o.KommuneID, audit.Update, "organization", o.ID.String(), before, o)
	})
}

// ArchiveOrganization marks an organization in scope as archived and takes its offers out of the public
// catalogue: every offer that is not already inactive or defunct becomes inactive (each with its own audit
// entry, so the search index drops it). Locations stay, as the addresses of the offers in the audit log and
// past reports. Archiving decides for the whole Kommune's catalogue, so it is for coordinators and Land
// administrators, not provider editors. It returns the number of offers taken out; archiving an archived
// organization changes nothing.
func (s *Store) ArchiveOrganization(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) (int, error) {
	before, err := s.GetOrganization(ctx, scope, id)
	if err != nil {
		return 0, err
	}
	if !scope.MayAdminister() {
		return 0, errs.E(errs.Forbidden, "error.forbidden")
	}
	if before.ArchivedAt != nil {
		return 0, nil
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id FROM offers WHERE organization_id = ? AND status NOT IN (?, ?)
		ORDER BY id`), id, catalog.StatusInactive, catalog.StatusDefunct)
	if err != nil {
		return 0, errs.Wrap(err, "offers of organization")
	}
	var ids []uuid.UUID
	for rows.Next() {
		var oid uuid.UUID
		if err := rows.Scan(&oid); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "offers of organization")
		}
		ids = append(ids, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "offers of organization")
	}
	var open []catalog.Offer
	for _, oid := range ids {
		o, err := s.GetOffer(ctx, scope, oid)
		if err != nil {
			return 0, err
		}
		open = append(open, o)
	}
	now := s.now().UTC()
	after := before
	after.ArchivedAt, after.UpdatedAt = &now, now
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE organizations SET archived_at = ?, updated_at = ? WHERE id = ?`),
			now, now, id); err != nil {
			return errs.Wrap(err, "archive organization")
		}
		if err := s.record(ctx, tx, actor, &before.KommuneID, audit.Update, "organization", id.String(), before, after); err != nil {
			return err
		}
		for _, o := range open {
			changed := o
			changed.Status, changed.UpdatedAt = catalog.StatusInactive, now
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE offers SET status = ?, updated_at = ? WHERE id = ?`),
				changed.Status, now, o.ID); err != nil {
				return errs.Wrap(err, "archive offer")
			}
			if err := s.record(ctx, tx, actor, &o.KommuneID, audit.Update, "offer", o.ID.String(), o, changed); err != nil {
				return err
			}
		}
		return nil
	})
	return len(open), err
}

// RestoreOrganization takes an organization in scope out of the archive. Its offers stay inactive: which of
// them still run is for the coordinator to decide, offer by offer. Like archiving, it is for coordinators and
// Land administrators.
func (s *Store) RestoreOrganization(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) error {
	before, err := s.GetOrganization(ctx, scope, id)
	if err != nil {
		return err
	}
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	if before.ArchivedAt == nil {
		return nil
	}
	after := before
	after.ArchivedAt, after.UpdatedAt = nil, s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE organizations SET archived_at = NULL, updated_at = ? WHERE id = ?`),
			after.UpdatedAt, id); err != nil {
			return errs.Wrap(err, "restore organization")
		}
		return s.record(ctx, tx, actor, &before.KommuneID, audit.Update, "organization", id.String(), before, after)
	})
}
