package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/webtest"
)

const (
	catHannover     = "03241001"
	catBraunschweig = "03101000"
	catPassword     = "ein langer Satz als Passwort"
)

// signIn creates an account with a password and a session for it, and returns a browser carrying the session
// cookie: the real middleware identifies it like any signed-in user.
func catalogSignIn(t *testing.T, s *store.Store, base string, u auth.User) *webtest.Client {
	t.Helper()
	hash, err := auth.DefaultParams().Hash(catPassword)
	if err != nil {
		t.Fatal(err)
	}
	u.Email = fmt.Sprintf("%s-%s@catalog.example", u.Role, uuid.NewString()[:8])
	u.DisplayName = "Test " + string(u.Role)
	if err := s.CreateUser(ctx, tenant.System(), audit.System("test"), &u, hash); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateSession(ctx, u.ID, auth.SessionTTL, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := webtest.New(t, base)
	at, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP.Jar.SetCookies(at, []*http.Cookie{{Name: auth.SessionCookie, Value: token, Path: "/"}})
	return c
}

func catalogKommune(t *testing.T, s *store.Store, ags string) region.Kommune {
	t.Helper()
	k, err := s.GetKommuneByAGS(ctx, tenant.System(), ags)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// organizations lists all organizations of a Kommune straight from the store.
func catalogOrgs(t *testing.T, s *store.Store, k region.Kommune) []catalog.Organization {
	t.Helper()
	orgs, _, err := s.ListOrganizations(ctx, tenant.System(), store.OrganizationFilter{KommuneID: k.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return orgs
}

// expect checks a page's status and that it says every one of the texts.
func wantPage(t *testing.T, what string, p webtest.Page, status int, texts ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.Status, status, webtest.Excerpt(p.Body))
	}
	for _, s := range texts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: the page does not say %q\n%s", what, s, webtest.Excerpt(p.Body))
		}
	}
}

// checkPage runs the checks every page must pass (one h1, landmarks, no inline style or script).
func checkCatalogPage(t *testing.T, c *webtest.Client, path string) {
	t.Helper()
	p := get(t, c.HTTP, c.Base+path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, p.status)
	}
}

func TestAdministrationOfTheCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := site(t, s)
		hannover := catalogKommune(t, s, catHannover)
		coordinator := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: hannover.ID})

		t.Run("organization is created, edited, found and archived with its offers", func(t *testing.T) {
			orgsPath := "/verwaltung/kommunen/" + catHannover + "/einrichtungen"
			before := len(catalogOrgs(t, s, hannover))
			list := coordinator.Get(orgsPath)
			wantPage(t, "list", list, 200, "Einrichtungen", fmt.Sprintf("%d Einrichtungen", before))
			checkCatalogPage(t, coordinator, orgsPath)
			checkCatalogPage(t, coordinator, orgsPath+"/neu")

			form := coordinator.Get(orgsPath+"/neu").Form(t, "/einrichtungen/neu")
			form.Values.Set("name", " ")
			form.Values.Set("email", "kein-at-zeichen")
			refused := coordinator.Submit(form)
			wantPage(t, "invalid organization", refused, http.StatusUnprocessableEntity, "2 Angaben sind nicht in Ordnung",
				"Pflichtfeld – bitte ausfüllen.", "„kein-at-zeichen“ ist keine gültige E-Mail-Adresse.")
			if n := len(catalogOrgs(t, s, hannover)); n != before {
				t.Fatalf("a refused form saved an organization: %d, want %d", n, before)
			}

			form = refused.Form(t, "/einrichtungen/neu")
			form.Values.Set("name", "Familienbüro Linden-Süd")
			form.Values.Set("kind", "familienbuero")
			form.Values.Set("email", "linden@familienbuero.example")
			form.Values.Set("url", "https://familienbuero.example/linden")
			form.Values.Set("phone", "0511 123456")
			form.Values.Set("description", "Beratung für Familien im Stadtteil.")
			created := coordinator.Submit(form)
			if created.Status != http.StatusSeeOther || !strings.HasPrefix(created.Location, "/verwaltung/einrichtungen/") {
				t.Fatalf("create: %d %q\n%s", created.Status, created.Location, webtest.Excerpt(created.Body))
			}
			id, err := uuid.Parse(strings.TrimPrefix(strings.TrimSuffix(created.Location, "?angelegt"), "/verwaltung/einrichtungen/"))
			if err != nil {
				t.Fatalf("redirect to %q", created.Location)
			}
			org, err := s.GetOrganization(ctx, tenant.System(), id)
			if err != nil || org.Name != "Familienbüro Linden-Süd" || org.Kind != "familienbuero" || org.KommuneID != hannover.ID ||
				org.Website != "https://familienbuero.example/linden" || org.Phone != "0511 123456" {
				t.Fatalf("stored organization %+v, %v", org, err)
			}
			edit := coordinator.Follow(created)
			wantPage(t, "edit page", edit, 200, "Die Einrichtung ist angelegt", "Diese Einrichtung hat noch keinen Standort.")
			checkCatalogPage(t, coordinator, "/verwaltung/einrichtungen/"+id.String())

			form = edit.Form(t, "/verwaltung/einrichtungen/"+id.String())
			form.Values.Set("name", "Familienbüro Linden")
			saved := coordinator.Submit(form)
			wantPage(t, "save", saved, http.StatusSeeOther)
			if org, _ := s.GetOrganization(ctx, tenant.System(), id); org.Name != "Familienbüro Linden" || org.Email != "linden@familienbuero.example" {
				t.Errorf("after editing: %+v", org)
			}

			found := coordinator.Get(orgsPath + "?name=" + url.QueryEscape("büro lind"))
			wantPage(t, "search", found, 200, "1 Einrichtung", "Familienbüro Linden")

			loc := catalog.Location{OrganizationID: id, Name: "Büro", Address1: "Limmerstraße 1", PostalCode: "30451", City: "Hannover",
				Latitude: 52.37, Longitude: 9.71}
			if err := s.CreateLocation(ctx, tenant.System(), audit.System("test"), &loc); err != nil {
				t.Fatal(err)
			}
			offer := catalog.Offer{OrganizationID: id, Name: "Offene Sprechstunde Linden", Status: catalog.StatusActive,
				Phases: []string{"age_0_3"}, Fields: []string{"family_education"}, TargetGroups: []string{}, Transitions: []string{},
				Languages: []string{"de"}, Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOnSite},
				LocationIDs: []uuid.UUID{loc.ID}}
			if err := s.CreateOffer(ctx, tenant.System(), audit.System("test"), &offer); err != nil {
				t.Fatal(err)
			}
			if p := get(t, browser(t), srv.URL+"/angebote/"+offer.ID.String()); p.status != 200 {
				t.Fatalf("public offer before archiving: %d", p.status)
			}
			edit = coordinator.Get("/verwaltung/einrichtungen/" + id.String())
			wantPage(t, "edit page with a location", edit, 200, "Limmerstraße 1, 30451 Hannover", "Einrichtung archivieren")
			archived := coordinator.Submit(edit.Form(t, "/archivieren"))
			wantPage(t, "archive", archived, http.StatusSeeOther)
			wantPage(t, "after archiving", coordinator.Follow(archived), 200, "1 Angebot wurde auf „inaktiv“ gesetzt",
				"Ihre Angebote sind nicht mehr öffentlich")
			if o, _ := s.GetOffer(ctx, tenant.System(), offer.ID); o.Status != catalog.StatusInactive {
				t.Errorf("offer of the archived organization is %q, want inactive", o.Status)
			}
			if p := get(t, browser(t), srv.URL+"/angebote/"+offer.ID.String()); p.status != http.StatusNotFound {
				t.Errorf("the public still sees the offer of an archived organization: %d", p.status)
			}
			wantPage(t, "list after archiving", coordinator.Get(orgsPath+"?name=Linden"), 200, "archiviert")

			restored := coordinator.Submit(coordinator.Get("/verwaltung/einrichtungen/"+id.String()).Form(t, "/reaktivieren"))
			wantPage(t, "restore", restored, http.StatusSeeOther)
			wantPage(t, "after restoring", coordinator.Follow(restored), 200, "Die Einrichtung ist wieder aktiv")
			if org, _ := s.GetOrganization(ctx, tenant.System(), id); org.ArchivedAt != nil {
				t.Errorf("restored organization is still archived since %v", org.ArchivedAt)
			}
		})

		t.Run("location with bad coordinates is refused per field and nothing is saved", func(t *testing.T) {
			org := catalogOrgs(t, s, hannover)[0]
			locs, err := s.ListLocations(ctx, tenant.System(), store.LocationFilter{OrganizationID: org.ID})
			if err != nil {
				t.Fatal(err)
			}
			newPath := "/verwaltung/einrichtungen/" + org.ID.String() + "/standorte/neu"
			checkCatalogPage(t, coordinator, newPath)
			page := coordinator.Get(newPath)
			fill := func(f webtest.Form, lat, lon string) webtest.Form {
				f.Values.Set("name", "Außenstelle")
				f.Values.Set("address_1", "Lange Laube 2")
				f.Values.Set("postal_code", "30159")
				f.Values.Set("city", "Hannover")
				f.Values.Set("latitude", lat)
				f.Values.Set("longitude", lon)
				f.Values.Set("h1_0_opens", "09:00")
				f.Values.Set("h1_0_closes", "12:00")
				return f
			}
			paris := coordinator.Submit(fill(page.Form(t, "/standorte/neu"), "48,8566", "2,3522"))
			wantPage(t, "coordinates in Paris", paris, http.StatusUnprocessableEntity,
				"Die Koordinaten liegen nicht in Deutschland", `id="f-latitude" name="latitude" type="text" value="48,8566" aria-invalid="true"`,
				`value="2,3522"`, `value="09:00"`)
			letters := coordinator.Submit(fill(page.Form(t, "/standorte/neu"), "52,37", "neun"))
			wantPage(t, "a coordinate that is no number", letters, http.StatusUnprocessableEntity, "„neun“ ist keine Zahl",
				`id="f-longitude" name="longitude" type="text" value="neun" aria-invalid="true"`)
			half := coordinator.Submit(fill(page.Form(t, "/standorte/neu"), "52,37", ""))
			wantPage(t, "one coordinate", half, http.StatusUnprocessableEntity, "Bitte geben Sie beide Koordinaten an")
			unknown := fill(page.Form(t, "/standorte/neu"), "", "")
			unknown.Values.Set("postal_code", "99999")
			wantPage(t, "unknown postcode without coordinates", coordinator.Submit(unknown), http.StatusUnprocessableEntity,
				"Für die Postleitzahl „99999“ kennt Kette noch keine Lage")
			after, err := s.ListLocations(ctx, tenant.System(), store.LocationFilter{OrganizationID: org.ID})
			if err != nil || len(after) != len(locs) {
				t.Fatalf("refused forms saved locations: %d, want %d (%v)", len(after), len(locs), err)
			}

			// Without coordinates, a postcode the catalogue knows places the location at its mean position.
			known := locatedLocation(t, s, hannover)
			derived := fill(page.Form(t, "/standorte/neu"), "", "")
			derived.Values.Set("postal_code", known.PostalCode)
			created := coordinator.Submit(derived)
			wantPage(t, "location placed by its postcode", created, http.StatusSeeOther)
			after, _ = s.ListLocations(ctx, tenant.System(), store.LocationFilter{OrganizationID: org.ID})
			var added *catalog.Location
			for i := range after {
				if after[i].Name == "Außenstelle" {
					added = &after[i]
				}
			}
			if added == nil || !region.InGermany(added.Latitude, added.Longitude) || len(added.OpeningHours) != 1 {
				t.Fatalf("location placed by postcode: %+v", added)
			}

			// Moved onto a known location inside a Sozialraum, the map names that Sozialraum.
			editPath := "/verwaltung/standorte/" + added.ID.String()
			checkCatalogPage(t, coordinator, editPath)
			form := coordinator.Get(editPath).Form(t, editPath)
			form.Values.Set("latitude", fmt.Sprint(known.Latitude))
			form.Values.Set("longitude", fmt.Sprint(known.Longitude))
			form.Values.Set("wheelchair_accessible", "1")
			wantPage(t, "move location", coordinator.Submit(form), http.StatusSeeOther)
			moved, err := s.GetLocation(ctx, tenant.System(), added.ID)
			if err != nil || moved.AreaID == nil || *moved.AreaID != *known.AreaID || !moved.WheelchairAccessible {
				t.Fatalf("moved location %+v, want area %v (%v)", moved, known.AreaID, err)
			}
			area, err := s.GetArea(ctx, tenant.System(), *known.AreaID)
			if err != nil {
				t.Fatal(err)
			}
			wantPage(t, "location page", coordinator.Get(editPath), 200, `class="map__point"`,
				"Der Standort liegt im Sozialraum "+area.Name+".")
		})

		t.Run("GeoJSON upload: good, invalid and self-intersecting", func(t *testing.T) {
			areasPath := "/verwaltung/kommunen/" + catHannover + "/sozialraeume"
			checkCatalogPage(t, coordinator, areasPath)
			before, err := s.ListAreas(ctx, tenant.System(), hannover.ID)
			if err != nil || len(before) < 2 {
				t.Fatalf("areas of Hannover: %d %v", len(before), err)
			}
			page := coordinator.Get(areasPath)
			wantPage(t, "areas page", page, 200, before[0].Name, "Sozialräume hochladen")
			csrf := page.CSRF()

			first := before[0]
			c := first.Geometry.Bound().Center()
			bowtie := orb.Polygon{{{c.X() - 0.01, c.Y() - 0.01}, {c.X() + 0.01, c.Y() + 0.01}, {c.X() + 0.01, c.Y() - 0.01},
				{c.X() - 0.01, c.Y() + 0.01}, {c.X() - 0.01, c.Y() - 0.01}}}
			paris := testSquare(48.85, 2.35)
			good := geoFeature(t, first.Key, first.Name+" (neu gezeichnet)", first.Geometry, map[string]any{"children_0_2": 321})
			fresh := geoFeature(t, 9901, "Testviertel", testSquare(c.Y(), c.X()), nil)

			for _, bad := range []struct {
				name     string
				features []string
				want     []string
			}{
				{"self-intersecting", []string{good, geoFeature(t, "S2", "Schleife", bowtie, nil)},
					[]string{"Fläche 2 („Schleife“) schneidet sich selbst"}},
				{"outside Germany and without key", []string{good, fresh, geoFeature(t, "P", "Paris", paris, nil), geoFeature(t, nil, "", testSquare(c.Y(), c.X()), nil)},
					[]string{"Fläche 3 („Paris“): Die Koordinaten liegen nicht in Deutschland", "Fläche 4 („ohne Namen“) hat keinen Schlüssel"}},
				{"hole outside its polygon", []string{geoFeature(t, "L", "Loch", append(testSquare(c.Y(), c.X()), testSquare(c.Y()+0.1, c.X())[0]), nil)},
					[]string{"Fläche 1 („Loch“) ist ungültig"}},
				{"open ring", []string{`{"type":"Feature","properties":{"key":"O","name":"Offen"},"geometry":{"type":"Polygon","coordinates":[[[9.7,52.3],[9.8,52.3],[9.8,52.4],[9.7,52.4]]]}}`},
					[]string{"Fläche 1 („Offen“): Jeder Ring der Fläche braucht mindestens vier Punkte und muss geschlossen sein"}},
				{"negative children", []string{geoFeature(t, "N", "Nordstadt", testSquare(c.Y(), c.X()), map[string]any{"children_3_5": -4})},
					[]string{"Fläche 1 („Nordstadt“): „children_3_5“ muss eine ganze Zahl ab 0 sein"}},
			} {
				p := uploadGeoJSON(t, coordinator, areasPath+"/hochladen", csrf, geoCollection(bad.features...))
				wantPage(t, bad.name, p, http.StatusUnprocessableEntity, bad.want...)
			}
			wantPage(t, "not GeoJSON", uploadGeoJSON(t, coordinator, areasPath+"/hochladen", csrf, `{"type":"Feature"}`),
				http.StatusUnprocessableEntity, "keine GeoJSON-FeatureCollection")
			unchanged, err := s.ListAreas(ctx, tenant.System(), hannover.ID)
			if err != nil || len(unchanged) != len(before) || unchanged[0].Name != first.Name || unchanged[0].Version != first.Version {
				t.Fatalf("a refused upload changed the areas: %d areas (want %d), first %q v%d", len(unchanged), len(before),
					unchanged[0].Name, unchanged[0].Version)
			}

			// The file is the whole boundary set: the Sozialräume it leaves out are shown as ending first.
			preview := uploadGeoJSON(t, coordinator, areasPath+"/hochladen", csrf, geoCollection(good, fresh))
			wantPage(t, "good upload", preview, http.StatusOK, before[1].Name, before[len(before)-1].Name)
			ok := coordinator.Submit(preview.Form(t, "/sozialraeume/uebernehmen"))
			wantPage(t, "confirmed upload", ok, http.StatusSeeOther)
			wantPage(t, "after upload", coordinator.Follow(ok), 200, "Hochgeladen: 1 neu, 1 aktualisiert", "Testviertel")
			after, err := s.ListAreas(ctx, tenant.System(), hannover.ID)
			if err != nil || len(after) != 2 {
				t.Fatalf("areas after upload: %d, want the 2 of the file (%v)", len(after), err)
			}
			for _, a := range after {
				switch a.Key {
				case first.Key:
					if a.ID != first.ID || a.Name != first.Name+" (neu gezeichnet)" || a.Version != first.Version+1 || a.Children.Age0to2 != 321 {
						t.Errorf("updated area %+v", a)
					}
				case "9901":
					if a.Name != "Testviertel" {
						t.Errorf("new area %+v", a)
					}
				}
			}
			// The replaced boundaries are kept as the version valid up to yesterday (versioned Sozialräume).
			versions, err := s.AreaVersions(ctx, tenant.System(), hannover.ID)
			if err != nil {
				t.Fatal(err)
			}
			kept := false
			for _, v := range versions {
				kept = kept || v.ID == first.ID && v.Version == first.Version && !v.Current && v.Name == first.Name && v.ValidTo != nil
			}
			if !kept {
				t.Errorf("the replaced version of %s was not kept: %+v", first.Name, versions)
			}
		})

		t.Run("provider editor edits only their own organization", func(t *testing.T) {
			orgs := catalogOrgs(t, s, hannover)
			own, foreign := orgs[1], orgs[2]
			editor := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.ProviderEditor, KommuneID: hannover.ID, OrganizationIDs: []uuid.UUID{own.ID}})
			list := editor.Get("/verwaltung/kommunen/" + catHannover + "/einrichtungen")
			wantPage(t, "editor's list", list, 200, own.Name, "1 Einrichtung")
			if strings.Contains(list.Body, "/einrichtungen/neu") {
				t.Error("the editor is offered to add organizations")
			}
			page := editor.Get("/verwaltung/einrichtungen/" + own.ID.String())
			wantPage(t, "own organization", page, 200, own.Name)
			if strings.Contains(page.Body, "/archivieren") {
				t.Error("the editor is offered to archive")
			}
			form := page.Form(t, "/verwaltung/einrichtungen/"+own.ID.String())
			form.Values.Set("description", "Von der Einrichtung selbst gepflegt.")
			wantPage(t, "save own organization", editor.Submit(form), http.StatusSeeOther)
			if got, _ := s.GetOrganization(ctx, tenant.System(), own.ID); got.Description != "Von der Einrichtung selbst gepflegt." {
				t.Errorf("own organization after saving: %q", got.Description)
			}

			csrf := page.CSRF()
			wantPage(t, "foreign organization", editor.Get("/verwaltung/einrichtungen/"+foreign.ID.String()), http.StatusForbidden)
			hijack := url.Values{"csrf": {csrf}, "name": {"Übernommen"}, "kind": {foreign.Kind}}
			wantPage(t, "save foreign organization", editor.Post("/verwaltung/einrichtungen/"+foreign.ID.String(), hijack), http.StatusForbidden)
			wantPage(t, "archive", editor.Post("/verwaltung/einrichtungen/"+own.ID.String()+"/archivieren", url.Values{"csrf": {csrf}}), http.StatusForbidden)
			wantPage(t, "new organization", editor.Get("/verwaltung/kommunen/"+catHannover+"/einrichtungen/neu"), http.StatusForbidden)
			wantPage(t, "create organization", editor.Post("/verwaltung/kommunen/"+catHannover+"/einrichtungen/neu", hijack), http.StatusForbidden)
			wantPage(t, "location of a foreign organization", editor.Get("/verwaltung/einrichtungen/"+foreign.ID.String()+"/standorte/neu"), http.StatusForbidden)
			wantPage(t, "upload areas", uploadGeoJSON(t, editor, "/verwaltung/kommunen/"+catHannover+"/sozialraeume/hochladen", csrf, geoCollection()),
				http.StatusForbidden)
			if got, _ := s.GetOrganization(ctx, tenant.System(), foreign.ID); got.Name != foreign.Name {
				t.Errorf("the foreign organization was renamed to %q", got.Name)
			}
		})

		t.Run("a coordinator of another Kommune gets not found", func(t *testing.T) {
			braunschweig := catalogKommune(t, s, catBraunschweig)
			other := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: braunschweig.ID})
			org := catalogOrgs(t, s, hannover)[0]
			loc := locatedLocation(t, s, hannover)
			csrf := other.Get("/verwaltung/kommunen/" + catBraunschweig + "/sozialraeume").CSRF()
			if csrf == "" {
				t.Fatal("no form token on the own areas page")
			}
			form := url.Values{"csrf": {csrf}, "name": {"Übernommen"}, "kind": {"verein"}}
			for _, p := range []string{"/verwaltung/kommunen/" + catHannover + "/einrichtungen", "/verwaltung/kommunen/" + catHannover + "/einrichtungen/neu",
				"/verwaltung/einrichtungen/" + org.ID.String(), "/verwaltung/einrichtungen/" + org.ID.String() + "/standorte/neu",
				"/verwaltung/standorte/" + loc.ID.String(), "/verwaltung/kommunen/" + catHannover + "/sozialraeume"} {
				wantPage(t, "GET "+p, other.Get(p), http.StatusNotFound)
			}
			for _, p := range []string{"/verwaltung/kommunen/" + catHannover + "/einrichtungen/neu", "/verwaltung/einrichtungen/" + org.ID.String(),
				"/verwaltung/einrichtungen/" + org.ID.String() + "/archivieren", "/verwaltung/einrichtungen/" + org.ID.String() + "/standorte/neu",
				"/verwaltung/standorte/" + loc.ID.String()} {
				wantPage(t, "POST "+p, other.Post(p, form), http.StatusNotFound)
			}
			wantPage(t, "upload", uploadGeoJSON(t, other, "/verwaltung/kommunen/"+catHannover+"/sozialraeume/hochladen", csrf, geoCollection()), http.StatusNotFound)
			if got, _ := s.GetOrganization(ctx, tenant.System(), org.ID); got.Name != org.Name || got.ArchivedAt != nil {
				t.Errorf("the other Kommune's organization changed: %+v", got)
			}
		})

		t.Run("a form without its token is refused", func(t *testing.T) {
			org := catalogOrgs(t, s, hannover)[0]
			p := coordinator.Post("/verwaltung/einrichtungen/"+org.ID.String(), url.Values{"name": {"Ohne Token"}, "kind": {org.Kind}})
			wantPage(t, "POST without csrf", p, http.StatusForbidden)
			p = uploadGeoJSON(t, coordinator, "/verwaltung/kommunen/"+catHannover+"/sozialraeume/hochladen", "", geoCollection())
			wantPage(t, "upload without csrf", p, http.StatusForbidden)
			if got, _ := s.GetOrganization(ctx, tenant.System(), org.ID); got.Name == "Ohne Token" {
				t.Error("a form without token was saved")
			}
		})

		t.Run("signed out, the pages lead to the login", func(t *testing.T) {
			p := webtest.New(t, srv.URL).Get("/verwaltung/kommunen/" + catHannover + "/einrichtungen")
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/anmelden") {
				t.Errorf("anonymous: %d %q", p.Status, p.Location)
			}
		})
	})
}

