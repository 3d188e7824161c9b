package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// ownToken lets people create tokens only for themselves: a token acts with its user's full scope, so one
// made by anybody else would let them act as that user. The command line (system scope) may make any.
func ownToken(scope tenant.Scope, actor audit.Actor, u auth.User) error {
	if scope.Kind == tenant.KindSystem || (actor.Kind == "user" && actor.ID == u.ID.String()) {
		return nil
	}
	return errs.E(errs.Forbidden, "error.forbidden")
}

// CreateAPIToken creates a bearer token for a user in scope and returns it; only its hash is stored, so this
// is the only time it can be shown.
func (s *Store) CreateAPIToken(ctx context.Context, scope tenant.Scope, actor audit.Actor, userID uuid.UUID, name string) (string, auth.APIToken, error) {
	u, err := s.GetUser(ctx, scope, userID)
	if err != nil {
		return "", auth.APIToken{}, err
	}
	if err := ownToken(scope, actor, u); err != nil {
		return "", auth.APIToken{}, err
	}
	name = strings.TrimSpace(name)
	var v errs.Validation
	if name == "" {
		v.Add("name", "validation.required", nil)
	} else if utf8.RuneCountInString(name) > 100 {
		v.Add("name", "validation.too_long", map[string]any{"Max": 100})
	}
	if err := v.Err(); err != nil {
		return "", auth.APIToken{}, err
	}
	secret, err := auth.NewSecret(auth.APITokenPrefix)
	if err != nil {
		return "", auth.APIToken{}, err
	}
	t := auth.APIToken{ID: uuid.New(), UserID: u.ID, Name: name, CreatedAt: s.now().UTC()}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO api_tokens (id, hash, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)`),
			t.ID, secret.Hash, t.UserID, t.Name, t.CreatedAt); err != nil {
			return errs.Wrap(err, "create api token")
		}
		return s.record(ctx, tx, actor, kommuneOf(u), audit.Create, "api_token", t.ID.String(), nil, t)
	})
	if err != nil {
		return "", auth.APIToken{}, err
	}
	return secret.Plain, t, nil
}

const tokenCols = `t.id, t.user_id, t.name, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }, extra ...any) (auth.APIToken, error) {
	var t auth.APIToken
	var used, revoked sql.NullTime
	err := row.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &used, &revoked}, extra...)...)
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = t.CreatedAt.UTC(), utcPtr(used), utcPtr(revoked)
	return t, err
}

// tokenTouchInterval limits last_used_at writes to one a minute per token, so API reads stay reads.
const tokenTouchInterval = time.Minute

// APITokenUser returns the token and its user for a bearer token. Unknown and revoked tokens, and tokens of
// disabled users, are not found.
func (s *Store) APITokenUser(ctx context.Context, token string) (auth.APIToken, auth.User, error) {
	var userID uuid.UUID
	hash := auth.HashSecret(token)
	t, err := scanToken(s.read.QueryRowContext(ctx, s.q(`SELECT `+tokenCols+`, u.id FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = ? AND t.revoked_at IS NULL AND u.disabled = ?`), hash, false), &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, auth.User{}, notFound("api_token")
	}
	if err != nil {
		return t, auth.User{}, errs.Wrap(err, "api token")
	}
	u, err := s.GetUser(ctx, tenant.System(), userID)
	if err != nil {
		return t, u, err
	}
	now := s.now().UTC()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchInterval {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, s.q(`UPDATE api_tokens SET last_used_at = ? WHERE hash = ?`), now, hash)
			return errs.Wrap(err, "touch api token")
		})
		t.LastUsedAt = &now
	}
	return t, u, err
}

