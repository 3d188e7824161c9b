package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"

	"github.com/kette-org/kette/internal/tenant"
)

// Principal is who makes a request: a signed-in user (by session cookie) or an integration (by API token).
// Requests without one act in the public scope.
type Principal struct {
	User User
	// Via is "session" or "token"; forms are only accepted from sessions.
	Via string
	// CSRF is the form token of the session (empty for API tokens).
	CSRF string
	// SessionToken is the plain session token, kept to revoke the session at logout.
	SessionToken string
}

// Scope is the tenant the principal acts in.
func (p Principal) Scope() tenant.Scope { return p.User.Scope() }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ScopeFrom returns the scope of ctx's principal, or the public scope for anonymous requests.
func ScopeFrom(ctx context.Context) tenant.Scope {
	if p, ok := PrincipalFrom(ctx); ok {
		return p.Scope()
	}
	return tenant.Public()
}

// CSRFToken derives the form token of a session from its secret token: an attacker who cannot read the
// HttpOnly session cookie cannot compute it, and nothing more needs to be stored.
func CSRFToken(sessionToken string) string {
	sum := sha256.Sum256([]byte("kette-csrf:" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "kette_session"
