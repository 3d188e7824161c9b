package server

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
)

// touchEvery limits how often a session's last use is written: once a minute is enough to show "zuletzt aktiv".
const touchEvery = time.Minute

// identify finds out who makes a request — a session cookie for pages, a bearer token for the API — and puts
// the principal into the request context. A wrong bearer token is refused at once (401) so an integration
// notices; a stale session cookie is simply ignored (the visitor is anonymous).
func identify(st *store.Store, log *slog.Logger, fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" && strings.HasPrefix(r.URL.Path, "/api/") {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				fail(w, r, errs.E(errs.Unauthenticated, "error.unauthenticated"))
				return
			}
			_, u, err := st.APITokenUser(r.Context(), strings.TrimSpace(token))
			if err != nil {
				if !errs.Is(err, errs.NotFound) {
					log.Error("bearer token lookup", "err", err)
				}
				fail(w, r, errs.E(errs.Unauthenticated, "error.unauthenticated"))
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "token"})))
			return
		}
		c, err := r.Cookie(auth.SessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, u, err := st.SessionUser(r.Context(), c.Value)
		if err != nil {
			if !errs.Is(err, errs.NotFound) {
				log.Error("session lookup", "err", err)
			}
			next.ServeHTTP(w, r)
			return
		}
		if time.Since(sess.LastSeenAt) > touchEvery {
			if err := st.TouchSession(r.Context(), c.Value); err != nil {
				log.Warn("touch session", "err", err)
			}
		}
		p := auth.Principal{User: u, Via: "session", CSRF: auth.CSRFToken(c.Value), SessionToken: c.Value}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// csrf refuses state-changing requests that did not come from Kette's own pages: a cross-origin request
// (Sec-Fetch-Site/Origin, checked by net/http.CrossOriginProtection) is refused for everyone, and a signed-in
// session must also send its form token (field "csrf" or header X-CSRF-Token). Bearer-token requests carry no
// cookies, so they cannot be forged by another site.
func csrf(fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		p, ok := auth.PrincipalFrom(r.Context())
		if ok && p.Via == "token" {
			next.ServeHTTP(w, r)
			return
		}
		if err := cop.Check(r); err != nil {
			fail(w, r, errs.E(errs.Forbidden, "error.csrf"))
			return
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		sent := r.Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = r.FormValue("csrf")
		}
		if subtle.ConstantTimeCompare([]byte(sent), []byte(p.CSRF)) != 1 {
			fail(w, r, errs.E(errs.Forbidden, "error.csrf"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
