package server_test

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/oidc"
	"github.com/kette-org/kette/internal/oidc/oidctest"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/webtest"
)

// braunschweig is another Kommune of the demo data, which Hannover's coordinator must not see.
const braunschweig = "03101000"

// ssoSite is the demo data behind two real handlers: plain (local accounts only) and with single sign-on at a
// real OpenID provider whose group "kette-hannover-koordination" makes Hannover's coordinators.
type ssoSite struct {
	plain, sso *httptest.Server
	op         *oidctest.Provider
	store      *store.Store
	de         *i18n.Localizer
}

// The provider's people: Anna coordinates in Hannover; Bert is in the same group but only ever arrives with
// spoiled tokens, so his account must never exist.
var (
	anna = oidctest.User{ID: "u-anna", Username: "anna", FirstName: "Anna", LastName: "Schmidt",
		Email: "Anna.Schmidt@Hannover.example", EmailVerified: true,
		Groups: []string{"alle-mitarbeitenden", "kette-hannover-koordination"}}
	bert = oidctest.User{ID: "u-bert", Username: "bert", FirstName: "Bert", LastName: "Gefälscht",
		Email: "bert@hannover.example", EmailVerified: true, Groups: []string{"kette-hannover-koordination"}}
	// Carla is in no group that Kette maps to a role.
	carla = oidctest.User{ID: "u-carla", Username: "carla", FirstName: "Carla", LastName: "Ohnerolle",
		Email: "carla@hannover.example", EmailVerified: true, Groups: []string{"alle-mitarbeitenden"}}
)

func newSSOSite(t *testing.T, d store.Dialect) *ssoSite {
	t.Helper()
	plain, s, _ := demoSite(t, d)
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	// The redirect URL names Kette's address, and the client needs it before the handler exists: so the
	// listener is opened first and the server started once the handler is built.
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	redirect := base + "/anmelden/sso/callback"
	op := oidctest.Start(t, redirect, anna, bert, carla)
	client, err := oidc.New(oidc.Config{Issuer: op.Issuer(), ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret,
		RedirectURL: redirect, RoleClaim: "groups", SyncRoles: true, CookieKey: []byte(strings.Repeat("s", oidc.MinKeyLen)),
		Roles: []oidc.RoleMapping{{Value: "kette-hannover-koordination", Role: auth.KommuneCoordinator, AGS: hannover}}},
		oidc.WithHTTPClient(op.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(server.Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test", OIDC: client})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	if srv.URL != base {
		t.Fatalf("server at %s, redirect URL names %s", srv.URL, base)
	}
	return &ssoSite{plain: plain, sso: srv, op: op, store: s, de: b.For("de")}
}

// browser is a visitor of the single sign-on site that also trusts the provider's certificate.
func (site *ssoSite) browser(t *testing.T) *webtest.Client {
	c := webtest.New(t, site.sso.URL)
	c.HTTP.Transport = site.op.HTTPClient().Transport
	return c
}

var ssoButton = regexp.MustCompile(`<a class="button" href="(/anmelden/sso[^"]*)">`)

// sessionCookies are the session cookies a response sets.
func sessionCookies(p webtest.Page) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == auth.SessionCookie {
			out = append(out, c)
		}
	}
	return out
}

