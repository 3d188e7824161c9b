package chain_test

import (
	"context"
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var (
	ctx    = context.Background()
	tester = audit.System("test")
	system = tenant.System()
	day    = catalog.Date{Y: 2026, M: 10, D: 1} // the reference date of the scenario
)

// The scenario: Teststadt with three square Sozialräume side by side, west to east, each 0.04° of longitude
// (2.74 km at 52° N) by 0.03° of latitude (3.34 km), so their centres lie 2.74 km apart:
//
//	01 Nordstadt  10.00–10.04° E, centre (10.02, 52.015)
//	02 Mitte      10.04–10.08° E, centre (10.06, 52.015), need weight 1.5
//	03 Südstadt   10.08–10.12° E, centre (10.10, 52.015)
//
// The locations, and their distance to the centres other than their own Area's (the reach is 2 km):
//
//	praxis   (10.020, 52.020) in Nordstadt; 2.80 km from Mitte's centre
//	beratung (10.005, 52.015) in Nordstadt; 3.77 km from Mitte's
//	fz       (10.045, 52.015) in Mitte, a Familienzentrum; 1.71 km from Nordstadt's centre: it serves Nordstadt too
//	amt      (10.060, 52.005) in Mitte, the Gesundheitsamt; 2.96 km from Nordstadt's and Südstadt's
//	hebamme  (10.110, 52.025) in Südstadt; 3.43 km from Mitte's
//	kita     (10.100, 52.010) in Südstadt; 2.80 km from Mitte's
var scenarioAreas = []struct {
	key, name string
	west      float64
	children  region.Children
}{
	{"01", "Nordstadt", 10.00, region.Children{Age0to2: 1200, Age3to5: 1080, Age6to9: 1500, Age10to15: 2100, Age16to20: 1800}},
	{"02", "Mitte", 10.04, region.Children{Age0to2: 600, Age3to5: 540, Age6to9: 800, Age10to15: 1100, Age16to20: 1000}},
	{"03", "Südstadt", 10.08, region.Children{Age0to2: 900, Age3to5: 300, Age6to9: 400, Age10to15: 560, Age16to20: 500}},
}

type scenario struct {
	kommune region.Kommune
	areas   map[string]uuid.UUID // key → id
}

// buildScenario writes the scenario through the ordinary store methods.
func buildScenario(t *testing.T, s *store.Store) scenario {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.UpsertLand(ctx, tester, region.Land{Code: "03", Name: "Niedersachsen"}))
	sc := scenario{kommune: region.Kommune{AGS: "03999123", ARS: "039990000123", Name: "Teststadt",
		Type: region.TypeKreisfreieStadt, LandCode: "03"}, areas: map[string]uuid.UUID{}}
	must(s.CreateKommune(ctx, tester, &sc.kommune))
	for _, a := range scenarioAreas {
		w, e := a.west, a.west+0.04
		ar := region.Area{KommuneID: sc.kommune.ID, Key: a.key, Name: a.name, Children: a.children,
			Geometry: orb.Polygon{{{w, 52.00}, {e, 52.00}, {e, 52.03}, {w, 52.03}, {w, 52.00}}}}
		must(s.CreateArea(ctx, system, tester, &ar))
		sc.areas[a.key] = ar.ID
	}
	site := func(kind, name string, lon, lat float64) (uuid.UUID, uuid.UUID) {
		org := catalog.Organization{KommuneID: sc.kommune.ID, Name: name, Kind: kind}
		must(s.CreateOrganization(ctx, system, tester, &org))
		loc := catalog.Location{OrganizationID: org.ID, Name: name, Address1: "Hauptstraße 1", PostalCode: "30159",
			City: "Teststadt", Latitude: lat, Longitude: lon}
		must(s.CreateLocation(ctx, system, tester, &loc))
		return org.ID, loc.ID
	}
	praxis, praxisLoc := site("kinderarztpraxis", "Kinderarztpraxis Dr. Meyer", 10.020, 52.020)
	beratung, beratungLoc := site("beratungsstelle", "Erziehungsberatungsstelle", 10.005, 52.015)
	fz, fzLoc := site("familienzentrum", "Familienzentrum Mitte", 10.045, 52.015)
	amt, amtLoc := site("gesundheitsamt", "Gesundheitsamt", 10.060, 52.005)
	hebamme, hebammeLoc := site("hebamme", "Hebammenpraxis Südstadt", 10.110, 52.025)
	kita, kitaLoc := site("kita", "Kita Südstadt", 10.100, 52.010)

	d := func(y, m, dd int) *catalog.Date { return &catalog.Date{Y: y, M: m, D: dd} }
	offers := []struct {
		org         uuid.UUID
		name        string
		phases      []string
		fields      []string
		transitions []string
		delivery    string
		status      string
		from, to    *catalog.Date
		locs        []uuid.UUID
	}{
		{praxis, "1 Vorsorgeuntersuchungen", []string{"age_0_3", "age_3_6"}, []string{"health"}, nil, "", "", nil, nil, []uuid.UUID{praxisLoc}},
		{fz, "2 Elterncafé", []string{"age_0_3", "age_3_6"}, []string{"family_education"}, nil, "", "", nil, nil, []uuid.UUID{fzLoc}},
		{hebamme, "3 Hebammensprechstunde", []string{"pregnancy", "age_0_3"}, []string{"health"}, nil, "", "", nil, nil, []uuid.UUID{hebammeLoc}},
		// outreach: counts in every Area although its only location is in Mitte
		{amt, "4 Familienhebamme (aufsuchend)", []string{"pregnancy", "age_0_3"}, []string{"health", "early_help"}, nil,
			catalog.DeliveryOutreach, "", nil, nil, []uuid.UUID{amtLoc}},
		// valid only in the past: does not count on the reference date
		{hebamme, "5 Geburtsvorbereitung 2025", []string{"pregnancy"}, []string{"health", "family_education"}, nil, "", "",
			d(2025, 1, 13), d(2025, 3, 31), []uuid.UUID{hebammeLoc}},
		{kita, "6 Vorschulgruppe", []string{"age_3_6"}, []string{"education"}, []string{"kita_school"}, "", "", nil, nil, []uuid.UUID{kitaLoc}},
		{kita, "7 Krippe und Eingewöhnung", []string{"age_0_3"}, []string{"youth_welfare"}, []string{"family_kita"}, "", "", nil, nil, []uuid.UUID{kitaLoc}},
		// inactive: does not count
		{fz, "8 Babymassage", []string{"age_0_3"}, []string{"health"}, nil, "", catalog.StatusInactive, nil, nil, []uuid.UUID{fzLoc}},
		{beratung, "9 Erziehungsberatung", []string{"age_3_6", "age_6_10"}, []string{"family_education"}, nil, "", "", nil, nil, []uuid.UUID{beratungLoc}},
		// valid up to and including the reference date: counts
		{amt, "10 Säuglingssprechstunde", []string{"age_0_3"}, []string{"health"}, nil, "", "", d(2026, 1, 1), d(2026, 10, 1), []uuid.UUID{amtLoc}},
		// starts after the reference date: does not count
		{fz, "11 Elternkurs ab November", []string{"age_3_6"}, []string{"family_education"}, nil, "", "", d(2026, 11, 2), nil, []uuid.UUID{fzLoc}},
		// two locations that both serve Nordstadt: still one offer there
		{beratung, "12 Starke Eltern – starke Kinder", []string{"age_3_6"}, []string{"family_education"}, nil, "", "", nil, nil,
			[]uuid.UUID{beratungLoc, fzLoc}},
	}
	for _, o := range offers {
		off := catalog.Offer{OrganizationID: o.org, Name: o.name, Status: catalog.StatusActive, Phases: o.phases, Fields: o.fields,
			Transitions: o.transitions, Cost: catalog.CostFree, Access: catalog.AccessOpen,
			Delivery: []string{catalog.DeliveryOnSite}, ValidFrom: o.from, ValidTo: o.to, LocationIDs: o.locs}
		if o.delivery != "" {
			off.Delivery = []string{o.delivery, catalog.DeliveryPhone}
		}
		if o.status != "" {
			off.Status = o.status
		}
		must(s.CreateOffer(ctx, system, tester, &off))
	}
	return sc
}

