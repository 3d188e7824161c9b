package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

func topicsByName(ts []store.SearchTopic) map[string]store.SearchTopic {
	m := map[string]store.SearchTopic{}
	for _, t := range ts {
		m[t.Topic] = t
	}
	return m
}

func TestSearchLogCountsTopicsAndZeroResultsAndFoldsOldSearchesIntoDailyCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs := seed(t, s, "03101000", "031010000000", 52.26, 10.52)
		h := seed(t, s, "03241001", "032410001001", 52.37, 9.73)
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		old := now.AddDate(0, 0, -100)
		entries := []store.SearchLogEntry{
			{At: old, Channel: "web", KommuneID: &bs.kommune.ID, Words: []string{"hebamme"}, Filters: []string{"phase:age_0_3"}, Results: 4},
			{At: old.Add(time.Hour), Channel: "api", KommuneID: &bs.kommune.ID, Words: []string{"schwimmkurs"}, Results: 0},
			{At: now, Channel: "web", KommuneID: &bs.kommune.ID, AreaID: &bs.area.ID, Words: []string{"hebamme"}, Results: 2},
			{At: now, Channel: "web", KommuneID: &bs.kommune.ID, Words: []string{"schwimmkurs"}, Filters: []string{"lang:tr"}, Results: 0},
			{At: now, Channel: "web", KommuneID: &h.kommune.ID, Words: []string{"hebamme"}, Results: 0},
			{At: now, Channel: "api", Words: []string{"kita"}, Results: 3},
		}
		for _, e := range entries {
			if err := s.RecordSearch(ctx, tenant.Public(), e); err != nil {
				t.Fatal(err)
			}
		}
		since := now.AddDate(-1, 0, 0)
		check := func(when string) {
			t.Helper()
			topics, err := s.SearchTopics(ctx, tenant.Kommune(bs.kommune.ID), bs.kommune.ID, since)
			if err != nil {
				t.Fatal(err)
			}
			m := topicsByName(topics)
			want := map[string]store.SearchTopic{
				store.TopicAll:  {Topic: store.TopicAll, Searches: 4, ZeroResults: 2},
				"hebamme":       {Topic: "hebamme", Searches: 2, ZeroResults: 0},
				"schwimmkurs":   {Topic: "schwimmkurs", Searches: 2, ZeroResults: 2},
				"phase:age_0_3": {Topic: "phase:age_0_3", Searches: 1, ZeroResults: 0},
				"lang:tr":       {Topic: "lang:tr", Searches: 1, ZeroResults: 1},
			}
			if len(m) != len(want) {
				t.Errorf("%s: topics %v, want %v", when, topics, want)
			}
			for k, w := range want {
				if m[k] != w {
					t.Errorf("%s: topic %q = %+v, want %+v", when, k, m[k], w)
				}
			}
			if topics[0].Topic != store.TopicAll {
				t.Errorf("%s: the totals come first (most searched), got %q", when, topics[0].Topic)
			}
		}
		check("before folding")

		n, err := s.FoldSearchLog(ctx, tenant.System(), now.AddDate(0, 0, -90))
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("folded %d searches, want the 2 older than 90 days", n)
		}
		raw, err := s.SearchLogEntries(ctx, tenant.System(), uuid.Nil, since, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 4 {
			t.Errorf("raw searches after folding: %d, want 4", len(raw))
		}
		for _, e := range raw {
			if e.At.Before(now.AddDate(0, 0, -90)) {
				t.Errorf("a search older than 90 days is still raw: %+v", e)
			}
		}
		check("after folding")
		// Folding again changes nothing: every search is counted exactly once.
		if n, err := s.FoldSearchLog(ctx, tenant.System(), now.AddDate(0, 0, -90)); err != nil || n != 0 {
			t.Errorf("second fold = %d, %v; want 0, nil", n, err)
		}
		check("after folding twice")
		// A search log outside the window is not counted.
		recent, err := s.SearchTopics(ctx, tenant.Kommune(bs.kommune.ID), bs.kommune.ID, now.AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		if got := topicsByName(recent)[store.TopicAll].Searches; got != 2 {
			t.Errorf("searches of the last day: %d, want 2", got)
		}
	})
}

func TestSearchLogOfAnotherKommuneIsNotFoundAndOnlyTheSystemFolds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		bs := seed(t, s, "03101000", "031010000000", 52.26, 10.52)
		h := seed(t, s, "03241001", "032410001001", 52.37, 9.73)
		if _, err := s.SearchTopics(ctx, tenant.Kommune(h.kommune.ID), bs.kommune.ID, time.Time{}); !errs.Is(err, errs.NotFound) {
			t.Errorf("topics of another Kommune: %v, want not found", err)
		}
		if _, err := s.SearchLogEntries(ctx, tenant.Kommune(h.kommune.ID), bs.kommune.ID, time.Time{}, 10); !errs.Is(err, errs.NotFound) {
			t.Errorf("entries of another Kommune: %v, want not found", err)
		}
		if _, err := s.SearchTopics(ctx, tenant.Public(), bs.kommune.ID, time.Time{}); !errs.Is(err, errs.NotFound) {
			t.Errorf("topics in the public scope: %v, want not found", err)
		}
		if _, err := s.SearchTopics(ctx, tenant.Land("03"), bs.kommune.ID, time.Time{}); err != nil {
			t.Errorf("topics in the Land's scope: %v", err)
		}
		if _, err := s.FoldSearchLog(ctx, tenant.Kommune(bs.kommune.ID), time.Now()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("fold in a Kommune scope: %v, want forbidden", err)
		}
		if err := s.RecordSearch(ctx, tenant.Kommune(bs.kommune.ID), store.SearchLogEntry{Channel: "web"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("record in a Kommune scope: %v, want forbidden", err)
		}
	})
}
