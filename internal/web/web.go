// Package web serves the server-rendered HTML pages (placeholder until implemented).
package web

import (
	"log/slog"
	"net/http"

	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/store"
)

// Deps are what the pages need.
type Deps struct {
	Store *store.Store
	I18n  *i18n.Bundle
	Log   *slog.Logger
}

// New returns the handler of all pages.
func New(d Deps) (http.Handler, error) { return http.NotFoundHandler(), nil }
