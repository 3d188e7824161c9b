// Package chain is the gap analysis of the Präventionskette: per Kommune a matrix of Sozialräume (Areas) ×
// life phases × fields of action with supply (offers reachable from the Area) against demand (children of
// the phase's ages, weighted by the Area's need), coverage per 1,000 children and a gap flag; the transitions
// (Familie → Kita …) as rows of their own; the anchors (Familienzentren) per Area; and the gaps ranked by the
// demand they leave unmet, each with a sentence a Jugendhilfeausschuss understands.
//
// Need. Each Area's demand is weighted by its Bedarfsindex: a weighted sum of z-scores of social-monitoring
// indicators (DefaultNeedIndex: SGB-II-Quote u15 ×2, Kinder in Bedarfsgemeinschaften Alleinerziehender ×1,
// Sprachförderbedarf ×1; indicator.ComputeNeedIndex), mapped to a weight of 1 + 0.25 × index clipped to
// [0.5, 2] (NeedWeightOf). The index uses z-scores rather than ranks because the weight has to say how much
// more need an Area has, not only that it has more: with ranks, a Sozialraum with an SGB-II-Quote of 45 %
// among neighbours at 10 % would be as far ahead as one at 11 %, and the weights of a Kommune with three Areas
// would be the same whatever the values. z-scores keep the distances and put indicators of different units
// (percentages, counts) on one scale; their weak spot, outliers, is bounded by the clip of the weight.
//
// Analyse is pure computation over a store.ChainSource; ForKommune reads one and analyses it, Run adds the
// need index, the search log and the settings of the views, and ForAll analyses a Land or the nation in one
// read.
package chain

import (
	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/taxonomy"
)

// DefaultDistanceKm is how far from an Area's centre an offer still counts as reachable when none is set.
const DefaultDistanceKm = 2.0

// Config holds the thresholds of an analysis. The zero value is the default.
type Config struct {
	// DistanceKm: an offer at a location within this distance of an Area's centre counts for the Area even
	// when the location lies outside it. Zero means DefaultDistanceKm.
	DistanceKm float64
	// MinCoverage is the coverage (offers per 1,000 children) below which a cell with offers is still a gap,
	// scaled by the Area's need. Zero: only cells without any offer are gaps.
	MinCoverage float64
	// Need weighs the demand of each Area (by id); Areas not listed weigh 1. The Bedarfsindex plugs in here.
	Need map[uuid.UUID]float64
	// Phases, Fields and Transitions restrict the matrix to these codes, in taxonomy order; nil means all.
	Phases, Fields, Transitions []string
}

// withDefaults fills in the defaults of zero fields.
func (c Config) withDefaults() Config {
	if c.DistanceKm == 0 {
		c.DistanceKm = DefaultDistanceKm
	}
	return c
}

// need is the weight of an Area.
func (c Config) need(area uuid.UUID) float64 {
	if w, ok := c.Need[area]; ok {
		return w
	}
	return 1
}

// Validate checks the thresholds and codes against the taxonomy.
func (c Config) Validate(tax *taxonomy.Set) error {
	var v errs.Validation
	if c.DistanceKm < 0 {
		v.Add("distance_km", "validation.not_negative", nil)
	}
	if c.MinCoverage < 0 {
		v.Add("min_coverage", "validation.not_negative", nil)
	}
	for id, w := range c.Need {
		if w < 0 {
			v.Add("need."+id.String(), "validation.not_negative", nil)
		}
	}
	for _, l := range []struct {
		field, taxonomy string
		codes           []string
	}{{"phases", taxonomy.Phase, c.Phases}, {"fields", taxonomy.Field, c.Fields}, {"transitions", taxonomy.Transition, c.Transitions}} {
		for _, code := range l.codes {
			if !tax.Has(l.taxonomy, code) {
				v.Add(l.field, "validation.unknown_code", map[string]any{"Value": code})
			}
		}
	}
	return v.Err()
}

// Input is what Analyse works on: the source of one Kommune and the vocabulary of its phases and fields, and
// optionally the public searches that found nothing, to set beside the gaps.
type Input struct {
	store.ChainSource
	Taxonomy *taxonomy.Set
	Searches *store.ChainSearches
}