// scenarioConfig restricts the matrix to the part the scenario is about, with Mitte's need at 1.5.
func scenarioConfig(sc scenario, minCoverage float64) chain.Config {
	return chain.Config{MinCoverage: minCoverage, Need: map[uuid.UUID]float64{sc.areas["02"]: 1.5},
		Phases: []string{"pregnancy", "age_0_3", "age_3_6"}, Fields: []string{"health", "family_education"},
		Transitions: []string{"family_kita", "kita_school"}}
}

// expectedCell is a cell of the matrix worked out by hand.
type expectedCell struct {
	area, phase, field string // field is the transition code for transition rows (phase empty)
	children, need     float64
	supply             int
	coverage           float64 // per 1,000 children
}

// The matrix by hand. Offers valid on the day: 1, 2, 3, 4, 6, 7, 9, 10, 12 (5 is past, 8 inactive, 11 future).
// They serve: 1 → 01; 2 → 01 (1.71 km), 02; 3 → 03; 4 → all (outreach); 6, 7 → 03; 9 → 01; 10 → 02; 12 → 01, 02.
// Children: pregnancy (0–2 months) = 3/36 of the 0–2-year-olds; 0–3 = the 0–2 band; 3–6 = the 3–5 band;
// Familie → Kita = 0–5 years; Kita → Grundschule = 3–9 years.
var expectedMatrix = []expectedCell{
	{"01", "pregnancy", "health", 100, 1, 1, 10},               // 4
	{"01", "pregnancy", "family_education", 100, 1, 0, 0},      //
	{"01", "age_0_3", "health", 1200, 1, 2, 1.6667},            // 1, 4
	{"01", "age_0_3", "family_education", 1200, 1, 1, 0.8333},  // 2
	{"01", "age_3_6", "health", 1080, 1, 1, 0.9259},            // 1
	{"01", "age_3_6", "family_education", 1080, 1, 3, 2.7778},  // 2, 9, 12
	{"02", "pregnancy", "health", 50, 1.5, 1, 20},              // 4
	{"02", "pregnancy", "family_education", 50, 1.5, 0, 0},     //
	{"02", "age_0_3", "health", 600, 1.5, 2, 3.3333},           // 4, 10
	{"02", "age_0_3", "family_education", 600, 1.5, 1, 1.6667}, // 2
	{"02", "age_3_6", "health", 540, 1.5, 0, 0},                //
	{"02", "age_3_6", "family_education", 540, 1.5, 2, 3.7037}, // 2, 12
	{"03", "pregnancy", "health", 75, 1, 2, 26.6667},           // 3, 4
	{"03", "pregnancy", "family_education", 75, 1, 0, 0},       //
	{"03", "age_0_3", "health", 900, 1, 2, 2.2222},             // 3, 4
	{"03", "age_0_3", "family_education", 900, 1, 0, 0},        //
	{"03", "age_3_6", "health", 300, 1, 0, 0},                  //
	{"03", "age_3_6", "family_education", 300, 1, 0, 0},        //
	{"01", "", "family_kita", 2280, 1, 0, 0},                   //
	{"01", "", "kita_school", 2580, 1, 0, 0},                   //
	{"02", "", "family_kita", 1140, 1.5, 0, 0},                 //
	{"02", "", "kita_school", 1340, 1.5, 0, 0},                 //
	{"03", "", "family_kita", 1200, 1, 1, 0.8333},              // 7
	{"03", "", "kita_school", 700, 1, 1, 1.4286},               // 6
}

