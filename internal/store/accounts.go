package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// The login service of package auth works on the store.
var _ auth.Store = (*Store)(nil)

// userScope is the tenant condition on users. It differs from scopeWhere because Land administrators belong
// to no Kommune (users.land_code is set for every user, so a Land sees its Kommunen's users and its
// administrators), and because the public sees no accounts at all.
func userScope(scope tenant.Scope, prefix string) (string, []any) {
	switch scope.Kind {
	case tenant.KindSystem:
		return "1=1", nil
	case tenant.KindLand:
		return prefix + "land_code = ?", []any{scope.LandCode}
	case tenant.KindKommune:
		return prefix + "kommune_id = ?", []any{scope.KommuneID}
	default:
		return "1=0", nil
	}
}

// mayManageUsers refuses scopes limited to organizations: provider editors do not administer accounts.
func mayManageUsers(scope tenant.Scope) error {
	if !scope.MayAdminister() {
		return errs.E(errs.Forbidden, "error.forbidden")
	}
	return nil
}

// checkUserTenant checks that the user's Land or Kommune and organizations exist inside scope, and sets the
// user's LandCode from the Kommune.
func (s *Store) checkUserTenant(ctx context.Context, scope tenant.Scope, u *auth.User) error {
	if err := mayManageUsers(scope); err != nil {
		return err
	}
	var v errs.Validation
	if u.Role == auth.LandAdmin {
		if scope.Kind != tenant.KindSystem && !(scope.Kind == tenant.KindLand && scope.LandCode == u.LandCode) {
			return errs.E(errs.Forbidden, "error.forbidden")
		}
		var n int
		if err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM lands WHERE code = ?`), u.LandCode).Scan(&n); err != nil {
			return errs.Wrap(err, "check land")
		}
		if n == 0 {
			v.Add("land_code", "auth.validation.unknown_land", map[string]any{"Value": u.LandCode})
		}
		return v.Err()
	}
	k, err := s.GetKommune(ctx, scope, u.KommuneID)
	if errs.Is(err, errs.NotFound) {
		v.Add("kommune_id", "auth.validation.unknown_kommune", nil)
		return v.Err()
	}
	if err != nil {
		return err
	}
	u.LandCode = k.LandCode
	for _, id := range u.OrganizationIDs {
		o, err := s.GetOrganization(ctx, scope, id)
		if errs.Is(err, errs.NotFound) || (err == nil && o.KommuneID != u.KommuneID) {
			v.Add("organization_ids", "auth.validation.unknown_organization", map[string]any{"Value": id.String()})
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

func emailTaken() error {
	return &errs.Error{Code: errs.Conflict, Message: "auth.error.email_taken",
		Fields: []errs.FieldError{{Field: "email", Message: "auth.validation.email_taken"}}}
}

func kommuneArg(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id
}

// kommuneOf is the audit log's Kommune of a user: none for a Land administrator.
func kommuneOf(u auth.User) *uuid.UUID {
	if u.KommuneID == uuid.Nil {
		return nil
	}
	id := u.KommuneID
	return &id
}

// CreateUser validates and stores an account in scope. passwordHash may be empty: the account then cannot log
// in with a password until one is set (single sign-on, or a reset link).
func (s *Store) CreateUser(ctx context.Context, scope tenant.Scope, actor audit.Actor, u *auth.User, passwordHash string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.checkUserTenant(ctx, scope, u); err != nil {
		return err
	}
	if u.ID == uuid.Nil {
		u.ID = uuid.New()
	}
	u.CreatedAt = s.now().UTC()
	u.UpdatedAt = u.CreatedAt
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertUser(ctx, tx, u, passwordHash); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, kommuneOf(*u), audit.Create, "user", u.ID.String(), nil, u)
	})
}

func (s *Store) insertUser(ctx context.Context, tx *sql.Tx, u *auth.User, passwordHash string) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO users (id, email, display_name, role, land_code, kommune_id, password_hash,
		disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), u.ID, u.Email, u.DisplayName, string(u.Role),
		u.LandCode, kommuneArg(u.KommuneID), passwordHash, u.Disabled, u.CreatedAt, u.UpdatedAt)
	if isUniqueViolation(err) {
		return emailTaken()
	}
	if err != nil {
		return errs.Wrap(err, "insert user")
	}
	return s.insertUserOrganizations(ctx, tx, u)
}

func (s *Store) insertUserOrganizations(ctx context.Context, tx *sql.Tx, u *auth.User) error {
	for _, id := range u.OrganizationIDs {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO user_organizations (user_id, organization_id) VALUES (?, ?)`), u.ID, id); err != nil {
			return errs.Wrap(err, "insert user organization")
		}
	}
	return nil
}

