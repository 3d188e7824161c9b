package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/oidc/oidctest"
)

// ---- the OpenID provider: internal/oidc/oidctest, zitadel/oidc's op over TLS ----

const (
	clientID     = oidctest.ClientID
	clientSecret = oidctest.ClientSecret
	password     = oidctest.Password
)

// directory is who can log in at the provider, and with which groups.
func directory() []oidctest.User {
	return []oidctest.User{
		{ID: "u-anna", Username: "anna", FirstName: "Anna", LastName: "Schmidt",
			Email: "Anna.Schmidt@Hannover.example", EmailVerified: true,
			Groups: []string{"alle-mitarbeitenden", "kette-hannover-koordination"}},
		{ID: "u-ben", Username: "ben", FirstName: "Ben", LastName: "Ungeprüft",
			Email: "ben@hannover.example", EmailVerified: false, Groups: []string{"kette-hannover-koordination"}},
		{ID: "u-carla", Username: "carla", FirstName: "Carla", LastName: "Ohnerolle",
			Email: "carla@hannover.example", EmailVerified: true, Groups: []string{"alle-mitarbeitenden"}},
		{ID: "u-lena", Username: "lena", FirstName: "Lena", LastName: "Land",
			Email: "lena@niedersachsen.example", EmailVerified: true,
			Groups: []string{"kette-hannover-begutachtung", "kette-nds-land"}},
	}
}

// ---- Kette's side: the two handlers the login pages will have, over real HTTP ----

type result struct {
	Identity Identity
	Next     string
	Code     errs.Code
	Message  string
	Cause    string
}

type env struct {
	op     *oidctest.Provider
	kette  *httptest.Server
	client *Client
	key    []byte
}

