package search_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var ctx = context.Background()

// world is the demo data in a store, its index, and every public offer as the store streams it: the oracle
// the index's answers are checked against.
type world struct {
	s    *store.Store
	idx  *search.Index
	docs map[uuid.UUID]store.SearchDoc
}

// newOffer is a copy of a public offer of the world without its id, to be created as a new one.
func (w *world) newOffer() catalog.Offer {
	for _, d := range w.docs {
		o := d.Offer
		o.ID = uuid.Nil
		return o
	}
	panic("the world has no offers")
}

func demoWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	w := &world{s: s, idx: search.New(search.Options{}), docs: map[uuid.UUID]store.SearchDoc{}}
	if err := w.idx.Build(ctx, s); err != nil {
		t.Fatal(err)
	}
	w.reload(t)
	return w
}

func (w *world) reload(t *testing.T) {
	t.Helper()
	clear(w.docs)
	if err := w.s.StreamSearchDocs(ctx, store.SearchSelection{}, 500, func(batch []store.SearchDoc) error {
		for _, d := range batch {
			w.docs[d.Offer.ID] = d
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) search(t *testing.T, q search.Query) search.Result {
	t.Helper()
	if q.PerPage == 0 {
		q.PerPage = search.MaxPerPage
	}
	res, err := w.idx.Search(q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// count is how many public offers pass keep.
func (w *world) count(keep func(store.SearchDoc) bool) int {
	n := 0
	for _, d := range w.docs {
		if keep(d) {
			n++
		}
	}
	return n
}

func (w *world) titles(res search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, w.docs[h.OfferID].Offer.Name)
	}
	return out
}

func anyTitle(titles []string, part string) bool {
	return slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, part) })
}

func TestSearchOnTheDemoData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		if w.idx.Len() != len(w.docs) || len(w.docs) < 200 {
			t.Fatalf("index holds %d offers, store %d", w.idx.Len(), len(w.docs))
		}
		t.Run("text", func(t *testing.T) { testText(t, w) })
		t.Run("filters", func(t *testing.T) { testFilters(t, w) })
		t.Run("facets", func(t *testing.T) { testFacets(t, w) })
		t.Run("distance", func(t *testing.T) { testDistance(t, w) })
		t.Run("hours", func(t *testing.T) { testHours(t, w) })
		t.Run("paging and explain", func(t *testing.T) { testPaging(t, w) })
		t.Run("bad queries", func(t *testing.T) { testBadQueries(t, w) })
	})
}

