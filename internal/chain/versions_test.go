package chain_test

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// A new boundary set from 1 November 2026 moves the border of Nordstadt and Mitte east from 10.04° to 10.05°,
// so the Familienzentrum (10.045°) lies in Nordstadt from then on, and counts Mitte's children anew. The
// analysis of 1 October still sees the old boundaries; that of 1 December the new ones; indicator values refer
// to the version of their period.
func TestVersionedSozialraeume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := buildScenario(t, s)
		square := func(w, e float64) orb.Polygon {
			return orb.Polygon{{{w, 52.00}, {e, 52.00}, {e, 52.03}, {w, 52.03}, {w, 52.00}}}
		}
		from := catalog.Date{Y: 2026, M: 11, D: 1}
		upload := []region.Area{
			{Key: "01", Name: "Nordstadt", Children: scenarioAreas[0].children, Geometry: square(10.00, 10.05)},
			{Key: "02", Name: "Mitte", Children: region.Children{Age0to2: 450, Age3to5: 400, Age6to9: 600, Age10to15: 800, Age16to20: 700},
				Geometry: square(10.05, 10.08)},
			{Key: "03", Name: "Südstadt", Children: scenarioAreas[2].children, Geometry: square(10.08, 10.12)}, // unchanged
		}
		res, err := s.UpsertAreasFrom(ctx, system, tester, sc.kommune.ID, upload, from)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 2 {
			t.Errorf("upload %+v, want 2 new versions and Südstadt unchanged", res)
		}

		versions, err := s.AreaVersions(ctx, system, sc.kommune.ID)
		if err != nil {
			t.Fatal(err)
		}
		type v struct {
			key      string
			version  int
			from, to string
			current  bool
		}
		want := []v{{"01", 1, "", "2026-10-31", false}, {"01", 2, "2026-11-01", "", true}, {"02", 1, "", "2026-10-31", false},
			{"02", 2, "2026-11-01", "", true}, {"03", 1, "", "", true}}
		str := func(d *catalog.Date) string {
			if d == nil {
				return ""
			}
			return d.String()
		}
		if len(versions) != len(want) {
			t.Fatalf("%d versions, want %d", len(versions), len(want))
		}
		for i, w := range want {
			g := versions[i]
			if got := (v{g.Key, g.Version, str(g.ValidFrom), str(g.ValidTo), g.Current}); got != w {
				t.Errorf("version %d: %+v, want %+v", i, got, w)
			}
		}

		before, err := chain.ForKommune(ctx, s, system, sc.kommune.ID, day, scenarioConfig(sc, 0))
		if err != nil {
			t.Fatal(err)
		}
		after, err := chain.ForKommune(ctx, s, system, sc.kommune.ID, catalog.Date{Y: 2026, M: 12, D: 1}, scenarioConfig(sc, 0))
		if err != nil {
			t.Fatal(err)
		}
		// 1 October: the matrix of the scenario as it was written by hand.
		for _, w := range expectedMatrix[:18] {
			if c, _ := before.Cell(w.area, w.phase, w.field); !near(c.Children, w.children) || c.Supply != w.supply {
				t.Errorf("1 Oct, Area %s %s %s: children %.1f supply %d, want %+v", w.area, w.phase, w.field, c.Children, c.Supply, w)
			}
		}
		if before.Anchors[0].Inside != 0 || before.Anchors[1].Inside != 1 {
			t.Errorf("1 Oct anchors %+v, want the Familienzentrum in Mitte", before.Anchors)
		}
		// 1 December: the Familienzentrum is in Nordstadt, 1.4 km from Mitte's new centre (10.065°), and Mitte
		// has its new children.
		if after.Anchors[0].Inside != 1 || after.Anchors[1].Inside != 0 || after.Anchors[1].Near != 1 {
			t.Errorf("1 Dec anchors %+v, want the Familienzentrum in Nordstadt and near Mitte", after.Anchors)
		}
		if c, _ := after.Cell("02", "age_0_3", "health"); c.Children != 450 {
			t.Errorf("1 Dec, Mitte 0–3: %.0f children, want the new 450", c.Children)
		}
		// The Elterncafé (2) of the Familienzentrum reaches Mitte's new centre (10.065°) 1.4 km away.
		if c, _ := after.Cell("02", "age_0_3", "family_education"); c.Supply != 1 {
			t.Errorf("1 Dec, Mitte 0–3 family education: supply %d, want 1", c.Supply)
		}

		t.Run("indicator values refer to the version of their period", func(t *testing.T) {
			rows := []indicator.Row{
				{Line: 1, Indicator: "sgb2_u15", Region: "01", Period: "2025", Value: 10},
				{Line: 2, Indicator: "sgb2_u15", Region: "02", Period: "2025", Value: 40},
				{Line: 3, Indicator: "sgb2_u15", Region: "03", Period: "2025", Value: 25},
				{Line: 4, Indicator: "sgb2_u15", Region: "01", Period: "2026-11", Value: 12},
			}
			if _, err := s.ApplyIndicatorImport(ctx, system, tester, sc.kommune.AGS, indicator.File{Name: "v.csv", Format: "test", Rows: rows}); err != nil {
				t.Fatal(err)
			}
			vals, err := s.ListIndicatorValues(ctx, system, sc.kommune.ID, store.IndicatorFilter{Indicator: "sgb2_u15", AreasOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, x := range vals {
				got[x.RegionKey+" "+x.Period] = x.AreaVersion
			}
			if got["01 2025"] != 1 || got["01 2026-11"] != 2 || got["02 2025"] != 1 || got["03 2025"] != 1 {
				t.Errorf("area versions of the values: %v", got)
			}
			set := chain.Settings{DistanceKm: 2, NeedIndex: []store.NeedWeight{{Indicator: "sgb2_u15", Weight: 1}}}
			m, err := chain.Run(ctx, s, system, sc.kommune.ID, day, set)
			if err != nil {
				t.Fatal(err)
			}
			// 1 October: the 2026-11 value is measured on Nordstadt's new boundaries and not used; 2025 is.
			if n := m.Need; n.Indicators[0].Period != "2025" || len(n.Areas[0].Components) != 1 || n.Areas[0].Components[0].Value != 10 {
				t.Errorf("1 Oct need %+v", n)
			}
			m, err = chain.Run(ctx, s, system, sc.kommune.ID, catalog.Date{Y: 2026, M: 12, D: 1}, set)
			if err != nil {
				t.Fatal(err)
			}
			// 1 December: only the new Nordstadt has a value on today's boundaries (Südstadt's 2025 value is of an
			// older period); the latest period wins, the others have no index.
			if n := m.Need; n.Indicators[0].Period != "2026-11" || !n.Areas[0].HasIndex || n.Areas[1].HasIndex {
				t.Errorf("1 Dec need %+v", n)
			}
		})

		t.Run("a boundary set cannot begin before the version it replaces", func(t *testing.T) {
			early := []region.Area{upload[0]}
			early[0].Name = "Nordstadt (zu früh)"
			_, err := s.UpsertAreasFrom(ctx, system, tester, sc.kommune.ID, early, catalog.Date{Y: 2026, M: 10, D: 15})
			if !errs.Is(err, errs.Invalid) || errs.As(err).Fields[0].Field != "areas.1.valid_from" {
				t.Fatalf("%v", err)
			}
			// A second upload on the first day corrects that version rather than keeping a version of no day.
			fix := upload[:1]
			fix[0].Name = "Nordstadt (korrigiert)"
			if _, err := s.UpsertAreasFrom(ctx, system, tester, sc.kommune.ID, fix, from); err != nil {
				t.Fatal(err)
			}
			versions, err := s.AreaVersions(ctx, system, sc.kommune.ID)
			if err != nil || len(versions) != 5 || versions[1].Name != "Nordstadt (korrigiert)" || versions[1].Version != 2 {
				t.Errorf("%d versions (%v): %+v", len(versions), err, versions[1])
			}
		})
	})
}
