package oidc

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
)

// Identity is a verified login at the provider, mapped to a Kette role.
type Identity struct {
	Issuer        string
	Subject       string // the provider's stable id of the person
	Email         string // normalised (auth.NormalizeEmail)
	EmailVerified bool
	Name          string
	// Groups are the values of the role claim, as the provider sent them.
	Groups []string
	// Role with KommuneAGS (every role but land_admin) or LandCode (land_admin), from the mapping.
	Role       auth.Role
	KommuneAGS string
	LandCode   string
	// SyncRole is Config.SyncRoles: whether Provision sets this role on an existing account.
	SyncRole bool
}

// identity reads the claims and applies the mapping; it refuses identities Kette cannot trust or place.
func (c *Client) identity(issuer, subject string, claims map[string]any) (Identity, error) {
	id := Identity{Issuer: issuer, Subject: subject, Email: auth.NormalizeEmail(str(claims["email"])),
		EmailVerified: truthy(claims["email_verified"]), Name: displayName(claims), SyncRole: c.cfg.SyncRoles}
	if id.Email == "" {
		return Identity{}, refuse("oidc.error.no_email", fmt.Errorf("subject %s: no email claim", subject))
	}
	// Accounts are linked by e-mail address, so an address the provider has not confirmed could take over
	// someone else's account.
	if !id.EmailVerified {
		return Identity{}, refuse("oidc.error.email_unverified", fmt.Errorf("subject %s: email %s not verified", subject, id.Email))
	}
	id.Groups = values(lookup(claims, c.cfg.RoleClaim))
	m, ok := c.cfg.match(id.Groups)
	if !ok {
		return Identity{}, refuse("oidc.error.no_role",
			fmt.Errorf("subject %s: no mapping for %s=%v", subject, c.cfg.RoleClaim, id.Groups))
	}
	id.Role, id.KommuneAGS, id.LandCode = m.Role, m.AGS, m.LandCode
	return id, nil
}

// match picks the mapping of the highest role among the values (in the order of auth.Roles), and among equal
// roles the one configured first, so a person in several groups always gets the same, strongest role.
func (c Config) match(groups []string) (RoleMapping, bool) {
	best, found := RoleMapping{}, false
	rank := func(r auth.Role) int { return slices.Index(auth.Roles(), r) }
	for _, m := range c.Roles {
		if slices.Contains(groups, m.Value) && (!found || rank(m.Role) < rank(best.Role)) {
			best, found = m, true
		}
	}
	return best, found
}

// needUserInfo reports whether the ID token lacks what the login needs.
func needUserInfo(claims map[string]any, roleClaim string) bool {
	_, verified := claims["email_verified"]
	return str(claims["email"]) == "" || !verified || lookup(claims, roleClaim) == nil || displayName(claims) == ""
}

// lookup finds a claim by its full name first (names may be URLs with dots) and then as a dotted path into
// nested objects, as Keycloak's realm_access.roles.
func lookup(claims map[string]any, name string) any {
	if v, ok := claims[name]; ok {
		return v
	}
	var cur any = claims
	for part := range strings.SplitSeq(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}

// values accepts a claim given as one string or as a list of strings.
func values(v any) []string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

// truthy reads email_verified, which some providers send as the string "true".
func truthy(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(t, "true")
	}
	return false
}

func displayName(claims map[string]any) string {
	if n := str(claims["name"]); n != "" {
		return n
	}
	if n := strings.TrimSpace(str(claims["given_name"]) + " " + str(claims["family_name"])); n != "" {
		return n
	}
	return str(claims["preferred_username"])
}

// errNoIdentity guards Provision against an Identity that did not come from Callback.
var errNoIdentity = errors.New("identity without verified e-mail or role")

// valid reports whether id is what Callback returns; Provision refuses anything else.
func (id Identity) valid() error {
	if id.Email == "" || !id.EmailVerified || !id.Role.Valid() || id.Role == auth.ProviderEditor ||
		(id.Role == auth.LandAdmin && id.LandCode == "") || (id.Role != auth.LandAdmin && id.KommuneAGS == "") {
		return &errs.Error{Code: errs.Unauthenticated, Message: "oidc.error.no_role", Err: errNoIdentity}
	}
	return nil
}