func mapping() []RoleMapping {
	return []RoleMapping{
		{Value: "kette-hannover-koordination", Role: auth.KommuneCoordinator, AGS: "03241001"},
		{Value: "kette-hannover-begutachtung", Role: auth.Reviewer, AGS: "03241001"},
		{Value: "kette-nds-land", Role: auth.LandAdmin, LandCode: "03"},
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{key: []byte(strings.Repeat("k", MinKeyLen))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /anmelden/sso", func(w http.ResponseWriter, r *http.Request) {
		if err := e.client.Start(w, r, r.URL.Query().Get("next")); err != nil {
			http.Error(w, err.Error(), errs.HTTPStatus(errs.CodeOf(err)))
		}
	})
	mux.HandleFunc("GET /anmelden/sso/callback", func(w http.ResponseWriter, r *http.Request) {
		id, next, err := e.client.Callback(w, r)
		res := result{Identity: id, Next: next}
		if err != nil {
			ee := errs.As(err)
			res.Code, res.Message = ee.Code, ee.Message
			if ee.Err != nil {
				res.Cause = ee.Err.Error()
			}
			w.WriteHeader(errs.HTTPStatus(ee.Code))
		}
		json.NewEncoder(w).Encode(res)
	})
	e.kette = httptest.NewServer(mux)
	t.Cleanup(e.kette.Close)
	redirect := e.kette.URL + "/anmelden/sso/callback"
	e.op = oidctest.Start(t, redirect, directory()...)
	c, err := New(Config{Issuer: e.op.Issuer(), ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirect,
		RoleClaim: "groups", Roles: mapping(), SyncRoles: true, CookieKey: e.key},
		WithHTTPClient(e.op.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// browser keeps cookies like a browser and trusts the provider's certificate. Signing in stops before
// Kette's callback so that tests can look at (and spoil) what the provider sends back.
func (e *env) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: e.op.HTTPClient().Transport}
}

// signIn starts the login at Kette, submits the provider's login form and returns the callback URL the
// provider redirects to.
func (e *env) signIn(t *testing.T, b *http.Client, user, next string) *url.URL {
	t.Helper()
	return e.op.SignIn(t, b, e.kette.URL+"/anmelden/sso?next="+url.QueryEscape(next), user, password)
}

func (e *env) callback(t *testing.T, b *http.Client, u *url.URL) result {
	t.Helper()
	resp, err := b.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if (res.Code == "") != (resp.StatusCode == http.StatusOK) {
		t.Fatalf("status %d with result %+v", resp.StatusCode, res)
	}
	return res
}

func loginCookie(b *http.Client, u string) *http.Cookie {
	pu, _ := url.Parse(u)
	for _, c := range b.Jar.Cookies(pu) {
		if c.Name == CookieName {
			return c
		}
	}
	return nil
}

// ---- the tests ----

func TestLoginAtTheProviderEndsWithAVerifiedIdentity(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	cb := e.signIn(t, b, "anna", "/verwaltung/angebote?seite=2")

	authz := e.op.LastAuthorization()
	if authz.Get("code_challenge_method") != "S256" || len(authz.Get("code_challenge")) < 43 || authz.Get("nonce") == "" ||
		authz.Get("state") == "" || !slices.Contains(strings.Fields(authz.Get("scope")), "openid") {
		t.Fatalf("authorization request without PKCE S256, state or nonce: %v", authz)
	}
	if cb.Query().Get("state") != authz.Get("state") || cb.Query().Get("code") == "" {
		t.Fatalf("callback %s does not answer the authorization request", cb)
	}
	cookie := loginCookie(b, cb.String())
	if cookie == nil {
		t.Fatal("no login cookie for the callback path")
	}
	for _, secret := range []string{authz.Get("state"), authz.Get("nonce")} {
		if strings.Contains(cookie.Value, secret) {
			t.Fatalf("login cookie carries %q in clear text", secret)
		}
	}

	res := e.callback(t, b, cb)
	if res.Code != "" {
		t.Fatalf("login refused: %+v", res)
	}
	want := Identity{Issuer: e.op.Issuer(), Subject: "u-anna", Email: "anna.schmidt@hannover.example", EmailVerified: true,
		Name: "Anna Schmidt", Groups: []string{"alle-mitarbeitenden", "kette-hannover-koordination"},
		Role: auth.KommuneCoordinator, KommuneAGS: "03241001", SyncRole: true}
	if fmt.Sprint(res.Identity) != fmt.Sprint(want) {
		t.Fatalf("identity\n got %+v\nwant %+v", res.Identity, want)
	}
	if res.Next != "/verwaltung/angebote?seite=2" {
		t.Errorf("next = %q", res.Next)
	}
	sentVerifier, userinfo := e.op.TokenRequestHadVerifier(), e.op.UserinfoRequests()
	if !sentVerifier {
		t.Error("the token request carried no PKCE code_verifier")
	}
	// This provider sends e-mail and name only from its userinfo endpoint.
	if userinfo != 1 {
		t.Errorf("userinfo asked %d times, want once", userinfo)
	}
	// The cookie is gone, so the same callback cannot be used twice.
	if c := loginCookie(b, cb.String()); c != nil {
		t.Errorf("login cookie still set after the callback: %v", c)
	}
	if again := e.callback(t, b, cb); again.Message != "oidc.error.state" {
		t.Errorf("second callback: %+v", again)
	}
}

func TestTheStrongestMappedRoleWins(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	res := e.callback(t, b, e.signIn(t, b, "lena", "/"))
	if res.Code != "" || res.Identity.Role != auth.LandAdmin || res.Identity.LandCode != "03" || res.Identity.KommuneAGS != "" {
		t.Fatalf("reviewer in Hannover and Land administrator: %+v", res)
	}
}

func TestTheNextPathStaysOnTheSite(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
		b := e.browser(t)
		res := e.callback(t, b, e.signIn(t, b, "anna", next))
		if res.Code != "" || res.Next != "/" {
			t.Errorf("next %q: got %+v, want a login returning to /", next, res)
		}
	}
}

