// Package oidc is Kette's single sign-on with OpenID Connect: the authorization code flow with PKCE (S256),
// state and nonce, the ID token verified against the provider's keys (github.com/coreos/go-oidc), and the
// mapping of the provider's groups or roles to a Kette role in a Kommune or Land. It keeps no server state:
// what the callback needs travels in a short-lived cookie authenticated with an HMAC, so any instance behind a
// load balancer can finish a login another one started. Local accounts stay available next to it.
//
// The login pages use it like this:
//
//	cfg, on, err := oidc.FromSettings(settings, key) // at start; on is false without --oidc-issuer
//	c, err := oidc.New(cfg)                          // the provider is contacted at the first login
//	err = c.Start(w, r, next)                        // GET /anmelden/sso: redirect to the provider
//	id, next, err := c.Callback(w, r)                // GET /anmelden/sso/callback: a verified Identity
//	u, err := oidc.Provision(ctx, st, id)            // the local account, linked by e-mail or created
//	token, _, err := st.CreateSession(ctx, u.ID, …)  // then the session cookie and a redirect to next
package oidc

import (
	"net"
	"net/url"
	"strings"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
)

// MinKeyLen is the shortest accepted cookie key; 32 bytes are the size of the HMAC-SHA256 output.
const MinKeyLen = 32

// RoleMapping gives the holders of one claim value (a group or role at the provider) a Kette role: in the
// Kommune with AGS for every role but land_admin, in the Land with LandCode for land_admin.
type RoleMapping struct {
	Value    string
	Role     auth.Role
	AGS      string
	LandCode string
}

// Config is the single sign-on setup. The caller fills it (see FromSettings) and gives the cookie key.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string // empty for a public client; PKCE protects the code either way
	RedirectURL  string
	// Scopes are asked for in addition to openid, email and profile, e.g. "groups" at some providers.
	Scopes []string
	// RoleClaim names the claim with the user's groups or roles: a top-level name ("groups", or a URL) or a
	// dotted path into nested objects ("realm_access.roles" at Keycloak).
	RoleClaim string
	Roles     []RoleMapping
	// SyncRoles decides what a login does to an existing account: true, the provider's groups set its role
	// and scope at every login (so a change in the directory reaches Kette); false, the account keeps the role
	// the Kette administration gave it and the mapping only decides who may log in and the role of new accounts.
	SyncRoles bool
	// CookieKey authenticates the login cookie (HMAC-SHA256); at least MinKeyLen bytes, the same on every
	// instance that may receive the callback.
	CookieKey []byte
}

// FromSettings builds the Config from the command-line settings. cookieKey is used when the settings name
// none (a random key per start does for a single instance). ok is false when single sign-on is off.
func FromSettings(c config.Config, cookieKey []byte) (cfg Config, ok bool, err error) {
	if strings.TrimSpace(c.OIDCIssuer) == "" {
		return Config{}, false, nil
	}
	cfg = Config{Issuer: strings.TrimSpace(c.OIDCIssuer), ClientID: strings.TrimSpace(c.OIDCClientID),
		ClientSecret: c.OIDCClientSecret, RedirectURL: strings.TrimSpace(c.OIDCRedirectURL),
		RoleClaim: strings.TrimSpace(c.OIDCRoleClaim), SyncRoles: c.OIDCSyncRoles, CookieKey: cookieKey}
	for s := range strings.SplitSeq(c.OIDCScopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.Scopes = append(cfg.Scopes, s)
		}
	}
	if c.OIDCCookieKey != "" {
		cfg.CookieKey = []byte(c.OIDCCookieKey)
	}
	var v errs.Validation
	roles, err := ParseRoles(c.OIDCRoles)
	v.Merge("", err)
	cfg.Roles = roles
	v.Merge("", cfg.Validate())
	return cfg, true, v.Err()
}

// ParseRoles reads the mapping in the form of --oidc-roles: comma-separated "value=role:AGS" entries, or
// "value=land_admin:LandCode". Whitespace around the parts is ignored; claim values may contain any character
// but "=" and ",".
func ParseRoles(s string) ([]RoleMapping, error) {
	var out []RoleMapping
	var v errs.Validation
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		value, target, ok := strings.Cut(entry, "=")
		role, key, ok2 := strings.Cut(target, ":")
		if !ok || !ok2 || strings.TrimSpace(value) == "" {
			v.Add("oidc_roles", "oidc.validation.role_entry", map[string]any{"Value": entry})
			continue
		}
		m := RoleMapping{Value: strings.TrimSpace(value), Role: auth.Role(strings.TrimSpace(role))}
		if m.Role == auth.LandAdmin {
			m.LandCode = strings.TrimSpace(key)
		} else {
			m.AGS = strings.TrimSpace(key)
		}
		out = append(out, m)
	}
	return out, v.Err()
}

// Validate checks the configuration; the messages name the setting.
func (c Config) Validate() error {
	var v errs.Validation
	if c.Issuer == "" {
		v.Add("oidc_issuer", "validation.required", nil)
	} else if !secureURL(c.Issuer) {
		v.Add("oidc_issuer", "oidc.validation.url", map[string]any{"Value": c.Issuer})
	}
	if c.ClientID == "" {
		v.Add("oidc_client_id", "validation.required", nil)
	}
	if c.RedirectURL == "" {
		v.Add("oidc_redirect_url", "validation.required", nil)
	} else if !secureURL(c.RedirectURL) {
		v.Add("oidc_redirect_url", "oidc.validation.url", map[string]any{"Value": c.RedirectURL})
	}
	if c.RoleClaim == "" {
		v.Add("oidc_role_claim", "validation.required", nil)
	}
	if len(c.CookieKey) < MinKeyLen {
		v.Add("oidc_cookie_key", "oidc.validation.cookie_key", map[string]any{"Min": MinKeyLen})
	}
	if len(c.Roles) == 0 {
		v.Add("oidc_roles", "oidc.validation.roles_required", nil)
	}
	seen := map[string]bool{}
	for _, m := range c.Roles {
		data := map[string]any{"Value": m.Value, "Role": string(m.Role), "AGS": m.AGS, "Land": m.LandCode}
		switch {
		case m.Value == "":
			v.Add("oidc_roles", "oidc.validation.role_value", data)
		case seen[m.Value]:
			v.Add("oidc_roles", "oidc.validation.role_duplicate", data)
		case !m.Role.Valid():
			v.Add("oidc_roles", "oidc.validation.role_unknown", data)
		case m.Role == auth.ProviderEditor:
			// A provider editor needs organizations, which a group name cannot say.
			v.Add("oidc_roles", "oidc.validation.role_provider_editor", data)
		case m.Role == auth.LandAdmin && !region.ValidLandCode(m.LandCode):
			v.Add("oidc_roles", "oidc.validation.role_land", data)
		case m.Role != auth.LandAdmin && !region.ValidAGS(m.AGS):
			v.Add("oidc_roles", "oidc.validation.role_ags", data)
		}
		seen[m.Value] = true
	}
	return v.Err()
}

// secureURL accepts absolute https URLs, and http only on the loopback interface (a provider on the
// developer's machine): tokens and codes must not travel in clear text.
func secureURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		return h == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}