func TestSingleSignOnAtTheKommunesProvider(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			site := newSSOSite(t, d)

			t.Run("the login page offers it only when configured", func(t *testing.T) {
				plain := webtest.New(t, site.plain.URL)
				if p := plain.Get("/anmelden"); p.Status != 200 || strings.Contains(p.Body, "/anmelden/sso") ||
					strings.Contains(p.Body, html.EscapeString(site.de.T("login.sso"))) {
					t.Fatalf("login page without a provider: %d, offers single sign-on:\n%s", p.Status, webtest.Excerpt(p.Body))
				}
				if p := plain.Get("/anmelden/sso"); p.Status != 404 {
					t.Fatalf("/anmelden/sso without a provider: %d", p.Status)
				}
				p := site.browser(t).Get("/anmelden?next=" + url.QueryEscape("/verwaltung/konto"))
				m := ssoButton.FindStringSubmatch(p.Body)
				if p.Status != 200 || m == nil || !strings.Contains(p.Body, html.EscapeString(site.de.T("login.sso"))) {
					t.Fatalf("login page with a provider: %d, no single sign-on button:\n%s", p.Status, webtest.Excerpt(p.Body))
				}
				start, err := url.Parse(html.UnescapeString(m[1]))
				if err != nil || start.Query().Get("next") != "/verwaltung/konto" {
					t.Fatalf("the button %q does not carry the page to return to", m[1])
				}
				// The password form stays next to it.
				if f := p.Form(t, "/anmelden"); f.Method != "POST" {
					t.Fatalf("password form method %q", f.Method)
				}
			})

			t.Run("spoiled ID tokens end on a German error page without a session", func(t *testing.T) {
				cases := []struct {
					name   string
					tamper oidctest.Tamper
				}{
					{"issued to another client", site.op.WrongAudience(t, "another-client")},
					{"signed with a foreign key", site.op.ForeignKey(t)},
				}
				for _, c := range cases {
					t.Run(c.name, func(t *testing.T) {
						site.op.SetTamper(c.tamper)
						defer site.op.SetTamper(nil)
						b := site.browser(t)
						cb := site.op.SignIn(t, b.HTTP, site.sso.URL+"/anmelden/sso", bert.Username, oidctest.Password)
						p := b.Get(cb.String())
						if p.Status != http.StatusUnauthorized ||
							!strings.Contains(p.Body, html.EscapeString(site.de.T("oidc.error.token"))) ||
							!strings.Contains(p.Body, `lang="de"`) {
							t.Fatalf("callback with a spoiled token: %d %s\n%s", p.Status, p.Location, webtest.Excerpt(p.Body))
						}
						if cs := sessionCookies(p); len(cs) != 0 {
							t.Fatalf("a spoiled token set a session cookie: %v", cs)
						}
						if p := b.Get("/verwaltung"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/anmelden") {
							t.Fatalf("/verwaltung after a spoiled login: %d %s", p.Status, p.Location)
						}
						if _, err := site.store.GetUserByEmail(ctx, tenant.System(), bert.Email); !errs.Is(err, errs.NotFound) {
							t.Fatalf("a spoiled token created an account or failed otherwise: %v", err)
						}
					})
				}
			})

			t.Run("a person without a mapped group is told why in German", func(t *testing.T) {
				b := site.browser(t)
				p := b.Get(site.op.SignIn(t, b.HTTP, site.sso.URL+"/anmelden/sso", carla.Username, oidctest.Password).String())
				if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, html.EscapeString(site.de.T("oidc.error.no_role"))) ||
					len(sessionCookies(p)) != 0 {
					t.Fatalf("callback without a mapped group: %d %s\n%s", p.Status, p.Location, webtest.Excerpt(p.Body))
				}
				if _, err := site.store.GetUserByEmail(ctx, tenant.System(), carla.Email); !errs.Is(err, errs.NotFound) {
					t.Fatalf("an unmapped person got an account or the lookup failed: %v", err)
				}
			})

			t.Run("a coordinator signs in and lands on the administration", func(t *testing.T) {
				b := site.browser(t)
				// Like a person: the administration sends to the login, whose button starts single sign-on.
				p := b.Get("/verwaltung")
				if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/anmelden") {
					t.Fatalf("/verwaltung before the login: %d %s", p.Status, p.Location)
				}
				m := ssoButton.FindStringSubmatch(b.Follow(p).Body)
				if m == nil {
					t.Fatal("the login page has no single sign-on button")
				}
				cb := site.op.SignIn(t, b.HTTP, site.sso.URL+html.UnescapeString(m[1]), anna.Username, oidctest.Password)
				p = b.Get(cb.String())
				if p.Status != http.StatusSeeOther || p.Location != "/verwaltung" {
					t.Fatalf("callback: %d %s\n%s", p.Status, p.Location, webtest.Excerpt(p.Body))
				}
				cs := sessionCookies(p)
				if len(cs) != 1 || !strings.HasPrefix(cs[0].Value, "ks_") || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode {
					t.Fatalf("session cookies after the callback: %v", cs)
				}

				welcome := site.de.T("admin.welcome", map[string]any{"Name": "Anna Schmidt",
					"Role": site.de.T(auth.KommuneCoordinator.LabelID())})
				home := b.Follow(p)
				if home.Status != 200 || !strings.Contains(home.Body, html.EscapeString(welcome)) {
					t.Fatalf("administration after the login lacks %q: %d\n%s", welcome, home.Status, webtest.Excerpt(home.Body))
				}
				if !strings.Contains(home.Body, `id="k-`+hannover+`"`) || strings.Contains(home.Body, `id="k-`+braunschweig+`"`) {
					t.Fatalf("the coordinator of Hannover sees other Kommunen:\n%s", webtest.Excerpt(home.Body))
				}
				// The session holds: the next request with the cookie alone is still signed in.
				again := webtest.New(t, site.sso.URL)
				req := httptest.NewRequest(http.MethodGet, site.sso.URL+"/verwaltung", nil)
				req.RequestURI = ""
				req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cs[0].Value})
				if p := again.Do(req); p.Status != 200 || !strings.Contains(p.Body, html.EscapeString(welcome)) {
					t.Fatalf("second request with the session cookie: %d %s", p.Status, p.Location)
				}

				// The account was created for Hannover, without password, by single sign-on.
				u, hash, err := site.store.UserForLogin(ctx, "anna.schmidt@hannover.example")
				if err != nil {
					t.Fatal(err)
				}
				k, err := site.store.GetKommuneByAGS(ctx, tenant.System(), hannover)
				if err != nil {
					t.Fatal(err)
				}
				if u.Role != auth.KommuneCoordinator || u.KommuneID != k.ID || u.DisplayName != "Anna Schmidt" || hash != "" {
					t.Fatalf("account %+v with password hash %q", u, hash)
				}
				entries, err := site.store.ListAudit(ctx, tenant.System(), audit.Filter{Entity: "user", EntityID: u.ID.String()})
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 1 || entries[0].Action != audit.Create || entries[0].Actor != "system:oidc" {
					t.Fatalf("audit of the account: %+v, want its creation by system:oidc", entries)
				}
			})
		})
	}
}
