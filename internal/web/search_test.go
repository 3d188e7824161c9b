package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/searchlog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/web"
)

// testUserHeader names the user a request acts as in these tests, standing in for the session middleware.
const testUserHeader = "X-Test-User"

// searchSite serves the pages and the API over the demo data with a search index and a search log that
// writes at once; users are picked by testUserHeader.
type searchSite struct {
	srv   *httptest.Server
	s     *store.Store
	users map[string]auth.User
}

func newSearchSite(t *testing.T, s *store.Store, withIndex bool) *searchSite {
	t.Helper()
	if err := demo.Load(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	var idx *search.Index
	if withIndex {
		idx = search.New(search.Options{})
		if err := idx.Build(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	rec := searchlog.New(s, nil)
	log := slog.New(slog.DiscardHandler)
	pages, err := web.New(web.Deps{Store: s, I18n: bundle, Log: log, Search: idx, SearchLog: rec})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(api.Deps{Store: s, I18n: bundle, Log: log, Search: idx, SearchLog: rec}))
	mux.Handle("/", pages)
	site := &searchSite{s: s, users: map[string]auth.User{}}
	site.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := site.users[r.Header.Get(testUserHeader)]; ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "session"}))
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(site.srv.Close)
	return site
}

// user creates a user and returns the header value that acts as them.
func (site *searchSite) user(t *testing.T, u auth.User) string {
	t.Helper()
	if err := site.s.CreateUser(ctx, tenant.System(), audit.System("test"), &u, ""); err != nil {
		t.Fatal(err)
	}
	site.users[u.ID.String()] = u
	return u.ID.String()
}

func (site *searchSite) kommune(t *testing.T, ags string) uuid.UUID {
	t.Helper()
	k, err := site.s.GetKommuneByAGS(ctx, tenant.System(), ags)
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}

type apiHits struct {
	Total int `json:"total"`
	Hits  []struct {
		ID         uuid.UUID `json:"id"`
		DistanceKm *float64  `json:"distance_km"`
		Languages  []string  `json:"languages"`
	} `json:"hits"`
}

func (site *searchSite) api(t *testing.T, query string) apiHits {
	t.Helper()
	resp, err := http.Get(site.srv.URL + "/api/v1/offers?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out apiHits
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// resultHrefs are the offer links of the results list, in order.
func resultHrefs(t *testing.T, p page) []string {
	t.Helper()
	var out []string
	for _, li := range all(p.doc, "li", "class", "result") {
		h, _ := attr(first(t, li, "a"), "href")
		out = append(out, h)
	}
	return out
}

func TestSearchPageShowsTheSameResultsAsTheAPIWithFacetsPagesAndMap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		c := browser(t)
		p := get(t, c, site.srv.URL+"/angebote?q=Beratung&per_page=10", "Accept-Language", "de")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		api := site.api(t, "q=Beratung&per_page=10")
		if api.Total < 11 {
			t.Fatalf("the demo data has only %d Beratung offers; the paging check needs more than one page", api.Total)
		}
		status := text(first(t, p.doc, "p", "role", "status"))
		if !strings.Contains(status, strconv.Itoa(api.Total)+" Angebote gefunden") {
			t.Errorf("announced count %q, want %d offers", status, api.Total)
		}
		var want []string
		for _, h := range api.Hits {
			want = append(want, "/angebote/"+h.ID.String())
		}
		if got := resultHrefs(t, p); !slices.Equal(got, want) {
			t.Errorf("page results %v\nAPI results  %v", got, want)
		}
		// The facets are checkboxes with counts; the form keeps the text.
		if v, _ := attr(first(t, p.doc, "input", "name", "q"), "value"); v != "Beratung" {
			t.Errorf("search field value %q", v)
		}
		phases := all(p.doc, "input", "name", "phase")
		if len(phases) < 5 {
			t.Errorf("%d phase checkboxes", len(phases))
		}
		first(t, p.doc, "span", "class", "facet__count")
		// The next page keeps the search and shows the next ten.
		next, ok := attr(first(t, p.doc, "a", "rel", "next"), "href")
		if !ok || !strings.Contains(next, "q=Beratung") || !strings.Contains(next, "page=2") {
			t.Fatalf("next page link %q", next)
		}
		p2 := get(t, c, site.srv.URL+next)
		api2 := site.api(t, "q=Beratung&per_page=10&page=2")
		want = want[:0]
		for _, h := range api2.Hits {
			want = append(want, "/angebote/"+h.ID.String())
		}
		if got := resultHrefs(t, p2); !slices.Equal(got, want) {
			t.Errorf("page 2 results %v\nAPI page 2   %v", got, want)
		}
		// The map has a numbered dot linking to every result on the page.
		svg := first(t, p.doc, "svg", "class", "map__svg")
		dots := all(svg, "a", "class", "result-map__dot")
		if len(dots) < len(api.Hits) {
			t.Errorf("%d dots on the map for %d results", len(dots), len(api.Hits))
		}
		for _, d := range dots {
			if h, _ := attr(d, "href"); !slices.Contains(want, h) && !slices.Contains(resultHrefs(t, p), h) {
				t.Errorf("map dot links to %s, not a result of the page", h)
			}
		}
	})
}

