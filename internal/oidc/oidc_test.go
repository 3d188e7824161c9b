package oidc

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
)

// ---- the OpenID provider: zitadel/oidc's op with its example storage and login form, over TLS ----

// users is the provider's directory: username → account and groups.
type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User {
	for _, x := range u {
		if x.ID == id {
			return x
		}
	}
	return nil
}
func (u users) GetUserByUsername(name string) *storage.User { return u[name] }
func (u users) ExampleClientID() string                     { return storage.ServiceUserID }

// groupStorage is the example storage plus a "groups" claim in the ID token, as Keycloak's group mapper
// adds it. The example storage puts e-mail and name only into the userinfo answer, not into the ID token, so
// the flow also exercises Kette's userinfo lookup.
type groupStorage struct {
	*storage.Storage
	groups map[string][]string // user id → groups
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *groupStorage) SetUserinfoFromRequest(ctx context.Context, info *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	info.AppendClaims("groups", s.groups[req.GetSubject()])
	return nil
}

// provider is a running OpenID provider with hooks to replace the ID token in token responses.
type provider struct {
	srv     *httptest.Server
	storage *storage.Storage
	// tokenPath and authPath come from the provider's discovery document.
	tokenPath, authPath, userinfoPath string

	mu         sync.Mutex
	tamper     func(claims map[string]any) (map[string]any, *rsa.PrivateKey, string)
	authorize  url.Values // the last authorization request, to check PKCE and nonce
	verifierIn bool       // the last token request carried a code_verifier
	userinfo   int        // requests to the userinfo endpoint
}

const (
	clientID     = "kette"
	clientSecret = "geheim-und-lang"
	password     = "verysecure"
)

func startProvider(t *testing.T, redirectURL string) *provider {
	t.Helper()
	dir := users{
		"anna": {ID: "u-anna", Username: "anna", Password: password, FirstName: "Anna", LastName: "Schmidt",
			Email: "Anna.Schmidt@Hannover.example", EmailVerified: true, PreferredLanguage: language.German},
		"ben": {ID: "u-ben", Username: "ben", Password: password, FirstName: "Ben", LastName: "Ungeprüft",
			Email: "ben@hannover.example", EmailVerified: false, PreferredLanguage: language.German},
		"carla": {ID: "u-carla", Username: "carla", Password: password, FirstName: "Carla", LastName: "Ohnerolle",
			Email: "carla@hannover.example", EmailVerified: true, PreferredLanguage: language.German},
		"lena": {ID: "u-lena", Username: "lena", Password: password, FirstName: "Lena", LastName: "Land",
			Email: "lena@niedersachsen.example", EmailVerified: true, PreferredLanguage: language.German},
	}
	groups := map[string][]string{
		"u-anna":  {"alle-mitarbeitenden", "kette-hannover-koordination"},
		"u-ben":   {"kette-hannover-koordination"},
		"u-carla": {"alle-mitarbeitenden"},
		"u-lena":  {"kette-hannover-begutachtung", "kette-nds-land"},
	}
	p := &provider{}
	var handler http.Handler
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.intercept(w, r, handler)
	}))
	p.srv.StartTLS()
	t.Cleanup(p.srv.Close)

	clients := map[string]*storage.Client{clientID: storage.WebClient(clientID, clientSecret, redirectURL)}
	p.storage = storage.NewStorageWithClients(dir, clients)
	handler = exampleop.SetupServer(p.srv.URL, &groupStorage{Storage: p.storage, groups: groups}, nil, false)

	var disc struct {
		Token string `json:"token_endpoint"`
		Auth  string `json:"authorization_endpoint"`
		User  string `json:"userinfo_endpoint"`
	}
	resp, err := p.srv.Client().Get(p.srv.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&disc); err != nil {
		t.Fatal(err)
	}
	p.tokenPath, p.authPath, p.userinfoPath = mustPath(t, disc.Token), mustPath(t, disc.Auth), mustPath(t, disc.User)
	return p
}

func mustPath(t *testing.T, s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Path == "" {
		t.Fatalf("discovery endpoint %q", s)
	}
	return u.Path
}

// intercept records authorization and token requests and, when a tamper function is set, replaces the ID
// token of the provider's real token response with one the test built from its claims.
func (p *provider) intercept(w http.ResponseWriter, r *http.Request, next http.Handler) {
	switch r.URL.Path {
	case p.userinfoPath:
		p.mu.Lock()
		p.userinfo++
		p.mu.Unlock()
	case p.authPath:
		p.mu.Lock()
		p.authorize = r.URL.Query()
		p.mu.Unlock()
	case p.tokenPath:
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		p.verifierIn = form.Get("code_verifier") != ""
		tamper := p.tamper
		p.mu.Unlock()
		if tamper != nil {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			p.replaceIDToken(w, rec, tamper)
			return
		}
	}
	next.ServeHTTP(w, r)
}

