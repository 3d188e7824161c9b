// Package auth holds Kette's accounts: users with a role scoped to a tenant, password hashing (argon2id),
// secrets for sessions, API tokens, invitations and password resets (only their SHA-256 hashes are stored),
// the password policy, login throttling and the login itself. It has no SQL: the store implements the
// Store interface that Service uses.
package auth

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/tenant"
)

// Role is what a user may do; its scope comes from LandCode, KommuneID and OrganizationIDs.
type Role string

// The roles of Kette.
const (
	LandAdmin          Role = "land_admin"          // the whole Land
	KommuneCoordinator Role = "kommune_coordinator" // one Kommune
	ProviderEditor     Role = "provider_editor"     // the organizations of one Kommune given to them
	Reviewer           Role = "reviewer"            // one Kommune, quality reviews
	ProgrammeOfficer   Role = "programme_officer"   // one Kommune, funding programmes
)

// Roles lists every role, highest first.
func Roles() []Role {
	return []Role{LandAdmin, KommuneCoordinator, ProviderEditor, Reviewer, ProgrammeOfficer}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// LabelID is the i18n message id of the role's name.
func (r Role) LabelID() string { return "auth.role." + string(r) }

// OfKommune reports whether the role acts for one Kommune (every role but the Land administrator).
func (r Role) OfKommune() bool { return r.Valid() && r != LandAdmin }

// User is an account. The password hash is not part of it, so that a User can be logged, audited and shown
// without leaking it.
type User struct {
	ID              uuid.UUID   `json:"id"`
	Email           string      `json:"email"`
	DisplayName     string      `json:"display_name"`
	Role            Role        `json:"role"`
	LandCode        string      `json:"land_code,omitempty"`
	KommuneID       uuid.UUID   `json:"kommune_id,omitzero"`
	OrganizationIDs []uuid.UUID `json:"organization_ids,omitempty"`
	Disabled        bool        `json:"disabled"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

var landCodePattern = regexp.MustCompile(`^(0[1-9]|1[0-6])$`)

// NormalizeEmail is the form e-mail addresses are stored and compared in: trimmed and lower case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Normalize puts the e-mail address into its stored form and drops duplicate organizations.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	slices.SortFunc(u.OrganizationIDs, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	u.OrganizationIDs = slices.Compact(u.OrganizationIDs)
}

// Validate checks the account's rules; the store checks in addition that the Kommune and organizations exist.
func (u User) Validate() error {
	var v errs.Validation
	validEmail(&v, u.Email)
	if u.DisplayName == "" {
		v.Add("display_name", "validation.required", nil)
	} else if utf8.RuneCountInString(u.DisplayName) > 200 {
		v.Add("display_name", "validation.too_long", map[string]any{"Max": 200})
	}
	validScope(&v, u.Role, u.LandCode, u.KommuneID, u.OrganizationIDs)
	return v.Err()
}

func validEmail(v *errs.Validation, email string) {
	if email == "" {
		v.Add("email", "validation.required", nil)
		return
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || a.Name != "" || len(email) > 254 {
		v.Add("email", "validation.email", map[string]any{"Value": email})
	}
}

// validScope checks that a role comes with exactly the tenant keys it needs.
func validScope(v *errs.Validation, role Role, land string, kommune uuid.UUID, orgs []uuid.UUID) {
	switch {
	case !role.Valid():
		v.Add("role", "auth.validation.role", map[string]any{"Value": string(role)})
		return
	case role == LandAdmin:
		if !landCodePattern.MatchString(land) {
			v.Add("land_code", "auth.validation.land_required", map[string]any{"Value": land})
		}
		if kommune != uuid.Nil {
			v.Add("kommune_id", "auth.validation.no_kommune", nil)
		}
	case kommune == uuid.Nil:
		v.Add("kommune_id", "auth.validation.kommune_required", nil)
	}
	if role == ProviderEditor && len(orgs) == 0 {
		v.Add("organization_ids", "auth.validation.organizations_required", nil)
	}
	if role != ProviderEditor && len(orgs) > 0 {
		v.Add("organization_ids", "auth.validation.organizations_only_editor", nil)
	}
}

// Scope is the tenant the user acts in: the Land for a Land administrator, the Kommune for everyone else,
// limited to their organizations for a provider editor. A disabled user gets the zero scope, which sees nothing.
func (u User) Scope() tenant.Scope {
	switch {
	case u.Disabled || !u.Role.Valid():
		return tenant.Scope{}
	case u.Role == LandAdmin:
		return tenant.Land(u.LandCode)
	case u.Role == ProviderEditor:
		return tenant.Organizations(u.KommuneID, slices.Clone(u.OrganizationIDs)...)
	case u.Role == Reviewer || u.Role == ProgrammeOfficer:
		sc := tenant.Kommune(u.KommuneID)
		sc.ReadOnly = true
		return sc
	default:
		return tenant.Kommune(u.KommuneID)
	}
}
