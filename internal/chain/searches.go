package chain

import (
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/store"
)

// UnmetSearches is the demand families showed in the public search for what a gap lacks: searches that named
// the gap's phase and field (both), or its transition, and found nothing.
type UnmetSearches struct {
	// Area counts the raw searches made for the gap's Sozialraum (a place in it, or the Sozialraum filter).
	Area int `json:"area"`
	// Kommune counts the raw searches made for the Kommune without naming a Sozialraum.
	Kommune int `json:"kommune"`
	// Folded counts searches older than the raw log keeps (folded into daily counts per topic, Kommune-wide). The
	// daily counts keep phase and field apart, so for a cell it is the sum over the days of the smaller of the
	// two: at most that many searches named both; for a transition it is exact.
	Folded int `json:"folded"`
	// Total is Area + Kommune + Folded.
	Total int `json:"total"`
}

// unmetSearches counts the zero-result searches of a gap cell or transition row.
func unmetSearches(c Cell, s *store.ChainSearches) UnmetSearches {
	var u UnmetSearches
	for _, z := range s.Raw {
		if !matches(z.Filters, c) {
			continue
		}
		areas := searchAreas(z)
		switch {
		case len(areas) == 0:
			u.Kommune++
		case containsID(areas, c.AreaID):
			u.Area++
		}
	}
	for _, topics := range s.Folded {
		if c.Transition != "" {
			u.Folded += topics["transition:"+c.Transition]
		} else {
			u.Folded += min(topics["phase:"+c.Phase], topics["field:"+c.Field])
		}
	}
	u.Total = u.Area + u.Kommune + u.Folded
	return u
}

// matches tells whether a search's filters name the cell's phase and field, or its transition.
func matches(filters []string, c Cell) bool {
	if c.Transition != "" {
		return hasFilter(filters, "transition:"+c.Transition)
	}
	return hasFilter(filters, "phase:"+c.Phase) && hasFilter(filters, "field:"+c.Field)
}

func hasFilter(filters []string, f string) bool {
	for _, x := range filters {
		if x == f {
			return true
		}
	}
	return false
}

// searchAreas are the Sozialräume a search was made for: the one of its place and those of its area filter.
func searchAreas(z store.ZeroSearch) []uuid.UUID {
	var out []uuid.UUID
	if z.AreaID != nil {
		out = append(out, *z.AreaID)
	}
	for _, f := range z.Filters {
		if v, ok := strings.CutPrefix(f, "area:"); ok {
			if id, err := uuid.Parse(v); err == nil {
				out = append(out, id)
			}
		}
	}
	return out
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
