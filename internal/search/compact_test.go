package search

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// Edits leave stale room in the shared arrays; compacting gives it back without changing any answer: the
// hits, their facets and what a results list shows of them (names, places, opening hours) stay the same.
func TestCompactionFreesTheRoomOfEditsAndChangesNoAnswer(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	x := demoIndex(t, s)
	docs := storedDocs(t, s)
	st := x.st
	built := st.arenaBytes()
	// Every offer edited three times, as a refresh indexes it again, in an order other than the build's, so
	// the spans in use lie scattered over the arrays.
	r := rand.New(rand.NewPCG(3, 4))
	for range 3 {
		for _, i := range r.Perm(len(docs)) {
			st.upsert(&docs[i])
		}
	}
	if st.stale < 3*built*9/10 || st.arenaBytes() < 4*built*9/10 {
		t.Fatalf("after three edits of every offer: %d stale bytes of %d (built: %d)", st.stale, st.arenaBytes(), built)
	}
	if got, want := st.compactDue(), st.stale >= compactFloor; got != want {
		t.Errorf("compactDue = %v with %d stale bytes of %d", st.compactDue(), st.stale, st.arenaBytes())
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	answers := func() []any {
		var out []any
		for _, q := range []Query{{Text: "Beratung"}, {Text: "Kinder", PerPage: 50}, {OpenNow: true, PerPage: 50},
			{Text: "Hebamme", HasPoint: true, Lat: 52.37, Lon: 9.73, RadiusKm: 300}, {Weekday: 3, PerPage: 50}} {
			q.Now = now
			res, err := x.Search(q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res, x.Details(res.Hits, now))
		}
		return out
	}
	before := answers()
	st.compact()
	if st.stale != 0 || st.arenaBytes() != built {
		t.Errorf("after compacting: %d stale bytes, arrays of %d bytes, want 0 and %d as built", st.stale, st.arenaBytes(), built)
	}
	if after := answers(); !reflect.DeepEqual(before, after) {
		t.Errorf("compacting changed the answers:\nbefore %+v\nafter  %+v", before, after)
	}
	// Removed offers leave no room behind either, nor combinations of values no offer has any more.
	for i := range docs[:len(docs)/2] {
		st.remove(docs[i].Offer.ID)
	}
	before, palettes := answers(), st.paletteBytes()
	st.compact()
	if st.arenaBytes() >= built || st.paletteBytes() >= palettes {
		t.Errorf("after removing half the offers: arrays of %d bytes (as built %d), palettes of %d bytes (before compacting %d)",
			st.arenaBytes(), built, st.paletteBytes(), palettes)
	}
	if after := answers(); !reflect.DeepEqual(before, after) {
		t.Errorf("compacting after removals changed the answers:\nbefore %+v\nafter  %+v", before, after)
	}
}
