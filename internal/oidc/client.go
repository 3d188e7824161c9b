package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/kette-org/kette/internal/errs"
)

// CookieName is the name of the cookie that carries state, nonce and PKCE verifier from Start to Callback.
const CookieName = "kette_oidc"

// LoginTTL is how long a started login may take at the provider.
const LoginTTL = 10 * time.Minute

// Client runs logins against one provider. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time

	mu       sync.Mutex
	provider *gooidc.Provider // discovered at the first login, so that Kette starts while the provider is down
	verifier *gooidc.IDTokenVerifier
}

// Option changes a Client.
type Option func(*Client)

// WithHTTPClient sets the client for requests to the provider (discovery, keys, token, userinfo), e.g. one
// trusting a company CA. The default has a 15-second timeout.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// New validates the configuration and returns a Client. The provider is contacted at the first login.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, http: &http.Client{Timeout: 15 * time.Second}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// discover fetches the provider's metadata once; a failure is retried at the next login.
func (c *Client) discover(ctx context.Context) (*gooidc.Provider, *gooidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, c.verifier, nil
	}
	// The provider keeps only the HTTP client of this context, for fetching its keys later.
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, c.http), c.cfg.Issuer)
	if err != nil {
		return nil, nil, &errs.Error{Code: errs.Unavailable, Message: "oidc.error.unavailable", Err: err}
	}
	c.provider = p
	c.verifier = p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID, Now: func() time.Time { return c.now() }})
	return c.provider, c.verifier, nil
}

func (c *Client) oauth2(p *gooidc.Provider) *oauth2.Config {
	scopes := []string{gooidc.ScopeOpenID, "email", "profile"}
	for _, s := range c.cfg.Scopes {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.cfg.RedirectURL, Scopes: scopes}
}

// loginState is what the cookie carries from Start to Callback.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
}

// Start sends the browser to the provider's login. next is the local path to return to afterwards; anything
// else (another host, a scheme) is replaced by "/" so the login cannot be used as an open redirect.
func (c *Client) Start(w http.ResponseWriter, r *http.Request, next string) error {
	p, _, err := c.discover(r.Context())
	if err != nil {
		return err
	}
	st := loginState{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier(), Next: LocalPath(next),
		Expires: c.now().Add(LoginTTL).Unix()}
	http.SetCookie(w, c.cookie(c.seal(st), int(LoginTTL/time.Second)))
	target := c.oauth2(p).AuthCodeURL(st.State, gooidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// Callback finishes the login at the redirect URL: it checks the state against the cookie, exchanges the code
// (with the PKCE verifier), verifies the ID token (signature against the provider's keys, issuer, audience =
// client id, expiry, nonce) and maps the claims to an Identity. It returns the path given to Start and clears
// the cookie. Every refusal is an errs.Error with a German message; the cause is kept for the log.
func (c *Client) Callback(w http.ResponseWriter, r *http.Request) (Identity, string, error) {
	// The cookie is single-use: whatever happens next, a second callback needs a new Start.
	http.SetCookie(w, c.cookie("", -1))
	st, err := c.open(r)
	if err != nil {
		return Identity{}, "", refuse("oidc.error.state", err)
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("state")), []byte(st.State)) != 1 {
		return Identity{}, "", refuse("oidc.error.state", errors.New("state parameter does not match the cookie"))
	}
	if e := r.URL.Query().Get("error"); e != "" {
		return Identity{}, "", refuse("oidc.error.provider",
			fmt.Errorf("provider error %q: %s", e, r.URL.Query().Get("error_description")))
	}
	code := r.URL.Query().Get("code")
	if code == "" {
		return Identity{}, "", refuse("oidc.error.token", errors.New("callback without code"))
	}
	p, verifier, err := c.discover(r.Context())
	if err != nil {
		return Identity{}, "", err
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, c.http)
	tok, err := c.oauth2(p).Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("exchange code: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, "", refuse("oidc.error.token", errors.New("token response without id_token"))
	}
	idt, err := verifier.Verify(gooidc.ClientContext(ctx, c.http), raw)
	if err != nil {
		return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("verify id token: %w", err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return Identity{}, "", refuse("oidc.error.token", errors.New("id token nonce does not match"))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("access token hash: %w", err))
		}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("id token claims: %w", err))
	}
	// Many providers put e-mail, name and groups only into the userinfo answer; the ID token's claims win.
	if needUserInfo(claims, c.cfg.RoleClaim) && p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("userinfo: %w", err))
		}
		if ui.Subject != idt.Subject {
			return Identity{}, "", refuse("oidc.error.token", errors.New("userinfo is about another subject"))
		}
		var extra map[string]any
		if err := ui.Claims(&extra); err != nil {
			return Identity{}, "", refuse("oidc.error.token", fmt.Errorf("userinfo claims: %w", err))
		}
		for k, v := range extra {
			if _, ok := claims[k]; !ok {
				claims[k] = v
			}
		}
	}
	id, err := c.identity(idt.Issuer, idt.Subject, claims)
	if err != nil {
		return Identity{}, "", err
	}
	return id, st.Next, nil
}

func refuse(message string, cause error) error {
	return &errs.Error{Code: errs.Unauthenticated, Message: message, Err: cause}
}

// cookie is the login cookie, limited to the callback's path and sent on the provider's top-level redirect
// back (SameSite=Lax), never to scripts.
func (c *Client) cookie(value string, maxAge int) *http.Cookie {
	path, secure := "/", false
	if u, err := url.Parse(c.cfg.RedirectURL); err == nil {
		if u.Path != "" {
			path = u.Path
		}
		secure = u.Scheme == "https"
	}
	return &http.Cookie{Name: CookieName, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode}
}

// seal encodes the state and appends its HMAC, so the browser can hold it but not change it.
func (c *Client) seal(st loginState) string {
	payload, _ := json.Marshal(st) // a struct of strings and an int cannot fail to encode
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(c.mac(body))
}

func (c *Client) mac(body string) []byte {
	m := hmac.New(sha256.New, c.cfg.CookieKey)
	m.Write([]byte("kette-oidc-login-v1\x00" + body))
	return m.Sum(nil)
}

// open reads and checks the login cookie.
func (c *Client) open(r *http.Request) (loginState, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return loginState{}, errors.New("no login cookie")
	}
	body, sig, ok := strings.Cut(ck.Value, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, c.mac(body)) {
		return loginState{}, errors.New("login cookie has a wrong signature")
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return loginState{}, fmt.Errorf("login cookie: %w", err)
	}
	var st loginState
	if err := json.Unmarshal(payload, &st); err != nil {
		return loginState{}, fmt.Errorf("login cookie: %w", err)
	}
	if c.now().Unix() > st.Expires {
		return loginState{}, errors.New("login cookie expired")
	}
	return st, nil
}

// LocalPath returns next if it is a path on this site, else "/".
func LocalPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