// ListAPITokens lists the tokens of a user in scope, newest first.
func (s *Store) ListAPITokens(ctx context.Context, scope tenant.Scope, userID uuid.UUID) ([]auth.APIToken, error) {
	if _, err := s.GetUser(ctx, scope, userID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+tokenCols+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id`), userID)
	if err != nil {
		return nil, errs.Wrap(err, "list api tokens")
	}
	defer rows.Close()
	var out []auth.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan api token")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "list api tokens")
}

// RevokeAPIToken revokes a token whose user is in scope.
func (s *Store) RevokeAPIToken(ctx context.Context, scope tenant.Scope, actor audit.Actor, id uuid.UUID) error {
	t, err := scanToken(s.read.QueryRowContext(ctx, s.q(`SELECT `+tokenCols+` FROM api_tokens t WHERE t.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("api_token")
	}
	if err != nil {
		return errs.Wrap(err, "get api token")
	}
	u, err := s.GetUser(ctx, scope, t.UserID)
	if errs.Is(err, errs.NotFound) {
		return notFound("api_token")
	}
	if err != nil {
		return err
	}
	if u.ID.String() != actor.ID && !scope.MayAdminister() {
		return notFound("api_token")
	}
	now := s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), now, id); err != nil {
			return errs.Wrap(err, "revoke api token")
		}
		before := t
		t.RevokedAt = &now
		return s.record(ctx, tx, actor, kommuneOf(u), audit.Update, "api_token", id.String(), before, t)
	})
}

// CreateInvitation stores an invitation to an account in scope and returns the token for the link. The
// invited e-mail address must not have an account yet.
func (s *Store) CreateInvitation(ctx context.Context, scope tenant.Scope, actor audit.Actor, inv *auth.Invitation, ttl time.Duration) (string, error) {
	u := inv.User()
	u.DisplayName = "-"
	u.Normalize()
	if err := u.Validate(); err != nil {
		return "", err
	}
	if err := s.checkUserTenant(ctx, scope, &u); err != nil {
		return "", err
	}
	if _, err := s.GetUserByEmail(ctx, tenant.System(), u.Email); err == nil {
		return "", emailTaken()
	} else if !errs.Is(err, errs.NotFound) {
		return "", err
	}
	secret, err := auth.NewSecret(auth.InvitationPrefix)
	if err != nil {
		return "", err
	}
	inv.Email, inv.LandCode, inv.OrganizationIDs = u.Email, u.LandCode, u.OrganizationIDs
	inv.ID, inv.CreatedAt, inv.UsedAt = uuid.New(), s.now().UTC(), nil
	inv.ExpiresAt = inv.CreatedAt.Add(ttl)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO invitations (id, hash, email, role, land_code, kommune_id, organization_ids,
			invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), inv.ID, secret.Hash, inv.Email, string(inv.Role),
			inv.LandCode, kommuneArg(inv.KommuneID), joinUUIDs(inv.OrganizationIDs), kommuneArg(inv.InvitedBy), inv.CreatedAt,
			inv.ExpiresAt); err != nil {
			return errs.Wrap(err, "create invitation")
		}
		return s.record(ctx, tx, actor, kommuneOf(u), audit.Create, "invitation", inv.ID.String(), nil, inv)
	})
	if err != nil {
		return "", err
	}
	return secret.Plain, nil
}

func joinUUIDs(ids []uuid.UUID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, ",")
}