// pickLocated is a location of the Kommune that lies in a Sozialraum.
func locatedLocation(t *testing.T, s *store.Store, k region.Kommune) catalog.Location {
	t.Helper()
	for _, o := range catalogOrgs(t, s, k) {
		locs, err := s.ListLocations(ctx, tenant.System(), store.LocationFilter{OrganizationID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range locs {
			if l.AreaID != nil {
				return l
			}
		}
	}
	t.Fatal("no location inside a Sozialraum")
	return catalog.Location{}
}

// square is a small closed ring around (lat, lon).
func testSquare(lat, lon float64) orb.Polygon {
	d := 0.003
	return orb.Polygon{{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}
}

// feature writes one GeoJSON feature; a nil key or an empty name is left out.
func geoFeature(t *testing.T, key any, name string, g orb.Geometry, extra map[string]any) string {
	t.Helper()
	geo, err := region.GeoJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	props := map[string]any{}
	if key != nil {
		props["key"] = key
	}
	if name != "" {
		props["name"] = name
	}
	for k, v := range extra {
		props[k] = v
	}
	p, err := json.Marshal(props)
	if err != nil {
		t.Fatal(err)
	}
	return `{"type":"Feature","properties":` + string(p) + `,"geometry":` + string(geo) + `}`
}

func geoCollection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// upload sends a GeoJSON file as the upload form does (multipart), with the form token when given.
func uploadGeoJSON(t *testing.T, c *webtest.Client, path, csrf, content string) webtest.Page {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		if err := w.WriteField("csrf", csrf); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("geojson", "sozialraeume.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, c.Base+path, &body)
	req.RequestURI = ""
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}
