package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func TestCountOffersByAreaCountsPublishedOffersOncePerArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.26, 10.52)
		// A second location in the same Area: the offer there still counts once.
		second := catalog.Location{OrganizationID: f.org.ID, Name: "Nebenhaus", Address1: "Marktplatz 2", PostalCode: "38100",
			City: "Braunschweig", Latitude: 52.262, Longitude: 10.521}
		if err := s.CreateLocation(ctx, system, tester, &second); err != nil {
			t.Fatal(err)
		}
		both := validOffer(f.org.ID, f.loc.ID)
		both.Name, both.LocationIDs = "Krabbelgruppe", []uuid.UUID{f.loc.ID, second.ID}
		if err := s.CreateOffer(ctx, system, tester, &both); err != nil {
			t.Fatal(err)
		}
		inactive := validOffer(f.org.ID, f.loc.ID)
		inactive.Name, inactive.Status = "Pausiert", catalog.StatusInactive
		if err := s.CreateOffer(ctx, system, tester, &inactive); err != nil {
			t.Fatal(err)
		}
		public, err := s.CountOffersByArea(ctx, tenant.Public(), f.kommune.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(public) != 1 || public[f.area.ID] != 2 {
			t.Fatalf("public counts %v, want %s: 2 (the inactive offer is not public)", public, f.area.ID)
		}
		all, err := s.CountOffersByArea(ctx, tenant.Kommune(f.kommune.ID), f.kommune.ID)
		if err != nil || all[f.area.ID] != 3 {
			t.Fatalf("own Kommune counts %v (%v), want 3", all, err)
		}
		other := seed(t, s, "03403000", "034030000000", 53.14, 8.2)
		if _, err := s.CountOffersByArea(ctx, tenant.Kommune(other.kommune.ID), f.kommune.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other tenant: %v, want not found", err)
		}
		empty := region.Area{KommuneID: f.kommune.ID, Key: "02", Name: "Leer", Geometry: square(52.3, 10.6, 0.01)}
		if err := s.CreateArea(ctx, system, tester, &empty); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.CountOffersByArea(ctx, tenant.Public(), f.kommune.ID); got[empty.ID] != 0 || len(got) != 1 {
			t.Fatalf("an Area without offers: %v", got)
		}
	})
}

func TestCountOffersByTermCountsEachCodeOfPublishedOffers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.26, 10.52) // one offer: age_0_3; health, family_education
		school := validOffer(f.org.ID, f.loc.ID)
		school.Name, school.Phases, school.Fields = "Hausaufgabenhilfe", []string{"age_6_10", "age_10_16"}, []string{"education"}
		hidden := validOffer(f.org.ID, f.loc.ID)
		hidden.Name, hidden.Status = "Pausiert", catalog.StatusInactive
		for _, o := range []*catalog.Offer{&school, &hidden} {
			if err := s.CreateOffer(ctx, system, tester, o); err != nil {
				t.Fatal(err)
			}
		}
		phases, err := s.CountOffersByTerm(ctx, tenant.Public(), f.kommune.ID, "phase")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"age_0_3": 1, "age_6_10": 1, "age_10_16": 1}; !equalCounts(phases, want) {
			t.Errorf("public phases %v, want %v", phases, want)
		}
		fields, err := s.CountOffersByTerm(ctx, tenant.Kommune(f.kommune.ID), f.kommune.ID, "field")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"health": 2, "family_education": 2, "education": 1}; !equalCounts(fields, want) {
			t.Errorf("own Kommune's fields %v, want %v (the inactive offer counts for its own Kommune)", fields, want)
		}
		other := seed(t, s, "03403000", "034030000000", 53.14, 8.2)
		if _, err := s.CountOffersByTerm(ctx, tenant.Kommune(other.kommune.ID), f.kommune.ID, "phase"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other tenant: %v, want not found", err)
		}
	})
}

func equalCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
