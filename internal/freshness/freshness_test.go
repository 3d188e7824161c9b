package freshness_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/freshness"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/mail"
	"github.com/kette-org/kette/internal/mail/mailtest"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

var (
	ctx    = context.Background()
	tester = audit.System("test")
	system = tenant.System()
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// kommune is a seeded Kommune with one location per organization.
type kommune struct {
	k    region.Kommune
	orgs map[string]catalog.Organization
	locs map[string]uuid.UUID
}

func seedKommune(t *testing.T, s *store.Store, ags, name string, orgs ...string) kommune {
	t.Helper()
	if err := s.UpsertLand(ctx, tester, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		t.Fatal(err)
	}
	k := kommune{k: region.Kommune{AGS: ags, ARS: ags[:5] + "0000" + ags[5:], Name: name, Type: region.TypeKreisfreieStadt, LandCode: "03"},
		orgs: map[string]catalog.Organization{}, locs: map[string]uuid.UUID{}}
	if err := s.CreateKommune(ctx, tester, &k.k); err != nil {
		t.Fatal(err)
	}
	for _, n := range orgs {
		o := catalog.Organization{KommuneID: k.k.ID, Name: n, Kind: "familienzentrum"}
		if err := s.CreateOrganization(ctx, system, tester, &o); err != nil {
			t.Fatal(err)
		}
		l := catalog.Location{OrganizationID: o.ID, Name: "Haus", Address1: "Marktplatz 1", PostalCode: "30159", City: name,
			Latitude: 52.37, Longitude: 9.73}
		if err := s.CreateLocation(ctx, system, tester, &l); err != nil {
			t.Fatal(err)
		}
		k.orgs[n], k.locs[n] = o, l.ID
	}
	return k
}

func (k kommune) offer(t *testing.T, s *store.Store, org, name string, confirmed time.Time) catalog.Offer {
	t.Helper()
	o := catalog.Offer{OrganizationID: k.orgs[org].ID, Name: name, Description: "Ein Angebot für Familien.",
		Status: catalog.StatusActive, Phases: []string{"age_0_3"}, Fields: []string{"health"}, TargetGroups: []string{"all_families"},
		Transitions: []string{}, Languages: []string{"de"}, Cost: catalog.CostFree, Access: catalog.AccessOpen,
		Delivery: []string{catalog.DeliveryOnSite}, Schedule: catalog.Schedule{Timezone: "Europe/Berlin"},
		LastConfirmedAt: &confirmed, LocationIDs: []uuid.UUID{k.locs[org]}}
	if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func user(t *testing.T, s *store.Store, email string, role auth.Role, k kommune, orgs ...string) auth.User {
	t.Helper()
	u := auth.User{Email: email, DisplayName: email, Role: role, KommuneID: k.k.ID}
	for _, o := range orgs {
		u.OrganizationIDs = append(u.OrganizationIDs, k.orgs[o].ID)
	}
	if err := s.CreateUser(ctx, system, tester, &u, ""); err != nil {
		t.Fatal(err)
	}
	return u
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }

// subjects lists the subjects of the mails to addr.
func subjects(srv *mailtest.Server, addr string) []string {
	var out []string
	for _, m := range srv.To(addr) {
		out = append(out, m.Subject)
	}
	return out
}

func TestTheJobRemindsProvidersHidesOldOffersAndTellsTheCoordinators(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := &clock{t: day(2026, 5, 4)}
			s, err := store.Open(ctx, storetest.DSN(t, d), store.Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			bundle, err := i18n.New()
			if err != nil {
				t.Fatal(err)
			}
			srv := mailtest.Start(t, mail.TLSStartTLS)
			cfg := freshness.DefaultConfig()
			cfg.BaseURL = "https://kette.example/"
			job := &freshness.Job{Store: s, Mail: &mail.Templates{Sender: srv.Sender(t), I18n: bundle}, Config: cfg}

			hn := seedKommune(t, s, "03241001", "Region Hannover", "Familienzentrum Linden", "Beratungsstelle Nord")
			bs := seedKommune(t, s, "03101000", "Braunschweig", "Familienbüro Braunschweig")
			stale := hn.offer(t, s, "Familienzentrum Linden", "Elterncafé", day(2025, 5, 1))         // 12 months: remind
			hn.offer(t, s, "Familienzentrum Linden", "Babymassage", day(2026, 4, 1))                 // fresh
			orphan := hn.offer(t, s, "Beratungsstelle Nord", "Erziehungsberatung", day(2025, 5, 15)) // no editor: coordinators
			gone := hn.offer(t, s, "Familienzentrum Linden", "Krabbelgruppe", day(2025, 3, 1))       // 14 months: hide
			bsGone := bs.offer(t, s, "Familienbüro Braunschweig", "Willkommensbesuch", day(2024, 1, 10))
			user(t, s, "redaktion@linden.example", auth.ProviderEditor, hn, "Familienzentrum Linden")
			off := user(t, s, "ehemals@linden.example", auth.ProviderEditor, hn, "Familienzentrum Linden")
			if err := s.DisableUser(ctx, system, tester, off.ID); err != nil {
				t.Fatal(err)
			}
			user(t, s, "koordination@hannover.example", auth.KommuneCoordinator, hn)
			user(t, s, "koordination@braunschweig.example", auth.KommuneCoordinator, bs)

			index := search.New(search.Options{Now: clk.Now})
			if err := index.Build(ctx, s); err != nil {
				t.Fatal(err)
			}
			finds := func(text string, id uuid.UUID) bool {
				t.Helper()
				if _, err := index.Refresh(ctx); err != nil {
					t.Fatal(err)
				}
				res, err := index.Search(search.Query{Text: text, Now: clk.Now()})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range res.Hits {
					if h.OfferID == id {
						return true
					}
				}
				return false
			}
			if !finds("Krabbelgruppe", gone.ID) {
				t.Fatal("the old offer is not searchable before the job")
			}

			rep, err := job.Run(ctx, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			if rep != (freshness.Report{Reminded: 2, Hidden: 2, Mails: 4}) {
				t.Fatalf("report %+v, want 2 reminded, 2 hidden, 4 mails", rep)
			}

			editor := srv.To("redaktion@linden.example")
			if len(editor) != 1 || editor[0].Subject != "Bitte bestätigen Sie Ihre Angebote (Region Hannover)" {
				t.Fatalf("mails to the editor: %v", subjects(srv, "redaktion@linden.example"))
			}
			body := editor[0].Body
			for _, want := range []string{"Elterncafé (Familienzentrum Linden), zuletzt bestätigt: 01.05.2025",
				"https://kette.example/verwaltung/kommunen/03241001/aktualitaet", "seit über 11 Monaten", "13 Monate"} {
				if !strings.Contains(body, want) {
					t.Errorf("reminder lacks %q:\n%s", want, body)
				}
			}
			for _, not := range []string{"Babymassage", "Krabbelgruppe", "Erziehungsberatung"} {
				if strings.Contains(body, not) {
					t.Errorf("reminder to the editor names %q:\n%s", not, body)
				}
			}
			if got := srv.To("ehemals@linden.example"); len(got) != 0 {
				t.Errorf("a disabled editor got %d mails", len(got))
			}

			coord := srv.To("koordination@hannover.example")
			bySubject := map[string]string{}
			for _, m := range coord {
				bySubject[m.Subject] = m.Body
			}
			if len(coord) != 2 || !strings.Contains(bySubject["Angebote aus der Suche genommen (Region Hannover)"], "Krabbelgruppe") ||
				!strings.Contains(bySubject["Bitte bestätigen Sie Ihre Angebote (Region Hannover)"], "Erziehungsberatung (Beratungsstelle Nord)") {
				t.Fatalf("mails to the coordinator of Hannover: %v", bySubject)
			}
			if strings.Contains(bySubject["Angebote aus der Suche genommen (Region Hannover)"], "Willkommensbesuch") {
				t.Fatal("Hannover was told about an offer of Braunschweig")
			}
			bsMails := srv.To("koordination@braunschweig.example")
			if len(bsMails) != 1 || !strings.Contains(bsMails[0].Body, "Willkommensbesuch") || strings.Contains(bsMails[0].Body, "Krabbelgruppe") {
				t.Fatalf("mails to Braunschweig: %+v", bsMails)
			}

			if finds("Krabbelgruppe", gone.ID) || finds("Willkommensbesuch", bsGone.ID) {
				t.Fatal("the search still finds hidden offers")
			}
			if !finds("Elterncafé", stale.ID) || !finds("Erziehungsberatung", orphan.ID) {
				t.Fatal("reminded offers must stay searchable")
			}

			// The same day again: nothing new. A month later (2026-06-04) the Elterncafé has passed 13 months and
			// is hidden, the Erziehungsberatung (confirmed 2025-05-15) is reminded once more, Krabbelgruppe is
			// not reported again.
			srv.Reset()
			if rep, err := job.Run(ctx, clk.Now()); err != nil || rep != (freshness.Report{}) {
				t.Fatalf("second run the same day: %+v %v, want nothing", rep, err)
			}
			clk.Advance(31 * 24 * time.Hour)
			if rep, err := job.Run(ctx, clk.Now()); err != nil || rep != (freshness.Report{Reminded: 1, Hidden: 1, Mails: 2}) {
				t.Fatalf("run a month later: %+v %v, want one reminder and one hiding", rep, err)
			}
			later := map[string]string{}
			for _, m := range srv.To("koordination@hannover.example") {
				later[m.Subject] = m.Body
			}
			if hid := later["Angebote aus der Suche genommen (Region Hannover)"]; !strings.Contains(hid, "Elterncafé") || strings.Contains(hid, "Krabbelgruppe") {
				t.Fatalf("hiding mail a month later: %q", hid)
			}
			if !strings.Contains(later["Bitte bestätigen Sie Ihre Angebote (Region Hannover)"], "Erziehungsberatung") {
				t.Fatalf("reminder a month later: %v", later)
			}

			// Confirming brings the hidden offer back and ends its reminders.
			srv.Reset()
			if _, err := s.ConfirmOffer(ctx, system, tester, gone.ID); err != nil {
				t.Fatal(err)
			}
			if !finds("Krabbelgruppe", gone.ID) {
				t.Fatal("the confirmed offer is not searchable again")
			}
		})
	}
}

func TestAFailedMailIsTriedAgainOnTheNextRun(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := &clock{t: day(2026, 5, 4)}
			s, err := store.Open(ctx, storetest.DSN(t, d), store.Options{Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			bundle, err := i18n.New()
			if err != nil {
				t.Fatal(err)
			}
			hn := seedKommune(t, s, "03241001", "Region Hannover", "Familienzentrum Linden")
			hn.offer(t, s, "Familienzentrum Linden", "Elterncafé", day(2025, 5, 1))
			user(t, s, "redaktion@linden.example", auth.ProviderEditor, hn, "Familienzentrum Linden")

			srv := mailtest.Start(t, mail.TLSStartTLS)
			wrong := srv.Config()
			wrong.Password = "falsch"
			broken, err := mail.NewSMTP(wrong, srv.ClientTLS)
			if err != nil {
				t.Fatal(err)
			}
			job := &freshness.Job{Store: s, Mail: &mail.Templates{Sender: broken, I18n: bundle}, Config: freshness.DefaultConfig()}
			if rep, err := job.Run(ctx, clk.Now()); err != nil || rep.Failed != 1 || rep.Mails != 0 {
				t.Fatalf("run with a failing mail server: %+v %v", rep, err)
			}
			job.Mail.Sender = srv.Sender(t)
			if rep, err := job.Run(ctx, clk.Now()); err != nil || rep.Mails != 1 || len(srv.To("redaktion@linden.example")) != 1 {
				t.Fatalf("next run: %+v %v, want the reminder sent", rep, err)
			}
		})
	}
}

