package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/portal"
	"github.com/kette-org/kette/internal/report"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// A coordinator chooses on the portal settings which views of the Präventionskette the portal shows; the public
// page then shows those and nothing else, without sign-in, and is not found while none is chosen.
func TestPublishedChainViews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := site(t, s)
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		de := bundle.For("de")
		ags := demo.GapHealthKommuneAGS
		k := catalogKommune(t, s, ags)
		public := "/portal/" + ags + "/praeventionskette"
		settings := "/verwaltung/kommunen/" + ags + "/portal"

		visitor := browser(t)
		if p := get(t, visitor, srv.URL+public); p.status != http.StatusNotFound {
			t.Fatalf("nothing published: %d, want 404", p.status)
		}
		if p := get(t, visitor, srv.URL+"/portal/"+ags); strings.Contains(p.body, "/praeventionskette") {
			t.Error("the portal links the chain before anything is published")
		}

		coordinator := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: k.ID})
		page := coordinator.Get(settings)
		wantPage(t, "portal settings", page, http.StatusOK, de.T("publicchain.admin.heading"), de.T("publicchain.view.luecken"))
		form := page.Form(t, "/portal/kette")
		if len(form.Values["views"]) != 0 {
			t.Fatalf("views checked before any choice: %v", form.Values["views"])
		}

		// Without the form token nothing is saved; an unknown view comes back with its message.
		wantPage(t, "without token", coordinator.Post(settings+"/kette", url.Values{"views": {portal.ViewGaps}}), http.StatusForbidden)
		form.Values["views"] = []string{portal.ViewGaps, "suchprotokoll"}
		wantPage(t, "unknown view", coordinator.Submit(form), http.StatusUnprocessableEntity, "„suchprotokoll“")
		if views, _ := s.ChainViews(ctx, tenant.System(), k.ID); len(views) != 0 {
			t.Fatalf("a refused choice was saved: %v", views)
		}

		// A coordinator of another Kommune cannot publish Hannover's chain; a reviewer of Hannover may not.
		other := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.KommuneCoordinator, KommuneID: catalogKommune(t, s, demo.GapTransitionKommuneAGS).ID})
		otherToken := other.Get("/verwaltung/kommunen/" + demo.GapTransitionKommuneAGS + "/portal").CSRF()
		wantPage(t, "other Kommune", other.Post(settings+"/kette", url.Values{"csrf": {otherToken}, "views": {portal.ViewGaps}}), http.StatusNotFound)
		reviewer := catalogSignIn(t, s, srv.URL, auth.User{Role: auth.Reviewer, KommuneID: k.ID})
		reviewerToken := reviewer.Get("/verwaltung").CSRF()
		wantPage(t, "reviewer", reviewer.Post(settings+"/kette", url.Values{"csrf": {reviewerToken}, "views": {portal.ViewGaps}}), http.StatusForbidden)

		// The coordinator publishes the gap list and the map of gaps.
		form.Values["views"] = []string{portal.ViewGaps, portal.ViewGapMap}
		saved := coordinator.Submit(form)
		wantPage(t, "save", saved, http.StatusSeeOther)
		wantPage(t, "after save", coordinator.Follow(saved), http.StatusOK, de.T("publicchain.admin.saved"))

		// The expected numbers: the analysis of today with the default settings, as the coordinators see it.
		berlin, _ := time.LoadLocation("Europe/Berlin")
		a, err := report.Load(ctx, s, tenant.System(), ags, catalog.DateOf(time.Now().In(berlin)))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Matrix.Gaps) == 0 {
			t.Fatal("the demo Kommune has no gaps today; the test would show nothing")
		}
		top := a.Matrix.Gaps[0].Sentence(de, a.Tax)

		p := get(t, visitor, srv.URL+public, "Accept-Language", "de")
		if p.status != http.StatusOK {
			t.Fatalf("published: %d", p.status)
		}
		for _, want := range []string{de.T("publicchain.title", map[string]any{"Kommune": k.Name}), de.T("publicchain.view.luecken"),
			de.T("publicchain.view.karte"), top} {
			if !strings.Contains(p.body, htmlEscape(want)) {
				t.Errorf("public page lacks %q", want)
			}
		}
		for _, absent := range []string{de.T("publicchain.view.matrix"), de.T("publicchain.view.bedarf"), de.T("publicchain.view.versorgung"),
			de.T("chainview.need.formula"), "/verwaltung/kommunen/" + ags + "/kette"} {
			if strings.Contains(p.body, htmlEscape(absent)) {
				t.Errorf("public page shows %q, which was not chosen", absent)
			}
		}
		if len(all(p.doc, "caption")) == 0 {
			t.Error("the map and its ranking come without their table")
		}
		// The map's table has a row per Sozialraum with its number of gaps.
		per := a.GapsPerArea()
		for _, ar := range a.Areas {
			found := false
			for _, tr := range all(p.doc, "tr") {
				cells := all(tr, "td")
				if len(cells) == 2 && text(cells[0]) == ar.Key && text(cells[1]) == strconv.Itoa(per[ar.Key]) {
					found = true
				}
			}
			if !found {
				t.Errorf("the map's table lacks %s with %d gaps", ar.Name, per[ar.Key])
			}
		}
		lists := all(p.doc, "ol", "class", "gap-list")
		if len(lists) != 1 {
			t.Fatalf("%d gap lists, want 1", len(lists))
		}
		if items := all(lists[0], "li"); len(items) != min(len(a.Matrix.Gaps), 50) {
			t.Errorf("the gap list has %d items, want %d", len(items), min(len(a.Matrix.Gaps), 50))
		}

		// The portal links the page; the page is German or English only, whatever the visitor chose.
		if p := get(t, visitor, srv.URL+"/portal/"+ags); !strings.Contains(p.body, `href="/portal/`+ags+`/praeventionskette"`) {
			t.Error("the portal does not link its published chain")
		}
		ar := get(t, browser(t), srv.URL+public+"?lang=ar", "Accept-Language", "ar, en;q=0.5")
		if lang, _ := attr(first(t, ar.doc, "html"), "lang"); ar.status != http.StatusOK || lang != "en" {
			t.Errorf("in Arabic: %d, lang %q, want the English page", ar.status, lang)
		}

		// Every view chosen: matrix with a chosen phase, need index with its formula and readings, coverage.
		form = coordinator.Get(settings).Form(t, "/portal/kette")
		form.Values["views"] = portal.ChainViews
		wantPage(t, "save all", coordinator.Submit(form), http.StatusSeeOther)
		phase := a.Phases()[1]
		p = get(t, visitor, srv.URL+public+"?lebensphase="+phase, "Accept-Language", "de")
		if p.status != http.StatusOK {
			t.Fatalf("all views: %d", p.status)
		}
		wants := []string{de.T("publicchain.view.matrix"), a.Tax.Label("phase", phase, "de"), de.T("chainview.need.formula"),
			a.Matrix.Need.Formula, de.T("indicatorview.polarity.higher_is_worse"), de.T("chainview.derived.caption")}
		for _, ind := range a.Matrix.Need.Indicators {
			wants = append(wants, ind.Name)
		}
		for _, want := range wants {
			if !strings.Contains(text(p.doc), want) {
				t.Errorf("all views: page lacks %q", want)
			}
		}
		if sel := all(p.doc, "option", "value", phase); len(sel) != 1 || !selected(sel[0]) {
			t.Errorf("the chosen phase %s is not selected", phase)
		}
		if p := get(t, visitor, srv.URL+public+"?lebensphase=erfunden"); p.status != http.StatusBadRequest && p.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown phase: %d", p.status)
		}

		// On the portal's own host name the page is at /praeventionskette; without a portal there is none.
		po, err := s.GetPortal(ctx, tenant.System(), k.ID)
		if err != nil {
			t.Fatal(err)
		}
		po.Host = "familie.hannover.example"
		if err := s.SavePortal(ctx, tenant.Kommune(k.ID), audit.System("test"), &po, true); err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/praeventionskette", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = po.Host
		resp, err := visitor.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("on the portal's host: %d", resp.StatusCode)
		}
		if p := get(t, visitor, srv.URL+"/praeventionskette"); p.status != http.StatusNotFound {
			t.Errorf("without a portal: %d, want 404", p.status)
		}

		// Another Kommune has published nothing; taking views back makes the page not found again.
		if p := get(t, visitor, srv.URL+"/portal/"+demo.GapTransitionKommuneAGS+"/praeventionskette"); p.status != http.StatusNotFound {
			t.Errorf("another Kommune: %d, want 404", p.status)
		}
		form = coordinator.Get(settings).Form(t, "/portal/kette")
		delete(form.Values, "views")
		wantPage(t, "withdraw", coordinator.Submit(form), http.StatusSeeOther)
		if p := get(t, visitor, srv.URL+public); p.status != http.StatusNotFound {
			t.Errorf("withdrawn: %d, want 404", p.status)
		}
	})
}

func selected(n *html.Node) bool {
	_, ok := attr(n, "selected")
	return ok
}
