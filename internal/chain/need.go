package chain

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// DefaultNeedIndex is the Bedarfsindex every Kommune starts with: the SGB-II-Quote unter 15 Jahren weighs 2,
// as the broadest measure of child poverty, published by the Bundesagentur für Arbeit for every Sozialraum;
// the Kinder in Bedarfsgemeinschaften Alleinerziehender and the Sprachförderbedarf of the
// Schuleingangsuntersuchung weigh 1 each, as the two situations the chain's offers most often answer that
// poverty alone does not show. Coordinators can choose others on the chain page.
func DefaultNeedIndex() []store.NeedWeight {
	return []store.NeedWeight{{Indicator: "sgb2_u15", Weight: 2}, {Indicator: "alleinerziehende_bg", Weight: 1},
		{Indicator: "seu_sprachfoerderung", Weight: 1}}
}

// How the Bedarfsindex becomes the need weight of an Area: weight = 1 + NeedSlope × index, clipped to
// [NeedMinWeight, NeedMaxWeight]. An Area one standard deviation above the Kommune's average counts its
// children 1.25 times, two deviations 1.5 times; the clip keeps a single extreme Area from doubling its
// demand more than twice or from losing more than half of it. An Area without any value weighs 1.
const (
	NeedSlope     = 0.25
	NeedMinWeight = 0.5
	NeedMaxWeight = 2.0
)

// NeedWeightOf maps a Bedarfsindex to a need weight.
func NeedWeightOf(index float64) float64 {
	return math.Min(NeedMaxWeight, math.Max(NeedMinWeight, 1+NeedSlope*index))
}

// Need is the Bedarfsindex of a Kommune's Areas as the analysis used it, with what it takes to show the
// formula beside the result.
type Need struct {
	// Formula is the index in German, e.g. "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + …"; empty without index.
	Formula    string          `json:"formula"`
	Slope      float64         `json:"slope"`
	MinWeight  float64         `json:"min_weight"`
	MaxWeight  float64         `json:"max_weight"`
	Indicators []NeedIndicator `json:"indicators"`
	Areas      []AreaNeed      `json:"areas"` // by Area key
}

// NeedIndicator is one indicator of the index: the weight as chosen, its share of all weights, the period
// whose values were used, and the mean and standard deviation of the z-scores.
type NeedIndicator struct {
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	Weight         float64 `json:"weight"`
	Share          float64 `json:"share"`
	Period         string  `json:"period"`
	Mean           float64 `json:"mean"`
	SD             float64 `json:"sd"`
	HigherIsBetter bool    `json:"higher_is_better"`
}

// AreaNeed is the index and the resulting weight of one Area.
type AreaNeed struct {
	AreaID     uuid.UUID             `json:"area_id"`
	AreaKey    string                `json:"area_key"`
	AreaName   string                `json:"area_name"`
	Index      float64               `json:"index"`
	HasIndex   bool                  `json:"has_index"`
	Weight     float64               `json:"weight"`
	Components []indicator.Component `json:"components"`
	Missing    []string              `json:"missing,omitempty"`
}

// Weights are the need weights by Area id, for Config.Need.
func (n Need) Weights() map[uuid.UUID]float64 {
	out := make(map[uuid.UUID]float64, len(n.Areas))
	for _, a := range n.Areas {
		out[a.AreaID] = a.Weight
	}
	return out
}

// ComputeNeed computes the index of the Areas from the weighted indicators and their values (values[i] for
// weights[i]; periods[i] the period they are of) and maps it to the need weights. Without weights every Area
// weighs 1.
func ComputeNeed(areas []region.Area, weights []indicator.Weight, values []indicator.AreaValues, periods []string) (Need, error) {
	n := Need{Slope: NeedSlope, MinWeight: NeedMinWeight, MaxWeight: NeedMaxWeight, Indicators: []NeedIndicator{}}
	if len(weights) == 0 {
		for _, a := range areas {
			n.Areas = append(n.Areas, AreaNeed{AreaID: a.ID, AreaKey: a.Key, AreaName: a.Name, Weight: 1})
		}
		return n, nil
	}
	ids := make([]uuid.UUID, len(areas))
	for i, a := range areas {
		ids[i] = a.ID
	}
	res, err := indicator.ComputeNeedIndex(ids, weights, values)
	if err != nil {
		return Need{}, err
	}
	n.Formula = res.Formula
	total := 0.0
	for _, w := range weights {
		total += w.Weight
	}
	for i, w := range weights {
		name := w.Indicator.ShortDE
		if name == "" {
			name = w.Indicator.NameDE
		}
		n.Indicators = append(n.Indicators, NeedIndicator{Code: w.Indicator.Code, Name: name, Weight: w.Weight,
			Share: w.Weight / total, Period: periods[i], Mean: res.Means[i], SD: res.SDs[i],
			HigherIsBetter: w.Indicator.Polarity == indicator.HigherIsBetter})
	}
	for i, a := range areas {
		r := res.Areas[i]
		an := AreaNeed{AreaID: a.ID, AreaKey: a.Key, AreaName: a.Name, Index: r.Index, HasIndex: r.HasIndex, Weight: 1,
			Components: r.Components, Missing: r.Missing}
		if r.HasIndex {
			an.Weight = NeedWeightOf(r.Index)
		}
		n.Areas = append(n.Areas, an)
	}
	return n, nil
}

// LoadNeed reads the values of the weighted indicators for the Areas of a Kommune as of date
// (store.ChainNeedValues: latest period not after it, of the Area versions given, with small counts
// suppressed) and computes the need. An indicator the catalogue does not know is invalid.
func LoadNeed(ctx context.Context, s *store.Store, scope tenant.Scope, kommuneID uuid.UUID, areas []region.Area,
	date catalog.Date, weights []store.NeedWeight, privacy indicator.Privacy) (Need, error) {
	if len(weights) == 0 {
		return ComputeNeed(areas, nil, nil, nil)
	}
	codes := make([]string, len(weights))
	ws := make([]indicator.Weight, len(weights))
	for i, w := range weights {
		ind, err := s.GetIndicator(ctx, w.Indicator)
		if err != nil {
			return Need{}, err
		}
		codes[i], ws[i] = w.Indicator, indicator.Weight{Indicator: ind, Weight: w.Weight}
	}
	values, periods, err := s.ChainNeedValues(ctx, scope, kommuneID, areas, codes, date, privacy)
	if err != nil {
		return Need{}, err
	}
	return ComputeNeed(areas, ws, values, periods)
}
