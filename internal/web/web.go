// Package web serves the server-rendered pages of the Angebotsatlas: the start page with the Kommunen, a page per
// Kommune (with its Sozialräume as an SVG map), per Sozialraum, per Einrichtung and per Angebot. The pages use
// the standard library's ServeMux with one handler per file, html/template with one shared layout, and embedded
// static files; there is no JavaScript and no inline style, so a strict Content-Security-Policy holds. Every
// visible text comes from the i18n catalogue (locales/web.<lang>.json). Everything is read in the public scope:
// visitors see active offers only.
package web

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin without relying on the host's zoneinfo

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/oidc"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// Deps are what the pages need.
type Deps struct {
	Store *store.Store
	I18n  *i18n.Bundle
	Log   *slog.Logger
	// Search is the public search index; without it the search answers 503.
	Search *search.Index
	// SearchLog records the searches without personal data; nil records nothing.
	SearchLog *searchlog.Recorder
	// Mail sends invitations and password resets; nil logs the links instead.
	Mail Mailer
	// Freshness are the months of the freshness dashboard; the zero value is freshness.DefaultConfig().
	Freshness freshness.Config
	// OIDC is the single sign-on of the Kommune's identity provider; nil offers local accounts only.
	OIDC *oidc.Client
	// Tiles is the tile server of the interactive results map; the zero value is OpenStreetMap's.
	Tiles Tiles
	// Privacy is the minimum cell size of indicator values (kette serve --min-cell); zero is the default.
	Privacy indicator.Privacy
	// Chain is the in-memory chain snapshot the Land comparison analyses from; nil reads the store.
	Chain *chain.Snapshot
}

// defaultPageSize is the number of offers per page of a list.
const defaultPageSize = 50

// langCookie remembers a language chosen with ?lang=.
const langCookie = "lang"

// server holds what the handlers share.
type server struct {
	store     *store.Store
	i18n      *i18n.Bundle
	log       *slog.Logger
	pages     map[string]map[string]*template.Template // lang → page → template
	static    *staticFiles
	berlin    *time.Location
	scope     tenant.Scope
	pageSize  int
	search    *search.Index
	searchLog *searchlog.Recorder
	places    *search.PlaceCache
	auth      *auth.Service
	mail      Mailer
	freshness freshness.Config
	oidc      *oidc.Client
	tiles     Tiles
	// tileOrigin is the tile host the results page's CSP allows; empty while Leaflet is not built in.
	tileOrigin string
	privacy    indicator.Privacy
	imports    *importJobs // the indicator uploads being parsed or previewed, per user and Kommune
	chain      *chain.Snapshot
}

// New returns the handler of all pages.
func New(d Deps) (*Pages, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	return &Pages{Handler: withCookieWriter(s.withPortal(s.routes())), s: s}, nil
}

// Pages is the handler of all pages; Fail answers an error with the error page, for the middleware in front.
type Pages struct {
	http.Handler
	s *server
}

// Fail answers err with the error page in the visitor's language.
func (p *Pages) Fail(w http.ResponseWriter, r *http.Request, err error) {
	p.s.fail(w, r, p.s.language(w, r), err)
}

func newServer(d Deps) (*server, error) {
	if d.Store == nil || d.I18n == nil {
		return nil, fmt.Errorf("web: store and i18n bundle are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, fmt.Errorf("web: time zone: %w", err)
	}
	st, err := loadStatic(staticFS)
	if err != nil {
		return nil, err
	}
	s := &server{store: d.Store, i18n: d.I18n, log: d.Log, static: st, berlin: berlin, scope: tenant.Public(),
		pageSize: defaultPageSize, search: d.Search, searchLog: d.SearchLog, places: search.NewPlaceCache(d.Store, 0), auth: auth.NewService(d.Store), mail: d.Mail, oidc: d.OIDC}
	if s.freshness = d.Freshness; s.freshness.RemindAfterMonths == 0 {
		s.freshness = freshness.DefaultConfig()
	}
	s.privacy, s.imports = d.Privacy, newImportJobs()
	s.chain = d.Chain
	if err := s.setupTiles(d.Tiles); err != nil {
		return nil, err
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page(s.start))
	mux.HandleFunc("GET /kommunen/{ags}", s.page(s.kommune))
	mux.HandleFunc("GET /sozialraeume/{id}", s.page(s.area))
	mux.HandleFunc("GET /einrichtungen/{id}", s.page(s.organization))
	mux.HandleFunc("GET /angebote/{id}", s.page(s.offer))
	mux.HandleFunc("GET /static/{version}/{file...}", s.serveStatic)
	s.sessionRoutes(mux)
	s.ssoRoutes(mux)
	s.portalRoutes(mux)
	s.adminRoutes(mux)
	s.searchRoutes(mux)
	s.chainRoutes(mux)
	s.indicatorRoutes(mux)
	s.freshnessRoutes(mux)
	mux.HandleFunc("/", s.notFound)
	return mux
}

// pageFunc builds a page in a language: it returns the template name and its data, or an error.
type pageFunc func(r *http.Request, lang string) (template string, data any, err error)

// page turns a pageFunc into a handler. Errors are answered here, in one place, with the error page of their
// code, so page code only returns them.
func (s *server) page(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(w, r)
		name, data, err := f(r, lang)
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		switch d := data.(type) {
		case seeOther:
			http.Redirect(w, r, string(d), http.StatusSeeOther)
			return
		case withStatus:
			s.render(w, r, d.status, lang, name, d.data)
			return
		}
		s.render(w, r, http.StatusOK, lang, name, data)
	}
}