func testText(t *testing.T, w *world) {
	hasWord := func(word string) func(store.SearchDoc) bool {
		return func(d store.SearchDoc) bool {
			return slices.Contains(strings.Fields(strings.ToLower(d.Offer.Name+" "+d.Offer.Description)), word)
		}
	}
	t.Run("umlauts are folded on both sides", func(t *testing.T) {
		a := w.search(t, search.Query{Text: "Frühförderung"})
		b := w.search(t, search.Query{Text: "Fruehfoerderung"})
		c := w.search(t, search.Query{Text: "FRÜHFÖRDERUNG"})
		if a.Total == 0 || a.Total != b.Total || a.Total != c.Total || !anyTitle(w.titles(b), "Frühförderung") {
			t.Errorf("Frühförderung %d, Fruehfoerderung %d, FRÜHFÖRDERUNG %d hits", a.Total, b.Total, c.Total)
		}
	})
	t.Run("stemming: Kurse finds Kurs", func(t *testing.T) {
		want := w.count(hasWord("kurs"))
		res := w.search(t, search.Query{Text: "Kurse"})
		if want == 0 || res.Total < want {
			t.Errorf("Kurse: %d hits, want at least the %d offers with the word Kurs", res.Total, want)
		}
	})
	t.Run("compounds: the head of a compound finds it", func(t *testing.T) {
		for query, title := range map[string]string{"Beratung": "Erziehungsberatung", "Hebamme": "Familienhebamme",
			"Hebammen": "Familienhebamme", "Kurs": "Geburtsvorbereitungskurs"} {
			if res := w.search(t, search.Query{Text: query}); !anyTitle(w.titles(res), title) {
				t.Errorf("%s does not find %s: %v", query, title, w.titles(res))
			}
		}
	})
	t.Run("typos: one edit for short words, two for long ones", func(t *testing.T) {
		for query, title := range map[string]string{"Hebame": "Hebammensprechstunde", "Familienhebame": "Familienhebamme",
			"Erzihungsberatug": "Erziehungsberatung", "Babymasage": "Babymassage"} {
			if res := w.search(t, search.Query{Text: query}); !anyTitle(w.titles(res), title) {
				t.Errorf("%s does not find %s", query, title)
			}
		}
		if res := w.search(t, search.Query{Text: "Hbmme"}); res.Total != 0 {
			t.Errorf("Hbmme (two edits in a short word) found %d", res.Total)
		}
	})
	t.Run("every word must match, stop words are ignored", func(t *testing.T) {
		a := w.search(t, search.Query{Text: "Babymassage"})
		b := w.search(t, search.Query{Text: "die Babymassage für und"})
		c := w.search(t, search.Query{Text: "Babymassage Schuldnerberatung"})
		if a.Total == 0 || a.Total != b.Total || c.Total != 0 {
			t.Errorf("Babymassage %d, with stop words %d, with an unrelated word %d", a.Total, b.Total, c.Total)
		}
	})
	t.Run("the title weighs more than the description", func(t *testing.T) {
		res := w.search(t, search.Query{Text: "Elterncafé"})
		if len(res.Hits) == 0 || !strings.Contains(w.docs[res.Hits[0].OfferID].Offer.Name, "Elterncafé") {
			t.Errorf("first hit for Elterncafé: %v", w.titles(res))
		}
	})
}

// filterCase is a query filter and the rule it must implement, checked against every public offer.
type filterCase struct {
	name string
	q    search.Query
	keep func(store.SearchDoc) bool
}

func filterCases(w *world) []filterCase {
	has := func(list []string, v string) bool { return slices.Contains(list, v) }
	age := 12
	var someArea uuid.UUID
	var someKommune uuid.UUID
	for _, d := range w.docs {
		if len(d.Locations) > 0 && d.Locations[0].AreaID != nil {
			someArea, someKommune = *d.Locations[0].AreaID, d.Offer.KommuneID
			break
		}
	}
	inArea := func(d store.SearchDoc) bool {
		return slices.ContainsFunc(d.Locations, func(l store.SearchLocation) bool { return l.AreaID != nil && *l.AreaID == someArea })
	}
	return []filterCase{
		{"phase", search.Query{Phases: []string{"age_0_3"}}, func(d store.SearchDoc) bool { return has(d.Offer.Phases, "age_0_3") }},
		{"two phases", search.Query{Phases: []string{"pregnancy", "age_10_16"}}, func(d store.SearchDoc) bool {
			return has(d.Offer.Phases, "pregnancy") || has(d.Offer.Phases, "age_10_16")
		}},
		{"field", search.Query{Fields: []string{"health"}}, func(d store.SearchDoc) bool { return has(d.Offer.Fields, "health") }},
		{"target group", search.Query{TargetGroups: []string{"single_parents"}}, func(d store.SearchDoc) bool {
			return has(d.Offer.TargetGroups, "single_parents")
		}},
		{"transition", search.Query{Transitions: []string{"kita_school"}}, func(d store.SearchDoc) bool {
			return has(d.Offer.Transitions, "kita_school")
		}},
		{"language", search.Query{Languages: []string{"tr"}}, func(d store.SearchDoc) bool { return has(d.Offer.Languages, "tr") }},
		{"free", search.Query{Free: true}, func(d store.SearchDoc) bool { return d.Offer.Cost == catalog.CostFree }},
		{"access", search.Query{Access: []string{catalog.AccessOpen}}, func(d store.SearchDoc) bool { return d.Offer.Access == catalog.AccessOpen }},
		{"delivery", search.Query{Delivery: []string{catalog.DeliveryOutreach}}, func(d store.SearchDoc) bool {
			return has(d.Offer.Delivery, catalog.DeliveryOutreach)
		}},
		{"organization kind", search.Query{OrganizationKinds: []string{"familienzentrum"}}, func(d store.SearchDoc) bool {
			return d.OrganizationKind == "familienzentrum"
		}},
		{"kommune", search.Query{KommuneIDs: []uuid.UUID{someKommune}}, func(d store.SearchDoc) bool { return d.Offer.KommuneID == someKommune }},
		{"area", search.Query{AreaIDs: []uuid.UUID{someArea}}, inArea},
		{"age in months", search.Query{AgeMonths: &age}, func(d store.SearchDoc) bool { return fitsAge(d, age) }},
		// Within one Kommune the age is tested offer by offer instead of uniting the ranges (keepAge).
		{"age in a Kommune", search.Query{AgeMonths: &age, KommuneIDs: []uuid.UUID{someKommune}}, func(d store.SearchDoc) bool {
			return fitsAge(d, age) && d.Offer.KommuneID == someKommune
		}},
		{"weekday", search.Query{Weekday: 2}, func(d store.SearchDoc) bool { return hasWeekday(d, 2) }},
		{"combined", search.Query{Phases: []string{"age_0_3"}, Languages: []string{"tr"}, Free: true, AgeMonths: &age,
			KommuneIDs: []uuid.UUID{someKommune}}, func(d store.SearchDoc) bool {
			return has(d.Offer.Phases, "age_0_3") && has(d.Offer.Languages, "tr") && d.Offer.Cost == catalog.CostFree &&
				fitsAge(d, age) && d.Offer.KommuneID == someKommune
		}},
	}
}

