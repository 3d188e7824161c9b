package store

import (
	"context"
	"slices"
	"time"
)

// ChangeFeed is a reader's position in the audit log, the change log that every in-memory copy of the store
// (the search index, the chain snapshot) follows. In PostgreSQL an id can commit after a higher one: ids a
// reader skipped are asked for again for a minute, so a slow transaction is not missed, and then given up (a
// rolled-back transaction leaves its id unused for ever). A ChangeFeed is not safe for concurrent use; its
// owner serialises its refreshes.
type ChangeFeed struct {
	last int64
	gaps map[int64]time.Time // ids below last not yet seen, with when they were first missed
	now  func() time.Time
}

// NewChangeFeed starts at the audit id last (from LastAuditID, read before the copy was built); now is the
// clock, time.Now when nil.
func NewChangeFeed(last int64, now func() time.Time) *ChangeFeed {
	if now == nil {
		now = time.Now
	}
	return &ChangeFeed{last: last, gaps: map[int64]time.Time{}, now: now}
}

// Position is the highest audit id applied.
func (f *ChangeFeed) Position() int64 { return f.last }

// Follow hands the changes since the position to apply in batches of up to limit, advancing past each batch
// that apply accepts, until none are left. It returns how many changes were applied.
func (f *ChangeFeed) Follow(ctx context.Context, s *Store, limit int, apply func([]AuditChange) error) (int, error) {
	applied := 0
	for {
		changes, err := s.AuditChanges(ctx, f.last, f.Pending(), limit)
		if err != nil || len(changes) == 0 {
			return applied, err
		}
		if err := apply(changes); err != nil {
			return applied, err
		}
		f.Advance(changes)
		applied += len(changes)
		if len(changes) < limit {
			return applied, nil
		}
	}
}

// Pending lists, in order, the skipped ids still asked for; those missed for over a minute are given up, and
// at most 500 are kept.
func (f *ChangeFeed) Pending() []int64 {
	cutoff := f.now().Add(-time.Minute)
	ids := make([]int64, 0, len(f.gaps))
	for id, seen := range f.gaps {
		if seen.Before(cutoff) || len(ids) >= 500 {
			delete(f.gaps, id) // rolled back, or too many to ask about
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Advance moves the position past changes and notes the ids it skipped (at most the 1,000 below each change).
func (f *ChangeFeed) Advance(changes []AuditChange) {
	now := f.now()
	for _, c := range changes {
		delete(f.gaps, c.ID)
		if c.ID <= f.last {
			continue
		}
		for missing := max(f.last+1, c.ID-1000); missing < c.ID; missing++ {
			f.gaps[missing] = now
		}
		f.last = c.ID
	}
}
