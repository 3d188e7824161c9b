package search

import (
	"testing"

	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
)

// The BM25 tables are shared between searches only while the average field lengths they were made for hold:
// an edit that changes them makes new ones.
func TestNormTablesFollowTheAverageLengths(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	x := demoIndex(t, s)
	st := x.st
	avgT, avgB := st.avgLens()
	title, _ := x.norms(st, avgT, avgB)
	if again, _ := x.norms(st, avgT, avgB); again != title {
		t.Error("the tables are made again for the same lengths")
	}
	d := storedDocs(t, s)[0]
	d.Offer.Name += " mit einem viel längeren Titel als zuvor"
	st.upsert(&d)
	avgT2, avgB2 := st.avgLens()
	title2, _ := x.norms(st, avgT2, avgB2)
	if avgT2 == avgT || title2 == title {
		t.Fatalf("after a longer title: average %v → %v, tables made again: %v", avgT, avgT2, title2 != title)
	}
	for tf := 1; tf <= tableTF; tf++ {
		for l, v := range title2[tf-1] {
			if want := bm25(tf, uint16(l), avgT2); v != want {
				t.Fatalf("tf %d, length %d: %v, want %v", tf, l, v, want)
			}
		}
	}
}