func fitsAge(d store.SearchDoc, m int) bool {
	o := d.Offer
	return (o.MinimumAgeMonths == nil || *o.MinimumAgeMonths <= m) && (o.MaximumAgeMonths == nil || m <= *o.MaximumAgeMonths)
}

func hasWeekday(d store.SearchDoc, wd int) bool {
	weekly := d.Offer.Schedule.Weekly
	if len(weekly) == 0 {
		for _, l := range d.Locations {
			weekly = append(weekly, l.OpeningHours...)
		}
	}
	return slices.ContainsFunc(weekly, func(x catalog.Weekly) bool { return x.Weekday == wd })
}

func testFilters(t *testing.T, w *world) {
	for _, c := range filterCases(w) {
		want := w.count(c.keep)
		res := w.search(t, c.q)
		if res.Total != want || want == 0 {
			t.Errorf("%s: %d hits, want %d (and some)", c.name, res.Total, want)
		}
		for _, h := range res.Hits {
			if !c.keep(w.docs[h.OfferID]) {
				t.Errorf("%s: hit %q does not match", c.name, w.docs[h.OfferID].Offer.Name)
			}
		}
	}
	t.Run("text and filters combine", func(t *testing.T) {
		all := w.search(t, search.Query{Text: "Beratung"})
		teens := w.search(t, search.Query{Text: "Beratung", Phases: []string{"age_10_16"}})
		if teens.Total == 0 || teens.Total >= all.Total {
			t.Errorf("Beratung: %d hits, for 10–16 %d", all.Total, teens.Total)
		}
	})
}