// expectedGap is a ranked gap by hand: its unmet demand and its sentence.
type expectedGap struct {
	unmet    float64
	sentence string
}

// Only cells without any offer are gaps (MinCoverage 0); unmet = children × need. The tie at 75 goes to the
// smaller Area key, the tie at 300 keeps the matrix order (health before family_education).
var expectedGaps = []expectedGap{
	{2580, "Nordstadt: kein Angebot für den Übergang Kita → Grundschule; 2.580 Kinder von 3 bis 9 Jahren."},
	{2280, "Nordstadt: kein Angebot für den Übergang Familie → Kita; 2.280 Kinder von 0 bis 5 Jahren."},
	{2010, "Mitte: kein Angebot für den Übergang Kita → Grundschule; 1.340 Kinder von 3 bis 9 Jahren."},
	{1710, "Mitte: kein Angebot für den Übergang Familie → Kita; 1.140 Kinder von 0 bis 5 Jahren."},
	{900, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 0–3-Jährige; 900 Kinder."},
	{810, "Mitte: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 540 Kinder."},
	{300, "Südstadt: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 300 Kinder."},
	{300, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 3–6-Jährige; 300 Kinder."},
	{100, "Nordstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 100 Kinder."},
	{75, "Mitte: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 50 Kinder."},
	{75, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 75 Kinder."},
}

// With a minimum coverage of 2 offers per 1,000 children (3 in Mitte, need 1.5), cells with offers below it
// join; their unmet demand is children × need − supply × 1,000 / 2.
var expectedGapsMin2 = []expectedGap{
	{2580, "Nordstadt: kein Angebot für den Übergang Kita → Grundschule; 2.580 Kinder von 3 bis 9 Jahren."},
	{2280, "Nordstadt: kein Angebot für den Übergang Familie → Kita; 2.280 Kinder von 0 bis 5 Jahren."},
	{2010, "Mitte: kein Angebot für den Übergang Kita → Grundschule; 1.340 Kinder von 3 bis 9 Jahren."},
	{1710, "Mitte: kein Angebot für den Übergang Familie → Kita; 1.140 Kinder von 0 bis 5 Jahren."},
	{900, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 0–3-Jährige; 900 Kinder."},
	{810, "Mitte: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 540 Kinder."},
	{700, "Nordstadt: nur 1 Angebot im Handlungsfeld Familienbildung & Beratung für 0–3-Jährige (0,8 je 1.000 Kinder, Ziel 2,0); 1.200 Kinder."},
	{700, "Südstadt: nur 1 Angebot für den Übergang Familie → Kita (0,8 je 1.000 Kinder, Ziel 2,0); 1.200 Kinder von 0 bis 5 Jahren."},
	{580, "Nordstadt: nur 1 Angebot im Handlungsfeld Gesundheit für 3–6-Jährige (0,9 je 1.000 Kinder, Ziel 2,0); 1.080 Kinder."},
	{400, "Mitte: nur 1 Angebot im Handlungsfeld Familienbildung & Beratung für 0–3-Jährige (1,7 je 1.000 Kinder, Ziel 3,0); 600 Kinder."},
	{300, "Südstadt: kein Angebot im Handlungsfeld Gesundheit für 3–6-Jährige; 300 Kinder."},
	{300, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für 3–6-Jährige; 300 Kinder."},
	{200, "Nordstadt: nur 2 Angebote im Handlungsfeld Gesundheit für 0–3-Jährige (1,7 je 1.000 Kinder, Ziel 2,0); 1.200 Kinder."},
	{200, "Südstadt: nur 1 Angebot für den Übergang Kita → Grundschule (1,4 je 1.000 Kinder, Ziel 2,0); 700 Kinder von 3 bis 9 Jahren."},
	{100, "Nordstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 100 Kinder."},
	{75, "Mitte: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 50 Kinder."},
	{75, "Südstadt: kein Angebot im Handlungsfeld Familienbildung & Beratung für werdende Eltern und Neugeborene; 75 Kinder."},
}

func TestHandComputedScenario(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	de := bundle.For("de")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := buildScenario(t, s)
		m, err := chain.ForKommune(ctx, s, tenant.Kommune(sc.kommune.ID), sc.kommune.ID, day, scenarioConfig(sc, 0))
		if err != nil {
			t.Fatal(err)
		}

		t.Run("matrix", func(t *testing.T) {
			if len(m.Cells) != 18 || len(m.Transitions) != 6 {
				t.Fatalf("%d cells and %d transition rows, want 3 Areas × 3 phases × 2 fields and 3 × 2", len(m.Cells), len(m.Transitions))
			}
			for _, want := range expectedMatrix {
				var got chain.Cell
				var ok bool
				if want.phase == "" {
					got, ok = m.Transition(want.area, want.field)
				} else {
					got, ok = m.Cell(want.area, want.phase, want.field)
				}
				if !ok {
					t.Errorf("%+v: no such cell", want)
					continue
				}
				if !near(got.Children, want.children) || got.Need != want.need || !near(got.Demand, want.children*want.need) ||
					got.Supply != want.supply || !near(got.Coverage, want.coverage) {
					t.Errorf("Area %s %s %s: children %.2f need %.1f demand %.2f supply %d coverage %.4f, want %+v",
						want.area, want.phase, want.field, got.Children, got.Need, got.Demand, got.Supply, got.Coverage, want)
				}
				if got.Gap != (want.supply == 0) {
					t.Errorf("Area %s %s %s: gap %v", want.area, want.phase, want.field, got.Gap)
				}
			}
		})

		t.Run("ranked gaps", func(t *testing.T) {
			checkGaps(t, m, expectedGaps, de)
		})

		t.Run("ranked gaps below a minimum coverage", func(t *testing.T) {
			m2, err := chain.ForKommune(ctx, s, system, sc.kommune.ID, day, scenarioConfig(sc, 2))
			if err != nil {
				t.Fatal(err)
			}
			checkGaps(t, m2, expectedGapsMin2, de)
		})

		t.Run("anchors", func(t *testing.T) {
			// Nordstadt: the Familienzentrum in Mitte is 1.71 km from its centre; Mitte: it is inside; Südstadt: none.
			want := []chain.Anchor{{AreaKey: "01", Inside: 0, Near: 1}, {AreaKey: "02", Inside: 1, Near: 0},
				{AreaKey: "03", Inside: 0, Near: 0, Missing: true}}
			if len(m.Anchors) != 3 {
				t.Fatalf("anchors %+v", m.Anchors)
			}
			for i, w := range want {
				a := m.Anchors[i]
				if a.AreaKey != w.AreaKey || a.Inside != w.Inside || a.Near != w.Near || a.Missing != w.Missing {
					t.Errorf("anchor %d: %+v, want %+v", i, a, w)
				}
			}
			if len(m.MissingAnchors) != 1 || m.MissingAnchors[0].AreaKey != "03" {
				t.Fatalf("missing anchors %+v, want Südstadt", m.MissingAnchors)
			}
			got := m.MissingAnchors[0].Sentence(de)
			if want := "Südstadt: kein Familienzentrum im Sozialraum oder im Umkreis von 2 km; 2.660 Kinder und Jugendliche."; got != want {
				t.Errorf("anchor sentence\n got %q\nwant %q", got, want)
			}
		})

		t.Run("in English", func(t *testing.T) {
			got := m.Gaps[4].Sentence(bundle.For("en"), s.Taxonomies())
			if want := "Südstadt: no offer in the field Family education & counselling for children aged 0–3; 900 children."; got != want {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})

		t.Run("an earlier date counts the offers valid then", func(t *testing.T) {
			// On 1 March 2025 the Geburtsvorbereitung (5) runs and the Säuglingssprechstunde (10) has not begun.
			early, err := chain.ForKommune(ctx, s, system, sc.kommune.ID, catalog.Date{Y: 2025, M: 3, D: 1}, scenarioConfig(sc, 0))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []struct {
				area, phase, field string
				supply             int
			}{{"03", "pregnancy", "health", 3}, {"03", "pregnancy", "family_education", 1}, {"02", "age_0_3", "health", 1}} {
				if c, _ := early.Cell(w.area, w.phase, w.field); c.Supply != w.supply {
					t.Errorf("Area %s %s %s on 2025-03-01: supply %d, want %d", w.area, w.phase, w.field, c.Supply, w.supply)
				}
			}
		})

		t.Run("outside the scope is not found; a bad config is invalid", func(t *testing.T) {
			if _, err := chain.ForKommune(ctx, s, tenant.Land("05"), sc.kommune.ID, day, chain.Config{}); !errs.Is(err, errs.NotFound) {
				t.Errorf("other Land: %v, want not found", err)
			}
			bad := chain.Config{DistanceKm: -1, Fields: []string{"astrology"}}
			if _, err := chain.ForKommune(ctx, s, system, sc.kommune.ID, day, bad); !errs.Is(err, errs.Invalid) || len(errs.As(err).Fields) != 2 {
				t.Errorf("bad config: %v, want invalid distance_km and fields", err)
			}
		})
	})
}

func checkGaps(t *testing.T, m chain.Matrix, want []expectedGap, l *i18n.Localizer) {
	t.Helper()
	tax := mustTaxonomy(t)
	for i := range max(len(m.Gaps), len(want)) {
		switch {
		case i >= len(want):
			t.Errorf("extra gap %d: %s", i+1, m.Gaps[i].Sentence(l, tax))
		case i >= len(m.Gaps):
			t.Errorf("missing gap %d: %s", i+1, want[i].sentence)
		default:
			g := m.Gaps[i]
			if got := g.Sentence(l, tax); got != want[i].sentence || !near(g.Unmet, want[i].unmet) || g.Rank != i+1 {
				t.Errorf("gap %d (rank %d): unmet %.2f %q\n                want: unmet %.2f %q", i+1, g.Rank, g.Unmet, got, want[i].unmet, want[i].sentence)
			}
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.0001+1e-9*math.Abs(b) }