func TestIdentitiesKetteCannotTrustOrPlaceAreRefused(t *testing.T) {
	e := newEnv(t)
	cases := map[string]string{"ben": "oidc.error.email_unverified", "carla": "oidc.error.no_role"}
	for user, msg := range cases {
		b := e.browser(t)
		res := e.callback(t, b, e.signIn(t, b, user, "/"))
		if res.Code != errs.Unauthenticated || res.Message != msg || res.Identity.Email != "" {
			t.Errorf("%s: got %+v, want %s", user, res, msg)
		}
	}
}

func TestSpoiledIDTokensAreRefused(t *testing.T) {
	e := newEnv(t)
	opKey, kid := e.op.SigningKey(t)
	hour := time.Hour
	cases := []struct {
		name   string
		tamper oidctest.Tamper
		cause  string // what the verification must have complained about; empty: accepted
	}{
		{"re-signed unchanged by the provider's key", e.op.Resigned(t), ""},
		{"wrong audience", e.op.WrongAudience(t, "another-client"), "audience"},
		{"signed with a different key", e.op.ForeignKey(t), "signature"},
		{"expired", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			c["iat"] = time.Now().Add(-2 * hour).Unix()
			c["exp"] = time.Now().Add(-hour).Unix()
			return c, opKey, kid
		}, "expired"},
		{"another issuer", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			c["iss"] = "https://evil.example"
			return c, opKey, kid
		}, "different provider"},
		{"nonce of another login", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			c["nonce"] = "replayed-from-elsewhere"
			return c, opKey, kid
		}, "nonce"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.op.SetTamper(c.tamper)
			defer e.op.SetTamper(nil)
			b := e.browser(t)
			res := e.callback(t, b, e.signIn(t, b, "anna", "/"))
			if c.cause == "" {
				if res.Code != "" || res.Identity.Subject != "u-anna" {
					t.Fatalf("an ID token signed by the provider was refused: %+v", res)
				}
				return
			}
			if res.Code != errs.Unauthenticated || res.Message != "oidc.error.token" || res.Identity.Subject != "" {
				t.Fatalf("accepted or wrong refusal: %+v", res)
			}
			if !strings.Contains(res.Cause, c.cause) {
				t.Fatalf("refused for %q, want a complaint about %s", res.Cause, c.cause)
			}
		})
	}
}

