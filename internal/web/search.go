package web

import (
	"net/http"

	"github.com/kette-org/kette/internal/errs"
)

// searchPage is the Familienwegweiser: the public search at /angebote.
func (s *server) searchPage(r *http.Request, lang string) (string, any, error) {
	return "", nil, errs.E(errs.NotFound, "error.not_found")
}
