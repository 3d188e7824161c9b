package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// TestTheLeichteSpracheSummaryIsStoredReadSearchedAndBounded: the summary survives an update with its line
// breaks and umlauts, reaches the public reads and the search index's source, may be removed again, and is
// refused beyond catalog.MaxEasySummary characters – counted as characters, not bytes – without a change.
func TestTheLeichteSpracheSummaryIsStoredReadSearchedAndBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := seed(t, s, "03101000", "031010000000", 52.26, 10.52)
		if got, err := s.GetOffer(ctx, system, f.offer.ID); err != nil || got.EasySummary != "" {
			t.Fatalf("an offer created without a summary: %q, %v", got.EasySummary, err)
		}
		update := func(summary string) error {
			o, err := s.GetOffer(ctx, system, f.offer.ID)
			if err != nil {
				t.Fatal(err)
			}
			o.EasySummary = summary
			return s.UpdateOffer(ctx, system, tester, &o)
		}
		summary := "Hier lernen Sie: So massieren Sie Ihr Baby.\nDas tut Ihrem Baby gut.\nDas kostet nichts. Bringen Sie ein Hand·tuch mit."
		if err := update(summary); err != nil {
			t.Fatal(err)
		}
		for _, scope := range []tenant.Scope{system, tenant.Public(), tenant.Kommune(f.kommune.ID)} {
			got, err := s.GetOffer(ctx, scope, f.offer.ID)
			if err != nil || got.EasySummary != summary {
				t.Fatalf("read in %v: %q, %v", scope, got.EasySummary, err)
			}
		}
		var searched []string
		err := s.StreamSearchDocs(ctx, store.SearchSelection{OfferIDs: []uuid.UUID{f.offer.ID}}, 10, func(docs []store.SearchDoc) error {
			for _, d := range docs {
				searched = append(searched, d.Offer.EasySummary)
			}
			return nil
		})
		if err != nil || !slices.Equal(searched, []string{summary}) {
			t.Fatalf("search source: %q, %v", searched, err)
		}

		// Exactly the limit in two-byte letters passes (twice as many bytes); one more is refused at the field.
		longest := strings.Repeat("ä", catalog.MaxEasySummary)
		if err := update(longest); err != nil {
			t.Fatalf("a summary of %d characters: %v", catalog.MaxEasySummary, err)
		}
		err = update(longest + "ü")
		if !errs.Is(err, errs.Invalid) || !slices.ContainsFunc(errs.As(err).Fields, func(f errs.FieldError) bool {
			return f.Field == "x_easy_language_summary" && f.Message == "validation.too_long"
		}) {
			t.Fatalf("a summary of %d characters: %v", catalog.MaxEasySummary+1, err)
		}
		if got, _ := s.GetOffer(ctx, system, f.offer.ID); got.EasySummary != longest {
			t.Fatalf("the refused update changed the summary to %d characters", len([]rune(got.EasySummary)))
		}

		if err := update(""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetOffer(ctx, system, f.offer.ID); got.EasySummary != "" {
			t.Fatalf("removed summary still there: %q", got.EasySummary)
		}
	})
}