func TestAWrongStateOrASpoiledCookieIsRefused(t *testing.T) {
	e := newEnv(t)

	t.Run("state of another login", func(t *testing.T) {
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		q := cb.Query()
		q.Set("state", rand.Text())
		cb.RawQuery = q.Encode()
		if res := e.callback(t, b, cb); res.Code != errs.Unauthenticated || res.Message != "oidc.error.state" {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("no login cookie", func(t *testing.T) {
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		if res := e.callback(t, e.browser(t), cb); res.Message != "oidc.error.state" {
			t.Fatalf("a callback in another browser: %+v", res)
		}
	})
	t.Run("changed cookie", func(t *testing.T) {
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		c := loginCookie(b, cb.String())
		st, err := e.client.open(&http.Request{Header: http.Header{"Cookie": {c.String()}}})
		if err != nil {
			t.Fatal(err)
		}
		st.Next = "https://evil.example/"
		body, _, _ := strings.Cut(e.client.seal(st), ".")
		_, sig, _ := strings.Cut(c.Value, ".")
		c.Value = body + "." + sig // the new content under the old signature
		c.Path = cb.Path           // replaces the cookie Start set, instead of adding a second one
		b.Jar.SetCookies(cb, []*http.Cookie{c})
		if res := e.callback(t, b, cb); res.Message != "oidc.error.state" || !strings.Contains(res.Cause, "signature") {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("wrong PKCE verifier", func(t *testing.T) {
		// A cookie sealed with the right key but another verifier: the provider refuses the code.
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		c := loginCookie(b, cb.String())
		st, err := e.client.open(&http.Request{Header: http.Header{"Cookie": {c.String()}}})
		if err != nil {
			t.Fatal(err)
		}
		st.Verifier = strings.Repeat("x", 43)
		c.Value = e.client.seal(st)
		c.Path = cb.Path // replaces the cookie Start set, instead of adding a second one
		b.Jar.SetCookies(cb, []*http.Cookie{c})
		if res := e.callback(t, b, cb); res.Message != "oidc.error.token" || !strings.Contains(res.Cause, "exchange") {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("expired login", func(t *testing.T) {
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		e.client.now = func() time.Time { return time.Now().Add(LoginTTL + time.Minute) }
		defer func() { e.client.now = time.Now }()
		if res := e.callback(t, b, cb); res.Message != "oidc.error.state" || !strings.Contains(res.Cause, "expired") {
			t.Fatalf("got %+v", res)
		}
	})
	t.Run("error from the provider", func(t *testing.T) {
		b := e.browser(t)
		cb := e.signIn(t, b, "anna", "/")
		q := cb.Query()
		q.Del("code")
		q.Set("error", "access_denied")
		cb.RawQuery = q.Encode()
		if res := e.callback(t, b, cb); res.Message != "oidc.error.provider" {
			t.Fatalf("got %+v", res)
		}
	})
}

func TestSettingsBecomeAConfigOrGermanMessagesNamingTheSetting(t *testing.T) {
	if _, on, err := FromSettings(config.Defaults(), nil); on || err != nil {
		t.Fatalf("without issuer single sign-on must be off: on=%v err=%v", on, err)
	}
	s := config.Defaults()
	s.OIDCIssuer, s.OIDCClientID, s.OIDCRedirectURL = "https://login.hannover.example/realms/stadt", "kette", "https://kette.example/anmelden/sso/callback"
	s.OIDCScopes = " groups , "
	s.OIDCRoles = "kette-hannover-koordination=kommune_coordinator:03241001, kette-land = land_admin:03"
	cfg, on, err := FromSettings(s, []byte(strings.Repeat("x", MinKeyLen)))
	if !on || err != nil {
		t.Fatalf("good settings: on=%v err=%v", on, err)
	}
	if fmt.Sprint(cfg.Roles) != fmt.Sprint([]RoleMapping{{Value: "kette-hannover-koordination", Role: auth.KommuneCoordinator, AGS: "03241001"},
		{Value: "kette-land", Role: auth.LandAdmin, LandCode: "03"}}) || !slices.Equal(cfg.Scopes, []string{"groups"}) ||
		cfg.RoleClaim != "groups" || !cfg.SyncRoles {
		t.Fatalf("config %+v", cfg)
	}

	bad := config.Defaults()
	bad.OIDCIssuer, bad.OIDCRedirectURL, bad.OIDCRoleClaim = "http://login.hannover.example", "kette.example/callback", ""
	bad.OIDCRoles = "ohne-rolle,a=king:03241001,b=provider_editor:03241001,c=kommune_coordinator:3241001,d=land_admin:17,a=reviewer:03241001"
	_, on, err = FromSettings(bad, []byte("kurz"))
	if !on {
		t.Fatal("an issuer was given")
	}
	msgs, err2 := i18n.New()
	if err2 != nil {
		t.Fatal(err2)
	}
	de := msgs.For("de")
	var got []string
	for _, f := range errs.As(err).Fields {
		got = append(got, de.FieldMessage(f))
	}
	want := []string{
		"Zuordnung von Gruppen zu Rollen: „ohne-rolle“ hat nicht die Form Gruppe=Rolle:AGS oder Gruppe=land_admin:Länderschlüssel.",
		"OIDC-Aussteller (Issuer): „http://login.hannover.example“ ist keine sichere Adresse: Erwartet wird https://…; http:// nur für localhost.",
		"OIDC-Client-ID: Pflichtfeld – bitte ausfüllen.",
		"OIDC-Rücksprungadresse: „kette.example/callback“ ist keine sichere Adresse: Erwartet wird https://…; http:// nur für localhost.",
		"OIDC-Claim mit Gruppen oder Rollen: Pflichtfeld – bitte ausfüllen.",
		"Schlüssel für das Anmelde-Cookie: Der Schlüssel muss mindestens 32 Zeichen lang sein.",
		"Zuordnung von Gruppen zu Rollen: „king“ (Gruppe „a“) ist keine Rolle von Kette: land_admin, kommune_coordinator, reviewer oder programme_officer.",
		"Zuordnung von Gruppen zu Rollen: Die Rolle provider_editor (Gruppe „b“) kann nicht über Single Sign-on vergeben werden, weil sie Einrichtungen braucht. Bitte laden Sie Redakteurinnen und Redakteure in Kette ein.",
		"Zuordnung von Gruppen zu Rollen: „3241001“ (Gruppe „c“) ist kein gültiger Amtlicher Gemeindeschlüssel (8 Ziffern).",
		"Zuordnung von Gruppen zu Rollen: „17“ (Gruppe „d“) ist kein Länderschlüssel (01–16).",
		"Zuordnung von Gruppen zu Rollen: Die Gruppe „a“ ist mehrfach zugeordnet.",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("messages\n got %q\nwant %q", got, want)
	}
	if _, err := New(Config{}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("New with an empty config: %v", err)
	}
	local := Config{Issuer: "http://127.0.0.1:8080/realms/dev", ClientID: "kette", RedirectURL: "http://localhost:8080/cb",
		RoleClaim: "groups", Roles: mapping(), CookieKey: []byte(strings.Repeat("k", MinKeyLen))}
	if err := local.Validate(); err != nil {
		t.Fatalf("a provider on the developer's machine: %v", err)
	}
}

func TestMessagesExistInGermanAndEnglish(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"oidc.error.unavailable", "oidc.error.state", "oidc.error.provider", "oidc.error.token",
		"oidc.error.no_email", "oidc.error.email_unverified", "oidc.error.no_role", "oidc.error.unknown_tenant",
		"oidc.validation.url", "oidc.validation.cookie_key", "oidc.validation.roles_required", "oidc.validation.role_entry",
		"oidc.validation.role_value", "oidc.validation.role_duplicate", "oidc.validation.role_unknown",
		"oidc.validation.role_provider_editor", "oidc.validation.role_land", "oidc.validation.role_ags",
		"field.oidc_issuer", "field.oidc_client_id", "field.oidc_redirect_url", "field.oidc_role_claim",
		"field.oidc_cookie_key", "field.oidc_roles", "auth.error.disabled", "validation.required"}
	for _, lang := range []string{"de", "en"} {
		for _, id := range ids {
			if !b.Has(lang, id) {
				t.Errorf("%s: message %s missing", lang, id)
			}
		}
	}
}

func TestAProviderThatIsDownIsReportedWithoutSettingACookie(t *testing.T) {
	down := httptest.NewTLSServer(http.NotFoundHandler()) // no discovery document
	defer down.Close()
	c, err := New(Config{Issuer: down.URL, ClientID: clientID, RedirectURL: "https://kette.example/anmelden/sso/callback",
		RoleClaim: "groups", Roles: mapping(), CookieKey: []byte(strings.Repeat("k", MinKeyLen))}, WithHTTPClient(down.Client()))
	if err != nil {
		t.Fatalf("New must not need the provider: %v", err)
	}
	rec := httptest.NewRecorder()
	err = c.Start(rec, httptest.NewRequest(http.MethodGet, "/anmelden/sso", nil), "/")
	if !errs.Is(err, errs.Unavailable) || errs.As(err).Message != "oidc.error.unavailable" {
		t.Fatalf("got %v", err)
	}
	if len(rec.Result().Cookies()) != 0 || rec.Code != http.StatusOK {
		t.Fatalf("a failed start wrote %d with cookies %v", rec.Code, rec.Result().Cookies())
	}
}
