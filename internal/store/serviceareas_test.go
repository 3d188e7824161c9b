package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
)

func TestAnOfferNamesTheSozialraeumeItServesAndTheChainSeesThem(t *testing.T) {
	eachWithClock(t, func(t *testing.T, e *accountsEnv) {
		coord := e.coordinator(t, e.hn, "k@hannover.example", "")
		o := e.hn.offer
		o.ServiceAreaIDs = []uuid.UUID{e.bs.area.ID}
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &o); !errs.Is(err, errs.Invalid) {
			t.Fatalf("serving another Kommune's Sozialraum: %v, want invalid", err)
		}
		o.ServiceAreaIDs = []uuid.UUID{e.hn.area.ID, e.hn.area.ID}
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &o); !errs.Is(err, errs.Invalid) {
			t.Fatalf("the same Sozialraum twice: %v, want invalid", err)
		}
		o.ServiceAreaIDs = []uuid.UUID{e.hn.area.ID}
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &o); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.GetOffer(ctx, coord.Scope(), o.ID)
		if err != nil || len(got.ServiceAreaIDs) != 1 || got.ServiceAreaIDs[0] != e.hn.area.ID {
			t.Fatalf("read back: %v %v", got.ServiceAreaIDs, err)
		}
		src, err := e.s.ChainSource(ctx, coord.Scope(), e.hn.kommune.ID, catalog.Date{Y: 2026, M: 6, D: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Offers) != 1 || len(src.Offers[0].ServiceAreas) != 1 || src.Offers[0].ServiceAreas[0] != e.hn.area.ID {
			t.Fatalf("chain source offers: %+v", src.Offers)
		}
		o.ServiceAreaIDs = nil
		if err := e.s.UpdateOffer(ctx, coord.Scope(), actor(coord), &o); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.GetOffer(ctx, coord.Scope(), o.ID); len(got.ServiceAreaIDs) != 0 {
			t.Fatalf("cleared service areas came back: %v", got.ServiceAreaIDs)
		}
	})
}
