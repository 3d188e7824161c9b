package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func streamAll(t *testing.T, s *store.Store, sel store.SearchSelection, batch int) []store.SearchDoc {
	t.Helper()
	var out []store.SearchDoc
	if err := s.StreamSearchDocs(ctx, sel, batch, func(docs []store.SearchDoc) error {
		out = append(out, docs...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStreamSearchDocsReadsPublicOffersInIDOrderWithOrganizationAndLocations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		for i := range 4 {
			o := validOffer(f.org.ID, f.loc.ID)
			if i == 3 {
				o.Status = catalog.StatusInactive // not public: never streamed
			}
			if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
				t.Fatal(err)
			}
		}
		docs := streamAll(t, s, store.SearchSelection{}, 2) // batches of 2: keyset paging across batches
		if len(docs) != 4 {
			t.Fatalf("streamed %d offers, want the 4 active ones", len(docs))
		}
		for i := 1; i < len(docs); i++ {
			if docs[i-1].Offer.ID.String() >= docs[i].Offer.ID.String() {
				t.Fatalf("not in id order: %s before %s", docs[i-1].Offer.ID, docs[i].Offer.ID)
			}
		}
		want, err := s.GetOffer(ctx, tenant.Public(), f.offer.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Offer.ID != f.offer.ID {
				continue
			}
			if d.OrganizationName != f.org.Name || d.OrganizationKind != "familienzentrum" || d.LandCode != "03" {
				t.Errorf("organization %q/%q, land %q", d.OrganizationName, d.OrganizationKind, d.LandCode)
			}
			if d.Offer.Name != want.Name || len(d.Offer.Phases) != 1 || len(d.Offer.Languages) != 2 ||
				d.Offer.Schedule.Weekly[0].Weekday != 3 || *d.Offer.MaximumAgeMonths != 12 || d.Offer.LastConfirmedAt == nil {
				t.Errorf("offer %+v, want the full offer %+v", d.Offer, want)
			}
			if len(d.Locations) != 1 || d.Locations[0].PostalCode != "38100" || d.Locations[0].AreaID == nil ||
				*d.Locations[0].AreaID != f.area.ID || d.Locations[0].Latitude != f.loc.Latitude ||
				len(d.Locations[0].OpeningHours) != 1 {
				t.Errorf("locations %+v", d.Locations)
			}
			return
		}
		t.Error("the seeded offer was not streamed")
	})
}

func TestStreamSearchDocsSelectsByOfferOrganizationLocationOrKommune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		b := seed(t, s, "03241001", "032410001001", 52.3759, 9.7320)
		for name, sel := range map[string]store.SearchSelection{
			"offer":        {OfferIDs: []uuid.UUID{b.offer.ID}},
			"organization": {OrganizationIDs: []uuid.UUID{b.org.ID}},
			"location":     {LocationIDs: []uuid.UUID{b.loc.ID}},
			"kommune":      {KommuneIDs: []uuid.UUID{b.kommune.ID}},
		} {
			docs := streamAll(t, s, sel, 10)
			if len(docs) != 1 || docs[0].Offer.ID != b.offer.ID {
				t.Errorf("by %s: %d docs, want only the offer of Kommune b", name, len(docs))
			}
		}
		if docs := streamAll(t, s, store.SearchSelection{OfferIDs: []uuid.UUID{a.offer.ID, b.offer.ID}}, 10); len(docs) != 2 {
			t.Errorf("two offers selected, %d streamed", len(docs))
		}
	})
}

func TestAuditChangesReadsTheLogAfterAnIDAndMissedIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		last, err := s.LastAuditID(ctx)
		if err != nil || last == 0 {
			t.Fatalf("last audit id %d, %v", last, err)
		}
		if err := s.DeleteOffer(ctx, system, tester, f.offer.ID); err != nil {
			t.Fatal(err)
		}
		changes, err := s.AuditChanges(ctx, last, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Entity != "offer" || changes[0].EntityID != f.offer.ID.String() ||
			changes[0].Action != "delete" || changes[0].ID <= last {
			t.Fatalf("changes after %d: %+v", last, changes)
		}
		again, err := s.AuditChanges(ctx, changes[0].ID, []int64{last}, 10)
		if err != nil || len(again) != 1 || again[0].ID != last {
			t.Fatalf("asking again for id %d: %+v, %v", last, again, err)
		}
	})
}
