package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// TestChromiumCoordinatorPicksALocationOnTheMap: where JavaScript runs, a click into the map of Sozialräume
// fills in the coordinates of the location form; saved, the location lies in the Sozialraum clicked.
func TestChromiumCoordinatorPicksALocationOnTheMap(t *testing.T) {
	exe := chromium(t)
	srv, s, _ := demoSite(t, store.SQLite)
	bg := context.Background()
	if _, err := demo.Accounts(bg, s, auth.DefaultParams()); err != nil {
		t.Fatal(err)
	}
	coord, err := s.GetUserByEmail(bg, tenant.System(), "koordination@demo.kette.example")
	if err != nil {
		t.Fatal(err)
	}
	loc, target := locationAndOtherArea(t, s, coord)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(1024, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(bg, opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, 90*time.Second)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	must("open login", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/anmelden?lang=de")))
	must("type e-mail", chromedp.Do(ctx, chromedp.SendKeys(`#f-email`, coord.Email)))
	must("type password", chromedp.Do(ctx, chromedp.SendKeys(`#f-password`, demo.Password)))
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`form[action="/anmelden"] button[type=submit]`))
	must("submit login", err)

	must("open the location", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/verwaltung/standorte/"+loc.ID.String())))
	// The label of the target Sozialraum sits at its centroid, inside it.
	xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const label = [...document.querySelectorAll('svg[data-pick-kx] text')].find(t => t.textContent === `+
		"`"+target.Key+"`"+`);
		label.scrollIntoView({block: 'center'});
		const r = label.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`))
	must("find the label of "+target.Key, err)
	fields := `[document.querySelector('input[name=latitude]').value, document.querySelector('input[name=longitude]').value,
		(document.querySelector('.pick__status') || {}).textContent || '']`
	before, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fields))
	must("read the fields", err)
	must("click into the map", chromedp.Do(ctx, chromedp.MouseClickXY(xy[0], xy[1])))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fields))
	must("read the fields", err)
	if got[0] == "" || got[0] == before[0] || got[1] == before[1] || !strings.Contains(got[2], got[0]) {
		t.Fatalf("after the click: latitude %q, longitude %q, status %q (before: %q)", got[0], got[1], got[2], before)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`form.form button[type=submit]`))
	must("save", err)

	after, err := s.GetLocation(bg, tenant.System(), loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.AreaID == nil || *after.AreaID != target.ID {
		t.Fatalf("saved at %v, %v in area %v; want in %s (%s)", after.Latitude, after.Longitude, after.AreaID, target.Name, target.ID)
	}
}

// locationAndOtherArea finds a location in the coordinator's Kommune that lies in a Sozialraum, and another
// Sozialraum of the Kommune to move it to.
func locationAndOtherArea(t *testing.T, s *store.Store, u auth.User) (catalog.Location, region.Area) {
	t.Helper()
	bg := context.Background()
	areas, err := s.ListAreas(bg, u.Scope(), u.KommuneID)
	if err != nil || len(areas) < 2 {
		t.Fatalf("areas of the coordinator's Kommune: %d, %v", len(areas), err)
	}
	orgs, _, err := s.ListOrganizations(bg, u.Scope(), store.OrganizationFilter{KommuneID: u.KommuneID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		locs, err := s.ListLocations(bg, u.Scope(), store.LocationFilter{OrganizationID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range locs {
			if l.AreaID == nil {
				continue
			}
			for _, a := range areas {
				if a.ID != *l.AreaID {
					return l, a
				}
			}
		}
	}
	t.Fatal("no location inside a Sozialraum in the coordinator's Kommune")
	return catalog.Location{}, region.Area{}
}
