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

// maxUserAgent caps what a client can make us store.
const maxUserAgent = 400

// CreateSession starts a session of the user and returns its token, which is never stored: the session's id is
// the token's hash.
func (s *Store) CreateSession(ctx context.Context, userID uuid.UUID, ttl time.Duration, userAgent string) (string, auth.Session, error) {
	secret, err := auth.NewSecret(auth.SessionPrefix)
	if err != nil {
		return "", auth.Session{}, err
	}
	if len(userAgent) > maxUserAgent {
		userAgent = userAgent[:maxUserAgent]
	}
	now := s.now().UTC()
	sess := auth.Session{ID: secret.Hash, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(ttl), UserAgent: userAgent}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, revoked)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), sess.ID, sess.UserID, sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt, sess.UserAgent, false)
		return errs.Wrap(err, "create session")
	})
	if err != nil {
		return "", auth.Session{}, err
	}
	return secret.Plain, sess, nil
}

const sessionCols = `s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.revoked`

func scanSession(row interface{ Scan(...any) error }, extra ...any) (auth.Session, error) {
	var x auth.Session
	err := row.Scan(append([]any{&x.ID, &x.UserID, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.UserAgent, &x.Revoked}, extra...)...)
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = x.CreatedAt.UTC(), x.LastSeenAt.UTC(), x.ExpiresAt.UTC()
	return x, err
}

// SessionUser returns the session of a token and its user. Unknown, expired and revoked sessions and those of
// disabled users are not found.
func (s *Store) SessionUser(ctx context.Context, token string) (auth.Session, auth.User, error) {
	var u auth.User
	var kid uuid.NullUUID
	var role string
	sess, err := scanSession(s.read.QueryRowContext(ctx, s.q(`SELECT `+sessionCols+`, `+prefixed("u.", userCols)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.revoked = ? AND s.expires_at > ? AND u.disabled = ?`), auth.HashSecret(token), false, s.now().UTC(), false),
		&u.ID, &u.Email, &u.DisplayName, &role, &u.LandCode, &kid, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, u, notFound("session")
	}
	if err != nil {
		return sess, u, errs.Wrap(err, "session")
	}
	u.Role, u.KommuneID = auth.Role(role), kid.UUID
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return sess, u, s.loadUserOrganizations(ctx, &u)
}

// TouchSession records that the session was used now.
func (s *Store) TouchSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET last_seen_at = ? WHERE id = ? AND revoked = ?`),
			s.now().UTC(), auth.HashSecret(token), false)
		return errs.Wrap(err, "touch session")
	})
}

// RevokeSession ends the session of a token (logout). An unknown token is not an error: the result is the same.
func (s *Store) RevokeSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET revoked = ? WHERE id = ?`), true, auth.HashSecret(token))
		return errs.Wrap(err, "revoke session")
	})
}

// RevokeUserSessions ends every session of a user in scope, e.g. after a lost device.
func (s *Store) RevokeUserSessions(ctx context.Context, scope tenant.Scope, actor audit.Actor, userID uuid.UUID) error {
	u, err := s.GetUser(ctx, scope, userID)
	if err != nil {
		return err
	}
	if err := mayManageUsers(scope); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.revokeSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, kommuneOf(u), audit.Update, "user", u.ID.String(), nil, map[string]any{"sessions_revoked": true})
	})
}

func (s *Store) revokeSessions(ctx context.Context, tx *sql.Tx, userID uuid.UUID) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE sessions SET revoked = ? WHERE user_id = ? AND revoked = ?`), true, userID, false)
	return errs.Wrap(err, "revoke sessions")
}

// ListSessions lists the open sessions of a user in scope, newest first.
func (s *Store) ListSessions(ctx context.Context, scope tenant.Scope, userID uuid.UUID) ([]auth.Session, error) {
	if _, err := s.GetUser(ctx, scope, userID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+sessionCols+` FROM sessions s WHERE s.user_id = ? AND s.revoked = ?
		AND s.expires_at > ? ORDER BY s.created_at DESC`), userID, false, s.now().UTC())
	if err != nil {
		return nil, errs.Wrap(err, "list sessions")
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan session")
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "list sessions")
}

// PruneSessions deletes sessions that expired more than age ago; revoked ones expire like the others.
func (s *Store) PruneSessions(ctx context.Context, age time.Duration) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE expires_at < ?`), s.now().Add(-age).UTC())
		return errs.Wrap(err, "prune sessions")
	})
}

// RevokeOwnSessions ends every session of the signed-in user themselves ("überall abmelden").
func (s *Store) RevokeOwnSessions(ctx context.Context, userID uuid.UUID) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.revokeSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.record(ctx, tx, audit.Actor{Kind: "user", ID: userID.String()}, nil, audit.Update, "user", userID.String(),
			nil, map[string]any{"sessions_revoked": true})
	})
}
