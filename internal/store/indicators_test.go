package store_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/indicator"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// indicatorFile parses a fixture of the indicator package.
func indicatorFile(t *testing.T, name string) indicator.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "indicator", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return parsedFile(t, name, data)
}

func parsedFile(t *testing.T, name string, data []byte) indicator.File {
	t.Helper()
	f, probs := indicator.Parse(name, data, indicator.Catalogue())
	if len(probs) > 0 {
		t.Fatalf("%s: %+v", name, probs)
	}
	return f
}

// threeAreas is Braunschweig (03101000) with the Sozialräume 01–03 of the fixtures and Oldenburg (03403000).
func threeAreas(t *testing.T, s *store.Store) (bs, ol fixture, areas []region.Area) {
	t.Helper()
	bs = seed(t, s, "03101000", "031010000000", 52.27, 10.52)
	ol = seed(t, s, "03403000", "034030000000", 53.14, 8.21)
	for i, name := range []string{"Südstadt", "Weststadt"} {
		a := region.Area{KommuneID: bs.kommune.ID, Key: "0" + string(rune('2'+i)), Name: name,
			Geometry: square(52.20-0.05*float64(i), 10.40, 0.01), Children: region.Children{Age0to2: 50}}
		if err := s.CreateArea(ctx, system, tester, &a); err != nil {
			t.Fatal(err)
		}
	}
	areas, err := s.ListAreas(ctx, system, bs.kommune.ID)
	if err != nil || len(areas) != 3 {
		t.Fatalf("areas: %v %v", areas, err)
	}
	return bs, ol, areas
}

func indicatorAuditCount(t *testing.T, s *store.Store) int {
	t.Helper()
	entries, err := s.ListAudit(ctx, system, audit.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestIndicatorCatalogueIsSeededAtMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		got, err := s.ListIndicators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := indicator.Catalogue()
		if len(got) != len(want) {
			t.Fatalf("%d indicators stored, %d built in", len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Code != w.Code || g.NameDE != w.NameDE || g.Polarity != w.Polarity || g.Kind != w.Kind || g.Licence != w.Licence ||
				len(g.Levels) != len(w.Levels) || g.AgeBand != w.AgeBand {
				t.Errorf("stored %+v, built in %+v", g, w)
			}
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if _, err := s.GetIndicator(ctx, "gibt_es_nicht"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown indicator: %v", err)
		}
	})
}

func TestIndicatorImportIsPreviewedThenAppliedWithAnAuditEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, _, areas := threeAreas(t, s)
		coord := tenant.Kommune(bs.kommune.ID)
		f := indicatorFile(t, "sozialraeume.csv")
		before := indicatorAuditCount(t, s)

		p, err := s.PreviewIndicatorImport(ctx, coord, bs.kommune.AGS, f)
		if err != nil || p.Err() != nil {
			t.Fatalf("preview: %v %v", err, p.Problems)
		}
		if p.New != 7 || p.Changed != 0 || p.Missing != 2 {
			t.Fatalf("preview counts: new %d changed %d missing %d", p.New, p.Changed, p.Missing)
		}
		if vals, _ := s.ListIndicatorValues(ctx, coord, bs.kommune.ID, store.IndicatorFilter{}); len(vals) != 0 || indicatorAuditCount(t, s) != before {
			t.Fatalf("the preview wrote something: %d values", len(vals))
		}

		p, err = s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, f)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := s.ListIndicatorValues(ctx, coord, bs.kommune.ID, store.IndicatorFilter{Indicator: "sgb2_u15"})
		if err != nil {
			t.Fatal(err)
		}
		if len(vals) != 3 || vals[0].RegionKey != "01" || vals[0].Value != 34.2 || *vals[0].Count != 412 ||
			vals[0].RegionName != areas[0].Name || vals[2].RegionKey != "03" || *vals[2].Count != 2 || vals[1].AreaVersion != 1 {
			t.Fatalf("SGB-II values: %+v", vals)
		}
		entries, err := s.ListAudit(ctx, coord, audit.Filter{Entity: "indicator_import"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit of the import: %+v %v", entries, err)
		}
		var logged struct {
			File   string           `json:"file"`
			New    int              `json:"new"`
			Values []map[string]any `json:"values"`
		}
		if err := json.Unmarshal(entries[0].After, &logged); err != nil || logged.File != "sozialraeume.csv" || logged.New != 7 ||
			len(logged.Values) != 7 {
			t.Fatalf("audit entry: %s %v", entries[0].After, err)
		}
		// The child counts of a Sozialraum reach the Area, which the gap analysis reads.
		a, err := s.GetArea(ctx, coord, areas[0].ID)
		if err != nil || a.Children.Age0to2 != 1240 || a.Children.Age3to5 != bs.area.Children.Age3to5 || a.Version != 1 {
			t.Fatalf("area after import: %+v %v", a.Children, err)
		}

		// The same file again changes nothing; a corrected value is one change.
		if p, err = s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, f); err != nil || p.Unchanged != 7 || p.New+p.Changed != 0 {
			t.Fatalf("second import: %+v %v", p, err)
		}
		fixed := parsedFile(t, "korrektur.csv", []byte("Sozialraum;Jahr;SGB-II-Quote u15\n02;2024;12,5\n"))
		if p, err = s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, fixed); err != nil || p.Changed != 1 || p.Rows[0].Old.Value != 12 {
			t.Fatalf("correction: %+v %v", p, err)
		}
		vals, _ = s.ListIndicatorValues(ctx, coord, bs.kommune.ID, store.IndicatorFilter{Indicator: "sgb2_u15", Period: "2024"})
		if vals[1].Value != 12.5 || vals[1].Count != nil {
			t.Fatalf("corrected value: %+v", vals[1])
		}
	})
}

func TestABrokenFileChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, _, _ := threeAreas(t, s)
		coord := tenant.Kommune(bs.kommune.ID)
		if _, err := s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, indicatorFile(t, "sozialraeume.csv")); err != nil {
			t.Fatal(err)
		}
		valuesBefore, _ := s.ListIndicatorValues(ctx, coord, bs.kommune.ID, store.IndicatorFilter{})
		auditBefore := indicatorAuditCount(t, s)
		// Each file has a valid first row that would change a stored value, then a broken one.
		for _, c := range []struct{ file, where string }{
			{"broken_unknown_region.csv", "Zeile 3, Spalte 1 (Sozialraum)"},
			{"broken_duplicate.csv", "Zeile 4, Spalte 3 (SGB-II-Quote u15)"},
		} {
			f := indicatorFile(t, c.file)
			_, err := s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, f)
			e := errs.As(err)
			if e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != c.where {
				t.Fatalf("%s: %v", c.file, err)
			}
		}
		valuesAfter, _ := s.ListIndicatorValues(ctx, coord, bs.kommune.ID, store.IndicatorFilter{})
		if len(valuesAfter) != len(valuesBefore) {
			t.Fatalf("%d values before, %d after", len(valuesBefore), len(valuesAfter))
		}
		for i := range valuesBefore {
			if valuesBefore[i].Value != valuesAfter[i].Value {
				t.Errorf("value %+v changed to %+v", valuesBefore[i], valuesAfter[i])
			}
		}
		if indicatorAuditCount(t, s) != auditBefore {
			t.Fatal("a refused import left an audit entry")
		}
	})
}

func TestIndicatorValuesStayInTheirTenant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, ol, _ := threeAreas(t, s)
		f := indicatorFile(t, "sozialraeume.csv")
		other := tenant.Kommune(ol.kommune.ID)
		if _, err := s.ApplyIndicatorImport(ctx, other, tester, bs.kommune.AGS, f); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Oldenburg imports into Braunschweig: %v", err)
		}
		if _, err := s.ApplyIndicatorImport(ctx, tenant.Kommune(bs.kommune.ID), tester, bs.kommune.AGS, f); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ListIndicatorValues(ctx, other, bs.kommune.ID, store.IndicatorFilter{}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Oldenburg reads Braunschweig: %v", err)
		}
		if _, err := s.IndicatorSeries(ctx, other, bs.kommune.ID, nil, "sgb2_u15"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Oldenburg reads Braunschweig's series: %v", err)
		}
		if _, err := s.ListIndicatorValues(ctx, tenant.Public(), bs.kommune.ID, store.IndicatorFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the public reads raw values: %v", err)
		}
		readOnly := tenant.Kommune(bs.kommune.ID)
		readOnly.ReadOnly = true
		if _, err := s.ApplyIndicatorImport(ctx, readOnly, tester, bs.kommune.AGS, f); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a read-only scope imports: %v", err)
		}
		if vals, err := s.ListIndicatorValues(ctx, tenant.Land("03"), bs.kommune.ID, store.IndicatorFilter{}); err != nil || len(vals) != 7 {
			t.Fatalf("the Land reads its Kommune: %d %v", len(vals), err)
		}
		// A Kommune-level file naming another Kommune's AGS is refused for a Kommune scope.
		own := parsedFile(t, "k.csv", []byte("AGS;Jahr;Armutsgefährdungsquote\n03403000;2023;18,9\n"))
		if _, err := s.ApplyIndicatorImport(ctx, tenant.Kommune(bs.kommune.ID), tester, "", own); !errs.Is(err, errs.Invalid) {
			t.Fatalf("Braunschweig writes Oldenburg's value: %v", err)
		}
	})
}

