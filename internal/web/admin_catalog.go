package web

import "net/http"

// adminCatalogRoutes registers the administration of organizations, locations and Sozialräume.
func (s *server) adminCatalogRoutes(mux *http.ServeMux) {}