func (p *provider) replaceIDToken(w http.ResponseWriter, rec *httptest.ResponseRecorder,
	tamper func(map[string]any) (map[string]any, *rsa.PrivateKey, string)) {
	var resp map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp["id_token"] == nil {
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	jws, err := jose.ParseSigned(resp["id_token"].(string), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		panic(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		panic(err)
	}
	claims, key, kid := tamper(claims)
	resp["id_token"] = sign(claims, key, kid)
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	json.NewEncoder(w).Encode(resp)
}

func sign(claims map[string]any, key *rsa.PrivateKey, kid string) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		panic(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return raw
}

// signingKey is the provider's own key, the one its JWKS publishes.
func (p *provider) signingKey(t *testing.T) (*rsa.PrivateKey, string) {
	k, err := p.storage.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k.Key().(*rsa.PrivateKey), k.ID()
}

func (p *provider) setTamper(f func(map[string]any) (map[string]any, *rsa.PrivateKey, string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
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
	op     *provider
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
	e.op = startProvider(t, redirect)
	c, err := New(Config{Issuer: e.op.srv.URL, ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirect,
		RoleClaim: "groups", Roles: mapping(), SyncRoles: true, CookieKey: e.key},
		WithHTTPClient(e.op.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// browser follows redirects and keeps cookies like a browser, but stops before Kette's callback so that tests
// can look at (and spoil) what the provider sends back.
func (e *env) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: e.op.srv.Client().Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Path == "/anmelden/sso/callback" {
				return http.ErrUseLastResponse
			}
			return nil
		}}
}

var hiddenID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn starts the login at Kette, submits the provider's login form and returns the callback URL the
// provider redirects to.
func (e *env) signIn(t *testing.T, b *http.Client, user, next string) *url.URL {
	t.Helper()
	resp, err := b.Get(e.kette.URL + "/anmelden/sso?next=" + url.QueryEscape(next))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Request.URL.Path, "/login/username") {
		t.Fatalf("expected the provider's login form, got %d at %s: %s", resp.StatusCode, resp.Request.URL, page)
	}
	m := hiddenID.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no auth request id in the login form: %s", page)
	}
	action := e.op.srv.URL + "/login/username"
	resp, err = b.PostForm(action, url.Values{"id": {string(m[1])}, "username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("login form: %d %s", resp.StatusCode, body)
	}
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), e.kette.URL+"/anmelden/sso/callback") {
		t.Fatalf("provider redirected to %v (%v), want Kette's callback", loc, err)
	}
	return loc
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

	e.op.mu.Lock()
	authz := e.op.authorize
	e.op.mu.Unlock()
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
	want := Identity{Issuer: e.op.srv.URL, Subject: "u-anna", Email: "anna.schmidt@hannover.example", EmailVerified: true,
		Name: "Anna Schmidt", Groups: []string{"alle-mitarbeitenden", "kette-hannover-koordination"},
		Role: auth.KommuneCoordinator, KommuneAGS: "03241001", SyncRole: true}
	if fmt.Sprint(res.Identity) != fmt.Sprint(want) {
		t.Fatalf("identity\n got %+v\nwant %+v", res.Identity, want)
	}
	if res.Next != "/verwaltung/angebote?seite=2" {
		t.Errorf("next = %q", res.Next)
	}
	e.op.mu.Lock()
	sentVerifier, userinfo := e.op.verifierIn, e.op.userinfo
	e.op.mu.Unlock()
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
	opKey, kid := e.op.signingKey(t)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	hour := time.Hour
	cases := []struct {
		name   string
		tamper func(map[string]any) (map[string]any, *rsa.PrivateKey, string)
		cause  string // what the verification must have complained about; empty: accepted
	}{
		{"re-signed unchanged by the provider's key", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			return c, opKey, kid
		}, ""},
		{"wrong audience", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			c["aud"] = []string{"another-client"}
			c["azp"] = "another-client"
			return c, opKey, kid
		}, "audience"},
		{"signed with a different key", func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
			return c, otherKey, kid
		}, "signature"},
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
			e.op.setTamper(c.tamper)
			defer e.op.setTamper(nil)
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