// testFacets checks every facet count against the search filtered by that value, for a small result, a middle
// one and one of all documents. The demo data is too small for counting per value; TestFacetCountingPathsAgree
// compares that way with counting per document.
func testFacets(t *testing.T, w *world) {
	all := w.search(t, search.Query{}).Total
	for i, base := range []search.Query{
		{Text: "Hebamme", HasPoint: true, Lat: 52.3759, Lon: 9.7320, RadiusKm: 10},
		{Phases: []string{"age_0_3"}},
		{},
	} {
		res := w.search(t, base)
		if res.Total == 0 || i == 0 && res.Total*10 >= all {
			t.Fatalf("%q %v: %d of %d offers, want a few but not none", base.Text, base.Phases, res.Total, all)
		}
		checkFacets(t, w, base, res)
	}
	t.Run("only the dimensions asked for", func(t *testing.T) {
		for _, base := range []search.Query{{Text: "Hebamme"}, {Phases: []string{"age_0_3"}}, {}} {
			full := w.search(t, base)
			q := base
			q.Facets = []string{search.DimField, search.DimKommune}
			some := w.search(t, q)
			if len(some.Facets) != 2 || !reflect.DeepEqual(some.Facets[search.DimField], full.Facets[search.DimField]) ||
				!reflect.DeepEqual(some.Facets[search.DimKommune], full.Facets[search.DimKommune]) {
				t.Errorf("%+v: asked for field and kommune, got %v", base, some.Facets)
			}
			q.Facets = []string{search.DimPhase}
			if some = w.search(t, q); len(some.Facets) != 1 || !reflect.DeepEqual(some.Facets[search.DimPhase], full.Facets[search.DimPhase]) {
				t.Errorf("%+v: asked for phases, got %v", base, some.Facets)
			}
		}
		if dims := search.ScopedFacets(&search.Query{}); slices.Contains(dims, search.DimArea) || !slices.Contains(dims, search.DimKommune) {
			t.Errorf("a national search counts %v, want Kommunen without Sozialräume", dims)
		}
		if dims := search.FacetsWithoutPlaces(); slices.Contains(dims, search.DimKommune) || slices.Contains(dims, search.DimArea) ||
			!slices.Contains(dims, search.DimPhase) {
			t.Errorf("facets without places: %v", dims)
		}
		if dims := search.ScopedFacets(&search.Query{KommuneIDs: []uuid.UUID{uuid.New()}}); dims != nil {
			t.Errorf("a search in a Kommune counts %v, want every dimension", dims)
		}
	})
}

func checkFacets(t *testing.T, w *world, base search.Query, res search.Result) {
	t.Helper()
	for _, dim := range []string{search.DimField, search.DimLanguage, search.DimTargetGroup, search.DimCost,
		search.DimOrganizationKind, search.DimKommune, search.DimArea, search.DimDelivery, search.DimAccess} {
		if len(res.Facets[dim]) == 0 {
			t.Errorf("no facet counts for %s", dim)
		}
		for _, fc := range res.Facets[dim] {
			q := base
			switch dim {
			case search.DimField:
				q.Fields = []string{fc.Value}
			case search.DimLanguage:
				q.Languages = []string{fc.Value}
			case search.DimTargetGroup:
				q.TargetGroups = []string{fc.Value}
			case search.DimOrganizationKind:
				q.OrganizationKinds = []string{fc.Value}
			case search.DimKommune:
				q.KommuneIDs = []uuid.UUID{uuid.MustParse(fc.Value)}
			case search.DimArea:
				q.AreaIDs = []uuid.UUID{uuid.MustParse(fc.Value)}
			case search.DimDelivery:
				q.Delivery = []string{fc.Value}
			case search.DimAccess:
				q.Access = []string{fc.Value}
			case search.DimCost:
				if fc.Value != catalog.CostFree {
					continue
				}
				q.Free = true
			}
			if got := w.search(t, q).Total; got != fc.Count {
				t.Errorf("facet %s=%s counts %d, the filtered search finds %d", dim, fc.Value, fc.Count, got)
			}
		}
	}
}

