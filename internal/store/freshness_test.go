package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/search"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// addOffer creates another active offer of the fixture's organization with the given last confirmation.
func addOffer(t *testing.T, s *store.Store, f fixture, name string, confirmed *time.Time) catalog.Offer {
	t.Helper()
	o := validOffer(f.org.ID, f.loc.ID)
	o.Name, o.LastConfirmedAt = name, confirmed
	if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func at(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return &t
}

func TestConfirmingAnOfferIsOneClickForItsProvidersAndItsCoordinators(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		offer := e.hn.offer
		ed := e.editor(t, e.hn, "redaktion@fz.example")
		other := catalog.Organization{KommuneID: e.hn.kommune.ID, Name: "Beratungsstelle Nord", Kind: "beratungsstelle"}
		if err := e.s.CreateOrganization(ctx, system, tester, &other); err != nil {
			t.Fatal(err)
		}
		otherEd := auth.User{Email: "nord@beratung.example", DisplayName: "Nord", Role: auth.ProviderEditor,
			KommuneID: e.hn.kommune.ID, OrganizationIDs: []uuid.UUID{other.ID}}
		e.create(t, &otherEd, "")
		reviewer := auth.User{Email: "pruefung@hannover.example", DisplayName: "Prüfung", Role: auth.Reviewer, KommuneID: e.hn.kommune.ID}
		e.create(t, &reviewer, "")
		foreign := e.coordinator(t, e.bs, "koordination@braunschweig.example", "")

		for name, c := range map[string]struct {
			scope tenant.Scope
			want  errs.Code
		}{
			"editor of another organization": {otherEd.Scope(), errs.Forbidden},
			"reviewer (read only)":           {reviewer.Scope(), errs.Forbidden},
			"coordinator of another Kommune": {foreign.Scope(), errs.NotFound},
			"the public":                     {tenant.Public(), errs.NotFound},
		} {
			if _, err := e.s.ConfirmOffer(ctx, c.scope, tester, offer.ID); !errs.Is(err, c.want) {
				t.Errorf("%s confirming: %v, want %s", name, err, c.want)
			}
		}
		got, err := e.s.GetOffer(ctx, system, offer.ID)
		if err != nil || !got.LastConfirmedAt.Equal(*offer.LastConfirmedAt) {
			t.Fatalf("refused confirmations changed the offer: %v %v", got.LastConfirmedAt, err)
		}

		e.clock.Advance(time.Hour)
		when, err := e.s.ConfirmOffer(ctx, ed.Scope(), actor(ed), offer.ID)
		if err != nil || !when.Equal(e.clock.Now()) {
			t.Fatalf("editor confirming: %v at %v, want now %v", err, when, e.clock.Now())
		}
		got, _ = e.s.GetOffer(ctx, system, offer.ID)
		if got.LastConfirmedAt == nil || !got.LastConfirmedAt.Equal(e.clock.Now()) || got.Name != offer.Name {
			t.Fatalf("after confirming: last confirmed %v, name %q", got.LastConfirmedAt, got.Name)
		}
		entries, err := e.s.ListAudit(ctx, system, audit.Filter{Entity: "offer", EntityID: offer.ID.String(), Actor: actor(ed).String()})
		if err != nil || len(entries) != 1 || entries[0].Action != audit.Update {
			t.Fatalf("audit of the confirmation: %+v %v", entries, err)
		}
	})
}