// seeOther is what a form handler returns after a successful POST: the address to go to (303), so a reload
// does not send the form again.
type seeOther string

// withStatus renders data with a status other than 200, e.g. a form sent back with messages (422).
type withStatus struct {
	status int
	data   any
}

// language picks the language of a request: ?lang= (remembered in a cookie), then the cookie, then
// Accept-Language, German by default. The administration exists in the complete languages only (German,
// English): there a visitor's Turkish, Arabic, Ukrainian or Russian gives way to the best complete language of
// their browser, German by default, so that a page never mixes languages or directions.
func (s *server) language(w http.ResponseWriter, r *http.Request) string {
	lang := s.visitorLanguage(w, r)
	if staffPage(r.URL.Path) && !s.i18n.Complete(lang) {
		return s.i18n.MatchComplete(r.Header.Get("Accept-Language"))
	}
	return lang
}

func (s *server) visitorLanguage(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" && slices.Contains(s.i18n.Languages(), q) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && slices.Contains(s.i18n.Languages(), c.Value) {
		return c.Value
	}
	return s.i18n.Match(r.Header.Get("Accept-Language"))
}

// staffPage reports whether a path belongs to the administration or the accounts of professionals (invitation,
// password reset) rather than to the public site.
func staffPage(path string) bool {
	if publicChainPath(path) {
		return true // the published chain views, too, exist only in the complete languages
	}
	for _, p := range []string{"/verwaltung", "/einladung/", "/passwort-neu/", "/passwort-vergessen"} {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// base is what the layout needs; every page's data embeds it.
type base struct {
	Lang   string
	Dir    string
	Title  string
	Langs  []langLink
	Crumbs []crumb
	// User is the signed-in user, nil for visitors; CSRF is the form token every POST form of theirs carries.
	User *auth.User
	CSRF string
	// Portal is the Kommune portal the page is shown in, nil on Kette's own pages; Embedded drops the frame
	// around the page for another site's iframe.
	Portal   *portalView
	Embedded bool
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}

// crumb is one step of the breadcrumb navigation.
type crumb struct {
	Name, Href string
}

// newBase prepares the layout data of a page in lang.
func (s *server) newBase(r *http.Request, lang, title string) base {
	b := base{Lang: lang, Dir: s.i18n.For(lang).Dir(), Title: title}
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		b.User, b.CSRF = &p.User, p.CSRF
	}
	b.Portal, _, _, _ = s.currentPortal(r)
	langs := s.i18n.Languages()
	if staffPage(r.URL.Path) {
		langs = s.i18n.CompleteLanguages() // the administration offers only what it can show
	}
	for _, code := range langs {
		q := r.URL.Query()
		q.Set("lang", code)
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		b.Langs = append(b.Langs, langLink{Code: code, Name: s.i18n.For(code).T("language.name"), Href: u.String(),
			Current: code == lang})
	}
	return b
}

// trail is the breadcrumb of a page: the start page, then steps; the last step is the page itself.
func (s *server) trail(lang string, steps ...crumb) []crumb {
	return append([]crumb{{Name: s.i18n.For(lang).T("nav.home"), Href: "/"}}, steps...)
}

// render executes a page template into a buffer first, so a template error becomes a clean 500 page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, lang, page string, data any) {
	var buf bytes.Buffer
	tmpl := s.pages[lang][page]
	if tmpl == nil {
		tmpl = s.pages[i18n.Default][page]
	}
	if err := tmpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render page", "page", page, "path", r.URL.Path, "err", err)
		if page != "error" {
			s.renderError(w, r, lang, http.StatusInternalServerError, s.i18n.For(lang).T("error.internal"), nil)
			return
		}
		http.Error(w, s.i18n.For(lang).T("error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept-Language, Cookie")
	h.Set("Cache-Control", "no-cache")
	if _, ok := auth.PrincipalFrom(r.Context()); ok {
		h.Set("Cache-Control", "private, no-store") // a signed-in page must not be kept by any cache
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
