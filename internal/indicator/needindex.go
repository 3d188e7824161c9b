package indicator

import (
	"math"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
)

// Weight is one component of a need index: an indicator and its weight (any positive number; the weights
// are rescaled to sum to 1).
type Weight struct {
	Indicator Indicator
	Weight    float64
}

// AreaValues are the values of one indicator per Area id (one period, chosen by the caller).
type AreaValues map[uuid.UUID]float64

// Component is one indicator's part in an Area's index.
type Component struct {
	Indicator string  `json:"indicator"`
	Name      string  `json:"name"`
	Weight    float64 `json:"weight"` // rescaled over all components of the index
	Value     float64 `json:"value"`
	Z         float64 `json:"z"`      // z-score, sign turned for higher_is_better
	Points    float64 `json:"points"` // weight × z as it enters the index of this Area
}

// NeedIndex is the index of one Area.
type NeedIndex struct {
	AreaID     uuid.UUID   `json:"area_id"`
	Index      float64     `json:"index"`
	HasIndex   bool        `json:"has_index"`
	Components []Component `json:"components"`
	Incomplete bool        `json:"incomplete"`
	Missing    []string    `json:"missing,omitempty"` // codes of the components without value
}

// NeedIndexResult is the index of every Area with the formula that made it.
type NeedIndexResult struct {
	Formula string      `json:"formula"` // German, e.g. "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,5 × z(Sprachförderbedarf)"
	Areas   []NeedIndex `json:"areas"`   // in the order of the areas given
	Means   []float64   `json:"means"`   // per component
	SDs     []float64   `json:"sds"`     // per component (population standard deviation)
}

// ComputeNeedIndex computes the Bedarfsindex of the given Areas from the weighted indicators; values[i] are the
// values of weights[i].Indicator.
func ComputeNeedIndex(areas []uuid.UUID, weights []Weight, values []AreaValues) (NeedIndexResult, error) {
	var v errs.Validation
	if len(weights) == 0 {
		v.Add("weights", "validation.required", nil)
	}
	if len(values) != len(weights) {
		v.Add("values", "indicator.need_index_values", nil)
	}
	total := 0.0
	for i, w := range weights {
		if !(w.Weight > 0) || math.IsInf(w.Weight, 0) {
			v.Add("weights."+w.Indicator.Code, "indicator.need_index_weight", map[string]any{"Value": w.Weight})
		}
		for _, o := range weights[:i] {
			if o.Indicator.Code == w.Indicator.Code {
				v.Add("weights."+w.Indicator.Code, "validation.duplicate", map[string]any{"Value": w.Indicator.Code})
			}
		}
		total += w.Weight
	}
	if err := v.Err(); err != nil {
		return NeedIndexResult{}, err
	}
	res := NeedIndexResult{Formula: Formula(weights)}
	norm := make([]float64, len(weights))
	for i, w := range weights {
		norm[i] = w.Weight / total
		mean, sd := meanSD(areas, values[i])
		res.Means, res.SDs = append(res.Means, mean), append(res.SDs, sd)
	}
	for _, id := range areas {
		ni := NeedIndex{AreaID: id}
		have := 0.0
		for i, w := range weights {
			x, ok := values[i][id]
			if !ok {
				ni.Incomplete = true
				ni.Missing = append(ni.Missing, w.Indicator.Code)
				continue
			}
			z := 0.0
			if res.SDs[i] > 0 {
				z = (x - res.Means[i]) / res.SDs[i]
			}
			if w.Indicator.Polarity == HigherIsBetter {
				z = -z
			}
			ni.Components = append(ni.Components, Component{Indicator: w.Indicator.Code, Name: w.Indicator.ShortDE,
				Weight: norm[i], Value: x, Z: z})
			have += norm[i]
		}
		for i := range ni.Components {
			c := &ni.Components[i]
			c.Points = c.Weight / have * c.Z
			ni.Index += c.Points
		}
		ni.HasIndex = len(ni.Components) > 0
		res.Areas = append(res.Areas, ni)
	}
	return res, nil
}

func meanSD(areas []uuid.UUID, vals AreaValues) (float64, float64) {
	var xs []float64
	for _, id := range areas {
		if x, ok := vals[id]; ok {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return 0, 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	sq := 0.0
	for _, x := range xs {
		sq += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(sq / float64(len(xs)))
	if sd < 1e-12 {
		sd = 0
	}
	return mean, sd
}

// Formula writes the index as a German formula with the rescaled weights, e.g.
// "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,5 × (−z(Betreuungsquote u3))".
func Formula(weights []Weight) string {
	total := 0.0
	for _, w := range weights {
		total += w.Weight
	}
	parts := make([]string, len(weights))
	for i, w := range weights {
		name := w.Indicator.ShortDE
		if name == "" {
			name = w.Indicator.NameDE
		}
		term := "z(" + name + ")"
		if w.Indicator.Polarity == HigherIsBetter {
			term = "(−" + term + ")"
		}
		parts[i] = FormatGerman(w.Weight/total, 3) + " × " + term
	}
	return "Bedarfsindex = " + strings.Join(parts, " + ")
}

// RankNeed returns the Areas with an index ordered by need, highest first (ties by id for a stable order).
func RankNeed(r NeedIndexResult) []NeedIndex {
	var out []NeedIndex
	for _, a := range r.Areas {
		if a.HasIndex {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Index != out[j].Index {
			return out[i].Index > out[j].Index
		}
		return out[i].AreaID.String() < out[j].AreaID.String()
	})
	return out
}
