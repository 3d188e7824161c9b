// Package oidctest runs a real OpenID provider inside a test process: zitadel/oidc's op with its example
// storage and login form, over TLS, with the users and groups the test gives. It signs in through that login
// form like a browser and can replace the ID token of its token responses with a spoiled one (another
// audience, a foreign key …), so tests of single sign-on run the whole authorization code flow over real HTTP
// without mocking either side.
//
// It must not import internal/oidc: the tests of that package use it.
package oidctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// The one client the provider knows, and the password of every User that names none.
const (
	ClientID     = "kette"
	ClientSecret = "geheim-und-lang"
	Password     = "verysecure"
)

// User is an account in the provider's directory.
type User struct {
	ID            string // the subject of its ID tokens
	Username      string // what it types into the login form
	Password      string // Password when empty
	FirstName     string
	LastName      string
	Email         string
	EmailVerified bool
	// Groups go into the "groups" claim of the ID token, as Keycloak's group mapper adds them.
	Groups []string
}

// Tamper turns the claims of a real ID token into the token the provider sends instead: the claims to sign,
// the key to sign them with and the key id to put into the header.
type Tamper func(claims map[string]any) (map[string]any, *rsa.PrivateKey, string)

// Provider is a running OpenID provider. Its methods are safe for concurrent use.
type Provider struct {
	srv         *httptest.Server
	storage     *storage.Storage
	redirectURL string
	// tokenPath, authPath and userinfoPath come from the provider's discovery document.
	tokenPath, authPath, userinfoPath string

	mu         sync.Mutex
	tamper     Tamper
	authorize  url.Values // the last authorization request, to check PKCE and nonce
	verifierIn bool       // the last token request carried a code_verifier
	userinfo   int        // requests to the userinfo endpoint
}

// Start runs a provider until the test ends. Its only client is ClientID with ClientSecret, allowed to
// return to redirectURL.
func Start(t testing.TB, redirectURL string, users ...User) *Provider {
	t.Helper()
	dir := directory{}
	groups := map[string][]string{}
	for _, u := range users {
		pw := u.Password
		if pw == "" {
			pw = Password
		}
		dir[u.Username] = &storage.User{ID: u.ID, Username: u.Username, Password: pw, FirstName: u.FirstName,
			LastName: u.LastName, Email: u.Email, EmailVerified: u.EmailVerified, PreferredLanguage: language.German}
		groups[u.ID] = u.Groups
	}
	p := &Provider{redirectURL: redirectURL}
	var handler http.Handler
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.intercept(w, r, handler)
	}))
	p.srv.StartTLS()
	t.Cleanup(p.srv.Close)

	clients := map[string]*storage.Client{ClientID: storage.WebClient(ClientID, ClientSecret, redirectURL)}
	p.storage = storage.NewStorageWithClients(dir, clients)
	// The issuer is only known once the server listens, so the handler is set afterwards.
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

// Issuer is the provider's URL, as Kette's --oidc-issuer.
func (p *Provider) Issuer() string { return p.srv.URL }

// HTTPClient trusts the provider's certificate; give it to Kette's client (oidc.WithHTTPClient). Its
// Transport serves a browser that talks to both Kette and the provider.
func (p *Provider) HTTPClient() *http.Client { return p.srv.Client() }

// directory is the provider's user store: username → account.
type directory map[string]*storage.User

func (d directory) GetUserByID(id string) *storage.User {
	for _, u := range d {
		if u.ID == id {
			return u
		}
	}
	return nil
}
func (d directory) GetUserByUsername(name string) *storage.User { return d[name] }
func (d directory) ExampleClientID() string                     { return storage.ServiceUserID }

// groupStorage is the example storage plus a "groups" claim in the ID token. The example storage puts e-mail
// and name only into the userinfo answer, not into the ID token, so a login also exercises the client's
// userinfo lookup.
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

func mustPath(t testing.TB, s string) string {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil || u.Path == "" {
		t.Fatalf("discovery endpoint %q", s)
	}
	return u.Path
}

// ---- signing in like a browser ----

