package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func TestChainSourceReadsOffersValidOnTheDayWithTermsAndSites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268) // its offer: valid from 2026-01-01, open end
		day := catalog.Date{Y: 2026, M: 10, D: 1}
		mk := func(name string, from, to *catalog.Date, status string, transitions ...string) catalog.Offer {
			o := validOffer(f.org.ID, f.loc.ID)
			o.Name, o.ValidFrom, o.ValidTo, o.Status, o.Transitions = name, from, to, status, append([]string{}, transitions...)
			if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
				t.Fatal(err)
			}
			return o
		}
		d := func(y, m, dd int) *catalog.Date { return &catalog.Date{Y: y, M: m, D: dd} }
		lastDay := mk("endet am Stichtag", d(2026, 9, 1), d(2026, 10, 1), catalog.StatusActive, "kita_school")
		firstDay := mk("beginnt am Stichtag", d(2026, 10, 1), nil, catalog.StatusActive)
		mk("vergangen", d(2025, 1, 1), d(2026, 9, 30), catalog.StatusActive)
		mk("künftig", d(2026, 10, 2), nil, catalog.StatusActive)
		mk("inaktiv", nil, nil, catalog.StatusInactive)

		src, err := s.ChainSource(ctx, tenant.Kommune(f.kommune.ID), f.kommune.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		got := map[uuid.UUID]store.ChainOffer{}
		for _, o := range src.Offers {
			got[o.ID] = o
		}
		if len(got) != 3 || got[f.offer.ID].ID == uuid.Nil || got[lastDay.ID].ID == uuid.Nil || got[firstDay.ID].ID == uuid.Nil {
			t.Fatalf("offers %+v, want the seed offer and the two valid on the day (bounds inclusive)", src.Offers)
		}
		o := got[lastDay.ID]
		if o.OrganizationKind != "familienzentrum" || !equal(o.Phases, []string{"age_0_3"}) ||
			!equal(o.Fields, []string{"family_education", "health"}) || !equal(o.Transitions, []string{"kita_school"}) ||
			!equal(o.Delivery, []string{catalog.DeliveryOnSite}) {
			t.Errorf("offer %+v", o)
		}
		if len(o.Sites) != 1 || o.Sites[0].LocationID != f.loc.ID || o.Sites[0].AreaID == nil || *o.Sites[0].AreaID != f.area.ID ||
			o.Sites[0].Latitude != f.loc.Latitude || o.Sites[0].Longitude != f.loc.Longitude {
			t.Errorf("sites %+v, want the location in the Area", o.Sites)
		}
		if len(src.Areas) != 1 || src.Areas[0].Children != f.area.Children || src.Areas[0].Geometry == nil {
			t.Errorf("areas %+v", src.Areas)
		}
		if len(src.Anchors) != 1 || src.Anchors[0].LocationID != f.loc.ID {
			t.Errorf("anchors %+v, want the Familienzentrum's one location once", src.Anchors)
		}
		if src.Kommune.ID != f.kommune.ID || src.Date != day {
			t.Errorf("kommune %v, date %v", src.Kommune, src.Date)
		}
	})
}

func TestChainSourceOutsideTheScopeIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.2689, 10.5268)
		other := seed(t, s, "05315000", "053150000000", 50.9375, 6.9603)
		day := catalog.Date{Y: 2026, M: 10, D: 1}
		for name, scope := range map[string]tenant.Scope{"other Kommune": tenant.Kommune(other.kommune.ID),
			"other Land": tenant.Land("05"), "zero scope": {}} {
			if _, err := s.ChainSource(ctx, scope, f.kommune.ID, day); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
		if src, err := s.ChainSource(ctx, tenant.Land("03"), f.kommune.ID, day); err != nil || len(src.Offers) != 1 {
			t.Errorf("own Land: %d offers, %v", len(src.Offers), err)
		}
	})
}
