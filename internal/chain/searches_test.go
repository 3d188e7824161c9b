package chain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/chain"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// Beside each gap, the public searches for what it lacks that found nothing: in its Sozialraum, in the
// Kommune without a Sozialraum, and among the folded older days.
func TestUnmetSearchesBesideTheGaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := buildScenario(t, s)
		nord, mitte, sued := sc.areas["01"], sc.areas["02"], sc.areas["03"]
		at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
		record := func(when time.Time, area *uuid.UUID, results int, filters ...string) {
			t.Helper()
			k := sc.kommune.ID
			if err := s.RecordSearch(ctx, system, store.SearchLogEntry{At: when, Channel: "web", KommuneID: &k, AreaID: area,
				Filters: filters, Results: results}); err != nil {
				t.Fatal(err)
			}
		}
		// Folded before the raw window's end: two searches for Familie → Kita without a Sozialraum, one for
		// health of 3–6-year-olds in Mitte.
		record(at(2026, 3, 1), nil, 0, "transition:family_kita")
		record(at(2026, 3, 1), nil, 0, "transition:family_kita", "lang:tr")
		record(at(2026, 3, 1), &mitte, 0, "phase:age_3_6", "field:health")
		if n, err := s.FoldSearchLog(ctx, system, at(2026, 6, 1)); err != nil || n != 3 {
			t.Fatalf("folded %d: %v", n, err)
		}
		// Raw searches.
		record(at(2026, 9, 1), &sued, 0, "phase:age_0_3", "field:family_education")         // Südstadt's gap, in the Area
		record(at(2026, 9, 2), nil, 0, "phase:age_0_3", "field:family_education", "free:1") // the Kommune as a whole
		record(at(2026, 9, 3), nil, 0, "transition:kita_school", "area:"+mitte.String())    // Mitte by the area filter
		record(at(2026, 9, 4), &nord, 0, "phase:age_0_3", "field:family_education")         // Nordstadt: no gap there
		record(at(2026, 9, 5), &sued, 5, "phase:age_0_3", "field:family_education")         // found something
		record(at(2026, 9, 6), &sued, 0, "phase:age_0_3")                                   // names no field
		record(at(2026, 10, 5), &sued, 0, "phase:age_0_3", "field:family_education")        // after the day
		record(at(2025, 9, 1), &sued, 0, "phase:age_0_3", "field:family_education")         // more than a year before

		until := day.Time().AddDate(0, 0, 1)
		searches, err := s.ChainZeroSearches(ctx, system, sc.kommune.ID, until.AddDate(0, 0, -chain.SearchWindow), until)
		if err != nil {
			t.Fatal(err)
		}
		src, err := s.ChainSource(ctx, system, sc.kommune.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		m := chain.Analyse(chain.Input{ChainSource: src, Taxonomy: s.Taxonomies(), Searches: &searches}, scenarioConfig(sc, 0))
		want := map[string]chain.UnmetSearches{
			"03 age_0_3 family_education": {Area: 1, Kommune: 1, Total: 2},
			"02 kita_school":              {Area: 1, Total: 1},
			"01 family_kita":              {Folded: 2, Total: 2},
			"02 family_kita":              {Folded: 2, Total: 2},
			"02 age_3_6 health":           {Folded: 1, Total: 1},
			"03 age_3_6 health":           {Folded: 1, Total: 1},
		}
		seen := 0
		for _, g := range m.Gaps {
			key := g.AreaKey + " " + g.Phase + " " + g.Field
			if g.Transition != "" {
				key = g.AreaKey + " " + g.Transition
			}
			w, ok := want[key]
			switch {
			case !ok && g.Searches != nil:
				t.Errorf("%s: %+v, want none", key, *g.Searches)
			case ok && (g.Searches == nil || *g.Searches != w):
				t.Errorf("%s: %+v, want %+v", key, g.Searches, w)
			case ok:
				seen++
			}
		}
		if seen != len(want) {
			t.Errorf("%d of %d gaps with searches seen", seen, len(want))
		}
	})
}
