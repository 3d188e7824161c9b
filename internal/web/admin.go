package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/tenant"
)

// adminRoutes registers the start of the administration area; its sections register themselves.
func (s *server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung", s.page(s.adminHome))
	s.adminCatalogRoutes(mux)
	s.adminOfferRoutes(mux)
	s.adminUserRoutes(mux)
	s.adminAuditRoutes(mux)
	s.adminAccountRoutes(mux)
	s.adminPortalRoutes(mux)
	s.adminPlanningRoutes(mux)
}

// signedIn returns the principal of a page behind the login; anonymous visitors are sent to the login.
func signedIn(r *http.Request) (auth.Principal, error) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || p.Via != "session" {
		return auth.Principal{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	return p, nil
}

// actorOf is the audit log's name for the signed-in user.
func actorOf(p auth.Principal) audit.Actor { return audit.Actor{Kind: "user", ID: p.User.ID.String()} }

// adminHome is the signed-in user's start: who they are, what they may do, their Kommunen.
type adminHome struct {
	base
	Role     string
	Kommunen []region.KommuneSummary
	Editor   bool // a provider editor: only their organizations
	ReadOnly bool // reviewers and programme officers: the analyses, no editing
	Land     bool
	Links    []crumb
}

func (s *server) adminHome(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	l := s.i18n.For(lang)
	scope := p.Scope()
	ks, err := s.store.ListKommunen(r.Context(), scope)
	if err != nil {
		return "", nil, err
	}
	d := adminHome{base: s.newBase(r, lang, l.T("admin.title")), Role: l.T(p.User.Role.LabelID()), Kommunen: ks,
		Editor: scope.Limited(), ReadOnly: scope.ReadOnly, Land: scope.Kind == tenant.KindLand}
	d.Crumbs = s.trail(lang, crumb{Name: d.Title})
	return "admin", d, nil
}

// authPrincipal wraps a user for actorOf.
func authPrincipal(u auth.User) auth.Principal { return auth.Principal{User: u} }
