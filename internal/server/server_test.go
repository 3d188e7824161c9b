package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

func newServer(t *testing.T, s *store.Store) *httptest.Server {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := Handler(Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s)
		if resp, body := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 || !strings.Contains(body, `"version":"test"`) {
			t.Errorf("healthz: %d %s", resp.StatusCode, body)
		}
		if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"ready"`) {
			t.Errorf("readyz on a migrated database: %d %s", resp.StatusCode, body)
		}
	})
}

func TestNotReadyOnAnUnmigratedOrClosedDatabase(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s, err := store.Open(ctx, storetest.DSN(t, d), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := newServer(t, s)
			if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"migrations"`) {
				t.Errorf("readyz before migrate: %d %s", resp.StatusCode, body)
			}
			s.Close()
			if resp, body := get(t, srv.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "unreachable") {
				t.Errorf("readyz with the database gone: %d %s", resp.StatusCode, body)
			}
			if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
				t.Errorf("healthz must stay up: %d", resp.StatusCode)
			}
		})
	}
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	srv := newServer(t, s)
	for _, path := range []string{"/", "/api/v1/kommunen", "/nirgendwo", "/healthz"} {
		resp, _ := get(t, srv.URL+path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
	}
}

func TestHSTSOnlyOverTLS(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	b, _ := i18n.New()
	h, err := Handler(Deps{Store: s, I18n: b, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HSTS missing over TLS: %v", resp.Header)
	}
}

func TestAPanicBecomesAGerman500WithoutDetails(t *testing.T) {
	h := recoverPanics(slog.New(slog.DiscardHandler), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal state")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(rec.Body.String(), "schiefgegangen") {
		t.Errorf("%d %q", rec.Code, rec.Body.String())
	}
}
