package chain_test

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// snapshotDates are days on which different offers of the scenario are valid: offer 5 only from 13 January
// to 31 March 2025, offer 10 from 1 January to 1 October 2026, offer 11 from 2 November 2026.
var snapshotDates = []catalog.Date{
	{Y: 2025, M: 1, D: 12}, {Y: 2025, M: 3, D: 1}, {Y: 2026, M: 1, D: 1}, day, {Y: 2026, M: 10, D: 2}, {Y: 2026, M: 11, D: 15},
}

// The snapshot hands ForAll exactly the sources store.ChainSourceAll reads — for the demo and the scenario,
// on days on which different offers are valid, for the nation, a Land, another Land and one Kommune — so
// ForAll gives the same matrices either way.
func TestSnapshotGivesWhatTheStoreGives(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		sc := buildScenario(t, s)
		// An outreach offer that names its service areas, so they are in the snapshot too.
		org := catalog.Organization{KommuneID: sc.kommune.ID, Name: "Familienbüro", Kind: "familienbuero"}
		must(t, s.CreateOrganization(ctx, system, tester, &org))
		must(t, s.CreateOffer(ctx, system, tester, &catalog.Offer{OrganizationID: org.ID, Name: "Willkommensbesuch",
			Status: catalog.StatusActive, Phases: []string{"age_0_3"}, Fields: []string{"early_help"}, Cost: catalog.CostFree,
			Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOutreach},
			ServiceAreaIDs: []uuid.UUID{sc.areas["03"], sc.areas["01"]}, ValidFrom: &catalog.Date{Y: 2026, M: 2, D: 1}}))

		snap := chain.NewSnapshot(chain.SnapshotOptions{})
		must(t, snap.Build(ctx, s))
		st := snap.Stats()
		if st.Offers == 0 || st.Served == 0 || st.MultiSite == 0 {
			t.Fatalf("snapshot %+v: want offers, some with service areas and some at several locations", st)
		}
		teststadt := map[catalog.Date]int{}
		for _, date := range snapshotDates {
			for _, scope := range []tenant.Scope{system, tenant.Land("03"), tenant.Land("05"), tenant.Kommune(sc.kommune.ID)} {
				n := sameSources(t, s, snap, scope, date)
				if scope.Kind == tenant.KindKommune {
					teststadt[date] = n
				}
			}
			cfg := chain.Config{MinCoverage: 1.5, Need: map[uuid.UUID]float64{sc.areas["02"]: 1.5}}
			sameMatrices(t, s, snap, system, date, cfg)
		}
		// The days must matter, or the test would not show that the snapshot applies the validity.
		counts := map[int]bool{}
		for _, n := range teststadt {
			counts[n] = true
		}
		if len(counts) < 2 {
			t.Errorf("Teststadt's offers by day %v: the days should differ", teststadt)
		}
	})
}

