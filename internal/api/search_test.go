package api_test

import (
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

type searchAnswer struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Place   *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"place"`
	Hits []struct {
		ID               uuid.UUID `json:"id"`
		Name             string    `json:"name"`
		Organization     string    `json:"organization"`
		DistanceKm       *float64  `json:"distance_km"`
		Cost             string    `json:"cost"`
		Phases           []string  `json:"phases"`
		Languages        []string  `json:"languages"`
		MinimumAgeMonths *int      `json:"minimum_age_months"`
		MaximumAgeMonths *int      `json:"maximum_age_months"`
		Locations        []struct {
			PostalCode string `json:"postal_code"`
		} `json:"locations"`
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

// searchWorld is the demo data behind the API with a search index and a search log written at once.
type searchWorld struct {
	f    fixture
	s    *store.Store
	docs []store.SearchDoc
}

func demoSearch(t *testing.T, s *store.Store, withIndex bool) searchWorld {
	t.Helper()
	must(t, demo.Load(ctx, s, nil))
	var idx *search.Index
	if withIndex {
		idx = search.New(search.Options{})
		must(t, idx.Build(ctx, s))
	}
	bundle, err := i18n.New()
	must(t, err)
	srv := httptest.NewServer(api.New(api.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Search: idx,
		SearchLog: searchlog.New(s, nil)}))
	t.Cleanup(srv.Close)
	w := searchWorld{f: fixture{srv: srv}, s: s}
	must(t, s.StreamSearchDocs(ctx, store.SearchSelection{}, 500, func(b []store.SearchDoc) error {
		w.docs = append(w.docs, b...)
		return nil
	}))
	return w
}

func (w searchWorld) count(keep func(store.SearchDoc) bool) int {
	n := 0
	for _, d := range w.docs {
		if keep(d) {
			n++
		}
	}
	return n
}

func TestSearchAPIFiltersAsTheCatalogueSays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, true)
		var all searchAnswer
		if st := get(t, w.f, "GET", "/api/v1/offers?per_page=100", nil, &all); st != http.StatusOK {
			t.Fatalf("status %d", st)
		}
		if all.Total != len(w.docs) || len(all.Hits) != min(100, len(w.docs)) || all.Page != 1 || all.PerPage != 100 {
			t.Errorf("unfiltered: total %d, hits %d, page %d/%d; the catalogue has %d public offers",
				all.Total, len(all.Hits), all.Page, all.PerPage, len(w.docs))
		}
		phaseSum := 0
		for _, c := range all.Facets[search.DimPhase] {
			want := w.count(func(d store.SearchDoc) bool { return slices.Contains(d.Offer.Phases, c.Value) })
			if c.Count != want {
				t.Errorf("facet phase %s = %d, want %d", c.Value, c.Count, want)
			}
			phaseSum += c.Count
		}
		if phaseSum == 0 {
			t.Error("no phase facet counts")
		}

		var got searchAnswer
		get(t, w.f, "GET", "/api/v1/offers?phase=age_0_3&free=1&lang=tr&age_months=12&per_page=100", nil, &got)
		want := w.count(func(d store.SearchDoc) bool {
			o := d.Offer
			return slices.Contains(o.Phases, "age_0_3") && o.Cost == catalog.CostFree && slices.Contains(o.Languages, "tr") &&
				(o.MinimumAgeMonths == nil || *o.MinimumAgeMonths <= 12) && (o.MaximumAgeMonths == nil || *o.MaximumAgeMonths >= 12)
		})
		if want == 0 {
			t.Fatal("the demo data has no free Turkish offer for a 12-month-old; the test would prove nothing")
		}
		if got.Total != want || len(got.Hits) != want {
			t.Errorf("phase 0–3, free, Turkish, 12 months: total %d (%d hits), the catalogue has %d", got.Total, len(got.Hits), want)
		}
		for _, h := range got.Hits {
			if h.Cost != catalog.CostFree || !slices.Contains(h.Phases, "age_0_3") || !slices.Contains(h.Languages, "tr") {
				t.Errorf("hit %s does not match the filters: %+v", h.Name, h)
			}
		}
	})
}

// The Sozialraum counts are answered for a search within a Kommune, not across the country, where they would
// be most of the response; the Kommune counts always.
func TestSearchAPICountsSozialraeumeWithinAKommune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, true)
		var kommune uuid.UUID
		for _, d := range w.docs {
			if len(d.Locations) > 0 && d.Locations[0].AreaID != nil {
				kommune = d.Offer.KommuneID
				break
			}
		}
		if kommune == uuid.Nil {
			t.Fatal("no demo offer in a Sozialraum")
		}
		var all, within searchAnswer
		get(t, w.f, "GET", "/api/v1/offers", nil, &all)
		if _, ok := all.Facets[search.DimArea]; ok || len(all.Facets[search.DimKommune]) == 0 || len(all.Facets[search.DimPhase]) == 0 {
			t.Errorf("whole country: facets %v, want Kommunen and phases but no Sozialräume", slices.Sorted(maps.Keys(all.Facets)))
		}
		get(t, w.f, "GET", "/api/v1/offers?kommune="+kommune.String(), nil, &within)
		counts := map[string]int{}
		for _, d := range w.docs {
			if d.Offer.KommuneID != kommune {
				continue
			}
			seen := map[uuid.UUID]bool{}
			for _, l := range d.Locations {
				if l.AreaID != nil && !seen[*l.AreaID] {
					seen[*l.AreaID] = true
					counts[l.AreaID.String()]++
				}
			}
		}
		got := map[string]int{}
		for _, c := range within.Facets[search.DimArea] {
			got[c.Value] = c.Count
		}
		if len(counts) == 0 || !maps.Equal(got, counts) {
			t.Errorf("Sozialräume of Kommune %s: %v, the catalogue says %v", kommune, got, counts)
		}
	})
}

func TestSearchAPIPagesAndSortsByDistanceFromAPostcode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, true)
		var postcode string
		for _, d := range w.docs {
			if len(d.Locations) > 0 {
				postcode = d.Locations[0].PostalCode
				break
			}
		}
		var near searchAnswer
		get(t, w.f, "GET", "/api/v1/offers?ort="+postcode+"&per_page=20", nil, &near)
		if near.Place == nil || near.Place.Kind != "postcode" || !strings.HasPrefix(near.Place.Name, postcode) {
			t.Fatalf("place = %+v, want the postcode %s", near.Place, postcode)
		}
		last := -1.0
		for _, h := range near.Hits {
			if h.DistanceKm == nil {
				t.Fatalf("%s has no distance", h.Name)
			}
			if *h.DistanceKm < last {
				t.Errorf("without words the nearest come first: %.2f after %.2f", *h.DistanceKm, last)
			}
			last = *h.DistanceKm
		}
		// Within 3 km: every hit is within 3 km, and fewer than all.
		var within searchAnswer
		get(t, w.f, "GET", "/api/v1/offers?ort="+postcode+"&radius_km=3&per_page=100", nil, &within)
		if within.Total == 0 || within.Total >= len(w.docs) {
			t.Errorf("within 3 km of %s: %d of %d offers", postcode, within.Total, len(w.docs))
		}
		for _, h := range within.Hits {
			if *h.DistanceKm > 3 {
				t.Errorf("%s is %.2f km away", h.Name, *h.DistanceKm)
			}
		}
		// Pages do not overlap and together are the first ten.
		var p1, p2, ten searchAnswer
		get(t, w.f, "GET", "/api/v1/offers?q=Beratung&per_page=5&page=1", nil, &p1)
		get(t, w.f, "GET", "/api/v1/offers?q=Beratung&per_page=5&page=2", nil, &p2)
		get(t, w.f, "GET", "/api/v1/offers?q=Beratung&per_page=10", nil, &ten)
		if ten.Total < 10 || p2.Page != 2 {
			t.Fatalf("Beratung: total %d, page %d", ten.Total, p2.Page)
		}
		for i, h := range append(p1.Hits, p2.Hits...) {
			if h.ID != ten.Hits[i].ID {
				t.Errorf("hit %d of pages 1+2 is %s, of one page of ten %s", i, h.Name, ten.Hits[i].Name)
			}
		}
	})
}

func TestSearchAPIExplainsBadParametersAndNeverFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, true)
		for _, c := range []struct{ query, field string }{
			{"lat=52.3&lon=9.7&radius_km=-5", "radius_km"},
			{"age_months=abc", "age_months"},
			{"q=" + url.QueryEscape(strings.Repeat("Hebamme ", 1300)), "q"},
			{"phase=teenager", "phase"},
			{"birth_date=31.02.2025", "birth_date"},
			{"ort=Atlantis", "ort"},
			{"page=0x10", "page"},
		} {
			var e apiError
			st := get(t, w.f, "GET", "/api/v1/offers?"+c.query, nil, &e)
			if st != http.StatusUnprocessableEntity || e.Error.Code != "invalid" {
				t.Errorf("%.40s: status %d, code %q", c.query, st, e.Error.Code)
			}
			found := false
			for _, f := range e.Error.Fields {
				found = found || f.Field == c.field && f.Message != "" && !strings.Contains(f.Message, "search.")
			}
			if !found {
				t.Errorf("%.40s: no readable message for %s: %+v", c.query, c.field, e.Error.Fields)
			}
		}
	})
}

func TestSearchAPIWithoutIndexIsUnavailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, false)
		var e apiError
		if st := get(t, w.f, "GET", "/api/v1/offers?q=Kita", nil, &e); st != http.StatusServiceUnavailable || e.Error.Code != "unavailable" {
			t.Errorf("without an index: %d %q, want 503 unavailable", st, e.Error.Code)
		}
	})
}

func TestSearchAPILogsTheSearchWithoutPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := demoSearch(t, s, true)
		req, err := http.NewRequest("GET", w.f.srv.URL+"/api/v1/offers?q="+
			url.QueryEscape("Schwimmkurs Lindenstraße 4 eltern@example.de 0511-12345")+"&phase=age_6_10", nil)
		must(t, err)
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		req.AddCookie(&http.Cookie{Name: "kette_session", Value: "c00k1e"})
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		// Turning a page is the same search: not logged again.
		get(t, w.f, "GET", "/api/v1/offers?phase=age_6_10&page=2&per_page=1", nil, nil)
		entries, err := s.SearchLogEntries(ctx, tenant.System(), uuid.Nil, time.Time{}, 10)
		must(t, err)
		if len(entries) != 1 {
			t.Fatalf("logged %d searches, want 1", len(entries))
		}
		e := entries[0]
		if e.Channel != searchlog.API || !slices.Equal(e.Words, []string{"schwimmkurs"}) ||
			!slices.Equal(e.Filters, []string{"phase:age_6_10"}) {
			t.Errorf("entry = %+v", e)
		}
	})
}
