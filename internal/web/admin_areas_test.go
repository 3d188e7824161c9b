package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/webtest"
)

// An upload of Sozialräume with "Gültig ab" that leaves Areas out shows them as ending the day before and
// changes nothing; confirmed, it retires them (an analysis of the day before still has them); when the
// Sozialräume changed in between, the confirmation saves nothing; another Kommune cannot confirm it.
func TestAreaUploadShowsAndRetiresTheAreasItLeavesOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := site(t, s)
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		de := bundle.For("de")
		ags := demo.GapHealthKommuneAGS
		k := catalogKommune(t, s, ags)
		areasPath := "/verwaltung/kommunen/" + ags + "/sozialraeume"
		areas, err := s.ListAreas(ctx, tenant.System(), k.ID)
		if err != nil || len(areas) < 3 {
			t.Fatalf("areas: %d %v", len(areas), err)
		}
		gone := areas[1]
		var features []string
		for _, a := range areas {
			if a.ID != gone.ID {
				features = append(features, areaFeature(t, a))
			}
		}
		file := geoCollection(features...)
		lastDay := catalog.DateOf(demo.ReferenceDate)
		cut := catalog.DateOf(demo.ReferenceDate.AddDate(0, 0, 1))

		coordinator := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: k.ID})
		csrf := coordinator.Get(areasPath).CSRF()
		preview := uploadAreaSet(t, coordinator, areasPath+"/hochladen", csrf, file, cut.String())
		wantPage(t, "preview", preview, http.StatusOK, htmlEscape(gone.Name), lastDay.Time().Format(de.T("format.date")),
			htmlEscape(de.T("areaupload.ended_heading", map[string]any{"Count": 1})))
		if now, _ := s.ListAreas(ctx, tenant.System(), k.ID); len(now) != len(areas) {
			t.Fatalf("the preview changed the Areas: %d of %d", len(now), len(areas))
		}
		confirm := preview.Form(t, "/sozialraeume/uebernehmen")
		if got := confirm.Values["endet"]; !slices.Equal(got, []string{gone.Key}) {
			t.Fatalf("the confirmation names %v as ending, want %s", got, gone.Key)
		}

		// Another Kommune's coordinator cannot confirm Hannover's upload.
		other := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: catalogKommune(t, s, demo.GapTransitionKommuneAGS).ID})
		otherToken := other.Get("/verwaltung/kommunen/" + demo.GapTransitionKommuneAGS + "/sozialraeume").CSRF()
		v := url.Values{"csrf": {otherToken}, "upload": confirm.Values["upload"], "endet": confirm.Values["endet"]}
		wantPage(t, "other Kommune", other.Post(areasPath+"/uebernehmen", v), http.StatusNotFound)

		// Someone adds a Sozialraum in between: the upload would now end it too, so nothing is saved.
		extra := region.Area{Key: "99", Name: "Zwischendurch", Geometry: testSquare(52.40, 9.70)}
		if _, err := s.UpsertAreasFrom(ctx, tenant.Kommune(k.ID), audit.System("test"), k.ID, []region.Area{extra}, cut); err != nil {
			t.Fatal(err)
		}
		wantPage(t, "changed meanwhile", coordinator.Submit(confirm), http.StatusConflict, htmlEscape(de.T("areaupload.changed")))
		if now, _ := s.ListAreas(ctx, tenant.System(), k.ID); len(now) != len(areas)+1 {
			t.Fatalf("a refused confirmation changed the Areas: %d, want %d", len(now), len(areas)+1)
		}

		// Uploaded again, both end; confirmed, they are retired from the cut on.
		preview = uploadAreaSet(t, coordinator, areasPath+"/hochladen", csrf, file, cut.String())
		wantPage(t, "second preview", preview, http.StatusOK, htmlEscape(gone.Name), extra.Name)
		done := coordinator.Submit(preview.Form(t, "/sozialraeume/uebernehmen"))
		wantPage(t, "confirmed", done, http.StatusSeeOther)
		wantPage(t, "after", coordinator.Follow(done), http.StatusOK, htmlEscape(de.T("areaupload.ended_notice", map[string]any{"Count": 2})))
		now, err := s.ListAreas(ctx, tenant.System(), k.ID)
		if err != nil || len(now) != len(areas)-1 || slices.ContainsFunc(now, func(a region.Area) bool { return a.ID == gone.ID }) {
			t.Fatalf("after the confirmation: %d Areas (want %d without %s), %v", len(now), len(areas)-1, gone.Name, err)
		}
		at, err := s.AreasAt(ctx, tenant.System(), k.ID, lastDay)
		if err != nil || !slices.ContainsFunc(at, func(a region.Area) bool { return a.ID == gone.ID }) {
			t.Fatalf("the day before the cut lacks %s (%v)", gone.Name, err)
		}
		// The same confirmation again finds nothing to apply.
		wantPage(t, "twice", coordinator.Submit(preview.Form(t, "/sozialraeume/uebernehmen")), http.StatusNotFound)

		// An upload that ends nothing is applied at once, as before.
		wantPage(t, "nothing ends", uploadAreaSet(t, coordinator, areasPath+"/hochladen", csrf, file, cut.String()), http.StatusSeeOther)
	})
}

// areaFeature writes a stored Area back as a feature of an upload.
func areaFeature(t *testing.T, a region.Area) string {
	t.Helper()
	c := a.Children
	return geoFeature(t, a.Key, a.Name, a.Geometry, map[string]any{"children_0_2": c.Age0to2, "children_3_5": c.Age3to5,
		"children_6_9": c.Age6to9, "children_10_15": c.Age10to15, "children_16_20": c.Age16to20})
}

// uploadAreaSet sends a GeoJSON file with its "Gültig ab" as the upload form does.
func uploadAreaSet(t *testing.T, c *webtest.Client, path, csrf, content, validFrom string) webtest.Page {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for name, value := range map[string]string{"csrf": csrf, "gueltig_ab": validFrom} {
		if err := w.WriteField(name, value); err != nil {
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