func splitUUIDs(s string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, p := range splitList(s) {
		id, err := uuid.Parse(p)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

const invitationCols = `id, email, role, land_code, kommune_id, organization_ids, invited_by, created_at, expires_at, used_at`

func scanInvitation(row interface{ Scan(...any) error }) (auth.Invitation, error) {
	var inv auth.Invitation
	var role, orgs string
	var kid, by uuid.NullUUID
	var used sql.NullTime
	if err := row.Scan(&inv.ID, &inv.Email, &role, &inv.LandCode, &kid, &orgs, &by, &inv.CreatedAt, &inv.ExpiresAt, &used); err != nil {
		return inv, err
	}
	inv.Role, inv.KommuneID, inv.InvitedBy, inv.UsedAt = auth.Role(role), kid.UUID, by.UUID, utcPtr(used)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	var err error
	inv.OrganizationIDs, err = splitUUIDs(orgs)
	return inv, err
}

// GetInvitation returns the open invitation of a token; used and expired ones are not found.
func (s *Store) GetInvitation(ctx context.Context, token string) (auth.Invitation, error) {
	inv, err := scanInvitation(s.read.QueryRowContext(ctx, s.q(`SELECT `+invitationCols+` FROM invitations
		WHERE hash = ? AND used_at IS NULL AND expires_at > ?`), auth.HashSecret(token), s.now().UTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, notFound("invitation")
	}
	return inv, errs.Wrap(err, "get invitation")
}

// AcceptInvitation uses an open invitation once and creates its account with the chosen name and password
// hash, in one transaction: a second use finds nothing.
func (s *Store) AcceptInvitation(ctx context.Context, token, displayName, passwordHash string) (auth.User, error) {
	var u auth.User
	now := s.now().UTC()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		hash := auth.HashSecret(token)
		res, err := tx.ExecContext(ctx, s.q(`UPDATE invitations SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?`), now, hash, now)
		if err != nil {
			return errs.Wrap(err, "use invitation")
		}
		if n, err := res.RowsAffected(); err != nil {
			return errs.Wrap(err, "use invitation")
		} else if n != 1 {
			return notFound("invitation") // used or expired in the meantime
		}
		inv, err := scanInvitation(tx.QueryRowContext(ctx, s.q(`SELECT `+invitationCols+` FROM invitations WHERE hash = ?`), hash))
		if err != nil {
			return errs.Wrap(err, "read invitation")
		}
		u = inv.User()
		u.ID, u.DisplayName, u.CreatedAt, u.UpdatedAt = uuid.New(), displayName, now, now
		u.Normalize()
		if err := u.Validate(); err != nil {
			return err
		}
		if err := s.insertUser(ctx, tx, &u, passwordHash); err != nil {
			return err
		}
		return s.record(ctx, tx, audit.Actor{Kind: "user", ID: u.ID.String()}, kommuneOf(u), audit.Create, "user", u.ID.String(),
			nil, map[string]any{"user": u, "invitation_id": inv.ID})
	})
	return u, err
}

// CreatePasswordReset stores a reset link for the account with the e-mail address and returns its token and
// the user to send it to. Unknown and disabled accounts are not found; the caller must not tell the difference
// to the requester.
func (s *Store) CreatePasswordReset(ctx context.Context, actor audit.Actor, email string, ttl time.Duration) (string, auth.User, error) {
	u, err := s.GetUserByEmail(ctx, tenant.System(), email)
	if err == nil && u.Disabled {
		err = notFound("user")
	}
	if err != nil {
		return "", u, err
	}
	secret, err := auth.NewSecret(auth.ResetPrefix)
	if err != nil {
		return "", u, err
	}
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO password_resets (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`),
			secret.Hash, u.ID, now, now.Add(ttl)); err != nil {
			return errs.Wrap(err, "create password reset")
		}
		return s.record(ctx, tx, actor, kommuneOf(u), audit.Create, "password_reset", u.ID.String(), nil, map[string]any{"expires_at": now.Add(ttl)})
	})
	if err != nil {
		return "", u, err
	}
	return secret.Plain, u, nil
}

// UserForReset returns the account of an open reset link; used and expired links are not found.
func (s *Store) UserForReset(ctx context.Context, token string) (auth.User, error) {
	var id uuid.UUID
	err := s.read.QueryRowContext(ctx, s.q(`SELECT user_id FROM password_resets WHERE hash = ? AND used_at IS NULL AND expires_at > ?`),
		auth.HashSecret(token), s.now().UTC()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, notFound("password_reset")
	}
	if err != nil {
		return auth.User{}, errs.Wrap(err, "password reset")
	}
	u, err := s.GetUser(ctx, tenant.System(), id)
	if err == nil && u.Disabled {
		err = notFound("password_reset")
	}
	return u, err
}

// ResetPassword uses an open reset link once: it sets the password hash and ends the user's sessions.
func (s *Store) ResetPassword(ctx context.Context, token, passwordHash string) (auth.User, error) {
	u, err := s.UserForReset(ctx, token)
	if err != nil {
		return u, err
	}
	now := s.now().UTC()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE password_resets SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?`),
			now, auth.HashSecret(token), now)
		if err != nil {
			return errs.Wrap(err, "use password reset")
		}
		if n, err := res.RowsAffected(); err != nil {
			return errs.Wrap(err, "use password reset")
		} else if n != 1 {
			return notFound("password_reset") // used or expired in the meantime
		}
		return s.changePassword(ctx, tx, audit.Actor{Kind: "user", ID: u.ID.String()}, u, passwordHash)
	})
	return u, err
}
