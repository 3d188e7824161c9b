package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/store"
)

// In PostgreSQL a transaction can commit audit id 11 before id 10; the reader must ask for 10 again until it
// shows up, and give up after a minute (a rolled-back transaction leaves its id unused for ever).
func TestChangeFeedRemembersSkippedIDs(t *testing.T) {
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	f := store.NewChangeFeed(9, func() time.Time { return now })
	f.Advance([]store.AuditChange{{ID: 11}, {ID: 14}})
	if f.Position() != 14 {
		t.Fatalf("position %d, want 14", f.Position())
	}
	if gaps := f.Pending(); !slices.Equal(gaps, []int64{10, 12, 13}) {
		t.Fatalf("asks again for %v, want [10 12 13]", gaps)
	}
	f.Advance([]store.AuditChange{{ID: 10}, {ID: 15}})
	if gaps := f.Pending(); !slices.Equal(gaps, []int64{12, 13}) || f.Position() != 15 {
		t.Fatalf("after 10 came: gaps %v, position %d", gaps, f.Position())
	}
	now = now.Add(2 * time.Minute)
	if gaps := f.Pending(); len(gaps) != 0 {
		t.Fatalf("after two minutes still asking for %v", gaps)
	}
}
