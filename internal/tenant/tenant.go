// Package tenant defines the scope every store call is made in. Kette's tenant is the Kommune; a Land sees its
// Kommunen; the public sees published content everywhere; the system scope is for the CLI (migrate, demo,
// generate) only. A read outside the scope is reported as not found, never as forbidden, so ids of other
// tenants do not leak.
package tenant

import (
	"slices"

	"github.com/google/uuid"
)

// Kind says what a Scope covers.
type Kind int

const (
	KindPublic Kind = iota + 1
	KindSystem
	KindLand
	KindKommune
)

// Scope is the acting tenant of a call. The zero Scope is invalid and sees nothing. Scopes hold a slice, so
// they are not comparable with ==; compare Kind and the keys instead.
type Scope struct {
	Kind      Kind
	LandCode  string
	KommuneID uuid.UUID
	// OrganizationIDs, when not empty, limits changes to the offers and locations of these organizations
	// (a provider editor); reads still cover the whole Kommune.
	OrganizationIDs []uuid.UUID
	// ReadOnly scopes read like their tenant but change nothing (reviewers and programme officers, whose own
	// capabilities — quality and funding — come with their own rules).
	ReadOnly bool
}

// Public sees published content of every Kommune.
func Public() Scope { return Scope{Kind: KindPublic} }

// System sees everything; only command-line tools use it.
func System() Scope { return Scope{Kind: KindSystem} }

// Land sees everything of the Kommunen of one Land.
func Land(code string) Scope { return Scope{Kind: KindLand, LandCode: code} }

// Kommune sees everything of one Kommune.
func Kommune(id uuid.UUID) Scope { return Scope{Kind: KindKommune, KommuneID: id} }

// Organizations is a Kommune scope that may only change the offers and locations of the given organizations.
func Organizations(kommuneID uuid.UUID, ids ...uuid.UUID) Scope {
	return Scope{Kind: KindKommune, KommuneID: kommuneID, OrganizationIDs: ids}
}

// Limited reports whether changes are restricted to some organizations.
func (s Scope) Limited() bool { return len(s.OrganizationIDs) > 0 }

// MayChange reports whether the scope may change what belongs to the organization. It does not check the
// tenant: the store does that with its queries.
func (s Scope) MayChange(organizationID uuid.UUID) bool {
	return !s.ReadOnly && (!s.Limited() || slices.Contains(s.OrganizationIDs, organizationID))
}

// MayAdminister reports whether the scope may decide for its whole tenant: approve changes, manage accounts,
// change Sozialräume. Provider editors and read-only scopes may not.
func (s Scope) MayAdminister() bool {
	return !s.ReadOnly && !s.Limited() && (s.Kind == KindKommune || s.Kind == KindLand || s.Kind == KindSystem)
}

// PublishedOnly reports whether the scope may only see published content.
func (s Scope) PublishedOnly() bool { return s.Kind == KindPublic }
