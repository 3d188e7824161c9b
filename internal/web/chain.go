package web

import "net/http"

// chainRoutes registers the chain pages.
func (s *server) chainRoutes(mux *http.ServeMux) {}
