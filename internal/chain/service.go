package chain

import (
	"context"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// ForKommune analyses a Kommune in scope as of date: only offers active and valid on that day count, so the
// result for a past date can be reproduced. A Kommune outside the scope is not found; a bad config is invalid.
func ForKommune(ctx context.Context, s *store.Store, scope tenant.Scope, kommuneID uuid.UUID, date catalog.Date, cfg Config) (Matrix, error) {
	tax := s.Taxonomies()
	if err := cfg.Validate(tax); err != nil {
		return Matrix{}, err
	}
	src, err := s.ChainSource(ctx, scope, kommuneID, date)
	if err != nil {
		return Matrix{}, err
	}
	return Analyse(Input{ChainSource: src, Taxonomy: tax}, cfg), nil
}