func TestSearchPageFiltersByPlaceLanguageAndTicksTheChosenBoxes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		c := browser(t)
		// ?sprache= is the offer language; ?lang= stays the language of the page.
		p := get(t, c, site.srv.URL+"/angebote?sprache=tr&phase=age_0_3&lang=en&per_page=100")
		api := site.api(t, "lang=tr&phase=age_0_3&per_page=100")
		if api.Total == 0 {
			t.Fatal("no Turkish offers for 0–3 in the demo data")
		}
		if got := len(resultHrefs(t, p)); got != api.Total {
			t.Errorf("%d results on the page, the API finds %d", got, api.Total)
		}
		if lang, _ := attr(first(t, p.doc, "html"), "lang"); lang != "en" {
			t.Errorf("page language %q, want en", lang)
		}
		if _, ok := attr(first(t, p.doc, "input", "name", "sprache", "value", "tr"), "checked"); !ok {
			t.Error("the Turkish box is not ticked")
		}
		if _, ok := attr(first(t, p.doc, "input", "name", "phase", "value", "age_0_3"), "checked"); !ok {
			t.Error("the phase box is not ticked")
		}
		// From a postcode: distances are shown, nearest first, and the place is named.
		var postcode string
		if err := s.StreamSearchDocs(ctx, store.SearchSelection{}, 100, func(b []store.SearchDoc) error {
			for _, d := range b {
				if postcode == "" && len(d.Locations) > 0 {
					postcode = d.Locations[0].PostalCode
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		near := get(t, c, site.srv.URL+"/angebote?lang=de&ort="+postcode+"&radius_km=5")
		if near.status != http.StatusOK {
			t.Fatalf("status %d", near.status)
		}
		if !strings.Contains(text(first(t, near.doc, "p", "role", "status")), postcode) {
			t.Errorf("the count does not name the place: %q", text(first(t, near.doc, "p", "role", "status")))
		}
		if !strings.Contains(near.body, "km entfernt") {
			t.Error("no distances on the results")
		}
		first(t, near.doc, "g", "class", "result-map__you")
		apiNear := site.api(t, "ort="+postcode+"&radius_km=5")
		if got := len(resultHrefs(t, near)); got != min(apiNear.Total, search.DefaultPerPage) {
			t.Errorf("%d results within 5 km on the page, %d from the API", got, apiNear.Total)
		}
	})
}

func TestSearchPageShowsEachBadInputBesideItsFieldWith400(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		c := browser(t)
		for _, tc := range []struct{ query, field, says string }{
			{"ort=Atlantis", "ort", "Atlantis"},
			{"lat=52.3&lon=9.7&radius_km=-5", "radius_km", "Umkreis"},
			{"age_months=abc", "age_months", "Monaten"},
			{"q=" + url.QueryEscape(strings.Repeat("Beratung ", 1200)), "q", "zu lang"},
			{"phase=teenager", "phase", "teenager"},
			{"sprache=klingonisch", "sprache", "klingonisch"},
			{"birth_date=morgen", "birth_date", "Geburtsdatum"},
			{"weekday=8", "weekday", "Wochentag"},
		} {
			p := get(t, c, site.srv.URL+"/angebote?lang=de&"+tc.query)
			if p.status != http.StatusBadRequest {
				t.Errorf("%.40s: status %d, want 400", tc.query, p.status)
				continue
			}
			msg := text(first(t, p.doc, "p", "id", "f-"+tc.field+"-error"))
			if !strings.Contains(msg, tc.says) {
				t.Errorf("%.40s: message beside %s is %q, want it to mention %q", tc.query, tc.field, msg, tc.says)
			}
			first(t, p.doc, "div", "role", "alert")
			if len(all(p.doc, "li", "class", "result")) != 0 {
				t.Errorf("%.40s: results shown for a bad search", tc.query)
			}
			first(t, p.doc, "form", "role", "search") // the form is there to correct the input
		}
		// A value typed into the form comes back into it.
		p := get(t, c, site.srv.URL+"/angebote?lang=de&q=Hebamme&age_months=abc")
		if v, _ := attr(first(t, p.doc, "input", "name", "age_months"), "value"); v != "abc" {
			t.Errorf("age field value %q, want what was typed", v)
		}
		if v, _ := attr(first(t, p.doc, "input", "name", "age_months"), "aria-invalid"); v != "true" {
			t.Error("the bad field is not marked aria-invalid")
		}
	})
}

func TestSearchPageWithoutIndexIsUnavailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, false)
		if p := get(t, browser(t), site.srv.URL+"/angebote?q=Kita"); p.status != http.StatusServiceUnavailable {
			t.Errorf("status %d, want 503", p.status)
		}
	})
}

func TestSearchLogHoldsNoPersonalDataAndCoordinatorsSeeTopicsAndZeroResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		c := browser(t)
		braunschweig := site.kommune(t, "03101000")
		// A postcode of Braunschweig, to search from.
		var postcode string
		if err := s.StreamSearchDocs(ctx, store.SearchSelection{KommuneIDs: []uuid.UUID{braunschweig}}, 100, func(b []store.SearchDoc) error {
			for _, d := range b {
				if postcode == "" && len(d.Locations) > 0 {
					postcode = d.Locations[0].PostalCode
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		const ip, cookie = "203.0.113.77", "geheimes-cookie-4711"
		searches := []string{
			"q=" + url.QueryEscape("Hebamme Lindenstraße 12 "+postcode+" mama@example.de") + "&ort=" + postcode,
			"q=Zauberflötenbau&ort=" + postcode,             // finds nothing
			"q=Zauberflötenbau&ort=" + postcode + "&free=1", // finds nothing again
			"phase=age_0_3&ort=" + postcode,
			"q=" + url.QueryEscape("Tel 0531-555123 Krabbelgruppe") + "&ort=" + postcode,
		}
		wantZero := 0 // the searches whose page says it found nothing
		for _, q := range searches {
			req, err := http.NewRequest(http.MethodGet, site.srv.URL+"/angebote?lang=de&"+q, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Forwarded-For", ip)
			req.Header.Set("X-Real-IP", ip)
			req.AddCookie(&http.Cookie{Name: "kette_session", Value: cookie})
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", q, resp.StatusCode)
			}
			if strings.Contains(string(body), "Keine Angebote gefunden") {
				wantZero++
			}
		}
		if wantZero < 2 || wantZero == len(searches) {
			t.Fatalf("%d of %d searches found nothing; the test needs both kinds", wantZero, len(searches))
		}
		entries, err := s.SearchLogEntries(ctx, tenant.System(), uuid.Nil, time.Time{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(searches) {
			t.Fatalf("%d searches logged, want %d", len(entries), len(searches))
		}
		zero := 0
		for _, e := range entries {
			if e.KommuneID == nil || *e.KommuneID != braunschweig {
				t.Errorf("entry %+v: the postcode must be cut to its Kommune", e)
			}
			stored := strings.Join(append(append([]string{e.Channel}, e.Words...), e.Filters...), " ")
			for _, leak := range []string{ip, cookie, postcode, "@", "lindenstraße", "0531", "555123", "mama"} {
				if strings.Contains(strings.ToLower(stored), leak) {
					t.Errorf("the log holds %q: %s", leak, stored)
				}
			}
			for _, w := range e.Words {
				if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
					t.Errorf("a logged word has digits: %q", w)
				}
			}
			if e.Results == 0 {
				zero++
			}
		}
		if zero != wantZero {
			t.Errorf("%d zero-result searches logged, the pages said %d", zero, wantZero)
		}
		topics, err := s.SearchTopics(ctx, tenant.Kommune(braunschweig), braunschweig, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		counted := map[string]store.SearchTopic{}
		for _, tp := range topics {
			counted[tp.Topic] = tp
		}
		if counted[store.TopicAll].ZeroResults != wantZero || counted["zauberflötenbau"].ZeroResults != 2 ||
			counted["hebamme"].Searches != 1 || counted["phase:age_0_3"].ZeroResults != 0 {
			t.Errorf("topics counted: %+v", counted)
		}

		// The coordinators' page: own Kommune and Land see it, another Kommune gets 404, visitors the login.
		coordinator := site.user(t, auth.User{Email: "koordination@braunschweig.example", DisplayName: "Koordination BS",
			Role: auth.KommuneCoordinator, KommuneID: braunschweig})
		land := site.user(t, auth.User{Email: "land@nds.example", DisplayName: "Land", Role: auth.LandAdmin, LandCode: "03"})
		stranger := site.user(t, auth.User{Email: "koordination@hannover.example", DisplayName: "Koordination H",
			Role: auth.KommuneCoordinator, KommuneID: site.kommune(t, "03241001")})
		path := site.srv.URL + "/verwaltung/kommunen/03101000/suchanfragen?lang=de"
		for _, who := range []string{coordinator, land} {
			p := get(t, c, path, testUserHeader, who)
			if p.status != http.StatusOK {
				t.Fatalf("status %d for %s", p.status, site.users[who].Role)
			}
			tables := all(p.doc, "table")
			if len(tables) != 2 || len(all(p.doc, "svg", "class", "chart")) != 2 {
				t.Fatalf("%d tables and %d charts, want 2 of each", len(tables), len(all(p.doc, "svg", "class", "chart")))
			}
			zeroTable := text(tables[1])
			if !strings.Contains(zeroTable, "zauberflötenbau") || !strings.Contains(zeroTable, "2") {
				t.Errorf("the zero-result table lacks the search: %q", zeroTable)
			}
			if !strings.Contains(text(tables[0]), "hebamme") {
				t.Errorf("the topics table lacks hebamme: %q", text(tables[0]))
			}
			if !strings.Contains(p.body, fmt.Sprintf("%d Suchen, davon %d ohne Ergebnis", len(searches), wantZero)) {
				t.Error("the totals are missing")
			}
		}
		if p := get(t, c, path, testUserHeader, stranger); p.status != http.StatusNotFound {
			t.Errorf("another Kommune's coordinator: status %d, want 404", p.status)
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
			t.Errorf("anonymous: %d to %q, want the login", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestOfferPageLinksRoutePhoneAndMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		site := newSearchSite(t, s, true)
		var id uuid.UUID
		if err := s.StreamSearchDocs(ctx, store.SearchSelection{}, 200, func(b []store.SearchDoc) error {
			for _, d := range b {
				if id == uuid.Nil && len(d.Locations) > 0 && d.Offer.Phone != "" && d.Offer.Email != "" {
					id = d.Offer.ID
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if id == uuid.Nil {
			t.Fatal("no demo offer with a location, phone and e-mail")
		}
		p := get(t, browser(t), site.srv.URL+"/angebote/"+id.String()+"?lang=de")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		route := first(t, p.doc, "a", "href", "https://www.openstreetmap.org/directions?*")
		if !strings.Contains(text(route), "Route") {
			t.Errorf("route link text %q", text(route))
		}
		first(t, p.doc, "a", "href", "tel:*")
		first(t, p.doc, "a", "href", "mailto:*")
	})
}