func TestRemindingMustComeBeforeHiding(t *testing.T) {
	cfg := freshness.DefaultConfig()
	cfg.HideAfterMonths = 11
	if err := cfg.Validate(); !errs.Is(err, errs.Invalid) {
		t.Fatalf("hide after 11 months, remind after 11: %v, want invalid", err)
	}
	if err := freshness.DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestTheLoopRunsAtOnceAndStopsWithItsContext(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	hn := seedKommune(t, s, "03241001", "Region Hannover", "Familienzentrum Linden")
	hn.offer(t, s, "Familienzentrum Linden", "Elterncafé", time.Now().AddDate(0, -12, 0))
	user(t, s, "redaktion@linden.example", auth.ProviderEditor, hn, "Familienzentrum Linden")
	srv := mailtest.Start(t, mail.TLSNone)
	job := &freshness.Job{Store: s, Mail: &mail.Templates{Sender: srv.Sender(t), I18n: bundle}, Config: freshness.DefaultConfig()}

	loopCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		job.Loop(loopCtx, time.Hour)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.To("redaktion@linden.example")) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not stop with its context")
	}
	if got := srv.To("redaktion@linden.example"); len(got) != 1 {
		t.Fatalf("%d reminders from the loop's first run, want 1", len(got))
	}
}
