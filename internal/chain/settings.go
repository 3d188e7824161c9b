package chain

import (
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/store"
)

// Settings are the thresholds and the need index a coordinator chooses for an analysis. They travel in the
// address of the chain page (a GET form), so an analysis can be bookmarked and handed on.
type Settings struct {
	DistanceKm  float64
	MinCoverage float64
	// NeedIndex are the indicators of the Bedarfsindex and their weights; empty: every Area weighs 1.
	NeedIndex []store.NeedWeight
	// Privacy suppresses small counts among the index's values (the server's minimum cell size); not a
	// query parameter.
	Privacy indicator.Privacy
}

// DefaultSettings are the settings of an analysis nobody adjusted: DefaultDistanceKm, only cells without
// any offer are gaps, and DefaultNeedIndex.
func DefaultSettings() Settings {
	return Settings{DistanceKm: DefaultDistanceKm, NeedIndex: DefaultNeedIndex()}
}

// The query parameters of the settings.
const (
	ParamDistance    = "abstand"          // km
	ParamMinCoverage = "mindestabdeckung" // offers per 1,000 children
	ParamWeight      = "gewicht_"         // + indicator code: its weight in the need index; empty or 0: not used
)

// Limits of the settings: beyond them an analysis says nothing useful about a Sozialraum.
const (
	MaxDistanceKm  = 50
	MaxMinCoverage = 1000
	MaxNeedWeight  = 10
)

// NeedIndicators are the indicators a need index may use: those published for Sozialräume, except the child
// counts, which are the demand itself rather than a sign of need.
func NeedIndicators(cat []indicator.Indicator) []indicator.Indicator {
	var out []indicator.Indicator
	for _, ind := range cat {
		if ind.HasLevel(indicator.LevelArea) && ind.Kind != indicator.KindCount {
			out = append(out, ind)
		}
	}
	return out
}

// ParseSettings reads the settings from a query. Missing parameters keep their defaults; when no weight is
// sent at all the default need index holds, and when weights are sent (the form sends one per indicator),
// exactly the indicators with a weight above 0 form the index. Numbers may have a decimal comma. Every bad
// value is reported on its own parameter.
func ParseSettings(q url.Values, cat []indicator.Indicator) (Settings, error) {
	set := DefaultSettings()
	var v errs.Validation
	number := func(name string, max float64, target *float64) {
		raw := strings.TrimSpace(q.Get(name))
		if raw == "" {
			return
		}
		f, ok := parseNumber(raw)
		switch {
		case !ok:
			v.Add(name, "chainview.settings.not_a_number", map[string]any{"Value": raw})
		case f < 0 || f > max:
			v.Add(name, "chainview.settings.range", map[string]any{"Value": raw, "Max": max})
		default:
			*target = f
		}
	}
	number(ParamDistance, MaxDistanceKm, &set.DistanceKm)
	number(ParamMinCoverage, MaxMinCoverage, &set.MinCoverage)
	sent := false
	var weights []store.NeedWeight
	for _, ind := range NeedIndicators(cat) {
		name := ParamWeight + ind.Code
		if _, ok := q[name]; !ok {
			continue
		}
		sent = true
		w := 0.0
		number(name, MaxNeedWeight, &w)
		if w > 0 {
			weights = append(weights, store.NeedWeight{Indicator: ind.Code, Weight: w})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if code, ok := strings.CutPrefix(name, ParamWeight); ok && !isNeedIndicator(cat, code) {
			v.Add(name, "validation.unknown_code", map[string]any{"Value": code})
		}
	}
	if sent {
		set.NeedIndex = weights
	}
	if set.DistanceKm == 0 {
		set.DistanceKm = DefaultDistanceKm // 0 km would reach no Area but one's own; the Config reads 0 as the default too
	}
	return set, v.Err()
}

func isNeedIndicator(cat []indicator.Indicator, code string) bool {
	for _, ind := range NeedIndicators(cat) {
		if ind.Code == code {
			return true
		}
	}
	return false
}

// parseNumber reads 2, 2.5 or 2,5.
func parseNumber(s string) (float64, bool) {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Query writes the settings as query parameters, the way ParseSettings reads them back: every need indicator
// with its weight (0 for those not used), so the address says exactly which index was used.
func (set Settings) Query(cat []indicator.Indicator) url.Values {
	q := url.Values{}
	q.Set(ParamDistance, strconv.FormatFloat(set.DistanceKm, 'f', -1, 64))
	q.Set(ParamMinCoverage, strconv.FormatFloat(set.MinCoverage, 'f', -1, 64))
	for _, ind := range NeedIndicators(cat) {
		w := 0.0
		for _, n := range set.NeedIndex {
			if n.Indicator == ind.Code {
				w = n.Weight
			}
		}
		q.Set(ParamWeight+ind.Code, strconv.FormatFloat(w, 'f', -1, 64))
	}
	return q
}

// Weight is the weight of an indicator in the need index, 0 when it is not used.
func (set Settings) Weight(code string) float64 {
	for _, n := range set.NeedIndex {
		if n.Indicator == code {
			return n.Weight
		}
	}
	return 0
}

// Config is the analysis' config of these settings with the need weights of the Areas.
func (set Settings) Config(need Need) Config {
	return Config{DistanceKm: set.DistanceKm, MinCoverage: set.MinCoverage, Need: need.Weights()}
}
