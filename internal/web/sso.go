package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/oidc"
)

// ssoRoutes registers single sign-on with the Kommune's identity provider, when one is configured.
func (s *server) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /anmelden/sso", s.ssoStart)
	mux.HandleFunc("GET /anmelden/sso/callback", s.ssoCallback)
}

// ssoStart sends the browser to the identity provider; without one configured the page does not exist.
func (s *server) ssoStart(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	if err := s.oidc.Start(w, r, safeNext(r.URL.Query().Get("next"), "/verwaltung")); err != nil {
		s.fail(w, r, s.language(w, r), err)
	}
}

// ssoCallback checks the provider's answer (state, PKCE, signature, audience, nonce, expiry), links or creates
// the account and starts a session like a password login.
func (s *server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	id, next, err := s.oidc.Callback(w, r)
	if err != nil {
		s.log.Warn("single sign-on refused", "err", err)
		s.ssoFail(w, r, lang, err)
		return
	}
	u, err := oidc.Provision(r.Context(), s.store, id)
	if err != nil {
		s.ssoFail(w, r, lang, err)
		return
	}
	token, _, err := s.store.CreateSession(r.Context(), u.ID, s.auth.SessionTTL, r.UserAgent())
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	http.SetCookie(w, sessionCookie(r, token, int(s.auth.SessionTTL.Seconds())))
	http.Redirect(w, r, safeNext(next, "/verwaltung"), http.StatusSeeOther)
}

// ssoFail shows why a single sign-on was refused. s.fail would answer an unauthenticated GET with a redirect
// to the login page, which names no reason and would carry the callback's code and state in its ?next=.
func (s *server) ssoFail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if errs.CodeOf(err) != errs.Unauthenticated {
		s.fail(w, r, lang, err)
		return
	}
	s.renderError(w, r, lang, errs.HTTPStatus(errs.Unauthenticated), s.i18n.For(lang).ErrorMessage(err), nil)
}
