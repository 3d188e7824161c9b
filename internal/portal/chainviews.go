package portal

import (
	"slices"

	"github.com/kette-org/kette/internal/errs"
)

// The views of the Präventionskette a Kommune may publish on its portal. Each shows aggregates of the gap
// analysis only (numbers per Sozialraum, never a person, never a search as it was typed), with small counts
// suppressed as in the administration.
const (
	ViewMatrix   = "matrix"     // the matrix as a heatmap per life phase, and the transitions
	ViewGaps     = "luecken"    // the ranked gap list with its sentences
	ViewGapMap   = "karte"      // the choropleth of the gaps per Sozialraum
	ViewNeed     = "bedarf"     // the Bedarfsindex per Sozialraum as a choropleth, with its formula
	ViewCoverage = "versorgung" // offers per 1,000 children per Sozialraum and phase
)

// ChainViews are the views in the order the public page shows them.
var ChainViews = []string{ViewMatrix, ViewGaps, ViewGapMap, ViewNeed, ViewCoverage}

// NormalizeChainViews keeps each chosen view once, in the order of ChainViews, and reports an unknown one.
func NormalizeChainViews(chosen []string) ([]string, error) {
	var v errs.Validation
	for _, c := range chosen {
		if !slices.Contains(ChainViews, c) {
			v.Add("views", "validation.unknown_code", map[string]any{"Value": c})
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := []string{}
	for _, c := range ChainViews {
		if slices.Contains(chosen, c) {
			out = append(out, c)
		}
	}
	return out, nil
}
