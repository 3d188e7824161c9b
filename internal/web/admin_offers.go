package web

import "net/http"

// adminOfferRoutes registers the offer editor and the Freigabe workflow.
func (s *server) adminOfferRoutes(mux *http.ServeMux) {}