func testDistance(t *testing.T, w *world) {
	hannover := search.Query{HasPoint: true, Lat: 52.3759, Lon: 9.7320}
	res := w.search(t, hannover)
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].DistanceKm < res.Hits[i-1].DistanceKm {
			t.Fatalf("hit %d at %.2f km after %.2f km", i, res.Hits[i].DistanceKm, res.Hits[i-1].DistanceKm)
		}
	}
	if res.Hits[0].DistanceKm > 3 {
		t.Errorf("nearest offer to Hannover's centre at %.1f km", res.Hits[0].DistanceKm)
	}
	near := hannover
	near.RadiusKm = 2.5
	got := w.search(t, near)
	want := w.count(func(d store.SearchDoc) bool {
		return slices.ContainsFunc(d.Locations, func(l store.SearchLocation) bool {
			return haversine(52.3759, 9.7320, l.Latitude, l.Longitude) <= 2.5
		})
	})
	if got.Total != want || want == 0 || want >= res.Total {
		t.Errorf("within 2.5 km: %d hits, want %d of %d", got.Total, want, res.Total)
	}
	for _, h := range got.Hits {
		if h.DistanceKm > 2.5 {
			t.Errorf("hit at %.2f km outside the radius", h.DistanceKm)
		}
	}
	t.Run("relevance first, then distance", func(t *testing.T) {
		q := hannover
		q.Text = "Erziehungsberatung"
		res := w.search(t, q)
		for i := 1; i < len(res.Hits); i++ {
			a, b := res.Hits[i-1], res.Hits[i]
			if a.Score < b.Score || (a.Score == b.Score && a.DistanceKm > b.DistanceKm) {
				t.Fatalf("hit %d (%.2f, %.1f km) before (%.2f, %.1f km)", i, a.Score, a.DistanceKm, b.Score, b.DistanceKm)
			}
		}
	})
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	return search.HaversineKm(lat1, lon1, lat2, lon2)
}

var berlin, _ = time.LoadLocation("Europe/Berlin")

func testHours(t *testing.T, w *world) {
	// An offer of our own, open on Fridays only, with a unique word to find it by.
	var host store.SearchDoc
	for _, d := range w.docs {
		if d.OrganizationKind == "familienzentrum" {
			host = d
			break
		}
	}
	o := catalog.Offer{OrganizationID: host.Offer.OrganizationID, LocationIDs: host.Offer.LocationIDs, Name: "Freitagsfrühstück", Description: "Frühstück für Familien.",
		Status: catalog.StatusActive, Phases: []string{"age_0_3"}, Fields: []string{"family_education"},
		TargetGroups: []string{"all_families"}, Languages: []string{"de"}, Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOnSite}, Schedule: catalog.Schedule{Timezone: "Europe/Berlin",
			Weekly: []catalog.Weekly{{Weekday: 5, Opens: "09:00", Closes: "12:00"}}}}
	if err := w.s.CreateOffer(ctx, tenant.System(), audit.System("test"), &o); err != nil {
		t.Fatal(err)
	}
	if _, err := w.idx.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		now  time.Time
		want int
	}{
		{"an ordinary Friday morning", time.Date(2026, 12, 18, 10, 0, 0, 0, berlin), 1},
		{"Friday afternoon", time.Date(2026, 12, 18, 14, 0, 0, 0, berlin), 0},
		{"Christmas Day, a Friday", time.Date(2026, 12, 25, 10, 0, 0, 0, berlin), 0},
		{"Good Friday", time.Date(2027, 3, 26, 10, 0, 0, 0, berlin), 0},
		{"Reformation Day in Niedersachsen", time.Date(2025, 10, 31, 10, 0, 0, 0, berlin), 0},
		{"a Thursday", time.Date(2026, 12, 17, 10, 0, 0, 0, berlin), 0},
	} {
		res := w.search(t, search.Query{Text: "Freitagsfrühstück", OpenNow: true, Now: c.now})
		if res.Total != c.want {
			t.Errorf("open now on %s: %d hits, want %d", c.name, res.Total, c.want)
		}
	}
	if res := w.search(t, search.Query{Text: "Freitagsfrühstück", Weekday: 5}); res.Total != 1 {
		t.Errorf("open on Fridays: %d hits", res.Total)
	}
	if res := w.search(t, search.Query{Weekday: 5, OpenNow: true, Now: time.Date(2026, 12, 25, 10, 0, 0, 0, berlin)}); res.Total >= w.search(t, search.Query{Weekday: 5}).Total {
		t.Errorf("on Christmas Day %d offers are open, as many as on any Friday", res.Total)
	}
	if err := w.s.DeleteOffer(ctx, tenant.System(), audit.System("test"), o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.idx.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
}