const userCols = `id, email, display_name, role, land_code, kommune_id, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (auth.User, error) {
	var u auth.User
	var kid uuid.NullUUID
	var role string
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.DisplayName, &role, &u.LandCode, &kid, &u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)...)
	u.Role, u.KommuneID = auth.Role(role), kid.UUID
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// GetUser returns an account in scope; another tenant's account is not found.
func (s *Store) GetUser(ctx context.Context, scope tenant.Scope, id uuid.UUID) (auth.User, error) {
	return s.getUser(ctx, scope, "id = ?", id)
}

// GetUserByEmail returns the account with the e-mail address (any case) in scope.
func (s *Store) GetUserByEmail(ctx context.Context, scope tenant.Scope, email string) (auth.User, error) {
	return s.getUser(ctx, scope, "lower(email) = ?", auth.NormalizeEmail(email))
}

func (s *Store) getUser(ctx context.Context, scope tenant.Scope, cond string, key any) (auth.User, error) {
	where, args := userScope(scope, "")
	u, err := scanUser(s.read.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE `+cond+` AND `+where),
		append([]any{key}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	if err != nil {
		return u, errs.Wrap(err, "get user")
	}
	return u, s.loadUserOrganizations(ctx, &u)
}

func (s *Store) loadUserOrganizations(ctx context.Context, u *auth.User) error {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT organization_id FROM user_organizations WHERE user_id = ? ORDER BY organization_id`), u.ID)
	if err != nil {
		return errs.Wrap(err, "user organizations")
	}
	defer rows.Close()
	u.OrganizationIDs = nil
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return errs.Wrap(err, "scan user organization")
		}
		u.OrganizationIDs = append(u.OrganizationIDs, id)
	}
	return errs.Wrap(rows.Err(), "user organizations")
}

// UserFilter narrows ListUsers. Zero fields do not filter.
type UserFilter struct {
	KommuneID uuid.UUID
	Role      auth.Role
	Limit     int
	Offset    int
}

// ListUsers lists the accounts in scope ordered by name.
func (s *Store) ListUsers(ctx context.Context, scope tenant.Scope, f UserFilter) ([]auth.User, error) {
	where, args := userScope(scope, "")
	if f.KommuneID != uuid.Nil {
		where += " AND kommune_id = ?"
		args = append(args, f.KommuneID)
	}
	if f.Role != "" {
		where += " AND role = ?"
		args = append(args, string(f.Role))
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+userCols+` FROM users WHERE `+where+`
		ORDER BY display_name, id LIMIT ? OFFSET ?`), append(args, limit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, errs.Wrap(err, "list users")
	}
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan user")
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list users")
	}
	for i := range out {
		if err := s.loadUserOrganizations(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateUser replaces an account in scope; the new Kommune and organizations must be in scope too. Disabling
// ends the user's sessions. The audit log keeps the account before and after, never a password hash.
func (s *Store) UpdateUser(ctx context.Context, scope tenant.Scope, actor audit.Actor, u *auth.User) error {
	before, err := s.GetUser(ctx, scope, u.ID)
	if err != nil {
		return err
	}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.checkUserTenant(ctx, scope, u); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = before.CreatedAt, s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE users SET email = ?, display_name = ?, role = ?, land_code = ?, kommune_id = ?,
			disabled = ?, updated_at = ? WHERE id = ?`), u.Email, u.DisplayName, string(u.Role), u.LandCode,
			kommuneArg(u.KommuneID), u.Disabled, u.UpdatedAt, u.ID)
		if isUniqueViolation(err) {
			return emailTaken()
		}
		if err != nil {
			return errs.Wrap(err, "update user")
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM user_organizations WHERE user_id = ?`), u.ID); err != nil {
			return errs.Wrap(err, "update user organizations")
		}
		if err := s.insertUserOrganizations(ctx, tx, u); err != nil {
			return err
		}
		if u.Disabled {
			if err := s.revokeSessions(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, actor, kommuneOf(*u), audit.Update, "user", u.ID.String(), before, u)
	})
}

// DisableUser blocks an account in scope and ends its sessions; the account and its history stay.
func (s *Store) DisableUser(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) error {
	u, err := s.GetUser(ctx, scope, id)
	if err != nil {
		return err
	}
	u.Disabled = true
	return s.UpdateUser(ctx, scope, actor, &u)
}

// SetPassword stores a new password hash for an account in scope and ends its sessions. The audit entry
// only says that the password changed.
func (s *Store) SetPassword(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID, passwordHash string) error {
	u, err := s.GetUser(ctx, scope, id)
	if err != nil {
		return err
	}
	if err := mayManageUsers(scope); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.changePassword(ctx, tx, actor, u, passwordHash)
	})
}

func (s *Store) changePassword(ctx context.Context, tx *sql.Tx, actor audit.Actor, u auth.User, passwordHash string) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`),
		passwordHash, s.now().UTC(), u.ID); err != nil {
		return errs.Wrap(err, "set password")
	}
	if err := s.revokeSessions(ctx, tx, u.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, kommuneOf(u), audit.Update, "user", u.ID.String(), nil, map[string]any{"password_changed": true})
}

