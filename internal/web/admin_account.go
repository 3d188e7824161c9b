package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/tenant"
)

// adminAccountRoutes registers the signed-in user's own account: sessions and API keys.
func (s *server) adminAccountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /verwaltung/konto", s.page(s.account))
	mux.HandleFunc("POST /verwaltung/konto/schluessel", s.page(s.createToken))
	mux.HandleFunc("POST /verwaltung/konto/schluessel/{id}/widerrufen", s.page(s.revokeToken))
	mux.HandleFunc("POST /verwaltung/konto/sitzungen/beenden", s.endSessions)
}

// accountPage shows the user's open sessions and API keys; a new key is shown once.
type accountPage struct {
	form
	Role     string
	Sessions []auth.Session
	Tokens   []auth.APIToken
	NewToken string
}

func (s *server) accountForm(r *http.Request, lang string) (auth.Principal, accountPage, error) {
	p, err := signedIn(r)
	if err != nil {
		return p, accountPage{}, err
	}
	l := s.i18n.For(lang)
	d := accountPage{form: s.newForm(r, lang, "account.title"), Role: l.T(p.User.Role.LabelID())}
	d.Crumbs = s.trail(lang, crumb{Name: l.T("admin.title"), Href: "/verwaltung"}, crumb{Name: d.Title})
	self := selfScope(p)
	if d.Sessions, err = s.store.ListSessions(r.Context(), self, p.User.ID); err != nil {
		return p, d, err
	}
	d.Tokens, err = s.store.ListAPITokens(r.Context(), self, p.User.ID)
	return p, d, err
}

// selfScope is the scope in which users read their own account: their tenant, but never read-only or limited
// for their own records. The store still checks that the token belongs to them.
func selfScope(p auth.Principal) (sc tenant.Scope) {
	sc = p.Scope()
	sc.ReadOnly, sc.OrganizationIDs = false, nil
	return sc
}

func (s *server) account(r *http.Request, lang string) (string, any, error) {
	_, d, err := s.accountForm(r, lang)
	if r.URL.Query().Has("widerrufen") {
		d.Notice = s.i18n.For(lang).T("account.revoked")
	}
	return "admin_account", d, err
}

func (s *server) createToken(r *http.Request, lang string) (string, any, error) {
	p, d, err := s.accountForm(r, lang)
	if err != nil {
		return "", nil, err
	}
	plain, _, err := s.store.CreateAPIToken(r.Context(), selfScope(p), actorOf(p), p.User.ID, r.PostFormValue("name"))
	if err != nil {
		d.Values["name"] = r.PostFormValue("name")
		data, err := s.refuse(&d.form, lang, err)
		if ws, ok := data.(withStatus); ok {
			d.form = ws.data.(form)
			return "admin_account", withStatus{status: ws.status, data: d}, nil
		}
		return "", nil, err
	}
	_, d, err = s.accountForm(r, lang)
	d.NewToken = plain
	return "admin_account", d, err
}

func (s *server) revokeToken(r *http.Request, lang string) (string, any, error) {
	p, err := signedIn(r)
	if err != nil {
		return "", nil, err
	}
	id, err := pathID(r)
	if err != nil {
		return "", nil, err
	}
	if err := s.store.RevokeAPIToken(r.Context(), selfScope(p), actorOf(p), id); err != nil {
		return "", nil, err
	}
	return "", seeOther("/verwaltung/konto?widerrufen"), nil
}

// endSessions signs the user out everywhere, e.g. after a lost phone, this browser included.
func (s *server) endSessions(w http.ResponseWriter, r *http.Request) {
	p, err := signedIn(r)
	if err != nil {
		s.fail(w, r, s.language(w, r), err)
		return
	}
	if err := s.store.RevokeOwnSessions(r.Context(), p.User.ID); err != nil {
		s.fail(w, r, s.language(w, r), err)
		return
	}
	http.SetCookie(w, sessionCookie(r, "", -1))
	http.Redirect(w, r, "/anmelden?abgemeldet", http.StatusSeeOther)
}