func testPaging(t *testing.T, w *world) {
	all := w.search(t, search.Query{Text: "Eltern", PerPage: 100})
	p2 := w.search(t, search.Query{Text: "Eltern", PerPage: 10, Page: 2, Explain: true})
	if all.Total < 20 || len(p2.Hits) != 10 || p2.Hits[0].OfferID != all.Hits[10].OfferID {
		t.Fatalf("page 2 does not continue page 1")
	}
	if !strings.Contains(p2.Hits[0].Explain, "eltern") || !strings.Contains(p2.Hits[0].Explain, "score") {
		t.Errorf("explain: %q", p2.Hits[0].Explain)
	}
	if res := w.search(t, search.Query{Text: "Eltern", Page: 1000}); res.Total != all.Total || len(res.Hits) != 0 {
		t.Errorf("a page after the last: %d hits of %d", len(res.Hits), res.Total)
	}
}

func testBadQueries(t *testing.T, w *world) {
	age := -1
	for name, c := range map[string]struct {
		q     search.Query
		field string
	}{
		"negative radius":  {search.Query{HasPoint: true, Lat: 52, Lon: 10, RadiusKm: -5}, "radius_km"},
		"radius, no point": {search.Query{RadiusKm: 5}, "radius_km"},
		"negative age":     {search.Query{AgeMonths: &age}, "age_months"},
		"10 KB of text":    {search.Query{Text: strings.Repeat("Beratung ", 1200)}, "q"},
		"unknown phase":    {search.Query{Phases: []string{"age_99"}}, "phase"},
		"unknown language": {search.Query{Languages: []string{"xx"}}, "lang"},
		"weekday 8":        {search.Query{Weekday: 8}, "weekday"},
		"latitude 91":      {search.Query{HasPoint: true, Lat: 91, Lon: 10}, "lat"},
		"page -1":          {search.Query{Page: -1}, "page"},
		"per page 1000":    {search.Query{PerPage: 1000}, "per_page"},
	} {
		_, err := w.idx.Search(c.q)
		e := errs.As(err)
		if err == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != c.field ||
			!strings.HasPrefix(e.Fields[0].Message, "search.") {
			t.Errorf("%s: %v, want invalid naming %s", name, err, c.field)
		}
	}
}

// TestSearchFollowsTheChangeLog proves freshness: what is created, changed or deleted through the store is
// found, changed or gone after Refresh, also when the offer's organization or location changes.
func TestSearchFollowsTheChangeLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		find := func(text string) int { return w.search(t, search.Query{Text: text}).Total }
		refresh := func() {
			if _, err := w.idx.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		o := w.newOffer()
		o.Name, o.Description = "Zwergentreff", "Treffen für die Kleinsten."
		zero, twelve := 0, 12
		o.MinimumAgeMonths, o.MaximumAgeMonths = &zero, &twelve
		actor := audit.System("test")
		if err := s.CreateOffer(ctx, tenant.System(), actor, &o); err != nil {
			t.Fatal(err)
		}
		if find("Zwergentreff") != 0 {
			t.Fatal("found before Refresh")
		}
		refresh()
		if find("Zwergentreff") != 1 {
			t.Fatal("created offer not found after Refresh")
		}
		for m, want := range map[int]int{0: 1, 12: 1, 13: 0} {
			if got := w.search(t, search.Query{Text: "Zwergentreff", AgeMonths: &m}).Total; got != want {
				t.Errorf("offer for 0–12 months, child of %d months: %d hits, want %d", m, got, want)
			}
		}
		o.Name = "Minitreff"
		if err := s.UpdateOffer(ctx, tenant.System(), actor, &o); err != nil {
			t.Fatal(err)
		}
		refresh()
		if find("Zwergentreff") != 0 || find("Minitreff") != 1 {
			t.Error("renamed offer not changed in the index")
		}
		o.Status = catalog.StatusInactive
		if err := s.UpdateOffer(ctx, tenant.System(), actor, &o); err != nil {
			t.Fatal(err)
		}
		refresh()
		if find("Minitreff") != 0 {
			t.Error("an inactive offer is still found")
		}
		o.Status = catalog.StatusActive
		if err := s.UpdateOffer(ctx, tenant.System(), actor, &o); err != nil {
			t.Fatal(err)
		}
		refresh()
		if err := s.DeleteOffer(ctx, tenant.System(), actor, o.ID); err != nil {
			t.Fatal(err)
		}
		refresh()
		if find("Minitreff") != 0 || w.idx.Len() != len(w.docs) {
			t.Errorf("deleted offer still found; index holds %d offers, store %d", w.idx.Len(), len(w.docs))
		}
		t.Run("a new location of an organization", func(t *testing.T) {
			l := catalog.Location{OrganizationID: o.OrganizationID, Name: "Außenstelle", Address1: "Weg 1",
				PostalCode: "99999", City: "Irgendwo", Latitude: 53.5, Longitude: 10.0}
			if err := s.CreateLocation(ctx, tenant.System(), actor, &l); err != nil {
				t.Fatal(err)
			}
			n, err := w.idx.Refresh(ctx)
			if err != nil || n != 1 {
				t.Fatalf("refresh applied %d entries, %v", n, err)
			}
		})
	})
}

