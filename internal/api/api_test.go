package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/api"
	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var ctx = context.Background()

type fixture struct {
	srv      *httptest.Server
	kommune  region.Kommune
	area     region.Area
	org      catalog.Organization
	loc      catalog.Location
	offer    catalog.Offer
	inactive catalog.Offer
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func setup(t *testing.T, s *store.Store) fixture {
	t.Helper()
	var f fixture
	actor, sys := audit.System("test"), tenant.System()
	must(t, s.UpsertLand(ctx, actor, region.Land{Code: "03", Name: "Niedersachsen"}))
	f.kommune = region.Kommune{AGS: "03403000", ARS: "034030000000", Name: "Oldenburg (Oldb)", Type: region.TypeKreisfreieStadt, LandCode: "03"}
	must(t, s.CreateKommune(ctx, actor, &f.kommune))
	f.area = region.Area{KommuneID: f.kommune.ID, Key: "03", Name: "Eversten",
		Geometry: orb.Polygon{{{8.18, 53.13}, {8.21, 53.13}, {8.21, 53.15}, {8.18, 53.15}, {8.18, 53.13}}},
		Children: region.Children{Age0to2: 410, Age3to5: 380, Age6to9: 520, Age10to15: 730, Age16to20: 690}}
	must(t, s.CreateArea(ctx, sys, actor, &f.area))
	f.org = catalog.Organization{KommuneID: f.kommune.ID, Name: "Familienzentrum Eversten", Kind: "familienzentrum",
		Email: "kontakt@fz-eversten.example", Phone: "0441 123 45"}
	must(t, s.CreateOrganization(ctx, sys, actor, &f.org))
	f.loc = catalog.Location{OrganizationID: f.org.ID, Name: "Familienzentrum", Address1: "Hauptstraße 10", PostalCode: "26122",
		City: "Oldenburg", Latitude: 53.14, Longitude: 8.195}
	must(t, s.CreateLocation(ctx, sys, actor, &f.loc))
	min, max := 0, 36
	f.offer = catalog.Offer{OrganizationID: f.org.ID, Name: "Eltern-Kind-Gruppe", Description: "Spielen, singen, austauschen.",
		Status: catalog.StatusActive, Phases: []string{"age_0_3"}, Fields: []string{"family_education"},
		Languages: []string{"de", "ar"}, MinimumAgeMonths: &min, MaximumAgeMonths: &max, Cost: catalog.CostFree,
		Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOnSite}, LocationIDs: []uuid.UUID{f.loc.ID}}
	must(t, s.CreateOffer(ctx, sys, actor, &f.offer))
	f.inactive = f.offer
	f.inactive.ID, f.inactive.Name, f.inactive.Status = uuid.Nil, "Ruhende Gruppe", catalog.StatusInactive
	must(t, s.CreateOffer(ctx, sys, actor, &f.inactive))
	bundle, err := i18n.New()
	must(t, err)
	f.srv = httptest.NewServer(api.New(api.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler)}))
	t.Cleanup(f.srv.Close)
	return f
}

// get fetches path and decodes the JSON body into v (if not nil); it returns the status.
func get(t *testing.T, f fixture, method, path string, body io.Reader, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		t.Fatalf("%s %s: content type %q", method, path, resp.Header.Get("Content-Type"))
	}
	if v != nil {
		must(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp.StatusCode
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

func TestKommunenListAndDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var list struct {
			Items []region.KommuneSummary `json:"items"`
			Total int                     `json:"total"`
		}
		if code := get(t, f, "GET", "/api/v1/kommunen", nil, &list); code != 200 || list.Total != 1 || list.Items[0].AGS != "03403000" {
			t.Fatalf("kommunen: %d %+v", code, list)
		}
		if k := list.Items[0]; k.Areas != 1 || k.Organizations != 1 || k.Offers != 1 {
			t.Fatalf("counts (the inactive offer is not public): %+v", k)
		}
		var k region.KommuneSummary
		if code := get(t, f, "GET", "/api/v1/kommunen/03403000", nil, &k); code != 200 || k.Name != "Oldenburg (Oldb)" || k.ARS != "034030000000" {
			t.Fatalf("kommune: %d %+v", code, k)
		}
		var e apiError
		if code := get(t, f, "GET", "/api/v1/kommunen/03101000", nil, &e); code != 404 || e.Error.Code != "not_found" ||
			e.Error.Message != "Diese Kommune ist nicht bekannt." {
			t.Fatalf("unknown AGS: %d %+v", code, e)
		}
		if code := get(t, f, "GET", "/api/v1/kommunen/0340", nil, &e); code != 400 || e.Error.Code != "bad_request" {
			t.Fatalf("malformed AGS: %d %+v", code, e)
		}
	})
}