// Matrix is the result of an analysis.
type Matrix struct {
	Kommune     region.Kommune `json:"kommune"`
	Date        catalog.Date   `json:"date"`
	DistanceKm  float64        `json:"distance_km"`
	MinCoverage float64        `json:"min_coverage"`
	// Cells are Area × phase × field: Areas by key, phases and fields in taxonomy order.
	Cells []Cell `json:"cells"`
	// Transitions are Area × transition, in the same order.
	Transitions []Cell `json:"transitions"`
	// Anchors has one entry per Area, by key.
	Anchors []Anchor `json:"anchors"`
	// Gaps are the cells and transition rows flagged as gaps, ranked by unmet demand.
	Gaps []Gap `json:"gaps"`
	// MissingAnchors are the Areas without a Familienzentrum, ranked by their need-weighted children.
	MissingAnchors []Anchor `json:"missing_anchors"`
	// Derived are the indicators the analysis computes rather than anyone types in: offers per 1,000 children
	// per Area and phase.
	Derived []Derived `json:"derived"`
	// Need is the Bedarfsindex behind the need weights, when the analysis was run with one (Run).
	Need *Need `json:"need,omitempty"`
}

// DerivedOffersPer1000 is the code of the derived indicator "Angebote je 1.000 Kinder".
const DerivedOffersPer1000 = "offers_per_1000"

// Derived is the value of a derived indicator for an Area and phase: the distinct offers of the phase
// reachable from the Area (in any field) per 1,000 children of its ages.
type Derived struct {
	Indicator string    `json:"indicator"`
	AreaID    uuid.UUID `json:"area_id"`
	AreaKey   string    `json:"area_key"`
	AreaName  string    `json:"area_name"`
	Phase     string    `json:"phase"`
	Offers    int       `json:"offers"`
	Children  float64   `json:"children"`
	Value     float64   `json:"value"`
}

// Cell is one Area × phase × field of the matrix, or one Area × transition row (Phase and Field empty).
type Cell struct {
	AreaID     uuid.UUID `json:"area_id"`
	AreaKey    string    `json:"area_key"`
	AreaName   string    `json:"area_name"`
	Phase      string    `json:"phase,omitempty"`
	Field      string    `json:"field,omitempty"`
	Transition string    `json:"transition,omitempty"`
	// MinAgeMonths and MaxAgeMonths are the ages whose children are counted.
	MinAgeMonths int `json:"min_age_months"`
	MaxAgeMonths int `json:"max_age_months"`
	// Children is the estimated number of children of those ages (see ChildrenInAges).
	Children float64 `json:"children"`
	Need     float64 `json:"need"`
	// Demand is Children × Need.
	Demand float64 `json:"demand"`
	// Supply is the number of distinct offers reachable from the Area.
	Supply int `json:"supply"`
	// Coverage is Supply per 1,000 Children; 0 when there are no children.
	Coverage float64 `json:"coverage"`
	// Target is the coverage this Area needs: MinCoverage × Need.
	Target float64 `json:"target"`
	Gap    bool    `json:"gap"`
	// Unmet is the need-weighted demand the cell leaves unmet; 0 unless Gap.
	Unmet float64 `json:"unmet"`
}

// Gap is a cell flagged as a gap.
type Gap struct {
	Cell
	Rank int `json:"rank"` // 1 for the largest unmet demand
	// Searches are the public searches for what the gap lacks that found nothing; nil when the analysis had no
	// search log to look at or none matched.
	Searches *UnmetSearches `json:"unmet_searches,omitempty"`
}

// Anchor tells whether an Area has a Familienzentrum in it or within the distance of its centre.
type Anchor struct {
	AreaID   uuid.UUID `json:"area_id"`
	AreaKey  string    `json:"area_key"`
	AreaName string    `json:"area_name"`
	Inside   int       `json:"inside"` // Familienzentrum locations in the Area
	Near     int       `json:"near"`   // Familienzentrum locations outside it but within the distance
	Missing  bool      `json:"missing"`
	// Children is every child and young person of the Area (0–20 years); Need its weight.
	Children   int     `json:"children"`
	Need       float64 `json:"need"`
	DistanceKm float64 `json:"distance_km"`
}

// Cell returns the cell of an Area (by key), phase and field.
func (m Matrix) Cell(areaKey, phase, field string) (Cell, bool) {
	for _, c := range m.Cells {
		if c.AreaKey == areaKey && c.Phase == phase && c.Field == field {
			return c, true
		}
	}
	return Cell{}, false
}

// Transition returns the transition row of an Area (by key).
func (m Matrix) Transition(areaKey, code string) (Cell, bool) {
	for _, c := range m.Transitions {
		if c.AreaKey == areaKey && c.Transition == code {
			return c, true
		}
	}
	return Cell{}, false
}
