// Package server composes Kette's doors (pages, JSON API, health checks) into one http.Handler with the
// middleware every response passes: panic recovery, request logs and security headers. It also runs the HTTP
// server with a graceful shutdown.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/oidc"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/web"
)

// Deps are what the server needs.
type Deps struct {
	Store   *store.Store
	I18n    *i18n.Bundle
	Log     *slog.Logger
	Version string
	// Search is the public search index; nil serves no search (tests of other doors).
	Search *search.Index
	// Chain is the in-memory chain snapshot, kept fresh like Search; nil analyses read the store.
	Chain *chain.Snapshot
	// SearchLog records the public searches; nil records nothing.
	SearchLog *searchlog.Recorder
	// OIDC is the single sign-on client; nil without an identity provider.
	OIDC *oidc.Client
	// Mail sends invitations and password resets; nil logs the links.
	Mail web.Mailer
	// Freshness are the freshness rules the dashboard shows; zero is the default.
	Freshness freshness.Config
	// Tiles is the tile server of the interactive results map; zero is OpenStreetMap's.
	Tiles web.Tiles
	// Privacy is the minimum cell size of indicator values on pages, API and reports; zero is the default (3).
	Privacy indicator.Privacy
}

// Handler builds the whole application.
func Handler(d Deps) (http.Handler, error) {
	pages, err := web.New(web.Deps{Store: d.Store, I18n: d.I18n, Log: d.Log, Search: d.Search, SearchLog: d.SearchLog, OIDC: d.OIDC,
		Mail: d.Mail, Freshness: d.Freshness, Tiles: d.Tiles, Privacy: d.Privacy, Chain: d.Chain})
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, map[string]any{"status": "ok", "version": d.Version})
	})
	mux.HandleFunc("GET /readyz", readyz(d))
	apiDeps := api.Deps{Store: d.Store, I18n: d.I18n, Log: d.Log, Search: d.Search, SearchLog: d.SearchLog, Privacy: d.Privacy}
	mux.Handle("/api/", api.New(apiDeps))
	mux.Handle("/", pages)
	// Errors of the middleware are answered by the door the request was for: JSON for the API, a page otherwise.
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.Fail(apiDeps, w, r, err)
			return
		}
		pages.Fail(w, r, err)
	}
	h := identify(d.Store, d.Log, fail, csrf(fail, mux))
	// Compression (gzip/deflate/zstd as the client accepts) keeps a results page of 20 hits well under 60 KB on
	// the wire; gzhttp skips tiny and already compressed bodies and sets Vary: Accept-Encoding. Random padding
	// keeps the form tokens in compressed pages from being guessed by length (BREACH).
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(512), gzhttp.RandomJitter(32, 0, false))
	if err != nil {
		return nil, fmt.Errorf("compression: %w", err)
	}
	return recoverPanics(d.Log, logRequests(d.Log, securityHeaders(gz(h)))), nil
}

// readyz answers 200 when the database answers and its schema is current, 503 otherwise, so a load balancer
// sends no traffic to an instance that cannot serve it.
func readyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := d.Store.Ping(ctx); err != nil {
			d.Log.Warn("not ready: database unreachable", "err", err)
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "unreachable"})
			return
		}
		st, err := d.Store.Status(ctx)
		if err != nil || !st.UpToDate() {
			d.Log.Warn("not ready: schema not current", "err", err, "current", st.Current, "target", st.Target)
			writeStatus(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "database": "ok",
				"migrations": map[string]int64{"current": st.Current, "target": st.Target}})
			return
		}
		writeStatus(w, http.StatusOK, map[string]any{"status": "ready", "database": string(d.Store.Dialect()),
			"migrations": map[string]int64{"current": st.Current, "target": st.Target}})
	}
}

func writeStatus(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Serve listens on addr until ctx ends, then shuts down gracefully within timeout. ready, if not nil, receives
// the bound address once the listener is open (tests pass ":0").
func Serve(ctx context.Context, addr string, h http.Handler, timeout time.Duration, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("listening", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", timeout)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
