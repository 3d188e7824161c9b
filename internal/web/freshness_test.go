package web_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
	"github.com/kette-org/kette/internal/web"
)

// freshUserHeader names the user a test request acts as; the test middleware below turns it into the
// principal that the real session middleware would set.
const freshUserHeader = "X-Test-User"

// withTestPrincipal signs the request in as the user named in freshUserHeader, with a session CSRF token.
func withTestPrincipal(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if raw := r.Header.Get(freshUserHeader); raw != "" {
			id, err := uuid.Parse(raw)
			if err != nil {
				http.Error(w, "bad test user", http.StatusBadRequest)
				return
			}
			u, err := s.GetUser(r.Context(), tenant.System(), id)
			if err != nil {
				http.Error(w, "unknown test user", http.StatusBadRequest)
				return
			}
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: u, Via: "session", CSRF: "csrf-" + raw[:8]}))
		}
		next.ServeHTTP(w, r)
	})
}

// freshSite is a Kommune (Hannover, two organizations) and a foreign one (Braunschweig) with offers of every
// age, and the pages behind the test middleware.
type freshSite struct {
	s                                *store.Store
	url                              string
	hn, bs                           region.Kommune
	fresh, stale, staleNord, hidden  catalog.Offer
	bsStale                          catalog.Offer
	coordinator, editor, foreign, ld auth.User
}

