package generate_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var (
	ctx    = context.Background()
	system = tenant.System()
)

const smallRun = 3000

func offersOf(t *testing.T, s *store.Store, kommuneID uuid.UUID, limit int) ([]catalog.OfferSummary, int) {
	t.Helper()
	list, total, err := s.ListOffers(ctx, system, store.OfferFilter{KommuneID: kommuneID, Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	return list, total
}

func TestGenerate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var bar bytes.Buffer
		res, err := generate.Run(ctx, s, generate.Options{Offers: smallRun, Seed: 7, Progress: &bar, CommitRows: 5000})
		if err != nil {
			t.Fatal(err)
		}
		if res.Kommunen != 401 || res.Offers != smallRun || res.Areas < 4*401 || res.Organizations < smallRun/10 {
			t.Fatalf("result %+v", res)
		}
		if !strings.Contains(bar.String(), "3000/3000") {
			t.Errorf("progress bar did not reach the end: %q", bar.String())
		}
		sums, err := s.ListKommunen(ctx, system)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		byAGS := map[string]region.KommuneSummary{}
		for _, k := range sums {
			total += k.Offers
			byAGS[k.AGS] = k
			if k.Areas < 1 {
				t.Errorf("%s has no Area", k.Name)
			}
		}
		if len(sums) != 401 {
			t.Errorf("%d Kommunen, want 401", len(sums))
		}
		// ListKommunen counts active offers only for the public; the system scope sees all.
		if total != smallRun {
			t.Errorf("%d offers stored, want exactly %d", total, smallRun)
		}
		berlin, zweibruecken, hamburg := byAGS["11000000"], byAGS["07320000"], byAGS["02000000"]
		if berlin.Offers <= zweibruecken.Offers || berlin.Offers <= hamburg.Offers || berlin.Offers < 120 || berlin.Offers > 140 {
			t.Errorf("offers: Berlin %d, Hamburg %d, Zweibrücken %d; want proportional to population (Berlin ≈ 131)",
				berlin.Offers, hamburg.Offers, zweibruecken.Offers)
		}
		if berlin.Type != region.TypeKreisfreieStadt || byAGS["10041000"].Type != region.TypeRegion || byAGS["01051000"].Type != region.TypeLandkreis {
			t.Errorf("types: %s %s %s", berlin.Type, byAGS["10041000"].Type, byAGS["01051000"].Type)
		}
		for _, k := range []region.KommuneSummary{berlin, zweibruecken, byAGS["03241000"], byAGS["09162000"], byAGS["01001000"]} {
			box := generate.Lands[k.LandCode]
			areas, err := s.ListAreas(ctx, system, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			locator := region.NewLocator(areas)
			inKommune := map[uuid.UUID]bool{}
			for _, a := range areas {
				inKommune[a.ID] = true
				if a.Children.Total() <= 0 {
					t.Errorf("%s: no children", a.Name)
				}
			}
			c := areas[0].Geometry.Bound().Center()
			if c.Lat() < box.South || c.Lat() > box.North || c.Lon() < box.West || c.Lon() > box.East {
				t.Errorf("%s: centre %v outside the box of Land %s", k.Name, c, k.LandCode)
			}
			list, n := offersOf(t, s, k.ID, 50)
			if n != k.Offers {
				t.Errorf("%s: %d vs %d offers", k.Name, n, k.Offers)
			}
			for _, sum := range list {
				o, err := s.GetOffer(ctx, system, sum.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := o.Validate(s.Taxonomies()); err != nil {
					t.Errorf("offer %q read back is invalid: %v", o.Name, err)
				}
				for _, lid := range o.LocationIDs {
					l, err := s.GetLocation(ctx, system, lid)
					if err != nil {
						t.Fatal(err)
					}
					if l.AreaID == nil || !inKommune[*l.AreaID] {
						t.Fatalf("location %s has no Area of %s", l.Name, k.Name)
					}
					if got, ok := locator.Locate(l.Latitude, l.Longitude); !ok || got != *l.AreaID {
						t.Errorf("location %s: stored Area %v, point-in-polygon says %v", l.Name, *l.AreaID, got)
					}
				}
			}
		}
		entries, err := s.ListAudit(ctx, system, audit.Filter{Entity: "kommune", Limit: 500})
		if err != nil || len(entries) != 401 { // one per Kommune, none per row
			t.Errorf("audit entries for kommunen: %d, %v", len(entries), err)
		}

		// A second run is refused.
		if _, err := generate.Run(ctx, s, generate.Options{Offers: 10, Seed: 7}); !errs.Is(err, errs.Conflict) {
			t.Errorf("second run: %v, want conflict", err)
		}
	})
}

func TestGenerateIsDeterministic(t *testing.T) {
	d := storetest.Dialects[0]
	run := func(seed uint64) []catalog.OfferSummary {
		s := storetest.Open(t, d)
		if _, err := generate.Run(ctx, s, generate.Options{Offers: 1000, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		k, err := s.GetKommuneByAGS(ctx, system, "11000000")
		if err != nil {
			t.Fatal(err)
		}
		list, _ := offersOf(t, s, k.ID, 500)
		return list
	}
	a, b, c := run(1), run(1), run(2)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("%d vs %d offers", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Name != b[i].Name {
			t.Fatalf("same seed, offer %d differs: %v %q vs %v %q", i, a[i].ID, a[i].Name, b[i].ID, b[i].Name)
		}
	}
	same := 0
	for i := range min(len(a), len(c)) {
		if a[i].ID == c[i].ID {
			same++
		}
	}
	if same > 0 {
		t.Errorf("different seeds share %d ids", same)
	}
}

func TestMalformedDistrictsAreRefused(t *testing.T) {
	good := "AGS;type;name;NUTS3;area_km2;population;population_male;population_female;population_per_km2\n" +
		"01001;Kreisfreie Stadt;Flensburg, Stadt;DEF01;56.73;89504;44599;44905;1578\n"
	cases := map[string]string{
		"columns":    good + "01002;Kreisfreie Stadt;Kiel, Landeshauptstadt;DEF02;118.65;247548\n",
		"population": good + "01002;Kreisfreie Stadt;Kiel, Landeshauptstadt;DEF02;118.65;viele;120566;126982;2086\n",
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for name, csv := range cases {
			_, err := generate.Run(ctx, s, generate.Options{Offers: 100, Seed: 1, Districts: strings.NewReader(csv)})
			e := errs.As(err)
			if e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Data["Line"] != 3 {
				t.Errorf("%s: %v (%+v), want invalid naming line 3", name, err, e.Fields)
			}
			if empty, err := s.IsEmpty(ctx); err != nil || !empty {
				t.Errorf("%s: database written to", name)
			}
			if lands, _ := s.ListLands(ctx); len(lands) != 0 {
				t.Errorf("%s: %d Länder written", name, len(lands))
			}
		}
	})
}

func TestShippedDistricts(t *testing.T) {
	ds, err := generate.ParseDistricts(strings.NewReader(shipped(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 401 {
		t.Fatalf("%d districts, want 401", len(ds))
	}
}

func shipped(t *testing.T) string {
	b, err := os.ReadFile("districts.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkGenerate writes 20,000 offers (all 401 Kreise) into a fresh SQLite database per iteration.
func BenchmarkGenerate(b *testing.B) {
	const n = 20_000
	for b.Loop() {
		b.StopTimer()
		s := storetest.Open(b, store.SQLite)
		b.StartTimer()
		if _, err := generate.Run(ctx, s, generate.Options{Offers: n, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "offers/s")
}