// An edit shows up in the snapshot after a refresh: an offer archived, one published, one replaced with other
// terms and locations, a location moved into another Sozialraum, an organization becoming a Familienzentrum,
// and new boundaries from a later day (whose relocated locations the store logs).
func TestSnapshotFollowsTheChangeLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := buildScenario(t, s)
		snap := chain.NewSnapshot(chain.SnapshotOptions{})
		must(t, snap.Build(ctx, s))
		cfg := scenarioConfig(sc, 2)
		before := matrices(t, snap, day, cfg)
		if n, err := snap.Refresh(ctx); err != nil || n != 0 {
			t.Fatalf("refresh without changes applied %d (%v)", n, err)
		}

		src := readSource(t, s, sc.kommune.AGS, day)
		byName := func(name string) catalog.Offer {
			t.Helper()
			i := slices.IndexFunc(src.Offers, func(o store.ChainOffer) bool { return strings.HasPrefix(o.Name, name) })
			if i < 0 {
				t.Fatalf("no offer %q", name)
			}
			o, err := s.GetOffer(ctx, system, src.Offers[i].ID)
			must(t, err)
			return o
		}
		archived := byName("1 ")
		archived.Status = catalog.StatusInactive
		must(t, s.UpdateOffer(ctx, system, tester, &archived))
		changed := byName("9 ")
		changed.Phases, changed.Fields = []string{"age_0_3"}, []string{"health", "youth_welfare"}
		changed.LocationIDs = append(changed.LocationIDs, byName("6 ").LocationIDs...)
		must(t, s.UpdateOffer(ctx, system, tester, &changed))
		published := byName("2 ")
		published.ID, published.Name = uuid.Nil, "13 Spielgruppe"
		must(t, s.CreateOffer(ctx, system, tester, &published))
		kita, err := s.GetLocation(ctx, system, byName("7 ").LocationIDs[0])
		must(t, err)
		kita.Longitude = 10.06 // from Südstadt into Mitte
		must(t, s.UpdateLocation(ctx, system, tester, &kita))
		praxis, err := s.GetOrganization(ctx, system, byName("3 ").OrganizationID)
		must(t, err)
		praxis.Kind = "familienzentrum"
		must(t, s.UpdateOrganization(ctx, system, tester, &praxis))
		square := func(w, e float64) orb.Polygon {
			return orb.Polygon{{{w, 52.00}, {e, 52.00}, {e, 52.03}, {w, 52.03}, {w, 52.00}}}
		}
		_, err = s.UpsertAreasFrom(ctx, system, tester, sc.kommune.ID, []region.Area{
			{Key: "01", Name: "Nordstadt", Children: scenarioAreas[0].children, Geometry: square(10.00, 10.05)},
			{Key: "02", Name: "Mitte", Children: scenarioAreas[1].children, Geometry: square(10.05, 10.08)},
			{Key: "03", Name: "Südstadt", Children: scenarioAreas[2].children, Geometry: square(10.08, 10.12)},
		}, catalog.Date{Y: 2026, M: 11, D: 1})
		must(t, err)

		later := catalog.Date{Y: 2026, M: 12, D: 1}
		fromStore := matrices(t, s, day, cfg)
		if reflect.DeepEqual(fromStore, before) {
			t.Fatal("the edits changed nothing in the store's matrix; the test would prove nothing")
		}
		if stale := matrices(t, snap, day, cfg); !reflect.DeepEqual(stale, before) {
			t.Error("the snapshot changed before a refresh")
		}
		n, err := snap.Refresh(ctx)
		if err != nil || n == 0 {
			t.Fatalf("refresh applied %d entries (%v)", n, err)
		}
		for _, date := range append(slices.Clone(snapshotDates), later) {
			sameSources(t, s, snap, system, date)
			sameMatrices(t, s, snap, system, date, cfg)
		}
		rebuilt := chain.NewSnapshot(chain.SnapshotOptions{})
		must(t, rebuilt.Build(ctx, s))
		if snap.Len() != rebuilt.Len() {
			t.Errorf("refreshed snapshot holds %d offers, a new build %d", snap.Len(), rebuilt.Len())
		}
		if snap.Position() == 0 {
			t.Error("the snapshot did not move along the change log")
		}
	})
}