func TestAreasAreAGeoJSONFeatureCollection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				Type     string `json:"type"`
				Geometry struct {
					Type        string        `json:"type"`
					Coordinates [][][]float64 `json:"coordinates"`
				} `json:"geometry"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if code := get(t, f, "GET", "/api/v1/kommunen/03403000/areas", nil, &fc); code != 200 {
			t.Fatalf("status %d", code)
		}
		for _, path := range []string{"/api/v1/kommunen/03403000/areas", "/api/v1/areas/" + f.area.ID.String()} {
			resp, err := http.Get(f.srv.URL + path)
			must(t, err)
			resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "application/geo+json" {
				t.Errorf("%s: content type %q, want application/geo+json", path, ct)
			}
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
			t.Fatalf("collection: %+v", fc)
		}
		ft := fc.Features[0]
		if ft.Geometry.Type != "Polygon" || len(ft.Geometry.Coordinates[0]) != 5 || ft.Geometry.Coordinates[0][0][0] != 8.18 {
			t.Fatalf("geometry: %+v", ft.Geometry)
		}
		if ft.Properties["key"] != "03" || ft.Properties["name"] != "Eversten" || ft.Properties["children_total"] != float64(2730) {
			t.Fatalf("properties: %+v", ft.Properties)
		}
	})
}

func TestOfferAndOrganizationDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var o struct {
			catalog.Offer
			Organization catalog.Organization `json:"organization"`
			Locations    []catalog.Location   `json:"locations"`
		}
		if code := get(t, f, "GET", "/api/v1/offers/"+f.offer.ID.String(), nil, &o); code != 200 {
			t.Fatalf("status %d", code)
		}
		if o.Name != "Eltern-Kind-Gruppe" || o.Organization.Name != "Familienzentrum Eversten" || len(o.Locations) != 1 ||
			o.Locations[0].AreaID == nil || *o.Locations[0].AreaID != f.area.ID || len(o.Languages) != 2 || *o.MaximumAgeMonths != 36 {
			t.Fatalf("offer: %+v", o)
		}
		var e apiError
		if code := get(t, f, "GET", "/api/v1/offers/"+f.inactive.ID.String(), nil, &e); code != 404 {
			t.Fatalf("inactive offer is public: %d", code)
		}
		if code := get(t, f, "GET", "/api/v1/offers/"+uuid.NewString(), nil, &e); code != 404 || e.Error.Code != "not_found" {
			t.Fatalf("unknown offer: %d %+v", code, e)
		}
		for _, bad := range []string{"123", "not-a-uuid", strings.ReplaceAll(f.offer.ID.String(), "-", "")} {
			if code := get(t, f, "GET", "/api/v1/offers/"+bad, nil, &e); code != 400 || e.Error.Code != "bad_request" ||
				!strings.Contains(e.Error.Message, "UUID") {
				t.Fatalf("malformed id %q: %d %+v", bad, code, e)
			}
		}
		var org struct {
			catalog.Organization
			Locations []catalog.Location `json:"locations"`
		}
		if code := get(t, f, "GET", "/api/v1/organizations/"+f.org.ID.String(), nil, &org); code != 200 ||
			org.Kind != "familienzentrum" || len(org.Locations) != 1 {
			t.Fatalf("organization: %d %+v", code, org)
		}
		if code := get(t, f, "GET", "/api/v1/organizations/"+uuid.NewString(), nil, &e); code != 404 {
			t.Fatalf("unknown organization: %d", code)
		}
	})
}

func TestOfferListIsPaginatedAndValidatesItsQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var list struct {
			Items []catalog.OfferSummary `json:"items"`
			Total int                    `json:"total"`
			Page  int                    `json:"page"`
		}
		if code := get(t, f, "GET", "/api/v1/kommunen/03403000/offers?phase=age_0_3", nil, &list); code != 200 || list.Total != 1 ||
			list.Items[0].OrganizationName != "Familienzentrum Eversten" {
			t.Fatalf("offers: %d %+v", code, list)
		}
		if code := get(t, f, "GET", "/api/v1/kommunen/03403000/offers?phase=age_6_10", nil, &list); code != 200 || list.Total != 0 || list.Items == nil {
			t.Fatalf("offers of another phase: %d %+v", code, list)
		}
		var e apiError
		code := get(t, f, "GET", "/api/v1/kommunen/03403000/offers?page=0&per_page=1000&phase=baby", nil, &e)
		if code != 422 || e.Error.Code != "invalid" || len(e.Error.Fields) != 2 {
			t.Fatalf("bad query: %d %+v", code, e)
		}
	})
}

func TestValidateAnswers422WithGermanFieldMessagesAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		body := `{"name":"","organization_id":"` + f.org.ID.String() + `","status":"active","phases":["age_0_3","teenager"],
			"fields":["health"],"minimum_age_months":24,"maximum_age_months":12,"cost":"free","access":"open","delivery":["online"],
			"schedule":{"timezone":"Europe/Berlin"}}`
		var e apiError
		if code := get(t, f, "POST", "/api/v1/validate/offer", strings.NewReader(body), &e); code != 422 {
			t.Fatalf("status %d, want 422: %+v", code, e)
		}
		got := map[string]string{}
		for _, fe := range e.Error.Fields {
			got[fe.Field] = fe.Message
		}
		want := map[string]string{
			"name":               "Name: Pflichtfeld – bitte ausfüllen.",
			"phases":             "Lebensphasen: „teenager“ ist kein bekannter Wert.",
			"minimum_age_months": "Mindestalter: Das Mindestalter (24 Monate) liegt über dem Höchstalter (12 Monate).",
		}
		for field, msg := range want {
			if got[field] != msg {
				t.Errorf("field %s: got %q, want %q", field, got[field], msg)
			}
		}
		kommune := `{"ags":"1234","ars":"031010000000","name":"X","type":"kreisfreie_stadt","land_code":"03"}`
		if code := get(t, f, "POST", "/api/v1/validate/kommune", strings.NewReader(kommune), &e); code != 422 ||
			e.Error.Fields[0].Field != "ags" || !strings.Contains(e.Error.Fields[0].Message, "AGS: „1234“ ist kein gültiger Amtlicher Gemeindeschlüssel") {
			t.Fatalf("kommune: %d %+v", code, e)
		}
		if code := get(t, f, "POST", "/api/v1/validate/offer", strings.NewReader(`{"name": 5}`), &e); code != 422 ||
			e.Error.Fields[0].Field != "name" || strings.Contains(e.Error.Fields[0].Message, "json:") {
			t.Fatalf("wrong type: %d %+v", code, e)
		}
		if code := get(t, f, "POST", "/api/v1/validate/offer", strings.NewReader(`{"titel": "x"}`), &e); code != 422 ||
			e.Error.Fields[0].Field != "titel" {
			t.Fatalf("unknown field: %d %+v", code, e)
		}
		var ok map[string]bool
		valid := `{"name":"Sprechstunde","organization_id":"` + f.org.ID.String() + `","status":"active","phases":["pregnancy"],
			"fields":["health"],"cost":"free","access":"open","delivery":["phone"],"schedule":{"timezone":"Europe/Berlin"}}`
		if code := get(t, f, "POST", "/api/v1/validate/offer", strings.NewReader(valid), &ok); code != 200 || !ok["valid"] {
			t.Fatalf("valid offer: %d %v", code, ok)
		}
		_, total, err := s.ListOffers(ctx, tenant.System(), store.OfferFilter{KommuneID: f.kommune.ID})
		if err != nil || total != 2 {
			t.Fatalf("validation wrote something: %d offers, err %v", total, err)
		}
	})
}

func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		var e apiError
		if code := get(t, f, "GET", "/api/v1/nichts", nil, &e); code != 404 || e.Error.Code != "not_found" {
			t.Fatalf("unknown route: %d %+v", code, e)
		}
		if code := get(t, f, "DELETE", "/api/v1/kommunen", nil, &e); code != 405 || e.Error.Code != "method_not_allowed" {
			t.Fatalf("wrong method: %d %+v", code, e)
		}
		var taxs struct {
			Taxonomies []struct {
				Code    string `json:"code"`
				Version int    `json:"version"`
				Terms   []struct {
					Code    string `json:"code"`
					LabelDE string `json:"label_de"`
					URI     string `json:"term_uri"`
				} `json:"terms"`
			} `json:"taxonomies"`
		}
		if code := get(t, f, "GET", "/api/v1/taxonomies", nil, &taxs); code != 200 || len(taxs.Taxonomies) != 6 {
			t.Fatalf("taxonomies: %d %d", code, len(taxs.Taxonomies))
		}
		for _, tx := range taxs.Taxonomies {
			if tx.Version < 1 || len(tx.Terms) == 0 || !strings.HasPrefix(tx.Terms[0].URI, "urn:kette:taxonomy:"+tx.Code+":") {
				t.Fatalf("taxonomy %s: %+v", tx.Code, tx.Terms[:1])
			}
		}
	})
}