var hiddenID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// SignIn opens startURL (Kette's GET /anmelden/sso) with browser, follows the redirects to the provider's
// login form, submits username and password there and follows the provider's redirects until it sends the
// browser back to the redirect URL. It returns that callback URL without opening it, so the test can look at
// it, spoil it or open it with the client of its choice. browser keeps its cookies (its Jar is used) and must
// trust the provider's certificate (use HTTPClient().Transport); its own redirect policy does not matter.
func (p *Provider) SignIn(t testing.TB, browser *http.Client, startURL, username, password string) *url.URL {
	t.Helper()
	b := *browser // the same cookies and transport, but every redirect is taken here
	b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	page, at := p.follow(t, &b, startURL)
	if at == nil || !strings.HasPrefix(at.String(), p.srv.URL+"/login/username") {
		t.Fatalf("expected the provider's login form, came to %v: %s", at, page)
	}
	m := hiddenID.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no auth request id in the login form: %s", page)
	}
	resp, err := b.PostForm(p.srv.URL+"/login/username",
		url.Values{"id": {html.UnescapeString(m[1])}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("login form for %s: %d %s", username, resp.StatusCode, body)
	}
	page, at = p.follow(t, &b, loc.String())
	if at == nil || !p.isCallback(at) {
		t.Fatalf("provider redirected to %v, want %s: %s", at, p.redirectURL, page)
	}
	return at
}

// follow walks redirects from u until a page answers (returning its body and address) or the next address is
// the callback (returning it, unopened).
func (p *Provider) follow(t testing.TB, b *http.Client, u string) (string, *url.URL) {
	t.Helper()
	for range 10 {
		next, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		if p.isCallback(next) {
			return "", next
		}
		resp, err := b.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
			}
			return string(body), resp.Request.URL
		}
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("GET %s: %d without Location", u, resp.StatusCode)
		}
		u = loc.String()
	}
	t.Fatalf("more than 10 redirects from %s", u)
	return "", nil
}

func (p *Provider) isCallback(u *url.URL) bool {
	return strings.HasPrefix(u.String(), p.redirectURL)
}

// ---- what the provider saw ----

// LastAuthorization is the query of the last authorization request (state, nonce, PKCE challenge, scope).
func (p *Provider) LastAuthorization() url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.authorize
}

// TokenRequestHadVerifier reports whether the last token request carried a PKCE code_verifier.
func (p *Provider) TokenRequestHadVerifier() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.verifierIn
}

// UserinfoRequests counts the requests to the userinfo endpoint.
func (p *Provider) UserinfoRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.userinfo
}

// ---- spoiled ID tokens ----

// SetTamper makes every following token response carry the ID token f builds; nil restores the real one.
func (p *Provider) SetTamper(f Tamper) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
}

// SigningKey is the provider's own key and its id, the one its JWKS publishes.
func (p *Provider) SigningKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := p.storage.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k.Key().(*rsa.PrivateKey), k.ID()
}

// Resigned signs the claims unchanged with the provider's own key: a token every client must accept, which
// shows that the tampering itself spoils nothing.
func (p *Provider) Resigned(t testing.TB) Tamper {
	key, kid := p.SigningKey(t)
	return func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) { return c, key, kid }
}

// WrongAudience issues the token, correctly signed, to another client.
func (p *Provider) WrongAudience(t testing.TB, audience string) Tamper {
	key, kid := p.SigningKey(t)
	return func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) {
		c["aud"] = []string{audience}
		c["azp"] = audience
		return c, key, kid
	}
}

// ForeignKey signs the unchanged claims with a key the provider never published, under the id of its own key.
func (p *Provider) ForeignKey(t testing.TB) Tamper {
	_, kid := p.SigningKey(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return func(c map[string]any) (map[string]any, *rsa.PrivateKey, string) { return c, other, kid }
}

// intercept records authorization and token requests and, when a tamper function is set, replaces the ID
// token of the provider's real token response.
func (p *Provider) intercept(w http.ResponseWriter, r *http.Request, next http.Handler) {
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
			replaceIDToken(w, rec, tamper)
			return
		}
	}
	next.ServeHTTP(w, r)
}

// replaceIDToken answers with the recorded token response, its id_token rebuilt by tamper. Failures panic:
// they are bugs of the test setup, and the test server reports them.
func replaceIDToken(w http.ResponseWriter, rec *httptest.ResponseRecorder, tamper Tamper) {
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
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
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