func newFreshSite(t *testing.T, s *store.Store) *freshSite {
	t.Helper()
	sys, tester := tenant.System(), audit.System("test")
	f := &freshSite{s: s}
	if err := s.UpsertLand(ctx, tester, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		t.Fatal(err)
	}
	orgs := map[string]catalog.Organization{}
	locs := map[string]uuid.UUID{}
	kommune := func(ags, ars, name string, orgNames ...string) region.Kommune {
		k := region.Kommune{AGS: ags, ARS: ars, Name: name, Type: region.TypeKreisfreieStadt, LandCode: "03"}
		if err := s.CreateKommune(ctx, tester, &k); err != nil {
			t.Fatal(err)
		}
		for _, n := range orgNames {
			o := catalog.Organization{KommuneID: k.ID, Name: n, Kind: "familienzentrum"}
			if err := s.CreateOrganization(ctx, sys, tester, &o); err != nil {
				t.Fatal(err)
			}
			l := catalog.Location{OrganizationID: o.ID, Name: "Haus", Address1: "Markt 1", PostalCode: "30159", City: name,
				Latitude: 52.37, Longitude: 9.73}
			if err := s.CreateLocation(ctx, sys, tester, &l); err != nil {
				t.Fatal(err)
			}
			orgs[n], locs[n] = o, l.ID
		}
		return k
	}
	f.hn = kommune("03241001", "032410001001", "Region Hannover", "Familienzentrum Linden", "Beratungsstelle Nord")
	f.bs = kommune("03101000", "031010000000", "Braunschweig", "Familienbüro Braunschweig")
	now := time.Now().UTC()
	offer := func(org, name string, confirmed time.Time) catalog.Offer {
		o := catalog.Offer{OrganizationID: orgs[org].ID, Name: name, Description: "Ein Angebot.", Status: catalog.StatusActive,
			Phases: []string{"age_0_3"}, Fields: []string{"health"}, TargetGroups: []string{"all_families"}, Transitions: []string{},
			Languages: []string{"de"}, Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOnSite},
			Schedule: catalog.Schedule{Timezone: "Europe/Berlin"}, LastConfirmedAt: &confirmed, LocationIDs: []uuid.UUID{locs[org]}}
		if err := s.CreateOffer(ctx, sys, tester, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.fresh = offer("Familienzentrum Linden", "Babymassage", now.AddDate(0, -1, 0))
	f.stale = offer("Familienzentrum Linden", "Elterncafé", now.AddDate(0, -12, 0))
	f.staleNord = offer("Beratungsstelle Nord", "Erziehungsberatung", now.AddDate(0, -11, -5))
	f.hidden = offer("Familienzentrum Linden", "Krabbelgruppe", now.AddDate(0, -14, 0))
	f.bsStale = offer("Familienbüro Braunschweig", "Willkommensbesuch", now.AddDate(0, -12, 0))
	if hid, err := s.HideStale(ctx, sys, tester, f.hn.ID, now.AddDate(0, -13, 0)); err != nil || len(hid) != 1 {
		t.Fatalf("hide: %v %v", hid, err)
	}
	user := func(email string, role auth.Role, k region.Kommune, org string) auth.User {
		u := auth.User{Email: email, DisplayName: email, Role: role, KommuneID: k.ID}
		if role == auth.LandAdmin {
			u.KommuneID, u.LandCode = uuid.Nil, "03"
		}
		if org != "" {
			u.OrganizationIDs = []uuid.UUID{orgs[org].ID}
		}
		if err := s.CreateUser(ctx, sys, tester, &u, ""); err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.coordinator = user("koordination@hannover.example", auth.KommuneCoordinator, f.hn, "")
	f.editor = user("redaktion@linden.example", auth.ProviderEditor, f.hn, "Familienzentrum Linden")
	f.foreign = user("koordination@braunschweig.example", auth.KommuneCoordinator, f.bs, "")
	f.ld = user("land@niedersachsen.example", auth.LandAdmin, f.hn, "")

	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.New(web.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(withTestPrincipal(s, pages))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *freshSite) dashboard() string {
	return f.url + "/verwaltung/kommunen/" + f.hn.AGS + "/aktualitaet"
}

// post sends a form as u (no user: anonymous) without following the redirect.
func (f *freshSite) post(t *testing.T, u *auth.User, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if u != nil {
		req.Header.Set(freshUserHeader, u.ID.String())
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (f *freshSite) confirmed(t *testing.T, o catalog.Offer) time.Time {
	t.Helper()
	got, err := f.s.GetOffer(ctx, tenant.System(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *got.LastConfirmedAt
}

func TestFreshnessDashboardAndOneClickConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFreshSite(t, s)
		as := func(u auth.User) []string { return []string{freshUserHeader, u.ID.String()} }

		t.Run("anonymous visitors are sent to the login", func(t *testing.T) {
			resp, err := noRedirect.Get(f.dashboard())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/anmelden?next=") {
				t.Fatalf("anonymous: %d to %q, want 303 to the login", resp.StatusCode, loc)
			}
			if resp := f.post(t, nil, "/verwaltung/angebote/"+f.stale.ID.String()+"/bestaetigen", nil); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous confirmation: %d, want 401", resp.StatusCode)
			}
		})

		t.Run("the coordinator sees the share, the chart with its table and the stale offers", func(t *testing.T) {
			p := get(t, browser(t), f.dashboard(), as(f.coordinator)...)
			if p.status != http.StatusOK {
				t.Fatalf("status %d", p.status)
			}
			// Four active offers; two confirmed within twelve months (the Erziehungsberatung 11 months ago is
			// stale, but still counts).
			if got := text(first(t, p.doc, "strong", "class", "freshness-share__number")); got != "50 %" {
				t.Errorf("share %q, want 50 %%", got)
			}
			if !strings.Contains(p.body, "2 von 4 aktiven Angeboten") {
				t.Error("the share's sentence with its counts is missing")
			}
			first(t, p.doc, "svg", "role", "img")
			rows := map[string]string{}
			for _, tr := range all(first(t, p.doc, "caption", "id", "anteil-tabelle").Parent, "tr") {
				rows[text(first(t, tr, "th"))] = text(tr)
			}
			if r := rows["Familienzentrum Linden"]; !strings.Contains(r, "3") || !strings.Contains(r, "33 %") {
				t.Errorf("row of Linden %q, want 3 offers, 33 %%", r)
			}
			if r := rows["Beratungsstelle Nord"]; !strings.Contains(r, "100 %") {
				t.Errorf("row of Nord %q, want 100 %%", r)
			}
			stale := first(t, p.doc, "section", "id", "veraltet")
			body := text(stale)
			for _, want := range []string{"Elterncafé", "Erziehungsberatung", "Krabbelgruppe", "aus der Suche genommen"} {
				if !strings.Contains(body, want) {
					t.Errorf("the stale list lacks %q", want)
				}
			}
			if strings.Contains(body, "Babymassage") || strings.Contains(p.body, "Willkommensbesuch") {
				t.Error("the stale list shows a fresh offer or one of another Kommune")
			}
			forms := all(stale, "form", "method", "post")
			if len(forms) != 3 {
				t.Fatalf("%d confirmation forms, want 3", len(forms))
			}
			for _, form := range forms {
				in := first(t, form, "input", "name", "csrf")
				if v, _ := attr(in, "value"); v != "csrf-"+f.coordinator.ID.String()[:8] {
					t.Errorf("form csrf %q, want the session's token", v)
				}
			}
		})

		t.Run("the editor confirms their offer with one click", func(t *testing.T) {
			before := f.confirmed(t, f.stale)
			resp := f.post(t, &f.editor, "/verwaltung/angebote/"+f.stale.ID.String()+"/bestaetigen", url.Values{"csrf": {"x"}})
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther ||
				loc != "/verwaltung/kommunen/03241001/aktualitaet?bestaetigt=1#veraltet" {
				t.Fatalf("confirm: %d to %q, want 303 back to the dashboard", resp.StatusCode, loc)
			}
			if after := f.confirmed(t, f.stale); !after.After(before) || time.Since(after) > time.Minute {
				t.Fatalf("last confirmed %v, want now", after)
			}
			p := get(t, browser(t), f.dashboard()+"?bestaetigt=1", as(f.editor)...)
			if !strings.Contains(p.body, "Das Angebot ist bestätigt.") {
				t.Error("no notice after confirming")
			}
			stale := text(first(t, p.doc, "section", "id", "veraltet"))
			if strings.Contains(stale, "Elterncafé") {
				t.Error("the confirmed offer is still listed")
			}
			if !strings.Contains(stale, "nur durch die Einrichtung") {
				t.Error("the editor is offered to confirm another organization's offer")
			}
			// Another organization's offer: forbidden, unchanged.
			before = f.confirmed(t, f.staleNord)
			if resp := f.post(t, &f.editor, "/verwaltung/angebote/"+f.staleNord.ID.String()+"/bestaetigen", nil); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("editor confirming another organization's offer: %d, want 403", resp.StatusCode)
			}
			if !f.confirmed(t, f.staleNord).Equal(before) {
				t.Fatal("a refused confirmation changed the offer")
			}
		})

		t.Run("a hidden offer confirmed by the coordinator is public again", func(t *testing.T) {
			if resp := f.post(t, &f.coordinator, "/verwaltung/angebote/"+f.hidden.ID.String()+"/bestaetigen", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirm hidden: %d", resp.StatusCode)
			}
			p := get(t, browser(t), f.dashboard(), as(f.coordinator)...)
			if strings.Contains(p.body, "aus der Suche genommen") || text(first(t, p.doc, "strong", "class", "freshness-share__number")) != "100 %" {
				t.Fatalf("after confirming two offers: %q", text(first(t, p.doc, "strong", "class", "freshness-share__number")))
			}
		})

		t.Run("another Kommune's coordinator gets not found and changes nothing", func(t *testing.T) {
			if p := get(t, browser(t), f.dashboard(), as(f.foreign)...); p.status != http.StatusNotFound || strings.Contains(p.body, "Erziehungsberatung") {
				t.Fatalf("foreign dashboard: %d", p.status)
			}
			before := f.confirmed(t, f.staleNord)
			if resp := f.post(t, &f.foreign, "/verwaltung/angebote/"+f.staleNord.ID.String()+"/bestaetigen", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("foreign confirmation: %d, want 404", resp.StatusCode)
			}
			if !f.confirmed(t, f.staleNord).Equal(before) {
				t.Fatal("a foreign confirmation changed the offer")
			}
			own := get(t, browser(t), f.url+"/verwaltung/kommunen/"+f.bs.AGS+"/aktualitaet", as(f.foreign)...)
			if own.status != http.StatusOK || !strings.Contains(own.body, "Willkommensbesuch") {
				t.Fatalf("own dashboard of Braunschweig: %d", own.status)
			}
		})

		t.Run("the Land sees its Kommunen, in English too", func(t *testing.T) {
			p := get(t, browser(t), f.dashboard()+"?lang=en", as(f.ld)...)
			if p.status != http.StatusOK || !strings.Contains(p.body, "Freshness of offers") || !strings.Contains(p.body, fmt.Sprintf("%d of %d active offers", 4, 4)) {
				t.Fatalf("Land admin, English: %d", p.status)
			}
		})
	})
}

func TestFreshnessDashboardFollowsTheConfiguredMonthsAndShowsReviewersNoButtons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFreshSite(t, s)
		reviewer := auth.User{Email: "pruefung@hannover.example", DisplayName: "Prüfung", Role: auth.Reviewer, KommuneID: f.hn.ID}
		if err := s.CreateUser(ctx, tenant.System(), audit.System("test"), &reviewer, ""); err != nil {
			t.Fatal(err)
		}
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		// Remind only after 13 months: of the stale offers only the Krabbelgruppe (14 months) is listed.
		cfg := freshness.DefaultConfig()
		cfg.RemindAfterMonths, cfg.HideAfterMonths = 13, 15
		pages, err := web.New(web.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Freshness: cfg})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(withTestPrincipal(s, pages))
		t.Cleanup(srv.Close)
		p := get(t, browser(t), srv.URL+"/verwaltung/kommunen/"+f.hn.AGS+"/aktualitaet", freshUserHeader, reviewer.ID.String())
		if p.status != http.StatusOK {
			t.Fatalf("reviewer: %d", p.status)
		}
		stale := first(t, p.doc, "section", "id", "veraltet")
		body := text(stale)
		if !strings.Contains(body, "Seit über 13 Monaten nicht bestätigt") || !strings.Contains(body, "Krabbelgruppe") ||
			strings.Contains(body, "Elterncafé") || strings.Contains(body, "Erziehungsberatung") {
			t.Fatalf("stale list with 13 months: %q", body)
		}
		if forms := all(stale, "form"); len(forms) != 0 {
			t.Fatalf("a read-only reviewer is offered %d confirmation forms", len(forms))
		}
		before := f.confirmed(t, f.hidden)
		post, err := http.NewRequest(http.MethodPost, srv.URL+"/verwaltung/angebote/"+f.hidden.ID.String()+"/bestaetigen", nil)
		if err != nil {
			t.Fatal(err)
		}
		post.Header.Set(freshUserHeader, reviewer.ID.String())
		resp, err := noRedirect.Do(post)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !f.confirmed(t, f.hidden).Equal(before) {
			t.Fatalf("reviewer confirming: %d, want 403 and no change", resp.StatusCode)
		}
	})
}