// A bulk load (the generator logs one Kommune entry per Kommune) is applied Kommune by Kommune when it is
// small, and by a new build when it is large (the nation's 401 Kreise); either way the snapshot then gives
// what the store gives.
func TestSnapshotAfterBulkLoads(t *testing.T) {
	two := "AGS;type;name;NUTS3;area_km2;population;population_male;population_female;population_per_km2\n" +
		"03101;Kreisfreie Stadt;Braunschweig, Stadt;DE911;192.7;248292;122230;126062;1288\n" +
		"03241;Kreis;Region Hannover;DE929;2297.13;1157624;565609;592015;504\n"
	for _, c := range []struct {
		name      string
		districts string // "" is the shipped list of all Kreise
	}{{"two Kommunen", two}, {"the nation", ""}} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				snap := chain.NewSnapshot(chain.SnapshotOptions{})
				must(t, snap.Build(ctx, s))
				opts := generate.Options{Offers: 800, Seed: 7}
				if c.districts != "" {
					opts.Districts = strings.NewReader(c.districts)
				}
				res, err := generate.Run(ctx, s, opts)
				must(t, err)
				if _, err := snap.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
				rebuilt := chain.NewSnapshot(chain.SnapshotOptions{})
				must(t, rebuilt.Build(ctx, s))
				if snap.Len() == 0 || snap.Len() != rebuilt.Len() || snap.Len() > res.Offers {
					t.Fatalf("snapshot %+v after generating %+v; a new build holds %d offers", snap.Stats(), res, rebuilt.Len())
				}
				sameSources(t, s, snap, system, day)
				sameMatrices(t, s, snap, system, day, chain.Config{})
			})
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sameSources compares the sources of the snapshot and the store, in a canonical order (ChainSourceAll
// promises no order of offers and sites; Name is left out by both), and returns the number of offers.
func sameSources(t *testing.T, s *store.Store, snap *chain.Snapshot, scope tenant.Scope, date catalog.Date) int {
	t.Helper()
	want, got := sources(t, s, scope, date), sources(t, snap, scope, date)
	if len(got) != len(want) {
		t.Fatalf("%v on %s: %d Kommunen from the snapshot, %d from the store", scope, date, len(got), len(want))
	}
	n := 0
	for i := range want {
		n += len(want[i].Offers)
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%v on %s, %s: the snapshot gives %d offers and %d anchors, the store %d and %d%s", scope, date,
				want[i].Kommune.Name, len(got[i].Offers), len(got[i].Anchors), len(want[i].Offers), len(want[i].Anchors),
				firstDifference(got[i], want[i]))
		}
	}
	return n
}

func sources(t *testing.T, src chain.Source, scope tenant.Scope, date catalog.Date) []store.ChainSource {
	t.Helper()
	var out []store.ChainSource
	err := src.ChainSourceAll(ctx, scope, date, func(c store.ChainSource) error {
		slices.SortFunc(c.Offers, func(a, b store.ChainOffer) int { return bytes.Compare(a.ID[:], b.ID[:]) })
		for _, o := range c.Offers {
			slices.SortFunc(o.Sites, func(a, b store.ChainSite) int { return bytes.Compare(a.LocationID[:], b.LocationID[:]) })
		}
		out = append(out, c)
		return nil
	})
	must(t, err)
	return out
}

func firstDifference(got, want store.ChainSource) string {
	for i := range min(len(got.Offers), len(want.Offers)) {
		if !reflect.DeepEqual(got.Offers[i], want.Offers[i]) {
			return "; first different offer: snapshot " + describe(got.Offers[i]) + ", store " + describe(want.Offers[i])
		}
	}
	return ""
}

func describe(o store.ChainOffer) string {
	return o.ID.String() + " " + strings.Join(o.Phases, ",") + "/" + strings.Join(o.Fields, ",") + "/" +
		strings.Join(o.Transitions, ",") + " delivery " + strings.Join(o.Delivery, ",") + " sites " +
		strings.Repeat("•", len(o.Sites)) + " served " + strings.Repeat("•", len(o.ServiceAreas)) + " kind " + o.OrganizationKind
}

func matrices(t *testing.T, src chain.Source, date catalog.Date, cfg chain.Config) []chain.Matrix {
	t.Helper()
	return scopedMatrices(t, src, system, date, cfg)
}

func scopedMatrices(t *testing.T, src chain.Source, scope tenant.Scope, date catalog.Date, cfg chain.Config) []chain.Matrix {
	t.Helper()
	var out []chain.Matrix
	must(t, chain.ForAll(ctx, src, scope, date, cfg, func(m chain.Matrix) error {
		out = append(out, m)
		return nil
	}))
	return out
}

func sameMatrices(t *testing.T, s *store.Store, snap *chain.Snapshot, scope tenant.Scope, date catalog.Date, cfg chain.Config) {
	t.Helper()
	want, got := scopedMatrices(t, s, scope, date, cfg), scopedMatrices(t, snap, scope, date, cfg)
	if len(want) == 0 {
		t.Fatalf("%s: no Kommune analysed", date)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%s, %s: the snapshot's matrix has %d gaps, the store's %d", date, want[i].Kommune.Name, len(got[i].Gaps), len(want[i].Gaps))
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d matrices from the snapshot, %d from the store", date, len(got), len(want))
		}
	}
}
