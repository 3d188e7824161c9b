package web

import "net/http"

// freshnessRoutes registers the freshness pages.
func (s *server) freshnessRoutes(mux *http.ServeMux) {}