func TestRegionaldatenbankTableImportsTheKnownKommunenAndATimeSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, ol, _ := threeAreas(t, s)
		p, err := s.ApplyIndicatorImport(ctx, system, tester, "", indicatorFile(t, "regionaldatenbank_22541.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if p.New != 3 || p.Skipped != 6 || p.Missing != 1 {
			t.Fatalf("new %d skipped %d missing %d", p.New, p.Skipped, p.Missing)
		}
		older := parsedFile(t, "alt.csv", []byte("AGS;Jahr;Betreuungsquote u3\n03101000;2022;35,0\n03101000;2023;36,4\n"))
		if _, err := s.ApplyIndicatorImport(ctx, system, tester, "", older); err != nil {
			t.Fatal(err)
		}
		series, err := s.IndicatorSeries(ctx, tenant.Kommune(bs.kommune.ID), bs.kommune.ID, nil, "betreuung_u3")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range series {
			got = append(got, v.Period+"="+indicator.FormatGerman(v.Value, 1))
		}
		if strings.Join(got, " ") != "2022=35 2023=36,4 2024=37,9" {
			t.Fatalf("series %v", got)
		}
		olVals, err := s.ListIndicatorValues(ctx, tenant.Kommune(ol.kommune.ID), ol.kommune.ID, store.IndicatorFilter{})
		if err != nil || len(olVals) != 1 || olVals[0].Value != 41.2 || olVals[0].AreaID != nil || olVals[0].RegionKey != "03403000" {
			t.Fatalf("Oldenburg: %+v %v", olVals, err)
		}
	})
}

// The need index from stored values: the hand-computed example of the indicator package, with a suppressed
// value counting as missing.
func TestNeedIndexFromStoredValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, _, areas := threeAreas(t, s)
		coord := tenant.Kommune(bs.kommune.ID)
		f := parsedFile(t, "bedarf.csv", []byte(`Sozialraum;Jahr;SGB-II-Quote u15;SGB-II-Quote u15 (Zähler);Sprachförderbedarf
01;2023;99,0;500;99,0
01;2024;10,0;100;30,0
02;2024;20,0;200;10,0
03;2024;30,0;300;20,0
`))
		if _, err := s.ApplyIndicatorImport(ctx, coord, tester, bs.kommune.AGS, f); err != nil {
			t.Fatal(err)
		}
		weights := []store.NeedWeight{{Indicator: "sgb2_u15", Weight: 1}, {Indicator: "seu_sprachfoerderung", Weight: 1}}
		res, got, err := s.NeedIndex(ctx, coord, bs.kommune.ID, indicator.Privacy{}, weights, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].ID != areas[0].ID {
			t.Fatalf("areas %+v", got)
		}
		want := []float64{0, -0.61237, 0.61237} // see indicator.TestNeedIndexByHand
		for i, w := range want {
			if math.Abs(res.Areas[i].Index-w) > 1e-4 {
				t.Errorf("area %s: index %v, want %v", areas[i].Key, res.Areas[i].Index, w)
			}
		}
		if res.Formula != "Bedarfsindex = 0,5 × z(SGB-II-Quote u15) + 0,5 × z(Sprachförderbedarf)" {
			t.Fatalf("formula %q", res.Formula)
		}
		// With a minimum cell size of 250, the SGB-II-Quote of 01 and 02 is suppressed and leaves the index.
		res, _, err = s.NeedIndex(ctx, coord, bs.kommune.ID, indicator.Privacy{MinCell: 250}, weights, "2024")
		if err != nil {
			t.Fatal(err)
		}
		if !res.Areas[0].Incomplete || res.Areas[0].Missing[0] != "sgb2_u15" || res.Areas[2].Incomplete {
			t.Fatalf("suppressed values in the index: %+v", res.Areas)
		}
		if _, _, err := s.NeedIndex(ctx, coord, bs.kommune.ID, indicator.Privacy{}, []store.NeedWeight{{Indicator: "quatsch", Weight: 1}}, ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown indicator in the index: %v", err)
		}
	})
}

func TestGENESISFlatFileImportsChildCountsOfTheKnownKommunen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs, ol, _ := threeAreas(t, s)
		p, err := s.ApplyIndicatorImport(ctx, tenant.Land("03"), tester, "", indicatorFile(t, "genesis_flat_12411.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if p.New != 5 || p.Skipped != 3 || p.Ignored != 15 || p.Missing != 1 {
			t.Fatalf("new %d skipped %d ignored %d missing %d", p.New, p.Skipped, p.Ignored, p.Missing)
		}
		vals, err := s.ListIndicatorValues(ctx, system, ol.kommune.ID, store.IndicatorFilter{Period: "2023-12-31"})
		if err != nil || len(vals) != 2 || vals[0].Indicator != "children_0_2" || vals[0].Value != 4710 || vals[0].AreaID != nil {
			t.Fatalf("Oldenburg: %+v %v", vals, err)
		}
		// Counts of a whole Kommune do not touch its Sozialräume.
		a, _ := s.GetArea(ctx, system, bs.area.ID)
		if a.Children != bs.area.Children {
			t.Fatalf("area changed by Kommune counts: %+v", a.Children)
		}
	})
}
