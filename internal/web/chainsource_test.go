package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/server"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// The Land comparison analyses from the chain snapshot when the server has one: it shows what the store shows,
// an edit only after the snapshot's refresh, and then again what the store shows.
func TestLandViewReadsTheChainSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := demo.Load(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		actor, sys := audit.System("test"), tenant.System()
		land := auth.User{Email: "kette@nds.example", DisplayName: "Landesamt", Role: auth.LandAdmin, LandCode: "03"}
		if err := s.CreateUser(ctx, sys, actor, &land, ""); err != nil {
			t.Fatal(err)
		}
		snap := chain.NewSnapshot(chain.SnapshotOptions{})
		if err := snap.Build(ctx, s); err != nil {
			t.Fatal(err)
		}
		bundle, err := i18n.New()
		if err != nil {
			t.Fatal(err)
		}
		serve := func(snap *chain.Snapshot) string {
			app, err := server.Handler(server.Deps{Store: s, I18n: bundle, Log: slog.New(slog.DiscardHandler), Version: "test", Chain: snap})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				app.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{User: land, Via: "session", CSRF: "x"})))
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/verwaltung/laender/03/kette?datum=" + catalog.DateOf(demo.ReferenceDate).String()
		}
		fromStore, fromSnapshot := serve(nil), serve(snap)
		table := func(url string) string {
			t.Helper()
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %v", url, resp.StatusCode, err)
			}
			tables := regexp.MustCompile(`(?s)<table.*?</table>`).FindAllString(string(b), -1)
			if len(tables) == 0 {
				t.Fatalf("%s: no table", url)
			}
			out := ""
			for _, tb := range tables {
				out += tb
			}
			return out
		}
		before := table(fromStore)
		if got := table(fromSnapshot); got != before {
			t.Fatalf("the Land view from the snapshot differs from the store's:\n%s\n---\n%s", got, before)
		}

		// An outreach offer for every phase and field in Hannover closes its gaps.
		k, err := s.GetKommuneByAGS(ctx, sys, demo.GapHealthKommuneAGS)
		if err != nil {
			t.Fatal(err)
		}
		org := catalog.Organization{KommuneID: k.ID, Name: "Aufsuchende Familienhilfe", Kind: "verein"}
		if err := s.CreateOrganization(ctx, sys, actor, &org); err != nil {
			t.Fatal(err)
		}
		offer := catalog.Offer{OrganizationID: org.ID, Name: "Familienhilfe zu Hause", Status: catalog.StatusActive,
			Cost: catalog.CostFree, Access: catalog.AccessOpen, Delivery: []string{catalog.DeliveryOutreach}}
		tax := s.Taxonomies()
		for _, term := range tax.Terms("phase") {
			offer.Phases = append(offer.Phases, term.Code)
		}
		for _, term := range tax.Terms("field") {
			offer.Fields = append(offer.Fields, term.Code)
		}
		if err := s.CreateOffer(ctx, sys, actor, &offer); err != nil {
			t.Fatal(err)
		}
		after := table(fromStore)
		if after == before {
			t.Fatal("the new offer changed nothing in the Land view; the test would prove nothing")
		}
		if got := table(fromSnapshot); got != before {
			t.Error("the snapshot's Land view changed before a refresh: it is not read from the snapshot")
		}
		if _, err := snap.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := table(fromSnapshot); got != after {
			t.Errorf("after the refresh the snapshot's Land view differs from the store's:\n%s\n---\n%s", got, after)
		}
	})
}
