package store_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// benchStore holds one Kommune with n offers, written through the normal validated path.
func benchStore(b *testing.B, d store.Dialect, n int) (*store.Store, fixture) {
	b.Helper()
	s := storetest.Open(b, d)
	f := seed(b, s, "03101000", "031010000000", 52.2689, 10.5268)
	for i := 1; i < n; i++ {
		o := validOffer(f.org.ID, f.loc.ID)
		o.Name = fmt.Sprintf("Angebot %05d", i)
		if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
			b.Fatal(err)
		}
	}
	return s, f
}

func BenchmarkGetOffer(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, f := benchStore(b, d, 500)
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.GetOffer(ctx, tenant.Public(), f.offer.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkListOffersPage(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, f := benchStore(b, d, 500)
			b.ResetTimer()
			for b.Loop() {
				if _, total, err := s.ListOffers(ctx, tenant.Public(), store.OfferFilter{KommuneID: f.kommune.ID, Offset: 100}); err != nil || total != 500 {
					b.Fatal(total, err)
				}
			}
		})
	}
}

func BenchmarkCreateOffer(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			s, f := benchStore(b, d, 1)
			b.ResetTimer()
			for b.Loop() {
				o := validOffer(f.org.ID, f.loc.ID)
				o.ID = uuid.New()
				if err := s.CreateOffer(ctx, system, tester, &o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
