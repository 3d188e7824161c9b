package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/errs"
)

// searchRoutes registers the public search and the coordinators' view of the search log.
func (s *server) searchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /angebote", s.page(s.searchPage))
}

// searchPage is the Familienwegweiser: the public search at /angebote.
func (s *server) searchPage(r *http.Request, lang string) (string, any, error) {
	return "", nil, errs.E(errs.NotFound, "error.not_found")
}