// UserForLogin returns the account with the e-mail address and its password hash, in no scope: the login
// itself decides who the caller is.
func (s *Store) UserForLogin(ctx context.Context, email string) (auth.User, string, error) {
	var hash string
	u, err := scanUser(s.read.QueryRowContext(ctx, s.q(`SELECT `+userCols+`, password_hash FROM users WHERE lower(email) = ?`),
		auth.NormalizeEmail(email)), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", notFound("user")
	}
	if err != nil {
		return u, "", errs.Wrap(err, "user for login")
	}
	return u, hash, s.loadUserOrganizations(ctx, &u)
}

// SetPasswordHash replaces a hash made with outdated parameters; the password is the same, so it is not audited.
func (s *Store) SetPasswordHash(ctx context.Context, userID uuid.UUID, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, userID)
		return errs.Wrap(err, "rehash password")
	})
}

// RecordLogin stores a login attempt; the time is the store's clock.
func (s *Store) RecordLogin(ctx context.Context, a auth.Attempt) error {
	if a.At.IsZero() {
		a.At = s.now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO login_attempts (email, remote_addr, at, success, throttled) VALUES (?, ?, ?, ?, ?)`),
			auth.NormalizeEmail(a.Email), a.RemoteAddr, a.At.UTC(), a.Success, a.Throttled)
		return errs.Wrap(err, "record login")
	})
}

// LoginFailures counts the failed (not refused) attempts within the window: for the account since its last
// successful login, and for the remote address.
func (s *Store) LoginFailures(ctx context.Context, email, remoteAddr string, window time.Duration) (auth.Failures, error) {
	var f auth.Failures
	since := s.now().Add(-window).UTC()
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM login_attempts WHERE email = ? AND success = ? AND throttled = ?
		AND at > ? AND id > (SELECT COALESCE(MAX(id), 0) FROM login_attempts WHERE email = ? AND success = ?)`),
		auth.NormalizeEmail(email), false, false, since, auth.NormalizeEmail(email), true).Scan(&f.Account)
	if err != nil {
		return f, errs.Wrap(err, "count login failures")
	}
	if remoteAddr == "" {
		return f, nil
	}
	err = s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM login_attempts WHERE remote_addr = ? AND success = ?
		AND throttled = ? AND at > ?`), remoteAddr, false, false, since).Scan(&f.Address)
	return f, errs.Wrap(err, "count login failures")
}

// LoginAttempts lists the recorded attempts for an e-mail address, newest first (for coordinators and tests).
func (s *Store) LoginAttempts(ctx context.Context, email string, n int) ([]auth.Attempt, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT email, remote_addr, at, success, throttled FROM login_attempts
		WHERE email = ? ORDER BY id DESC LIMIT ?`), auth.NormalizeEmail(email), limit(n))
	if err != nil {
		return nil, errs.Wrap(err, "login attempts")
	}
	defer rows.Close()
	var out []auth.Attempt
	for rows.Next() {
		var a auth.Attempt
		if err := rows.Scan(&a.Email, &a.RemoteAddr, &a.At, &a.Success, &a.Throttled); err != nil {
			return nil, errs.Wrap(err, "scan login attempt")
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "login attempts")
}

// PruneLoginAttempts deletes attempts older than the given age; throttling only looks at recent ones.
func (s *Store) PruneLoginAttempts(ctx context.Context, age time.Duration) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM login_attempts WHERE at < ?`), s.now().Add(-age).UTC())
		if err != nil {
			return errs.Wrap(err, "prune login attempts")
		}
		n, err = res.RowsAffected()
		return errs.Wrap(err, "prune login attempts")
	})
	return n, err
}
