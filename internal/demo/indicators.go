package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
)

// IndicatorPeriod is the latest period of the demo's indicator values; the SGB-II-Quote u15 also has the two
// years before, so the time series have something to show.
const IndicatorPeriod = "2025"

// needLevel says how needy a Sozialraum of the demo is: 0 ordinary, 1 one of the Kommune's needy
// Sozialräume, 2 the health gap Sozialraum (Misburg-Anderten), which must top its Kommune's need index.
func needLevel(spec kommuneSpec, a region.Area) int {
	switch {
	case spec.kommune.AGS == GapHealthKommuneAGS && a.Name == GapHealthArea:
		return 2
	case has(spec.needy, a.Name):
		return 1
	}
	return 0
}

// between picks a value in [lo, hi) for the need level from three ranges, rounded to one decimal.
func between(r *rand.Rand, level int, ranges [3][2]float64) float64 {
	lo, hi := ranges[level][0], ranges[level][1]
	return math.Round((lo+(hi-lo)*r.Float64())*10) / 10
}

// loadIndicators writes plausible, deterministic indicator values for every Sozialraum of the demo Kommunen and
// for the Kommunen themselves, through the ordinary import (one transaction and audit entry per Kommune). The
// child counts are the Areas' own, so the indicator values and the gap analysis count the same children.
func loadIndicators(ctx context.Context, s *store.Store) error {
	for i, spec := range kommunen {
		k, err := s.GetKommuneByAGS(ctx, scope, spec.kommune.AGS)
		if err != nil {
			return err
		}
		areas, err := s.ListAreas(ctx, scope, k.ID)
		if err != nil {
			return err
		}
		r := rand.New(rand.NewPCG(Seed, uint64(100+i)))
		var rows []indicator.Row
		add := func(code, regionKey, period string, v float64, count *int64) {
			rows = append(rows, indicator.Row{Line: len(rows) + 1, Indicator: code, Region: regionKey, Period: period, Value: v, Count: count})
		}
		var kidsU15, poorU15 float64
		for _, a := range areas {
			lvl := needLevel(spec, a)
			c := a.Children
			for j, band := range region.AgeBands {
				add(indicator.ChildrenCode(band), a.Key, IndicatorPeriod, float64(c.Bands()[j]), nil)
			}
			u15 := float64(c.Age0to2+c.Age3to5+c.Age6to9) + float64(c.Age10to15)*5/6
			sgb := between(r, lvl, [3][2]float64{{8, 15}, {22, 30}, {36, 40}})
			for back, period := range []string{"2023", "2024", IndicatorPeriod} {
				v := math.Round((sgb-float64(2-back)*0.8*(1+float64(lvl)))*10) / 10
				n := int64(math.Round(v / 100 * u15))
				add("sgb2_u15", a.Key, period, v, &n)
			}
			kidsU15 += u15
			poorU15 += sgb / 100 * u15
			u3 := math.Round(sgb*1.12*10) / 10
			n3 := int64(math.Round(u3 / 100 * float64(c.Age0to2)))
			add("sgb2_u3", a.Key, IndicatorPeriod, u3, &n3)
			u36 := math.Round(sgb*1.05*10) / 10
			n36 := int64(math.Round(u36 / 100 * float64(c.Age3to5)))
			add("sgb2_3_6", a.Key, IndicatorPeriod, u36, &n36)
			add("alleinerziehende_bg", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{7, 12}, {16, 22}, {24, 27}}), nil)
			add("betreuung_u3", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{38, 49}, {24, 32}, {18, 21}}), nil)
			add("betreuung_3_6", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{92, 97}, {84, 89}, {78, 81}}), nil)
			add("seu_sprachfoerderung", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{12, 18}, {28, 36}, {40, 44}}), nil)
			add("seu_uebergewicht", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{7, 10}, {12, 16}, {17, 19}}), nil)
			add("seu_u9", a.Key, IndicatorPeriod, between(r, lvl, [3][2]float64{{88, 94}, {74, 82}, {68, 71}}), nil)
		}
		if kidsU15 > 0 {
			n := int64(math.Round(poorU15))
			add("sgb2_u15", k.AGS, IndicatorPeriod, math.Round(poorU15/kidsU15*1000)/10, &n)
		}
		add("armutsgefaehrdung", k.AGS, IndicatorPeriod, between(r, 0, [3][2]float64{{14, 21}}), nil)
		f := indicator.File{Name: "demo-" + k.AGS, Format: "demo", Encoding: "UTF-8", Rows: rows}
		if _, err := s.ApplyIndicatorImport(ctx, scope, Actor, k.AGS, f); err != nil {
			return fmt.Errorf("demo indicators %s: %w", k.Name, err)
		}
	}
	return nil
}
