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

// SearchWindow is how far back the gap list looks for searches that found nothing: a year, so seasonal
// demand (school enrolment, Kita year) is in it whatever the day.
const SearchWindow = 365

// Run is the analysis the chain views, API and reports show: a Kommune in scope as of date with the settings
// chosen — the Areas as they were on that day, their Bedarfsindex as need weights (indicator values of the
// latest period not after the day, measured on those Area versions), and beside each gap the public searches
// of the year up to the day that found nothing.
func Run(ctx context.Context, s *store.Store, scope tenant.Scope, kommuneID uuid.UUID, date catalog.Date, set Settings) (Matrix, error) {
	tax := s.Taxonomies()
	src, err := s.ChainSource(ctx, scope, kommuneID, date)
	if err != nil {
		return Matrix{}, err
	}
	need, err := LoadNeed(ctx, s, scope, kommuneID, src.Areas, date, set.NeedIndex, set.Privacy)
	if err != nil {
		return Matrix{}, err
	}
	cfg := set.Config(need)
	if err := cfg.Validate(tax); err != nil {
		return Matrix{}, err
	}
	until := date.Time().AddDate(0, 0, 1)
	searches, err := s.ChainZeroSearches(ctx, scope, kommuneID, until.AddDate(0, 0, -SearchWindow), until)
	if err != nil {
		return Matrix{}, err
	}
	m := Analyse(Input{ChainSource: src, Taxonomy: tax, Searches: &searches}, cfg)
	m.Need = &need
	return m, nil
}