func TestTheCoordinatorSeesStaleOffersAndTheShareConfirmedWithinAYear(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		// Now is 2026-05-04; the fixture's offer was confirmed on 2026-03-01.
		now := e.clock.Now()
		old := addOffer(t, e.s, e.hn, "Elterncafé", at(2025, 6, 1)) // stale after 11 months, but within 12
		older := addOffer(t, e.s, e.hn, "Krabbelgruppe", at(2024, 12, 1))
		draft := validOffer(e.hn.org.ID, e.hn.loc.ID)
		draft.Name, draft.Status, draft.LastConfirmedAt = "Pausiert", catalog.StatusInactive, at(2020, 1, 1)
		if err := e.s.CreateOffer(ctx, system, tester, &draft); err != nil {
			t.Fatal(err)
		}
		coord := e.coordinator(t, e.hn, "koordination@hannover.example", "")

		stale, err := e.s.StaleOffers(ctx, coord.Scope(), e.hn.kommune.ID, now.AddDate(0, -11, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(stale) != 2 || stale[0].ID != older.ID || stale[1].ID != old.ID || stale[0].OrganizationName != e.hn.org.Name {
			t.Fatalf("stale offers: %+v, want Krabbelgruppe then Elterncafé (inactive offers do not count)", stale)
		}

		total, orgs, err := e.s.FreshnessShare(ctx, coord.Scope(), e.hn.kommune.ID, now.AddDate(-1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if total.Active != 3 || total.Confirmed != 2 || len(orgs) != 1 || orgs[0].Confirmed != 2 || orgs[0].Name != e.hn.org.Name {
			t.Fatalf("share: %+v per organization %+v, want 2 of 3", total, orgs)
		}
		if s := total.Share(); s < 0.66 || s > 0.67 {
			t.Fatalf("share %v, want 2/3", s)
		}

		foreign := e.coordinator(t, e.bs, "koordination@braunschweig.example", "")
		if _, err := e.s.StaleOffers(ctx, foreign.Scope(), e.hn.kommune.ID, now); !errs.Is(err, errs.NotFound) {
			t.Fatalf("stale offers of another Kommune: %v, want not found", err)
		}
		if _, _, err := e.s.FreshnessShare(ctx, foreign.Scope(), e.hn.kommune.ID, now); !errs.Is(err, errs.NotFound) {
			t.Fatalf("share of another Kommune: %v, want not found", err)
		}
		if _, _, err := e.s.FreshnessShare(ctx, tenant.Public(), e.hn.kommune.ID, now); !errs.Is(err, errs.NotFound) {
			t.Fatalf("share for the public: %v, want not found", err)
		}
	})
}

func TestAReminderIsClaimedAtMostOncePerPeriod(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		stale := addOffer(t, e.s, e.hn, "Elterncafé", at(2025, 4, 1))
		claim := func() []store.FreshOffer {
			t.Helper()
			now := e.clock.Now()
			got, err := e.s.ClaimReminders(ctx, system, e.hn.kommune.ID, now.AddDate(0, -11, 0), now.AddDate(0, 0, -30))
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		first := claim()
		if len(first) != 1 || first[0].ID != stale.ID || first[0].RemindedAt == nil {
			t.Fatalf("first claim: %+v, want the stale offer", first)
		}
		if again := claim(); len(again) != 0 {
			t.Fatalf("claimed again the same day: %+v", again)
		}
		e.clock.Advance(29 * 24 * time.Hour)
		if again := claim(); len(again) != 0 {
			t.Fatalf("claimed again after 29 days: %+v", again)
		}
		e.clock.Advance(2 * 24 * time.Hour)
		if again := claim(); len(again) != 1 {
			t.Fatalf("after 31 days: %d claimed, want 1", len(again))
		}
		if err := e.s.ReleaseReminders(ctx, system, []uuid.UUID{stale.ID}); err != nil {
			t.Fatal(err)
		}
		if again := claim(); len(again) != 1 {
			t.Fatalf("after a failed mail the reminder is due again: %d claimed", len(again))
		}
		if _, err := e.s.ConfirmOffer(ctx, system, tester, stale.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(40 * 24 * time.Hour)
		if again := claim(); len(again) != 0 {
			t.Fatalf("a confirmed offer is reminded: %+v", again)
		}
		coord := e.coordinator(t, e.hn, "koordination@hannover.example", "")
		if _, err := e.s.ClaimReminders(ctx, coord.Scope(), e.hn.kommune.ID, e.clock.Now(), e.clock.Now()); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a coordinator claiming reminders: %v, want forbidden", err)
		}
	})
}

func TestAnOfferUnconfirmedTooLongLeavesTheSearchIndexUntilConfirmed(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		stale := addOffer(t, e.s, e.hn, "Elterncafé am Lindener Markt", at(2025, 3, 1))
		x := search.New(search.Options{Now: e.clock.Now})
		if err := x.Build(ctx, e.s); err != nil {
			t.Fatal(err)
		}
		found := func() bool {
			t.Helper()
			if _, err := x.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			res, err := x.Search(search.Query{Text: "Elterncafé", Now: e.clock.Now()})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.OfferID == stale.ID {
					return true
				}
			}
			return false
		}
		if !found() {
			t.Fatal("the offer is not in the index before hiding")
		}
		hideBefore := e.clock.Now().AddDate(0, -13, 0) // 2025-04-04
		hidden, err := e.s.HideStale(ctx, system, audit.System("freshness"), e.hn.kommune.ID, hideBefore)
		if err != nil {
			t.Fatal(err)
		}
		if len(hidden) != 1 || hidden[0].ID != stale.ID || !hidden[0].Hidden {
			t.Fatalf("hidden: %+v, want only the offer confirmed on 2025-03-01", hidden)
		}
		if again, err := e.s.HideStale(ctx, system, audit.System("freshness"), e.hn.kommune.ID, hideBefore); err != nil || len(again) != 0 {
			t.Fatalf("hiding twice: %+v %v, want nothing the second time", again, err)
		}
		if found() {
			t.Fatal("the search still finds the hidden offer")
		}
		total, _, err := e.s.FreshnessShare(ctx, system, e.hn.kommune.ID, e.clock.Now().AddDate(-1, 0, 0))
		if err != nil || total.Hidden != 1 {
			t.Fatalf("share counts %d hidden (%v), want 1", total.Hidden, err)
		}
		// Still there for the coordinator, and editing it keeps it hidden.
		if got, err := e.s.GetOffer(ctx, system, stale.ID); err != nil {
			t.Fatal(err)
		} else {
			got.Description = "Jetzt auch mit Kinderbetreuung."
			if err := e.s.UpdateOffer(ctx, system, tester, &got); err != nil {
				t.Fatal(err)
			}
		}
		if found() {
			t.Fatal("an edit without confirmation showed the hidden offer again")
		}
		e.clock.Advance(time.Minute)
		if _, err := e.s.ConfirmOffer(ctx, system, tester, stale.ID); err != nil {
			t.Fatal(err)
		}
		if !found() {
			t.Fatal("the confirmed offer is not found again")
		}
	})
}

