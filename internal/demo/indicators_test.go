package demo_test

import (
	"testing"

	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// The demo's indicator values: every Sozialraum has them, the child counts are the Areas' own, and the health
// gap Sozialraum has the highest need of its Kommune.
func TestDemoIndicatorsGiveTheGapAreaTheHighestNeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		for _, ags := range agsList {
			k, err := s.GetKommuneByAGS(ctx, system, ags)
			if err != nil {
				t.Fatal(err)
			}
			areas, err := s.ListAreas(ctx, system, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			kids, err := s.ListIndicatorValues(ctx, system, k.ID, store.IndicatorFilter{Indicator: "children_0_2", Period: demo.IndicatorPeriod})
			if err != nil || len(kids) != len(areas) {
				t.Fatalf("%s: %d child counts for %d areas (%v)", ags, len(kids), len(areas), err)
			}
			for i, a := range areas {
				if kids[i].RegionKey != a.Key || int(kids[i].Value) != a.Children.Age0to2 {
					t.Errorf("%s %s: indicator %v, area %d", ags, a.Name, kids[i].Value, a.Children.Age0to2)
				}
			}
			res, got, err := s.NeedIndex(ctx, system, k.ID, indicator.Privacy{}, []store.NeedWeight{
				{Indicator: "sgb2_u15", Weight: 2}, {Indicator: "seu_sprachfoerderung", Weight: 1}, {Indicator: "betreuung_u3", Weight: 1}}, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range res.Areas {
				if !a.HasIndex || a.Incomplete {
					t.Errorf("%s: area %s without complete index", ags, a.AreaID)
				}
			}
			if ags != demo.GapHealthKommuneAGS {
				continue
			}
			top := indicator.RankNeed(res)[0]
			for _, a := range got {
				if a.ID == top.AreaID && a.Name != demo.GapHealthArea {
					t.Fatalf("highest need in Hannover: %s, want %s", a.Name, demo.GapHealthArea)
				}
			}
		}
		series, err := s.ListIndicatorValues(ctx, system, demo.ID("kommune/"+demo.GapHealthKommuneAGS), store.IndicatorFilter{Indicator: "sgb2_u15", AreasOnly: true})
		if err != nil || len(series) != 3*12 {
			t.Fatalf("SGB-II-Quote u15 of Hannover's 12 Sozialräume over three years: %d values (%v)", len(series), err)
		}
	})
}
