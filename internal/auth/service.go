package auth

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
)

// Store is what Service needs from the database; *store.Store implements it. Times come from the store's clock.
type Store interface {
	// UserForLogin returns the user with the (normalised) e-mail address and their password hash, which is
	// empty for accounts without a password; errs.NotFound when there is none.
	UserForLogin(ctx context.Context, email string) (User, string, error)
	LoginFailures(ctx context.Context, email, remoteAddr string, window time.Duration) (Failures, error)
	RecordLogin(ctx context.Context, a Attempt) error
	// SetPasswordHash replaces the hash after a parameter upgrade; it is no change of the account.
	SetPasswordHash(ctx context.Context, userID uuid.UUID, hash string) error
	CreateSession(ctx context.Context, userID uuid.UUID, ttl time.Duration, userAgent string) (string, Session, error)
	GetInvitation(ctx context.Context, token string) (Invitation, error)
	AcceptInvitation(ctx context.Context, token, displayName, passwordHash string) (User, error)
	UserForReset(ctx context.Context, token string) (User, error)
	ResetPassword(ctx context.Context, token, passwordHash string) (User, error)
}

// Service logs users in and lets them set passwords through invitations and reset links.
type Service struct {
	Store      Store
	Params     Params
	Throttle   Throttle
	SessionTTL time.Duration
}

// NewService returns a Service with the default parameters.
func NewService(s Store) *Service {
	return &Service{Store: s, Params: DefaultParams(), Throttle: DefaultThrottle(), SessionTTL: SessionTTL}
}

// Login checks the throttle, verifies the password, records the attempt and returns a new session token.
// Wrong e-mail and wrong password give the same error, and cost the same time, so accounts cannot be probed.
func (s *Service) Login(ctx context.Context, email, password, remoteAddr, userAgent string) (string, User, error) {
	email = NormalizeEmail(email)
	attempt := Attempt{Email: email, RemoteAddr: remoteAddr}
	f, err := s.Store.LoginFailures(ctx, email, remoteAddr, s.Throttle.Window)
	if err != nil {
		return "", User{}, err
	}
	if err := s.Throttle.Check(f); err != nil {
		attempt.Throttled = true
		return "", User{}, joinRecord(err, s.Store.RecordLogin(ctx, attempt))
	}
	u, ok, err := s.checkPassword(ctx, email, password)
	if err != nil {
		return "", User{}, err
	}
	if !ok || u.Disabled {
		msg := "auth.error.login_failed"
		if ok {
			msg = "auth.error.disabled" // the password was right, so telling this leaks nothing
		}
		return "", User{}, joinRecord(&errs.Error{Code: errs.Unauthenticated, Message: msg}, s.Store.RecordLogin(ctx, attempt))
	}
	attempt.Success = true
	if err := s.Store.RecordLogin(ctx, attempt); err != nil {
		return "", User{}, err
	}
	token, _, err := s.Store.CreateSession(ctx, u.ID, s.SessionTTL, userAgent)
	return token, u, err
}

// checkPassword verifies the password of the account and upgrades an outdated hash.
func (s *Service) checkPassword(ctx context.Context, email, password string) (User, bool, error) {
	u, hash, err := s.Store.UserForLogin(ctx, email)
	if errs.Is(err, errs.NotFound) || (err == nil && hash == "") {
		_, _ = s.Params.Hash(password) // the same work as a verification, so timing does not tell
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	ok, rehash, err := s.Params.Verify(password, hash)
	if err != nil || !ok {
		return u, false, err
	}
	if rehash {
		// A failed upgrade must not stop the login; the next login tries again.
		if h, err := s.Params.Hash(password); err == nil {
			_ = s.Store.SetPasswordHash(ctx, u.ID, h)
		}
	}
	return u, true, nil
}

// joinRecord returns the refusal unless recording the attempt failed, which is the more serious error.
func joinRecord(refusal, recordErr error) error {
	if recordErr != nil {
		return recordErr
	}
	return refusal
}

// HashPassword applies the password policy for the account's e-mail address and hashes the password.
func (s *Service) HashPassword(password, email string) (string, error) {
	if err := CheckPassword(password, email); err != nil {
		return "", err
	}
	return s.Params.Hash(password)
}

// AcceptInvitation creates the invited account with the chosen name and password; the link works once.
func (s *Service) AcceptInvitation(ctx context.Context, token, displayName, password string) (User, error) {
	inv, err := s.Store.GetInvitation(ctx, token)
	if err != nil {
		return User{}, err
	}
	var v errs.Validation
	if strings.TrimSpace(displayName) == "" {
		v.Add("display_name", "validation.required", nil)
	}
	v.Merge("", CheckPassword(password, inv.Email))
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.Params.Hash(password)
	if err != nil {
		return User{}, err
	}
	return s.Store.AcceptInvitation(ctx, token, displayName, hash)
}

// ResetPassword sets a new password through a reset link; the link works once and ends every session.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (User, error) {
	u, err := s.Store.UserForReset(ctx, token)
	if err != nil {
		return User{}, err
	}
	hash, err := s.HashPassword(password, u.Email)
	if err != nil {
		return User{}, err
	}
	return s.Store.ResetPassword(ctx, token, hash)
}