// The Leichte-Sprache summary is searched too: its plain words may be the ones a family types.
func TestTheLeichteSpracheSummaryIsSearched(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoWorld(t, s)
		o := w.newOffer()
		o.Name, o.Description = "Wassergewöhnung", "Angebot für Familien."
		o.EasySummary = "Hier lernen Kinder schwimmen. Das Planschbecken ist warm."
		if err := s.CreateOffer(ctx, tenant.System(), audit.System("test"), &o); err != nil {
			t.Fatal(err)
		}
		if _, err := w.idx.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		res := w.search(t, search.Query{Text: "Planschbecken"})
		if res.Total != 1 || res.Hits[0].OfferID != o.ID {
			t.Errorf("a search for a word of the summary found %+v, want the offer %s", res.Hits, o.ID)
		}
	})
}

func TestRunRefreshesEverySecond(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	w := demoWorld(t, s)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go w.idx.Run(runCtx, 100*time.Millisecond)
	var d store.SearchDoc
	for _, x := range w.docs {
		d = x
		break
	}
	o := d.Offer
	o.ID, o.Name = uuid.Nil, "Sofortsuche"
	if err := s.CreateOffer(ctx, tenant.System(), audit.System("test"), &o); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for w.search(t, search.Query{Text: "Sofortsuche"}).Total == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the running index did not pick up the new offer")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHolidaysPerLand(t *testing.T) {
	for _, c := range []struct {
		land string
		day  time.Time
		want bool
	}{
		{"03", time.Date(2026, 12, 25, 12, 0, 0, 0, berlin), true},
		{"03", time.Date(2026, 4, 3, 12, 0, 0, 0, berlin), true},   // Karfreitag 2026
		{"03", time.Date(2026, 4, 6, 12, 0, 0, 0, berlin), true},   // Ostermontag 2026
		{"03", time.Date(2026, 5, 14, 12, 0, 0, 0, berlin), true},  // Christi Himmelfahrt 2026
		{"03", time.Date(2026, 6, 4, 12, 0, 0, 0, berlin), false},  // Fronleichnam: not in Niedersachsen
		{"05", time.Date(2026, 6, 4, 12, 0, 0, 0, berlin), true},   // but in Nordrhein-Westfalen
		{"09", time.Date(2026, 1, 6, 12, 0, 0, 0, berlin), true},   // Heilige Drei Könige in Bayern
		{"03", time.Date(2026, 1, 6, 12, 0, 0, 0, berlin), false},  // not in Niedersachsen
		{"14", time.Date(2026, 11, 18, 12, 0, 0, 0, berlin), true}, // Buß- und Bettag in Sachsen
		{"03", time.Date(2026, 12, 23, 12, 0, 0, 0, berlin), false},
	} {
		if got := search.IsHoliday(c.land, c.day); got != c.want {
			t.Errorf("IsHoliday(%s, %s) = %v, want %v", c.land, c.day.Format(time.DateOnly), got, c.want)
		}
	}
}