// Approving a change confirms an offer without going through ConfirmOffer; the old hiding then no longer
// counts, and a later hiding replaces it.
func TestAConfirmationByAnyPathEndsAHidingAndALaterOneHidesAgain(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		stale := addOffer(t, e.s, e.hn, "Elterncafé", at(2025, 3, 1))
		job := audit.System("freshness")
		if hid, err := e.s.HideStale(ctx, system, job, e.hn.kommune.ID, e.clock.Now().AddDate(0, -13, 0)); err != nil || len(hid) != 1 {
			t.Fatalf("hide: %+v %v", hid, err)
		}
		public := func() bool {
			t.Helper()
			found := false
			err := e.s.StreamSearchDocs(ctx, store.SearchSelection{OfferIDs: []uuid.UUID{stale.ID}}, 10, func(docs []store.SearchDoc) error {
				found = found || len(docs) == 1
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return found
		}
		if public() {
			t.Fatal("hidden offer is public")
		}
		e.clock.Advance(time.Minute)
		o, err := e.s.GetOffer(ctx, system, stale.ID)
		if err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		o.LastConfirmedAt = &now
		if err := e.s.UpdateOffer(ctx, system, tester, &o); err != nil {
			t.Fatal(err)
		}
		if !public() {
			t.Fatal("an offer confirmed after its hiding is still hidden")
		}
		e.clock.Advance(14 * 31 * 24 * time.Hour)
		hid, err := e.s.HideStale(ctx, system, job, e.hn.kommune.ID, e.clock.Now().AddDate(0, -13, 0))
		if err != nil {
			t.Fatal(err)
		}
		again := false
		for _, h := range hid { // the fixture's own offer is hidden by now too
			again = again || h.ID == stale.ID
		}
		if !again || public() {
			t.Fatalf("hiding again after 14 months: %+v, public %v", hid, public())
		}
	})
}
