// Package tenant defines the scope every store call is made in. Kette's tenant is the Kommune; a Land sees its
// Kommunen; the public sees published content everywhere; the system scope is for the CLI (migrate, demo,
// generate) only. A read outside the scope is reported as not found, never as forbidden, so ids of other
// tenants do not leak.
package tenant

import "github.com/google/uuid"

// Kind says what a Scope covers.
type Kind int

const (
	KindPublic Kind = iota + 1
	KindSystem
	KindLand
	KindKommune
)

// Scope is the acting tenant of a call. The zero Scope is invalid and sees nothing.
type Scope struct {
	Kind      Kind
	LandCode  string
	KommuneID uuid.UUID
}

// Public sees published content of every Kommune.
func Public() Scope { return Scope{Kind: KindPublic} }

// System sees everything; only command-line tools use it.
func System() Scope { return Scope{Kind: KindSystem} }

// Land sees everything of the Kommunen of one Land.
func Land(code string) Scope { return Scope{Kind: KindLand, LandCode: code} }

// Kommune sees everything of one Kommune.
func Kommune(id uuid.UUID) Scope { return Scope{Kind: KindKommune, KommuneID: id} }

// PublishedOnly reports whether the scope may only see published content.
func (s Scope) PublishedOnly() bool { return s.Kind == KindPublic }
